//! Tests of the syntax layer: YAML features, broken input, limits.

use ddia::syntax::{
    NodeId, NodeKind, ProblemKind, ScalarValue, YamlDocument, parse, reparse_region_edit,
    reparse_scalar_edit,
};

/// `head` followed by `item(0)`, `item(1)`, ... `item(count - 1)`: a large file made of
/// many similar entries.
fn repeated(head: &str, count: usize, item: impl Fn(usize) -> String) -> String {
    let mut text = head.to_owned();
    for index in 0..count {
        text.push_str(&item(index));
    }
    text
}

/// Renders a node as compact flow YAML with typed scalars, for assertions.
fn render(doc: &YamlDocument, id: NodeId) -> String {
    match doc.kind(id) {
        NodeKind::Scalar(scalar) => match &scalar.value {
            ScalarValue::Null => "~".to_owned(),
            ScalarValue::Bool(b) => b.to_string(),
            ScalarValue::Int(i) => i.to_string(),
            ScalarValue::Float(f) => format!("{f:?}"),
            ScalarValue::String => format!("{:?}", scalar.text),
        },
        NodeKind::Sequence(items) => {
            let parts: Vec<String> = items.iter().map(|&i| render(doc, i)).collect();
            format!("[{}]", parts.join(", "))
        }
        NodeKind::Mapping(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|e| format!("{}: {}", render(doc, e.key), render(doc, e.value)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        NodeKind::Alias { name, .. } => format!("*{name}"),
    }
}

fn render_all(text: &str) -> Vec<String> {
    let parsed = parse(text);
    parsed
        .stream
        .documents
        .iter()
        .filter_map(|doc| doc.root.map(|root| render(doc, root)))
        .collect()
}

fn problems(text: &str) -> Vec<(ProblemKind, String, String)> {
    parse(text)
        .problems
        .into_iter()
        .map(|p| (p.kind, text[p.range.as_range()].to_owned(), p.message))
        .collect()
}

#[test]
fn block_and_flow_styles() {
    let text = "a: 1\nb: [x, 'y', \"z\"]\nc: {d: true, e: ~}\nf:\n  - 1.5\n  - -2\n  -\n";
    assert_eq!(
        render_all(text),
        [r#"{"a": 1, "b": ["x", "y", "z"], "c": {"d": true, "e": ~}, "f": [1.5, -2, ~]}"#]
    );
    assert!(problems(text).is_empty());
}

#[test]
fn multi_document_streams() {
    let text = "---\na: 1\n---\nb: 2\n...\n---\n- c\n";
    assert_eq!(render_all(text), [r#"{"a": 1}"#, r#"{"b": 2}"#, r#"["c"]"#]);
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "\
base: &base
  image: postgres:16
  restart: always
other: &other {env: prod}
svc:
  <<: [*base, *other]
  restart: never
ref: *base
";
    let parsed = parse(text);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let doc = &parsed.stream.documents[0];
    let root = doc.root.expect("the document has content");
    let svc = doc.get(root, "svc").expect("svc exists");
    assert_eq!(
        render(doc, svc),
        r#"{"restart": "never", "image": "postgres:16", "env": "prod"}"#
    );
    // A merged value keeps the range where it is written, under the anchor.
    let image = doc.get(svc, "image").expect("merged image");
    assert_eq!(&text[doc.range(image).as_range()], "postgres:16");
    assert_eq!(
        doc.range(image).start,
        text.find("postgres").expect("in text")
    );
    let merged = doc.get_entry(svc, "image").expect("merged entry");
    assert!(merged.merged_from.is_some());
    // An alias resolves to the anchored mapping.
    let reference = doc.get(root, "ref").expect("ref exists");
    assert_eq!(
        doc.get(reference, "restart").and_then(|v| doc.str(v)),
        Some("always")
    );
}

#[test]
fn scalars_are_typed_and_decoded() {
    let text = "\
int: 0x1F
float: 1e3
str: 250ms
bool: FALSE
quoted_int: \"42\"
folded: >
  one
  two
literal: |-
  a
  b
escaped: \"tab\\there\"
multi: first
  second
";
    assert_eq!(
        render_all(text),
        [concat!(
            r#"{"int": 31, "float": 1000.0, "str": "250ms", "bool": false, "quoted_int": "42", "#,
            r#""folded": "one two\n", "literal": "a\nb", "escaped": "tab\there", "multi": "first second"}"#
        )]
    );
}

#[test]
fn tags_are_tolerated() {
    let text = "a: !!str 1\nb: !custom {c: 1}\n";
    let parsed = parse(text);
    assert!(parsed.problems.is_empty());
    let doc = &parsed.stream.documents[0];
    let root = doc.root.expect("content");
    let b = doc.get(root, "b").expect("b");
    assert_eq!(doc.node(b).tag.as_deref(), Some("!custom"));
}

#[test]
fn comments_are_collected() {
    let text = "# top\na: 1 # ddia: ignore[x]\n";
    let parsed = parse(text);
    let comments: Vec<&str> = parsed
        .stream
        .comments
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(comments, ["# top", "# ddia: ignore[x]"]);
    assert_eq!(
        parsed.stream.comments[1].range.start,
        text.find("# ddia").expect("in text")
    );
}

#[test]
fn duplicate_keys_are_reported_and_the_last_wins() {
    // As lenient YAML tools read it: the last value, in its place in the text.
    let text = "a: 1\nb: 2\na: 3\n";
    let parsed = parse(text);
    assert_eq!(render_all(text), [r#"{"b": 2, "a": 3}"#]);
    let problem = &parsed.problems[0];
    assert_eq!(problem.kind, ProblemKind::DuplicateKey);
    assert_eq!(problem.range.start, 10);
    assert_eq!(
        problem.message,
        "duplicate key `a`: YAML forbids it, strict parsers (Compose's) reject the file, and lenient ones keep this last value, which ddia reads"
    );
    assert_eq!(problem.related.as_ref().map(|r| r.0.start), Some(0));
}

#[test]
fn unknown_alias_is_a_syntax_error() {
    assert_eq!(
        problems("a: *nowhere\n"),
        [(
            ProblemKind::Syntax,
            "*nowhere".to_owned(),
            "invalid YAML: no anchor `&nowhere` comes before the alias `*nowhere`".to_owned()
        )]
    );
}

const SPEC_TAIL: &str = "datastores:\n  b:\n    replication:\n      mode: leaderless\n";

/// Each broken line must be reported, and everything after it still read.
fn assert_recovers(text: &str, reported: &str, message: &str) {
    let parsed = parse(text);
    let syntax: Vec<_> = parsed
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Syntax)
        .collect();
    assert!(!syntax.is_empty(), "no syntax error for {text:?}");
    assert_eq!(&text[syntax[0].range.as_range()], reported, "{text:?}");
    assert_eq!(syntax[0].message, message, "{text:?}");
    let doc = parsed.stream.first_document().expect("a document survives");
    let root = doc.root.expect("content survives");
    let mode = doc
        .get_path(root, &["datastores", "b", "replication", "mode"])
        .and_then(|id| doc.str(id));
    assert_eq!(mode, Some("leaderless"), "the rest of {text:?} is lost");
    assert_eq!(
        doc.get(root, "ddia")
            .and_then(|id| doc.scalar(id))
            .map(|s| s.value.clone()),
        Some(ScalarValue::Int(1))
    );
}

#[test]
fn recovers_from_a_bad_dedent() {
    let text = format!("ddia: 1\nx:\n  a:\n    y: 1\n   bad: 1\n{SPEC_TAIL}");
    assert_recovers(
        &text,
        "bad: 1",
        "invalid YAML: unexpected indentation of 3 spaces",
    );
}

#[test]
fn recovers_from_a_tab_in_indentation() {
    let text = format!("ddia: 1\nx:\n  a:\n\tmode: x\n{SPEC_TAIL}");
    assert_recovers(
        &text,
        "mode: x",
        "invalid YAML: a tab character in indentation (YAML indents with spaces only)",
    );
}

#[test]
fn recovers_from_an_alias_without_a_name() {
    let text = format!("ddia: 1\na: *\n{SPEC_TAIL}");
    assert_recovers(
        &text,
        "*",
        "invalid YAML: an alias `*` needs an anchor name",
    );
}

#[test]
fn recovers_from_an_unclosed_flow_sequence() {
    let text = format!("ddia: 1\na: [1, 2\n{SPEC_TAIL}");
    assert_recovers(&text, "[1, 2", "invalid YAML: unclosed flow sequence `[`");
}

#[test]
fn recovers_from_an_unclosed_flow_mapping() {
    let text = format!("ddia: 1\na: {{b: 1\n{SPEC_TAIL}");
    assert_recovers(&text, "{b: 1", "invalid YAML: unclosed flow mapping `{`");
}

#[test]
fn recovers_from_several_errors() {
    let text = format!("ddia: 1\na: *\nx:\n  y: 1\n   bad: 2\n{SPEC_TAIL}");
    let parsed = parse(&text);
    let syntax = parsed
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Syntax)
        .count();
    assert_eq!(syntax, 2, "{:?}", parsed.problems);
}

/// The syntax errors of `text`: the text each names, its message, and the text of its
/// related place if any.
fn syntax_errors(text: &str) -> Vec<(String, String, Option<String>)> {
    parse(text)
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Syntax)
        .map(|p| {
            (
                text[p.range.as_range()].to_owned(),
                p.message.clone(),
                p.related
                    .as_ref()
                    .map(|(range, _)| text[range.as_range()].to_owned()),
            )
        })
        .collect()
}

#[test]
fn a_line_that_breaks_a_block_is_blamed_and_the_block_goes_on() {
    // A line break typed inside `v1-cache:` leaves `e:` at column 0, ending `volumes`;
    // every later volume is then indented for a block that no longer exists. Blaming
    // each of them would take one recovery round per volume and lose them all.
    let mut text = String::from("services:\n  web:\n    image: nginx:1\nvolumes:\n");
    for index in 0..400 {
        text.push_str(&format!("  v{index}-cache:\n    driver: local\n"));
    }
    text.push_str("networks:\n  backend:\n");
    let text = text.replacen("  v1-cache:", "  v1-cach\ne:", 1);
    assert_eq!(
        syntax_errors(&text),
        [
            (
                "v1-cach".to_owned(),
                "invalid YAML: unexpected indentation of 2 spaces".to_owned(),
                None
            ),
            (
                "e:".to_owned(),
                DEDENTED.to_owned(),
                Some("v2-cache:".to_owned())
            ),
        ]
    );
    let parsed = parse(&text);
    let doc = parsed.stream.first_document().expect("a document");
    let root = doc.root.expect("content");
    let volumes = doc.get(root, "volumes").expect("`volumes` is read");
    assert!(doc.get(volumes, "v399-cache").is_some());
    assert!(doc.get(root, "networks").is_some());
}

#[test]
fn an_indented_line_that_breaks_a_block_is_told_the_indentation_it_broke() {
    // `p:` ends the block of `a` and `b`, opens its own deeper one, and `c` goes on at
    // the ended block's indentation: `p:` is blamed, with that indentation.
    let text = "root:\n  group:\n    a: 1\n    b: 2\n  p:\n      deep: 1\n    c: 3\nz: 1\n";
    assert_eq!(
        syntax_errors(text),
        [(
            "p:".to_owned(),
            "invalid YAML: this line ends the block above it, but a line below goes on with that block's indentation (4 spaces)".to_owned(),
            Some("c: 3".to_owned())
        )]
    );
}

#[test]
fn a_character_typed_at_column_zero_inside_a_service_blames_that_line() {
    let mut text = repeated("services:\n", 100, |index| {
        format!(
            "  s{index}:\n    image: x:1\n    depends_on:\n      db:\n        condition: service_healthy\n    deploy:\n      resources: {{}}\n"
        )
    });
    let at = text.find("    depends_on:").expect("a key") + 20 * 7 * 8;
    let at = at + text[at..].find("    depends_on:").expect("a later key");
    text.insert(at, 'm');
    let errors = syntax_errors(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "m    depends_on:");
    assert_eq!(errors[0].2.as_deref(), Some("deploy:"));
    let parsed = parse(&text);
    let doc = parsed.stream.first_document().expect("a document");
    let services = doc
        .get(doc.root.expect("content"), "services")
        .expect("`services` is read");
    assert!(
        doc.get(services, "s99").is_some(),
        "the later services are read"
    );
}

#[test]
fn a_block_opened_right_above_an_error_is_not_blamed() {
    // `list:` opens the block its items are in: the bad item is the error.
    let text = "a:\n  b: 1\n  list:\n    - 1\n   - 2\nc: 2\n";
    let errors = syntax_errors(text);
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|(at, _, _)| at != "list:"), "{errors:?}");
}

#[test]
fn a_line_indented_one_space_short_inside_a_sequence_item_is_the_error() {
    // `kind` is one space short of its item's keys: the items above are not to blame
    // (blaming them walked up the list, one recovery round per item).
    let mut text = String::from("ddia: 1\nrequirements:\n  access_patterns:\n");
    for index in 0..300 {
        text.push_str(&format!(
            "    - name: p{index}\n      datastore: s{index}\n      kind: point\n"
        ));
    }
    let at = text
        .find("      datastore: s200\n      kind")
        .expect("an item")
        + 22;
    text.remove(at);
    assert_eq!(
        syntax_errors(&text),
        [(
            "kind: point".to_owned(),
            "invalid YAML: unexpected indentation of 5 spaces".to_owned(),
            None
        )]
    );
}

#[test]
fn a_key_inside_a_merge_keys_value_is_not_edited_in_place() {
    // The merge key `<<` is not an entry, so the view does not reach `x` from the root:
    // renaming it changes which keys `m` has, which only a parse can tell.
    let before = "m:\n  <<: {x: 1}\n  y: 2\n";
    let (after, result) = edit_with(reparse_scalar_edit, before, "{x", 0, "z");
    assert_eq!(after, "m:\n  <<: {xz: 1}\n  y: 2\n");
    assert!(result.is_err(), "a merged key was edited in place");
}

#[test]
fn long_files_parse_completely() {
    let mut text = String::from("services:\n");
    let mut index = 0;
    while text.len() < 3_000_000 {
        text.push_str(&format!(
            "  svc{index}:\n    image: redis:7\n    ports: [\"127.0.0.1:{index}:6379\"]\n"
        ));
        index += 1;
    }
    let lines = text.lines().count();
    assert!(lines > 110_000);
    let parsed = parse(&text);
    assert!(parsed.problems.is_empty());
    let doc = &parsed.stream.documents[0];
    let services = doc
        .get(doc.root.expect("content"), "services")
        .expect("services");
    assert_eq!(doc.entries(services).len(), index);
    let last = doc
        .get(services, &format!("svc{}", index - 1))
        .expect("last service");
    assert_eq!(
        doc.get(last, "image").and_then(|i| doc.str(i)),
        Some("redis:7")
    );
}

#[test]
fn deep_nesting_gives_a_diagnostic_not_a_crash() {
    for depth in [300, 10_000, 100_000] {
        for text in [
            format!("a:\n  {}x\n", "- ".repeat(depth)),
            format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth)),
            format!("a: {}{}\n", "{b: ".repeat(depth), "}".repeat(depth)),
        ] {
            // Run on a 2 MiB stack, like a worker thread, to prove there is no recursion.
            let parsed = std::thread::Builder::new()
                .stack_size(2 * 1024 * 1024)
                .spawn(move || parse(&text).problems)
                .expect("thread starts")
                .join()
                .expect("parsing deep nesting must not crash");
            assert!(!parsed.is_empty(), "depth {depth}: no diagnostic");
        }
    }
}

