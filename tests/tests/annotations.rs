//! Checks the computed inlay hints and hovers (quorums, consensus, streams, staleness) of every fixture under `fixtures/arithmetic/` against the `.annotations` file beside it.

use ddia::line_index::{ColumnEncoding, LineIndex};
use ddia_tests::{analyze_file, check_rendered_fixtures, repo_root};
use std::fmt::Write;
use std::path::Path;

/// `line:column`, 1-based, columns in Unicode scalars.
fn position(index: &LineIndex, offset: usize) -> String {
    let position = index.line_col(offset, ColumnEncoding::Scalar);
    format!("{}:{}", position.line + 1, position.column + 1)
}

/// Every hint and computed hover of a fixture, in the expectation format.
fn render(path: &Path) -> String {
    let (text, analysis) = analyze_file(path);
    let index = LineIndex::new(&text);
    let model = analysis.model.as_ref().expect("fixtures build a model");
    let mut out = String::new();
    for hint in ddia::annotations::hints(model, &text) {
        let _ = writeln!(out, "hint {} {}", position(&index, hint.offset), hint.label);
        for line in hint.tooltip.lines() {
            let _ = writeln!(out, "  | {line}");
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for hover in ddia::annotations::hovers(model) {
        let _ = write!(
            out,
            "hover {}-{}",
            position(&index, hover.range.start),
            position(&index, hover.range.end)
        );
        if let Some(first) = seen.iter().position(|m| *m == hover.markdown) {
            let _ = writeln!(out, " (the same as hover #{})", first + 1);
            continue;
        }
        let _ = writeln!(out, " #{}", seen.len() + 1);
        for line in hover.markdown.lines() {
            let _ = writeln!(out, "  | {line}");
        }
        seen.push(hover.markdown);
    }
    out
}

#[test]
fn hints_and_hovers_match_their_expectations() {
    check_rendered_fixtures(
        &repo_root().join("tests/fixtures/arithmetic"),
        "annotations",
        render,
    );
}
