//! Property tests (proptest): random edits, random texts and mutated fixtures.
//!
//! - After any sequence of edits, applied the way the language server applies them (LSP
//!   ranges in either encoding, the syntax tree edited alongside), the document's text,
//!   its incremental analysis and its diagnostics equal a fresh analysis of the final text.
//! - Offsets and positions round-trip for any text, in UTF-8 and UTF-16 columns.
//! - Every quick fix, on any file where its rule fires, yields YAML that parses and no
//!   longer has that finding.

use ddia::analysis::{AnalysisInput, analyze};
use ddia::diagnostic::Diagnostic;
use ddia::diagnostic::apply_edits;
use ddia::line_index::{ColumnEncoding, LineCol, LineIndex};
use ddia::lsp::document::{Document, EditsSince, Snapshot, analyze_snapshot};
use ddia::lsp::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use ddia_tests::{files_with_suffix, repo_root};
use proptest::prelude::*;
use std::path::Path;
use std::str::FromStr;

const SPEC: &str = "\
ddia: 1
system: {name: shop}
datastores:
  \"kärt😀\":
    model: key-value
    replication:
      mode: leaderless
      replicas: 3
      write_quorum: 1
      read_quorum: 1
  orders:
    replication: {mode: multi-leader, leaders: 2}
consensus:
  meta: {algorithm: raft, nodes: 4}
services:
  api:
    depends_on:
      orders: {timeout: 1s, retries: {max: 3}}
";

const COMPOSE: &str = "\
services:
  db:
    image: postgres:16
    ports: [\"5432:5432\"]
    environment:
      POSTGRES_PASSWORD: hunter2
  web:
    image: nginx
    depends_on: [db]
";

/// Pieces of text an editor might insert: YAML punctuation, indentation, line breaks
/// (all three kinds), non-ASCII characters, and words of the spec.
/// Many services, each reading its model differently: a value edit inside one of them
/// keeps the others' parts of the model (`from_compose_reusing`), and must give what a
/// fresh analysis gives.
const COMPOSE_SERVICES: &str = "\
x-defaults: &defaults
  restart: always
  environment:
    LOG_LEVEL: info
services:
  db:
    image: postgres:16
    ports: [\"5432:5432\"]
    environment:
      POSTGRES_PASSWORD: hunter2
    x-ddia:
      replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}
  cache:
    <<: *defaults
    image: redis:7
    volumes: [cache:/data]
  kafka:
    image: bitnami/kafka:3.7
    environment:
      KAFKA_CFG_DEFAULT_REPLICATION_FACTOR: 1
      KAFKA_CFG_MIN_INSYNC_REPLICAS: 1
  zoo1:
    image: zookeeper:3.9
    environment:
      ZOO_SERVERS: server.1=zoo1:2888:3888 server.2=zoo2:2888:3888
  zoo2:
    image: zookeeper:3.9
  base:
    image: nginx:latest
    healthcheck: {test: [CMD, curl, localhost]}
  web:
    extends: base
    depends_on:
      db: {condition: service_started}
    env_file: app.env
  api:
    image: example/api:1.0
    depends_on: [db, cache]
    deploy: {replicas: 1}
volumes:
  cache: {}
";

/// A spec with components in every section, an anchor some of them use, and findings,
/// some relating components to each other (`billing` runs one replica and `web` depends
/// on it): a value edit inside one component keeps the others (`from_spec_reusing`)
/// and their findings (`analysis::PartFindings`).
const SPEC_COMPONENTS: &str = "\
ddia: 1
system: shop
x-quorum: &quorum
  mode: leaderless
  replicas: 3
  write_quorum: 1
  read_quorum: 1
requirements:
  consistency: linearizable
  access_patterns:
    - {name: by-user, datastore: carts, kind: range, key: user_id}
datastores:
  carts:
    model: key-value
    replication: *quorum
    partitioning: {strategy: hash, key: user_id, partitions: 12}
  orders:
    model: relational
    replication: {mode: multi-leader, leaders: 2}
    transactions: {isolation: read-committed}
  ledger:
    replication:
      <<: *quorum
      read_quorum: 2
  broken: 3
services:
  api:
    depends_on:
      orders: {timeout: 1s, retries: {max: 3, backoff: none}}
      carts: {timeout: 2s}
  billing:
    replicas: 1
    depends_on:
      ledger: {timeout: 500ms}
  web:
    depends_on:
      billing: {timeout: 1s, retries: {max: 2, backoff: exponential}}
streams:
  events: {partitions: 6, replication_factor: 1, delivery: at-least-once}
workflows:
  checkout:
    pattern: two-phase-commit
    steps:
      - {name: reserve, service: api}
      - {name: charge, service: billing}
consensus:
  meta: {algorithm: raft, nodes: 4}
  coord: {algorithm: zab, nodes: 3}
";

/// Edits that turn a component into a non-component and back (`null` reads as an
/// empty datastore, `nulls` as a string, which is not one), so that a kept list must
/// drop and regain an element in place.
#[test]
fn value_edits_that_add_or_remove_a_component_analyse_like_a_fresh_parse() {
    let text = "ddia: 1\ndatastores:\n  a: {model: key-value}\n  pending: null\n  b: {model: relational}\nconsensus:\n  meta: {algorithm: raft, nodes: 4}\n  later: null\n  coord: {algorithm: raft, nodes: 3}\n";
    // An edit at a byte offset, as the fraction `check_edit_sequence` takes.
    let at = |text: &str, offset: usize| (offset as f64 + 0.5) / text.len() as f64;
    let after = |needle: &str| text.find(needle).expect("the needle is in the text") + needle.len();
    let typed = text.replacen("pending: null", "pending: nulls", 1);
    let edits = vec![
        // `null` → `nulls`: the datastore goes; then back: it returns.
        (at(text, after("pending: null")), 0, "s".to_owned()),
        (at(&typed, after("pending: null")), 1, String::new()),
        // The same for a consensus group.
        (at(text, after("later: null")), 0, "s".to_owned()),
    ];
    for encoding in [ColumnEncoding::Utf8, ColumnEncoding::Utf16] {
        check_edit_sequence("shop.ddia.yaml", text, &edits, encoding)
            .expect("the edits analyse like a fresh parse");
    }
}

/// A value edit: letters and digits typed or deleted anywhere (most land inside a
/// value and take the in-place path; the others parse again).
fn value_edit() -> impl Strategy<Value = (f64, usize, String)> {
    let typed = prop::sample::select(vec!["", "x", "7", "ab", "0"]);
    (0.0..=1.0f64, 0usize..3, typed.prop_map(str::to_owned))
}

/// The two column encodings editors use.
fn encodings() -> impl Strategy<Value = ColumnEncoding> {
    prop_oneof![Just(ColumnEncoding::Utf8), Just(ColumnEncoding::Utf16)]
}

fn insertion() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\r",
        ":",
        ": ",
        "- ",
        "-",
        "[",
        "]",
        "{",
        "}",
        ",",
        "#",
        "&a ",
        "*a",
        "<<: ",
        "'",
        "\"",
        "|\n",
        "é",
        "😀",
        "x",
        "3",
        "0",
        "replicas: 5",
        "mode: leaderless",
        "datastores:\n",
        "  ",
        "\t",
        "---\n",
        "? ",
    ]);
    prop::collection::vec(pieces, 0..4).prop_map(|parts| parts.concat())
}

