//! Fuzz target: arbitrary edit sequences applied the way the language server applies
//! them (text and syntax tree together), each followed by an incremental reparse that
//! must equal a fresh parse of the same text.

#![no_main]

use ddia::syntax::{edit_tree, parse, parse_incremental};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut text = String::from(
        "ddia: 1\ndatastores:\n  a:\n    replication: {mode: leaderless, replicas: 3}\n",
    );
    let mut tree = parse(&text).reusable;
    // Each edit: two bytes of position, one of length, then inserted text up to `;`.
    let mut rest = data;
    let mut edits = 0;
    while rest.len() >= 3 && edits < 64 {
        edits += 1;
        let position = usize::from(u16::from_le_bytes([rest[0], rest[1]]));
        let removed = usize::from(rest[2] % 16);
        rest = &rest[3..];
        let end_of_insert = rest
            .iter()
            .position(|&b| b == b';')
            .unwrap_or(rest.len())
            .min(32);
        let insert = String::from_utf8_lossy(&rest[..end_of_insert]).into_owned();
        rest = &rest[(end_of_insert + 1).min(rest.len())..];
        let mut start = position % (text.len() + 1);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + removed).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(tree) = tree.as_mut() {
            edit_tree(tree, &text, start, end, &insert);
        }
        text.replace_range(start..end, &insert);
        let incremental = parse_incremental(&text, tree.as_ref());
        let fresh = parse(&text);
        assert_eq!(incremental.problems, fresh.problems);
        assert_eq!(
            incremental.stream.documents.len(),
            fresh.stream.documents.len()
        );
        tree = incremental.reusable.or(fresh.reusable);
    }
});
