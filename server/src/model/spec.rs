//! Reads a system spec (`system-spec.md`) into the system model.

use super::values::{Duration, Quantity, parse_percentage};
use super::*;
use crate::syntax::{NodeId, NodeKind, ScalarValue, YamlDocument};
use crate::text::TextRange;

/// Builds the model of a system spec from its first document with content.
pub fn from_spec(doc: &YamlDocument, text: &str) -> SystemModel {
    from_spec_reusing(doc, text, None)
}

/// Builds the model of a spec after one edit, keeping the components of `previous`
/// (the model of the text before `edit`) whose lines the edit does not touch and,
/// when the edit is inside an anchor that aliases use, that use no alias: they are
/// moved by the edit instead of read again. The result equals [`from_spec`] of the new
/// text (debug builds check it).
pub fn from_spec_reusing(
    doc: &YamlDocument,
    text: &str,
    previous: Option<(SystemModel, TextEdit)>,
) -> SystemModel {
    let mut reader = Reader {
        doc,
        text,
        problems: Vec::new(),
    };
    let mut reuse = previous.and_then(|(model, edit)| SpecReuse::new(doc, model, edit));
    let mut model = SystemModel::new(SourceFormat::Spec, doc.range);
    if let Some(root) = doc.root {
        reader.read_spec(root, &mut model, &mut reuse);
    }
    model.problems = reader.problems;
    if cfg!(debug_assertions) && reuse.is_some_and(|reuse| reuse.reused > 0) {
        debug_assert_eq!(
            model,
            from_spec(doc, text),
            "the reused spec model differs from a fresh one"
        );
    }
    model
}

/// The components of the previous model, by section and in order, with the problems
/// each one reported.
struct SpecReuse {
    edit: TextEdit,
    in_shared_anchor: bool,
    datastores: OldSection<Datastore>,
    services: OldSection<Service>,
    streams: OldSection<Stream>,
    workflows: OldSection<Workflow>,
    consensus: OldSection<ConsensusGroup>,
    /// The previous model's problems; a kept component takes its own out.
    problems: Vec<Option<ModelProblem>>,
    /// How many components were kept (for the debug check).
    reused: usize,
}

impl SpecReuse {
    /// The problems a previous component reported, taken out of the pool.
    fn take_problems(&mut self, part: &SpecPartIndex) -> Vec<ModelProblem> {
        self.problems
            .get_mut(part.problems_start..part.problems_start + part.problems_len)
            .map(|own| own.iter_mut().filter_map(Option::take).collect())
            .unwrap_or_default()
    }
}

/// The previous components of one section: their parts in order, and the list itself,
/// which becomes the new model's (kept components stay where they are).
struct OldSection<T> {
    parts: std::vec::IntoIter<SpecPartIndex>,
    components: Vec<T>,
}

impl<T> OldSection<T> {
    fn new(parts: &[SpecPartIndex], section: SpecSection, components: Vec<T>) -> Self {
        let parts: Vec<SpecPartIndex> = parts
            .iter()
            .filter(|part| part.section == section)
            .copied()
            .collect();
        OldSection {
            parts: parts.into_iter(),
            components,
        }
    }

    fn len(&self) -> usize {
        self.parts.len()
    }
}

impl SpecReuse {
    fn new(doc: &YamlDocument, model: SystemModel, edit: TextEdit) -> Option<SpecReuse> {
        let parts = &model.spec_parts;
        let built = |section: SpecSection| {
            parts
                .iter()
                .filter(|p| p.section == section && p.built)
                .count()
        };
        let adds_up = model.format == SourceFormat::Spec
            && built(SpecSection::Datastores) == model.datastores.len()
            && built(SpecSection::Services) == model.services.len()
            && built(SpecSection::Streams) == model.streams.len()
            && built(SpecSection::Workflows) == model.workflows.len()
            && built(SpecSection::Consensus) == model.consensus_groups.len()
            && parts
                .iter()
                .all(|p| p.problems_start + p.problems_len <= model.problems.len());
        if !adds_up {
            return None;
        }
        // `doc` is the new text: the edit's new bytes are `start..start + new_len`.
        let in_shared_anchor = doc.shared_anchors().iter().any(|(anchor, _, _)| {
            anchor.start <= edit.start && edit.start + edit.new_len <= anchor.end
        });
        let SystemModel {
            datastores,
            services,
            streams,
            workflows,
            consensus_groups,
            problems,
            spec_parts,
            ..
        } = model;
        Some(SpecReuse {
            edit,
            in_shared_anchor,
            datastores: OldSection::new(&spec_parts, SpecSection::Datastores, datastores),
            services: OldSection::new(&spec_parts, SpecSection::Services, services),
            streams: OldSection::new(&spec_parts, SpecSection::Streams, streams),
            workflows: OldSection::new(&spec_parts, SpecSection::Workflows, workflows),
            consensus: OldSection::new(&spec_parts, SpecSection::Consensus, consensus_groups),
            problems: problems.into_iter().map(Some).collect(),
            reused: 0,
        })
    }
}

