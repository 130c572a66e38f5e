//! Pathological inputs get bounded work and a clear finding: long lines, wide mappings,
//! long sequences, deep nesting, alias bombs, control characters and odd line endings.
//!
//! No timing assertions: an input that made the analysis quadratic would make this
//! suite take minutes instead of seconds, which the benchmarks and CI notice.

use ddia::analysis::{Analysis, AnalysisInput, analyze};
use ddia::line_index::{ColumnEncoding, LineIndex};
use std::path::Path;

/// Analyses `text` as the file `name` on a 2 MiB stack (a worker thread's), so that any
/// recursion over the input's depth would overflow here.
fn analyze_on_small_stack(name: &'static str, text: String) -> (String, Analysis) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let analysis = analyze(AnalysisInput {
                text: &text,
                path: Some(Path::new(name)),
                ..Default::default()
            });
            (text, analysis)
        })
        .expect("the thread starts")
        .join()
        .expect("the analysis must not crash")
}

fn codes(analysis: &Analysis) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = analysis.diagnostics.iter().map(|d| d.code).collect();
    codes.dedup();
    codes
}

fn count(analysis: &Analysis, code: &str) -> usize {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .count()
}

/// Every range lies inside the text, on character boundaries.
fn assert_ranges_valid(text: &str, analysis: &Analysis) {
    for diagnostic in &analysis.diagnostics {
        let range = diagnostic.range;
        assert!(range.start <= range.end && range.end <= text.len());
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
    }
}

#[test]
fn a_one_megabyte_single_line() {
    // A spec whose system description is one 1 MiB line.
    let spec = format!(
        "ddia: 1\nsystem: {{name: shop, description: \"{}\"}}\n",
        "é".repeat(512 * 1024)
    );
    let (text, analysis) = analyze_on_small_stack("long.ddia.yaml", spec);
    assert!(text.len() > 1 << 20);
    assert_eq!(
        count(&analysis, "syntax-error"),
        0,
        "{:?}",
        codes(&analysis)
    );
    assert_ranges_valid(&text, &analysis);
    // A Compose service whose command is a 100,000-item flow sequence on one line.
    let items = vec!["--flag"; 100_000].join(", ");
    let compose = format!("services:\n  web:\n    image: nginx:1.27\n    command: [{items}]\n");
    let (text, analysis) = analyze_on_small_stack("compose.yaml", compose);
    assert_eq!(
        count(&analysis, "syntax-error"),
        0,
        "{:?}",
        codes(&analysis)
    );
    assert!(analysis.model.is_some());
    // The line index answers at the far end of the line in both encodings.
    let index = LineIndex::new(&text);
    let end = text.len() - 1;
    for encoding in [ColumnEncoding::Utf8, ColumnEncoding::Utf16] {
        let position = index.line_col(end, encoding);
        assert_eq!(position.line, 3);
        assert_eq!(index.offset(position, encoding), end);
    }
}

#[test]
fn a_hundred_thousand_sibling_keys() {
    // 100,000 environment variables on one Compose service.
    let mut compose = String::from("services:\n  web:\n    image: nginx:1.27\n    environment:\n");
    for i in 0..100_000 {
        compose.push_str(&format!("      VAR_{i}: value{i}\n"));
    }
    let (text, analysis) = analyze_on_small_stack("compose.yaml", compose);
    assert_eq!(count(&analysis, "syntax-error"), 0);
    assert_ranges_valid(&text, &analysis);
    // 30,000 datastores in a spec (2.6 MB), each with a finding of its own. (100,000
    // take more than 1 GiB to analyse: `dense_large_texts_are_measured_before_they_are_parsed`
    // covers that a text too dense for the memory budget gets one note instead.)
    let mut spec = String::from("ddia: 1\ndatastores:\n");
    for i in 0..30_000 {
        spec.push_str(&format!(
            "  s{i}: {{replication: {{mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}}}}\n"
        ));
    }
    let (text, analysis) = analyze_on_small_stack("wide.ddia.yaml", spec);
    assert_eq!(count(&analysis, "non-overlapping-quorums"), 30_000);
    assert_ranges_valid(&text, &analysis);
    // 100,000 copies of one key: each repeat is a duplicate, found in linear time.
    let duplicates = format!("ddia: 1\nx-notes:\n{}", "  same: 1\n".repeat(100_000));
    let (_, analysis) = analyze_on_small_stack("duplicates.ddia.yaml", duplicates);
    assert_eq!(count(&analysis, "duplicate-key"), 99_999);
}

