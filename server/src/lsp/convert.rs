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
    let (shown, hidden) = capped(findings);
    let mut published: Vec<lsp::Diagnostic> = shown
        .iter()
        .map(|finding| diagnostic(uri, index, encoding, finding))
        .collect();
    published.extend(hidden_summary(hidden));
    published
}

/// The findings that go to the editor (at most [`MAX_PUBLISHED_DIAGNOSTICS`] less one,
/// when some must be left out: the most severe, then the earliest, in order), and how
/// many are left out (0 when all are shown).
fn capped(findings: &[Diagnostic]) -> (Vec<&Diagnostic>, usize) {
    let mut shown: Vec<&Diagnostic> = findings.iter().collect();
    let hidden = shown.len().saturating_sub(MAX_PUBLISHED_DIAGNOSTICS - 1);
    if hidden > 1 {
        shown.sort_by_key(|finding| (finding.severity as u8, finding.range.start));
        shown.truncate(MAX_PUBLISHED_DIAGNOSTICS - 1);
        shown.sort_by_key(|finding| (finding.range.start, finding.range.end));
        (shown, hidden)
    } else {
        (shown, 0)
    }
}

/// The informational diagnostic at the top of the file that counts the findings left
/// out, if any were.
fn hidden_summary(hidden: usize) -> Option<lsp::Diagnostic> {
    (hidden > 1).then(|| lsp::Diagnostic {
        range: lsp::Range::default(),
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(NumberOrString::String("too-many-findings".to_owned())),
        source: Some("ddia".to_owned()),
        message: format!(
            "{hidden} more findings in this file are not shown (the editor gets at most {MAX_PUBLISHED_DIAGNOSTICS}); run `ddia check` on the file to see them all"
        ),
        ..lsp::Diagnostic::default()
    })
}

