//! What ddia knows about stateful systems run from container images: where they keep
//! their data, which ports they serve, and how they replicate.

/// What role a stateful system plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ddia_derive::Shift)]
pub enum SystemRole {
    Database,
    Broker,
    /// A coordination service that runs a consensus protocol (ZooKeeper, etcd, Consul).
    Coordinator,
    Search,
    ObjectStore,
}

/// A stateful system recognised from its image name.
#[derive(Debug, PartialEq, Eq)]
pub struct StatefulSystem {
    /// A short identifier (`postgres`, `kafka`).
    pub id: &'static str,
    /// The name people use (`PostgreSQL`).
    pub display: &'static str,
    pub role: SystemRole,
    /// Image names (the last path segment, without tag) that run this system.
    pub images: &'static [&'static str],
    /// Data directories, the most common first; a mount on any of them (or on a parent)
    /// persists the data.
    pub data_dirs: &'static [&'static str],
    /// Environment variables that move the data directory.
    pub data_dir_variables: &'static [&'static str],
    /// The ports the system serves by default.
    pub ports: &'static [u16],
    /// How it replicates, for hovers (Markdown).
    pub replication: &'static str,
}

/// The systems ddia recognises.
pub static SYSTEMS: &[StatefulSystem] = &[
    StatefulSystem {
        id: "postgres",
        display: "PostgreSQL",
        role: SystemRole::Database,
        images: &[
            "postgres",
            "postgresql",
            "postgresql-repmgr",
            "postgis",
            "postgresql-ha",
            "pgvector",
            "spilo",
            "spilo-16",
            "spilo-15",
            "patroni",
        ],
        data_dirs: &[
            "/var/lib/postgresql/data",
            "/bitnami/postgresql",
            "/var/lib/postgresql",
            "/home/postgres/pgdata",
        ],
        data_dir_variables: &["PGDATA", "POSTGRESQL_DATA_DIR"],
        ports: &[5432],
        replication: "Single-leader: one primary takes writes and streams its write-ahead log to replicas, asynchronously by default (`synchronous_commit` and `synchronous_standby_names` make it synchronous). Failover needs a manager such as Patroni, repmgr or an operator.",
    },
    StatefulSystem {
        id: "timescaledb",
        display: "TimescaleDB",
        role: SystemRole::Database,
        images: &["timescaledb", "timescaledb-ha"],
        data_dirs: &["/var/lib/postgresql/data", "/home/postgres/pgdata"],
        data_dir_variables: &["PGDATA"],
        ports: &[5432],
        replication: "PostgreSQL's single-leader streaming replication: one primary, asynchronous replicas unless configured synchronous.",
    },
    StatefulSystem {
        id: "mysql",
        display: "MySQL",
        role: SystemRole::Database,
        images: &[
            "mysql",
            "mysql-server",
            "percona-server",
            "percona-xtradb-cluster",
        ],
        data_dirs: &["/var/lib/mysql", "/bitnami/mysql"],
        data_dir_variables: &[],
        ports: &[3306],
        replication: "Single-leader binlog replication, asynchronous by default (semi-synchronous as a plugin); Group Replication and Galera-based forks offer multi-primary with certification.",
    },
    StatefulSystem {
        id: "mariadb",
        display: "MariaDB",
        role: SystemRole::Database,
        images: &["mariadb", "mariadb-galera"],
        data_dirs: &["/var/lib/mysql", "/bitnami/mariadb"],
        data_dir_variables: &[],
        ports: &[3306],
        replication: "Single-leader binlog replication, or Galera: synchronous multi-primary with write-set certification (conflicting transactions abort).",
    },
    StatefulSystem {
        id: "mongodb",
        display: "MongoDB",
        role: SystemRole::Database,
        images: &[
            "mongo",
            "mongodb",
            "mongodb-sharded",
            "mongodb-community-server",
        ],
        data_dirs: &["/data/db", "/bitnami/mongodb"],
        data_dir_variables: &[],
        ports: &[27017],
        replication: "Replica sets: single-leader with an elected primary (Raft-like); `writeConcern: majority` and `readConcern: majority` give durable, non-rolled-back reads. Sharding partitions by a range or hashed shard key.",
    },
    StatefulSystem {
        id: "redis",
        display: "Redis",
        role: SystemRole::Database,
        images: &[
            "redis",
            "redis-cluster",
            "redis-stack",
            "redis-stack-server",
            "keydb",
            "dragonfly",
        ],
        data_dirs: &["/data", "/bitnami/redis/data", "/bitnami/redis"],
        data_dir_variables: &[],
        ports: &[6379],
        replication: "Single-leader, asynchronous replication: an acknowledged write can be lost on failover. Sentinel or Redis Cluster elect a new primary; Cluster partitions keys over 16,384 hash slots. Persistence (RDB snapshots, AOF) is what survives a restart.",
    },
    StatefulSystem {
        id: "valkey",
        display: "Valkey",
        role: SystemRole::Database,
        images: &["valkey", "valkey-cluster"],
        data_dirs: &["/data", "/bitnami/valkey/data"],
        data_dir_variables: &[],
        ports: &[6379],
        replication: "Redis's model: single-leader, asynchronous replication; cluster mode partitions keys over hash slots.",
    },
    StatefulSystem {
        id: "cassandra",
        display: "Apache Cassandra",
        role: SystemRole::Database,
        images: &["cassandra"],
        data_dirs: &["/var/lib/cassandra", "/bitnami/cassandra"],
        data_dir_variables: &["CASSANDRA_DATA_DIR"],
        ports: &[9042],
        replication: "Leaderless with tunable quorums: each keyspace sets its replication factor N, each request its consistency level (ONE, QUORUM, ALL), and reads see the latest write when W + R > N. Read repair and anti-entropy repair converge replicas; partitions are placed by consistent hashing of the partition key.",
    },
    StatefulSystem {
        id: "scylla",
        display: "ScyllaDB",
        role: SystemRole::Database,
        images: &["scylla", "scylla-enterprise"],
        data_dirs: &["/var/lib/scylla"],
        data_dir_variables: &[],
        ports: &[9042],
        replication: "Cassandra's model: leaderless with tunable consistency levels per request (W + R > N for fresh reads), consistent hashing of partition keys.",
    },
    StatefulSystem {
        id: "cockroachdb",
        display: "CockroachDB",
        role: SystemRole::Database,
        images: &["cockroach"],
        data_dirs: &["/cockroach/cockroach-data"],
        data_dir_variables: &[],
        ports: &[26257],
        replication: "Ranges of keys replicated by Raft (three replicas by default): serializable transactions across ranges, and a majority of each range must be up.",
    },
    StatefulSystem {
        id: "kafka",
        display: "Apache Kafka",
        role: SystemRole::Broker,
        images: &["kafka", "cp-kafka", "cp-server", "confluent-local"],
        data_dirs: &[
            "/var/lib/kafka/data",
            "/var/lib/kafka",
            "/bitnami/kafka",
            "/tmp/kraft-combined-logs",
            "/kafka",
        ],
        data_dir_variables: &["KAFKA_LOG_DIRS", "KAFKA_CFG_LOG_DIRS"],
        ports: &[9092],
        replication: "Each partition has a leader and followers; with `acks=all` a write waits for the in-sync replicas, and `min.insync.replicas` sets how many must be in sync (replication factor 3 with 2 in sync survives one broker loss). Order holds within a partition only. KRaft or ZooKeeper elects the controller.",
    },
    StatefulSystem {
        id: "zookeeper",
        display: "Apache ZooKeeper",
        role: SystemRole::Coordinator,
        images: &["zookeeper", "cp-zookeeper", "kubernetes-zookeeper"],
        data_dirs: &[
            "/data",
            "/datalog",
            "/var/lib/zookeeper/data",
            "/var/lib/zookeeper",
            "/bitnami/zookeeper",
        ],
        data_dir_variables: &["ZOO_DATA_DIR"],
        ports: &[2181],
        replication: "An ensemble running Zab (atomic broadcast): a majority must be up to elect a leader and commit, so 3 members survive 1 failure and 5 survive 2; an even member adds no tolerance.",
    },
    StatefulSystem {
        id: "etcd",
        display: "etcd",
        role: SystemRole::Coordinator,
        images: &["etcd"],
        data_dirs: &["/etcd-data", "/bitnami/etcd", "/var/lib/etcd", "/etcd"],
        data_dir_variables: &["ETCD_DATA_DIR"],
        ports: &[2379],
        replication: "A Raft cluster: linearizable reads and writes while a majority is up; 3 members survive 1 failure, 5 survive 2.",
    },
    StatefulSystem {
        id: "consul",
        display: "HashiCorp Consul",
        role: SystemRole::Coordinator,
        images: &["consul"],
        data_dirs: &["/consul/data"],
        data_dir_variables: &[],
        ports: &[8500],
        replication: "Servers replicate the catalog with Raft: a majority of servers (`-bootstrap-expect`) must be up; 3 or 5 servers are usual.",
    },
    StatefulSystem {
        id: "elasticsearch",
        display: "Elasticsearch",
        role: SystemRole::Search,
        images: &["elasticsearch"],
        data_dirs: &[
            "/usr/share/elasticsearch/data",
            "/bitnami/elasticsearch/data",
            "/bitnami/elasticsearch",
        ],
        data_dir_variables: &[],
        ports: &[9200],
        replication: "Indices are split into primary shards, each with replica shards (single-leader per shard, replicated synchronously to in-sync copies); master-eligible nodes elect a master by quorum, so use three of them.",
    },
    StatefulSystem {
        id: "opensearch",
        display: "OpenSearch",
        role: SystemRole::Search,
        images: &["opensearch"],
        data_dirs: &["/usr/share/opensearch/data"],
        data_dir_variables: &[],
        ports: &[9200],
        replication: "Elasticsearch's model: primary and replica shards per index, and a quorum of cluster-manager nodes.",
    },
    StatefulSystem {
        id: "rabbitmq",
        display: "RabbitMQ",
        role: SystemRole::Broker,
        images: &["rabbitmq"],
        data_dirs: &[
            "/var/lib/rabbitmq",
            "/bitnami/rabbitmq/mnesia",
            "/bitnami/rabbitmq",
        ],
        data_dir_variables: &["RABBITMQ_MNESIA_BASE"],
        ports: &[5672],
        replication: "Quorum queues replicate each queue with Raft (an odd number of nodes, a majority up); classic queues live on one node.",
    },
    StatefulSystem {
        id: "clickhouse",
        display: "ClickHouse",
        role: SystemRole::Database,
        images: &["clickhouse-server", "clickhouse"],
        data_dirs: &["/var/lib/clickhouse", "/bitnami/clickhouse"],
        data_dir_variables: &[],
        ports: &[8123, 9000],
        replication: "ReplicatedMergeTree tables replicate asynchronously between replicas of a shard, coordinated by ClickHouse Keeper or ZooKeeper; a columnar engine for analytical scans.",
    },
    StatefulSystem {
        id: "neo4j",
        display: "Neo4j",
        role: SystemRole::Database,
        images: &["neo4j"],
        data_dirs: &["/data"],
        data_dir_variables: &[],
        ports: &[7687, 7474],
        replication: "Clusters of primaries replicate with Raft (a majority commits each transaction); secondaries follow asynchronously for read scaling.",
    },
    StatefulSystem {
        id: "minio",
        display: "MinIO",
        role: SystemRole::ObjectStore,
        images: &["minio"],
        data_dirs: &["/data", "/bitnami/minio/data", "/export"],
        data_dir_variables: &["MINIO_VOLUMES"],
        ports: &[9000],
        replication: "Erasure coding across drives and nodes of a server pool: it survives losing up to half of the drives of an erasure set for reads.",
    },
    StatefulSystem {
        id: "influxdb",
        display: "InfluxDB",
        role: SystemRole::Database,
        images: &["influxdb"],
        data_dirs: &["/var/lib/influxdb2", "/var/lib/influxdb"],
        data_dir_variables: &[],
        ports: &[8086],
        replication: "A single node in the open-source edition: no replication, so back it up.",
    },
    StatefulSystem {
        id: "couchdb",
        display: "Apache CouchDB",
        role: SystemRole::Database,
        images: &["couchdb"],
        data_dirs: &["/opt/couchdb/data", "/bitnami/couchdb"],
        data_dir_variables: &[],
        ports: &[5984],
        replication: "Multi-leader by design: every node accepts writes, replication is asynchronous, and conflicting revisions are kept for the application to resolve.",
    },
    StatefulSystem {
        id: "nats",
        display: "NATS",
        role: SystemRole::Broker,
        images: &["nats"],
        data_dirs: &["/data", "/tmp/nats/jetstream"],
        data_dir_variables: &[],
        ports: &[4222],
        replication: "Core NATS keeps nothing; JetStream streams replicate with Raft (1, 3 or 5 replicas).",
    },
];

