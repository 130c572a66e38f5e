//! Tests that the patched scanner survives the inputs that break upstream 0.7.2.

use tree_sitter::{Parser, Tree};

fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&ddia_yaml_grammar::LANGUAGE.into())
        .expect("the patched grammar matches the tree-sitter ABI");
    parser
        .parse(text, None)
        .expect("no timeout or cancellation is set")
}

/// A Compose-like file of `lines` lines, mostly nested mappings.
fn long_compose_file(lines: usize) -> String {
    let mut text = String::from("services:\n");
    let mut index = 0;
    let mut count = 1;
    while count < lines {
        text.push_str(&format!(
            "  svc{index}:\n    image: postgres:16\n    environment:\n      POSTGRES_DB: db{index}\n    ports:\n      - \"127.0.0.1:{port}:5432\"\n",
            port = 10000 + index % 50000
        ));
        count += 6;
        index += 1;
    }
    text
}

#[test]
fn a_110k_line_file_parses_without_error() {
    let text = long_compose_file(110_000);
    assert!(text.lines().count() >= 110_000);
    let tree = parse(&text);
    let root = tree.root_node();
    assert!(!root.has_error(), "the 110k-line file must parse cleanly");
    assert_eq!(root.end_position().row, text.lines().count());
    // The last service is reachable at its true row (upstream wraps rows past 32,767).
    let last_line = text.lines().count() - 1;
    let node = root
        .descendant_for_point_range(
            tree_sitter::Point::new(last_line, 9),
            tree_sitter::Point::new(last_line, 10),
        )
        .expect("a node covers the last line");
    assert_eq!(node.start_position().row, last_line);
}

#[test]
fn deep_block_nesting_never_aborts() {
    for depth in [300, 10_000, 100_000] {
        let text = format!("{}x\n", "- ".repeat(depth));
        let tree = parse(&text);
        assert_eq!(tree.root_node().end_byte(), text.len(), "depth {depth}");
    }
}

#[test]
fn deep_indented_nesting_never_aborts() {
    for depth in [300, 2_000] {
        let mut text = String::new();
        for level in 0..depth {
            text.push_str(&" ".repeat(level));
            text.push_str("k:\n");
        }
        let tree = parse(&text);
        assert_eq!(tree.root_node().end_byte(), text.len(), "depth {depth}");
    }
}

#[test]
fn deep_flow_nesting_never_aborts() {
    for depth in [300, 10_000, 100_000] {
        let text = format!("{}{}\n", "[".repeat(depth), "]".repeat(depth));
        let tree = parse(&text);
        assert_eq!(tree.root_node().end_byte(), text.len(), "depth {depth}");
    }
}

#[test]
fn a_long_single_line_keeps_its_columns() {
    let text = format!("key: {}\nnext: 1\n", "v".repeat(70_000));
    let tree = parse(&text);
    assert!(!tree.root_node().has_error());
}
