//! Lowers the tree-sitter CST to the spanned YAML view, with an explicit stack.
//!
//! The walk uses a tree cursor and a stack of frames, never recursion, so a file
//! nested 100,000 levels deep cannot overflow the thread's stack. Collections deeper
//! than [`MAX_NESTING_DEPTH`] are reported once and skipped.

use super::scalar;
use super::yaml::{
    Comment, Entry, Node, NodeId, NodeKind, Scalar, ScalarStyle, ScalarValue, YamlDocument,
    YamlStream,
};
use super::{MAX_ALIAS_EXPANSION, MAX_NESTING_DEPTH, ProblemKind, SyntaxProblem};
use crate::text::TextRange;
use std::collections::HashMap;
use tree_sitter::{Tree, TreeCursor};

pub(super) fn lower(tree: &Tree, text: &str) -> (YamlStream, Vec<SyntaxProblem>) {
    lower_nested(tree, text, 0, None)
}

/// What a region parsed alone needs of the document around it: the nodes before it
/// (their ids come first, so the region's nodes get the ids they will have in the
/// whole document), the anchors they define, and how many nodes each anchored one
/// stands for.
pub(super) struct Prefix<'p> {
    pub nodes: &'p [Node],
    pub anchors: HashMap<String, NodeId>,
    pub expanded: HashMap<NodeId, u64>,
}

/// Lowers a text whose root sits `depth` collections deep in a larger document (a
/// region parsed alone), so the nesting limit applies as it would there; with a
/// `prefix`, its first document continues that document's arena and anchors.
pub(super) fn lower_nested<'p>(
    tree: &Tree,
    text: &str,
    depth: usize,
    prefix: Option<Prefix<'p>>,
) -> (YamlStream, Vec<SyntaxProblem>) {
    let mut lowerer = Lowerer {
        text,
        stream: YamlStream::default(),
        problems: Vec::new(),
        doc: DocumentBuilder::default(),
        prefix,
        frames: Vec::new(),
        depth,
        depth_reported: false,
    };
    let mut cursor = tree.walk();
    'walk: loop {
        let descend = lowerer.enter(&cursor);
        if descend {
            if cursor.goto_first_child() {
                continue;
            }
            lowerer.exit();
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
            lowerer.exit();
        }
    }
    (lowerer.stream, lowerer.problems)
}

/// Whether a key or value: the CST field a node hangs from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Key,
    Value,
    Other,
}

enum Frame {
    /// A CST node that is walked through but builds nothing.
    Transparent,
    Document {
        root: Option<NodeId>,
        range: TextRange,
    },
    /// A `block_node` or `flow_node`: an optional anchor and tag, then content.
    Node {
        range: TextRange,
        anchor: Option<String>,
        tag: Option<String>,
        content: Option<NodeId>,
        role: Role,
    },
    Mapping {
        range: TextRange,
        entries: Vec<(NodeId, NodeId)>,
    },
    Sequence {
        range: TextRange,
        items: Vec<NodeId>,
    },
    Pair {
        range: TextRange,
        key: Option<NodeId>,
        value: Option<NodeId>,
    },
    Item {
        range: TextRange,
        value: Option<NodeId>,
    },
}

#[derive(Default)]
struct DocumentBuilder<'p> {
    /// The nodes of the document before a region parsed alone (see [`Prefix`]).
    prefix: &'p [Node],
    prefix_expanded: HashMap<NodeId, u64>,
    nodes: Vec<Node>,
    /// How many nodes each node stands for once aliases and merges are followed.
    expanded: Vec<u64>,
    anchors: HashMap<String, NodeId>,
    /// Entries copied by merge keys so far.
    merge_copies: u64,
    expansion_reported: bool,
}

