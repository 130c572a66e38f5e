//! Re-parses only the block-mapping entries that an edit falls in and splices them
//! into the previous parse, so a structural keystroke costs the size of its entry.
//!
//! An edit usually lands inside one entry of a block mapping (a service, a component,
//! one key of either). In block YAML, the lines of such an entry are every line after
//! its key's line up to the next line whose content is indented no deeper than the
//! key (a sibling key or something outside the mapping). Those lines, parsed alone
//! with their indentation, give the same nodes as they do inside the whole file. So
//! the region of the innermost entry around the edit is parsed by itself (with the
//! same error recovery as a whole file), its nodes replace the old entry's in the
//! arena, and everything after it moves; if the region does not read as whole
//! entries of the same mapping, the entry above is tried with it, then the entry
//! that holds the mapping, and then the caller parses the whole text. The region's
//! nodes are numbered from the first old one's id, and its aliases and merge keys
//! resolve to the anchors defined before it ([`lower::Prefix`]).
//!
//! Invariant: when the result has no problems it equals a parse of the whole text
//! (debug builds check this). While the region has syntax errors, they are recovered
//! inside it, and the rest of the previous parse stays as it was; a previous parse
//! with errors outside the region is never patched (recovery can reach far from an
//! error), so the whole text is parsed again.

use super::yaml::{Entry, Node, NodeId, NodeKind, YamlDocument};
use super::{Parse, ProblemKind, SyntaxProblem, TextEdit, lower, recovery};
use crate::text::TextRange;

/// Regions larger than this are not parsed alone: the whole text is parsed instead.
const MAX_REGION_BYTES: usize = 256 * 1024;

/// Updates `previous`, the parse of the text before `edit`, to a parse of `text` by
/// parsing only the block-mapping entries the edit falls in. Gives `previous` back
/// unchanged when no region around the edit can be parsed alone.
pub fn reparse_region_edit(previous: Parse, text: &str, edit: TextEdit) -> Result<Parse, Parse> {
    let Some(plan) = plan(&previous, text, edit) else {
        return Err(previous);
    };
    let spliced = splice(previous, edit, plan);
    // Debug builds (tests, fuzzing) check that a whole parse has an error too when the
    // result has one, and a clean result against a whole parse.
    if cfg!(debug_assertions) && !spliced.problems.is_empty() && text.len() < 64 * 1024 {
        debug_assert!(
            !super::parse(text).problems.is_empty(),
            "a region parse kept or found a problem in {text:?}, which parses cleanly"
        );
    }
    if cfg!(debug_assertions) && spliced.problems.is_empty() && text.len() < 64 * 1024 {
        let fresh = super::parse(text);
        debug_assert_eq!(
            format!("{:?}", spliced.stream),
            format!("{:?}", fresh.stream),
            "the region parse differs from a whole parse of {text:?}"
        );
        debug_assert_eq!(spliced.problems, fresh.problems, "{text:?}");
    }
    Ok(spliced)
}

/// A region that parses alone, with what is needed to splice it in.
pub(super) struct Plan {
    pub(super) document: usize,
    /// The mapping whose entries are replaced, and the replaced own entries.
    pub(super) mapping: usize,
    pub(super) entries: std::ops::Range<usize>,
    /// The collections that hold the region, the mapping included.
    pub(super) ancestors: Vec<usize>,
    /// Where the region starts (in both texts) and where it ended in the old text.
    pub(super) start: usize,
    pub(super) old_end: usize,
    /// The old entries' nodes in the arena.
    pub(super) nodes: std::ops::Range<usize>,
    /// The region parsed alone (offsets from `start`).
    pub(super) chunk: Parse,
}

/// Finds the smallest region around `edit` that parses alone, and parses it.
fn plan(previous: &Parse, text: &str, edit: TextEdit) -> Option<Plan> {
    let bytes = text.as_bytes();
    let new_end = edit.start.checked_add(edit.new_len)?;
    if edit.start > edit.old_end || new_end > text.len() {
        return None;
    }
    // Limits count over the whole document: those parses are redone in full.
    if previous
        .problems
        .iter()
        .any(|problem| problem.kind == ProblemKind::Limit)
    {
        return None;
    }
    let (document, doc) = previous
        .stream
        .documents
        .iter()
        .enumerate()
        .find(|(_, doc)| doc.range.start <= edit.start && edit.old_end <= doc.range.end)?;
    let chain = descend(doc, edit);
    // The innermost mapping first, then outwards.
    for depth in (0..chain.len()).rev() {
        let (mapping, entry) = chain[depth];
        let Some(entry) = entry else {
            continue;
        };
        let ancestors: Vec<usize> = chain[..=depth].iter().map(|&(id, _)| id).collect();
        // The column of the key that holds the mapping, if a block mapping's key does:
        // lines indented less than the mapping's keys but deeper than it are broken
        // lines of the mapping (recovered in the region), not lines after it.
        let parent_column = depth
            .checked_sub(1)
            .and_then(|up| match (chain[up], &doc.nodes[chain[up].0].kind) {
                ((_, Some(at)), NodeKind::Mapping(entries)) => entries.get(at),
                _ => None,
            })
            .and_then(|entry| column(bytes, doc.node(entry.key).range.start));
        // The entry the edit is in, else that entry with the one before it (an edit
        // that breaks an entry's key line leaves lines that only read as part of the
        // entry above).
        let attempt = [Some(entry), entry.checked_sub(1)]
            .into_iter()
            .flatten()
            .map(|entry| {
                try_region(
                    doc,
                    previous,
                    text,
                    bytes,
                    edit,
                    new_end,
                    &ancestors,
                    (mapping, entry),
                    parent_column,
                )
            })
            .find(|attempt| !matches!(attempt, Attempt::TryOuter))
            .unwrap_or(Attempt::TryOuter);
        match attempt {
            Attempt::Planned(mut plan) => {
                plan.document = document;
                return Some(plan);
            }
            Attempt::TryOuter => continue,
            Attempt::GiveUp => return None,
        }
    }
    None
}

