//! Runs ddia over the shared corpus of real third-party files: no crash, no rule
//! failure, and exactly the findings recorded in `tests/fixtures/corpus.expect`.

use ddia_tests::{analyze_file, corpus_dir, files_with_suffix, repo_root};
use std::collections::BTreeMap;
use std::fmt::Write;

#[test]
fn the_corpus_is_analysed_without_failures_and_with_the_recorded_findings() {
    let corpus = corpus_dir();
    let files = files_with_suffix(&corpus, &[".yaml", ".yml"]);
    assert!(files.len() >= 100, "the corpus has {} files", files.len());
    let mut summary = String::new();
    for file in &files {
        let (_, analysis) = analyze_file(file);
        assert!(
            analysis.failures.is_empty(),
            "{}: {:?}",
            file.display(),
            analysis.failures
        );
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for diagnostic in &analysis.diagnostics {
            *counts.entry(diagnostic.code).or_default() += 1;
        }
        let relative = file.strip_prefix(&corpus).expect("inside the corpus");
        let codes: Vec<String> = counts
            .iter()
            .map(|(code, n)| format!("{code}×{n}"))
            .collect();
        let _ = writeln!(
            summary,
            "{} [{}] {}",
            relative.display(),
            analysis.kind.as_str(),
            if codes.is_empty() {
                "-".to_owned()
            } else {
                codes.join(" ")
            }
        );
    }
    let expect_path = repo_root().join("tests/fixtures/corpus.expect");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expect_path, &summary).expect("the fixtures directory is writable");
        return;
    }
    let expected = std::fs::read_to_string(&expect_path).unwrap_or_default();
    assert_eq!(
        expected, summary,
        "corpus findings changed (UPDATE_EXPECT=1 records them)"
    );
}
