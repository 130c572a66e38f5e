//! The spanned YAML view: documents of arena-allocated nodes, each with its byte range.
//!
//! Nodes live in one `Vec` per document and refer to each other by [`NodeId`], so a
//! deeply nested document is dropped without recursion and an alias is a reference
//! to its anchor's node, never a copy (a billion-laughs document stays small).
//! Mappings keep their entries in source order with merge keys (`<<`) already
//! applied; every lookup goes through [`YamlDocument::get`], which follows aliases.

use crate::text::TextRange;

/// The index of a node in its document's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A scalar's value under the YAML 1.2 core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum ScalarValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String,
}

/// A scalar node: its decoded text and its typed value.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The content after unquoting, unescaping and folding.
    pub text: String,
    pub value: ScalarValue,
    pub style: ScalarStyle,
}

impl Scalar {
    /// The text of a string scalar, or of any scalar rendered as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// One `key: value` of a mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: NodeId,
    pub value: NodeId,
    /// The `<<` entry this one was merged in through, if it was.
    pub merged_from: Option<NodeId>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    /// Entries in source order; merged entries follow the mapping's own ones.
    Mapping(Vec<Entry>),
    Sequence(Vec<NodeId>),
    /// `*name`; `target` is the anchored node, or `None` if no such anchor precedes it.
    Alias {
        name: String,
        target: Option<NodeId>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// The range of the node's content (anchor and tag excluded).
    pub range: TextRange,
    pub anchor: Option<String>,
    pub tag: Option<String>,
}

/// One document of a YAML stream.
#[derive(Clone, Default)]
pub struct YamlDocument {
    pub(crate) nodes: Vec<Node>,
    pub root: Option<NodeId>,
    /// The range of the whole document, markers included.
    pub range: TextRange,
    /// The aliases that name an anchor, in node order (most documents have none:
    /// anchor lookups then cost nothing, and otherwise they never walk every node).
    pub(crate) aliases: Vec<NodeId>,
    /// The nodes that carry an anchor, in node order, and how many nodes each stands
    /// for with aliases followed.
    pub(crate) anchors: Vec<NodeId>,
    pub(crate) anchor_expanded: Vec<u64>,
    /// Whether the nodes' ends never decrease in arena order (nodes are added children
    /// first, in document order, so they do in practice): then the nodes an edit can
    /// move are a suffix of the arena, found by binary search.
    pub(crate) ends_sorted: bool,
    /// How many entries merge keys copied (at most; a region parsed again adds its
    /// own), for the limit on merges.
    pub(crate) merge_copies: u64,
}

impl std::fmt::Debug for YamlDocument {
    /// Everything but the merge count, which is only a bound after regions change.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YamlDocument")
            .field("nodes", &self.nodes)
            .field("root", &self.root)
            .field("range", &self.range)
            .field("aliases", &self.aliases)
            .field("anchors", &self.anchors)
            .field("anchor_expanded", &self.anchor_expanded)
            .field("ends_sorted", &self.ends_sorted)
            .finish()
    }
}

/// A comment and its range (the `#` included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: TextRange,
    pub text: String,
}

/// All documents of a file, and its comments.
#[derive(Clone, Debug, Default)]
pub struct YamlStream {
    pub documents: Vec<YamlDocument>,
    pub comments: Vec<Comment>,
}

impl YamlStream {
    /// Whether `offset` lies inside a scalar's content (a plain, quoted or block
    /// scalar, keys included) or a comment: text that YAML reads as text.
    pub fn is_text_at(&self, offset: usize) -> bool {
        let in_comment = {
            let after = self.comments.partition_point(|c| c.range.end <= offset);
            self.comments
                .get(after)
                .is_some_and(|c| c.range.start <= offset)
        };
        if in_comment {
            return true;
        }
        self.documents
            .iter()
            .filter(|doc| {
                doc.range.start <= offset && offset < doc.range.end.max(doc.range.start + 1)
            })
            .any(|doc| doc.scalar_holds(offset))
    }
}

impl YamlDocument {
    /// The index of the first node (in arena order) that ends at or after `offset`:
    /// every node before it ends before `offset` (0 when the ends are not sorted).
    pub(crate) fn first_ending_at_or_after(&self, offset: usize) -> usize {
        if self.ends_sorted {
            self.nodes.partition_point(|node| node.range.end < offset)
        } else {
            0
        }
    }