/// The column of `offset` if only spaces precede it on its line (within the text
/// before any edit).
pub(super) fn column(bytes: &[u8], offset: usize) -> Option<usize> {
    let before = bytes.get(..offset)?;
    let start = memchr::memrchr(b'\n', before).map_or(0, |at| at + 1);
    before[start..]
        .iter()
        .all(|&b| b == b' ')
        .then_some(offset - start)
}

/// The collections from the root down that contain the edit, each with the own
/// entry (of a mapping) whose key starts at or before the edit, if any.
fn descend(doc: &YamlDocument, edit: TextEdit) -> Vec<(usize, Option<usize>)> {
    let mut chain = Vec::new();
    let Some(mut at) = doc.root.map(|root| root.0 as usize) else {
        return chain;
    };
    loop {
        let node = &doc.nodes[at];
        if !(node.range.start <= edit.start && edit.old_end <= node.range.end) {
            break;
        }
        match &node.kind {
            NodeKind::Mapping(entries) => {
                let own = entries.partition_point(|entry| entry.merged_from.is_none());
                let before = entries[..own]
                    .partition_point(|entry| doc.node(entry.key).range.start <= edit.start);
                let entry = before.checked_sub(1);
                chain.push((at, entry));
                let Some(entry) = entry.map(|i| entries[i]) else {
                    break;
                };
                at = entry.value.0 as usize;
            }
            NodeKind::Sequence(items) => {
                chain.push((at, None));
                let before =
                    items.partition_point(|&item| doc.node(item).range.start <= edit.start);
                let Some(&item) = before.checked_sub(1).and_then(|i| items.get(i)) else {
                    break;
                };
                at = item.0 as usize;
            }
            _ => break,
        }
    }
    chain
}

enum Attempt {
    Planned(Plan),
    TryOuter,
    GiveUp,
}

/// Plans the region of `entry` of `mapping` (and the entries after it that the edit
/// reaches): where it starts and ends, the old nodes it replaces, and its parse.
/// `parent_column` is the column of the key that holds the mapping, if any.
#[allow(clippy::too_many_arguments)]
fn try_region(
    doc: &YamlDocument,
    previous: &Parse,
    text: &str,
    bytes: &[u8],
    edit: TextEdit,
    new_end: usize,
    ancestors: &[usize],
    (mapping, entry): (usize, usize),
    parent_column: Option<usize>,
) -> Attempt {
    use Attempt::{GiveUp, TryOuter};
    let NodeKind::Mapping(entries) = &doc.nodes[mapping].kind else {
        return TryOuter;
    };
    // Merged entries depend on which keys the mapping has; flow mappings do not
    // follow indentation.
    if entries.iter().any(|entry| entry.merged_from.is_some())
        || matches!(bytes.get(doc.nodes[mapping].range.start), Some(b'{' | b'['))
    {
        return TryOuter;
    }
    // The entry's key starts its line, after spaces only (the text before the edit
    // is unchanged).
    let key_start = doc.node(entries[entry].key).range.start;
    if key_start > edit.start || key_start > text.len() {
        return TryOuter;
    }
    let start = memchr::memrchr(b'\n', &bytes[..key_start]).map_or(0, |at| at + 1);
    if !bytes[start..key_start].iter().all(|&b| b == b' ') {
        return TryOuter;
    }
    let indent = key_start - start;
    let lowest = parent_column
        .filter(|&column| column < indent)
        .map(|column| column + 1);
    let Some(end) = region_end(bytes, start, (lowest.unwrap_or(indent), indent), new_end) else {
        return GiveUp;
    };
    // The edit lies inside the region, and the region ends at a line start that was
    // one before the edit too.
    let ends_after_edit = end > new_end
        || end == text.len()
        || (edit.old_end == edit.start && (edit.start == 0 || bytes[edit.start - 1] == b'\n'));
    if end < new_end || !ends_after_edit {
        return TryOuter;
    }
    let old_end = end + (edit.old_end - edit.start) - edit.new_len;
    // The old entries in the region: from this one to the last whose key starts in it.
    let own = entries.partition_point(|entry| entry.merged_from.is_none());
    let last = entries[..own].partition_point(|e| doc.node(e.key).range.start < old_end);
    let old_entries = entry..last;
    if old_entries.is_empty() {
        return TryOuter;
    }
    // The previous problems must all be in the region: recovery can reach far from
    // an error, so the nodes outside a region are trusted only if they were read
    // without one (a duplicate key's first definition included).
    // Those in other top-level entries may stay, when nothing there can reach the
    // region ([`problems_elsewhere`]).
    let inside = |range: TextRange| start <= range.start && range.end <= old_end;
    if (previous.problems.iter().any(|problem| {
        !inside(problem.range) || problem.related.as_ref().is_some_and(|(r, _)| !inside(*r))
    }) || previous.skipped.iter().any(|&range| !inside(range)))
        && !problems_elsewhere(previous, text, edit, &inside)
    {
        return TryOuter;
    }
    if entry > 0 && entry_end(doc, &entries[entry - 1]) > start {
        return TryOuter;
    }
    let Some(nodes) = entry_nodes(doc, &entries[old_entries.clone()], start, old_end) else {
        return TryOuter;
    };
    // Nothing outside the entries starts in the region: the first node after them
    // that does not hold them (a later sibling, or what follows the mapping) starts
    // after it.
    if next_outside(doc, nodes.end, ancestors).is_some_and(|node| node.range.start < old_end) {
        return TryOuter;
    }
    if !ancestors_admit_region(doc, ancestors) {
        return GiveUp;
    }
    // The region alone.
    let source = &text[start..end];
    if super::has_lone_carriage_return(source) {
        return GiveUp;
    }
    let prefix = prefix_before(doc, nodes.start);
    // The region's first line (its key's) was read without an error before; when the
    // edit is below it, recovery blames the lines the edit changed instead.
    let first_line = memchr::memchr(b'\n', source.as_bytes()).map(|at| at + 1);
    let kept = first_line.filter(|&first| edit.start >= start + first);
    let chunk = parse_alone(source, end == text.len(), kept, ancestors.len() - 1, prefix);
    if !reads_as_entries(&chunk, source, indent, nodes.start) {
        return TryOuter;
    }
    // Merge keys stay within their limit (counted as if the old region's copies
    // were still there), and new keys do not repeat the mapping's other keys.
    let outside = entries[..entry].iter().chain(&entries[last..own]);
    if !chunk_fits(doc, &chunk, nodes.start, outside) {
        return GiveUp;
    }
    Attempt::Planned(Plan {
        document: 0,
        mapping,
        entries: old_entries,
        ancestors: ancestors.to_vec(),
        start,
        old_end,
        nodes,
        chunk,
    })
}

