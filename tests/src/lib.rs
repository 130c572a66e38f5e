//! Shared helpers for the end-to-end suites: fixtures, expectation files, the corpus.
//!
//! An expectation file (`NAME.expect`) sits beside the YAML fixture it describes and
//! lists every finding ddia reports for it, one per line, with 1-based lines and
//! columns counted in Unicode scalar values:
//!
//! ```text
//! 12:20-12:21 warning[non-overlapping-quorums] W + R = 2 is not greater than N = 3: ...
//!   related 11:21-11:22 W = 1
//!   fix (unsafe) Use W = 2 and R = 2, so that W + R = 4 > N = 3
//!   edit 11:21-11:22 "2"
//! ```
//!
//! A fixture under `fixtures/rules/<code>/` is about one rule: its expectations list
//! that rule's findings and the syntax and schema findings (which show the fixture is
//! valid), not the findings of other rules the small spec happens to trigger.
//!
//! Run the suites with `UPDATE_EXPECT=1` to rewrite the files after a deliberate change,
//! then review the diff.

use ddia::analysis::{Analysis, AnalysisInput, analyze};
use ddia::diagnostic::Applicability;
use ddia::line_index::{ColumnEncoding, LineIndex};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository root")
        .to_path_buf()
}

/// The shared corpus of third-party files: `DDIA_CORPUS`, else `../shared/corpus` from
/// the repository. It is not part of a clone, so the suite that reads it is ignored by
/// `cargo test` and run on its own (see the README's Development section).
pub fn corpus_dir() -> PathBuf {
    // A relative `DDIA_CORPUS` is read from the repository root, where cargo is run.
    let dir = std::env::var_os("DDIA_CORPUS")
        .map(|dir| repo_root().join(dir))
        .unwrap_or_else(|| repo_root().join("../shared/corpus"));
    assert!(
        dir.is_dir(),
        "the shared corpus is missing at {}: set DDIA_CORPUS to its folder",
        dir.display()
    );
    dir
}

/// All files below `dir` whose names end with one of `suffixes`, sorted.
pub fn files_with_suffix(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", current.display()));
        for entry in entries {
            let path = entry.expect("directory entries are readable").path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|name| suffixes.iter().any(|s| name.ends_with(s)))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Analyses a file from disk the way `ddia check` does.
pub fn analyze_file(path: &Path) -> (String, Analysis) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let analysis = analyze(AnalysisInput {
        text: &text,
        path: Some(path),
        language_id: None,
        previous_tree: None,
        read_file: Some(&ddia::analysis::read_from_disk),
        max_file_size: None,
        workspace: None,
        line_index: None,
        ..AnalysisInput::default()
    });
    (text, analysis)
}

/// Analyses a file with its project ([`ddia::project`]) under `root`, as `ddia check`
/// and the language server do: the facts of the other files of its kustomization or
/// folder, read from disk.
pub fn analyze_in_project(path: &Path, root: &Path) -> (String, Analysis) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let cache = ddia::project::FactsCache::default();
    let shown = |member: &Path| {
        member
            .strip_prefix(ddia::project::normalise(root))
            .unwrap_or(member)
            .display()
            .to_string()
    };
    let read = |file: &Path| std::fs::read_to_string(file).ok();
    let context = ddia::project::context_for(path, Some(root), &read, &cache, &shown);
    let analysis = analyze(AnalysisInput {
        text: &text,
        path: Some(path),
        read_file: Some(&ddia::analysis::read_from_disk),
        project: context.as_ref(),
        ..AnalysisInput::default()
    });
    (text, analysis)
}

fn position(index: &LineIndex, offset: usize) -> String {
    let position = index.line_col(offset, ColumnEncoding::Scalar);
    format!("{}:{}", position.line + 1, position.column + 1)
}

fn span(index: &LineIndex, start: usize, end: usize) -> String {
    format!("{}-{}", position(index, start), position(index, end))
}