impl DocumentBuilder<'_> {
    fn push(&mut self, node: Node, expanded: u64) -> NodeId {
        let id = NodeId(u32::try_from(self.prefix.len() + self.nodes.len()).unwrap_or(u32::MAX));
        self.nodes.push(node);
        self.expanded.push(expanded);
        id
    }

    fn node(&self, id: NodeId) -> &Node {
        let at = id.0 as usize;
        match at.checked_sub(self.prefix.len()) {
            Some(own) => &self.nodes[own],
            None => &self.prefix[at],
        }
    }

    fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        let own = (id.0 as usize).checked_sub(self.prefix.len())?;
        self.nodes.get_mut(own)
    }

    fn expanded(&self, id: NodeId) -> u64 {
        let at = id.0 as usize;
        match at.checked_sub(self.prefix.len()) {
            Some(own) => self.expanded[own],
            None => self.prefix_expanded.get(&id).copied().unwrap_or(1),
        }
    }

    fn resolve(&self, id: NodeId) -> NodeId {
        match &self.node(id).kind {
            NodeKind::Alias {
                target: Some(target),
                ..
            } => *target,
            _ => id,
        }
    }

    fn key_text(&self, id: NodeId) -> Option<&str> {
        match &self.node(self.resolve(id)).kind {
            NodeKind::Scalar(scalar) => Some(&scalar.text),
            _ => None,
        }
    }
}

struct Lowerer<'t, 'p> {
    text: &'t str,
    stream: YamlStream,
    problems: Vec<SyntaxProblem>,
    doc: DocumentBuilder<'p>,
    /// The document a region continues, for the first document only.
    prefix: Option<Prefix<'p>>,
    frames: Vec<Frame>,
    /// Collections currently open.
    depth: usize,
    depth_reported: bool,
}

impl Lowerer<'_, '_> {
    /// Handles entering a CST node; returns whether to walk its children (and so
    /// whether a frame was pushed that [`Lowerer::exit`] will pop).
    fn enter(&mut self, cursor: &TreeCursor<'_>) -> bool {
        let node = cursor.node();
        let range = TextRange::new(node.start_byte(), node.end_byte());
        let frame = match node.kind() {
            "stream" => Frame::Transparent,
            "document" => {
                self.doc = DocumentBuilder::default();
                if let Some(prefix) = self.prefix.take() {
                    self.doc.prefix = prefix.nodes;
                    self.doc.prefix_expanded = prefix.expanded;
                    self.doc.anchors = prefix.anchors;
                }
                Frame::Document { root: None, range }
            }
            "block_node" | "flow_node" => {
                let role = match cursor.field_name() {
                    Some("key") => Role::Key,
                    Some("value") => Role::Value,
                    _ => Role::Other,
                };
                Frame::Node {
                    range,
                    anchor: None,
                    tag: None,
                    content: None,
                    role,
                }
            }
            "block_mapping" | "flow_mapping" | "block_sequence" | "flow_sequence" => {
                if self.depth >= MAX_NESTING_DEPTH {
                    if !self.depth_reported {
                        self.depth_reported = true;
                        self.problems.push(SyntaxProblem {
                            kind: ProblemKind::Limit,
                            range: TextRange::new(range.start, range.start + 1),
                            message: format!(
                                "nesting deeper than {MAX_NESTING_DEPTH} levels: ddia does not read below this level"
                            ),
                            related: None,
                        });
                    }
                    return false;
                }
                self.depth += 1;
                if node.kind().ends_with("mapping") {
                    Frame::Mapping {
                        range,
                        entries: Vec::new(),
                    }
                } else {
                    Frame::Sequence {
                        range,
                        items: Vec::new(),
                    }
                }
            }
            "block_mapping_pair" | "flow_pair" => Frame::Pair {
                range,
                key: None,
                value: None,
            },
            "block_sequence_item" => Frame::Item { range, value: None },
            "anchor" => {
                let name = self.slice(range).trim_start_matches('&').to_owned();
                if let Some(Frame::Node { anchor, .. }) = self.frames.last_mut() {
                    *anchor = Some(name);
                }
                return false;
            }
            "tag" => {
                let tag = self.slice(range).to_owned();
                if let Some(Frame::Node { tag: slot, .. }) = self.frames.last_mut() {
                    *slot = Some(tag);
                }
                return false;
            }
            "plain_scalar" => {
                self.leaf(scalar::plain(self.slice(range)), range);
                return false;
            }
            "single_quote_scalar" => {
                self.leaf(scalar::single_quoted(self.slice(range)), range);
                return false;
            }
            "double_quote_scalar" => {
                self.leaf(scalar::double_quoted(self.slice(range)), range);
                return false;
            }
            "block_scalar" => {
                let indent = self.line_indent(range.start);
                self.leaf(scalar::block(self.slice(range), indent), range);
                return false;
            }
            "alias" => {
                self.alias(range);
                return false;
            }
            "comment" => {
                self.stream.comments.push(Comment {
                    range,
                    text: self.slice(range).to_owned(),
                });
                return false;
            }
            // ERROR nodes were reported by recovery; directives and punctuation
            // carry nothing the model needs.
            _ => return false,
        };
        self.frames.push(frame);
        true
    }

