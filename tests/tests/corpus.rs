//! Runs ddia over the shared corpus of real third-party files: no crash, no rule
//! failure, and exactly the findings recorded in `tests/fixtures/corpus.expect` (file
//! and kind, then each finding's line and code), so every change to what ddia reports
//! on real files is visible in review. The corpus is not in the repository: `cargo
//! test` skips this suite, and `.ci/run` runs it with `--ignored` (failing when the
//! corpus is missing there).

use ddia_tests::{analyze_file, corpus_dir, files_with_suffix, repo_root};
use std::fmt::Write;

#[test]
#[ignore = "needs the shared corpus beside the clone: DDIA_CORPUS=../shared/corpus cargo test -p ddia-tests --test corpus -- --ignored"]
fn the_corpus_is_analysed_without_failures_and_with_the_recorded_findings() {
    let corpus = corpus_dir();
    let files = files_with_suffix(&corpus, &[".yaml", ".yml"]);
    assert!(files.len() >= 100, "the corpus has {} files", files.len());
    let mut summary = String::new();
    for file in &files {
        let (text, analysis) = analyze_file(file);
        assert!(
            analysis.failures.is_empty(),
            "{}: {:?}",
            file.display(),
            analysis.failures
        );
        let relative = file.strip_prefix(&corpus).expect("inside the corpus");
        let _ = writeln!(
            summary,
            "{} [{}]",
            relative.display(),
            analysis.kind.as_str()
        );
        let index = ddia::line_index::LineIndex::new(&text);
        for diagnostic in &analysis.diagnostics {
            let line = index.line_of(diagnostic.range.start) + 1;
            let _ = writeln!(summary, "  {line} {}", diagnostic.code);
        }
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