/// The codes that every fixture's expectations include, whatever rule it is about:
/// they show that the fixture itself is valid YAML and a valid spec.
pub const ALWAYS_SHOWN: &[&str] = &[
    "syntax-error",
    "duplicate-key",
    "resource-limit",
    "schema-violation",
    "unknown-key",
];

/// The codes a fixture's expectations show: for `fixtures/rules/<code>/...`, that
/// rule's and [`ALWAYS_SHOWN`]; for any other fixture, all of them.
pub fn shown_codes(fixture: &Path) -> Option<String> {
    let parent = fixture.parent()?;
    let grandparent = parent.parent()?;
    (grandparent.file_name()? == "rules")
        .then(|| parent.file_name()?.to_str().map(str::to_owned))?
}

/// Renders an analysis in the expectation format, keeping the findings `keep` accepts.
pub fn render_expectations(
    text: &str,
    analysis: &Analysis,
    keep: impl Fn(&ddia::diagnostic::Diagnostic) -> bool,
) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for diagnostic in analysis.diagnostics.iter().filter(|d| keep(d)) {
        let _ = writeln!(
            out,
            "{} {}[{}] {}",
            span(&index, diagnostic.range.start, diagnostic.range.end),
            diagnostic.severity.as_str(),
            diagnostic.code,
            diagnostic.message
        );
        for related in &diagnostic.related {
            let _ = writeln!(
                out,
                "  related {} {}",
                span(&index, related.range.start, related.range.end),
                related.message
            );
        }
        for fix in &diagnostic.fixes {
            let applicability = match fix.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe",
            };
            let _ = writeln!(out, "  fix ({applicability}) {}", fix.message);
            for edit in &fix.edits {
                let _ = writeln!(
                    out,
                    "  edit {} {:?}",
                    span(&index, edit.range.start, edit.range.end),
                    edit.content
                );
            }
        }
    }
    for failure in &analysis.failures {
        let _ = writeln!(out, "FAILED RULE {}: {}", failure.code, failure.message);
    }
    out
}

/// The expectation file that belongs to a fixture: `name.ddia.yaml` → `name.expect`.
pub fn expectation_path(fixture: &Path) -> PathBuf {
    let name = fixture
        .file_name()
        .and_then(|n| n.to_str())
        .expect("fixture names are UTF-8");
    let stem = name
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .trim_end_matches(".ddia");
    fixture.with_file_name(format!("{stem}.expect"))
}

/// Compares every fixture's findings with its expectation file; with
/// `UPDATE_EXPECT=1` rewrites the files instead. Returns the analyses for further checks.
pub fn check_fixtures(fixtures: &[PathBuf]) -> Vec<(PathBuf, String, Analysis)> {
    check_fixtures_with(fixtures, analyze_file)
}

/// [`check_fixtures`] with another way to analyse a fixture (with its project).
pub fn check_fixtures_with(
    fixtures: &[PathBuf],
    analyze_file: impl Fn(&Path) -> (String, Analysis),
) -> Vec<(PathBuf, String, Analysis)> {
    assert!(!fixtures.is_empty(), "no fixtures found");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut mismatches = Vec::new();
    let mut results = Vec::new();
    for fixture in fixtures {
        let (text, analysis) = analyze_file(fixture);
        let only = shown_codes(fixture);
        let actual = render_expectations(&text, &analysis, |d| {
            only.as_deref()
                .is_none_or(|code| d.code == code || ALWAYS_SHOWN.contains(&d.code))
        });
        let expect_path = expectation_path(fixture);
        if update {
            std::fs::write(&expect_path, &actual)
                .unwrap_or_else(|error| panic!("cannot write {}: {error}", expect_path.display()));
        } else {
            let expected = std::fs::read_to_string(&expect_path).unwrap_or_else(|_| {
                panic!(
                    "{} has no expectation file {}; run with UPDATE_EXPECT=1 to create it",
                    fixture.display(),
                    expect_path.display()
                )
            });
            if expected != actual {
                mismatches.push(format!(
                    "--- {}\n+++ actual\n{}",
                    expect_path.display(),
                    line_diff(&expected, &actual)
                ));
            }
        }
        results.push((fixture.clone(), text, analysis));
    }
    assert!(
        mismatches.is_empty(),
        "findings differ from expectations (UPDATE_EXPECT=1 rewrites them):\n{}",
        mismatches.join("\n")
    );
    results
}