#[test]
fn alias_bombs_are_bounded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = level - 1;
        let refs = vec![format!("*a{previous}"); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let start = std::time::Instant::now();
    let parsed = parse(&text);
    let limit: Vec<_> = parsed
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Limit)
        .collect();
    assert_eq!(limit.len(), 1, "{:?}", parsed.problems);
    assert!(
        limit[0]
            .message
            .starts_with("the alias `*a4` makes this document stand for more than"),
        "{}",
        limit[0].message
    );
    assert!(parsed.stream.documents[0].node_count() < 200);
    // Not a timing assertion: a sanity bound far above the milliseconds it takes.
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn never_panics_on_garbage() {
    for text in [
        "",
        "\0\0\0",
        ":",
        "- - -",
        "? ? ?",
        "&a &b *c",
        "{{{{",
        "]]]",
        "|\n",
        ">-\n  \n",
        "'unterminated",
        "\"\\u12",
        "a: b: c",
        "%YAML 1.2\n---\n",
        "\r\r\r",
        "\t\t- x",
        "...\n...",
        "---\n---",
        "a: !tag",
        "*a: 1",
    ] {
        let _ = parse(text);
    }
}

#[test]
fn a_byte_order_mark_and_any_line_ending_are_accepted() {
    for text in [
        "\u{FEFF}ddia: 1\ndatastores:\n  a: {x: 1}\n",
        "ddia: 1\r\ndatastores:\r\n  a: {x: 1}\r\n",
        "ddia: 1\rdatastores:\r  a: {x: 1}\r",
    ] {
        let parsed = parse(text);
        assert!(
            parsed.problems.is_empty(),
            "{text:?}: {:?}",
            parsed.problems
        );
        let doc = &parsed.stream.documents[0];
        let root = doc.root.expect("content");
        let key = doc.entries(root)[0].key;
        assert_eq!(doc.key_text(key), Some("ddia"), "{text:?}");
        assert_eq!(&text[doc.range(key).as_range()], "ddia");
        let x = doc.get_path(root, &["datastores", "a", "x"]).expect("x");
        assert_eq!(
            doc.scalar(x).map(|s| s.value.clone()),
            Some(ScalarValue::Int(1))
        );
    }
}