/// Whether the problems and blanked lines of `previous` that `exempt` does not cover
/// (those of an edit's region, which its parse replaces) are all syntax errors in
/// other top-level entries than the one `edit` falls in (of the root block mapping of
/// the same document), whose lines each close every quote and bracket they open. Each
/// top-level entry is then read on its own: its key at column 0 closes every block
/// above it, and nothing of an entry reaches the next (no open quote or bracket), so
/// an edit elsewhere changes neither whether those entries have errors nor how the
/// entries around the edit read. The whole text keeps an error, and the previous
/// parse's nodes outside the edit stay what a whole parse with recovery would give
/// (debug builds check that a whole parse finds an error too).
pub(super) fn problems_elsewhere(
    previous: &Parse,
    text: &str,
    edit: TextEdit,
    exempt: &dyn Fn(TextRange) -> bool,
) -> bool {
    let Some(doc) = previous
        .stream
        .documents
        .iter()
        .find(|doc| doc.range.start <= edit.start && edit.old_end <= doc.range.end)
    else {
        return false;
    };
    let bytes = text.as_bytes();
    let Some(NodeKind::Mapping(entries)) = doc.root.map(|root| &doc.node(root).kind) else {
        return false;
    };
    let root_start = doc.root.map_or(0, |root| doc.node(root).range.start);
    if column(bytes, root_start) != Some(0) || bytes.get(root_start) == Some(&b'{') {
        return false;
    }
    let own = entries.partition_point(|entry| entry.merged_from.is_none());
    let keys: Vec<usize> = entries[..own]
        .iter()
        .map(|entry| doc.node(entry.key).range.start)
        .collect();
    // The top-level entry of an old offset: the index of the last key at or before it.
    let entry_of = |offset: usize| keys.partition_point(|&key| key <= offset).checked_sub(1);
    let Some(edited) = entry_of(edit.start) else {
        return false;
    };
    if keys
        .get(edited + 1)
        .is_some_and(|&next| edit.old_end >= next)
    {
        return false;
    }
    let delta = edit.new_len as isize - (edit.old_end - edit.start) as isize;
    let mut erroneous: Vec<usize> = Vec::new();
    let mut place = |range: TextRange| -> bool {
        if exempt(range) {
            return true;
        }
        let (Some(first), Some(last)) = (
            entry_of(range.start),
            entry_of(range.end.max(range.start + 1) - 1),
        ) else {
            return false;
        };
        if first != last || first == edited || range.end > doc.range.end {
            return false;
        }
        erroneous.push(first);
        true
    };
    let placed = previous.problems.iter().all(|problem| {
        problem.kind == ProblemKind::Syntax
            && place(problem.range)
            && problem
                .related
                .as_ref()
                .is_none_or(|(range, _)| place(*range))
    }) && previous.skipped.iter().all(|&range| place(range));
    if !placed {
        return false;
    }
    erroneous.sort_unstable();
    erroneous.dedup();
    erroneous.iter().all(|&entry| {
        // The entry's lines, from its key to the next key (or the document's end), in
        // the new text: entries other than the edited one lie wholly before or after it.
        let start = keys[entry];
        let end = keys.get(entry + 1).copied().unwrap_or(doc.range.end);
        let (start, end) = if end <= edit.start {
            (start, end)
        } else {
            match (
                start.checked_add_signed(delta),
                end.checked_add_signed(delta),
            ) {
                (Some(start), Some(end)) => (start, end),
                _ => return false,
            }
        };
        text.get(start..end)
            .is_some_and(|lines| !lines.contains('\r') && lines.lines().all(closes_what_it_opens))
    })
}

/// The first node of `doc` from id `from` on that is not one of `ancestors` (the
/// collections that hold a region): a later sibling, or what follows them.
pub(super) fn next_outside<'d>(
    doc: &'d YamlDocument,
    from: usize,
    ancestors: &[usize],
) -> Option<&'d Node> {
    doc.nodes
        .iter()
        .enumerate()
        .skip(from)
        .find(|(at, _)| !ancestors.contains(at))
        .map(|(_, node)| node)
}

/// Whether a region's parse `chunk` (whose node ids start at `base`) can join `doc`:
/// its merge keys keep the document within the limit of copies, and its keys repeat
/// none of the keys of `outside` (the other entries of the mapping it goes into).
pub(super) fn chunk_fits<'d>(
    doc: &'d YamlDocument,
    chunk: &'d Parse,
    base: usize,
    outside: impl Iterator<Item = &'d Entry>,
) -> bool {
    let Some(chunk_doc) = chunk.stream.documents.first() else {
        return false;
    };
    if doc.merge_copies.saturating_add(chunk_doc.merge_copies) > super::MAX_ALIAS_EXPANSION {
        return false;
    }
    let outside_keys: std::collections::HashSet<&str> =
        outside.filter_map(|e| doc.key_text(e.key)).collect();
    // The chunk's nodes have the ids they will have in the document.
    let chunk_key = |id: NodeId| -> Option<&str> {
        let node = match (id.0 as usize).checked_sub(base) {
            Some(own) => chunk_doc.nodes.get(own)?,
            None => doc.nodes.get(id.0 as usize)?,
        };
        match &node.kind {
            NodeKind::Scalar(scalar) => Some(scalar.as_str()),
            // An alias in the region names an anchor before it.
            NodeKind::Alias {
                target: Some(target),
                ..
            } => doc.key_text(*target),
            _ => None,
        }
    };
    let new_entries = match chunk_doc.nodes.last().map(|root| &root.kind) {
        Some(NodeKind::Mapping(entries)) => entries.as_slice(),
        _ => &[],
    };
    !new_entries
        .iter()
        .filter_map(|e| chunk_key(e.key))
        .any(|key| outside_keys.contains(key))
}

