//! Parses a large text on two threads: one block of mapping entries alone, and the
//! rest of the text without them, then splices the first into the second.
//!
//! Opening a 110k-line file spends most of its time in tree-sitter, which parses on one
//! thread. Here a line near the middle that starts a key of some block mapping `M` at
//! column `k` is chosen; the lines from it to the first line indented less than `k`
//! (`M`'s entries from there on: "the part") are parsed alone on a second thread, as
//! [`region`](super::region) parses the entries around an edit, while this thread
//! parses and lowers the rest of the text without them. The part is then lowered
//! after the nodes before it and spliced in as an edit that typed it in: its entries
//! are appended to `M`, and everything after it moves.
//!
//! Invariant: the result is used only when both parses have no problem, the part's
//! lines are `M`'s to take (M is open where they start, `M`'s keys are at their
//! column, no anchor or alias decides around them), and the lines alone read as
//! entries of one mapping at that column; then it equals a parse of the whole text
//! (debug builds compare the two, and a test splits every fixture at every line).
//! Otherwise the caller parses the whole text.

use super::region::{self, Plan};
use super::yaml::{NodeKind, YamlDocument};
use super::{Parse, TextEdit};

/// Texts at least this large are worth parsing in two parts (see
/// [`crate::analysis::AnalysisInput::parse_in_parts`]).
pub const SPLIT_MIN_BYTES: usize = 512 * 1024;

/// Parses `text` in two parts at once (see the module), at a line near the middle.
/// `None` when no line there can start the part parsed alone, or when the parts do
/// not prove to equal a whole parse: then parse the whole text.
pub fn parse_split(text: &str) -> Option<Parse> {
    // The part is only parsed on its thread, while this one parses and lowers the rest
    // and then lowers the part: it is best a little over half the text, from about
    // 43 % on when it runs to the end.
    let from = text.len() / 100 * 40;
    let split = split_point(text, from, text.len() / 100 * 60)?;
    parse_split_at(text, split)
}

/// Among the lines that start between `from` and `to`, the first of the least indented
/// ones that start a plain key (at most 32 columns deep) below a line with content
/// indented at least as deep: a later entry of a block mapping, if the parse agrees.
/// The least indented gives the largest part.
fn split_point(text: &str, from: usize, to: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut line = memchr::memchr(b'\n', bytes.get(from..)?).map(|at| from + at + 1)?;
    let mut above: Option<usize> = None;
    let mut best: Option<(usize, usize)> = None;
    while line < bytes.len() && line <= to {
        let spaces = bytes[line..].iter().take_while(|&&b| b == b' ').count();
        match bytes.get(line + spaces) {
            None | Some(b'\n' | b'\r' | b'#') => {}
            Some(&first) => {
                let key = first.is_ascii_alphanumeric() || first == b'_';
                if key
                    && spaces <= 32
                    && above.is_some_and(|above| above >= spaces)
                    && best.is_none_or(|(indent, _)| spaces < indent)
                {
                    best = Some((spaces, line));
                    if spaces == 0 {
                        break;
                    }
                }
                above = Some(spaces);
            }
        }
        let Some(next) = memchr::memchr(b'\n', &bytes[line..]).map(|at| line + at + 1) else {
            break;
        };
        line = next;
    }
    best.map(|(_, line)| line)
}