/// A small deterministic generator for the edit sequences below.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

#[test]
fn incremental_reparse_equals_a_fresh_parse_after_random_edits() {
    let pieces = [
        "a",
        ": ",
        "\n",
        "  ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        "mode: leaderless",
        "\n  replicas: 3",
        "#",
        "\"",
        "&x ",
        "*x",
        "é",
        "😀",
        "\t",
        "",
    ];
    for seed in 0..16u64 {
        let mut rng = Lcg(seed);
        let mut text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/checkout.ddia.yaml"
        ))
        .expect("the example exists");
        let mut tree = parse(&text)
            .reusable
            .expect("the example is parsed as given");
        for _ in 0..20 {
            // Pick a range on character boundaries and replace it.
            let mut start = rng.next(text.len() + 1);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + rng.next(12)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let insert = pieces[rng.next(pieces.len())];
            ddia::syntax::edit_tree(&mut tree, &text, start, end, insert);
            text.replace_range(start..end, insert);
            let incremental = ddia::syntax::parse_incremental(&text, Some(&tree));
            let fresh = parse(&text);
            let render_stream = |p: &ddia::syntax::Parse| -> Vec<String> {
                p.stream
                    .documents
                    .iter()
                    .filter_map(|doc| doc.root.map(|root| render(doc, root)))
                    .collect()
            };
            assert_eq!(
                render_stream(&incremental),
                render_stream(&fresh),
                "seed {seed}: {text:?}"
            );
            assert_eq!(
                incremental.problems, fresh.problems,
                "seed {seed}: {text:?}"
            );
            match incremental.reusable {
                Some(next) => tree = next,
                None => tree = parse(&text).reusable.unwrap_or(tree),
            }
        }
    }
}

