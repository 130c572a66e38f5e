//! The syntax layer: tree-sitter parsing with recovery, lowered to a spanned YAML view.
//!
//! Parsing never fails. [`parse`] always returns a [`Parse`]: the concrete syntax tree,
//! the YAML documents that could be read, and the problems found on the way (syntax
//! errors, duplicate keys, unknown aliases, limits hit).

mod lower;
mod recovery;
mod region;
pub mod scalar;
mod split;
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

/// The most memory, in bytes, that [`estimated_parse_memory`] may predict for a text
/// before it is parsed. A text above it is not parsed at all: with the analysis on top,
/// parsing it would take more than a gibibyte.
pub const MAX_PARSE_MEMORY: usize = 768 << 20;

/// About how many bytes parsing `text` takes at its peak: tree-sitter's tree and the
/// YAML view cost about 600 bytes for each token (a run of characters that are neither
/// blank nor a flow indicator, or one of `[]{},`) and about 64 for each byte (measured
/// on flow lists of one-character numbers, block lists, deep nesting, Compose files and
/// CRDs; see BENCHMARKS.md). One pass over the bytes, no allocation.
pub fn estimated_parse_memory(text: &str) -> usize {
    let mut tokens = 0usize;
    let mut in_run = false;
    for &byte in text.as_bytes() {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' => in_run = false,
            b'[' | b']' | b'{' | b'}' | b',' => {
                tokens += 1;
                in_run = false;
            }
            _ => {
                tokens += usize::from(!in_run);
                in_run = true;
            }
        }
    }
    tokens
        .saturating_mul(600)
        .saturating_add(text.len().saturating_mul(64))
}

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

impl SyntaxProblem {
    /// The problem with its range, and its related place's, mapped by `map` (moved by
    /// an edit, or placed in a larger text).
    pub fn map_ranges(self, map: impl Fn(TextRange) -> TextRange) -> Self {
        SyntaxProblem {
            range: map(self.range),
            related: self.related.map(|(range, message)| (map(range), message)),
            ..self
        }
    }
}

/// The result of parsing one text.
pub struct Parse {
    pub stream: YamlStream,
    pub problems: Vec<SyntaxProblem>,
    /// The lines that error recovery blanked out (see [`SyntaxProblem`]s for why).
    pub skipped: Vec<TextRange>,
    /// The tree to edit and pass to [`parse_incremental`] for the next version of the
    /// text (`None` when the first parse was not of the text as given, or when the
    /// parse was updated by [`reparse_edit`] without a whole tree).
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
        stream,
        problems,
        skipped: recovered.skipped,
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
pub use region::reparse_region_edit;
pub use split::{SPLIT_MIN_BYTES, parse_split, parse_split_at};

/// Updates `previous`, the parse of the text before `edit`, to a parse of `text`
/// without parsing the whole text: in place for an edit inside a value
/// ([`reparse_scalar_edit`]); for a line the edit left at column 0 inside a nested
/// block, by blanking it and its block and parsing the entries around them
/// ([`region::reparse_dedented_line`]); else by parsing the block-mapping entries
/// around the edit alone ([`reparse_region_edit`]). Gives `previous` back when none
/// applies.
pub fn reparse_edit(previous: Parse, text: &str, edit: TextEdit) -> Result<Parse, Parse> {
    reparse_scalar_edit(previous, text, edit)
        .or_else(|previous| region::reparse_dedented_line(previous, text, edit))
        .or_else(|previous| reparse_region_edit(previous, text, edit))
}

/// Updates `previous`, the parse of the text before `edit`, to the parse of `text`
/// without parsing, when the edit only changes the inside of one single-line plain
/// scalar value (most keystrokes: typing in a value). The scalar is decoded and typed
/// again and every range after the edit moves; the result equals [`parse`]`(text)`,
/// or both have a syntax error (one in another top-level entry, kept).
/// Any other edit gives `previous` back unchanged, for a real parse.
pub fn reparse_scalar_edit(
    mut previous: Parse,
    text: &str,
    edit: TextEdit,
) -> Result<Parse, Parse> {
    let Some((document, node)) = edited_scalar(&previous, text, edit) else {
        return Err(previous);
    };
    // The reusable tree follows the edit when the scalar was on one line; otherwise
    // it is dropped (the next real parse starts afresh).
    let old_range = previous.stream.documents[document].nodes[node].range;
    match previous
        .reusable
        .as_ref()
        .and_then(|tree| single_line_input_edit(tree, old_range, edit))
    {
        Some(input_edit) => {
            debug_assert_eq!(input_edit.start_position, ts_point(text, edit.start));
            if let Some(reusable) = &mut previous.reusable {
                reusable.edit(&input_edit);
            }
        }
        None => previous.reusable = None,
    }
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
    // Problems elsewhere (see `edited_scalar`) stay, moved.
    previous.problems = std::mem::take(&mut previous.problems)
        .into_iter()
        .map(|problem| problem.map_ranges(|range| edit.move_range(range)))
        .collect();
    for skipped in &mut previous.skipped {
        move_range(skipped);
    }
    let scalar_node = &mut previous.stream.documents[document].nodes[node];
    // The scalar starts before the edit, so only its end moved.
    let mut decoded = scalar::plain(&text[scalar_node.range.as_range()]);
    scalar::apply_tag(&mut decoded, scalar_node.tag.as_deref());
    scalar_node.kind = yaml::NodeKind::Scalar(decoded);
    Ok(previous)
}

/// The tree-sitter edit of a change inside the scalar at `range`, if that scalar is on
/// one line of `tree` (its row is read from the tree: the text before the edit did
/// not change).
fn single_line_input_edit(
    tree: &tree_sitter::Tree,
    range: TextRange,
    edit: TextEdit,
) -> Option<tree_sitter::InputEdit> {
    let old_node = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end)?;
    let start = old_node.start_position();
    if start.row != old_node.end_position().row {
        return None;
    }
    let start_position = tree_sitter::Point::new(
        start.row,
        start.column + edit.start.checked_sub(old_node.start_byte())?,
    );
    Some(tree_sitter::InputEdit {
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
    })
}