    /// Whether a scalar node's range holds `offset` (its start included, its end not).
    fn scalar_holds(&self, offset: usize) -> bool {
        let holds = |node: &Node| {
            matches!(node.kind, NodeKind::Scalar(_))
                && node.range.start <= offset
                && offset < node.range.end
        };
        if !self.ends_sorted {
            return self.nodes.iter().any(holds);
        }
        // Scalars never nest, and the arena is ordered by end: the first scalar that
        // ends after `offset` is the only one that can hold it.
        let first = self.nodes.partition_point(|node| node.range.end <= offset);
        self.nodes[first..]
            .iter()
            .find(|node| matches!(node.kind, NodeKind::Scalar(_)))
            .is_some_and(holds)
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// The number of nodes in the document (aliases count once).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Follows an alias to its anchored node; other nodes are returned as they are.
    /// An alias to an unknown anchor stays an alias.
    pub fn resolve(&self, id: NodeId) -> NodeId {
        match &self.node(id).kind {
            NodeKind::Alias {
                target: Some(target),
                ..
            } => *target,
            _ => id,
        }
    }

    /// The node's kind after following an alias.
    pub fn kind(&self, id: NodeId) -> &NodeKind {
        &self.node(self.resolve(id)).kind
    }

    /// The entries of a mapping (after following an alias); empty for anything else.
    pub fn entries(&self, id: NodeId) -> &[Entry] {
        match self.kind(id) {
            NodeKind::Mapping(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (after following an alias); empty for anything else.
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match self.kind(id) {
            NodeKind::Sequence(items) => items,
            _ => &[],
        }
    }

    pub fn is_mapping(&self, id: NodeId) -> bool {
        matches!(self.kind(id), NodeKind::Mapping(_))
    }

    pub fn is_sequence(&self, id: NodeId) -> bool {
        matches!(self.kind(id), NodeKind::Sequence(_))
    }

    /// The scalar of a node (after following an alias).
    pub fn scalar(&self, id: NodeId) -> Option<&Scalar> {
        match self.kind(id) {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The text of a scalar node that is not null.
    pub fn str(&self, id: NodeId) -> Option<&str> {
        self.scalar(id)
            .filter(|scalar| scalar.value != ScalarValue::Null)
            .map(Scalar::as_str)
    }

    /// Whether a node is a null scalar (`~`, `null`, or nothing at all).
    pub fn is_null(&self, id: NodeId) -> bool {
        matches!(
            self.scalar(id),
            Some(Scalar {
                value: ScalarValue::Null,
                ..
            })
        )
    }

    /// The text of a mapping key, if it is a scalar.
    pub fn key_text(&self, key: NodeId) -> Option<&str> {
        self.scalar(key).map(Scalar::as_str)
    }

    /// The entry of `mapping` whose key is `key`, merged entries included.
    pub fn get_entry(&self, mapping: NodeId, key: &str) -> Option<Entry> {
        self.entries(mapping)
            .iter()
            .find(|entry| self.key_text(entry.key) == Some(key))
            .copied()
    }

    /// The value of `mapping[key]`.
    pub fn get(&self, mapping: NodeId, key: &str) -> Option<NodeId> {
        self.get_entry(mapping, key).map(|entry| entry.value)
    }

    /// The value at a path of keys from `node`.
    pub fn get_path(&self, node: NodeId, path: &[&str]) -> Option<NodeId> {
        path.iter().try_fold(node, |at, key| self.get(at, key))
    }

    /// The range where a node is written (an alias's own range, not its anchor's).
    /// Where a node's own content ends: its last scalar, key or bracket, never the
    /// blank lines and comments that a block collection's range can run on to.
    pub fn content_end(&self, id: NodeId) -> usize {
        let mut id = id;
        // Bounded by the nesting depth: each step goes one level down.
        loop {
            // Entries copied by a merge key (`<<: *base`) sit where their anchor is.
            let own_last = self
                .entries(id)
                .iter()
                .rev()
                .find(|e| e.merged_from.is_none());
            if let Some(last) = own_last {
                let key_end = self.range(last.key).end;
                // A key with no value (`read_only:`) ends at its key.
                if self.range(last.value).is_empty() || self.range(last.value).end <= key_end {
                    return key_end;
                }
                id = last.value;
            } else if let Some(&last) = self.items(id).last() {
                if self.range(last).is_empty() {
                    return self.range(id).end;
                }
                id = last;
            } else {
                return self.range(id).end;
            }
        }
    }

    pub fn range(&self, id: NodeId) -> TextRange {
        self.node(id).range
    }

    /// Whether any alias names an anchor.
    pub fn has_aliases(&self) -> bool {
        !self.aliases.is_empty()
    }

    /// Every anchored node that an alias (or a merge key) refers to: its range, its
    /// anchor name, and the ranges of the aliases that use it, in source order.
    pub fn shared_anchors(&self) -> Vec<(TextRange, &str, Vec<TextRange>)> {
        let mut uses: std::collections::BTreeMap<NodeId, Vec<TextRange>> = Default::default();
        for &alias in &self.aliases {
            let node = self.node(alias);
            if let NodeKind::Alias {
                target: Some(target),
                ..
            } = &node.kind
            {
                uses.entry(*target).or_default().push(node.range);
            }
        }
        uses.into_iter()
            .map(|(target, aliases)| {
                let node = self.node(target);
                (node.range, node.anchor.as_deref().unwrap_or(""), aliases)
            })
            .collect()
    }
}

impl YamlStream {
    /// The first document with content, if any.
    pub fn first_document(&self) -> Option<&YamlDocument> {
        self.documents.iter().find(|doc| doc.root.is_some())
    }
}