/// How a test updates a parse after an edit (`reparse_scalar_edit` or
/// `reparse_region_edit`).
type Reparse = fn(
    ddia::syntax::Parse,
    &str,
    ddia::syntax::TextEdit,
) -> Result<ddia::syntax::Parse, ddia::syntax::Parse>;

/// Replaces `delete` bytes after the first `at` in `before` with `insert`, and updates
/// the parse of `before` with `reparse`.
fn edit_with(
    reparse: Reparse,
    before: &str,
    at: &str,
    delete: usize,
    insert: &str,
) -> (String, Result<ddia::syntax::Parse, ddia::syntax::Parse>) {
    let start = before.find(at).expect("the anchor text") + at.len();
    let mut after = before.to_owned();
    after.replace_range(start..start + delete, insert);
    let edit = ddia::syntax::TextEdit {
        start,
        old_end: start + delete,
        new_len: insert.len(),
    };
    let result = reparse(parse(before), &after, edit);
    (after, result)
}

#[test]
fn typing_inside_a_value_updates_the_parse_without_parsing() {
    let before = "# comment\nservices:\n  db:\n    image: postgres:16\n    ports: [\"5432:5432\"]\n  web: {image: nginx, replicas: 3}\n# tail\n";
    for (at, delete, insert) in [
        ("image: postgres:1", 0, "7"),   // 16 -> 176, inside
        ("image: postgres:16", 0, ".1"), // appended at the end
        ("image: post", 3, ""),          // deleted inside
        ("replicas: ", 1, "12"),         // int stays int, in a flow mapping
        ("replicas: 3", 0, "x"),         // int becomes a string
        ("image: nginx", 0, "-alpine"),  // in a flow mapping
        ("image: ", 0, "x"),             // before the first character
        ("replicas: ", 0, "é"),          // a two-byte character first
    ] {
        let (after, result) = edit_with(reparse_scalar_edit, before, at, delete, insert);
        let updated =
            result.unwrap_or_else(|_| panic!("`{insert}` after `{at}` takes the fast path"));
        let fresh = parse(&after);
        assert_eq!(
            format!("{:?}", updated.stream),
            format!("{:?}", fresh.stream),
            "{after}"
        );
        assert_eq!(updated.problems, fresh.problems);
    }
}

#[test]
fn edits_that_could_change_the_structure_are_parsed_again() {
    let before = "services:\n  db:\n    image: postgres:16\n    command: run it\n";
    for (at, delete, insert) in [
        ("  d", 0, "x"),                 // a key
        ("image: postgres:16", 0, " #"), // would start a comment
        ("image: postgres", 0, ": "),    // would make a mapping
        ("image: ", 0, "["),             // would open a flow sequence
        ("image: postgres:16", 0, "\n"), // a line break
        ("image: ", 0, "*"),             // an alias
        ("command: run", 0, "\t"),       // a tab
        ("image: postgres:16", 1, ""),   // deletes the line break after the value
    ] {
        let (_, result) = edit_with(reparse_scalar_edit, before, at, delete, insert);
        assert!(
            result.is_err(),
            "`{insert:?}` after `{at}` must be parsed again"
        );
    }
    // A file with a syntax error is always parsed again.
    let broken = "services: [\n  db:\n    image: postgres:16\n";
    let (_, result) = edit_with(reparse_scalar_edit, broken, "postgres:1", 0, "7");
    assert!(result.is_err());
}

/// Replaces `delete` bytes after the first `at` in `before` with `insert`, through the
const SERVICES: &str = "# Services.\nx-note: plain\nservices:\n  db:\n    image: postgres:16\n    ports:\n    - \"5432:5432\"\n    environment:\n      POSTGRES_DB: app # the database\n  web:\n    image: nginx\n    depends_on: [db]\nvolumes:\n  data: {}\n";

#[test]
fn structural_edits_parse_only_their_region_and_equal_a_whole_parse() {
    for (at, delete, insert) in [
        ("image: postgres:16", 0, "\n    restart: always"), // a new key
        ("image: postgres:16", 0, "\n"),                    // a line break
        ("image: postgres:16\n    ", 0, "x"),               // typing in a key
        ("image: postgres:16\n    ", 5, "expose"),          // renaming a key
        ("POSTGRES_DB: app", 0, "\n      PGDATA: /data"),   // a key in a nested mapping
        ("    - \"5432:5432\"", 0, "\n    - \"5433:5433\""), // a new sequence item
        ("depends_on: [db]", 0, "\n  cache:\n    image: redis"), // a new service
        ("depends_on: [db]", 0, "\n  # a comment"),         // a comment
        ("  w", 2, "api"),                                  // renaming a service
        ("data: {}", 0, "\n  logs: {}"),                    // the last entry of the text
        ("image: nginx\n", 21, ""),                         // deleting a whole line
        ("image: postgres:16\n", 0, "    restart: always\n"), // pasting a whole line
    ] {
        let (after, result) = edit_with(reparse_region_edit, SERVICES, at, delete, insert);
        let updated =
            result.unwrap_or_else(|_| panic!("{insert:?} after {at:?} parses its region"));
        let fresh = parse(&after);
        assert_eq!(
            format!("{:?}", updated.stream),
            format!("{:?}", fresh.stream),
            "{after}"
        );
        assert_eq!(updated.problems, fresh.problems, "{after}");
        assert!(updated.problems.is_empty(), "{after}");
        assert!(
            updated.reusable.is_none(),
            "the whole tree is no longer valid"
        );
    }
}