/// Whether a region may be parsed alone inside the collections `ancestors` (ids of
/// `doc`) hold it. Aliases and merge keys copy what an anchored collection holds when
/// they are read (and the document records its size), so a region inside one is not;
/// and an alias directly inside a collection that holds the region decides when the
/// document stands for too many nodes, so neither is a region beside one.
pub(super) fn ancestors_admit_region(doc: &YamlDocument, ancestors: &[usize]) -> bool {
    let direct_alias = |id: &NodeId| matches!(doc.node(*id).kind, NodeKind::Alias { .. });
    !ancestors.iter().any(|&id| {
        doc.nodes[id].anchor.is_some()
            || match &doc.nodes[id].kind {
                NodeKind::Mapping(entries) => entries
                    .iter()
                    .any(|e| direct_alias(&e.key) || direct_alias(&e.value)),
                NodeKind::Sequence(items) => items.iter().any(direct_alias),
                _ => false,
            }
    })
}

/// What a region whose first node gets id `first` needs of the document before it:
/// its nodes, and the anchors they define (the region's aliases name them).
pub(super) fn prefix_before(doc: &YamlDocument, first: usize) -> lower::Prefix<'_> {
    let mut anchors = std::collections::HashMap::new();
    let mut expanded = std::collections::HashMap::new();
    let before = doc.anchors.partition_point(|id| (id.0 as usize) < first);
    for (&id, &size) in doc.anchors[..before].iter().zip(&doc.anchor_expanded) {
        if let Some(name) = &doc.node(id).anchor {
            anchors.insert(name.clone(), id);
            expanded.insert(id, size);
        }
    }
    lower::Prefix {
        nodes: &doc.nodes[..first],
        anchors,
        expanded,
    }
}

/// Where the region that starts at `start` (a key at column `indent`) ends in the new
/// text: the start of the first later line whose content is indented less than
/// `lowest` (the mapping's own key's column plus one, or `indent`), or exactly
/// `indent` but after the end of the edit (`new_end`) and not a `- ` item (a sequence
/// may sit at its key's indentation). Blank and comment lines belong to the region.
/// `None` when the region is too large to parse alone.
fn region_end(
    bytes: &[u8],
    start: usize,
    (lowest, indent): (usize, usize),
    new_end: usize,
) -> Option<usize> {
    let mut line = start;
    loop {
        let next = memchr::memchr(b'\n', &bytes[line..]).map(|at| line + at + 1)?;
        line = next;
        if line - start > MAX_REGION_BYTES {
            return None;
        }
        if line >= bytes.len() {
            return Some(bytes.len());
        }
        let spaces = bytes[line..].iter().take_while(|&&b| b == b' ').count();
        let first = bytes.get(line + spaces).copied();
        match first {
            None | Some(b'\n' | b'\r' | b'#') => continue,
            _ => {}
        }
        if spaces > indent || (lowest..indent).contains(&spaces) {
            continue;
        }
        if spaces == indent {
            let item = first == Some(b'-')
                && matches!(
                    bytes.get(line + spaces + 1),
                    None | Some(b' ' | b'\n' | b'\r')
                );
            // A line that starts where the edit ends may have been joined to the
            // edit's line (its old start is unknown): it stays in the region.
            if item || line <= new_end {
                continue;
            }
        }
        return Some(line);
    }
}

/// Where an entry's last node ends.
fn entry_end(doc: &YamlDocument, entry: &Entry) -> usize {
    doc.node(entry.key)
        .range
        .end
        .max(doc.node(entry.value).range.end)
}

/// The arena range of the nodes of `entries` (keys, values and everything inside),
/// if they and any node between them lie in `start..end` and hold no anchor.
fn entry_nodes(
    doc: &YamlDocument,
    entries: &[Entry],
    start: usize,
    end: usize,
) -> Option<std::ops::Range<usize>> {
    let mut stack: Vec<NodeId> = entries.iter().flat_map(|e| [e.key, e.value]).collect();
    let (mut low, mut high, mut count) = (usize::MAX, 0, 0usize);
    while let Some(id) = stack.pop() {
        let at = id.0 as usize;
        let node = doc.nodes.get(at)?;
        if node.anchor.is_some() || node.range.start < start || node.range.end > end {
            return None;
        }
        (low, high, count) = (low.min(at), high.max(at), count + 1);
        match &node.kind {
            NodeKind::Mapping(entries) => {
                // Merged entries are the anchored mapping's, before the region.
                for entry in entries.iter().filter(|entry| entry.merged_from.is_none()) {
                    stack.push(entry.key);
                    stack.push(entry.value);
                }
            }
            NodeKind::Sequence(items) => stack.extend(items),
            NodeKind::Alias { .. } | NodeKind::Scalar(_) => {}
        }
    }
    if count == 0 {
        return None;
    }
    // Nodes the entries do not reach (a repeated key and its value, dropped from
    // their mapping; a merge key and its alias) lie between theirs, and in the
    // region too.
    if count < high - low + 1
        && !doc.nodes[low..=high]
            .iter()
            .all(|node| node.anchor.is_none() && start <= node.range.start && node.range.end <= end)
    {
        return None;
    }
    // The node before them belongs before the region.
    if low > 0 && doc.nodes[low - 1].range.start >= start {
        return None;
    }
    Some(low..high + 1)
}