/// The (document, node) index of the plain scalar value that contains `edit` entirely,
/// if the edit keeps it one valid single-line plain scalar and changes nothing else.
fn edited_scalar(previous: &Parse, text: &str, edit: TextEdit) -> Option<(usize, usize)> {
    if edit.start > edit.old_end {
        return None;
    }
    // Syntax errors may stay only in other top-level entries that cannot reach this
    // one (the result has them too).
    if (!previous.problems.is_empty() || !previous.skipped.is_empty())
        && !region::problems_elsewhere(previous, text, edit, &|_| false)
    {
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
        // A key's text decides duplicates and merges: only values take the fast path.
        // A merge key (`<<`) is no entry of the YAML view, so it is told by its text.
        let is_merge_key =
            matches!(&node.kind, yaml::NodeKind::Scalar(scalar) if scalar.text == "<<");
        if node.tag.is_some() || is_merge_key || is_key(doc, found) {
            return None;
        }
        let end = node.range.end.checked_add_signed(delta)?;
        let source = text.get(node.range.start..end)?;
        return is_simple_plain_scalar(source).then_some((d, found));
    }
    None
}

/// Whether node `id` is a mapping key in the YAML view, found from the root down
/// (entries and items are in source order, so each step is a binary search). A node
/// the view does not reach from the root (inside the value of a merge key `<<`, which
/// is not an entry) counts as a key: its edits are never applied in place.
fn is_key(doc: &YamlDocument, id: usize) -> bool {
    let target = NodeId(id as u32);
    let range = doc.nodes[id].range;
    let holds = |node: NodeId| {
        let outer = doc.node(node).range;
        outer.start <= range.start && range.end <= outer.end
    };
    let Some(mut at) = doc.root else {
        return true;
    };
    // `Some(key?)` once the node is reached, `None` when the view does not reach it.
    let found = loop {
        if at == target {
            break Some(false);
        }
        match &doc.node(at).kind {
            NodeKind::Mapping(entries) => {
                let own = entries.partition_point(|entry| entry.merged_from.is_none());
                let before = entries[..own]
                    .partition_point(|entry| doc.node(entry.key).range.start <= range.start);
                let Some(entry) = before.checked_sub(1).map(|at| entries[at]) else {
                    break None;
                };
                if entry.key == target {
                    break Some(true);
                }
                at = match (holds(entry.value), holds(entry.key)) {
                    (true, _) => entry.value,
                    (false, true) => entry.key,
                    (false, false) => break None,
                };
            }
            NodeKind::Sequence(items) => {
                let before =
                    items.partition_point(|&item| doc.node(item).range.start <= range.start);
                match before.checked_sub(1).map(|at| items[at]) {
                    Some(item) if holds(item) => at = item,
                    _ => break None,
                }
            }
            _ => break None,
        }
    };
    if let Some(found) = found {
        debug_assert_eq!(
            found,
            is_key_by_parent(doc, id),
            "the two ways to tell a key disagree"
        );
    }
    found.unwrap_or(true)
}

/// [`is_key`] the slow way, for debug builds: nodes are stored children first, so the
/// collection that holds a node is the first one after it whose range contains it.
fn is_key_by_parent(doc: &YamlDocument, id: usize) -> bool {
    let range = doc.nodes[id].range;
    let parent = doc.nodes[id + 1..].iter().find(|node| {
        matches!(node.kind, NodeKind::Mapping(_) | NodeKind::Sequence(_))
            && node.range.start <= range.start
            && range.end <= node.range.end
    });
    match parent.map(|node| &node.kind) {
        Some(NodeKind::Mapping(entries)) => entries.iter().any(|entry| entry.key.0 as usize == id),
        _ => false,
    }
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
