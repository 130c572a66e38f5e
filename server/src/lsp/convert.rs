//! Converts between ddia's byte ranges and LSP positions, and ddia findings to LSP diagnostics.
//!
//! This module and the rest of `lsp/` are the only code that knows LSP types; the
//! conversion of offsets goes through [`LineIndex`], in the encoding negotiated at
//! initialization.

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::line_index::{ColumnEncoding, LineCol, LineIndex};
use crate::rules;
use crate::text::TextRange;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, PositionEncodingKind, Range, Uri,
};

/// The column encoding for an LSP position encoding kind.
pub fn column_encoding(kind: &PositionEncodingKind) -> ColumnEncoding {
    if *kind == PositionEncodingKind::UTF8 {
        ColumnEncoding::Utf8
    } else if *kind == PositionEncodingKind::UTF32 {
        ColumnEncoding::Scalar
    } else {
        ColumnEncoding::Utf16
    }
}

pub fn position(index: &LineIndex, offset: usize, encoding: ColumnEncoding) -> Position {
    let LineCol { line, column } = index.line_col(offset, encoding);
    Position::new(saturate(line), saturate(column))
}

pub fn range(index: &LineIndex, range: TextRange, encoding: ColumnEncoding) -> Range {
    Range::new(
        position(index, range.start, encoding),
        position(index, range.end, encoding),
    )
}

pub fn offset(index: &LineIndex, position: Position, encoding: ColumnEncoding) -> usize {
    index.offset(
        LineCol {
            line: position.line as usize,
            column: position.character as usize,
        },
        encoding,
    )
}

pub fn text_range(index: &LineIndex, range: Range, encoding: ColumnEncoding) -> TextRange {
    TextRange::new(
        offset(index, range.start, encoding),
        offset(index, range.end, encoding),
    )
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A fix as carried in a diagnostic's `data`, already in LSP coordinates, so that code
/// actions never have to analyse the file again.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FixData {
    pub title: String,
    pub safe: bool,
    pub edits: Vec<lsp::TextEdit>,
}

/// What a ddia diagnostic carries in `data`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
pub struct DiagnosticData {
    pub fixes: Vec<FixData>,
}

pub fn diagnostic(
    uri: &Uri,
    index: &LineIndex,
    encoding: ColumnEncoding,
    finding: &Diagnostic,
) -> lsp::Diagnostic {
    let severity = match finding.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let code_description = rules::rule(finding.code)
        .and_then(|rule| Uri::from_str(&rule.url()).ok())
        .map(|href| CodeDescription { href });
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .map(|related| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(index, related.range, encoding)),
            message: related.message.clone(),
        })
        .collect();
    let data = DiagnosticData {
        fixes: finding
            .fixes
            .iter()
            .map(|fix| FixData {
                title: fix.message.clone(),
                safe: fix.applicability == Applicability::Safe,
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| lsp::TextEdit {
                        range: range(index, edit.range, encoding),
                        new_text: edit.content.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    lsp::Diagnostic {
        range: range(index, finding.range, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.code.to_owned())),
        code_description,
        source: Some("ddia".to_owned()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: serde_json::to_value(data).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_in_both_encodings() {
        let text = "a: \"😀 日本\"\r\nb: ü\n";
        let index = LineIndex::new(text);
        let b = text.find('b').expect("b");
        let u = text.find('ü').expect("ü");
        for (encoding, column_of_u) in [(ColumnEncoding::Utf16, 3), (ColumnEncoding::Utf8, 3)] {
            assert_eq!(position(&index, b, encoding), Position::new(1, 0));
            assert_eq!(position(&index, u, encoding), Position::new(1, column_of_u));
            assert_eq!(offset(&index, Position::new(1, column_of_u), encoding), u);
        }
        let end_of_quote = text.find("本\"").expect("quote") + "本".len();
        assert_eq!(
            position(&index, end_of_quote, ColumnEncoding::Utf16),
            Position::new(0, 9)
        );
        assert_eq!(
            position(&index, end_of_quote, ColumnEncoding::Utf8),
            Position::new(0, 15)
        );
    }
}