/// Parses a region by itself: the same recovery and lowering as a whole text, with
/// the nesting depth of the mapping that holds it. A region that does not end the
/// text is followed by a document marker: tree-sitter stretches the last nodes of a
/// text to its end, so the region must not look like the end of the text.
fn parse_alone(
    source: &str,
    ends_text: bool,
    kept: Option<usize>,
    depth: usize,
    prefix: lower::Prefix<'_>,
) -> Parse {
    let recovered = parse_alone_tree(source, ends_text, kept);
    lower_alone(recovered, source, ends_text, depth, prefix).0
}

/// The tree-sitter half of [`parse_alone`]: the region, followed by a document marker
/// unless it ends the text, parsed with recovery.
/// Recovery never blanks the bytes before `kept` (see [`recovery::parse_keeping`]).
pub(super) fn parse_alone_tree(
    source: &str,
    ends_text: bool,
    kept: Option<usize>,
) -> recovery::Recovered {
    if ends_text {
        recovery::parse_keeping(source, None, kept)
    } else {
        recovery::parse_keeping(&format!("{source}{SENTINEL}"), None, kept)
    }
}

/// The lowering half of [`parse_alone`]; the tree is given back, for the caller to
/// free where it suits.
pub(super) fn lower_alone(
    recovered: recovery::Recovered,
    source: &str,
    ends_text: bool,
    depth: usize,
    prefix: lower::Prefix<'_>,
) -> (Parse, tree_sitter::Tree) {
    let mut problems = recovered.problems;
    let (mut stream, lower_problems) =
        lower::lower_nested(&recovered.tree, &recovered.text, depth, Some(prefix));
    problems.extend(lower_problems);
    problems.sort_by_key(|problem| (problem.range.start, problem.range.end));
    problems.dedup();
    if !ends_text {
        // The marker's empty document.
        if stream.documents.len() == 2
            && stream.documents[1].nodes.is_empty()
            && stream.documents[1].range.start >= source.len()
        {
            stream.documents.pop();
        }
        // Otherwise the region did not end cleanly before the marker, and
        // `reads_as_entries` refuses it.
    }
    let parse = Parse {
        stream,
        problems,
        skipped: recovered.skipped,
        reusable: None,
    };
    (parse, recovered.tree)
}

/// What follows a region that does not end the text, when it is parsed alone.
pub(super) const SENTINEL: &str = "---\n";

/// Whether a region parsed alone reads as entries of one block mapping whose first
/// key starts the region at column `indent`, and nothing else: one document (whose
/// node ids start at `base`), no anchors, no merge into the mapping itself, and no
/// problem but syntax errors and duplicate keys
/// inside it (a repeated key of the mapping that holds the region is checked by the
/// caller).
pub(super) fn reads_as_entries(chunk: &Parse, source: &str, indent: usize, base: usize) -> bool {
    let [doc] = chunk.stream.documents.as_slice() else {
        return false;
    };
    // The root is the last node (ids start at `base`).
    if doc
        .root
        .is_none_or(|root| root.0 as usize + 1 != base + doc.nodes.len())
    {
        return false;
    }
    let Some(root_node) = doc.nodes.last() else {
        return false;
    };
    let NodeKind::Mapping(entries) = &root_node.kind else {
        return false;
    };
    doc.range.end <= source.len()
        && root_node.range.start == indent
        && !entries.is_empty()
        && !matches!(source.as_bytes().get(indent), Some(b'{' | b'['))
        && chunk.problems.iter().all(|problem| {
            problem.kind != ProblemKind::Limit
                && problem.range.end <= source.len()
                && problem
                    .related
                    .as_ref()
                    .is_none_or(|(range, _)| range.end <= source.len())
        })
        && doc.anchors.is_empty()
        && entries.iter().all(|entry| entry.merged_from.is_none())
}