/// One edit: where (as a fraction of the text), how much to delete, what to insert.
fn edit() -> impl Strategy<Value = (f64, usize, String)> {
    (0.0..=1.0f64, 0usize..12, insertion())
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Whether `offset` sits between the `\r` and the `\n` of a line break.
fn inside_crlf(text: &str, offset: usize) -> bool {
    offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n')
}

/// The offset, moved before a `\r\n` line break it would split.
fn outside_crlf(text: &str, offset: usize) -> usize {
    if inside_crlf(text, offset) {
        offset - 1
    } else {
        offset
    }
}

/// What is compared of a finding: everything the user sees.
fn visible(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let fixes: Vec<String> = d
                .fixes
                .iter()
                .map(|f| format!("{} {:?}", f.message, f.edits))
                .collect();
            format!(
                "{:?} {} {:?} {} {:?} {fixes:?}",
                d.range, d.code, d.severity, d.message, d.related
            )
        })
        .collect()
}

fn check_edit_sequence(
    name: &str,
    start: &str,
    edits: &[(f64, usize, String)],
    encoding: ColumnEncoding,
) -> Result<(), TestCaseError> {
    let uri = Uri::from_str(&format!("file:///work/{name}")).expect("a valid URI");
    let mut document = Document::new(start.to_owned(), 1, "yaml".to_owned());
    let mut expected = start.to_owned();
    let snapshot = |text: &str, version: i32, tree, reuse, index| Snapshot {
        text: text.to_owned(),
        version,
        language_id: "yaml".to_owned(),
        tree,
        reuse,
        index,
    };
    let first = analyze_snapshot(&uri, snapshot(start, 1, None, None, None), None, None, None);
    document.tree = first.parse.reusable.clone();
    document.edits = EditsSince::Nothing;
    // As the server does: the last analysis is handed to the next one, whose parse it
    // updates in place when a single edit stays inside a value.
    let mut last = Some(std::sync::Arc::new(first));
    for (version, (at, delete, insert)) in edits.iter().enumerate() {
        let version = version as i32 + 2;
        // The edit, in the shadow text and as the LSP range an editor would send.
        // Editors address characters, never the middle of a `\r\n` line break.
        let start_offset = outside_crlf(
            &expected,
            floor_boundary(&expected, (at * expected.len() as f64) as usize),
        );
        let end_offset = outside_crlf(&expected, floor_boundary(&expected, start_offset + delete));
        let index = LineIndex::new(&expected);
        let position = |offset: usize| {
            let LineCol { line, column } = index.line_col(offset, encoding);
            Position::new(line as u32, column as u32)
        };
        let range = Range::new(position(start_offset), position(end_offset));
        expected.replace_range(start_offset..end_offset, insert);
        document.apply_changes(
            version,
            vec![TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: insert.clone(),
            }],
            encoding,
        );
        prop_assert_eq!(&document.text, &expected);
        // The document's line index follows the edits as a fresh one would.
        prop_assert_eq!(&document.index, &LineIndex::new(&expected));
        let reuse = match document.edits {
            EditsSince::One(edit) => last.take().map(|previous| (previous, edit)),
            _ => None,
        };
        let incremental = analyze_snapshot(
            &uri,
            snapshot(
                &document.text,
                version,
                document.tree.take(),
                reuse,
                Some(document.index.clone()),
            ),
            None,
            None,
            None,
        );
        document.tree = incremental.parse.reusable.clone();
        document.edits = EditsSince::Nothing;
        let fresh = analyze(AnalysisInput {
            text: &expected,
            path: Some(Path::new(&format!("/work/{name}"))),
            language_id: Some("yaml"),
            ..Default::default()
        });
        // While the text has syntax errors, the region around an edit recovers them
        // by itself: both analyses must find errors, not the same ones.
        prop_assert_eq!(
            incremental.parse.problems.is_empty(),
            fresh.parse.problems.is_empty(),
            "syntax errors after edit {}: {:?} against {:?}; the text is {:?}",
            version - 1,
            &incremental.parse.problems,
            &fresh.parse.problems,
            expected
        );
        if fresh.parse.problems.is_empty() {
            prop_assert_eq!(
                visible(&incremental.diagnostics),
                visible(&fresh.diagnostics),
                "after edit {} the text is {:?}",
                version - 1,
                expected
            );
            prop_assert_eq!(
                format!("{:?}", incremental.parse.stream),
                format!("{:?}", fresh.parse.stream),
                "the YAML view after edit {} differs; the text is {:?}",
                version - 1,
                expected
            );
        }
        last = Some(std::sync::Arc::new(incremental));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn edits_to_a_spec_analyse_like_a_fresh_parse(
        edits in prop::collection::vec(edit(), 1..10),
        encoding in encodings(),
    ) {
        check_edit_sequence("shop.ddia.yaml", SPEC, &edits, encoding)?;
    }

    #[test]
    fn edits_to_a_compose_file_analyse_like_a_fresh_parse(
        edits in prop::collection::vec(edit(), 1..10),
        encoding in encodings(),
    ) {
        check_edit_sequence("compose.yaml", COMPOSE, &edits, encoding)?;
    }

    #[test]
    fn value_edits_to_a_spec_with_many_components_analyse_like_a_fresh_parse(
        edits in prop::collection::vec(value_edit(), 1..12),
        encoding in encodings(),
    ) {
        check_edit_sequence("shop.ddia.yaml", SPEC_COMPONENTS, &edits, encoding)?;
    }

    #[test]
    fn value_edits_to_many_compose_services_analyse_like_a_fresh_parse(
        edits in prop::collection::vec(value_edit(), 1..12),
        encoding in encodings(),
    ) {
        check_edit_sequence("compose.yaml", COMPOSE_SERVICES, &edits, encoding)?;
    }
}