/// The catalog's Kafka entry.
pub fn kafka() -> &'static StatefulSystem {
    SYSTEMS
        .iter()
        .find(|system| system.id == "kafka")
        .expect("the catalog lists Kafka")
}

/// The parts of an image reference.
#[derive(Clone, Debug, PartialEq, Eq, ddia_derive::Shift)]
pub struct ImageRef {
    /// The last path segment: `postgres` in `docker.io/library/postgres:16`.
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// Whether the reference uses `${VAR}` interpolation (then it cannot be judged).
    pub interpolated: bool,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let reference = reference.trim();
        let interpolated = reference.contains('$');
        let (without_digest, digest) = match reference.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_owned())),
            None => (reference, None),
        };
        // A tag follows the last `:` after the last `/` (a registry may have a port).
        let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
        // `${VERSION:-16}` in a tag keeps its own colon: the tag starts at the first one.
        let (path, tag) = match without_digest[last_slash..].find(':') {
            Some(colon) => (
                &without_digest[..last_slash + colon],
                Some(without_digest[last_slash + colon + 1..].to_owned()),
            ),
            None => (without_digest, None),
        };
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        ImageRef {
            name,
            tag,
            digest,
            interpolated,
        }
    }

    /// The stateful system this image runs, if ddia knows it.
    pub fn system(&self) -> Option<&'static StatefulSystem> {
        if self.interpolated && self.name.contains('$') {
            return None;
        }
        SYSTEMS
            .iter()
            .find(|system| system.images.contains(&self.name.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_image_references() {
        let image = ImageRef::parse("registry.example.com:5000/team/postgres:16-alpine@sha256:abc");
        assert_eq!(image.name, "postgres");
        assert_eq!(image.tag.as_deref(), Some("16-alpine"));
        assert_eq!(image.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(image.system().map(|s| s.id), Some("postgres"));
        let image = ImageRef::parse("bitnami/kafka");
        assert_eq!((image.name.as_str(), image.tag.as_deref()), ("kafka", None));
        assert_eq!(
            ImageRef::parse("confluentinc/cp-kafka:7.6.0")
                .system()
                .map(|s| s.id),
            Some("kafka")
        );
        let image = ImageRef::parse("postgres:${POSTGRES_VERSION}");
        assert!(image.interpolated);
        assert_eq!(image.system().map(|s| s.id), Some("postgres"));
        assert_eq!(ImageRef::parse("${IMAGE}").system(), None);
        assert_eq!(ImageRef::parse("grafana/grafana:10").system(), None);
    }
}
