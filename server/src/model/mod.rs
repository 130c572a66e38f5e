//! The system model: one typed description of a data system, whatever file it came from.
//!
//! System specs fill it completely; Compose files and Kubernetes manifests fill the
//! parts they can state. Every fact keeps the byte range of the value it came from
//! and of its key, so rules can place findings exactly without knowing the format.
//! Building the model never fails: wrong types and unknown values become
//! [`ModelProblem`]s and the fact is left out.

pub mod catalog;
mod compose;
pub mod foreign;
mod kubernetes;
mod shift;
mod spec;
pub mod suggest;
pub mod values;
pub mod vocabulary;

pub use crate::text::TextEdit;
use crate::text::TextRange;
pub use catalog::{ImageRef, StatefulSystem, SystemRole};
pub use compose::{from_compose, from_compose_reusing};
use ddia_derive::Shift;
pub use kubernetes::from_kubernetes;
pub use shift::Shift;
pub use spec::{SPEC_KEYS, from_spec, from_spec_reusing};
use std::collections::HashMap;
pub use values::{Duration, Quantity};
pub use vocabulary::*;

/// A value and where it is written.
#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Spanned<T> {
    pub value: T,
    /// The range of the value.
    pub range: TextRange,
    /// The range of the key the value belongs to (the value's own range for list items).
    pub key_range: TextRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, range: TextRange, key_range: TextRange) -> Self {
        Spanned {
            value,
            range,
            key_range,
        }
    }
}

impl<T: Copy> Spanned<T> {
    pub fn get(&self) -> T {
        self.value
    }
}

/// Where a mapping section sits in the source, for findings about what it lacks and
/// for fixes that add a key to it.
#[derive(Clone, Debug, PartialEq, Eq, Shift)]
pub struct Section {
    /// The key that names the section (`replication`).
    pub key: TextRange,
    /// The section's value.
    pub range: TextRange,
    /// How a new key is inserted into the section.
    pub insertion: Option<Insertion>,
}

/// Where and how to add a `key: value` line to a mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Insertion {
    /// A block mapping: insert `\n{indent}key: value` at `offset` (the end of the last
    /// entry's line content).
    Block { offset: usize, indent: usize },
    /// A flow mapping: insert `, key: value` at `offset` (the end of its last entry),
    /// or `key: value` right after the `{` of an empty one.
    Flow { offset: usize, empty: bool },
}

impl Shift for Insertion {
    /// The offset is a position in the text: it moves like an empty range there.
    fn shift(&mut self, edit: &TextEdit) {
        let (Insertion::Block { offset, .. } | Insertion::Flow { offset, .. }) = self;
        *offset = edit.move_range(TextRange::empty(*offset)).start;
    }
}

/// Which file format a model came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Shift)]
pub enum SourceFormat {
    Spec,
    Compose,
    Kubernetes,
}

/// Where a component's facts came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Shift)]
pub enum Origin {
    /// A whole system spec.
    Spec,
    /// An `x-ddia` fragment inside a Compose service: part of a design, so rules about
    /// missing sections do not apply.
    Fragment,
    /// Derived from infrastructure (a Compose service, a Kubernetes workload).
    Infrastructure,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SystemModel {
    pub format: SourceFormat,
    /// The range of the whole document the model was read from.
    pub range: TextRange,
    pub name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub version: Option<Spanned<i64>>,
    pub requirements: Option<Requirements>,
    pub datastores: Vec<Datastore>,
    pub services: Vec<Service>,
    pub streams: Vec<Stream>,
    pub workflows: Vec<Workflow>,
    pub consensus_groups: Vec<ConsensusGroup>,
    pub observability: Option<Observability>,
    pub decisions: Vec<Decision>,
    /// Containers run from infrastructure files (Compose services, Kubernetes workloads).
    pub workloads: Vec<Workload>,
    /// The top-level `volumes:` section of a Compose file, where named volumes are declared.
    pub volumes: Option<Section>,
    /// Compose named volumes whose driver keeps them in memory (`driver_opts: {type:
    /// tmpfs}`): they are emptied whenever the container stops.
    pub memory_volumes: Vec<String>,
    /// PodDisruptionBudgets of a Kubernetes file.
    pub disruption_budgets: Vec<DisruptionBudget>,
    /// What the other files of the file's project tell it (`None`: it is read alone).
    pub project: Option<std::sync::Arc<foreign::Facts>>,
    /// Kubernetes: whether the file has resources that create pods ddia does not read
    /// as workloads (Jobs, CronJobs, custom resources), whose labels are unknown.
    pub unread_pod_owners: bool,
    /// Kubernetes: the entries of `Secret` objects written in the file (`stringData`,
    /// `data`).
    pub secret_entries: Vec<SecretEntry>,
    /// Kubernetes: Services of type LoadBalancer or NodePort, which reach their pods
    /// from outside the cluster.
    pub exposing_services: Vec<ExposingService>,
    pub problems: Vec<ModelProblem>,
    /// What each Compose service contributed, in order (empty for other formats): an
    /// edit inside one service rebuilds only its part.
    pub compose_parts: Vec<ComposePartIndex>,
    /// What each named component of a spec contributed, in order (empty for other
    /// formats): an edit inside one component reads only that one again.
    pub spec_parts: Vec<SpecPartIndex>,
    /// Which of those parts (Compose services or spec components, as listed above) were
    /// kept from the previous model after an edit rather than read again.
    pub kept_parts: KeptParts,
    /// Where findings about the whole file go (what it lacks): the `ddia` key of a
    /// spec, else its first key.
    pub top: TextRange,
    /// Lookups by name, built on first use (after the model is complete), so that rules
    /// asking about every component stay linear.
    pub lookup: LookupCache,
}

/// Whether each part of a model was kept from the previous model (`true`) or read
/// again: how the model was made, not what it says, so two models with different notes
/// are still equal.
#[derive(Clone, Debug, Default)]
pub struct KeptParts(pub Vec<bool>);

impl PartialEq for KeptParts {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Where one part's components sit in a [`SystemModel`]'s lists (see
/// [`SystemModel::part_components`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartComponents {
    /// The part's entry, from its name to the end of its value.
    pub range: TextRange,
    pub datastores: std::ops::Range<usize>,
    pub services: std::ops::Range<usize>,
    pub streams: std::ops::Range<usize>,
    pub workflows: std::ops::Range<usize>,
    pub consensus_groups: std::ops::Range<usize>,
    pub workloads: std::ops::Range<usize>,
}

impl PartComponents {
    /// A part at `range` with no components yet, placed after this part's.
    fn following(&self, range: TextRange) -> PartComponents {
        let after = |at: &std::ops::Range<usize>| at.end..at.end;
        PartComponents {
            range,
            datastores: after(&self.datastores),
            services: after(&self.services),
            streams: after(&self.streams),
            workflows: after(&self.workflows),
            consensus_groups: after(&self.consensus_groups),
            workloads: after(&self.workloads),
        }
    }
}

/// Indexes of a finished [`SystemModel`] by component name.
///
/// Each index is built on its first use, keyed by a hash of the name (no name is
/// copied); a lookup checks the names of what it finds, so two names with one hash
/// never mix.
#[derive(Default)]
pub struct LookupCache {
    /// Datastores by name.
    datastores: std::sync::OnceLock<NameIndex<usize>>,
    /// (requirement, access pattern) indexes by the datastore they name.
    access_patterns: std::sync::OnceLock<NameIndex<(usize, usize)>>,
    /// (service, dependency) indexes by the target's name.
    dependents: std::sync::OnceLock<NameIndex<(usize, usize)>>,
    /// Workloads by name.
    workloads: std::sync::OnceLock<NameIndex<usize>>,
    /// The workloads that depend on a name, in order, once each per hash.
    workload_dependents: std::sync::OnceLock<NameIndex<usize>>,
}

/// Positions by the hash of a name, in the order they were added: one table of first
/// positions and one list that chains each position to the next with the same hash, so
/// building it (on every keystroke, for a new model) allocates twice, not once per name.
struct NameIndex<T> {
    /// The first of `items` for each hash.
    heads: HashMap<u64, u32, std::hash::BuildHasherDefault<HashIsKey>>,
    /// Each item and the next one with the same hash (`u32::MAX`: none).
    items: Vec<(T, u32)>,
}

impl<T> NameIndex<T> {
    /// Indexes `(hash, item)` pairs, keeping their order per hash.
    fn new(pairs: Vec<(u64, T)>) -> Self {
        let mut heads = HashMap::with_capacity_and_hasher(pairs.len(), Default::default());
        let mut next = vec![u32::MAX; pairs.len()];
        // Walked backwards, so each hash's head ends up its first item.
        for (at, (hash, _)) in pairs.iter().enumerate().rev() {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            if let Some(previous) = heads.insert(*hash, at)
                && let Some(slot) = next.get_mut(at as usize)
            {
                *slot = previous;
            }
        }
        let items = pairs
            .into_iter()
            .zip(next)
            .map(|((_, item), next)| (item, next))
            .collect();
        NameIndex { heads, items }
    }
}

/// The hash of a name: FNV-1a, fast on short names.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct HashIsKey(u64);

impl std::hash::Hasher for HashIsKey {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8) | u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// Builds an index of `items` by the names `name` gives each (none, one or several).
fn index_names<'a, T, I: IntoIterator<Item = (&'a str, T)>>(items: I) -> NameIndex<T> {
    NameIndex::new(
        items
            .into_iter()
            .map(|(name, item)| (name_hash(name), item))
            .collect(),
    )
}

/// The first of `list` called `name`, through its index by name (built on first use).
fn first_named<'a, T>(
    index: &std::sync::OnceLock<NameIndex<usize>>,
    list: &'a [T],
    name: &str,
    name_of: impl Fn(&T) -> &String,
) -> Option<&'a T> {
    let index = index.get_or_init(|| {
        index_names(
            list.iter()
                .enumerate()
                .map(|(at, each)| (name_of(each).as_str(), at)),
        )
    });
    named(index, name)
        .filter_map(|&at| list.get(at))
        .find(|each| name_of(each) == name)
}