/// A minimal line diff: lines only in `expected` start with `-`, only in `actual` with `+`.
fn line_diff(expected: &str, actual: &str) -> String {
    let mut out = String::new();
    for line in expected.lines() {
        if !actual.lines().any(|l| l == line) {
            let _ = writeln!(out, "-{line}");
        }
    }
    for line in actual.lines() {
        if !expected.lines().any(|l| l == line) {
            let _ = writeln!(out, "+{line}");
        }
    }
    out
}

/// Reads one edit of a fuzz input (two bytes of position, one of length, then the
/// inserted text up to `;`) and fits it to `text`'s character boundaries: the byte
/// range to replace and the text to put there.
fn next_fuzz_edit(rest: &mut &[u8], text: &str) -> (usize, usize, String) {
    let position = usize::from(u16::from_le_bytes([rest[0], rest[1]]));
    let removed = usize::from(rest[2] % 16);
    *rest = &rest[3..];
    let end_of_insert = rest
        .iter()
        .position(|&b| b == b';')
        .unwrap_or(rest.len())
        .min(32);
    let insert = String::from_utf8_lossy(&rest[..end_of_insert]).into_owned();
    *rest = &rest[(end_of_insert + 1).min(rest.len())..];
    let mut start = position % (text.len() + 1);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + removed).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (start, end, insert)
}

/// Applies the edit sequence that `data` encodes the way the language server applies
/// edits (text and syntax tree together) and panics unless every incremental reparse,
/// and every update of the previous parse ([`ddia::syntax::reparse_edit`]) of a text
/// without syntax errors, equals a fresh parse of the same text. Each edit is two
/// bytes of position, one of length, then the inserted text up to `;`. The `edits` fuzz target runs this on
/// arbitrary bytes; the stable suite replays the fuzz corpus through it.
pub fn replay_fuzz_edits(data: &[u8]) {
    let mut text = String::from(
        "ddia: 1\ndatastores:\n  a:\n    replication: {mode: leaderless, replicas: 3}\n",
    );
    let first = ddia::syntax::parse(&text);
    let mut tree = first.reusable.clone();
    // The parse of the previous text, for the in-place update of a value edit.
    let mut previous = Some(first);
    let mut rest = data;
    let mut edits = 0;
    while rest.len() >= 3 && edits < 64 {
        edits += 1;
        let (start, end, insert) = next_fuzz_edit(&mut rest, &text);
        if let Some(tree) = tree.as_mut() {
            ddia::syntax::edit_tree(tree, &text, start, end, &insert);
        }
        text.replace_range(start..end, &insert);
        let incremental = ddia::syntax::parse_incremental(&text, tree.as_ref());
        let fresh = ddia::syntax::parse(&text);
        let edit = ddia::syntax::TextEdit {
            start,
            old_end: end,
            new_len: insert.len(),
        };
        assert_eq!(
            incremental.problems, fresh.problems,
            "edit {edits} gives {text:?}"
        );
        assert_eq!(
            incremental.stream.documents.len(),
            fresh.stream.documents.len()
        );
        tree = incremental.reusable.or(fresh.reusable.clone());
        previous = match previous
            .take()
            .map(|parse| ddia::syntax::reparse_edit(parse, &text, edit))
        {
            Some(Ok(updated)) => {
                // A region parsed alone recovers its own syntax errors; a clean
                // result equals the whole parse, and neither finds errors the other
                // does not.
                assert_eq!(
                    updated.problems.is_empty(),
                    fresh.problems.is_empty(),
                    "edit {edits}: {:?} against {:?} in {text:?}",
                    updated.problems,
                    fresh.problems
                );
                if fresh.problems.is_empty() {
                    assert_eq!(
                        format!("{:?}", updated.stream),
                        format!("{:?}", fresh.stream),
                        "the update of edit {edits} differs from a parse of {text:?}"
                    );
                }
                Some(updated)
            }
            _ => Some(fresh),
        };
    }
}