#[test]
fn a_syntax_error_stays_in_its_region_and_goes_when_fixed() {
    // Typing a key before its colon: the line is an error, recovered in its region.
    let (broken, result) = edit_with(
        reparse_region_edit,
        SERVICES,
        "image: postgres:16",
        0,
        "\n    restart",
    );
    let broken_parse = result.unwrap_or_else(|_| panic!("the region parses with its error"));
    let start = broken.find("restart").expect("typed");
    assert_eq!(
        broken_parse.problems.len(),
        1,
        "{:?}",
        broken_parse.problems
    );
    let problem = &broken_parse.problems[0];
    assert_eq!(problem.kind, ProblemKind::Syntax);
    assert!(
        problem.range.start <= start && start < problem.range.end,
        "{problem:?} covers the typed line"
    );
    // Everything outside the region is still read: `web` and `volumes`.
    let doc = broken_parse.stream.first_document().expect("a document");
    let root = doc.root.expect("a root");
    let services = doc.get(root, "services").expect("services");
    assert!(doc.get(services, "web").is_some());
    assert!(doc.get(root, "volumes").is_some());
    // The colon fixes it: the region parses clean and equals a whole parse.
    let at = start + "restart".len();
    let mut fixed = broken.clone();
    fixed.insert_str(at, ": always");
    let edit = ddia::syntax::TextEdit {
        start: at,
        old_end: at,
        new_len: ": always".len(),
    };
    let updated = ddia::syntax::reparse_region_edit(broken_parse, &fixed, edit)
        .unwrap_or_else(|_| panic!("the fix parses its region"));
    assert!(updated.problems.is_empty(), "{:?}", updated.problems);
    assert_eq!(
        format!("{:?}", updated.stream),
        format!("{:?}", parse(&fixed).stream)
    );
}

#[test]
fn edits_a_region_cannot_hold_parse_the_whole_text() {
    let anchored = "x-d: &d\n  restart: always\nservices:\n  web:\n    <<: *d\n    image: nginx\n";
    for (before, at, delete, insert, why) in [
        (SERVICES, "", 0, " ", "indenting the first line"),
        (
            SERVICES,
            "depends_on: [db]",
            0,
            "\n  db: {}",
            "a duplicate key",
        ),
        (
            anchored,
            "restart: always",
            0,
            "\n  user: me",
            "inside an anchor that an alias uses",
        ),
        (SERVICES, "image: nginx", 0, "\n---\nb: 1", "a new document"),
    ] {
        let (_, result) = edit_with(reparse_region_edit, before, at, delete, insert);
        assert!(result.is_err(), "{why}: {insert:?} after {at:?}");
    }
}

#[test]
fn regions_with_aliases_and_merge_keys_resolve_the_anchors_before_them() {
    let anchored = "x-d: &d\n  restart: always\n  user: app\nservices:\n  web:\n    <<: *d\n    image: nginx\n  api:\n    <<: *d\n    user: root\n";
    for (at, delete, insert) in [
        ("image: nginx", 0, "\n    x: *d"),          // a new alias
        ("image: nginx", 0, "\n    env: 1"),         // a new key beside a merge
        ("user: root", 0, "\n    restart: no"),      // overriding a merged key
        ("  api:\n    <<: *d\n", 0, "    <<: *d\n"), // repeating the merge
        ("  w", 2, "front"),                         // renaming a service with a merge
    ] {
        let (after, result) = edit_with(reparse_region_edit, anchored, at, delete, insert);
        let updated =
            result.unwrap_or_else(|_| panic!("{insert:?} after {at:?} parses its region"));
        let fresh = parse(&after);
        assert_eq!(updated.problems, fresh.problems, "{after}");
        assert_eq!(
            format!("{:?}", updated.stream),
            format!("{:?}", fresh.stream),
            "{after}"
        );
    }
}

/// A Compose file whose services have a nested block (`logging.options`) and keys
/// after it, for the edits that leave a line at column 0.
fn logging_services(count: usize) -> String {
    let mut text = String::from("services:\n");
    for index in 0..count {
        text.push_str(&format!(
            "  s{index}:\n    image: app:1\n    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n"
        ));
    }
    text.push_str("volumes:\n  data: {}\n");
    text
}

/// Applies one edit to `text` and its parse through `reparse_edit`, the way an editor's
/// keystroke is analysed.
fn keystroke(
    text: &mut String,
    parsed: ddia::syntax::Parse,
    start: usize,
    delete: usize,
    insert: &str,
) -> Result<ddia::syntax::Parse, ddia::syntax::Parse> {
    text.replace_range(start..start + delete, insert);
    let edit = ddia::syntax::TextEdit {
        start,
        old_end: start + delete,
        new_len: insert.len(),
    };
    ddia::syntax::reparse_edit(parsed, text, edit)
}

/// Asserts that a parse after a repairing edit has no problem and equals a whole parse
/// of `text`.
fn assert_repaired(parsed: &ddia::syntax::Parse, text: &str) {
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
    assert_eq!(
        format!("{:?}", parsed.stream),
        format!("{:?}", parse(text).stream)
    );
}

/// Applies the keystroke that undoes an earlier one and asserts that the text is
/// `original` again, parsed as a whole parse parses it.
fn assert_undone(
    text: &mut String,
    parsed: ddia::syntax::Parse,
    (start, delete, insert): (usize, usize, &str),
    original: &str,
) {
    let parsed = keystroke(text, parsed, start, delete, insert)
        .unwrap_or_else(|_| panic!("the repair parses its region"));
    assert_eq!(text, original);
    assert_repaired(&parsed, text);
}

/// The text of each syntax problem of a parse, and its message.
fn problems_of(text: &str, parsed: &ddia::syntax::Parse) -> Vec<(String, String)> {
    parsed
        .problems
        .iter()
        .map(|p| (text[p.range.as_range()].to_owned(), p.message.clone()))
        .collect()
}

/// Asserts that a whole parse of `text` finds a syntax error, as a region parse that
/// reported one claims.
fn assert_whole_text_has_a_syntax_error(text: &str) {
    assert!(
        parse(text)
            .problems
            .iter()
            .any(|p| p.kind == ProblemKind::Syntax),
        "{text:?} parses without a syntax error"
    );
}

const DEDENTED: &str = "invalid YAML: this line starts at column 0 inside an indented block, so it ends every block above it and the lines below it are indented for blocks that no longer exist; indent it, or make it a comment";