/// Puts the region's new nodes, comments and problems in place of the old ones and
/// moves everything after it.
pub(super) fn splice(mut previous: Parse, edit: TextEdit, plan: Plan) -> Parse {
    let Plan {
        document,
        mapping,
        entries,
        ancestors,
        start,
        old_end,
        nodes,
        chunk,
    } = plan;
    let Parse {
        stream: chunk_stream,
        problems: chunk_problems,
        skipped: chunk_skipped,
        ..
    } = chunk;
    let mut chunk_doc = chunk_stream
        .documents
        .into_iter()
        .next()
        .expect("checked by reads_as_entries");
    let root = chunk_doc.root.expect("checked by reads_as_entries").0 as usize;
    let root_node = chunk_doc.nodes.pop().expect("the root is the last node");
    let NodeKind::Mapping(new_entries) = root_node.kind else {
        unreachable!("checked by reads_as_entries");
    };
    debug_assert_eq!(root, nodes.start + chunk_doc.nodes.len());
    let new_content_end = start + root_node.range.end;
    let new_doc_end = start + chunk_doc.range.end;
    let added = chunk_doc.nodes.len();
    let removed = nodes.len();
    let renumber = |id: NodeId| -> NodeId {
        let at = id.0 as usize;
        if at >= nodes.end {
            NodeId((at + added - removed) as u32)
        } else {
            id
        }
    };
    let doc = &mut previous.stream.documents[document];
    // The new nodes (whose ids were given from the old entries' first one on), placed
    // in the whole text.
    let chunk_sorted = chunk_doc.ends_sorted;
    let chunk_aliases = std::mem::take(&mut chunk_doc.aliases);
    doc.merge_copies = doc.merge_copies.saturating_add(chunk_doc.merge_copies);
    let placed = chunk_doc.nodes.into_iter().map(|mut node| {
        node.range = TextRange::new(node.range.start + start, node.range.end + start);
        node
    });
    doc.nodes.splice(nodes.clone(), placed);
    // Everything after: ids renumbered, ranges moved; the collections that hold the
    // region end where the region's content now ends if they ended in it.
    let ancestors: Vec<usize> = ancestors
        .iter()
        .map(|&id| renumber(NodeId(id as u32)).0 as usize)
        .collect();
    let mapping = renumber(NodeId(mapping as u32)).0 as usize;
    // A collection that holds the region and ends inside it ends with its content.
    let move_end = |range: TextRange, content_end: usize| {
        if range.end <= old_end {
            TextRange::new(range.start, content_end)
        } else {
            edit.move_range(range)
        }
    };
    let after = nodes.start + added;
    // Most keystrokes keep the region's node count: ids after it stay as they are,
    // and only ranges move (the loop then touches no child list).
    let relinks = added != removed;
    for (at, node) in doc.nodes.iter_mut().enumerate().skip(after) {
        if relinks {
            relink(node, renumber);
        }
        node.range = if ancestors.contains(&at) {
            move_end(node.range, new_content_end)
        } else {
            edit.move_range(node.range)
        };
    }
    if let NodeKind::Mapping(list) = &mut doc.nodes[mapping].kind {
        list.splice(entries, new_entries);
    }
    doc.root = doc.root.map(renumber);
    // The region's aliases replace the old ones (the region holds no anchor).
    let first = doc
        .aliases
        .partition_point(|id| (id.0 as usize) < nodes.start);
    let past = doc
        .aliases
        .partition_point(|id| (id.0 as usize) < nodes.end);
    for alias in &mut doc.aliases[past..] {
        *alias = renumber(*alias);
    }
    doc.aliases.splice(first..past, chunk_aliases);
    for anchor in &mut doc.anchors {
        *anchor = renumber(*anchor);
    }
    doc.range = if doc.range.end <= old_end {
        TextRange::new(doc.range.start, new_doc_end)
    } else {
        edit.move_range(doc.range)
    };
    // Ends stay sorted if they were and are at the seams (a document that was not
    // sorted, rare, is checked whole).
    let sorted = |nodes: &[Node]| {
        nodes
            .windows(2)
            .all(|pair| pair[0].range.end <= pair[1].range.end)
    };
    doc.ends_sorted = if !doc.ends_sorted {
        sorted(&doc.nodes)
    } else {
        chunk_sorted
            && doc
                .nodes
                .windows(2)
                .skip(nodes.start.saturating_sub(1))
                .take(added + 1)
                .chain(
                    ancestors
                        .iter()
                        .flat_map(|&at| doc.nodes.windows(2).skip(at.saturating_sub(1)).take(2)),
                )
                .all(|pair| pair[0].range.end <= pair[1].range.end)
    };
    for later in &mut previous.stream.documents[document + 1..] {
        later.range = edit.move_range(later.range);
        for node in &mut later.nodes {
            node.range = edit.move_range(node.range);
        }
    }
    // Comments and problems: the region's old ones are replaced by its new ones.
    let place = |range: TextRange| TextRange::new(range.start + start, range.end + start);
    let comments = &mut previous.stream.comments;
    let first = comments.partition_point(|c| c.range.start < start);
    let past = comments.partition_point(|c| c.range.start < old_end);
    for comment in &mut comments[past..] {
        comment.range = edit.move_range(comment.range);
    }
    let new_comments = chunk_stream.comments.into_iter().map(|mut comment| {
        comment.range = place(comment.range);
        comment
    });
    comments.splice(first..past, new_comments);
    // The region's new problems replace those in it; those in other top-level entries
    // (see `problems_elsewhere`) stay, moved by the edit.
    let inside = |range: TextRange| start <= range.start && range.end <= old_end;
    let mut problems: Vec<SyntaxProblem> = std::mem::take(&mut previous.problems)
        .into_iter()
        .filter(|problem| !inside(problem.range))
        .map(|problem| problem.map_ranges(|range| edit.move_range(range)))
        .collect();
    problems.extend(
        chunk_problems
            .into_iter()
            .map(|problem| problem.map_ranges(place)),
    );
    problems.sort_by_key(|problem| (problem.range.start, problem.range.end));
    previous.problems = problems;
    let mut skipped: Vec<TextRange> = std::mem::take(&mut previous.skipped)
        .into_iter()
        .filter(|&range| !inside(range))
        .map(|range| edit.move_range(range))
        .collect();
    skipped.extend(chunk_skipped.into_iter().map(place));
    skipped.sort_by_key(|range| (range.start, range.end));
    previous.skipped = skipped;
    previous.reusable = None;
    previous
}

/// Rewrites the node ids a node refers to.
fn relink(node: &mut Node, map: impl Fn(NodeId) -> NodeId) {
    match &mut node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                entry.key = map(entry.key);
                entry.value = map(entry.value);
                entry.merged_from = entry.merged_from.map(&map);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                *item = map(*item);
            }
        }
        NodeKind::Alias { target, .. } => *target = target.map(&map),
        NodeKind::Scalar(_) => {}
    }
}

