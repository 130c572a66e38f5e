//! Converts between ddia's byte ranges and LSP positions, and ddia findings to LSP diagnostics.
//!
//! This module and the rest of `lsp/` are the only code that knows LSP types; the
//! conversion of offsets goes through [`LineIndex`], in the encoding negotiated at
//! initialization.

use crate::diagnostic::{Diagnostic, Severity};
use crate::line_index::{ColumnEncoding, LineCol, LineIndex};
use crate::rules;
use crate::text::TextRange;
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

/// At most this many findings of one file go to the editor: a pathological or
/// generated file must not flood the client. The rest are summarised in one finding.
pub const MAX_PUBLISHED_DIAGNOSTICS: usize = 1000;

/// A file's findings as LSP diagnostics, capped at [`MAX_PUBLISHED_DIAGNOSTICS`]: the
/// most severe are kept, then the earliest, and one informational diagnostic at the
/// top of the file counts the ones left out.
pub fn diagnostics(
    uri: &Uri,
    index: &LineIndex,
    encoding: ColumnEncoding,
    findings: &[Diagnostic],
) -> Vec<lsp::Diagnostic> {
    let mut shown: Vec<&Diagnostic> = findings.iter().collect();
    let hidden = shown.len().saturating_sub(MAX_PUBLISHED_DIAGNOSTICS - 1);
    if hidden > 1 {
        shown.sort_by_key(|finding| (finding.severity as u8, finding.range.start));
        shown.truncate(MAX_PUBLISHED_DIAGNOSTICS - 1);
        shown.sort_by_key(|finding| (finding.range.start, finding.range.end));
    }
    let mut published: Vec<lsp::Diagnostic> = shown
        .iter()
        .map(|finding| diagnostic(uri, index, encoding, finding))
        .collect();
    if hidden > 1 {
        published.push(lsp::Diagnostic {
            range: lsp::Range::default(),
            severity: Some(DiagnosticSeverity::INFORMATION),
            code: Some(NumberOrString::String("too-many-findings".to_owned())),
            source: Some("ddia".to_owned()),
            message: format!(
                "{hidden} more findings in this file are not shown (the editor gets at most {MAX_PUBLISHED_DIAGNOSTICS}); run `ddia check` on the file to see them all"
            ),
            ..lsp::Diagnostic::default()
        });
    }
    published
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
    let code_description = rule_href(finding.code).map(|href| CodeDescription { href });
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .map(|related| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(index, related.range, encoding)),
            message: related.message.clone(),
        })
        .collect();
    // Fixes stay on the server: code actions find them in the stored analysis, so
    // every publish stays small (a keystroke republishes the whole file's findings).
    lsp::Diagnostic {
        range: range(index, finding.range, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.code.to_owned())),
        code_description,
        source: Some("ddia".to_owned()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A fix's edits as LSP text edits.
pub fn text_edits(
    index: &LineIndex,
    encoding: ColumnEncoding,
    edits: &[crate::diagnostic::Edit],
) -> Vec<lsp::TextEdit> {
    edits
        .iter()
        .map(|edit| lsp::TextEdit {
            range: range(index, edit.range, encoding),
            new_text: edit.content.clone(),
        })
        .collect()
}

/// The address of a rule's page, parsed once per rule.
fn rule_href(code: &str) -> Option<Uri> {
    static HREFS: std::sync::OnceLock<std::collections::HashMap<&'static str, Uri>> =
        std::sync::OnceLock::new();
    HREFS
        .get_or_init(|| {
            rules::ALL_RULES
                .iter()
                .filter_map(|rule| Some((rule.code, Uri::from_str(&rule.url()).ok()?)))
                .collect()
        })
        .get(code)
        .cloned()
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

    fn finding(severity: Severity, start: usize) -> Diagnostic {
        Diagnostic {
            code: "unknown-key",
            severity,
            message: format!("finding at {start}"),
            range: crate::text::TextRange::new(start, start + 1),
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    #[test]
    fn published_diagnostics_are_capped_keeping_the_most_severe() {
        let text = "x\n".repeat(3000);
        let index = LineIndex::new(&text);
        let uri = Uri::from_str("file:///tmp/big.ddia.yaml").expect("a valid URI");
        let exactly: Vec<Diagnostic> = (0..MAX_PUBLISHED_DIAGNOSTICS)
            .map(|line| finding(Severity::Info, line * 2))
            .collect();
        let published = diagnostics(&uri, &index, ColumnEncoding::Utf16, &exactly);
        assert_eq!(published.len(), MAX_PUBLISHED_DIAGNOSTICS);
        assert!(
            published
                .iter()
                .all(|d| d.code != Some(NumberOrString::String("too-many-findings".into())))
        );

        // 2,500 findings: the one error at the end survives, the summary counts the rest.
        let mut many: Vec<Diagnostic> = (0..2499)
            .map(|line| finding(Severity::Info, line * 2))
            .collect();
        many.push(finding(Severity::Error, 2499 * 2));
        let published = diagnostics(&uri, &index, ColumnEncoding::Utf16, &many);
        assert_eq!(published.len(), MAX_PUBLISHED_DIAGNOSTICS);
        assert!(
            published
                .iter()
                .any(|d| d.severity == Some(DiagnosticSeverity::ERROR)
                    && d.range.start == Position::new(2499, 0))
        );
        let summary = published.last().expect("a summary");
        assert_eq!(summary.range, lsp::Range::default());
        assert_eq!(
            summary.message,
            "1501 more findings in this file are not shown (the editor gets at most 1000); run `ddia check` on the file to see them all"
        );
    }
}