#[test]
fn a_key_typed_at_column_zero_is_blanked_with_its_block_and_the_file_goes_on() {
    let mut text = logging_services(40);
    let line = text.find("  s20:").expect("s20")
        + text[text.find("  s20:").expect("s20")..]
            .find("      options:")
            .expect("options");
    // `t` typed before the indentation of `options:` in `s20`.
    let parsed = keystroke(&mut text, parse(&logging_services(40)), line, 0, "t")
        .unwrap_or_else(|_| panic!("the line and its block are parsed as a region"));
    assert_eq!(
        problems_of(&text, &parsed),
        [("t      options:".to_owned(), DEDENTED.to_owned())]
    );
    assert_eq!(parsed.skipped.len(), 1);
    assert_eq!(
        &text[parsed.skipped[0].as_range()],
        "t      options:\n        max-size: 10m\n"
    );
    // The whole text has an error too, and the rest of the file is read.
    assert_whole_text_has_a_syntax_error(&text);
    let doc = parsed.stream.first_document().expect("a document");
    let root = doc.root.expect("content");
    let services = doc.get(root, "services").expect("services");
    let s20 = doc.get(services, "s20").expect("s20");
    assert!(
        doc.get(s20, "healthcheck").is_some(),
        "the keys after the block stay"
    );
    let logging = doc.get(s20, "logging").expect("logging");
    assert!(doc.get(logging, "driver").is_some());
    assert!(
        doc.get(logging, "options").is_none(),
        "the blanked key is gone"
    );
    assert!(doc.get(services, "s39").is_some());
    assert!(doc.get(root, "volumes").is_some());

    // More typed on that line: still that line, still a region.
    let parsed = keystroke(&mut text, parsed, line + 1, 0, "e")
        .unwrap_or_else(|_| panic!("typing on the line stays a region"));
    assert_eq!(
        problems_of(&text, &parsed),
        [("te      options:".to_owned(), DEDENTED.to_owned())]
    );
    // Deleted again, character by character: the last deletion repairs the file, and
    // the result equals a whole parse.
    let parsed = keystroke(&mut text, parsed, line + 1, 1, "")
        .unwrap_or_else(|_| panic!("deleting on the line stays a region"));
    assert_eq!(problems_of(&text, &parsed).len(), 1);
    let parsed = keystroke(&mut text, parsed, line, 1, "")
        .unwrap_or_else(|_| panic!("the repair parses its region"));
    assert_eq!(text, logging_services(40));
    assert_repaired(&parsed, &text);
}

#[test]
fn a_sequence_item_or_value_typed_at_column_zero_is_blanked_with_its_block() {
    // `-` or `:` typed before the indentation of `options:` in `s20`: at column 0, a
    // `- ` item or a `: ` value cannot go on with `services`, which has its value.
    for typed in ["-", ":"] {
        let original = logging_services(40);
        let mut text = original.clone();
        let s20 = text.find("  s20:").expect("s20");
        let line = s20 + text[s20..].find("      options:").expect("options");
        let parsed = keystroke(&mut text, parse(&original), line, 0, typed)
            .unwrap_or_else(|_| panic!("{typed}: the line and its block are parsed as a region"));
        assert_eq!(
            problems_of(&text, &parsed),
            [(format!("{typed}      options:"), DEDENTED.to_owned())]
        );
        assert_whole_text_has_a_syntax_error(&text);
        let doc = parsed.stream.first_document().expect("a document");
        let root = doc.root.expect("content");
        let services = doc.get(root, "services").expect("services");
        assert!(doc.get(services, "s39").is_some());
        assert!(doc.get(root, "volumes").is_some());
        assert_undone(&mut text, parsed, (line, 1, ""), &original);
    }
    // After a sequence at column 0, a `- ` line at column 0 is its next item: valid
    // YAML, and not reported.
    let original = "x:\n- a: 1\n  b: 2\nz: 1\n";
    let mut text = original.to_owned();
    let at = text.find("  b: 2").expect("b");
    if let Ok(parsed) = keystroke(&mut text, parse(original), at, 0, "-") {
        assert!(parsed.problems.iter().all(|p| p.message != DEDENTED));
    }
    assert!(parse(&text).problems.is_empty(), "{text:?} is valid YAML");
}

#[test]
fn a_blanked_block_with_characters_of_several_bytes_keeps_every_offset() {
    // The line's block holds `é` and `😀`: blanked byte by byte, so the ranges after it
    // still point at the same text.
    let original = logging_services(10).replace("max-size: 10m", "label: \"café 😀\"");
    let mut text = original.clone();
    let s5 = text.find("  s5:").expect("s5");
    let line = s5 + text[s5..].find("      options:").expect("options");
    let parsed = keystroke(&mut text, parse(&original), line, 0, "t")
        .unwrap_or_else(|_| panic!("the line and its block are parsed as a region"));
    assert_eq!(
        problems_of(&text, &parsed),
        [("t      options:".to_owned(), DEDENTED.to_owned())]
    );
    let doc = parsed.stream.first_document().expect("a document");
    let root = doc.root.expect("content");
    let services = doc.get(root, "services").expect("services");
    let s9 = doc.get(services, "s9").expect("s9");
    let image = doc.get(s9, "image").expect("image");
    assert_eq!(&text[doc.range(image).as_range()], "app:1");
    let parsed = keystroke(&mut text, parsed, line, 1, "")
        .unwrap_or_else(|_| panic!("the repair parses its region"));
    assert_eq!(text, original);
    assert_repaired(&parsed, &text);
}

#[test]
fn a_line_break_typed_inside_a_key_blanks_both_halves_and_the_file_goes_on() {
    let original = logging_services(40);
    let mut text = original.clone();
    let s20 = text.find("  s20:").expect("s20");
    let at = s20 + text[s20..].find("      options:").expect("options") + "      opt".len();
    let parsed = keystroke(&mut text, parse(&original), at, 0, "\n")
        .unwrap_or_else(|_| panic!("the broken line is parsed as a region"));
    assert_eq!(
        problems_of(&text, &parsed),
        [("ions:".to_owned(), DEDENTED.to_owned())]
    );
    assert_eq!(
        &text[parsed.skipped[0].as_range()],
        "      opt\nions:\n        max-size: 10m\n"
    );
    assert_whole_text_has_a_syntax_error(&text);
    // The line break deleted again: clean, and equal to a whole parse.
    let parsed = keystroke(&mut text, parsed, at, 1, "")
        .unwrap_or_else(|_| panic!("the repair parses its region"));
    assert_eq!(text, original);
    assert_repaired(&parsed, &text);
}