/// The keys of each mapping of the vocabulary, named like the JSON Schema's `$defs`
/// (`spec` is the top level). A test keeps this table and the schema in step.
pub const SPEC_KEYS: &[(&str, &[&str])] = &[
    (
        "spec",
        &[
            "ddia",
            "system",
            "description",
            "requirements",
            "datastores",
            "services",
            "streams",
            "workflows",
            "consensus",
            "observability",
            "decisions",
        ],
    ),
    (
        "requirements",
        &[
            "load",
            "latency",
            "availability",
            "consistency",
            "access_patterns",
        ],
    ),
    (
        "load",
        &[
            "requests_per_second",
            "read_write_ratio",
            "data_volume",
            "growth",
            "concurrent_users",
        ],
    ),
    ("accessPattern", &["name", "datastore", "kind", "key"]),
    (
        "datastore",
        &[
            "model",
            "engine",
            "technology",
            "workload",
            "consistency",
            "replication",
            "partitioning",
            "transactions",
            "backup",
        ],
    ),
    (
        "replication",
        &[
            "mode",
            "replicas",
            "sync",
            "conflict_resolution",
            "write_quorum",
            "read_quorum",
            "sloppy_quorum",
            "read_repair",
            "anti_entropy",
            "regions",
            "offline_clients",
            "failover",
            "rationale",
        ],
    ),
    (
        "partitioning",
        &[
            "strategy",
            "key",
            "key_kind",
            "partitions",
            "rebalancing",
            "secondary_indexes",
        ],
    ),
    ("transactions", &["isolation", "distributed"]),
    ("backup", &["schedule", "restore_tested"]),
    ("service", &["replicas", "depends_on"]),
    (
        "dependency",
        &["timeout", "retries", "circuit_breaker", "mode"],
    ),
    ("retries", &["max", "backoff", "jitter"]),
    (
        "stream",
        &[
            "broker",
            "partitions",
            "replication_factor",
            "min_insync_replicas",
            "delivery",
            "ordering_key",
            "schema",
            "consumers",
        ],
    ),
    ("eventSchema", &["format", "versioned", "compatibility"]),
    ("consumer", &["idempotent", "requires_ordering"]),
    ("workflow", &["pattern", "steps"]),
    ("step", &["name", "service", "compensation"]),
    ("consensusGroup", &["algorithm", "nodes", "faulty"]),
    (
        "observability",
        &["metrics", "logging", "tracing", "alerts"],
    ),
    (
        "decision",
        &["id", "title", "tradeoff", "status", "context", "decision"],
    ),
];

/// The known keys of a mapping of the vocabulary.
fn keys(section: &str) -> &'static [&'static str] {
    let found = SPEC_KEYS.iter().find(|(name, _)| *name == section);
    debug_assert!(found.is_some(), "SPEC_KEYS has no row `{section}`");
    found.map_or(&[], |(_, keys)| keys)
}

/// Reads typed values out of YAML nodes, recording what does not fit.
pub(crate) struct Reader<'a> {
    pub(crate) doc: &'a YamlDocument,
    pub(crate) text: &'a str,
    pub(crate) problems: Vec<ModelProblem>,
}