/// The whole `textDocument/publishDiagnostics` notification of a file's findings as one
/// JSON-RPC frame, written straight from the findings: the same JSON as serialising
/// [`diagnostics`] (a test compares them), without building the LSP values first. On
/// every keystroke this is most of what the server does besides the analysis.
pub fn publish_frame(
    uri: &Uri,
    index: &LineIndex,
    encoding: ColumnEncoding,
    findings: &[Diagnostic],
    version: Option<i32>,
) -> Vec<u8> {
    let (shown, hidden) = capped(findings);
    let mut uri_json = Vec::with_capacity(uri.as_str().len() + 2);
    json_string(&mut uri_json, uri.as_str());
    let mut body: Vec<u8> = Vec::with_capacity(256 * (shown.len() + 1));
    body.extend_from_slice(
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
    );
    body.extend_from_slice(&uri_json);
    body.extend_from_slice(br#","diagnostics":["#);
    for (n, finding) in shown.iter().enumerate() {
        if n > 0 {
            body.push(b',');
        }
        body.extend_from_slice(br#"{"range":"#);
        range_json(&mut body, index, encoding, finding.range);
        body.extend_from_slice(br#","severity":"#);
        body.push(match finding.severity {
            Severity::Error => b'1',
            Severity::Warning => b'2',
            Severity::Info => b'3',
        });
        body.extend_from_slice(rule_fragment(finding.code).as_bytes());
        body.extend_from_slice(br#","message":"#);
        json_string(&mut body, &finding.message);
        if !finding.related.is_empty() {
            body.extend_from_slice(br#","relatedInformation":["#);
            for (n, related) in finding.related.iter().enumerate() {
                if n > 0 {
                    body.push(b',');
                }
                body.extend_from_slice(br#"{"location":{"uri":"#);
                body.extend_from_slice(&uri_json);
                body.extend_from_slice(br#","range":"#);
                range_json(&mut body, index, encoding, related.range);
                body.extend_from_slice(br#"},"message":"#);
                json_string(&mut body, &related.message);
                body.push(b'}');
            }
            body.push(b']');
        }
        body.push(b'}');
    }
    if let Some(summary) = hidden_summary(hidden) {
        if !shown.is_empty() {
            body.push(b',');
        }
        // One diagnostic: the ordinary serialiser is cheap enough.
        if serde_json::to_writer(&mut body, &summary).is_err() {
            body.extend_from_slice(b"{}");
        }
    }
    body.extend_from_slice(b"]");
    if let Some(version) = version {
        body.extend_from_slice(br#","version":"#);
        body.extend_from_slice(version.to_string().as_bytes());
    }
    body.extend_from_slice(b"}}");
    super::transport::with_header(&body)
}

/// A string as JSON: copied between quotes when nothing in it needs escaping (most
/// messages), else quoted and escaped by serde_json.
fn json_string(out: &mut Vec<u8>, text: &str) {
    if text
        .bytes()
        .all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\' && byte != 0x7f)
    {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else if serde_json::to_writer(&mut *out, text).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

/// An LSP range as JSON.
fn range_json(out: &mut Vec<u8>, index: &LineIndex, encoding: ColumnEncoding, range: TextRange) {
    let start = index.line_col(range.start, encoding);
    let end = index.line_col(range.end, encoding);
    out.extend_from_slice(br#"{"start":{"line":"#);
    push_number(out, saturate(start.line));
    out.extend_from_slice(br#","character":"#);
    push_number(out, saturate(start.column));
    out.extend_from_slice(br#"},"end":{"line":"#);
    push_number(out, saturate(end.line));
    out.extend_from_slice(br#","character":"#);
    push_number(out, saturate(end.column));
    out.extend_from_slice(b"}}");
}

/// A number in decimal, without going through `fmt`.
fn push_number(out: &mut Vec<u8>, mut number: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// What follows a diagnostic's severity for a rule's code, as JSON: the code, the
/// address of the rule's page and the source (made once per rule).
fn rule_fragment(code: &str) -> std::borrow::Cow<'static, str> {
    static FRAGMENTS: std::sync::OnceLock<std::collections::HashMap<&'static str, String>> =
        std::sync::OnceLock::new();
    let make = |code: &str| {
        let mut out = Vec::new();
        out.extend_from_slice(br#","code":"#);
        json_string(&mut out, code);
        if let Some(href) = rule_href(code) {
            out.extend_from_slice(br#","codeDescription":{"href":"#);
            json_string(&mut out, href.as_str());
            out.push(b'}');
        }
        out.extend_from_slice(br#","source":"ddia""#);
        String::from_utf8(out).unwrap_or_default()
    };
    let fragments = FRAGMENTS.get_or_init(|| {
        rules::ALL_RULES
            .iter()
            .map(|rule| (rule.code, make(rule.code)))
            .collect()
    });
    match fragments.get(code) {
        Some(fragment) => std::borrow::Cow::Borrowed(fragment.as_str()),
        None => std::borrow::Cow::Owned(make(code)),
    }
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
            part: None,
        }
    }

    /// The frame written straight from the findings holds the same JSON as the typed
    /// notification would: every field, escapes, related locations, non-ASCII columns,
    /// codes without a page, and the summary of a capped file.
    #[test]
    fn the_publish_frame_equals_the_typed_notification() {
        let text = "a: \"😀 日本\"\r\nb: ü\n".repeat(1200);
        let index = LineIndex::new(&text);
        let uri = Uri::from_str("file:///tmp/d%C3%BCr/x%20y.ddia.yaml").expect("a valid URI");
        let mut findings = Vec::new();
        for (n, (start, _)) in text.match_indices('ü').enumerate() {
            let mut finding = finding(
                [Severity::Error, Severity::Warning, Severity::Info][n % 3],
                start,
            );
            finding.range = crate::text::TextRange::new(start, start + 'ü'.len_utf8());
            // Half the messages need escapes, half are copied as they are.
            finding.message = if n % 2 == 0 {
                format!("quote \" backslash \\ tab \t {n} — ✓")
            } else {
                format!("plain, with `code` and non-ASCII {n} — ✓ 日本")
            };
            if n % 2 == 0 {
                finding.code = "even-consensus-cluster";
                finding.related.push(crate::diagnostic::Related {
                    range: crate::text::TextRange::new(1, 3),
                    message: "the anchor `&x` is used here".to_owned(),
                });
            }
            if n % 7 == 0 {
                finding.code = "model";
            }
            findings.push(finding);
        }
        for count in [0, 1, 5, findings.len()] {
            for encoding in [ColumnEncoding::Utf16, ColumnEncoding::Utf8] {
                for version in [None, Some(42)] {
                    let frame = publish_frame(&uri, &index, encoding, &findings[..count], version);
                    let frame = String::from_utf8(frame).expect("JSON is UTF-8");
                    let (header, body) = frame.split_once("\r\n\r\n").expect("a header");
                    assert_eq!(header, format!("Content-Length: {}", body.len()));
                    let body: serde_json::Value = serde_json::from_str(body).expect("JSON");
                    let typed = lsp::PublishDiagnosticsParams {
                        uri: uri.clone(),
                        diagnostics: diagnostics(&uri, &index, encoding, &findings[..count]),
                        version,
                    };
                    let expected = serde_json::json!({
                        "jsonrpc": "2.0",
                        "method": "textDocument/publishDiagnostics",
                        "params": serde_json::to_value(&typed).expect("serialisable"),
                    });
                    assert_eq!(body, expected, "{count} findings, {encoding:?}");
                }
            }
        }
        assert!(
            findings.len() > MAX_PUBLISHED_DIAGNOSTICS,
            "the cap is exercised"
        );
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for number in [0, 7, 10, 99, 100, 12345, u32::MAX] {
            let mut out = Vec::new();
            push_number(&mut out, number);
            assert_eq!(out, number.to_string().into_bytes());
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