    fn exit(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        match frame {
            Frame::Transparent => {}
            Frame::Document { root, range } => {
                let builder = std::mem::take(&mut self.doc);
                let base = builder.prefix.len();
                let ids = |keep: fn(&Node) -> bool| -> Vec<NodeId> {
                    builder
                        .nodes
                        .iter()
                        .enumerate()
                        .filter(|(_, node)| keep(node))
                        .map(|(id, _)| NodeId((base + id) as u32))
                        .collect()
                };
                let aliases = ids(|node| {
                    matches!(
                        node.kind,
                        NodeKind::Alias {
                            target: Some(_),
                            ..
                        }
                    )
                });
                let anchors = ids(|node| node.anchor.is_some());
                let anchor_expanded = anchors.iter().map(|&id| builder.expanded(id)).collect();
                let ends_sorted = builder
                    .nodes
                    .windows(2)
                    .all(|pair| pair[0].range.end <= pair[1].range.end);
                self.stream.documents.push(YamlDocument {
                    nodes: builder.nodes,
                    root,
                    range,
                    aliases,
                    anchors,
                    anchor_expanded,
                    ends_sorted,
                    merge_copies: builder.merge_copies,
                });
            }
            Frame::Node {
                range,
                anchor,
                tag,
                content,
                role,
            } => {
                let id = content.unwrap_or_else(|| self.null_at(range.end));
                if let Some(name) = anchor
                    && let Some(node) = self.doc.node_mut(id)
                {
                    node.anchor = Some(name.clone());
                    self.doc.anchors.insert(name, id);
                }
                if tag.is_some()
                    && let Some(node) = self.doc.node_mut(id)
                {
                    if let NodeKind::Scalar(scalar) = &mut node.kind {
                        scalar::apply_tag(scalar, tag.as_deref());
                    }
                    node.tag = tag;
                }
                self.attach(id, role);
            }
            Frame::Mapping { range, entries } => {
                self.depth = self.depth.saturating_sub(1);
                let id = self.mapping(range, entries);
                self.set_content(id);
            }
            Frame::Sequence { range, items } => {
                self.depth = self.depth.saturating_sub(1);
                let expanded = items.iter().fold(1u64, |sum, &item| {
                    sum.saturating_add(self.doc.expanded(item))
                });
                let id = self.doc.push(
                    Node {
                        kind: NodeKind::Sequence(items),
                        range,
                        anchor: None,
                        tag: None,
                    },
                    expanded,
                );
                self.check_expansion(id);
                self.set_content(id);
            }
            Frame::Pair { range, key, value } => {
                let key = key.unwrap_or_else(|| self.null_at(range.start));
                let value = value.unwrap_or_else(|| self.null_at(range.end));
                match self.frames.last_mut() {
                    Some(Frame::Mapping { entries, .. }) => entries.push((key, value)),
                    Some(Frame::Sequence { .. }) => {
                        // `[a: 1]`: a single-pair mapping inside a flow sequence.
                        let id = self.mapping(range, vec![(key, value)]);
                        if let Some(Frame::Sequence { items, .. }) = self.frames.last_mut() {
                            items.push(id);
                        }
                    }
                    _ => {}
                }
            }
            Frame::Item { range, value } => {
                let value = value.unwrap_or_else(|| self.null_at(range.end));
                if let Some(Frame::Sequence { items, .. }) = self.frames.last_mut() {
                    items.push(value);
                }
            }
        }
    }

    fn slice(&self, range: TextRange) -> &str {
        self.text.get(range.as_range()).unwrap_or("")
    }