#[test]
fn a_hundred_thousand_sequence_items() {
    let mut compose = String::from("services:\n  web:\n    image: nginx:1.27\n    ports:\n");
    for i in 0..100_000 {
        compose.push_str(&format!("      - \"{}:80\"\n", 1000 + i % 60_000));
    }
    let (text, analysis) = analyze_on_small_stack("compose.yaml", compose);
    assert_eq!(count(&analysis, "syntax-error"), 0);
    assert_ranges_valid(&text, &analysis);
    let mut manifest = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..20_000 {
        manifest.push_str(&format!(
            "  - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: c{i}}}, data: {{k: v}}}}\n"
        ));
    }
    let (text, analysis) = analyze_on_small_stack("manifests.yaml", manifest);
    assert_eq!(count(&analysis, "syntax-error"), 0);
    assert_ranges_valid(&text, &analysis);
}

#[test]
fn a_hundred_thousand_levels_of_nesting_in_every_kind_of_file() {
    let depth = 100_000;
    let nestings = [
        format!("x-deep:\n  {}x\n", "- ".repeat(depth)),
        format!("x-deep: {}{}\n", "[".repeat(depth), "]".repeat(depth)),
        format!("x-deep: {}{}\n", "{a: ".repeat(depth), "}".repeat(depth)),
    ];
    for name in ["deep.ddia.yaml", "compose.yaml"] {
        for nesting in &nestings {
            let prefix = if name == "compose.yaml" {
                "services:\n  web:\n    image: nginx:1.27\n"
            } else {
                "ddia: 1\n"
            };
            let (text, analysis) = analyze_on_small_stack(name, format!("{prefix}{nesting}"));
            assert!(
                count(&analysis, "resource-limit") + count(&analysis, "syntax-error") > 0,
                "{name}: no diagnostic for {depth} levels"
            );
            assert_ranges_valid(&text, &analysis);
        }
    }
}

#[test]
fn alias_bombs_and_cycles_are_bounded_and_named() {
    let mut bomb = String::from("ddia: 1\nx-a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        bomb.push_str(&format!("x-a{level}: &a{level} [{refs}]\n"));
    }
    bomb.push_str("datastores:\n  db: {<<: *a11}\n");
    let (_, analysis) = analyze_on_small_stack("bomb.ddia.yaml", bomb);
    let limit: Vec<&str> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code == "resource-limit")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(limit.len(), 1, "{limit:?}");
    assert!(limit[0].starts_with("the alias `*a"), "{}", limit[0]);
    // An alias inside its own anchor is not defined yet: an error, not a cycle.
    let cycle = "ddia: 1\nx-loop: &loop {self: *loop}\n".to_owned();
    let (_, analysis) = analyze_on_small_stack("cycle.ddia.yaml", cycle);
    assert!(
        analysis
            .diagnostics
            .iter()
            .any(|d| d.code == "syntax-error" && d.message.contains("loop")),
        "{:?}",
        analysis.diagnostics
    );
}

