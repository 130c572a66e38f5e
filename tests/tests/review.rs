//! Checks the design-review checklist of every fixture under `fixtures/review/` against the `.review` file beside it.

use ddia::line_index::{ColumnEncoding, LineIndex};
use ddia_tests::{analyze_file, check_rendered_fixtures, repo_root};
use std::fmt::Write;
use std::path::Path;

/// One line per item: status, id, the covering line and column, the detail.
fn render(path: &Path) -> String {
    let (text, analysis) = analyze_file(path);
    let index = LineIndex::new(&text);
    let model = analysis.model.as_ref().expect("fixtures build a model");
    let checklist = ddia::review::review(model);
    let mut out = format!("summary: {}\n", checklist.summary());
    if let Some(note) = checklist.note {
        let _ = writeln!(out, "note: {note}");
    }
    for item in &checklist.items {
        let place = item.range.map_or_else(
            || "-".to_owned(),
            |range| {
                let position = index.line_col(range.start, ColumnEncoding::Scalar);
                format!("{}:{}", position.line + 1, position.column + 1)
            },
        );
        let _ = writeln!(
            out,
            "{:<14} {:<20} {:<6} {}",
            item.status.as_str(),
            item.id,
            place,
            item.detail
        );
    }
    out
}

#[test]
fn checklists_match_their_expectations() {
    check_rendered_fixtures(&repo_root().join("tests/fixtures/review"), "review", render);
}

#[test]
fn a_complete_spec_covers_every_item_and_an_empty_one_none() {
    let root = repo_root().join("tests/fixtures/review");
    let checklist = |name: &str| {
        let (_, analysis) = analyze_file(&root.join(name));
        ddia::review::review(analysis.model.as_ref().expect("a model"))
    };
    let complete = checklist("complete.ddia.yaml");
    assert_eq!(complete.items.len(), 14);
    assert_eq!(complete.summary(), "14 of 14 covered");
    assert!(complete.items.iter().all(|i| i.range.is_some()));
    let empty = checklist("empty.ddia.yaml");
    assert_eq!(empty.covered(), 0);
    assert_eq!(empty.summary(), "0 of 13 covered");
    assert!(
        empty
            .items
            .iter()
            .all(|i| i.status != ddia::review::Status::Covered && i.range.is_none())
    );
}
