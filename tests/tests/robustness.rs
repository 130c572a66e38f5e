//! Stable-toolchain robustness checks: simulated typing and random edits over the
//! examples, replaying what the fuzz targets in `tests/fuzz` do, so CI covers them.

use std::path::Path;

use ddia::analysis::{Analysis, AnalysisInput, analyze};
use ddia::syntax::{edit_tree, parse, parse_incremental};
use ddia::text::TextRange;
use ddia_tests::repo_root;

/// A small deterministic generator (xorshift64), so a failure reproduces exactly.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % bound.max(1) as u64).expect("bound fits in usize")
    }
}

fn analyze_text(text: &str, path: &Path, previous: Option<&tree_sitter::Tree>) -> Analysis {
    analyze(AnalysisInput {
        text,
        path: Some(path),
        language_id: None,
        previous_tree: previous,
        read_file: None,
        max_file_size: None,
        workspace: None,
        line_index: None,
        ..AnalysisInput::default()
    })
}

fn assert_valid_range(text: &str, range: TextRange, context: &str) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{context}: range {range:?} is outside the {} bytes of text",
        text.len()
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{context}: range {range:?} splits a character"
    );
}

fn assert_sound(text: &str, analysis: &Analysis, context: &str) {
    assert!(
        analysis.failures.is_empty(),
        "{context}: rules failed: {:?}",
        analysis.failures
    );
    // The computed annotations, the checklist and the graph hold for any model too.
    if let Some(model) = &analysis.model {
        for hint in ddia::annotations::hints(model, text) {
            assert_valid_range(text, TextRange::empty(hint.offset), context);
        }
        for hover in ddia::annotations::hovers(model) {
            assert_valid_range(text, hover.range, context);
        }
        for item in ddia::review::review(model).items {
            if let Some(range) = item.range {
                assert_valid_range(text, range, context);
            }
        }
        let graph = ddia::graph::build(model, &analysis.diagnostics);
        assert!(
            graph.to_mermaid().starts_with("flowchart LR\n"),
            "{context}"
        );
        assert!(graph.to_dot().ends_with("}\n"), "{context}");
    }
    for diagnostic in &analysis.diagnostics {
        assert_valid_range(text, diagnostic.range, context);
        for related in &diagnostic.related {
            assert_valid_range(text, related.range, context);
        }
        for fix in &diagnostic.fixes {
            for edit in &fix.edits {
                assert_valid_range(text, edit.range, context);
            }
        }
    }
}

#[test]
fn typing_an_example_character_by_character_never_fails() {
    let path = repo_root().join("examples/checkout.ddia.yaml");
    let full = std::fs::read_to_string(&path).expect("the example is readable");
    let mut previous = None;
    let mut typed = String::new();
    for character in full.chars() {
        // Type like the editor does: append, tell the old tree, reparse.
        let start = typed.len();
        typed.push(character);
        if let Some(tree) = previous.as_mut() {
            edit_tree(tree, &typed[..start], start, start, &typed[start..]);
        }
        let analysis = analyze_text(&typed, &path, previous.as_ref());
        assert_sound(&typed, &analysis, &format!("after {} bytes", typed.len()));
        previous = analysis.parse.reusable;
    }
}