#[test]
fn control_characters_are_reported_and_the_rest_is_still_checked() {
    let spec = "ddia: 1\ndatastores:\n  carts:\u{0}\n    replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}\n";
    let (_, analysis) = analyze_on_small_stack("nul.ddia.yaml", spec.to_owned());
    let syntax: Vec<(usize, &str)> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code == "syntax-error")
        .map(|d| (d.range.start, d.message.as_str()))
        .collect();
    assert_eq!(
        syntax,
        [(
            spec.find('\0').expect("a NUL"),
            "the control character U+0000 (NUL) is not allowed in YAML; is this a binary or corrupted file?"
        )]
    );
    // The finding after the NUL is still there.
    assert_eq!(count(&analysis, "non-overlapping-quorums"), 1);
    // A file of nothing but control characters: ten reported, then a count.
    let (_, analysis) = analyze_on_small_stack("zeros.ddia.yaml", "\u{1}".repeat(5000));
    assert_eq!(count(&analysis, "syntax-error"), 11);
    assert_eq!(
        analysis.diagnostics.last().map(|d| d.message.as_str()),
        Some("4990 more control characters after this one are not allowed in YAML either")
    );
}

#[test]
fn lone_carriage_returns_and_a_byte_order_mark_keep_positions_exact() {
    let lines = [
        "ddia: 1",
        "datastores:",
        "  carts:",
        "    replication: {mode: leaderless, replicas: 3, write_quorum: 1, read_quorum: 1}",
    ];
    for (name, text) in [
        ("lf.ddia.yaml", format!("{}\n", lines.join("\n"))),
        ("cr.ddia.yaml", format!("{}\r", lines.join("\r"))),
        ("crlf.ddia.yaml", format!("{}\r\n", lines.join("\r\n"))),
        ("bom.ddia.yaml", format!("\u{feff}{}\n", lines.join("\n"))),
    ] {
        let (text, analysis) = analyze_on_small_stack(name, text);
        assert_eq!(count(&analysis, "syntax-error"), 0, "{name}");
        let finding = analysis
            .diagnostics
            .iter()
            .find(|d| d.code == "non-overlapping-quorums")
            .unwrap_or_else(|| panic!("{name}: no quorum finding"));
        let index = LineIndex::new(&text);
        let start = index.line_col(finding.range.start, ColumnEncoding::Utf16);
        // Line 4 (0-based 3), at `1` of `read_quorum: 1`; the BOM is not a column.
        assert_eq!((start.line, start.column), (3, 79), "{name}");
    }
}

/// A text whose parse would take more than the memory budget is not parsed: a file of
/// a known kind gets one informational `resource-limit` note, any other YAML nothing;
/// a large file that cannot be of a known kind is not even parsed; a large Compose
/// file of ordinary shape is analysed.
#[test]
fn dense_large_texts_are_measured_before_they_are_parsed() {
    let numbers = ",1".repeat(800_000);
    let flow = format!("services:\n  db:\n    image: postgres:16\n    command: [1{numbers}]\n");
    let (_, analysis) = analyze_on_small_stack("compose.yaml", flow.clone());
    assert_eq!(analysis.kind, ddia::kind::FileKind::Compose);
    assert_eq!(codes(&analysis), ["resource-limit"]);
    let note = &analysis.diagnostics[0];
    assert_eq!(note.severity, ddia::diagnostic::Severity::Info);
    assert!(
        note.message.starts_with("reading this file (1.5 MB) would take about 1013.2 MB of memory, above the 768.0 MB that ddia allows one file"),
        "{}",
        note.message
    );
    assert!(analysis.model.is_none() && analysis.parse.stream.documents.is_empty());
    // Named like nothing ddia knows and shaped like nothing either: no note.
    let other = flow.replace("services", "servers");
    let (_, analysis) = analyze_on_small_stack("data.yaml", other);
    assert_eq!(analysis.kind, ddia::kind::FileKind::Other);
    assert!(analysis.diagnostics.is_empty());
    // An ordinary Compose file of the same size is analysed.
    let mut compose = String::from("services:\n");
    let mut service = 0;
    while compose.len() < 1_500_000 {
        compose.push_str(&format!(
            "  s{service}:\n    image: nginx:1.25\n    restart: always\n"
        ));
        service += 1;
    }
    let (_, analysis) = analyze_on_small_stack("compose.yaml", compose);
    assert_eq!(analysis.kind, ddia::kind::FileKind::Compose);
    assert!(analysis.model.is_some());
    assert!(!codes(&analysis).contains(&"resource-limit"));
}