/// Updates `previous` after an edit that leaves its line starting at column 0 inside a
/// nested block: a character typed before the indentation of a key, or more typed
/// after it. Such a line ends every block above it, so in the whole text each later
/// line of the top-level entry is indented for a block that no longer exists; a
/// whole parse with recovery blames the line (the culprit rule of [`recovery`]) after
/// parsing the whole text, several times. Here the line and its block (the lines
/// indented deeper than the line was, up to the first that is not) are blanked, the
/// entries around them are parsed as a region, and the line is reported.
///
/// This is done only when it is sure that the whole text has an error: the lines from
/// the culprit to the first line after its block, parsed alone, have one. The text
/// before the culprit leaves only block collections open (it did not change, or it is
/// the beginning of the line broken by the edit, a scalar), which a line at column 0
/// closes: the whole text then reads on between two entries of the top-level block
/// mapping, which is where those lines start when parsed alone; and they open no
/// quote or bracket that a later line could close. Gives `previous` back unchanged
/// otherwise.
pub fn reparse_dedented_line(previous: Parse, text: &str, edit: TextEdit) -> Result<Parse, Parse> {
    let Some(Dedented {
        blank_start,
        line_start,
        line_end,
        block_end,
    }) = dedented_line(&previous, text, edit)
    else {
        return Err(previous);
    };
    let bytes = text.as_bytes();
    // The lines blanked, byte by byte (a character of several bytes becomes as many
    // spaces, so every offset stays): the region parse reads the text without them.
    let mut blanked = String::with_capacity(text.len());
    blanked.push_str(&text[..blank_start]);
    blanked.extend(
        text.as_bytes()[blank_start..block_end]
            .iter()
            .map(|&byte| if byte == b'\n' { '\n' } else { ' ' }),
    );
    blanked.push_str(&text[block_end..]);
    debug_assert_eq!(blanked.len(), text.len());
    let removed = edit.old_end - edit.start;
    let blanked_edit = TextEdit {
        start: blank_start,
        old_end: block_end + removed - edit.new_len,
        new_len: block_end - blank_start,
    };
    let Some(plan) = plan(&previous, &blanked, blanked_edit) else {
        return Err(previous);
    };
    let mut spliced = splice(previous, blanked_edit, plan);
    let report = TextRange::new(line_start, recovery::trim_end(bytes, line_start, line_end));
    spliced.problems.push(SyntaxProblem {
        kind: ProblemKind::Syntax,
        range: report,
        message: recovery::DEDENTED_LINE.to_owned(),
        related: None,
    });
    spliced
        .problems
        .sort_by_key(|problem| (problem.range.start, problem.range.end));
    spliced.skipped.push(TextRange::new(blank_start, block_end));
    spliced
        .skipped
        .sort_by_key(|range| (range.start, range.end));
    // Debug builds (tests, fuzzing) check that the whole text has an error too.
    if cfg!(debug_assertions) && text.len() < 64 * 1024 {
        let fresh = super::parse(text);
        debug_assert!(
            fresh
                .problems
                .iter()
                .any(|problem| problem.kind == ProblemKind::Syntax),
            "a dedented line was reported in {text:?}, which parses without an error"
        );
    }
    Ok(spliced)
}

/// A line an edit left at column 0 inside a nested block (see
/// [`reparse_dedented_line`]).
struct Dedented {
    /// Where the blanked lines start: the line itself, or the line it was broken from.
    blank_start: usize,
    /// The line at column 0.
    line_start: usize,
    line_end: usize,
    /// The start of the first later line indented no deeper than the line was (or the
    /// end of the text): the blanked lines end there.
    block_end: usize,
}

/// The line an edit left at column 0 inside a nested block, when the lines from it to
/// the end of the first line after its block, parsed alone, have a syntax error. Two
/// edits make one: a character typed before a line's indentation, and a bare line
/// break typed inside a line's content, which leaves the rest of it at column 0 (the
/// line's beginning goes with it). More typed on such a line keeps it one.
fn dedented_line(previous: &Parse, text: &str, edit: TextEdit) -> Option<Dedented> {
    let bytes = text.as_bytes();
    let new_end = edit.start.checked_add(edit.new_len)?;
    if edit.start > edit.old_end || new_end > text.len() {
        return None;
    }
    let inserted = &bytes[edit.start..new_end];
    let line_break = inserted == b"\n" && edit.old_end == edit.start;
    if !line_break && inserted.iter().any(|&b| b == b'\n' || b == b'\r') {
        return None;
    }
    // The line at column 0 starts with a plain key's first character, `- ` (a block
    // sequence item) or `: ` (a value), and is not the first line.
    let line_start = memchr::memrchr(b'\n', &bytes[..new_end]).map_or(0, |at| at + 1);
    let first = bytes.get(line_start).copied().unwrap_or(b' ');
    let indicator = matches!(first, b'-' | b':')
        && matches!(bytes.get(line_start + 1), Some(b' ' | b'\n') | None);
    if line_start == 0 || !(first.is_ascii_alphanumeric() || first == b'_' || indicator) {
        return None;
    }
    let line_end =
        memchr::memchr(b'\n', &bytes[line_start..]).map_or(text.len(), |at| line_start + at);
    let moved = |offset: usize| (offset + edit.new_len).checked_sub(edit.old_end - edit.start);
    let (blank_start, block_end) = match (previous.problems.as_slice(), previous.skipped.as_slice())
    {
        // More typed on a line reported so: its block is the one blanked before.
        ([problem], [skipped])
            if !line_break
                && problem.kind == ProblemKind::Syntax
                && problem.message == recovery::DEDENTED_LINE
                && problem.range.start == line_start
                && skipped.start <= line_start
                && skipped.end >= edit.old_end =>
        {
            (skipped.start, moved(skipped.end)?)
        }
        // A character typed before the indentation of a line: its block is what is
        // indented deeper than the line was.
        ([], []) if !line_break && edit.start == line_start && edit.old_end == edit.start => {
            let indent = bytes[new_end..line_end]
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
            if indent == 0 {
                return None;
            }
            (line_start, block_end(bytes, line_end, indent))
        }
        // A line break inside an indented line's content: the line's beginning is
        // blanked with it, and its block is what is indented deeper than the line.
        ([], []) if line_break => {
            let broken = memchr::memrchr(b'\n', &bytes[..edit.start]).map_or(0, |at| at + 1);
            let indent = bytes[broken..edit.start]
                .iter()
                .take_while(|&&b| b == b' ')
                .count();
            if indent == 0 || broken + indent >= edit.start || broken == 0 {
                return None;
            }
            (broken, block_end(bytes, line_end, indent))
        }
        _ => return None,
    };
    if block_end > text.len()
        || (block_end > 0 && block_end < text.len() && bytes[block_end - 1] != b'\n')
        || block_end <= line_end
    {
        return None;
    }
    // Before the blanked lines: between two entries of a top-level block mapping at
    // column 0.
    let (_, doc) = previous
        .stream
        .documents
        .iter()
        .enumerate()
        .find(|(_, doc)| doc.range.start <= blank_start && blank_start <= doc.range.end)?;
    let root = doc.root?;
    let root_node = doc.node(root);
    if !matches!(root_node.kind, NodeKind::Mapping(_))
        || column(bytes, root_node.range.start) != Some(0)
        || root_node.range.start >= blank_start
        || opens_scalar_or_flow(doc, bytes, blank_start)
        || (indicator && !has_value_before(doc, bytes, blank_start))
    {
        return None;
    }
    // None of the lines from there to the first after the block opens a quote or
    // bracket that a later line could close. The line at column 0 closes every block
    // and plain scalar open before it (the beginning of a broken line included), so
    // the whole text reads on from there as those lines do alone, from the line at
    // column 0: an error there is an error of the whole text. (Read alone from the
    // broken line's beginning, they would not say so: in the text, that beginning may
    // be the value of the key above it.)
    let window_end =
        memchr::memchr(b'\n', &bytes[block_end..]).map_or(text.len(), |at| block_end + at + 1);
    let lines = &text[blank_start..window_end];
    if lines.len() > MAX_REGION_BYTES || lines.contains('\r') {
        return None;
    }
    // The proof: from the line at column 0 to the first line after its block, read
    // alone, has an error. A line break typed inside a scalar value instead leaves its
    // second half to go on with the first: inside a quote the first half opens (and
    // the second closes), or as a plain scalar's next line when it holds no `: `. Then
    // the proof is those two lines alone: a scalar's lines go on indented deeper than
    // the collection that holds it, so if they break that rule alone (at their own
    // indentation, with no collection around), they break it in the text too.
    let has_error = |lines: &str| {
        super::new_parser()
            .parse(lines, None)
            .is_some_and(|tree| tree.root_node().has_error())
    };
    if lines.lines().all(closes_what_it_opens) && has_error(&text[line_start..window_end]) {
        return Some(Dedented {
            blank_start,
            line_start,
            line_end,
            block_end,
        });
    }
    if !line_break {
        return None;
    }
    let first_half = &text[blank_start..edit.start];
    let second_half = &text[line_start..line_end];
    let plain_rest =
        !second_half.contains(": ") && !second_half.ends_with(':') && !second_half.contains('#');
    let joined = format!("{first_half}{second_half}");
    let two_lines = (!closes_what_it_opens(first_half) || plain_rest)
        && closes_what_it_opens(&joined)
        && text[line_end..window_end].lines().all(closes_what_it_opens)
        && has_error(&text[blank_start..(line_end + 1).min(text.len())]);
    two_lines.then_some(Dedented {
        blank_start,
        line_start,
        line_end,
        block_end,
    })
}