/// The positions filed under `name`'s hash, in the order they were added.
fn named<'i, T>(index: &'i NameIndex<T>, name: &str) -> impl Iterator<Item = &'i T> + 'i {
    let mut at = index.heads.get(&name_hash(name)).copied();
    std::iter::from_fn(move || {
        let (item, next) = index.items.get(at? as usize)?;
        at = (*next != u32::MAX).then_some(*next);
        Some(item)
    })
}

impl Clone for LookupCache {
    /// A clone may be changed before it is read: it builds its own index.
    fn clone(&self) -> Self {
        LookupCache::default()
    }
}

impl PartialEq for LookupCache {
    /// A cache, not part of what a model says.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for LookupCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LookupCache")
    }
}

impl SystemModel {
    /// The components each part contributed (a spec's named components, a Compose
    /// file's services), in the order of the parts; `None` when the model has no parts
    /// or they do not add up to its lists.
    pub fn part_components(&self) -> Option<Vec<PartComponents>> {
        // Each part's components follow the previous part's in every list.
        let mut next = PartComponents::default();
        let mut parts = Vec::new();
        match self.format {
            SourceFormat::Spec if !self.spec_parts.is_empty() => {
                for part in &self.spec_parts {
                    let mut own = next.following(part.range);
                    let list = match part.section {
                        SpecSection::Datastores => &mut own.datastores,
                        SpecSection::Services => &mut own.services,
                        SpecSection::Streams => &mut own.streams,
                        SpecSection::Workflows => &mut own.workflows,
                        SpecSection::Consensus => &mut own.consensus_groups,
                    };
                    list.end += usize::from(part.built);
                    next = own.clone();
                    parts.push(own);
                }
            }
            SourceFormat::Compose if !self.compose_parts.is_empty() => {
                for part in &self.compose_parts {
                    let mut own = next.following(part.range);
                    own.datastores.end += usize::from(part.datastore);
                    own.streams.end += part.streams;
                    own.workloads.end += 1;
                    next = own.clone();
                    parts.push(own);
                }
            }
            _ => return None,
        }
        let adds_up = next.datastores.end == self.datastores.len()
            && next.services.end == self.services.len()
            && next.streams.end == self.streams.len()
            && next.workflows.end == self.workflows.len()
            && (self.format == SourceFormat::Compose
                || next.consensus_groups.end == self.consensus_groups.len())
            && next.workloads.end == self.workloads.len();
        adds_up.then_some(parts)
    }

    /// Records a spec part, and whether it was kept from the previous model.
    pub(crate) fn push_spec_part(&mut self, part: SpecPartIndex, kept: bool) {
        self.spec_parts.push(part);
        self.kept_parts.0.push(kept);
    }

    /// A model that holds only `part`'s components (copied) and this model's format,
    /// range and top: what a [`crate::rules::Scope::Component`] rule needs to check them.
    pub fn part_model(&self, part: &PartComponents) -> SystemModel {
        let mut model = SystemModel::new(self.format, self.range);
        model.top = self.top;
        fn copy<T: Clone>(list: &[T], at: &std::ops::Range<usize>) -> Vec<T> {
            list.get(at.clone()).map(<[T]>::to_vec).unwrap_or_default()
        }
        model.datastores = copy(&self.datastores, &part.datastores);
        model.services = copy(&self.services, &part.services);
        model.streams = copy(&self.streams, &part.streams);
        model.workflows = copy(&self.workflows, &part.workflows);
        model.consensus_groups = copy(&self.consensus_groups, &part.consensus_groups);
        model.workloads = copy(&self.workloads, &part.workloads);
        model
    }

    pub fn new(format: SourceFormat, range: TextRange) -> Self {
        SystemModel {
            format,
            range,
            name: None,
            description: None,
            version: None,
            requirements: None,
            datastores: Vec::new(),
            services: Vec::new(),
            streams: Vec::new(),
            workflows: Vec::new(),
            consensus_groups: Vec::new(),
            observability: None,
            decisions: Vec::new(),
            workloads: Vec::new(),
            volumes: None,
            memory_volumes: Vec::new(),
            disruption_budgets: Vec::new(),
            unread_pod_owners: false,
            project: None,
            secret_entries: Vec::new(),
            exposing_services: Vec::new(),
            problems: Vec::new(),
            compose_parts: Vec::new(),
            spec_parts: Vec::new(),
            kept_parts: KeptParts::default(),
            top: TextRange::empty(range.start),
            lookup: LookupCache::default(),
        }
    }

    /// The first workload called `name`.
    pub fn workload(&self, name: &str) -> Option<&Workload> {
        first_named(&self.lookup.workloads, &self.workloads, name, |w| {
            &w.name.value
        })
    }

