//! `--output-format json`: one JSON array of findings (a public contract, see the README).

use super::check::CheckedFile;
use crate::diagnostic::Diagnostic;
use crate::line_index::{ColumnEncoding, LineIndex};
use crate::rules;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Location {
    row: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    location: Location,
    end_location: Location,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    applicability: crate::diagnostic::Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    filename: &'a str,
    location: Location,
    end_location: Location,
    /// The preferred fix (the first of `fixes`), kept for consumers of one fix.
    fix: Option<JsonFix<'a>>,
    /// Every fix, in the order the terminal shows them.
    fixes: Vec<JsonFix<'a>>,
    url: Option<String>,
}

/// A 1-based row and a 1-based column counted in Unicode scalar values.
fn location(index: &LineIndex, offset: usize) -> Location {
    let position = index.line_col(offset, ColumnEncoding::Scalar);
    Location {
        row: position.line + 1,
        column: position.column + 1,
    }
}

fn json_fix<'a>(index: &LineIndex, fix: &'a crate::diagnostic::Fix) -> JsonFix<'a> {
    JsonFix {
        message: &fix.message,
        applicability: fix.applicability,
        edits: fix
            .edits
            .iter()
            .map(|edit| JsonEdit {
                content: &edit.content,
                location: location(index, edit.range.start),
                end_location: location(index, edit.range.end),
            })
            .collect(),
    }
}

pub(super) fn to_json<'a>(file: &'a CheckedFile, diagnostic: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let index = &file.index;
    JsonDiagnostic {
        code: diagnostic.code,
        severity: diagnostic.severity.as_str(),
        message: &diagnostic.message,
        filename: &file.name,
        location: location(index, diagnostic.range.start),
        end_location: location(index, diagnostic.range.end),
        fix: diagnostic.fix().map(|fix| json_fix(index, fix)),
        fixes: diagnostic
            .fixes
            .iter()
            .map(|fix| json_fix(index, fix))
            .collect(),
        url: rules::rule(diagnostic.code).map(|rule| rule.url()),
    }
}

pub fn render(out: &mut impl Write, files: &[CheckedFile]) -> io::Result<()> {
    let all: Vec<JsonDiagnostic<'_>> = files
        .iter()
        .flat_map(|file| file.diagnostics.iter().map(move |d| to_json(file, d)))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &all).map_err(io::Error::other)?;
    writeln!(out)
}