#[test]
fn a_line_at_column_zero_is_not_reported_without_proof_of_an_error() {
    // In the last service, `options:` at column 0 with its block is a valid top-level
    // key: nothing after it is mis-indented, so the text parses, and nothing is
    // reported as a dedented line.
    let original = "services:\n  web:\n    image: app:1\n    options:\n      max-size: 10m\n";
    let mut text = original.to_owned();
    let at = text.find("    options:").expect("options");
    let result = keystroke(&mut text, parse(original), at, 0, "t");
    if let Ok(parsed) = &result {
        assert!(
            parsed.problems.iter().all(|p| p.message != DEDENTED),
            "{:?}",
            parsed.problems
        );
    }
    assert!(parse(&text).problems.is_empty(), "the text is valid YAML");
    // A quote the lines leave open could be closed later: no proof either.
    let original = "services:\n  web:\n    image: app:1\n    command: x\n  db:\n    image: db:1\n";
    let mut text = original.to_owned();
    let at = text.find("    command:").expect("command");
    if let Ok(parsed) = keystroke(&mut text, parse(original), at, 0, "\"") {
        assert!(parsed.problems.iter().all(|p| p.message != DEDENTED));
    }
}

#[test]
fn every_line_typed_at_column_zero_or_broken_reports_a_dedented_line_only_on_broken_yaml() {
    // Every fixture and example, every line: a letter typed at column 0, and a line
    // break typed after each line's first character of content. Whenever the result
    // reports a dedented line, a whole parse must find an error too; deleting the
    // typed character again must give the whole parse's result.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    let mut stack = vec![root.join("tests/fixtures"), root.join("examples")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a fixture folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 50, "the fixtures are found");
    let mut reported = 0;
    for path in &files {
        let Ok(original) = std::fs::read_to_string(path) else {
            continue;
        };
        let parsed = parse(&original);
        if !parsed.problems.is_empty() {
            continue;
        }
        let expected = format!("{:?}", parsed.stream);
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(original.match_indices('\n').map(|(at, _)| at + 1))
            .filter(|&at| at < original.len())
            .collect();
        for &line in &line_starts {
            let content = line + original[line..].bytes().take_while(|&b| b == b' ').count();
            let line_end = original[line..]
                .find('\n')
                .map_or(original.len(), |at| line + at);
            let middle = content + (line_end.saturating_sub(content)) / 2;
            let edits = [
                (line, "x"),
                (line, "-"),
                (line, ":"),
                (content + 1, "\n"),
                (middle.max(content + 1), "\n"),
            ];
            for (at, insert) in edits {
                if at > original.len() || !original.is_char_boundary(at) {
                    continue;
                }
                let mut text = original.clone();
                let Ok(parsed) = keystroke(&mut text, parse(&original), at, 0, insert) else {
                    continue;
                };
                if parsed.problems.iter().any(|p| p.message == DEDENTED) {
                    reported += 1;
                    assert!(
                        parse(&text)
                            .problems
                            .iter()
                            .any(|p| p.kind == ProblemKind::Syntax),
                        "{}: {insert:?} at {at} reported a dedented line in valid YAML",
                        path.display()
                    );
                }
                let Ok(undone) = keystroke(&mut text, parsed, at, insert.len(), "") else {
                    continue;
                };
                if undone.problems.is_empty() {
                    assert_eq!(
                        format!("{:?}", undone.stream),
                        expected,
                        "{}: undoing {insert:?} at {at}",
                        path.display()
                    );
                }
            }
        }
    }
    assert!(reported > 100, "the path is exercised ({reported} reports)");
}

/// Every line start of `text` at which a split parse is taken; each one is compared
/// with a whole parse by `parse_split_at` itself in debug builds, and again here.
fn splits_equal_to_a_whole_parse(text: &str) -> usize {
    let whole = parse(text);
    let expected = format!("{:?}", whole.stream);
    let mut taken = 0;
    for (at, _) in text.match_indices('\n') {
        if let Some(split) = ddia::syntax::parse_split_at(text, at + 1) {
            taken += 1;
            assert_eq!(
                format!("{:?}", split.stream),
                expected,
                "split at {}",
                at + 1
            );
            assert_eq!(split.problems, whole.problems);
            assert!(split.problems.is_empty());
        }
    }
    taken
}

#[test]
fn a_text_split_at_any_line_parses_as_a_whole_or_not_at_all() {
    // Every fixture and example, split at every line.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut stack = vec![root.join("tests/fixtures"), root.join("examples")];
    let (mut files, mut taken) = (0, 0);
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a fixture folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                files += 1;
                taken += splits_equal_to_a_whole_parse(&text);
            }
        }
    }
    assert!(files > 50, "the fixtures are found");
    assert!(taken > 500, "splits are taken ({taken})");
}

#[test]
fn splits_keep_anchors_comments_and_what_follows_and_refuse_what_they_cannot_prove() {
    // Aliases in the part name anchors before it; comments, a later top-level key and
    // a later document follow it.
    let text = "x-defaults: &defaults\n  restart: always\nservices:\n  a:\n    <<: *defaults\n    image: a:1 # pinned\n  b:\n    <<: *defaults\n    image: b:1\n\n# the last one\n  c:\n    image: *defaults\nvolumes:\n  data: {}\n---\nkind: ConfigMap\n";
    assert!(splits_equal_to_a_whole_parse(text) >= 2);
    let b = text.find("  b:").expect("b");
    let split = ddia::syntax::parse_split_at(text, b).expect("b and c are entries of services");
    let doc = split.stream.first_document().expect("a document");
    let services = doc
        .get(doc.root.expect("content"), "services")
        .expect("services");
    assert!(doc.get(services, "c").is_some());
    // Refused: a key of the part repeats one before it; an anchor in the part; a syntax
    // error in either part; a quote that the part closes; a split inside a block scalar.
    let refused = [
        (
            "services:\n  a:\n    image: x\n  a:\n    image: y\n",
            "  a:\n    image: y",
        ),
        (
            "services:\n  a:\n    image: x\n  b: &b\n    image: y\n",
            "  b:",
        ),
        (
            "services:\n  a:\n    image: [x\n  b:\n    image: y\n",
            "  b:",
        ),
        (
            "services:\n  a:\n    image: x\n  b:\n    image: [y\n",
            "  b:",
        ),
        ("services:\n  a:\n    command: \"x\n  b: y\"\n", "  b:"),
        (
            "services:\n  a:\n    command: |\n      x\n      b: y\n",
            "      b:",
        ),
    ];
    for (text, at) in refused {
        let at = text.find(at).expect("the split line");
        assert!(
            ddia::syntax::parse_split_at(text, at).is_none(),
            "{text:?} split at {at}"
        );
    }
}