    /// What the [`crate::rules::Scope::Related`] rules may read of the workloads
    /// `workloads` when they report on others: each one's name, system, whether it has
    /// a health check, and the names its `depends_on` lists, in order. Encoded with
    /// lengths (no separator can be forged by a name), so two lists record the same
    /// relations exactly when their bytes are equal. The analysis compares these bytes
    /// before and after an edit to tell whether the related findings of the other
    /// services still hold.
    pub fn relations(&self, workloads: std::ops::Range<usize>) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut put = |text: &str| {
            bytes.extend_from_slice(&text.len().to_le_bytes());
            bytes.extend_from_slice(text.as_bytes());
        };
        for workload in self.workloads.get(workloads).unwrap_or_default() {
            put(&workload.name.value);
            match workload.system {
                Some(system) => {
                    put(system.id);
                    put(system.display);
                }
                None => put("\0none"),
            }
            put(if workload.healthcheck.is_some() {
                "healthcheck"
            } else {
                ""
            });
            // Whether it runs only a job or a client (from its command, or from the
            // conditions others wait on it with, recorded below).
            put(if workload.runs_client() { "client" } else { "" });
            put(&workload.depends_on.len().to_string());
            for dependency in &workload.depends_on {
                put(&dependency.target.value);
                put(dependency
                    .condition
                    .as_ref()
                    .map_or("", |c| c.value.as_str()));
            }
        }
        bytes
    }

    /// The workloads whose `depends_on` names `name`, in order.
    pub fn workload_dependents_of<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Workload> + 'a {
        let index = self.lookup.workload_dependents.get_or_init(|| {
            let mut pairs = Vec::new();
            for (w, workload) in self.workloads.iter().enumerate() {
                let first = pairs.len();
                for dependency in &workload.depends_on {
                    let hash = name_hash(&dependency.target.value);
                    // Once per workload and hash.
                    if !pairs[first..].iter().any(|&(seen, _)| seen == hash) {
                        pairs.push((hash, w));
                    }
                }
            }
            NameIndex::new(pairs)
        });
        named(index, name)
            .filter_map(|&w| self.workloads.get(w))
            .filter(move |workload| {
                workload
                    .depends_on
                    .iter()
                    .any(|dependency| dependency.target.value == name)
            })
    }

    /// The consistency a datastore must give: its own, else the requirements'.
    pub fn consistency_of<'a>(
        &'a self,
        datastore: &'a Datastore,
    ) -> Option<&'a Spanned<Consistency>> {
        datastore.consistency.as_ref().or_else(|| {
            self.requirements
                .as_ref()
                .and_then(|r| r.consistency.as_ref())
        })
    }

    pub fn datastore(&self, name: &str) -> Option<&Datastore> {
        first_named(&self.lookup.datastores, &self.datastores, name, |d| {
            &d.name.value
        })
    }

    /// The access patterns that name a datastore.
    pub fn access_patterns_of<'a>(
        &'a self,
        datastore: &'a str,
    ) -> impl Iterator<Item = &'a AccessPattern> + 'a {
        let requirements = self.requirements.as_ref();
        let index = self.lookup.access_patterns.get_or_init(|| {
            index_names(
                self.requirements
                    .iter()
                    .enumerate()
                    .flat_map(|(r, requirements)| {
                        requirements.access_patterns.iter().enumerate().filter_map(
                            move |(p, pattern)| {
                                Some((pattern.datastore.as_ref()?.value.as_str(), (r, p)))
                            },
                        )
                    }),
            )
        });
        named(index, datastore)
            .filter_map(move |&(_, p)| requirements?.access_patterns.get(p))
            .filter(move |pattern| {
                pattern
                    .datastore
                    .as_ref()
                    .is_some_and(|named| named.value == datastore)
            })
    }

    /// The dependencies, across all services, on the component called `name`, with
    /// the service that has each.
    pub fn dependents_of<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = (&'a Service, &'a Dependency)> + 'a {
        let index = self.lookup.dependents.get_or_init(|| {
            index_names(self.services.iter().enumerate().flat_map(|(s, service)| {
                service
                    .dependencies
                    .iter()
                    .enumerate()
                    .map(move |(d, dependency)| (dependency.target.value.as_str(), (s, d)))
            }))
        });
        named(index, name)
            .filter_map(move |&(s, d)| {
                let service = self.services.get(s)?;
                Some((service, service.dependencies.get(d)?))
            })
            .filter(move |(_, dependency)| dependency.target.value == name)
    }
}

/// What one Compose service contributed to its model: its entry's range, one workload,
/// an `x-ddia` datastore or none, and how many streams and problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComposePartIndex {
    /// The service's entry, from its name to the end of its value.
    pub range: TextRange,
    pub datastore: bool,
    pub streams: usize,
    pub problems: usize,
    /// Built from its own entry only: no `extends`, no `env_file`.
    pub self_contained: bool,
    /// Whether it uses an alias or a merge key (then it also depends on the anchor).
    pub uses_alias: bool,
    /// Whether its workload runs a Kafka broker without saying so by its image (its
    /// environment does), told once when the service is read.
    pub kafka_by_settings: bool,
}

impl Shift for ComposePartIndex {
    fn shift(&mut self, edit: &TextEdit) {
        self.range.shift(edit);
    }
}

/// The sections of a spec whose entries are named components.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecSection {
    Datastores,
    Services,
    Streams,
    Workflows,
    Consensus,
}

/// What one named component of a spec contributed to its model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpecPartIndex {
    pub section: SpecSection,
    /// The component's entry, from its name to the end of its value.
    pub range: TextRange,
    /// Whether it became a component (a value that is not a mapping does not).
    pub built: bool,
    /// Its problems: `problems_len` of them from `problems_start` in the model's.
    pub problems_start: usize,
    pub problems_len: usize,
    /// Whether it uses an alias or a merge key (then it also depends on the anchor).
    pub uses_alias: bool,
}

/// What kind of thing could not be read into the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Shift)]
pub enum ProblemKind {
    /// A value of the wrong type or outside the vocabulary.
    Invalid,
    /// A key the vocabulary does not know (specs grow: not an error).
    UnknownKey,
}