/// Applies the edit sequence that `data` encodes (as [`replay_fuzz_edits`] reads it) to a
/// spec and to a Compose file the way the language server analyses them: each analysis
/// hands its parse, model and findings by part to the next
/// ([`ddia::analysis::analyze_after_edit`]), so value edits update the parse in place
/// and keep the untouched parts of the model and their findings.
/// Panics unless every analysis of a text without syntax errors finds what a fresh one
/// finds, and unless both find syntax errors in the same texts (debug builds, which
/// fuzzing uses, also compare each kept model with a fresh one).
pub fn replay_fuzz_model_edits(data: &[u8]) {
    const STARTS: [(&str, &str); 2] = [
        (
            "fuzz.ddia.yaml",
            "ddia: 1\nx-q: &q {mode: leaderless, replicas: 3}\ndatastores:\n  a:\n    replication: *q\n  b:\n    model: key-value\n    replication: {mode: leaderless, replicas: 3, write_quorum: 1}\nservices:\n  api:\n    depends_on: {a: {timeout: 1s}}\nconsensus:\n  m: {algorithm: raft, nodes: 4}\n",
        ),
        (
            "compose.yaml",
            "x-d: &d\n  restart: always\nservices:\n  db:\n    image: postgres:16\n    environment: {POSTGRES_PASSWORD: pw}\n  web:\n    <<: *d\n    image: nginx\n    depends_on: [db]\n  kafka:\n    image: bitnami/kafka:3\n    environment:\n      KAFKA_CFG_MIN_INSYNC_REPLICAS: 1\n",
        ),
    ];
    let visible = |analysis: &Analysis| -> Vec<String> {
        analysis
            .diagnostics
            .iter()
            .map(|d| format!("{:?} {} {}", d.range, d.code, d.message))
            .collect()
    };
    for (name, start) in STARTS {
        let path = Path::new(name);
        let mut text = start.to_owned();
        fn input<'a>(text: &'a str, path: &'a Path) -> AnalysisInput<'a> {
            AnalysisInput {
                text,
                path: Some(path),
                findings_by_part: true,
                ..AnalysisInput::default()
            }
        }
        let mut previous = Some(analyze(input(&text, path)));
        let mut rest = data;
        let mut edits = 0;
        while rest.len() >= 3 && edits < 64 {
            edits += 1;
            let (start, end, insert) = next_fuzz_edit(&mut rest, &text);
            text.replace_range(start..end, &insert);
            let edit = ddia::syntax::TextEdit {
                start,
                old_end: end,
                new_len: insert.len(),
            };
            let incremental = match previous.take() {
                Some(mut previous) => {
                    let findings = previous.take_part_findings();
                    ddia::analysis::analyze_after_edit(
                        input(&text, path),
                        previous.parse,
                        edit,
                        previous.model,
                        findings,
                    )
                }
                None => analyze(input(&text, path)),
            };
            let fresh = analyze(input(&text, path));
            // While the text has syntax errors, a region parsed alone recovers them
            // itself (see `ddia::syntax::reparse_region_edit`).
            assert_eq!(
                incremental.parse.problems.is_empty(),
                fresh.parse.problems.is_empty(),
                "{name}: edit {edits} gives {text:?}"
            );
            if fresh.parse.problems.is_empty() {
                assert_eq!(
                    visible(&incremental),
                    visible(&fresh),
                    "{name}: edit {edits} gives {text:?}"
                );
            }
            previous = Some(incremental);
        }
    }
}

