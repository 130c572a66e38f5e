//! The syntax layer: tree-sitter parsing with recovery, lowered to a spanned YAML view.
//!
//! Parsing never fails. [`parse`] always returns a [`Parse`]: the concrete syntax tree,
//! the YAML documents that could be read, and the problems found on the way (syntax
//! errors, duplicate keys, unknown aliases, limits hit).

mod lower;
mod recovery;
pub mod scalar;
pub mod yaml;

use crate::text::TextRange;
pub use yaml::{
    Comment, Entry, Node, NodeId, NodeKind, Scalar, ScalarStyle, ScalarValue, YamlDocument,
    YamlStream,
};

/// The deepest nesting of collections that the syntax layer reads; deeper content is
/// reported once and skipped. The patched scanner itself carries at most
/// [`ddia_yaml_grammar::MAX_BLOCK_NESTING`] block levels.
pub const MAX_NESTING_DEPTH: usize = 128;

/// The most nodes that aliases and merge keys may make a document stand for before
/// ddia stops following them (an alias bomb is reported, never expanded).
pub const MAX_ALIAS_EXPANSION: u64 = 1_000_000;

/// What kind of problem the syntax layer found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// The text is not valid YAML (including an alias to an unknown anchor).
    Syntax,
    /// A mapping has the same key twice.
    DuplicateKey,
    /// A safety limit was reached (nesting depth, alias expansion).
    Limit,
}

/// A problem found while parsing, with its range and a message for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxProblem {
    pub kind: ProblemKind,
    pub range: TextRange,
    pub message: String,
    /// Another place that explains the problem (the first of two duplicate keys).
    pub related: Option<(TextRange, String)>,
}

/// The result of parsing one text.
pub struct Parse {
    /// The tree of the text that was finally parsed: the input with the lines of
    /// unrecoverable syntax errors blanked out (same length, same offsets).
    pub tree: tree_sitter::Tree,
    pub stream: YamlStream,
    pub problems: Vec<SyntaxProblem>,
    /// The tree to edit and pass to [`parse_incremental`] for the next version of the
    /// text (`None` when the first parse was not of the text as given).
    pub reusable: Option<tree_sitter::Tree>,
}

impl std::fmt::Debug for Parse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parse")
            .field("stream", &self.stream)
            .field("problems", &self.problems)
            .finish_non_exhaustive()
    }
}

/// Parses YAML text. Never fails and never panics on any input.
pub fn parse(text: &str) -> Parse {
    parse_incremental(text, None)
}

/// Parses YAML text reusing `previous`, the [`Parse::reusable`] tree of an earlier
/// version already updated with `Tree::edit` for every change since. The result is the
/// same as [`parse`]'s; only the work differs.
pub fn parse_incremental(text: &str, previous: Option<&tree_sitter::Tree>) -> Parse {
    // The YAML scanner counts a lone `\r` as a line break but tree-sitter does not, so
    // a reused tree can disagree with a fresh parse after one (found by fuzzing). Such
    // files (classic Mac line endings) are rare: they are always parsed afresh.
    let previous = previous.filter(|_| !has_lone_carriage_return(text));
    let recovered = recovery::parse_with_recovery(text, previous);
    let mut problems = recovered.problems;
    let (stream, lower_problems) = lower::lower(&recovered.tree, &recovered.text);
    problems.extend(lower_problems);
    problems.sort_by_key(|problem| (problem.range.start, problem.range.end));
    problems.dedup();
    Parse {
        tree: recovered.tree,
        stream,
        problems,
        reusable: recovered.reusable,
    }
}

/// Whether `text` has a `\r` that does not start a `\r\n` pair.
fn has_lone_carriage_return(text: &str) -> bool {
    text.match_indices('\r')
        .any(|(at, _)| text.as_bytes().get(at + 1) != Some(&b'\n'))
}

/// The tree-sitter point (row, byte column) of a byte offset: rows end at `\n` only,
/// as tree-sitter counts them.
pub fn ts_point(text: &str, offset: usize) -> tree_sitter::Point {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let row = memchr::memchr_iter(b'\n', before).count();
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    tree_sitter::Point::new(row, offset - line_start)
}