/// Texts with every kind of line break and characters of one to four UTF-8 bytes
/// (two UTF-16 units for the emoji).
fn any_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", " ", "\n", "\r\n", "\r", "é", "€", "😀", "\u{feff}", "\t", "\u{0}", "ü", "𝄞",
    ]);
    prop_oneof![
        prop::collection::vec(pieces, 0..60).prop_map(|parts| parts.concat()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn offsets_and_positions_round_trip_in_both_encodings(text in any_text()) {
        let index = LineIndex::new(&text);
        for encoding in [ColumnEncoding::Utf8, ColumnEncoding::Utf16] {
            let mut previous = LineCol { line: 0, column: 0 };
            let offsets = (0..=text.len())
                .filter(|&o| text.is_char_boundary(o) && !inside_crlf(&text, o));
            for offset in offsets {
                let position = index.line_col(offset, encoding);
                prop_assert_eq!(index.offset(position, encoding), offset, "{:?} {:?}", encoding, position);
                // Positions grow with offsets.
                prop_assert!((position.line, position.column) >= (previous.line, previous.column));
                previous = position;
            }
            // A position past the end of a line clamps to the line's end, never into
            // the next line or inside a character.
            let past = index.offset(LineCol { line: 0, column: usize::MAX / 2 }, encoding);
            prop_assert!(text.is_char_boundary(past));
            let line_end = text.find(['\n', '\r']).unwrap_or(text.len());
            prop_assert!(past <= line_end);
        }
    }
}

/// The fixtures of every rule, read once.
fn fixtures() -> &'static [(std::path::PathBuf, String)] {
    static FIXTURES: std::sync::OnceLock<Vec<(std::path::PathBuf, String)>> =
        std::sync::OnceLock::new();
    FIXTURES.get_or_init(|| {
        files_with_suffix(
            &repo_root().join("tests/fixtures/rules"),
            &[".yaml", ".yml"],
        )
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path, text))
        })
        .collect()
    })
}