/// Whether the value of the top-level entry that `offset` follows (or lies in) starts
/// before `offset`, is not a sequence at column 0, and its key is not an explicit one
/// (`? `): then a `- ` or `: ` line at column 0 cannot go on with that entry's value
/// or give it one. It ends every block above it, as a plain key does.
fn has_value_before(doc: &YamlDocument, bytes: &[u8], offset: usize) -> bool {
    let Some(NodeKind::Mapping(entries)) = doc.root.map(|root| &doc.node(root).kind) else {
        return false;
    };
    let own = entries.partition_point(|entry| entry.merged_from.is_none());
    let before = entries[..own].partition_point(|entry| doc.node(entry.key).range.start < offset);
    let Some(entry) = before.checked_sub(1).map(|at| entries[at]) else {
        return false;
    };
    let key = doc.node(entry.key).range.start;
    let key_line = memchr::memrchr(b'\n', &bytes[..key]).map_or(0, |at| at + 1);
    let value = doc.node(entry.value);
    let column_0_sequence =
        matches!(value.kind, NodeKind::Sequence(_)) && column(bytes, value.range.start) == Some(0);
    bytes.get(key_line) != Some(&b'?') && value.range.start < offset && !column_0_sequence
}

/// Where the block below a line that was indented `indent` columns ends: the start of
/// the first later line with content (not a comment) indented no deeper, or the end of
/// the text.
pub(super) fn block_end(bytes: &[u8], line_end: usize, indent: usize) -> usize {
    let mut line = line_end;
    while line < bytes.len() {
        line += 1;
        let spaces = bytes[line..].iter().take_while(|&&b| b == b' ').count();
        match bytes.get(line + spaces) {
            None => return bytes.len(),
            Some(b'\n' | b'\r' | b'#') => {}
            Some(_) if spaces <= indent => return line,
            Some(_) => {}
        }
        line = memchr::memchr(b'\n', &bytes[line..]).map_or(bytes.len(), |at| line + at);
    }
    bytes.len()
}

/// Whether `offset` lies inside a scalar, an alias or a flow collection of `doc`, or
/// inside a collection that is not a block one: then the text before it leaves
/// something open that a line at column 0 may go on with.
fn opens_scalar_or_flow(doc: &YamlDocument, bytes: &[u8], offset: usize) -> bool {
    let Some(mut at) = doc.root else {
        return true;
    };
    loop {
        let node = doc.node(at);
        if !(node.range.start < offset && offset < node.range.end) {
            return false;
        }
        if matches!(bytes.get(node.range.start), Some(b'{' | b'[')) {
            return true;
        }
        let next = match &node.kind {
            NodeKind::Mapping(entries) => {
                let own = entries.partition_point(|entry| entry.merged_from.is_none());
                let before = entries[..own]
                    .partition_point(|entry| doc.node(entry.key).range.start <= offset);
                match before.checked_sub(1).map(|i| entries[i]) {
                    Some(entry) if doc.node(entry.key).range.end > offset => return true,
                    Some(entry) => entry.value,
                    None => return false,
                }
            }
            NodeKind::Sequence(items) => {
                let before = items.partition_point(|&item| doc.node(item).range.start <= offset);
                match before.checked_sub(1).and_then(|i| items.get(i)) {
                    Some(&item) => item,
                    None => return false,
                }
            }
            NodeKind::Scalar(_) | NodeKind::Alias { .. } => return true,
        };
        at = next;
    }
}

/// Whether a line closes every quote and bracket it opens (counted plainly: an
/// apostrophe inside a word counts too, which only makes this refuse more).
fn closes_what_it_opens(line: &str) -> bool {
    let count = |c: u8| line.bytes().filter(|&b| b == c).count();
    count(b'"').is_multiple_of(2)
        && count(b'\'').is_multiple_of(2)
        && count(b'[') == count(b']')
        && count(b'{') == count(b'}')
}