/// Describes what a scalar is, for "expected X, found Y" messages.
fn describe(doc: &YamlDocument, id: NodeId) -> String {
    match doc.kind(id) {
        NodeKind::Mapping(_) => "a mapping".to_owned(),
        NodeKind::Sequence(_) => "a list".to_owned(),
        NodeKind::Alias { name, .. } => format!("an unknown alias `*{name}`"),
        NodeKind::Scalar(scalar) => match scalar.value {
            ScalarValue::Null => "nothing".to_owned(),
            ScalarValue::Bool(_) => format!("`{}`", scalar.text),
            ScalarValue::Int(_) | ScalarValue::Float(_) => format!("`{}`", scalar.text),
            ScalarValue::String => format!("\"{}\"", truncate(&scalar.text, 40)),
        },
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}

impl<'a> Reader<'a> {
    fn problem(&mut self, range: TextRange, message: String) {
        self.problems.push(ModelProblem {
            kind: ProblemKind::Invalid,
            range,
            message,
            suggestion: None,
        });
    }

    fn entries(&self, map: NodeId) -> impl Iterator<Item = (NodeId, NodeId, &'a str)> + 'a {
        let doc = self.doc;
        doc.entries(map).iter().filter_map(move |entry| {
            let key = doc.key_text(entry.key)?;
            Some((entry.key, entry.value, key))
        })
    }

    /// Reports keys of `map` that are not in `known` (extension keys `x-*` aside).
    pub(crate) fn check_keys(&mut self, map: NodeId, context: &str, known: &[&str]) {
        for (key, _, name) in self.entries(map) {
            if known.contains(&name) || name.starts_with("x-") {
                continue;
            }
            let range = self.doc.range(key);
            let suggestion = super::suggest::closest(name, known);
            let message = match suggestion {
                Some(known) => {
                    format!("unknown key `{name}` in {context}: did you mean `{known}`?")
                }
                None => format!(
                    "unknown key `{name}` in {context}; the known keys are {}",
                    known.join(", ")
                ),
            };
            self.problems.push(ModelProblem {
                kind: ProblemKind::UnknownKey,
                range,
                message,
                suggestion: suggestion.map(str::to_owned),
            });
        }
    }

    /// The value of `map[key]` unless it is null (a key with no value).
    fn value(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        let entry = self.doc.get_entry(map, key)?;
        if self.doc.is_null(entry.value) || self.is_unresolved_alias(entry.value) {
            return None;
        }
        Some((entry.key, entry.value))
    }

    fn spanned<T>(&self, value: T, key: NodeId, node: NodeId) -> Spanned<T> {
        Spanned::new(value, self.doc.range(node), self.doc.range(key))
    }

    /// Reads `map[key]` with `read`; a value it rejects is reported as not being
    /// `expected` ("a whole number").
    fn typed<T>(
        &mut self,
        map: NodeId,
        key: &str,
        expected: &str,
        read: impl Fn(&crate::syntax::Scalar) -> Option<T>,
    ) -> Option<Spanned<T>> {
        let (key_id, node) = self.value(map, key)?;
        match self.doc.scalar(node).and_then(read) {
            Some(value) => Some(self.spanned(value, key_id, node)),
            None => {
                let found = describe(self.doc, node);
                self.problem(
                    self.doc.range(node),
                    format!("`{key}` must be {expected}, found {found}"),
                );
                None
            }
        }
    }

    pub(crate) fn string(&mut self, map: NodeId, key: &str) -> Option<Spanned<String>> {
        self.typed(map, key, "a text value", |scalar| Some(scalar.text.clone()))
    }

    pub(crate) fn integer(&mut self, map: NodeId, key: &str) -> Option<Spanned<i64>> {
        self.typed(map, key, "a whole number", |scalar| match scalar.value {
            ScalarValue::Int(value) => Some(value),
            _ => None,
        })
    }

    fn number(&mut self, map: NodeId, key: &str) -> Option<Spanned<f64>> {
        self.typed(map, key, "a number", |scalar| match scalar.value {
            ScalarValue::Int(value) => Some(value as f64),
            ScalarValue::Float(value) if value.is_finite() => Some(value),
            _ => None,
        })
    }

    pub(crate) fn boolean(&mut self, map: NodeId, key: &str) -> Option<Spanned<bool>> {
        self.typed(map, key, "true or false", |scalar| match scalar.value {
            ScalarValue::Bool(value) => Some(value),
            _ => None,
        })
    }

    /// Reads an enumerated value; `values` lists the valid spellings for the message.
    pub(crate) fn choice<T: Copy>(
        &mut self,
        map: NodeId,
        key: &str,
        parse: fn(&str) -> Option<T>,
        values: &[&str],
    ) -> Option<Spanned<T>> {
        let (key_id, node) = self.value(map, key)?;
        let parsed = self.doc.scalar(node).and_then(|s| parse(&s.text));
        match parsed {
            Some(value) => Some(self.spanned(value, key_id, node)),
            None => {
                let found = describe(self.doc, node);
                let suggestion = self
                    .doc
                    .str(node)
                    .and_then(|text| super::suggest::closest(text, values));
                let message = match suggestion {
                    Some(value) => format!(
                        "{found} is not a valid `{key}`: did you mean `{value}`? (one of {})",
                        values.join(", ")
                    ),
                    None => format!(
                        "`{key}` must be one of {}; found {found}",
                        values.join(", ")
                    ),
                };
                self.problems.push(ModelProblem {
                    kind: ProblemKind::Invalid,
                    range: self.doc.range(node),
                    message,
                    suggestion: suggestion.map(str::to_owned),
                });
                None
            }
        }
    }

    fn duration(&mut self, key_id: NodeId, node: NodeId, key: &str) -> Option<Spanned<Duration>> {
        let parsed = self
            .doc
            .scalar(node)
            .filter(|s| s.value == ScalarValue::String)
            .and_then(|s| Duration::parse(&s.text));
        match parsed {
            Some(value) => Some(self.spanned(value, key_id, node)),
            None => {
                let found = describe(self.doc, node);
                self.problem(
                    self.doc.range(node),
                    format!("`{key}` must be a duration with a unit (ms, s or m), such as 250ms; found {found}"),
                );
                None
            }
        }
    }

    fn string_list(&mut self, map: NodeId, key: &str) -> Option<Spanned<Vec<Spanned<String>>>> {
        let (key_id, node) = self.value(map, key)?;
        if !self.doc.is_sequence(node) {
            let found = describe(self.doc, node);
            self.problem(
                self.doc.range(node),
                format!("`{key}` must be a list, found {found}"),
            );
            return None;
        }
        let mut items = Vec::new();
        for &item in self.doc.items(node) {
            match self.doc.str(item) {
                Some(text) => items.push(Spanned::new(
                    text.to_owned(),
                    self.doc.range(item),
                    self.doc.range(item),
                )),
                None => {
                    let found = describe(self.doc, item);
                    self.problem(
                        self.doc.range(item),
                        format!("items of `{key}` must be text values, found {found}"),
                    );
                }
            }
        }
        Some(self.spanned(items, key_id, node))
    }

    /// The mapping under `map[key]`, as a section; a null value is an empty section.
    /// Anything else is reported and skipped.
    pub(crate) fn section(&mut self, map: NodeId, key: &str) -> Option<(Section, Option<NodeId>)> {
        let entry = self.doc.get_entry(map, key)?;
        self.section_of(entry.key, entry.value, key)
    }

    /// An alias to an unknown anchor: already a syntax error, so not read as a value.
    fn is_unresolved_alias(&self, id: NodeId) -> bool {
        matches!(self.doc.kind(id), NodeKind::Alias { target: None, .. })
    }

    pub(crate) fn section_of(
        &mut self,
        key: NodeId,
        value: NodeId,
        name: &str,
    ) -> Option<(Section, Option<NodeId>)> {
        if self.is_unresolved_alias(value) {
            return None;
        }
        if self.doc.is_null(value) {
            return Some((self.section_info(key, None), None));
        }
        if !self.doc.is_mapping(value) {
            let found = describe(self.doc, value);
            self.problem(
                self.doc.range(value),
                format!("`{name}` must be a mapping of keys to values, found {found}"),
            );
            return None;
        }
        Some((self.section_info(key, Some(value)), Some(value)))
    }

    /// Where a section is and how a key would be added to it.
    pub(crate) fn section_info(&self, key: NodeId, value: Option<NodeId>) -> Section {
        let key_range = self.doc.range(key);
        let value_range = value.map_or(TextRange::empty(key_range.end), |v| self.doc.range(v));
        let insertion = self.insertion(key_range, value);
        Section {
            key: key_range,
            range: value_range,
            insertion,
        }
    }

    fn line_start(&self, offset: usize) -> usize {
        self.text.as_bytes()[..offset.min(self.text.len())]
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |i| i + 1)
    }

    fn line_content_end(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let offset = offset.min(bytes.len());
        bytes[offset..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .map_or(bytes.len(), |i| offset + i)
    }

    fn insertion(&self, key_range: TextRange, value: Option<NodeId>) -> Option<Insertion> {
        let key_column = key_range.start - self.line_start(key_range.start);
        let Some(value) = value else {
            // `replication:` with nothing after it: add the first child below the key.
            return Some(Insertion::Block {
                offset: self.line_content_end(key_range.end),
                indent: key_column + 2,
            });
        };
        let value = self.doc.resolve(value);
        let range = self.doc.range(value);
        if self.text.as_bytes().get(range.start) == Some(&b'{') {
            // After the last own entry, so a trailing comma or spacing before `}` is kept.
            let last = self
                .doc
                .entries(value)
                .iter()
                .filter(|e| e.merged_from.is_none())
                .map(|e| self.doc.range(e.value).end.max(self.doc.range(e.key).end))
                .max();
            return Some(match last {
                Some(offset) => Insertion::Flow {
                    offset,
                    empty: false,
                },
                None => Insertion::Flow {
                    offset: range.start + 1,
                    empty: true,
                },
            });
        }
        // A block mapping: indent like its first own key, after its last own entry.
        let mut own = self
            .doc
            .entries(value)
            .iter()
            .filter(|e| e.merged_from.is_none());
        let first = own.next()?;
        let last = own.next_back().unwrap_or(first);
        let first_key = self.doc.range(first.key).start;
        let indent = first_key - self.line_start(first_key);
        let last_end = self
            .doc
            .range(last.value)
            .end
            .max(self.doc.range(last.key).end);
        // Step back over trailing line breaks that a block scalar's range may include.
        let mut end = last_end;
        while end > 0 && matches!(self.text.as_bytes()[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Some(Insertion::Block {
            offset: self.line_content_end(end),
            indent,
        })
    }

    /// The named children of a mapping section: `(name, key, value)` for each entry.
    fn named_children(&mut self, map: NodeId) -> Vec<(Spanned<String>, NodeId, NodeId)> {
        self.component_entries(map)
            .into_iter()
            .map(|(name, key, value)| (self.component_name(name, key), key, value))
            .collect()
    }

    /// The entries of a section of components, names borrowed (a keystroke keeps most
    /// components and needs no copy of their names).
    fn component_entries(&self, map: NodeId) -> Vec<(&'a str, NodeId, NodeId)> {
        self.entries(map)
            // Extension entries (`x-shared: ...`) are not components.
            .filter(|(_, _, name)| !name.starts_with("x-"))
            .map(|(key, value, name)| (name, key, value))
            .collect()
    }

    /// A component's name, spanned by its key (made only for components read again).
    fn component_name(&self, name: &str, key: NodeId) -> Spanned<String> {
        let range = self.doc.range(key);
        Spanned::new(name.to_owned(), range, range)
    }

    /// Whether the previous model's component for this entry can be kept: the edit
    /// cannot have changed it. If so, its problems (moved by the edit) are added to
    /// this reader's and its part is returned, moved; the caller moves the component.
    #[allow(clippy::too_many_arguments)]
    fn keep(
        &mut self,
        section: SpecSection,
        key: NodeId,
        value: NodeId,
        mut part: SpecPartIndex,
        mut problems: Vec<ModelProblem>,
        edit: TextEdit,
        in_shared_anchor: bool,
    ) -> Option<SpecPartIndex> {
        let range = self.doc.range(key).cover(self.doc.range(value));
        let holds_edit = super::shift::touches_lines(self.text, part.range, edit);
        if part.section != section
            || holds_edit
            || (part.uses_alias && in_shared_anchor)
            || edit.move_range(part.range) != range
        {
            return None;
        }
        problems.shift(&edit);
        part.range = range;
        part.problems_start = self.problems.len();
        self.problems.extend(problems);
        Some(part)
    }

    /// Reads one named component, noting what it contributed.
    fn build_part<T>(
        &mut self,
        section: SpecSection,
        name: &str,
        key: NodeId,
        value: NodeId,
        build: impl FnOnce(&mut Self, Spanned<String>, NodeId, NodeId) -> Option<T>,
    ) -> (SpecPartIndex, Option<T>) {
        let problems_start = self.problems.len();
        let name = self.component_name(name, key);
        let component = build(self, name, key, value);
        let part = SpecPartIndex {
            section,
            range: self.doc.range(key).cover(self.doc.range(value)),
            built: component.is_some(),
            problems_start,
            problems_len: self.problems.len() - problems_start,
            uses_alias: self.doc.has_aliases() && super::compose::uses_alias(self.doc, value),
        };
        (part, component)
    }

    fn read_spec(&mut self, root: NodeId, model: &mut SystemModel, reuse: &mut Option<SpecReuse>) {
        if !self.doc.is_mapping(root) {
            let found = describe(self.doc, root);
            self.problem(
                self.doc.range(root),
                format!("a system spec must be a mapping with keys such as `ddia` and `datastores`, found {found}"),
            );
            return;
        }
        model.top = self
            .doc
            .get_entry(root, "ddia")
            .or_else(|| self.doc.entries(root).first().copied())
            .map_or(TextRange::empty(self.doc.range(root).start), |entry| {
                self.doc.range(entry.key)
            });
        self.check_keys(root, "the spec", keys("spec"));
        model.version = self.integer(root, "ddia");
        if let Some(version) = &model.version
            && version.value != 1
        {
            let message = format!(
                "unsupported spec version {}: this ddia reads version 1",
                version.value
            );
            self.problem(version.range, message);
        }
        model.name = self.string(root, "system");
        model.description = self.string(root, "description");
        model.requirements = self.requirements(root);
        // One section of named components. With a previous model, its list becomes
        // this one: kept components are moved by the edit where they are, and only the
        // others are read again and put in their place.
        macro_rules! components {
            ($key:literal, $section:ident, $field:ident, $list:ident, $build:expr) => {
                if let Some((_, Some(map))) = self.section(root, $key) {
                    let children = self.component_entries(map);
                    let mut old = reuse
                        .as_mut()
                        .filter(|reuse| reuse.$field.len() == children.len());
                    let mut at = model.$list.len();
                    if let Some(reuse) = old.as_mut()
                        && model.$list.is_empty()
                    {
                        model.$list = std::mem::take(&mut reuse.$field.components);
                        at = 0;
                    }
                    for (name, key, value) in children {
                        let Some(reuse) = old.as_mut() else {
                            let (part, component) =
                                self.build_part(SpecSection::$section, name, key, value, $build);
                            model.push_spec_part(part, false);
                            model.$list.extend(component);
                            continue;
                        };
                        let Some(previous) = reuse.$field.parts.next() else {
                            continue;
                        };
                        let problems = reuse.take_problems(&previous);
                        let (edit, in_anchor) = (reuse.edit, reuse.in_shared_anchor);
                        let kept = self.keep(
                            SpecSection::$section,
                            key,
                            value,
                            previous,
                            problems,
                            edit,
                            in_anchor,
                        );
                        if let Some(part) = kept {
                            if part.built {
                                // A component that ends before the edit stays
                                // put: so do the anchors it uses, which YAML
                                // defines before their aliases.
                                if let Some(component) = model.$list.get_mut(at)
                                    && part.range.end >= edit.start
                                {
                                    component.shift(&edit);
                                }
                                at += 1;
                            }
                            reuse.reused += 1;
                            model.push_spec_part(part, true);
                            continue;
                        }
                        let (part, component) =
                            self.build_part(SpecSection::$section, name, key, value, $build);
                        model.push_spec_part(part, false);
                        match (previous.built && at < model.$list.len(), component) {
                            (true, Some(component)) => {
                                model.$list[at] = component;
                                at += 1;
                            }
                            (true, None) => {
                                model.$list.remove(at);
                            }
                            (false, Some(component)) => {
                                model.$list.insert(at.min(model.$list.len()), component);
                                at += 1;
                            }
                            (false, None) => {}
                        }
                    }
                    if old.is_some() {
                        // Only if the previous model did not add up: drop what is left.
                        model.$list.truncate(at);
                    }
                }
            };
        }
        components!(
            "datastores",
            Datastores,
            datastores,
            datastores,
            |r: &mut Self, n, k, v| r.datastore(n, k, v, Origin::Spec)
        );
        components!(
            "services",
            Services,
            services,
            services,
            |r: &mut Self, n, k, v| r.service(n, k, v)
        );
        components!(
            "streams",
            Streams,
            streams,
            streams,
            |r: &mut Self, n, k, v| r.stream(n, k, v)
        );
        components!(
            "workflows",
            Workflows,
            workflows,
            workflows,
            |r: &mut Self, n, k, v| r.workflow(n, k, v)
        );
        components!(
            "consensus",
            Consensus,
            consensus,
            consensus_groups,
            |r: &mut Self, n, k, v| r.consensus_group(n, k, v)
        );
        model.observability = self.observability(root);
        model.decisions = self.decisions(root);
    }

    fn requirements(&mut self, root: NodeId) -> Option<Requirements> {
        let (section, map) = self.section(root, "requirements")?;
        let mut requirements = Requirements {
            section,
            load: None,
            latency: None,
            availability: None,
            consistency: None,
            access_patterns: Vec::new(),
        };
        let Some(map) = map else {
            return Some(requirements);
        };
        self.check_keys(map, "`requirements`", keys("requirements"));
        if let Some((section, load)) = self.section(map, "load") {
            let mut value = Load {
                section,
                requests_per_second: None,
                read_write_ratio: None,
                data_volume: None,
                growth: None,
                concurrent_users: None,
            };
            if let Some(load) = load {
                self.check_keys(load, "`load`", keys("load"));
                value.requests_per_second = self.number(load, "requests_per_second");
                value.read_write_ratio = self.string(load, "read_write_ratio");
                value.data_volume = self.quantity(load, "data_volume");
                value.growth = self.string(load, "growth");
                value.concurrent_users = self.number(load, "concurrent_users");
            }
            requirements.load = Some(value);
        }
        if let Some((section, latency)) = self.section(map, "latency") {
            let mut targets = Vec::new();
            if let Some(latency) = latency {
                for (name, key, value) in self.named_children(latency) {
                    if name.value.starts_with("x-") {
                        continue;
                    }
                    let Some(statistic) = LatencyStatistic::parse(&name.value) else {
                        let spellings: Vec<&str> =
                            LatencyStatistic::ALL.iter().map(|s| s.as_str()).collect();
                        self.problem(
                            name.range,
                            format!(
                                "unknown latency statistic `{}`; expected one of: {}",
                                name.value,
                                spellings.join(", ")
                            ),
                        );
                        continue;
                    };
                    if let Some(duration) = self.duration(key, value, &name.value) {
                        targets.push(LatencyTarget {
                            statistic: Spanned::new(statistic, name.range, name.range),
                            value: duration,
                        });
                    }
                }
            }
            requirements.latency = Some(Latency { section, targets });
        }
        requirements.availability = self.percentage(map, "availability");
        requirements.consistency = self.choice(
            map,
            "consistency",
            Consistency::parse,
            &spellings(Consistency::ALL, Consistency::as_str),
        );
        if let Some((key, list)) = self.value(map, "access_patterns") {
            if self.doc.is_sequence(list) {
                for &item in self.doc.items(list) {
                    if let Some(pattern) = self.access_pattern(item) {
                        requirements.access_patterns.push(pattern);
                    }
                }
            } else {
                let found = describe(self.doc, list);
                self.problem(
                    self.doc.range(list),
                    format!("`access_patterns` must be a list, found {found}"),
                );
            }
            let _ = key;
        }
        Some(requirements)
    }

    fn quantity(&mut self, map: NodeId, key: &str) -> Option<Spanned<Quantity>> {
        let (key_id, node) = self.value(map, key)?;
        let parsed = self.doc.scalar(node).and_then(|s| Quantity::parse(&s.text));
        match parsed {
            Some(value) => Some(self.spanned(value, key_id, node)),
            None => {
                let found = describe(self.doc, node);
                self.problem(
                    self.doc.range(node),
                    format!("`{key}` must be a size with a unit (KB, MB, GB, TB or PB), such as 4TB; found {found}"),
                );
                None
            }
        }
    }

    fn percentage(&mut self, map: NodeId, key: &str) -> Option<Spanned<f64>> {
        let (key_id, node) = self.value(map, key)?;
        let parsed = self.doc.scalar(node).and_then(|s| match s.value {
            ScalarValue::Int(i) => Some(i as f64),
            ScalarValue::Float(f) => Some(f),
            _ => parse_percentage(&s.text),
        });
        match parsed {
            Some(value) if (0.0..=100.0).contains(&value) => {
                Some(self.spanned(value, key_id, node))
            }
            _ => {
                let found = describe(self.doc, node);
                self.problem(
                    self.doc.range(node),
                    format!("`{key}` must be a percentage such as 99.95%; found {found}"),
                );
                None
            }
        }
    }

    fn access_pattern(&mut self, item: NodeId) -> Option<AccessPattern> {
        if !self.doc.is_mapping(item) {
            let found = describe(self.doc, item);
            self.problem(
                self.doc.range(item),
                format!("an access pattern must be a mapping with `name`, `datastore`, `kind` and `key`; found {found}"),
            );
            return None;
        }
        self.check_keys(item, "an access pattern", keys("accessPattern"));
        Some(AccessPattern {
            range: self.doc.range(item),
            name: self.string(item, "name"),
            datastore: self.string(item, "datastore"),
            kind: self.choice(
                item,
                "kind",
                AccessKind::parse,
                &spellings(AccessKind::ALL, AccessKind::as_str),
            ),
            key: self.string(item, "key"),
        })
    }

    /// Reads one datastore (also used for `x-ddia` fragments).
    pub(crate) fn datastore(
        &mut self,
        name: Spanned<String>,
        key: NodeId,
        value: NodeId,
        origin: Origin,
    ) -> Option<Datastore> {
        let (section, map) = self.section_of(key, value, &name.value)?;
        let mut datastore = Datastore::new(name, origin, section);
        let Some(map) = map else {
            return Some(datastore);
        };
        self.check_keys(map, "a datastore", keys("datastore"));
        datastore.model = self.choice(
            map,
            "model",
            DataModel::parse,
            &spellings(DataModel::ALL, DataModel::as_str),
        );
        datastore.engine = self.choice(
            map,
            "engine",
            StorageEngine::parse,
            &spellings(StorageEngine::ALL, StorageEngine::as_str),
        );
        datastore.technology = self.string(map, "technology");
        datastore.workload = self.choice(
            map,
            "workload",
            WorkloadType::parse,
            &spellings(WorkloadType::ALL, WorkloadType::as_str),
        );
        datastore.consistency = self.choice(
            map,
            "consistency",
            Consistency::parse,
            &spellings(Consistency::ALL, Consistency::as_str),
        );
        datastore.replication = self.replication(map);
        if let Some((section, map)) = self.section(map, "partitioning") {
            let mut partitioning = Partitioning {
                section,
                strategy: None,
                key: None,
                key_kind: None,
                partitions: None,
                rebalancing: None,
                secondary_indexes: None,
            };
            if let Some(map) = map {
                self.check_keys(map, "`partitioning`", keys("partitioning"));
                partitioning.strategy = self.choice(
                    map,
                    "strategy",
                    PartitionStrategy::parse,
                    &spellings(PartitionStrategy::ALL, PartitionStrategy::as_str),
                );
                partitioning.key = self.string(map, "key");
                partitioning.key_kind = self.choice(
                    map,
                    "key_kind",
                    KeyKind::parse,
                    &spellings(KeyKind::ALL, KeyKind::as_str),
                );
                partitioning.partitions = self.integer(map, "partitions");
                partitioning.rebalancing = self.choice(
                    map,
                    "rebalancing",
                    Rebalancing::parse,
                    &spellings(Rebalancing::ALL, Rebalancing::as_str),
                );
                partitioning.secondary_indexes = self.choice(
                    map,
                    "secondary_indexes",
                    SecondaryIndexes::parse,
                    &spellings(SecondaryIndexes::ALL, SecondaryIndexes::as_str),
                );
            }
            datastore.partitioning = Some(partitioning);
        }
        if let Some((section, map)) = self.section(map, "transactions") {
            let mut transactions = Transactions {
                section,
                isolation: None,
                distributed: None,
            };
            if let Some(map) = map {
                self.check_keys(map, "`transactions`", keys("transactions"));
                transactions.isolation = self.choice(
                    map,
                    "isolation",
                    Isolation::parse,
                    &spellings(Isolation::ALL, Isolation::as_str),
                );
                transactions.distributed = self.choice(
                    map,
                    "distributed",
                    DistributedTransactions::parse,
                    &spellings(
                        DistributedTransactions::ALL,
                        DistributedTransactions::as_str,
                    ),
                );
            }
            datastore.transactions = Some(transactions);
        }
        if let Some((section, map)) = self.section(map, "backup") {
            let mut backup = Backup {
                section,
                schedule: None,
                restore_tested: None,
            };
            if let Some(map) = map {
                self.check_keys(map, "`backup`", keys("backup"));
                backup.schedule = self.string(map, "schedule");
                backup.restore_tested = self.boolean(map, "restore_tested");
            }
            datastore.backup = Some(backup);
        }
        Some(datastore)
    }

    pub(crate) fn replication(&mut self, map: NodeId) -> Option<Replication> {
        let (section, map) = self.section(map, "replication")?;
        let mut replication = Replication {
            section: Some(section),
            ..Replication::default()
        };
        let Some(map) = map else {
            return Some(replication);
        };
        self.check_keys(map, "`replication`", keys("replication"));
        replication.mode = self.choice(
            map,
            "mode",
            ReplicationMode::parse,
            &spellings(ReplicationMode::ALL, ReplicationMode::as_str),
        );
        replication.replicas = self.integer(map, "replicas");
        replication.sync = self.choice(
            map,
            "sync",
            SyncMode::parse,
            &spellings(SyncMode::ALL, SyncMode::as_str),
        );
        replication.conflict_resolution = self.choice(
            map,
            "conflict_resolution",
            ConflictResolution::parse,
            &spellings(ConflictResolution::ALL, ConflictResolution::as_str),
        );
        replication.write_quorum = self.integer(map, "write_quorum");
        replication.read_quorum = self.integer(map, "read_quorum");
        replication.sloppy_quorum = self.boolean(map, "sloppy_quorum");
        replication.read_repair = self.boolean(map, "read_repair");
        replication.anti_entropy = self.boolean(map, "anti_entropy");
        replication.regions = self.string_list(map, "regions");
        replication.offline_clients = self.boolean(map, "offline_clients");
        replication.failover = self.choice(
            map,
            "failover",
            Failover::parse,
            &spellings(Failover::ALL, Failover::as_str),
        );
        replication.rationale = self.string(map, "rationale");
        Some(replication)
    }

    fn service(&mut self, name: Spanned<String>, key: NodeId, value: NodeId) -> Option<Service> {
        let (section, map) = self.section_of(key, value, &name.value)?;
        let mut service = Service {
            name,
            origin: Origin::Spec,
            section,
            replicas: None,
            depends_on: None,
            dependencies: Vec::new(),
        };
        let Some(map) = map else {
            return Some(service);
        };
        self.check_keys(map, "a service", keys("service"));
        service.replicas = self.integer(map, "replicas");
        let Some(entry) = self.doc.get_entry(map, "depends_on") else {
            return Some(service);
        };
        let list = entry.value;
        service.depends_on =
            Some(self.section_info(entry.key, (!self.doc.is_null(list)).then_some(list)));
        if self.doc.is_sequence(list) {
            for &item in self.doc.items(list) {
                match self.doc.str(item) {
                    Some(target) => service.dependencies.push(Dependency {
                        target: Spanned::new(
                            target.to_owned(),
                            self.doc.range(item),
                            self.doc.range(item),
                        ),
                        form: DependencyForm::Short,
                        section: None,
                        timeout: None,
                        retries: None,
                        circuit_breaker: None,
                        mode: None,
                    }),
                    None => {
                        let found = describe(self.doc, item);
                        self.problem(
                            self.doc.range(item),
                            format!("items of `depends_on` must be service or datastore names, found {found}"),
                        );
                    }
                }
            }
        } else if self.doc.is_mapping(list) {
            for (target, key, value) in self.named_children(list) {
                if let Some(dependency) = self.dependency(target, key, value) {
                    service.dependencies.push(dependency);
                }
            }
        } else if !self.doc.is_null(list) {
            let found = describe(self.doc, list);
            self.problem(
                self.doc.range(list),
                format!("`depends_on` must be a list of names or a mapping of names to settings, found {found}"),
            );
        }
        Some(service)
    }

    fn dependency(
        &mut self,
        target: Spanned<String>,
        key: NodeId,
        value: NodeId,
    ) -> Option<Dependency> {
        let (section, map) = self.section_of(key, value, &target.value)?;
        let mut dependency = Dependency {
            target,
            form: DependencyForm::Long,
            section: Some(section),
            timeout: None,
            retries: None,
            circuit_breaker: None,
            mode: None,
        };
        let Some(map) = map else {
            return Some(dependency);
        };
        self.check_keys(map, "a dependency", keys("dependency"));
        if let Some((key, node)) = self.value(map, "timeout") {
            dependency.timeout = self.duration(key, node, "timeout");
        }
        if let Some((section, retries)) = self.section(map, "retries") {
            let mut value = Retries {
                section,
                max: None,
                backoff: None,
                jitter: None,
            };
            if let Some(retries) = retries {
                self.check_keys(retries, "`retries`", keys("retries"));
                value.max = self.integer(retries, "max");
                value.backoff = self.choice(
                    retries,
                    "backoff",
                    Backoff::parse,
                    &spellings(Backoff::ALL, Backoff::as_str),
                );
                value.jitter = self.boolean(retries, "jitter");
            }
            dependency.retries = Some(value);
        }
        dependency.circuit_breaker = self.boolean(map, "circuit_breaker");
        dependency.mode = self.choice(
            map,
            "mode",
            CallMode::parse,
            &spellings(CallMode::ALL, CallMode::as_str),
        );
        Some(dependency)
    }

    fn stream(&mut self, name: Spanned<String>, key: NodeId, value: NodeId) -> Option<Stream> {
        let (section, map) = self.section_of(key, value, &name.value)?;
        let mut stream = Stream::new(name, Origin::Spec, section);
        let Some(map) = map else {
            return Some(stream);
        };
        self.check_keys(map, "a stream", keys("stream"));
        stream.broker = self.string(map, "broker");
        stream.partitions = self.integer(map, "partitions");
        stream.replication_factor = self.integer(map, "replication_factor");
        stream.min_insync_replicas = self.integer(map, "min_insync_replicas");
        stream.delivery = self.choice(
            map,
            "delivery",
            Delivery::parse,
            &spellings(Delivery::ALL, Delivery::as_str),
        );
        stream.ordering_key = self.string(map, "ordering_key");
        if let Some((section, schema)) = self.section(map, "schema") {
            let mut value = EventSchema {
                section,
                format: None,
                versioned: None,
                compatibility: None,
            };
            if let Some(schema) = schema {
                self.check_keys(schema, "`schema`", keys("eventSchema"));
                value.format = self.choice(
                    schema,
                    "format",
                    SchemaFormat::parse,
                    &spellings(SchemaFormat::ALL, SchemaFormat::as_str),
                );
                value.versioned = self.boolean(schema, "versioned");
                value.compatibility = self.choice(
                    schema,
                    "compatibility",
                    Compatibility::parse,
                    &spellings(Compatibility::ALL, Compatibility::as_str),
                );
            }
            stream.schema = Some(value);
        }
        if let Some((_, Some(consumers))) = self.section(map, "consumers") {
            for (name, key, value) in self.named_children(consumers) {
                let Some((section, map)) = self.section_of(key, value, &name.value) else {
                    continue;
                };
                let mut consumer = Consumer {
                    name,
                    section,
                    idempotent: None,
                    requires_ordering: None,
                };
                if let Some(map) = map {
                    self.check_keys(map, "a consumer", keys("consumer"));
                    consumer.idempotent = self.boolean(map, "idempotent");
                    consumer.requires_ordering = self.boolean(map, "requires_ordering");
                }
                stream.consumers.push(consumer);
            }
        }
        Some(stream)
    }

    fn workflow(&mut self, name: Spanned<String>, key: NodeId, value: NodeId) -> Option<Workflow> {
        let (section, map) = self.section_of(key, value, &name.value)?;
        let mut workflow = Workflow {
            name,
            section,
            pattern: None,
            steps: Vec::new(),
        };
        let Some(map) = map else {
            return Some(workflow);
        };
        self.check_keys(map, "a workflow", keys("workflow"));
        workflow.pattern = self.choice(
            map,
            "pattern",
            WorkflowPattern::parse,
            &spellings(WorkflowPattern::ALL, WorkflowPattern::as_str),
        );
        if let Some((_, steps)) = self.value(map, "steps") {
            if !self.doc.is_sequence(steps) {
                let found = describe(self.doc, steps);
                self.problem(
                    self.doc.range(steps),
                    format!("`steps` must be a list, found {found}"),
                );
            }
            for &step in self.doc.items(steps) {
                if !self.doc.is_mapping(step) {
                    let found = describe(self.doc, step);
                    self.problem(
                        self.doc.range(step),
                        format!("a workflow step must be a mapping with `name`, `service` and `compensation`; found {found}"),
                    );
                    continue;
                }
                self.check_keys(step, "a workflow step", keys("step"));
                let first_key = self.doc.entries(step).first().map(|e| e.key);
                let section = match first_key {
                    Some(first) => Section {
                        key: self.doc.range(first),
                        range: self.doc.range(step),
                        insertion: self.insertion(self.doc.range(first), Some(step)),
                    },
                    None => Section {
                        key: self.doc.range(step),
                        range: self.doc.range(step),
                        insertion: None,
                    },
                };
                workflow.steps.push(WorkflowStep {
                    section,
                    name: self.string(step, "name"),
                    service: self.string(step, "service"),
                    compensation: self.string(step, "compensation"),
                });
            }
        }
        Some(workflow)
    }

    fn consensus_group(
        &mut self,
        name: Spanned<String>,
        key: NodeId,
        value: NodeId,
    ) -> Option<ConsensusGroup> {
        let (section, map) = self.section_of(key, value, &name.value)?;
        let mut group = ConsensusGroup {
            name,
            origin: Origin::Spec,
            section,
            algorithm: None,
            nodes: None,
            faulty: None,
        };
        let Some(map) = map else {
            return Some(group);
        };
        self.check_keys(map, "a consensus group", keys("consensusGroup"));
        group.algorithm = self.choice(
            map,
            "algorithm",
            ConsensusAlgorithm::parse,
            &spellings(ConsensusAlgorithm::ALL, ConsensusAlgorithm::as_str),
        );
        group.nodes = self.integer(map, "nodes");
        group.faulty = self.integer(map, "faulty");
        Some(group)
    }

    fn observability(&mut self, root: NodeId) -> Option<Observability> {
        let (section, map) = self.section(root, "observability")?;
        let mut observability = Observability {
            section,
            metrics: None,
            logging: None,
            tracing: None,
            alerts: None,
        };
        if let Some(map) = map {
            self.check_keys(map, "`observability`", keys("observability"));
            observability.metrics = self.boolean(map, "metrics");
            observability.logging = self.boolean(map, "logging");
            observability.tracing = self.boolean(map, "tracing");
            observability.alerts = self.string_list(map, "alerts");
        }
        Some(observability)
    }

    fn decisions(&mut self, root: NodeId) -> Vec<Decision> {
        let Some((_, list)) = self.value(root, "decisions") else {
            return Vec::new();
        };
        if !self.doc.is_sequence(list) {
            let found = describe(self.doc, list);
            self.problem(
                self.doc.range(list),
                format!("`decisions` must be a list, found {found}"),
            );
            return Vec::new();
        }
        let mut decisions = Vec::new();
        for &item in self.doc.items(list) {
            if !self.doc.is_mapping(item) {
                let found = describe(self.doc, item);
                self.problem(
                    self.doc.range(item),
                    format!("a decision must be a mapping with `id`, `title` and `tradeoff`; found {found}"),
                );
                continue;
            }
            self.check_keys(item, "a decision", keys("decision"));
            decisions.push(Decision {
                range: self.doc.range(item),
                id: self.string(item, "id"),
                title: self.string(item, "title"),
                tradeoff: self.string(item, "tradeoff"),
            });
        }
        decisions
    }
}

/// The spellings of a vocabulary, for messages.
fn spellings<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&value| as_str(value)).collect()
}