#[test]
fn random_edits_reparse_incrementally_to_the_same_result_as_a_fresh_parse() {
    const FRAGMENTS: &[&str] = &[
        "",
        " ",
        "\n",
        "  ",
        ":",
        "- ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "&a ",
        "*a",
        "<<: *a\n",
        "#",
        "\"",
        "'",
        "|\n",
        ">-\n",
        "\t",
        "é",
        "数据",
        "🦀",
        "\r\n",
        "replicas: 4",
        "mode: leaderless",
        "null",
        "~",
        "---\n",
        "...\n",
        "!!str ",
        "? ",
    ];
    for (seed, example) in [
        (0x9E37_79B9_7F4A_7C15_u64, "examples/checkout.ddia.yaml"),
        (0xD1B5_4A32_D192_ED03, "examples/clean.ddia.yaml"),
    ] {
        let path = repo_root().join(example);
        let mut text = std::fs::read_to_string(&path).expect("the example is readable");
        let mut random = Random(seed);
        let mut tree = parse(&text).reusable;
        for step in 0..400 {
            let mut start = random.below(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + random.below(12)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let insert = FRAGMENTS[random.below(FRAGMENTS.len())];
            if let Some(tree) = tree.as_mut() {
                edit_tree(tree, &text, start, end, insert);
            }
            text.replace_range(start..end, insert);
            let context = format!("{example}, seed {seed:#x}, step {step}");
            let incremental = parse_incremental(&text, tree.as_ref());
            let fresh = parse(&text);
            assert_eq!(incremental.problems, fresh.problems, "{context}");
            assert_eq!(
                incremental.stream.documents.len(),
                fresh.stream.documents.len(),
                "{context}"
            );
            let analysis = analyze_text(&text, &path, incremental.reusable.as_ref());
            assert_sound(&text, &analysis, &context);
            tree = analysis.parse.reusable;
        }
    }
}

#[test]
fn the_edit_fuzz_corpus_and_its_past_crashes_replay_cleanly() {
    let root = repo_root().join("tests/fuzz/corpus/edits");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&root).expect("the edits corpus exists") {
        let path = entry.expect("a directory entry").path();
        let data = std::fs::read(&path).expect("a corpus file is readable");
        ddia_tests::replay_fuzz_edits(&data);
        ddia_tests::replay_fuzz_model_edits(&data);
        replayed += 1;
    }
    assert!(replayed > 0, "no corpus files in {}", root.display());
}

/// The seeds (and past crashes) of the `fix` and `messages` fuzz targets replay
/// cleanly on stable.
#[test]
fn the_fix_and_message_fuzz_corpora_replay_cleanly() {
    for (target, replay) in [
        ("fix", ddia_tests::replay_fuzz_fix as fn(&[u8])),
        ("messages", ddia_tests::replay_fuzz_messages),
    ] {
        let root = repo_root().join("tests/fuzz/corpus").join(target);
        let mut replayed = 0;
        for entry in std::fs::read_dir(&root).expect("the corpus exists") {
            let path = entry.expect("a directory entry").path();
            replay(&std::fs::read(&path).expect("a corpus file is readable"));
            replayed += 1;
        }
        assert!(replayed >= 3, "too few seeds in {}", root.display());
    }
}

/// Every whole number in every rule fixture and example replaced by extreme values
/// (the largest and smallest 64-bit integers, 2^62, 0, -1): no rule overflows (debug
/// builds panic on overflow, and a panicking rule is a failure), and no message or fix
/// shows a negative count or sum made from counts that were not negative.
#[test]
fn every_rule_survives_extreme_integers() {
    let mut files = ddia_tests::files_with_suffix(
        &repo_root().join("tests/fixtures/rules"),
        &[".yaml", ".yml"],
    );
    files.extend(ddia_tests::files_with_suffix(
        &repo_root().join("examples"),
        &[".yaml", ".yml"],
    ));
    assert!(files.len() > 50, "the fixtures are found");
    let extremes = [
        i64::MAX.to_string(),
        i64::MIN.to_string(),
        (1i64 << 62).to_string(),
        "0".to_owned(),
        "-1".to_owned(),
    ];
    let mut checked = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("fixtures are readable");
        for extreme in &extremes {
            // `: 3` and `=3` values only: numbers inside strings and names stay.
            let mut changed = String::with_capacity(text.len());
            for line in text.split_inclusive('\n') {
                let body = line.trim_end_matches(['\n', '\r']);
                let replaced = match body.rsplit_once(": ") {
                    Some((key, value))
                        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        format!("{key}: {extreme}")
                    }
                    _ => body.to_owned(),
                };
                changed.push_str(&replaced);
                changed.push_str(&line[body.len()..]);
            }
            if changed == text {
                continue;
            }
            checked += 1;
            let context = format!("{} with {extreme}", path.display());
            let analysis = analyze_text(&changed, path, None);
            assert_sound(&changed, &analysis, &context);
            // A fixture with negative numbers of its own may show them.
            if extreme.starts_with('-') || text.contains(": -") {
                continue;
            }
            for diagnostic in &analysis.diagnostics {
                let texts = std::iter::once(&diagnostic.message)
                    .chain(diagnostic.fixes.iter().map(|fix| &fix.message));
                for shown in texts {
                    assert!(
                        !shown.contains("= -") && !shown.contains("to -"),
                        "{context}: a negative number from non-negative counts: {shown}"
                    );
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} variants had numbers");
}