/// Replaces the n-th number of the text with `digits[n]` (where given) and drops the
/// lines listed in `dropped`: the fixture's design with other numbers and parts missing.
fn mutate(text: &str, digits: &[Option<u8>], dropped: &[usize]) -> String {
    let kept: Vec<&str> = text
        .split_inclusive('\n')
        .enumerate()
        .filter(|(line, _)| !dropped.contains(line))
        .map(|(_, line)| line)
        .collect();
    let text = kept.concat();
    let mut out = String::with_capacity(text.len());
    let mut number = 0;
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let starts_number = bytes[at].is_ascii_digit()
            && (at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'.'));
        if starts_number {
            let end = (at..bytes.len())
                .find(|&i| !bytes[i].is_ascii_digit())
                .unwrap_or(bytes.len());
            let whole = end == bytes.len() || !bytes[end].is_ascii_alphabetic();
            match digits.get(number).copied().flatten() {
                Some(digit) if whole => out.push((b'0' + digit) as char),
                _ => out.push_str(&text[at..end]),
            }
            number += 1;
            at = end;
            continue;
        }
        let next = floor_boundary(&text, at + 1).max(at + 1);
        let next = (next..=text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        out.push_str(&text[at..next]);
        at = next;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_fix_on_a_mutated_fixture_removes_its_finding_and_keeps_valid_yaml(
        pick in any::<prop::sample::Index>(),
        digits in prop::collection::vec(prop::option::weighted(0.5, 0u8..10), 0..24),
        dropped in prop::collection::vec(1usize..40, 0..2),
    ) {
        let (path, original) = pick.get(fixtures());
        let text = mutate(original, &digits, &dropped);
        let analyse = |text: &str| {
            analyze(AnalysisInput {
                text,
                path: Some(path),
                ..Default::default()
            })
        };
        let before = analyse(&text);
        let count = |diagnostics: &[Diagnostic], code: &str| {
            diagnostics.iter().filter(|d| d.code == code).count()
        };
        for diagnostic in &before.diagnostics {
            for fix in &diagnostic.fixes {
                let (fixed, applied) = apply_edits(&text, &fix.edits);
                prop_assert_eq!(applied, fix.edits.len(), "overlapping edits in `{}`", fix.message);
                let after = analyse(&fixed);
                prop_assert!(
                    count(&after.diagnostics, "syntax-error") <= count(&before.diagnostics, "syntax-error"),
                    "`{}` ({}) broke the YAML of {}:\n{}", fix.message, diagnostic.code, path.display(), fixed
                );
                prop_assert!(
                    count(&after.diagnostics, diagnostic.code) < count(&before.diagnostics, diagnostic.code),
                    "`{}` did not remove its `{}` finding in {}:\n{}", fix.message, diagnostic.code, path.display(), fixed
                );
            }
        }
    }
}