#[test]
fn a_large_text_is_parsed_in_two_parts_equal_to_a_whole_parse() {
    let mut text = String::from("name: big\nservices:\n");
    let mut index = 0;
    while text.len() < ddia::syntax::SPLIT_MIN_BYTES + 1024 {
        text.push_str(&format!(
            "  svc-{index}:\n    image: registry.example.com/app:{index}\n    environment:\n      LEVEL: info\n    depends_on:\n      - db\n"
        ));
        index += 1;
    }
    text.push_str("volumes:\n  data: {}\n");
    let split = ddia::syntax::parse_split(&text).expect("a split near the middle is taken");
    let whole = parse(&text);
    assert_eq!(format!("{:?}", split.stream), format!("{:?}", whole.stream));
    assert_eq!(split.problems, whole.problems);
}

/// Types `5` into the image tag of service `s12` (`app:1` becomes `app:15`), returning
/// the edit.
fn type_in_s12_image(text: &mut String) -> ddia::syntax::TextEdit {
    let at = text.find("  s12:\n    image: app:1").expect("s12") + "  s12:\n    image: app:1".len();
    text.insert(at, '5');
    ddia::syntax::TextEdit {
        start: at,
        old_end: at,
        new_len: 1,
    }
}

#[test]
fn edits_in_one_top_level_entry_keep_the_syntax_errors_of_others() {
    // A syntax error in a top-level entry before `services` and one after it.
    let original = format!(
        "x-notes:\n  a: 1\n    b: 2\n{}networks:\n  front: {{}}\n    extra: 1\n",
        logging_services(30)
    );
    let parsed = parse(&original);
    assert!(
        parsed.problems.len() >= 2,
        "two syntax errors: {:?}",
        parsed.problems
    );
    let problem_texts = |text: &str, parsed: &ddia::syntax::Parse| problems_of(text, parsed);
    let before = problem_texts(&original, &parsed);
    // Typing inside a value of a service: no parse, the errors stay where they were.
    let mut text = original.clone();
    let edit = type_in_s12_image(&mut text);
    let parsed = reparse_scalar_edit(parsed, &text, edit)
        .unwrap_or_else(|_| panic!("a value edit in services is applied in place"));
    assert_eq!(problem_texts(&text, &parsed), before);
    assert_whole_text_has_a_syntax_error(&text);
    // A structural edit in a service: its region is parsed, the errors stay.
    let line = text.find("  s20:\n").expect("s20") + "  s20:\n".len();
    let parsed = keystroke(&mut text, parsed, line, 0, "    restart: always\n")
        .unwrap_or_else(|_| panic!("a new key in s20 is parsed as a region"));
    assert_eq!(problem_texts(&text, &parsed), before);
    let doc = parsed.stream.first_document().expect("a document");
    let services = doc
        .get(doc.root.expect("content"), "services")
        .expect("services");
    let s20 = doc.get(services, "s20").expect("s20");
    assert!(doc.get(s20, "restart").is_some());
    assert_whole_text_has_a_syntax_error(&text);
    // An error in the same top-level entry as the edit: not applied in place (a region
    // that holds the error may still be parsed).
    let broken = logging_services(30).replace(
        "  s3:\n    image: app:1",
        "  s3:\n    image: app:1\n      extra: 1",
    );
    let parsed = parse(&broken);
    assert!(!parsed.problems.is_empty());
    let mut text = broken.clone();
    let edit = type_in_s12_image(&mut text);
    assert!(
        reparse_scalar_edit(parsed, &text, edit).is_err(),
        "an edit in the entry of an error is not applied in place"
    );
}

#[test]
fn a_merge_key_line_one_space_short_is_blamed_without_its_service_key() {
    // Services that merge shared defaults; a space deleted before `<<:` in the first
    // (no entry above it to parse the region with).
    // Parsed alone, such a service's lines make tree-sitter put its key line in the
    // error; the key line was read cleanly before and the edit is below it, so the
    // lines below it are blamed instead, and the region reads as entries.
    // Over 256 KiB of services: `services` is too large a region, so only the service's
    // own region can spare a whole parse.
    let original = repeated(
        "x-defaults: &defaults\n  restart: always\nservices:\n",
        3000,
        |index| {
            format!(
                "  s{index}:\n    <<: *defaults\n    image: app:{index}\n    container_name: s{index}\n    ports:\n      - \"80{index:02}:80\"\n"
            )
        },
    );
    let mut text = original.clone();
    let line = text.find("  s0:\n").expect("s0") + "  s0:\n".len();
    let parsed = keystroke(&mut text, parse(&original), line, 1, "")
        .unwrap_or_else(|_| panic!("the service's region is parsed alone"));
    // One error, after the service's key line.
    assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
    assert!(parsed.problems[0].range.start >= line);
    assert!(parsed.skipped.iter().all(|range| range.start >= line));
    assert_whole_text_has_a_syntax_error(&text);
    let doc = parsed.stream.first_document().expect("a document");
    let services = doc
        .get(doc.root.expect("content"), "services")
        .expect("services");
    assert!(doc.get(services, "s0").is_some(), "the service's key stays");
    assert!(doc.get(services, "s2999").is_some());
    // The space typed again: clean, and equal to a whole parse.
    assert_undone(&mut text, parsed, (line, 0, " "), &original);
}

#[test]
fn a_line_break_typed_inside_a_quoted_or_plain_value_blanks_both_halves() {
    for (value, rest) in [
        ("\"registry/app:1\"", "app:1\""),
        ("registry/app:1", "app:1"),
    ] {
        let original = logging_services(40).replace("image: app:1", &format!("image: {value}"));
        let mut text = original.clone();
        let s20 = text.find("  s20:").expect("s20");
        let at = s20 + text[s20..].find("registry/").expect("image") + "registry/".len();
        let parsed = keystroke(&mut text, parse(&original), at, 0, "\n")
            .unwrap_or_else(|_| panic!("{value}: the broken value is parsed as a region"));
        assert_eq!(
            problems_of(&text, &parsed),
            [(rest.to_owned(), DEDENTED.to_owned())]
        );
        assert_eq!(
            &text[parsed.skipped[0].as_range()],
            format!(
                "    image: {}\n{rest}\n",
                &value[..value.find("app").expect("app")]
            )
        );
        assert_whole_text_has_a_syntax_error(&text);
        let doc = parsed.stream.first_document().expect("a document");
        let services = doc
            .get(doc.root.expect("content"), "services")
            .expect("services");
        let s20 = doc.get(services, "s20").expect("s20");
        assert!(doc.get(s20, "image").is_none(), "the broken key is blanked");
        assert!(doc.get(s20, "logging").is_some());
        assert!(doc.get(services, "s39").is_some());
        assert_undone(&mut text, parsed, (at, 1, ""), &original);
    }
}