/// Parses `text` in two parts, the second starting at `split` (a line start), if they
/// prove to equal a whole parse (see the module); `None` otherwise.
pub fn parse_split_at(text: &str, split: usize) -> Option<Parse> {
    let bytes = text.as_bytes();
    if split == 0 || split >= text.len() || bytes[split - 1] != b'\n' {
        return None;
    }
    if super::has_lone_carriage_return(text) {
        return None;
    }
    let indent = bytes[split..].iter().take_while(|&&b| b == b' ').count();
    let first = bytes.get(split + indent).copied()?;
    if !(first.is_ascii_alphanumeric() || first == b'_') {
        return None;
    }
    let end = entries_end(bytes, split, indent);
    let source = &text[split..end];
    // Parts of top-level entries run to the end of the text: another document there
    // is not an entry.
    if indent == 0
        && ["\n---", "\n...", "\n%"]
            .iter()
            .any(|marker| memchr::memmem::find(source.as_bytes(), marker.as_bytes()).is_some())
    {
        return None;
    }
    let ends_text = end == text.len();
    // The rest of the text, without the part. When the part ends the text, a document
    // marker follows the rest: tree-sitter stretches the last nodes of a text to its
    // end, and the rest must not look like the end of the text.
    let mut rest_text = String::with_capacity(text.len() - source.len() + region::SENTINEL.len());
    rest_text.push_str(&text[..split]);
    rest_text.push_str(if ends_text {
        region::SENTINEL
    } else {
        &text[end..]
    });
    let (alone, mut rest) = std::thread::scope(|scope| {
        let alone = std::thread::Builder::new()
            .name("ddia-parse-part".to_owned())
            .spawn_scoped(scope, || region::parse_alone_tree(source, ends_text, None))
            .ok()?;
        let rest = super::parse(&rest_text);
        Some((alone.join().ok()?, rest))
    })?;
    drop(rest_text);
    // Freeing a tree of a million nodes takes tens of milliseconds: another thread
    // does it while this one lowers the part.
    let rest_tree = rest.reusable.take();
    if ends_text {
        // The marker's empty document.
        match rest.stream.documents.last() {
            Some(marker) if marker.nodes.is_empty() && marker.range.start >= split => {
                rest.stream.documents.pop();
            }
            _ => return None,
        }
    }
    if !rest.problems.is_empty() || !rest.skipped.is_empty() || !alone.problems.is_empty() {
        return None;
    }
    // The document that the part goes on with: the last one that starts before it.
    let document = rest
        .stream
        .documents
        .iter()
        .rposition(|doc| doc.range.start < split)?;
    let doc = &rest.stream.documents[document];
    let (ancestors, mapping) = open_mapping(doc, bytes, split, indent)?;
    // Nothing after the mapping but what holds it starts before the part.
    if region::next_outside(doc, mapping + 1, &ancestors)
        .is_some_and(|node| node.range.start < split)
        || !region::ancestors_admit_region(doc, &ancestors)
    {
        return None;
    }
    let prefix = region::prefix_before(doc, mapping);
    let (chunk, alone_tree) =
        region::lower_alone(alone, source, ends_text, ancestors.len() - 1, prefix);
    drop_elsewhere((rest_tree, alone_tree));
    if !chunk.problems.is_empty()
        || !chunk.skipped.is_empty()
        || !region::reads_as_entries(&chunk, source, indent, mapping)
    {
        return None;
    }
    // Merge keys stay within their limit, and the part's keys do not repeat the
    // mapping's.
    let NodeKind::Mapping(entries) = &doc.nodes[mapping].kind else {
        return None;
    };
    if !region::chunk_fits(doc, &chunk, mapping, entries.iter()) {
        return None;
    }
    // The part is inserted into the rest. When text follows it, the insertion is told
    // as one before the line break that ends the line above (the same string), so
    // what starts right after the part (a key at column 0) moves with it.
    let at = if ends_text { split } else { split - 1 };
    let count = entries.len();
    let plan = Plan {
        document,
        mapping,
        entries: count..count,
        ancestors,
        start: split,
        old_end: at,
        nodes: mapping..mapping,
        chunk,
    };
    let edit = TextEdit {
        start: at,
        old_end: at,
        new_len: end - split,
    };
    let parse = region::splice(rest, edit, plan);
    if cfg!(debug_assertions) && text.len() < 2 << 20 {
        let whole = super::parse(text);
        debug_assert_eq!(
            format!("{:?}", parse.stream),
            format!("{:?}", whole.stream),
            "a split parse at {split} differs from a whole parse of {text:?}"
        );
        debug_assert_eq!(parse.problems, whole.problems);
    }
    Some(parse)
}

/// Where the entries from `split` (a key at column `indent`) end: the start of the first
/// later line with content (not a comment) indented less, or the end of the text.
fn entries_end(bytes: &[u8], split: usize, indent: usize) -> usize {
    let first_line_end =
        memchr::memchr(b'\n', &bytes[split..]).map_or(bytes.len(), |at| split + at);
    match indent.checked_sub(1) {
        Some(shallower) => region::block_end(bytes, first_line_end, shallower),
        // Nothing is indented less than column 0.
        None => bytes.len(),
    }
}

/// The block mapping that a key at column `indent` on the line at `split` goes on
/// with, in the parse of the text without the part: the deepest collection, on the
/// chain of the last entries (and items) that start before `split` from the root, whose
/// last such key sits at that column, if it and everything in it end before `split`
/// and it merges no entries. Returns the ids of the collections that hold it (itself
/// last) and its id.
fn open_mapping(
    doc: &YamlDocument,
    bytes: &[u8],
    split: usize,
    indent: usize,
) -> Option<(Vec<usize>, usize)> {
    let mut chain: Vec<usize> = Vec::new();
    let mut found = None;
    let mut at = doc.root?.0 as usize;
    loop {
        let node = &doc.nodes[at];
        if node.range.start >= split {
            break;
        }
        chain.push(at);
        match &node.kind {
            NodeKind::Mapping(entries) => {
                let own = entries.partition_point(|entry| entry.merged_from.is_none());
                let before =
                    entries[..own].partition_point(|entry| doc.node(entry.key).range.start < split);
                let Some(last) = before.checked_sub(1).map(|i| entries[i]) else {
                    break;
                };
                let block = !matches!(bytes.get(node.range.start), Some(b'{' | b'['));
                if block && region::column(bytes, doc.node(last.key).range.start) == Some(indent) {
                    found = Some(chain.len() - 1);
                }
                at = last.value.0 as usize;
            }
            NodeKind::Sequence(items) => {
                let before = items.partition_point(|&item| doc.node(item).range.start < split);
                let Some(&last) = before.checked_sub(1).and_then(|i| items.get(i)) else {
                    break;
                };
                at = last.0 as usize;
            }
            NodeKind::Scalar(_) | NodeKind::Alias { .. } => {
                // A scalar that ends the chain ends before the part too.
                if node.range.end > split {
                    return None;
                }
                chain.pop();
                break;
            }
        }
    }
    let depth = found?;
    let mapping = chain[depth];
    // The mapping and what its last entry holds end before the part.
    if chain[depth..]
        .iter()
        .any(|&id| doc.nodes[id].range.end > split)
    {
        return None;
    }
    if let NodeKind::Mapping(entries) = &doc.nodes[mapping].kind
        && entries.iter().any(|entry| entry.merged_from.is_some())
    {
        return None;
    }
    chain.truncate(depth + 1);
    Some((chain, mapping))
}

/// Drops `value` on a new thread, or here if no thread can be started.
fn drop_elsewhere<T: Send + 'static>(value: T) {
    // On failure, `spawn` drops the closure, and `value` with it, here.
    let _ = std::thread::Builder::new()
        .name("ddia-drop-trees".to_owned())
        .spawn(move || drop(value));
}