/// Tells `tree` that `text[start..old_end]` is being replaced by `new_text`; call it
/// with the text as it is before the replacement.
pub fn edit_tree(
    tree: &mut tree_sitter::Tree,
    text: &str,
    start: usize,
    old_end: usize,
    new_text: &str,
) {
    let start_position = ts_point(text, start);
    // The replaced bytes are counted from the start, not from the top of the file.
    let replaced = &text.as_bytes()[start.min(text.len())..old_end.clamp(start, text.len())];
    let old_end_position = match memchr::memrchr(b'\n', replaced) {
        Some(last) => tree_sitter::Point::new(
            start_position.row + memchr::memchr_iter(b'\n', replaced).count(),
            replaced.len() - last - 1,
        ),
        None => tree_sitter::Point::new(start_position.row, start_position.column + replaced.len()),
    };
    debug_assert_eq!(old_end_position, ts_point(text, old_end.max(start)));
    let rows = new_text.bytes().filter(|&b| b == b'\n').count();
    let new_end_position = match new_text.rfind('\n') {
        Some(last) => tree_sitter::Point::new(start_position.row + rows, new_text.len() - last - 1),
        None => tree_sitter::Point::new(start_position.row, start_position.column + new_text.len()),
    };
    tree.edit(&tree_sitter::InputEdit {
        start_byte: start,
        old_end_byte: old_end,
        new_end_byte: start + new_text.len(),
        start_position,
        old_end_position,
        new_end_position,
    });
}

/// A tree-sitter parser for the patched YAML grammar.
pub(crate) fn new_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&ddia_yaml_grammar::LANGUAGE.into())
        .expect("the patched grammar is built against the linked tree-sitter ABI");
    parser
}

pub use crate::text::TextEdit;

/// Updates `previous`, the parse of the text before `edit`, to the parse of `text`
/// without parsing, when the edit only changes the inside of one single-line plain
/// scalar value (most keystrokes: typing in a value). The scalar is decoded and typed
/// again and every range after the edit moves; the result equals [`parse`]`(text)`.
/// Any other edit gives `previous` back unchanged, for a real parse.
pub fn reparse_scalar_edit(
    mut previous: Parse,
    text: &str,
    edit: TextEdit,
) -> Result<Parse, Parse> {
    let Some((document, node, start_position)) = edited_scalar(&previous, text, edit) else {
        return Err(previous);
    };
    // A range that holds the edit (the scalar and what contains it) grows or shrinks
    // at its end; a range after the edit moves.
    let move_range = |range: &mut TextRange| *range = edit.move_range(*range);
    for doc in &mut previous.stream.documents {
        move_range(&mut doc.range);
        // Nodes that end before the edit stay where they are.
        let from = doc.first_ending_at_or_after(edit.start);
        for each in &mut doc.nodes[from..] {
            move_range(&mut each.range);
        }
    }
    for comment in &mut previous.stream.comments {
        move_range(&mut comment.range);
    }
    let scalar_node = &mut previous.stream.documents[document].nodes[node];
    // The scalar starts before the edit, so only its end moved.
    scalar_node.kind = yaml::NodeKind::Scalar(scalar::plain(&text[scalar_node.range.as_range()]));
    let input_edit = tree_sitter::InputEdit {
        start_byte: edit.start,
        old_end_byte: edit.old_end,
        new_end_byte: edit.start + edit.new_len,
        start_position,
        old_end_position: tree_sitter::Point::new(
            start_position.row,
            start_position.column + (edit.old_end - edit.start),
        ),
        new_end_position: tree_sitter::Point::new(
            start_position.row,
            start_position.column + edit.new_len,
        ),
    };
    previous.tree.edit(&input_edit);
    if let Some(reusable) = &mut previous.reusable {
        reusable.edit(&input_edit);
    }
    Ok(previous)
}