/// A value or key that could not be read into the model.
#[derive(Clone, Debug, PartialEq, Eq, Shift)]
pub struct ModelProblem {
    pub kind: ProblemKind,
    pub range: TextRange,
    pub message: String,
    /// The likely intended spelling, replacing the text at `range`.
    pub suggestion: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Requirements {
    pub section: Section,
    pub load: Option<Load>,
    pub latency: Option<Latency>,
    pub availability: Option<Spanned<f64>>,
    pub consistency: Option<Spanned<Consistency>>,
    pub access_patterns: Vec<AccessPattern>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Load {
    pub section: Section,
    pub requests_per_second: Option<Spanned<f64>>,
    pub read_write_ratio: Option<Spanned<String>>,
    pub data_volume: Option<Spanned<Quantity>>,
    pub growth: Option<Spanned<String>>,
    pub concurrent_users: Option<Spanned<f64>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Latency {
    pub section: Section,
    pub targets: Vec<LatencyTarget>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct LatencyTarget {
    pub statistic: Spanned<LatencyStatistic>,
    pub value: Spanned<Duration>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct AccessPattern {
    pub range: TextRange,
    pub name: Option<Spanned<String>>,
    pub datastore: Option<Spanned<String>>,
    pub kind: Option<Spanned<AccessKind>>,
    pub key: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Datastore {
    /// The datastore's name and the range of its key.
    pub name: Spanned<String>,
    pub origin: Origin,
    pub section: Section,
    pub model: Option<Spanned<DataModel>>,
    pub engine: Option<Spanned<StorageEngine>>,
    pub technology: Option<Spanned<String>>,
    pub workload: Option<Spanned<WorkloadType>>,
    pub consistency: Option<Spanned<Consistency>>,
    pub replication: Option<Replication>,
    pub partitioning: Option<Partitioning>,
    pub transactions: Option<Transactions>,
    pub backup: Option<Backup>,
    /// Infrastructure: where an operator's resource puts the data on storage that
    /// lives and dies with the pod (Strimzi's `type: ephemeral`).
    pub ephemeral_storage: Option<TextRange>,
}

impl Datastore {
    pub fn new(name: Spanned<String>, origin: Origin, section: Section) -> Self {
        Datastore {
            name,
            origin,
            section,
            model: None,
            engine: None,
            technology: None,
            workload: None,
            consistency: None,
            replication: None,
            partitioning: None,
            transactions: None,
            backup: None,
            ephemeral_storage: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default, Shift)]
pub struct Replication {
    pub section: Option<Section>,
    pub mode: Option<Spanned<ReplicationMode>>,
    /// N: copies of each item, leader included.
    pub replicas: Option<Spanned<i64>>,
    pub sync: Option<Spanned<SyncMode>>,
    pub conflict_resolution: Option<Spanned<ConflictResolution>>,
    /// W.
    pub write_quorum: Option<Spanned<i64>>,
    /// R.
    pub read_quorum: Option<Spanned<i64>>,
    pub sloppy_quorum: Option<Spanned<bool>>,
    pub read_repair: Option<Spanned<bool>>,
    pub anti_entropy: Option<Spanned<bool>>,
    pub regions: Option<Spanned<Vec<Spanned<String>>>>,
    pub offline_clients: Option<Spanned<bool>>,
    pub failover: Option<Spanned<Failover>>,
    pub rationale: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Partitioning {
    pub section: Section,
    pub strategy: Option<Spanned<PartitionStrategy>>,
    pub key: Option<Spanned<String>>,
    pub key_kind: Option<Spanned<KeyKind>>,
    pub partitions: Option<Spanned<i64>>,
    pub rebalancing: Option<Spanned<Rebalancing>>,
    pub secondary_indexes: Option<Spanned<SecondaryIndexes>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Transactions {
    pub section: Section,
    pub isolation: Option<Spanned<Isolation>>,
    pub distributed: Option<Spanned<DistributedTransactions>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Backup {
    pub section: Section,
    pub schedule: Option<Spanned<String>>,
    pub restore_tested: Option<Spanned<bool>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Service {
    pub name: Spanned<String>,
    pub origin: Origin,
    pub section: Section,
    pub replicas: Option<Spanned<i64>>,
    /// The `depends_on` key, if present.
    pub depends_on: Option<Section>,
    pub dependencies: Vec<Dependency>,
}

/// How a dependency was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Shift)]
pub enum DependencyForm {
    /// `depends_on: [orders]`.
    Short,
    /// `depends_on: {orders: {timeout: ...}}`.
    Long,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Dependency {
    /// The name of the service or datastore depended on.
    pub target: Spanned<String>,
    pub form: DependencyForm,
    pub section: Option<Section>,
    pub timeout: Option<Spanned<Duration>>,
    pub retries: Option<Retries>,
    pub circuit_breaker: Option<Spanned<bool>>,
    pub mode: Option<Spanned<CallMode>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Retries {
    pub section: Section,
    pub max: Option<Spanned<i64>>,
    pub backoff: Option<Spanned<Backoff>>,
    pub jitter: Option<Spanned<bool>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Stream {
    pub name: Spanned<String>,
    pub origin: Origin,
    /// How findings name it when it is not a spec's stream ("the offsets topic of
    /// Kafka broker `kafka1`").
    pub label: Option<String>,
    pub section: Section,
    pub broker: Option<Spanned<String>>,
    pub partitions: Option<Spanned<i64>>,
    pub replication_factor: Option<Spanned<i64>>,
    pub min_insync_replicas: Option<Spanned<i64>>,
    pub delivery: Option<Spanned<Delivery>>,
    pub ordering_key: Option<Spanned<String>>,
    pub schema: Option<EventSchema>,
    pub consumers: Vec<Consumer>,
    /// Whether an out-of-sync replica may become leader (Kafka's
    /// `unclean.leader.election.enable`); infrastructure files only.
    pub unclean_leader_election: Option<Spanned<bool>>,
}

impl Stream {
    /// A stream with its name, where it comes from and its section, and no setting yet.
    pub fn new(name: Spanned<String>, origin: Origin, section: Section) -> Self {
        Stream {
            name,
            origin,
            label: None,
            section,
            broker: None,
            partitions: None,
            replication_factor: None,
            min_insync_replicas: None,
            delivery: None,
            ordering_key: None,
            schema: None,
            consumers: Vec::new(),
            unclean_leader_election: None,
        }
    }

    /// How findings name the stream.
    pub fn describe(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| format!("stream `{}`", self.name.value))
    }
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct EventSchema {
    pub section: Section,
    pub format: Option<Spanned<SchemaFormat>>,
    pub versioned: Option<Spanned<bool>>,
    pub compatibility: Option<Spanned<Compatibility>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Consumer {
    pub name: Spanned<String>,
    pub section: Section,
    pub idempotent: Option<Spanned<bool>>,
    pub requires_ordering: Option<Spanned<bool>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Workflow {
    pub name: Spanned<String>,
    pub section: Section,
    pub pattern: Option<Spanned<WorkflowPattern>>,
    pub steps: Vec<WorkflowStep>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct WorkflowStep {
    pub section: Section,
    pub name: Option<Spanned<String>>,
    pub service: Option<Spanned<String>>,
    pub compensation: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct ConsensusGroup {
    pub name: Spanned<String>,
    pub origin: Origin,
    pub section: Section,
    pub algorithm: Option<Spanned<ConsensusAlgorithm>>,
    pub nodes: Option<Spanned<i64>>,
    /// f: the faults to tolerate.
    pub faulty: Option<Spanned<i64>>,
}

impl ConsensusGroup {
    /// How findings name the group: a spec's by its name, an infrastructure one by
    /// what it is ("the etcd ensemble").
    pub fn describe(&self) -> String {
        match self.origin {
            Origin::Infrastructure => self.name.value.clone(),
            _ => format!("consensus group `{}`", self.name.value),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Observability {
    pub section: Section,
    pub metrics: Option<Spanned<bool>>,
    pub logging: Option<Spanned<bool>>,
    pub tracing: Option<Spanned<bool>>,
    pub alerts: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Decision {
    pub range: TextRange,
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub tradeoff: Option<Spanned<String>>,
}

/// What kind of container workload a [`Workload`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Shift)]
pub enum WorkloadKind {
    ComposeService,
    StatefulSet,
    Deployment,
    ReplicaSet,
    DaemonSet,
    Pod,
    ReplicationController,
    /// OpenShift's `DeploymentConfig` (`apps.openshift.io/v1`): replicas of a pod
    /// template, like a ReplicationController.
    DeploymentConfig,
    /// A Kubernetes Job or CronJob: run to completion, read for its credentials and
    /// images only (never a server).
    Job,
    CronJob,
}

impl WorkloadKind {
    /// How a finding names it: "service", "StatefulSet".
    pub fn noun(self) -> &'static str {
        match self {
            WorkloadKind::ComposeService => "service",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Pod => "Pod",
            WorkloadKind::ReplicationController => "ReplicationController",
            WorkloadKind::DeploymentConfig => "DeploymentConfig",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }
}

/// A container (or a set of identical ones) run from an infrastructure file.
#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Workload {
    pub name: Spanned<String>,
    pub kind: WorkloadKind,
    /// Kubernetes: its `metadata.namespace` (`None`: the namespace it is applied to).
    pub namespace: Option<String>,
    pub section: Section,
    pub image: Option<Spanned<ImageRef>>,
    /// The stateful system the image runs, if ddia knows it.
    pub system: Option<&'static StatefulSystem>,
    pub replicas: Option<Spanned<i64>>,
    pub mounts: Vec<Mount>,
    /// The workload's own `volumes` list (where a fix adds a mount), if it has one.
    pub volumes: Option<Section>,
    pub ports: Vec<PublishedPort>,
    pub environment: Vec<EnvVar>,
    /// Kubernetes: the environment of the pod's other containers and init containers,
    /// read only for credentials written in it.
    pub sidecar_environment: Vec<EnvVar>,
    /// Kubernetes: the `containerPort`s of the container (a Service that forwards to
    /// one of a datastore's reaches the datastore, whatever its number).
    pub container_ports: Vec<u16>,
    /// The command line (entrypoint and command), split into words.
    pub command: Vec<String>,
    /// The health check (Compose `healthcheck`, Kubernetes `readinessProbe`), if any.
    pub healthcheck: Option<TextRange>,
    pub depends_on: Vec<WorkloadDependency>,
    /// Kubernetes: the pod template's labels.
    pub pod_labels: Vec<(String, String)>,
    /// Kubernetes: how the pods are spread (anti-affinity, topology spread), if at all.
    pub spread: Option<Spread>,
    /// Kubernetes: the StatefulSet's `volumeClaimTemplates` key, if any.
    pub claim_templates: Option<TextRange>,
    /// Where the workload shares the host's network stack (`network_mode: host`,
    /// `hostNetwork: true`): every port it listens on is on all interfaces.
    pub host_network: Option<TextRange>,
    /// Whether the image is built from the file (`build:`), so its tag is a name.
    pub built_locally: bool,
    /// Whether other services wait for it to complete (Compose `depends_on` with
    /// `condition: service_completed_successfully`): a one-off job, not a server.
    pub job: bool,
    /// Kubernetes: the name of the container that runs the system (where container
    /// settings such as probes belong).
    pub container: Option<Spanned<String>>,
    /// Whether its command runs a client or a script, not a server
    /// ([`Workload::command_runs_client`]), or a program of its own in a container that
    /// is never restarted ([`Workload::command_runs_a_program`]).
    pub client_command: bool,
    /// What the other Compose files of its project say about the same service
    /// ([`crate::model::foreign`]); empty when it is read alone.
    pub overlay: Overlay,
}

/// What other Compose files of a project add to a service: an override file's volumes
/// and health check, or, for a service an override file only amends, the system that
/// the base file runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Shift)]
pub struct Overlay {
    /// Targets of the volumes and bind mounts later files add.
    pub mount_targets: Vec<String>,
    /// Whether a later file gives it a health check.
    pub healthcheck: bool,
    /// For a service this file only amends (no `image` or `build` here): the system the
    /// file that defines it runs, and that file.
    pub amends: Option<(&'static StatefulSystem, String)>,
    /// For a service that extends one of another file and names no image itself: the
    /// system it inherits (also set as its `system`), and that file.
    pub extends: Option<(&'static StatefulSystem, String)>,
}

impl Workload {
    /// The system it runs, also when this file only amends a service another file of
    /// the project defines (for what this file adds: ports, settings).
    pub fn system_or_amended(&self) -> Option<&'static StatefulSystem> {
        self.system
            .or_else(|| self.overlay.amends.as_ref().map(|(system, _)| *system))
    }
}

/// How a Kubernetes workload keeps its replicas apart.
#[derive(Clone, Debug, PartialEq, Shift)]
pub struct Spread {
    /// The `podAntiAffinity` or `topologySpreadConstraints` key.
    pub range: TextRange,
    /// Whether a selector of it matches the workload's own pods.
    pub matches_own_pods: bool,
}

/// A Kubernetes label selector (`matchLabels` and `matchExpressions`).
#[derive(Clone, Debug, PartialEq, Default, Shift)]
pub struct LabelSelector {
    pub match_labels: Vec<(String, String)>,
    /// `(key, operator, values)`.
    pub match_expressions: Vec<(String, String, Vec<String>)>,
}

impl LabelSelector {
    /// Whether the selector selects pods with these labels (an empty selector selects
    /// nothing, as for PodDisruptionBudgets in `policy/v1`).
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        if self.match_labels.is_empty() && self.match_expressions.is_empty() {
            return false;
        }
        let value_of = |key: &str| {
            labels
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        self.match_labels
            .iter()
            .all(|(key, value)| value_of(key) == Some(value.as_str()))
            && self
                .match_expressions
                .iter()
                .all(|(key, operator, values)| {
                    let value = value_of(key);
                    match operator.as_str() {
                        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
                        "NotIn" => value.is_none_or(|v| values.iter().all(|x| x != v)),
                        "Exists" => value.is_some(),
                        "DoesNotExist" => value.is_none(),
                        _ => false,
                    }
                })
    }
}

/// A Kubernetes Service of type LoadBalancer or NodePort.
#[derive(Clone, Debug, PartialEq, Shift)]
pub struct ExposingService {
    pub name: Spanned<String>,
    pub namespace: Option<String>,
    /// `LoadBalancer` or `NodePort`.
    pub service_type: String,
    /// Its `spec.selector` (labels only).
    pub selector: LabelSelector,
    pub ports: Vec<ServicePort>,
}

/// One port of a Service: the port it serves, and the pods' port it forwards to (when
/// written as a number).
#[derive(Clone, Debug, PartialEq, Shift)]
pub struct ServicePort {
    pub port: Spanned<i64>,
    pub target: Option<Spanned<i64>>,
    /// Its `name` (`amqp`, `ui`), if it has one.
    pub name: Option<String>,
}

impl ServicePort {
    /// Whether its name says it serves a web console or metrics rather than the
    /// datastore's protocol (`ui`, `http-management`, `metrics`).
    pub fn named_for_a_console(&self) -> bool {
        self.name.as_deref().is_some_and(|name| {
            let name = name.to_ascii_lowercase();
            name.split(['-', '_', '.']).any(|word| {
                matches!(
                    word,
                    "ui" | "http"
                        | "https"
                        | "web"
                        | "console"
                        | "admin"
                        | "management"
                        | "mgmt"
                        | "metrics"
                        | "dashboard"
                        | "prometheus"
                        | "exporter"
                )
            })
        })
    }
}

/// One entry of a Kubernetes `Secret` written in the file.
#[derive(Clone, Debug, PartialEq, Shift)]
pub struct SecretEntry {
    /// The Secret's `metadata.name`.
    pub object: Spanned<String>,
    /// The entry's key (`POSTGRES_PASSWORD`).
    pub key: Spanned<String>,
    /// Its value as written (base64 under `data`).
    pub value: Spanned<String>,
    /// Whether it is under `data` (base64) rather than `stringData`.
    pub encoded: bool,
    /// Whether it is an entry of a ConfigMap, which is not even meant for secrets.
    pub config_map: bool,
}

/// A PodDisruptionBudget of a Kubernetes file.
#[derive(Clone, Debug, PartialEq, Shift)]
pub struct DisruptionBudget {
    pub name: Spanned<String>,
    pub namespace: Option<String>,
    pub selector: LabelSelector,
    /// The `selector` mapping, where a finding about what it selects belongs.
    pub selector_range: Option<TextRange>,
    /// Whether the selector is an empty mapping in `policy/v1`, which selects every pod
    /// of the namespace (in `v1beta1` it selects none).
    pub selects_every_pod: bool,
    /// `minAvailable` when written as a count.
    pub min_available: Option<Spanned<i64>>,
    /// `maxUnavailable` when written as a count.
    pub max_unavailable: Option<Spanned<i64>>,
}

/// Scripts that start an image's server after setting it up.
const SERVER_STARTS: [&str; 6] = [
    "docker-entrypoint.sh",
    "entrypoint.sh",
    "run.sh",
    "run",
    "start.sh",
    "supervisord",
];

impl Workload {
    /// The directories where this workload's system keeps its data: the catalog's,
    /// then any the environment or command line moves it to.
    pub fn data_dirs(&self) -> Vec<String> {
        let Some(system) = self.system else {
            return Vec::new();
        };
        // Where a variable or a flag moves the data, only that directory holds it.
        let mut dirs: Vec<String> = Vec::new();
        let variables = system
            .data_dir_variables
            .iter()
            .chain(if system.id == "minio" {
                &["MINIO_DISTRIBUTED_NODES"][..]
            } else {
                &[]
            });
        for variable in variables {
            if let Some(value) = self.env(variable).and_then(|v| v.value.as_deref()) {
                dirs.extend(
                    value
                        .split([',', ' '])
                        .filter_map(path_of_location)
                        .flat_map(|path| expand_ellipses(&path)),
                );
            }
        }
        for (index, word) in self.command.iter().enumerate() {
            let value = match word.split_once('=') {
                Some((flag, value)) if is_data_flag(flag) => Some(value),
                _ if is_data_flag(word) => self.command.get(index + 1).map(String::as_str),
                _ => None,
            };
            if let Some(value) = value.filter(|v| v.starts_with('/')) {
                dirs.push(value.to_owned());
            }
        }
        // `minio server /data`: the directories after `server`.
        if system.id == "minio"
            && let Some(server) = self.command.iter().position(|w| w == "server")
        {
            // Flags (`--console-address ":9001"`, `--certs-dir /certs`) and their
            // values are not drives.
            const SWITCHES: [&str; 4] = ["--quiet", "--anonymous", "--json", "--no-compat"];
            let mut drives = Vec::new();
            let mut words = self.command[server + 1..].iter();
            while let Some(word) = words.next() {
                // A word of a `sh -c '... minio server /data'` script keeps its quote.
                let word = word.trim_matches(['"', '\'', ';']);
                if word.starts_with('-') {
                    if !word.contains('=') && !SWITCHES.contains(&word) {
                        words.next();
                    }
                    continue;
                }
                drives.extend(path_of_location(word).map(|path| expand_ellipses(&path)));
            }
            dirs.extend(drives.into_iter().flatten());
        }
        if dirs.is_empty()
            && system.id == "postgres"
            && let Some(dir) = self
                .image
                .as_ref()
                .and_then(|image| image.value.postgres_versioned_data_dir())
        {
            dirs.push(dir);
        }
        if dirs.is_empty()
            && let Some(own) = self
                .image
                .as_ref()
                .and_then(|image| image.value.image_data_dirs(system.id))
        {
            dirs.extend(own.iter().map(|d| (*d).to_owned()));
        }
        if dirs.is_empty() {
            // A vendor's builds keep the data elsewhere (Bitnami's under
            // `/bitnami/<name>`): only a mount there persists it.
            match self
                .image
                .as_ref()
                .and_then(|image| image.value.vendor_data_dir())
            {
                Some(vendor) => {
                    // The system's directories in the vendor's layout (`/bitnami/redis/
                    // data` also for `bitnami/redis-cluster`), then the image's folder.
                    let root = vendor.rsplit_once('/').map_or("", |(root, _)| root);
                    dirs.extend(
                        system
                            .data_dirs
                            .iter()
                            .filter(|dir| dir.starts_with(&format!("{root}/")))
                            .map(|dir| (*dir).to_owned()),
                    );
                    dirs.push(vendor);
                }
                None => dirs.extend(system.data_dirs.iter().map(|d| (*d).to_owned())),
            }
        }
        dirs
    }

    /// Whether the container runs a client or a one-off job rather than the server of
    /// its image (then it keeps no data and serves nothing): a service others wait on
    /// to complete (`condition: service_completed_successfully`, see [`Workload::job`]),
    /// or a command that does not start a server and runs a client (`psql`, `mongosh`,
    /// `kafka-topics`, `etcdctl` ...), a shell script, or `sleep`.
    pub fn runs_client(&self) -> bool {
        // A Consul agent without `-server` is a client of the servers: it keeps no
        // Raft data of its own.
        // Its configuration may make it a server: a server's flag says so, or a
        // configuration file (the image reads `/consul/config`) and a name that says so
        // (`consul-server1`).
        // `-bootstrap-expect` is a server's flag; a client refuses it.
        let flags = |names: &[&str]| {
            self.command.iter().any(|word| {
                let flag = word.split_once('=').map_or(word.as_str(), |(flag, _)| flag);
                names.contains(&flag)
            })
        };
        let configured_server = flags(&["-bootstrap-expect", "--bootstrap-expect", "-bootstrap"])
            || (self.name.value.to_ascii_lowercase().contains("server")
                && (flags(&[
                    "-config-file",
                    "--config-file",
                    "-config-dir",
                    "--config-dir",
                ]) || self
                    .mounts
                    .iter()
                    .any(|mount| mount.target.starts_with("/consul/config"))));
        let consul_client = self.system.is_some_and(|s| s.id == "consul")
            && self.command.iter().any(|word| word == "agent")
            && !configured_server
            && !self
                .command
                .iter()
                .any(|word| word == "-server" || word == "--server");
        self.job || self.client_command || self.runs_redis_sentinel() || consul_client
    }

    /// Whether a command line runs a client or a script rather than a server (see
    /// [`Workload::runs_client`]); computed once, when the workload is read. A
    /// `long_running` container (a Kubernetes Deployment's or StatefulSet's, which is
    /// restarted whenever it exits) running a shell script is taken for a server's
    /// start script unless the script runs a client.
    pub fn command_runs_client(command: &[String], long_running: bool) -> bool {
        const CLIENTS: [&str; 32] = [
            "mongosh",
            "mongo",
            "psql",
            "pg_dump",
            "pg_dumpall",
            "pg_restore",
            "redis-cli",
            "valkey-cli",
            "kafka-topics",
            "kafka-topics.sh",
            "kafka-console-consumer",
            "kafka-console-producer",
            "etcdctl",
            "cqlsh",
            "mysql",
            "mysqldump",
            "mariadb",
            "clickhouse-client",
            "nodetool",
            "rabbitmqadmin",
            "cub",
            "mc",
            "curl",
            "wget",
            // Proxies and managers started from a datastore's image: they serve or
            // watch the datastore but keep none of its data.
            "haproxy",
            "nginx",
            "envoy",
            "pgbouncer",
            "pgpool",
            "traefik",
            "stolon-proxy",
            "stolon-sentinel",
        ];
        const SHELLS: [&str; 6] = ["sh", "bash", "ash", "dash", "zsh", "sleep"];
        let words: Vec<&str> = command
            .iter()
            .flat_map(|word| word.split_whitespace())
            .map(|word| word.trim_matches(['"', '\'', ';', '(', ')']))
            .collect();
        let executable = |word: &str| word.rsplit('/').next().unwrap_or(word).to_owned();
        let Some(first) = words.first().map(|word| executable(word)) else {
            return false;
        };
        // A launcher's subcommands that run a worker or a tool, not the storage server
        // (`bin/bookkeeper autorecovery`), whatever script starts them.
        let tool_subcommand = words.windows(2).any(|pair| {
            matches!(
                (executable(pair[0]).as_str(), pair[1]),
                ("bookkeeper", "autorecovery" | "shell")
                    | ("pulsar", "initialize-cluster-metadata")
            )
        });
        if tool_subcommand {
            return true;
        }
        let starts_server = crate::model::catalog::starts_server(command)
            || words
                .iter()
                .any(|word| SERVER_STARTS.contains(&executable(word).as_str()));
        if starts_server {
            return false;
        }
        let runs_a_client = words
            .iter()
            .any(|word| CLIENTS.contains(&executable(word).as_str()));
        CLIENTS.contains(&first.as_str())
            || (SHELLS.contains(&first.as_str()) && !long_running)
            || runs_a_client
    }

    /// Whether a command line runs a program of its own rather than the image's server:
    /// it names an executable (not only flags for the image's entrypoint) that neither
    /// starts a known server nor is a script that does. With a restart policy that never
    /// restarts it, such a container is a one-off job.
    pub fn command_runs_a_program(command: &[String]) -> bool {
        let Some(first) = command
            .iter()
            .flat_map(|word| word.split_whitespace())
            .next()
        else {
            return false;
        };
        !first.starts_with('-')
            && !crate::model::catalog::starts_server(command)
            && !command
                .iter()
                .flat_map(|word| word.split_whitespace())
                .any(|word| SERVER_STARTS.contains(&word.rsplit('/').next().unwrap_or(word)))
    }

    /// Whether an Elasticsearch or OpenSearch node is coordinating only: neither a data
    /// node nor master-eligible (`node.roles` empty or without a `data*`, `master` or
    /// `cluster_manager` role; or `node.data` and `node.master` both false, as the
    /// variables `NODE_DATA`/`NODE_MASTER` of older images set them), so it holds no
    /// shard and no cluster state.
    pub fn is_coordinating_only_search_node(&self) -> bool {
        if !self
            .system
            .is_some_and(|s| matches!(s.id, "elasticsearch" | "opensearch"))
        {
            return false;
        }
        // A setting from the environment (`node.roles`, `NODE_ROLES`) or an `-E` flag.
        let setting = |dotted: &str| -> Option<String> {
            let variable = dotted.to_ascii_uppercase().replace('.', "_");
            self.env(dotted)
                .or_else(|| self.env(&variable))
                .and_then(|v| v.value.clone())
                .or_else(|| {
                    self.command.iter().find_map(|word| {
                        word.strip_prefix("-E")?
                            .strip_prefix(dotted)?
                            .strip_prefix('=')
                            .map(str::to_owned)
                    })
                })
                .map(|value| value.trim().trim_matches(['"', '\'']).to_owned())
        };
        if let Some(roles) = setting("node.roles") {
            return roles
                .trim_matches(['[', ']'])
                .split(',')
                .map(str::trim)
                .filter(|role| !role.is_empty())
                .all(|role| {
                    !(role.starts_with("data") || role == "master" || role == "cluster_manager")
                });
        }
        let off = |value: Option<String>| value.is_some_and(|v| v.eq_ignore_ascii_case("false"));
        off(setting("node.data"))
            && (off(setting("node.master")) || off(setting("node.cluster_manager")))
    }

    /// Whether a Redis (or Valkey) server writes nothing to disk: snapshots off
    /// (`--save ""`) and no append-only file (`--appendonly yes` not given), or
    /// Bitnami's `REDIS_RDB_POLICY_DISABLED=yes` with `REDIS_AOF_ENABLED=no`. Such a
    /// server is a cache: a volume would hold nothing.
    pub fn redis_persistence_off(&self) -> bool {
        if !self
            .system
            .is_some_and(|s| matches!(s.id, "redis" | "valkey"))
        {
            return false;
        }
        let words: Vec<&str> = self
            .command
            .iter()
            .flat_map(|word| word.split_whitespace())
            .collect();
        let unquoted = |word: &str| word.trim_matches(['"', '\'']).to_owned();
        let value_of = |flag: &str| -> Option<String> {
            words.iter().enumerate().find_map(|(at, word)| {
                if let Some(value) = word.strip_prefix(flag).and_then(|v| v.strip_prefix('=')) {
                    return Some(unquoted(value));
                }
                // `--save ""` (a word with a space, or two words); `--save` last.
                (*word == flag).then(|| words.get(at + 1).map_or_else(String::new, |v| unquoted(v)))
            })
        };
        let appendonly = value_of("--appendonly").is_some_and(|v| v.eq_ignore_ascii_case("yes"));
        let snapshots_off = value_of("--save").is_some_and(|v| v.is_empty() || v.starts_with("--"));
        let env = |name: &str| {
            self.env(name)
                .and_then(|v| v.value.as_deref())
                .map(|v| v.trim_matches(['"', '\'']).to_ascii_lowercase())
        };
        let bitnami_off = env("REDIS_RDB_POLICY_DISABLED").as_deref() == Some("yes")
            && env("REDIS_AOF_ENABLED").as_deref() == Some("no");
        (snapshots_off && !appendonly) || bitnami_off
    }

    /// Whether a Kafka broker keeps its partitions in object storage (AutoMQ's
    /// `s3.data.buckets` and `s3.wal.path`, its `KAFKA_S3_*` settings, its image): the
    /// storage replicates them, so one copy per broker is the design, not a risk.
    pub fn keeps_topics_in_object_storage(&self) -> bool {
        self.image
            .as_ref()
            .is_some_and(|image| image.value.name.starts_with("automq"))
            || self
                .environment
                .iter()
                .any(|v| v.name.starts_with("KAFKA_S3_") || v.name.starts_with("AUTOMQ_"))
            || self
                .command
                .iter()
                .any(|word| word.contains("s3.data.buckets") || word.contains("s3.wal.path"))
    }

    /// Whether a Kafka node is a KRaft controller only (`PROCESS_ROLES=controller`): it
    /// keeps the metadata log but no topic.
    pub fn is_kraft_controller_only(&self) -> bool {
        ["KAFKA_PROCESS_ROLES", "KAFKA_CFG_PROCESS_ROLES"]
            .iter()
            .filter_map(|name| self.env(name)?.value.as_deref())
            .any(|roles| roles.trim().trim_matches(['"', '\'']) == "controller")
    }

    /// Whether it is a Kafka broker that holds topics: Kafka, not a controller only,
    /// not a client container.
    pub fn is_kafka_broker(&self) -> bool {
        self.system.is_some_and(|s| s.id == "kafka")
            && !self.runs_client()
            && !self.is_kraft_controller_only()
    }

    /// Whether a Redis (or Valkey) container runs Sentinel, which watches the servers
    /// and keeps no data (`redis-sentinel`, `--sentinel`, or the example images'
    /// `SENTINEL=true`).
    pub fn runs_redis_sentinel(&self) -> bool {
        self.system
            .is_some_and(|s| matches!(s.id, "redis" | "valkey"))
            // Not by its name: `redis-sentinel-main` is as often the primary that
            // Sentinels watch as a Sentinel.
            && (self.env("SENTINEL").and_then(|v| v.value.as_deref()) == Some("true")
                || self
                    .command
                    .iter()
                    .flat_map(|word| word.split_whitespace())
                    .any(|word| {
                        word == "--sentinel"
                            || word.ends_with("redis-sentinel")
                            || word.ends_with("valkey-sentinel")
                    }))
    }

    /// Whether the container's settings make it one member of a cluster whose other
    /// members are configured elsewhere (a Galera node, a MongoDB replica set member,
    /// a Cassandra node with seeds, a CockroachDB node that joins others): one replica
    /// of it is not the whole service.
    pub fn joins_a_cluster(&self) -> bool {
        const VARIABLES: [&str; 8] = [
            "WSREP_CLUSTER_ADDRESS",
            // repmgr's partners: PostDock's, and Bitnami's PostgreSQL with repmgr.
            "PARTNER_NODES",
            "REPMGR_PARTNER_NODES",
            "GALERA_CLUSTER",
            "CASSANDRA_SEEDS",
            "MONGO_REPLICA_SET_NAME",
            "MONGODB_REPLICA_SET_NAME",
            "REDIS_REPLICATION_MODE",
        ];
        const FLAGS: [&str; 5] = [
            "--replSet",
            "--join",
            "--initial-cluster",
            "--seeds",
            "--cluster-name",
        ];
        // Seeds or join addresses that only name this StatefulSet's own pods
        // (`cassandra-0.cassandra.default.svc`, etcd's `etcd0=http://etcd-0.etcd:2380`)
        // make a cluster of its replicas alone.
        let own_pod = |address: &str| {
            let address = address.trim();
            let address = address.split_once('=').map_or(address, |(_, url)| url);
            let address = address.split_once("://").map_or(address, |(_, rest)| rest);
            let host = address.split([':', '.', '/']).next().unwrap_or("");
            host.strip_prefix(self.name.value.as_str())
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|ordinal| {
                    !ordinal.is_empty() && ordinal.bytes().all(|b| b.is_ascii_digit())
                })
        };
        let only_own_pods = |value: &str| {
            self.kind == WorkloadKind::StatefulSet
                && !value.trim().is_empty()
                && value.split(',').all(own_pod)
        };
        let words: Vec<&str> = self
            .command
            .iter()
            .flat_map(|word| word.split_whitespace())
            .collect();
        VARIABLES.iter().any(|name| {
            self.env(name)
                .is_some_and(|v| !v.value.as_deref().is_some_and(only_own_pods))
        }) || words.iter().enumerate().any(|(at, word)| {
            let (flag, value) = match word.split_once('=') {
                Some((flag, value)) => (flag, Some(value)),
                None => (*word, words.get(at + 1).copied()),
            };
            FLAGS.contains(&flag) && !value.is_some_and(&only_own_pods)
        })
    }

    /// The environment variable called `name`, if set.
    pub fn env(&self, name: &str) -> Option<&EnvVar> {
        self.environment.iter().find(|v| v.name == name)
    }

    /// The mount that persists `dir`: one whose target is `dir` or a parent of it.
    pub fn mount_covering(&self, dir: &str) -> Option<&Mount> {
        let dir = dir.trim_end_matches('/');
        self.mounts.iter().find(|mount| {
            let target = mount.target.trim_end_matches('/');
            !target.is_empty() && (dir == target || dir.starts_with(&format!("{target}/")))
        })
    }
}

/// The directory a storage location names: `/data` itself, or the path of
/// `http://minio{1...4}/data` or of Bitnami's `minio-{0...1}/data-{0...1}`.
fn path_of_location(location: &str) -> Option<String> {
    let location = location.trim();
    if location.starts_with('/') {
        return Some(location.to_owned());
    }
    let after_scheme = location
        .split_once("://")
        .map_or(location, |(_, rest)| rest);
    let slash = after_scheme.find('/')?;
    // A host names no directory: only what follows it.
    (!after_scheme[..slash].is_empty()).then(|| after_scheme[slash..].to_owned())
}

/// A path with MinIO's `{1...4}` ranges written out, at most 64 paths (`/data{1...2}`
/// is `/data1` and `/data2`).
fn expand_ellipses(path: &str) -> Vec<String> {
    let mut paths = vec![String::new()];
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else {
            break;
        };
        let range = rest[open + 1..close]
            .split_once("...")
            .and_then(|(from, to)| Some((from.parse::<u32>().ok()?, to.parse::<u32>().ok()?)));
        let Some((from, to)) = range.filter(|(from, to)| from <= to && to - from < 64) else {
            break;
        };
        let prefix = &rest[..open];
        paths = paths
            .iter()
            .flat_map(|path| (from..=to).map(move |n| format!("{path}{prefix}{n}")))
            .take(64)
            .collect();
        rest = &rest[close + 1..];
    }
    paths.into_iter().map(|path| path + rest).collect()
}

fn is_data_flag(flag: &str) -> bool {
    matches!(
        flag,
        "--dbpath"
            | "--dir"
            | "--data-dir"
            | "-data-dir"
            | "--datadir"
            | "--path.data"
            | "--fs_data_dirs"
    )
}

/// Where a mount's data comes from.
#[derive(Clone, Debug, PartialEq, Eq, Shift)]
pub enum MountSource {
    /// A named volume (`pgdata:/var/lib/postgresql/data`).
    Named(String),
    /// A host directory (`./data:/data`).
    Bind(String),
    /// An anonymous volume (`/var/lib/postgresql/data`).
    Anonymous,
    /// A Kubernetes volume (claim template, PVC, emptyDir ...), by name.
    Volume(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Shift)]
pub struct Mount {
    pub source: MountSource,
    pub target: String,
    pub range: TextRange,
}

/// A published port and how it was written.
#[derive(Clone, Debug, PartialEq, Eq, Shift)]
pub struct PublishedPort {
    /// The host address it binds; `None` means all interfaces.
    pub host_ip: Option<String>,
    pub published: Option<String>,
    pub target: String,
    pub range: TextRange,
    /// `Some` for the long syntax: the mapping, where a fix adds `host_ip`.
    pub long_form: Option<Section>,
}

impl PublishedPort {
    /// Whether the port is reachable on every interface of the host.
    pub fn on_all_interfaces(&self) -> bool {
        match self.host_ip.as_deref() {
            None => true,
            Some(ip) => matches!(ip, "0.0.0.0" | "::" | "[::]" | ""),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Shift)]
pub struct EnvVar {
    pub name: String,
    /// The value as written (`None` when only the name is given).
    pub value: Option<String>,
    pub name_range: TextRange,
    pub value_range: Option<TextRange>,
    /// Whether the variable comes from an `env_file` (its ranges then point at the
    /// path of that file).
    pub from_env_file: bool,
    /// Whether a service this one `extends` in the same file wrote it (that service
    /// has it too).
    pub inherited: bool,
}

/// A start-up dependency of a workload (Compose `depends_on`).
#[derive(Clone, Debug, PartialEq, Shift)]
pub struct WorkloadDependency {
    pub target: Spanned<String>,
    /// `service_started`, `service_healthy`, `service_completed_successfully`.
    pub condition: Option<Spanned<String>>,
    /// The mapping of the long form, where a fix would add a condition.
    pub section: Option<Section>,
}

/// Counts the members of a list such as `server.1=zoo1:2888:3888;2181 server.2=...`,
/// `zoo1:2888:3888,zoo2:2888:3888` or `1@kafka1:9093,2@kafka2:9093`.
pub fn count_members(list: &str, separators: &[char]) -> usize {
    list.split(separators)
        .map(str::trim)
        .filter(|member| !member.is_empty() && !member.starts_with("${"))
        // ZooKeeper's `server.1=host:2888:3888;2181` keeps the client port after `;`
        // when `;` is not a separator for this variable.
        .filter(|member| !member.chars().all(|c| c.is_ascii_digit()))
        .count()
}

#[cfg(test)]
mod tests {
    use super::{expand_ellipses, path_of_location};

    #[test]
    fn storage_locations_name_their_directories() {
        assert_eq!(path_of_location("/data").as_deref(), Some("/data"));
        assert_eq!(
            path_of_location("http://minio{1...4}/data").as_deref(),
            Some("/data")
        );
        assert_eq!(
            path_of_location("minio-{0...1}/data-{0...1}").as_deref(),
            Some("/data-{0...1}")
        );
        assert_eq!(path_of_location("minio"), None);
        assert_eq!(expand_ellipses("/data-{0...1}"), ["/data-0", "/data-1"]);
        assert_eq!(
            expand_ellipses("/mnt/d{1...2}/x{3...4}"),
            ["/mnt/d1/x3", "/mnt/d1/x4", "/mnt/d2/x3", "/mnt/d2/x4"]
        );
        assert_eq!(
            expand_ellipses("/data{1...100000}").len(),
            1,
            "a range too wide stays as written"
        );
    }
}
