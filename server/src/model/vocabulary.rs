//! The enumerated values of the system-spec vocabulary (`system-spec.md`), one enum each.

/// Declares an enum of spec values with its spellings, in one place.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ddia_derive::Shift)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every value, in the order the contract lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as it is written in a spec.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses a value as written in a spec (exact spelling).
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// A consistency model, strongest first.
    Consistency {
        Linearizable = "linearizable",
        Strong = "strong",
        Causal = "causal",
        ReadYourWrites = "read-your-writes",
        Eventual = "eventual",
    }
}

impl Consistency {
    /// Whether reads must see the latest acknowledged write.
    pub fn is_strong(self) -> bool {
        matches!(self, Consistency::Linearizable | Consistency::Strong)
    }
}

vocabulary! {
    /// The kind of query an access pattern makes.
    AccessKind {
        Point = "point",
        Range = "range",
        Scan = "scan",
        Aggregate = "aggregate",
        GraphTraversal = "graph-traversal",
        FullText = "full-text",
        Join = "join",
    }
}

vocabulary! {
    DataModel {
        Relational = "relational",
        Document = "document",
        Graph = "graph",
        WideColumn = "wide-column",
        KeyValue = "key-value",
        TimeSeries = "time-series",
        Search = "search",
        Log = "log",
    }
}

vocabulary! {
    StorageEngine {
        BTree = "b-tree",
        LsmTree = "lsm-tree",
        InMemory = "in-memory",
        Columnar = "columnar",
    }
}

vocabulary! {
    WorkloadType {
        ReadHeavy = "read-heavy",
        WriteHeavy = "write-heavy",
        Balanced = "balanced",
    }
}

vocabulary! {
    ReplicationMode {
        None = "none",
        SingleLeader = "single-leader",
        MultiLeader = "multi-leader",
        Leaderless = "leaderless",
    }
}

vocabulary! {
    SyncMode {
        Sync = "sync",
        SemiSync = "semi-sync",
        Async = "async",
    }
}

vocabulary! {
    ConflictResolution {
        LastWriteWins = "last-write-wins",
        VersionVectors = "version-vectors",
        Crdt = "crdt",
        Custom = "custom",
        None = "none",
    }
}

vocabulary! {
    Failover {
        Automatic = "automatic",
        Manual = "manual",
    }
}

vocabulary! {
    PartitionStrategy {
        None = "none",
        Hash = "hash",
        Range = "range",
        ConsistentHashing = "consistent-hashing",
    }
}

vocabulary! {
    KeyKind {
        Random = "random",
        Timestamp = "timestamp",
        Sequence = "sequence",
        LowCardinality = "low-cardinality",
    }
}

vocabulary! {
    Rebalancing {
        FixedPartitions = "fixed-partitions",
        Dynamic = "dynamic",
        ModN = "mod-n",
        Manual = "manual",
    }
}

vocabulary! {
    SecondaryIndexes {
        Local = "local",
        Global = "global",
    }
}

vocabulary! {
    Isolation {
        Serializable = "serializable",
        Snapshot = "snapshot",
        RepeatableRead = "repeatable-read",
        ReadCommitted = "read-committed",
        ReadUncommitted = "read-uncommitted",
    }
}

vocabulary! {
    DistributedTransactions {
        None = "none",
        TwoPhaseCommit = "two-phase-commit",
        Saga = "saga",
    }
}

vocabulary! {
    Backoff {
        None = "none",
        Constant = "constant",
        Linear = "linear",
        Exponential = "exponential",
    }
}

vocabulary! {
    CallMode {
        Sync = "sync",
        Async = "async",
    }
}

vocabulary! {
    Delivery {
        AtMostOnce = "at-most-once",
        AtLeastOnce = "at-least-once",
        ExactlyOnce = "exactly-once",
    }
}

vocabulary! {
    SchemaFormat {
        Avro = "avro",
        Protobuf = "protobuf",
        JsonSchema = "json-schema",
        None = "none",
    }
}

vocabulary! {
    Compatibility {
        Backward = "backward",
        Forward = "forward",
        Full = "full",
        None = "none",
    }
}

vocabulary! {
    WorkflowPattern {
        Saga = "saga",
        TwoPhaseCommit = "two-phase-commit",
    }
}

vocabulary! {
    ConsensusAlgorithm {
        Raft = "raft",
        Paxos = "paxos",
        Zab = "zab",
        Pbft = "pbft",
        Tendermint = "tendermint",
        PhaseKing = "phase-king",
    }
}

impl ConsensusAlgorithm {
    /// Whether the algorithm tolerates Byzantine (arbitrary) faults, not just crashes.
    pub fn is_byzantine(self) -> bool {
        matches!(
            self,
            ConsensusAlgorithm::Pbft
                | ConsensusAlgorithm::Tendermint
                | ConsensusAlgorithm::PhaseKing
        )
    }
}

vocabulary! {
    /// A latency percentile key of `requirements.latency`; the averages exist so that a
    /// rule can flag them.
    LatencyStatistic {
        P50 = "p50",
        P90 = "p90",
        P95 = "p95",
        P99 = "p99",
        P999 = "p999",
        Avg = "avg",
        Mean = "mean",
        Average = "average",
    }
}

impl LatencyStatistic {
    pub fn is_average(self) -> bool {
        matches!(
            self,
            LatencyStatistic::Avg | LatencyStatistic::Mean | LatencyStatistic::Average
        )
    }
}