/// The (document, node) index of the plain scalar value that contains `edit` entirely,
/// if the edit keeps it one valid single-line plain scalar and changes nothing else,
/// and the edit's start as a tree-sitter point (read from the old tree: the text
/// before the edit did not change).
fn edited_scalar(
    previous: &Parse,
    text: &str,
    edit: TextEdit,
) -> Option<(usize, usize, tree_sitter::Point)> {
    if !previous.problems.is_empty() || edit.start > edit.old_end {
        return None;
    }
    let delta = edit.new_len as isize - (edit.old_end - edit.start) as isize;
    for (d, doc) in previous.stream.documents.iter().enumerate() {
        if !(doc.range.start <= edit.start && edit.old_end <= doc.range.end) {
            continue;
        }
        let holds_edit = |node: &yaml::Node| {
            matches!(&node.kind, yaml::NodeKind::Scalar(s) if s.style == yaml::ScalarStyle::Plain)
                && node.range.start <= edit.start
                && edit.old_end <= node.range.end
                && !node.range.is_empty()
        };
        // Nodes that end before the edit cannot hold it.
        let from = doc.first_ending_at_or_after(edit.start);
        let found = from + doc.nodes[from..].iter().position(holds_edit)?;
        debug_assert_eq!(Some(found), doc.nodes.iter().position(holds_edit));
        let node = &doc.nodes[found];
        if node.tag.is_some() {
            return None;
        }
        // The scalar was on one line (the tree still describes the old text).
        let old_node = previous
            .tree
            .root_node()
            .descendant_for_byte_range(node.range.start, node.range.end)?;
        if old_node.start_position().row != old_node.end_position().row {
            return None;
        }
        // A key's text decides duplicates and merges: only values take the fast path.
        let is_key = is_mapping_key(old_node);
        // Every key of the YAML view is a key in the tree (the tree also counts merge
        // keys, `<<`, which the view replaces by the entries they merge).
        debug_assert!(
            is_key
                || !doc.nodes.iter().any(|each| match &each.kind {
                    yaml::NodeKind::Mapping(entries) =>
                        entries.iter().any(|e| e.key.0 as usize == found),
                    _ => false,
                }),
            "the YAML view has a key that the tree does not"
        );
        if is_key {
            return None;
        }
        let end = node.range.end.checked_add_signed(delta)?;
        let source = text.get(node.range.start..end)?;
        // The scalar is on one line: the edit's column counts from the node's.
        let start = old_node.start_position();
        let point = tree_sitter::Point::new(
            start.row,
            start.column + edit.start.checked_sub(old_node.start_byte())?,
        );
        debug_assert_eq!(point, ts_point(text, edit.start));
        return is_simple_plain_scalar(source).then_some((d, found, point));
    }
    None
}

/// Whether a scalar's syntax node is a mapping key: the key of its nearest pair, or
/// an entry of a flow mapping written without a value (`{a, b}`). Looks only at the
/// node's ancestors, not at the whole document.
fn is_mapping_key(scalar: tree_sitter::Node<'_>) -> bool {
    let (start, end) = (scalar.start_byte(), scalar.end_byte());
    let mut child = scalar;
    while let Some(parent) = child.parent() {
        match parent.kind() {
            "block_mapping_pair" | "flow_pair" => {
                return parent
                    .child_by_field_name("key")
                    .is_some_and(|key| key.start_byte() <= start && end <= key.end_byte());
            }
            "flow_mapping" => return child.kind() == "flow_node",
            "block_sequence_item" | "flow_sequence" | "document" | "stream" => return false,
            _ => child = parent,
        }
    }
    false
}

/// Whether `source` reads as one plain scalar on one line in any context: it starts
/// with a letter, a digit or one of `._/~$(`, holds no indicator that could end it or
/// open a structure (`#`, `,`, brackets, braces, quotes, tabs), no `: ` and no ` #`,
/// and does not end with a space or a colon.
fn is_simple_plain_scalar(source: &str) -> bool {
    let Some(first) = source.chars().next() else {
        return false;
    };
    if !(first.is_alphanumeric() || "._/~$(".contains(first)) {
        return false;
    }
    if source.ends_with([' ', ':']) {
        return false;
    }
    if source.contains([
        '#', ',', '[', ']', '{', '}', '"', '\'', '\t', '\n', '\r', '\u{feff}',
    ]) || source.contains(": ")
    {
        return false;
    }
    // Control characters are reported as problems by a real parse.
    !source.chars().any(|c| c.is_control())
}
