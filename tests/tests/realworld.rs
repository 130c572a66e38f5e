//! Public files nobody here wrote (`tests/realworld/`), each beside the review a person wrote before ddia ran on it: every warning and error it expects, and no other.
//!
//! A `.expect` line is `<severity> <code> <line> -- <reason>`; `#` lines are notes.
//! `realworld_files_match_their_reviews` demands an exact match, file by file, and
//! prints every difference. `the_realworld_score_never_gets_worse` keeps the counts of
//! expected findings found, missed, and findings nobody expected, against the counts
//! recorded in `tests/realworld/SCORE` (`UPDATE_SCORE=1` rewrites it after a change
//! that improves them).

use ddia::diagnostic::Severity;
use ddia::line_index::{ColumnEncoding, LineIndex};
use ddia_tests::{analyze_file, files_with_suffix, repo_root};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// A finding as a review states it: severity, code and 1-based line.
type Finding = (String, &'static str, usize);

/// The differences of one file: expected but not found, found but not expected.
struct Differences {
    file: PathBuf,
    matched: usize,
    missed: Vec<(String, String, usize)>,
    unexpected: Vec<(Finding, String)>,
}

/// The review of a file: its expected findings, as (severity, code, line).
fn review(expect: &Path) -> Vec<(String, String, usize)> {
    let text = std::fs::read_to_string(expect).expect("a review is readable");
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let statement = line.split(" -- ").next().unwrap_or(line);
            let words: Vec<&str> = statement.split_whitespace().collect();
            let [severity, code, number] = words[..] else {
                panic!(
                    "{}: not `<severity> <code> <line> -- <reason>`: {line}",
                    expect.display()
                );
            };
            let number = number
                .parse()
                .unwrap_or_else(|_| panic!("{}: bad line number in {line}", expect.display()));
            (severity.to_owned(), code.to_owned(), number)
        })
        .collect()
}

/// Every reviewed file and how ddia's warnings and errors differ from its review.
fn compare_all() -> Vec<Differences> {
    let root = repo_root().join("tests/realworld");
    let reviews = files_with_suffix(&root, &[".expect"]);
    assert!(reviews.len() >= 60, "only {} reviewed files", reviews.len());
    reviews
        .iter()
        .map(|expect| {
            let file = expect.with_extension("");
            let (text, analysis) = analyze_file(&file);
            let index = LineIndex::new(&text);
            let mut found: Vec<(Finding, String)> = analysis
                .diagnostics
                .iter()
                .filter(|d| d.severity <= Severity::Warning)
                .map(|d| {
                    let line = index.line_col(d.range.start, ColumnEncoding::Scalar).line + 1;
                    (
                        (d.severity.as_str().to_owned(), d.code, line),
                        d.message.clone(),
                    )
                })
                .collect();
            let mut missed = Vec::new();
            let mut matched = 0;
            for (severity, code, line) in review(expect) {
                let at = found
                    .iter()
                    .position(|((s, c, l), _)| *s == severity && *c == code && *l == line);
                match at {
                    Some(at) => {
                        found.remove(at);
                        matched += 1;
                    }
                    None => missed.push((severity, code, line)),
                }
            }
            Differences {
                file,
                matched,
                missed,
                unexpected: found,
            }
        })
        .collect()
}

fn report(all: &[Differences]) -> String {
    let mut out = String::new();
    let root = repo_root();
    for differences in all {
        if differences.missed.is_empty() && differences.unexpected.is_empty() {
            continue;
        }
        let name = differences
            .file
            .strip_prefix(&root)
            .unwrap_or(&differences.file);
        let _ = writeln!(out, "{}", name.display());
        for (severity, code, line) in &differences.missed {
            let _ = writeln!(out, "  missed     {line}: {severity}[{code}]");
        }
        for ((severity, code, line), message) in &differences.unexpected {
            let _ = writeln!(out, "  unexpected {line}: {severity}[{code}] {message}");
        }
    }
    out
}

/// Found, missed and unexpected counts, in all and by code.
fn score(all: &[Differences]) -> String {
    let mut by_code: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for differences in all {
        for (_, code, _) in &differences.missed {
            by_code.entry(code.clone()).or_default()[1] += 1;
        }
        for ((_, code, _), _) in &differences.unexpected {
            by_code.entry((*code).to_owned()).or_default()[2] += 1;
        }
    }
    let matched: usize = all.iter().map(|d| d.matched).sum();
    let missed: usize = all.iter().map(|d| d.missed.len()).sum();
    let unexpected: usize = all.iter().map(|d| d.unexpected.len()).sum();
    let mut out = format!(
        "# Written by `UPDATE_SCORE=1 cargo test -p ddia-tests --test realworld`.\nfound {matched}\nmissed {missed}\nunexpected {unexpected}\n"
    );
    for (code, [_, missed, unexpected]) in by_code {
        let _ = writeln!(out, "# {code}: missed {missed}, unexpected {unexpected}");
    }
    out
}

fn count(score: &str, name: &str) -> usize {
    score
        .lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{name}` count in the score"))
}

#[test]
fn realworld_files_match_their_reviews() {
    let all = compare_all();
    let differences = report(&all);
    assert!(differences.is_empty(), "{}\n{differences}", score(&all));
}

#[test]
fn the_realworld_score_never_gets_worse() {
    let all = compare_all();
    let now = score(&all);
    let path = repo_root().join("tests/realworld/SCORE");
    if std::env::var_os("UPDATE_SCORE").is_some() {
        std::fs::write(&path, &now).expect("the score is writable");
        return;
    }
    let recorded = std::fs::read_to_string(&path).expect("tests/realworld/SCORE exists");
    let worse = count(&now, "found ") < count(&recorded, "found ")
        || count(&now, "unexpected ") > count(&recorded, "unexpected ");
    assert!(
        !worse,
        "the real-world score got worse:\nrecorded:\n{recorded}\nnow:\n{now}\n{}",
        report(&all)
    );
    assert_eq!(
        now, recorded,
        "the real-world score improved: record it with UPDATE_SCORE=1"
    );
}