/// Renders every YAML fixture below `dir` with `render` and compares the text with the
/// file beside it that has the extension `extension` (`UPDATE_EXPECT=1` rewrites those
/// files instead). Panics listing every file that differs.
pub fn check_rendered_fixtures(dir: &Path, extension: &str, render: impl Fn(&Path) -> String) {
    let fixtures = files_with_suffix(dir, &[".yaml", ".yml"]);
    assert!(!fixtures.is_empty(), "no fixtures in {}", dir.display());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut mismatches = Vec::new();
    for fixture in fixtures {
        let actual = render(&fixture);
        let expect = expectation_path(&fixture).with_extension(extension);
        if update {
            std::fs::write(&expect, &actual).expect("the expectation file is writable");
            continue;
        }
        let expected = std::fs::read_to_string(&expect).unwrap_or_default();
        if expected != actual {
            mismatches.push(format!(
                "{} differs (UPDATE_EXPECT=1 rewrites it); actual:\n{actual}",
                expect.display()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The `fix` fuzz target's check, on stable too: `data` (as UTF-8) analysed as a
/// spec, a Compose file and Kubernetes manifests, every fix applied as
/// `ddia check --fix --unsafe-fixes` applies them. The result never has an error
/// finding the text did not have, and once the rounds converged, fixing the fixed
/// text changes nothing.
pub fn replay_fuzz_fix(data: &[u8]) {
    use std::collections::BTreeMap;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let errors = |diagnostics: &[ddia::diagnostic::Diagnostic]| {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for diagnostic in diagnostics
            .iter()
            .filter(|d| d.severity == ddia::diagnostic::Severity::Error)
        {
            *counts.entry(diagnostic.code).or_default() += 1;
        }
        counts
    };
    for name in ["fuzz.ddia.yaml", "compose.yaml", "manifest.yaml"] {
        let analyse = |text: &str| {
            analyze(AnalysisInput {
                text,
                path: Some(Path::new(name)),
                ..AnalysisInput::default()
            })
            .diagnostics
        };
        let findings = analyse(text);
        let Some(fixed) = ddia::fix_all::fix_all(text, &findings, true, &analyse) else {
            continue;
        };
        if fixed.text == text {
            continue;
        }
        let before = errors(&findings);
        for (code, count) in errors(&analyse(&fixed.text)) {
            assert!(
                count <= before.get(code).copied().unwrap_or(0),
                "{name}: fixing added a `{code}` error:\n{text:?}\n=>\n{:?}",
                fixed.text
            );
        }
        if fixed.converged {
            let again = ddia::fix_all::fix_all(&fixed.text, &analyse(&fixed.text), true, &analyse)
                .map_or_else(|| fixed.text.clone(), |again| again.text);
            assert_eq!(again, fixed.text, "{name}: a second fix changed the text");
        }
    }
}

/// The `messages` fuzz target's check, on stable too: `data` is cut into pieces by
/// its first byte and fed to the language server's message reader. Every message it
/// passes on is one frame that tower-lsp-server reads as JSON-RPC 2.0, every reply is
/// an error response, and the pieces' sizes change nothing.
pub fn replay_fuzz_messages(data: &[u8]) {
    use ddia::lsp::transport::{Incoming, MessageReader};
    let Some((&step, data)) = data.split_first() else {
        return;
    };
    let read = |piece: usize| {
        let mut reader = MessageReader::default();
        let mut out = Vec::new();
        for chunk in data.chunks(piece.max(1)) {
            reader.push(chunk, &mut out);
        }
        out
    };
    let whole = read(data.len());
    assert_eq!(
        read(usize::from(step % 17) + 1),
        whole,
        "pieces changed the messages"
    );
    for incoming in &whole {
        let (Incoming::Message { frame, .. } | Incoming::Reply(frame)) = incoming;
        let text = std::str::from_utf8(frame).expect("frames are UTF-8 JSON");
        let (header, body) = text.split_once("\r\n\r\n").expect("a header");
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let value: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
        match incoming {
            Incoming::Message { .. } => assert_eq!(value["jsonrpc"], "2.0"),
            Incoming::Reply(_) => assert!(value["error"]["code"].is_i64(), "{value}"),
        }
    }
}
