//! The system model: one typed description of a data system, whatever file it came from.
//!
//! System specs fill it completely; Compose files and Kubernetes manifests fill the
//! parts they can state. Every fact keeps the byte range of the value it came from
//! and of its key, so rules can place findings exactly without knowing the format.
//! Building the model never fails: wrong types and unknown values become
//! [`ModelProblem`]s and the fact is left out.

mod spec;
pub mod suggest;
pub mod values;
pub mod vocabulary;

use crate::text::TextRange;
pub use spec::{SPEC_KEYS, from_spec};
pub use values::{Duration, Quantity};
pub use vocabulary::*;

/// A value and where it is written.
#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// Which file format a model came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    Spec,
    Compose,
    Kubernetes,
}

/// Where a component's facts came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
    pub problems: Vec<ModelProblem>,
    /// Where findings about the whole file go (what it lacks): the `ddia` key of a
    /// spec, else its first key.
    pub top: TextRange,
}

impl SystemModel {
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
            problems: Vec::new(),
            top: TextRange::empty(range.start),
        }
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
        self.datastores.iter().find(|d| d.name.value == name)
    }

    /// The access patterns that name a datastore.
    pub fn access_patterns_of<'a>(
        &'a self,
        datastore: &'a str,
    ) -> impl Iterator<Item = &'a AccessPattern> + 'a {
        self.requirements
            .iter()
            .flat_map(|r| r.access_patterns.iter())
            .filter(move |p| p.datastore.as_ref().is_some_and(|d| d.value == datastore))
    }

    /// The dependencies, across all services, on the component called `name`, with
    /// the service that has each.
    pub fn dependents_of<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = (&'a Service, &'a Dependency)> + 'a {
        self.services.iter().flat_map(move |service| {
            service
                .dependencies
                .iter()
                .filter(move |d| d.target.value == name)
                .map(move |d| (service, d))
        })
    }
}

/// What kind of thing could not be read into the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// A value of the wrong type or outside the vocabulary.
    Invalid,
    /// A key the vocabulary does not know (specs grow: not an error).
    UnknownKey,
}

/// A value or key that could not be read into the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelProblem {
    pub kind: ProblemKind,
    pub range: TextRange,
    pub message: String,
    /// The likely intended spelling, replacing the text at `range`.
    pub suggestion: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Requirements {
    pub section: Section,
    pub load: Option<Load>,
    pub latency: Option<Latency>,
    pub availability: Option<Spanned<f64>>,
    pub consistency: Option<Spanned<Consistency>>,
    pub access_patterns: Vec<AccessPattern>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    pub section: Section,
    pub requests_per_second: Option<Spanned<f64>>,
    pub read_write_ratio: Option<Spanned<String>>,
    pub data_volume: Option<Spanned<Quantity>>,
    pub growth: Option<Spanned<String>>,
    pub concurrent_users: Option<Spanned<f64>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Latency {
    pub section: Section,
    pub targets: Vec<LatencyTarget>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LatencyTarget {
    pub statistic: Spanned<LatencyStatistic>,
    pub value: Spanned<Duration>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AccessPattern {
    pub range: TextRange,
    pub name: Option<Spanned<String>>,
    pub datastore: Option<Spanned<String>>,
    pub kind: Option<Spanned<AccessKind>>,
    pub key: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Datastore {
    /// The datastore's name and the range of its key.
    pub name: Spanned<String>,
    pub origin: Origin,
    pub section: Section,
    pub model: Option<Spanned<DataModel>>,
    pub engine: Option<Spanned<StorageEngine>>,
    pub technology: Option<Spanned<String>>,
    pub workload: Option<Spanned<Workload>>,
    pub consistency: Option<Spanned<Consistency>>,
    pub replication: Option<Replication>,
    pub partitioning: Option<Partitioning>,
    pub transactions: Option<Transactions>,
    pub backup: Option<Backup>,
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
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
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

#[derive(Clone, Debug, PartialEq)]
pub struct Partitioning {
    pub section: Section,
    pub strategy: Option<Spanned<PartitionStrategy>>,
    pub key: Option<Spanned<String>>,
    pub key_kind: Option<Spanned<KeyKind>>,
    pub partitions: Option<Spanned<i64>>,
    pub rebalancing: Option<Spanned<Rebalancing>>,
    pub secondary_indexes: Option<Spanned<SecondaryIndexes>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Transactions {
    pub section: Section,
    pub isolation: Option<Spanned<Isolation>>,
    pub distributed: Option<Spanned<DistributedTransactions>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Backup {
    pub section: Section,
    pub schedule: Option<Spanned<String>>,
    pub restore_tested: Option<Spanned<bool>>,
}

#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DependencyForm {
    /// `depends_on: [orders]`.
    Short,
    /// `depends_on: {orders: {timeout: ...}}`.
    Long,
}

#[derive(Clone, Debug, PartialEq)]
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

#[derive(Clone, Debug, PartialEq)]
pub struct Retries {
    pub section: Section,
    pub max: Option<Spanned<i64>>,
    pub backoff: Option<Spanned<Backoff>>,
    pub jitter: Option<Spanned<bool>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stream {
    pub name: Spanned<String>,
    pub section: Section,
    pub broker: Option<Spanned<String>>,
    pub partitions: Option<Spanned<i64>>,
    pub replication_factor: Option<Spanned<i64>>,
    pub min_insync_replicas: Option<Spanned<i64>>,
    pub delivery: Option<Spanned<Delivery>>,
    pub ordering_key: Option<Spanned<String>>,
    pub schema: Option<EventSchema>,
    pub consumers: Vec<Consumer>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventSchema {
    pub section: Section,
    pub format: Option<Spanned<SchemaFormat>>,
    pub versioned: Option<Spanned<bool>>,
    pub compatibility: Option<Spanned<Compatibility>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Consumer {
    pub name: Spanned<String>,
    pub section: Section,
    pub idempotent: Option<Spanned<bool>>,
    pub requires_ordering: Option<Spanned<bool>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Workflow {
    pub name: Spanned<String>,
    pub section: Section,
    pub pattern: Option<Spanned<WorkflowPattern>>,
    pub steps: Vec<WorkflowStep>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorkflowStep {
    pub section: Section,
    pub name: Option<Spanned<String>>,
    pub service: Option<Spanned<String>>,
    pub compensation: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsensusGroup {
    pub name: Spanned<String>,
    pub origin: Origin,
    pub section: Section,
    pub algorithm: Option<Spanned<ConsensusAlgorithm>>,
    pub nodes: Option<Spanned<i64>>,
    /// f: the faults to tolerate.
    pub faulty: Option<Spanned<i64>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Observability {
    pub section: Section,
    pub metrics: Option<Spanned<bool>>,
    pub logging: Option<Spanned<bool>>,
    pub tracing: Option<Spanned<bool>>,
    pub alerts: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub range: TextRange,
    pub id: Option<Spanned<String>>,
    pub title: Option<Spanned<String>>,
    pub tradeoff: Option<Spanned<String>>,
}