    /// The number of spaces that start the line holding `offset`.
    fn line_indent(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let start = bytes[..offset.min(bytes.len())]
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |i| i + 1);
        bytes[start..].iter().take_while(|&&b| b == b' ').count()
    }

    fn null_at(&mut self, offset: usize) -> NodeId {
        self.doc.push(
            Node {
                kind: NodeKind::Scalar(Scalar {
                    text: String::new(),
                    value: ScalarValue::Null,
                    style: ScalarStyle::Plain,
                }),
                range: TextRange::empty(offset),
                anchor: None,
                tag: None,
            },
            1,
        )
    }

    fn leaf(&mut self, scalar: Scalar, range: TextRange) {
        let id = self.doc.push(
            Node {
                kind: NodeKind::Scalar(scalar),
                range,
                anchor: None,
                tag: None,
            },
            1,
        );
        self.set_content(id);
    }

    fn alias(&mut self, range: TextRange) {
        let name = self.slice(range).trim_start_matches('*').to_owned();
        let target = self.doc.anchors.get(&name).copied();
        if target.is_none() {
            self.problems.push(SyntaxProblem {
                kind: ProblemKind::Syntax,
                range,
                message: format!(
                    "invalid YAML: no anchor `&{name}` comes before the alias `*{name}`"
                ),
                related: None,
            });
        }
        let expanded = target.map_or(1, |target| self.doc.expanded(target));
        let id = self.doc.push(
            Node {
                kind: NodeKind::Alias { name, target },
                range,
                anchor: None,
                tag: None,
            },
            expanded,
        );
        self.set_content(id);
    }

    /// Makes `id` the content of the innermost `block_node`/`flow_node`.
    fn set_content(&mut self, id: NodeId) {
        if let Some(Frame::Node { content, .. }) = self.frames.last_mut() {
            *content = Some(id);
        }
    }

    /// Hands a finished node to the frame around it.
    fn attach(&mut self, id: NodeId, role: Role) {
        let null_after = self.doc.node(id).range.end;
        match self.frames.last_mut() {
            Some(Frame::Pair { key, value, .. }) => {
                if role == Role::Key {
                    *key = Some(id);
                } else {
                    *value = Some(id);
                }
            }
            Some(Frame::Item { value, .. }) => *value = Some(id),
            Some(Frame::Sequence { items, .. }) => items.push(id),
            Some(Frame::Mapping { .. }) => {
                // `{a, b}`: a key without a value.
                let null = self.null_at(null_after);
                if let Some(Frame::Mapping { entries, .. }) = self.frames.last_mut() {
                    entries.push((id, null));
                }
            }
            Some(Frame::Document { root, .. }) => *root = Some(id),
            Some(Frame::Node { content, .. }) => *content = Some(id),
            Some(Frame::Transparent) | None => {}
        }
    }

    /// Builds a mapping: reports duplicate keys and applies merge keys.
    fn mapping(&mut self, range: TextRange, own: Vec<(NodeId, NodeId)>) -> NodeId {
        let mut entries: Vec<Entry> = Vec::with_capacity(own.len());
        let mut seen: HashMap<String, NodeId> = HashMap::with_capacity(own.len());
        let mut merges: Vec<(NodeId, NodeId)> = Vec::new();
        let mut expanded: u64 = 1;
        for (key, value) in own {
            expanded = expanded
                .saturating_add(self.doc.expanded(key))
                .saturating_add(self.doc.expanded(value));
            let is_merge = matches!(
                &self.doc.node(key).kind,
                NodeKind::Scalar(Scalar { text, style: ScalarStyle::Plain, .. }) if text == "<<"
            );
            if is_merge {
                merges.push((key, value));
                continue;
            }
            if let Some(text) = self.doc.key_text(key) {
                if let Some(&first) = seen.get(text) {
                    self.problems.push(SyntaxProblem {
                        kind: ProblemKind::DuplicateKey,
                        range: self.doc.node(key).range,
                        message: format!(
                            "duplicate key `{text}`: YAML forbids it, strict parsers (Compose's) reject the file, and lenient ones keep this last value, which ddia reads"
                        ),
                        related: Some((
                            self.doc.node(first).range,
                            format!("`{text}` is first defined here"),
                        )),
                    });
                    // The last value wins: the earlier entry goes, this one is kept in
                    // its place in the text.
                    let doc = &self.doc;
                    entries.retain(|entry| doc.key_text(entry.key) != Some(text));
                } else {
                    seen.insert(text.to_owned(), key);
                }
            }
            entries.push(Entry {
                key,
                value,
                merged_from: None,
            });
        }
        for (merge_key, value) in merges {
            let value = self.doc.resolve(value);
            let sources: Vec<NodeId> = match &self.doc.node(value).kind {
                NodeKind::Sequence(items) => items.iter().map(|&i| self.doc.resolve(i)).collect(),
                _ => vec![value],
            };
            for source in sources {
                let NodeKind::Mapping(source_entries) = self.doc.node(source).kind.clone() else {
                    if !matches!(
                        self.doc.node(source).kind,
                        NodeKind::Alias { target: None, .. }
                    ) {
                        self.problems.push(SyntaxProblem {
                            kind: ProblemKind::Syntax,
                            range: self.doc.node(source).range,
                            message: "invalid YAML: a merge key `<<` takes a mapping or a list of mappings".to_owned(),
                            related: None,
                        });
                    }
                    continue;
                };
                let budget_left = MAX_ALIAS_EXPANSION.saturating_sub(self.doc.merge_copies);
                if source_entries.len() as u64 > budget_left {
                    if !self.doc.expansion_reported {
                        self.doc.expansion_reported = true;
                        self.problems.push(SyntaxProblem {
                            kind: ProblemKind::Limit,
                            range: self.doc.node(merge_key).range,
                            message: format!(
                                "merge keys copy more than {} entries in this document: ddia stops merging here",
                                thousands(MAX_ALIAS_EXPANSION)
                            ),
                            related: None,
                        });
                    }
                    continue;
                }
                self.doc.merge_copies += source_entries.len() as u64;
                let mut merged = Vec::new();
                for entry in &source_entries {
                    let Some(text) = self.doc.key_text(entry.key) else {
                        continue;
                    };
                    if seen.contains_key(text) {
                        continue;
                    }
                    seen.insert(text.to_owned(), entry.key);
                    merged.push(Entry {
                        key: entry.key,
                        value: entry.value,
                        merged_from: Some(merge_key),
                    });
                }
                entries.extend(merged);
            }
        }
        let id = self.doc.push(
            Node {
                kind: NodeKind::Mapping(entries),
                range,
                anchor: None,
                tag: None,
            },
            expanded,
        );
        self.check_expansion(id);
        id
    }

    /// Reports, once per document, a collection that aliases make stand for more
    /// than [`MAX_ALIAS_EXPANSION`] nodes, naming the alias that contributes most.
    fn check_expansion(&mut self, id: NodeId) {
        if self.doc.expansion_reported || self.doc.expanded(id) <= MAX_ALIAS_EXPANSION {
            return;
        }
        let children: Vec<NodeId> = match &self.doc.node(id).kind {
            NodeKind::Sequence(items) => items.clone(),
            NodeKind::Mapping(entries) => entries.iter().map(|e| e.value).collect(),
            _ => Vec::new(),
        };
        let biggest_alias = children
            .into_iter()
            .filter(|&child| matches!(self.doc.node(child).kind, NodeKind::Alias { .. }))
            .max_by_key(|&child| self.doc.expanded(child));
        let Some(alias) = biggest_alias else {
            return;
        };
        self.doc.expansion_reported = true;
        let name = match &self.doc.node(alias).kind {
            NodeKind::Alias { name, .. } => name.clone(),
            _ => String::new(),
        };
        self.problems.push(SyntaxProblem {
            kind: ProblemKind::Limit,
            range: self.doc.node(alias).range,
            message: format!(
                "the alias `*{name}` makes this document stand for more than {} nodes (an alias bomb?): ddia reads each anchor once and never expands it",
                thousands(MAX_ALIAS_EXPANSION)
            ),
            related: None,
        });
    }
}

/// Formats a count with thousands separators: 1000000 → "1,000,000".
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
