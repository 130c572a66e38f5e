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
            "citus",
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
        images: &["cockroach", "cockroachdb"],
        data_dirs: &["/cockroach/cockroach-data"],
        data_dir_variables: &[],
        ports: &[26257],
        replication: "Ranges of keys replicated by Raft (three replicas by default): serializable transactions across ranges, and a majority of each range must be up.",
    },
    StatefulSystem {
        id: "yugabytedb",
        display: "YugabyteDB",
        role: SystemRole::Database,
        images: &["yugabyte"],
        // `--fs_data_dirs` names them; the image's examples use `/mnt/disk0`.
        data_dirs: &["/mnt/disk0", "/home/yugabyte/var"],
        data_dir_variables: &[],
        // YSQL, YCQL, YEDIS, and the master's and tablet server's RPC ports.
        ports: &[5433, 9042, 6379, 7100, 9100],
        replication: "Tablets replicated by Raft (replication factor 3 by default, set on the masters): a majority of each tablet's replicas must be up; the masters keep the catalog in a Raft group of their own.",
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
        // Wazuh's indexer is OpenSearch under its own name and paths.
        images: &["opensearch", "wazuh-indexer"],
        data_dirs: &["/usr/share/opensearch/data", "/var/lib/wazuh-indexer"],
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
        // `/var/lib/neo4j/data` is a link to `/data` in the official image: a volume
        // mounted on either path holds the same files.
        data_dirs: &["/data", "/var/lib/neo4j/data"],
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
        // NATS Streaming (STAN), NATS's older persistence layer.
        images: &["nats", "nats-streaming"],
        data_dirs: &["/data", "/tmp/nats/jetstream"],
        data_dir_variables: &[],
        ports: &[4222],
        replication: "Core NATS keeps nothing; JetStream streams replicate with Raft (1, 3 or 5 replicas).",
    },
    StatefulSystem {
        id: "sqlserver",
        display: "SQL Server",
        role: SystemRole::Database,
        images: &["mssql-server", "azure-sql-edge", "mssql-server-linux"],
        data_dirs: &["/var/opt/mssql"],
        data_dir_variables: &[],
        ports: &[1433],
        replication: "Always On availability groups: one primary replica takes writes and ships its log to secondaries, synchronously or asynchronously per replica; failover is automatic only with synchronous commit and a cluster manager.",
    },
    StatefulSystem {
        id: "clickhouse-keeper",
        display: "ClickHouse Keeper",
        role: SystemRole::Coordinator,
        images: &["clickhouse-keeper"],
        data_dirs: &[
            "/var/lib/clickhouse-keeper",
            "/var/lib/clickhouse/coordination",
        ],
        data_dir_variables: &[],
        ports: &[9181],
        replication: "A Raft ensemble (ZooKeeper-compatible) that coordinates replicated ClickHouse tables: a majority of its members must be up.",
    },
    StatefulSystem {
        id: "bookkeeper",
        display: "Apache BookKeeper",
        role: SystemRole::Broker,
        images: &["bookkeeper"],
        data_dirs: &[
            "/pulsar/data/bookkeeper",
            "/opt/bookkeeper/data",
            "/data/bookkeeper",
        ],
        data_dir_variables: &[],
        ports: &[3181],
        replication: "Each ledger is striped over an ensemble of bookies and every entry written to a write quorum of them, acknowledged by an ack quorum (Pulsar's defaults: 2 of 2).",
    },
    StatefulSystem {
        id: "pulsar",
        display: "Apache Pulsar (standalone)",
        role: SystemRole::Broker,
        // A Pulsar broker keeps nothing itself (BookKeeper does): only `pulsar
        // standalone` is recognised, from its command.
        images: &[],
        data_dirs: &["/pulsar/data"],
        data_dir_variables: &[],
        ports: &[6650],
        replication: "Standalone runs a broker, a bookie and ZooKeeper in one process: nothing is replicated.",
    },
    StatefulSystem {
        id: "redpanda",
        display: "Redpanda",
        role: SystemRole::Broker,
        images: &["redpanda"],
        data_dirs: &["/var/lib/redpanda/data", "/var/lib/redpanda"],
        data_dir_variables: &[],
        ports: &[9092],
        replication: "Kafka-compatible: each partition is a Raft group of its replicas (replication factor 3 survives one broker loss).",
    },
    StatefulSystem {
        id: "oracle",
        display: "Oracle Database",
        role: SystemRole::Database,
        images: &["oracle-free", "oracle-xe", "oracle-database", "oracle-db"],
        data_dirs: &["/opt/oracle/oradata"],
        data_dir_variables: &[],
        ports: &[1521],
        replication: "Single primary; Data Guard ships redo to standbys (synchronously in maximum protection or availability mode, else asynchronously) and fails over with an observer; RAC shares one storage between instances.",
    },
    StatefulSystem {
        id: "tidb-pd",
        display: "TiDB PD",
        role: SystemRole::Coordinator,
        images: &["pd"],
        data_dirs: &["/data", "/var/lib/pd"],
        data_dir_variables: &[],
        ports: &[2379, 2380],
        replication: "The Placement Driver of a TiDB cluster: an embedded etcd (Raft) group that keeps the cluster's metadata and timestamps; a majority of its members must be up.",
    },
    StatefulSystem {
        id: "tikv",
        display: "TiKV",
        role: SystemRole::Database,
        images: &["tikv"],
        data_dirs: &["/data", "/var/lib/tikv"],
        data_dir_variables: &[],
        ports: &[20160],
        replication: "Each key range (region) is a Raft group of 3 replicas by default, placed on different stores by PD: a write commits on a majority.",
    },
    StatefulSystem {
        id: "tidb",
        display: "TiDB",
        role: SystemRole::Database,
        images: &["tidb"],
        // The SQL layer keeps nothing: TiKV stores the data.
        data_dirs: &[],
        data_dir_variables: &[],
        ports: &[4000, 10080],
        replication: "A stateless MySQL-compatible SQL layer over TiKV: run several behind a load balancer; durability and replication are TiKV's.",
    },
    StatefulSystem {
        id: "vitess",
        display: "Vitess",
        role: SystemRole::Database,
        images: &["vttestserver"],
        data_dirs: &["/vt/vtdataroot"],
        data_dir_variables: &[],
        ports: &[33577],
        replication: "MySQL shards, each a primary with replicas managed by Vitess; `vttestserver` runs everything in one container for tests.",
    },
];

/// Suffixes of image names that say how an image was built, not what it runs
/// (`postgres-alpine`, `etcd-amd64`, `redis-ubi9`).
const VARIANT_SUFFIXES: &[&str] = &[
    "-amd64",
    "-arm64",
    "-arm64v8",
    "-arm",
    "-ppc64le",
    "-s390x",
    "-alpine",
    "-debian",
    "-ubuntu",
    "-bookworm",
    "-bullseye",
    "-buster",
    "-jammy",
    "-focal",
    "-ubi8",
    "-ubi9",
    "-rhel",
    "-rhel8",
    "-rhel9",
    "-slim",
    "-oss",
    "-ce",
    "-community",
    "-official",
    "-custom",
];

/// The system an image name runs: as listed, or once variant suffixes and a demo
/// prefix (`example-`, `docker-`) are taken off.
fn system_of_image_name(name: &str) -> Option<&'static StatefulSystem> {
    let listed = |name: &str| SYSTEMS.iter().find(|system| system.images.contains(&name));
    let mut name = name.strip_prefix("example-").unwrap_or(name);
    name = name.strip_prefix("docker-").unwrap_or(name);
    loop {
        if let Some(system) = listed(name) {
            return Some(system);
        }
        match VARIANT_SUFFIXES
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
        {
            Some(stripped) => name = stripped,
            None => break,
        }
    }
    // A demo or role image named after the system (`gb-redis-follower`,
    // `mongo-replica`): the system's name beside words that only say which role it
    // plays. Never a tool named after it (`redis-exporter`, `kafka-ui`, `mongo-express`).
    let words: Vec<&str> = name.split('-').collect();
    if words.len() < 2 {
        return None;
    }
    // A word that glues a role to the system's name (`redisslave`, `mongoreplica`).
    let listed_or_glued = |word: &str| {
        listed(word).or_else(|| {
            ROLE_WORDS.iter().find_map(|role| {
                word.strip_suffix(role)
                    .filter(|system| !system.is_empty())
                    .and_then(&listed)
            })
        })
    };
    // A major version after the name (`postgresql-16`, `mysql-8-0`).
    let version = |word: &str| word.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let systems: Vec<&'static StatefulSystem> = words
        .iter()
        .filter_map(|word| listed_or_glued(word))
        .collect();
    let roles_only = words
        .iter()
        .all(|word| listed_or_glued(word).is_some() || ROLE_WORDS.contains(word) || version(word));
    match systems.as_slice() {
        // An image named `<app>-<system>` (`etl-kafka`, `zipkin-cassandra`) is as often
        // a client of the system as a build of it: only role words count.
        [system] if roles_only => Some(*system),
        _ => None,
    }
}

/// Words that, beside a system's name in an image name, only say which role the image
/// plays (`gb-redis-follower`, `mongo-replica`).
const ROLE_WORDS: [&str; 22] = [
    "leader",
    "follower",
    "master",
    "slave",
    "primary",
    "replica",
    "secondary",
    "server",
    "node",
    "db",
    "gb",
    "example",
    "demo",
    "sample",
    "test",
    "cluster",
    "docker",
    "kubernetes",
    "k8s",
    // What the instance is for (`redis-store`, `redis-cache`, `elasticsearch-data`).
    "store",
    "cache",
    "data",
];

/// A command line that starts a server: its executable and, for a launcher of
/// several programs, the subcommand (any when empty).
pub struct ServerCommand {
    pub executables: &'static [&'static str],
    pub subcommands: &'static [&'static str],
    /// The [`StatefulSystem::id`] it starts.
    pub system: &'static str,
}

/// The commands that start the servers ddia knows.
pub static SERVER_COMMANDS: &[ServerCommand] = &[
    command(&["redis-server"], &[], "redis"),
    command(&["valkey-server"], &[], "valkey"),
    command(&["mongod"], &[], "mongodb"),
    command(&["postgres"], &[], "postgres"),
    // Managers that run PostgreSQL as their child (Patroni, Stolon's keeper).
    command(&["patroni", "stolon-keeper"], &[], "postgres"),
    command(&["mysqld"], &[], "mysql"),
    command(&["mariadbd"], &[], "mariadb"),
    command(&["etcd"], &[], "etcd"),
    command(
        &[
            "zkServer.sh",
            "zookeeper-server-start.sh",
            "zookeeper-server-start",
            // The start scripts of Kubernetes' ZooKeeper examples and images built on them.
            "start-zookeeper.sh",
            "start-zookeeper",
        ],
        &[],
        "zookeeper",
    ),
    command(
        &["kafka-server-start.sh", "kafka-server-start"],
        &[],
        "kafka",
    ),
    command(&["nats-server"], &[], "nats"),
    command(&["clickhouse-keeper"], &[], "clickhouse-keeper"),
    command(&["clickhouse-server"], &[], "clickhouse"),
    command(&["minio"], &["server"], "minio"),
    command(
        &["cockroach"],
        &["start", "start-single-node"],
        "cockroachdb",
    ),
    command(&["redpanda", "rpk"], &["start"], "redpanda"),
    command(
        &["pulsar"],
        &["zookeeper", "configuration-store"],
        "zookeeper",
    ),
    command(&["pulsar"], &["bookie"], "bookkeeper"),
    command(&["pulsar"], &["standalone"], "pulsar"),
    command(&["bookkeeper"], &["bookie"], "bookkeeper"),
    command(&["yb-master", "yb-tserver"], &[], "yugabytedb"),
    command(&["pd-server"], &[], "tidb-pd"),
    command(&["tikv-server"], &[], "tikv"),
    command(&["tidb-server"], &[], "tidb"),
];

const fn command(
    executables: &'static [&'static str],
    subcommands: &'static [&'static str],
    system: &'static str,
) -> ServerCommand {
    ServerCommand {
        executables,
        subcommands,
        system,
    }
}

/// The server a command line starts, if it starts one ddia knows: its executable
/// (`redis-server`, `mongod`, `kafka-server-start.sh`), or a launcher and its
/// subcommand (`bin/pulsar bookie`, `minio server`, `cockroach start`). Words of a
/// shell script (`sh -c "... && bin/pulsar zookeeper"`) count too.
fn system_of_command(command: &[String]) -> Option<&'static StatefulSystem> {
    let raw: Vec<&str> = command
        .iter()
        .flat_map(|word| word.split_whitespace())
        .collect();
    let words: Vec<&str> = raw
        .iter()
        .map(|word| word.trim_matches(['"', '\'', ';', '(', ')']))
        .collect();
    let by_id = |id: &str| SYSTEMS.iter().find(|system| system.id == id);
    for (at, word) in words.iter().enumerate() {
        // Only a word in command position: the first, or after `&&`, `;`, `exec`, a
        // shell's `-c` (never a host name in a client's arguments, `--host mongod`).
        let commands = at == 0
            || matches!(words[at - 1], "&&" | "||" | "|" | "exec" | "-c" | "-ec")
            // `gosu postgres postgres`, `su-exec redis redis-server`: run as a user.
            || (at >= 2 && matches!(words[at - 2], "gosu" | "su-exec"))
            || raw[at - 1].ends_with(';')
            || raw[at].starts_with(['"', '\'']);
        if !commands {
            continue;
        }
        let executable = word.rsplit('/').next().unwrap_or(word);
        let next = words.get(at + 1).copied().unwrap_or("");
        let Some(command) = SERVER_COMMANDS.iter().find(|command| {
            command.executables.contains(&executable)
                && (command.subcommands.is_empty() || command.subcommands.contains(&next))
        }) else {
            continue;
        };
        let id = command.system;
        return by_id(id);
    }
    None
}

/// Whether a command line starts a server ddia knows (see [`recognise`]).
pub fn starts_server(command: &[String]) -> bool {
    system_of_command(command).is_some()
}

/// Settings only a server of a system reads (its root password, its data directory,
/// its id in an ensemble), never a client connecting to it: `POSTGRES_PASSWORD` or
/// `MYSQL_HOST` may be an application's, `MYSQL_ROOT_PASSWORD` is not.
pub const SERVER_VARIABLES: &[(&str, &[&str])] = &[
    (
        "postgres",
        &[
            "PGDATA",
            "POSTGRES_INITDB_ARGS",
            "POSTGRES_HOST_AUTH_METHOD",
            "POSTGRES_INITDB_WALDIR",
        ],
    ),
    (
        "mysql",
        &[
            "MYSQL_ROOT_PASSWORD",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
            "MYSQL_ROOT_HOST",
        ],
    ),
    (
        "mariadb",
        &[
            "MARIADB_ROOT_PASSWORD",
            "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD",
            "MARIADB_RANDOM_ROOT_PASSWORD",
        ],
    ),
    (
        "mongodb",
        &[
            "MONGO_INITDB_ROOT_USERNAME",
            "MONGO_INITDB_ROOT_PASSWORD",
            "MONGO_INITDB_DATABASE",
        ],
    ),
    (
        "zookeeper",
        &[
            "ZOO_MY_ID",
            "ZOO_SERVERS",
            "ZOOKEEPER_SERVER_ID",
            "ZOOKEEPER_CLIENT_PORT",
        ],
    ),
    (
        "etcd",
        &[
            "ETCD_INITIAL_CLUSTER",
            "ETCD_DATA_DIR",
            "ETCD_INITIAL_ADVERTISE_PEER_URLS",
        ],
    ),
    ("oracle", &["ORACLE_PWD", "ORACLE_PASSWORD", "ORACLE_SID"]),
    (
        "elasticsearch",
        &[
            "ES_JAVA_OPTS",
            "discovery.zen.minimum_master_nodes",
            "cluster.initial_master_nodes",
            "transport.host",
            "xpack.security.enabled",
        ],
    ),
    (
        "opensearch",
        &[
            "OPENSEARCH_JAVA_OPTS",
            "cluster.initial_cluster_manager_nodes",
            "OPENSEARCH_INITIAL_ADMIN_PASSWORD",
            "DISABLE_SECURITY_PLUGIN",
        ],
    ),
    (
        "sqlserver",
        &[
            "MSSQL_SA_PASSWORD",
            "SA_PASSWORD",
            "MSSQL_PID",
            "MSSQL_AGENT_ENABLED",
        ],
    ),
    (
        "kafka",
        &[
            "KAFKA_BROKER_ID",
            "KAFKA_NODE_ID",
            "KAFKA_PROCESS_ROLES",
            "KAFKA_CFG_NODE_ID",
            "KAFKA_CFG_PROCESS_ROLES",
            "KAFKA_ZOOKEEPER_CONNECT",
            "KAFKA_CFG_ZOOKEEPER_CONNECT",
            "KAFKA_ADVERTISED_LISTENERS",
            "KAFKA_CFG_ADVERTISED_LISTENERS",
            "KAFKA_ADVERTISED_HOST_NAME",
            "KAFKA_CREATE_TOPICS",
        ],
    ),
    ("rabbitmq", &["RABBITMQ_ERLANG_COOKIE", "RABBITMQ_NODENAME"]),
];

/// The stateful system a container runs, if ddia knows it:
/// - the server its command starts, first (a generic image started as ZooKeeper in one
///   service and as a bookie in another);
/// - else its image: the name as listed, or without a variant suffix or demo prefix;
/// - else, for a container whose image says nothing (`build:`, `image: ${IMAGE}`, an
///   image ddia does not know), the settings only that server reads.
pub fn recognise(
    image: Option<&ImageRef>,
    command: &[String],
    health_check: &[String],
    has_variable: &dyn Fn(&str) -> bool,
    storage: (&[&str], &[u16]),
) -> Option<&'static StatefulSystem> {
    if let Some(system) = system_of_command(command) {
        return Some(system);
    }
    if let Some(system) = image.and_then(ImageRef::system) {
        return Some(system);
    }
    if let Some(system) = system_of_flags(command) {
        return Some(system);
    }
    if let Some(system) = system_of_health_check(health_check) {
        return Some(system);
    }
    SERVER_VARIABLES
        .iter()
        .find_map(|(id, variables)| {
            variables
                .iter()
                .any(|variable| has_variable(variable))
                .then(|| SYSTEMS.iter().find(|system| system.id == *id))
                .flatten()
        })
        .or_else(|| system_of_storage(storage.0, storage.1))
}

/// The system whose own data directory a container mounts a volume on and whose port
/// it serves: `/var/lib/postgresql/data` and 5432 (a database built on the official
/// image under another name). Both must hold; a generic directory such as `/data`
/// never counts.
fn system_of_storage(mount_targets: &[&str], ports: &[u16]) -> Option<&'static StatefulSystem> {
    if mount_targets.is_empty() || ports.is_empty() {
        return None;
    }
    SYSTEMS.iter().find(|system| {
        let serves = system.ports.iter().any(|port| ports.contains(port));
        let mounts_its_dir = system.data_dirs.iter().any(|dir| {
            let distinctive = dir.matches('/').count() >= 3 && !dir.starts_with("/bitnami");
            distinctive
                && mount_targets
                    .iter()
                    .any(|target| target.trim_end_matches('/') == *dir)
        });
        serves && mounts_its_dir
    })
}

/// The server an image's entrypoint is given flags for, when the command is flags
/// only: Redis's (`--replicaof`, `--appendonly`, `--protected-mode` ...), Scylla's
/// (two of `--seeds`, `--smp`, `--overprovisioned`, `--developer-mode`). Defaults of
/// `${ARGS:---appendonly yes}` count as written.
fn system_of_flags(command: &[String]) -> Option<&'static StatefulSystem> {
    const SIGNATURES: [(&str, usize, &[&str]); 2] = [
        (
            "redis",
            1,
            &[
                "--replicaof",
                "--slaveof",
                "--protected-mode",
                "--appendonly",
                "--enable-debug-command",
                "--requirepass",
                "--maxmemory-policy",
                "--cluster-enabled",
                "--tls-auth-clients",
            ],
        ),
        (
            "scylla",
            2,
            &["--seeds", "--smp", "--overprovisioned", "--developer-mode"],
        ),
    ];
    let joined = command.join(" ");
    let defaulted = interpolation_defaults(&joined).unwrap_or(joined);
    let words: Vec<&str> = defaulted
        .split_whitespace()
        .map(|word| word.split('=').next().unwrap_or(word))
        .collect();
    if !words.first().is_some_and(|first| first.starts_with("--")) {
        return None;
    }
    SIGNATURES.iter().find_map(|(id, needed, flags)| {
        let found = flags.iter().filter(|flag| words.contains(flag)).count();
        (found >= *needed)
            .then(|| SYSTEMS.iter().find(|system| system.id == *id))
            .flatten()
    })
}

/// The server a health check probes in its own container: `redis-cli ping`,
/// `pg_isready`, `mysqladmin ping`, `cqlsh -e ...`. A check that names another host
/// (`pg_isready -h db`) probes a dependency, not the container.
fn system_of_health_check(words: &[String]) -> Option<&'static StatefulSystem> {
    const PROBES: [(&str, &str); 17] = [
        ("redis-cli", "redis"),
        ("valkey-cli", "valkey"),
        ("pg_isready", "postgres"),
        ("mysqladmin", "mysql"),
        ("mariadb-admin", "mariadb"),
        ("mongosh", "mongodb"),
        ("mongo", "mongodb"),
        ("cqlsh", "cassandra"),
        ("nodetool", "cassandra"),
        ("rabbitmq-diagnostics", "rabbitmq"),
        ("rabbitmqctl", "rabbitmq"),
        ("etcdctl", "etcd"),
        ("clickhouse-client", "clickhouse"),
        ("zkServer.sh", "zookeeper"),
        ("zookeeper-ruok.sh", "zookeeper"),
        ("pulsar-zookeeper-ruok.sh", "zookeeper"),
        ("cockroach", "cockroachdb"),
    ];
    let words: Vec<&str> = words
        .iter()
        .flat_map(|word| word.split_whitespace())
        .map(|word| word.trim_matches(['"', '\'', ';']))
        .collect();
    let local = |host: &str| {
        matches!(
            host,
            "localhost" | "127.0.0.1" | "0.0.0.0" | "::1" | "[::1]"
        ) || host.starts_with('$')
    };
    let remote = words
        .windows(2)
        .any(|pair| matches!(pair[0], "-h" | "--host" | "--hostname") && !local(pair[1]))
        || words.iter().any(|word| {
            ["--host=", "-h="]
                .iter()
                .any(|flag| word.strip_prefix(flag).is_some_and(|host| !local(host)))
        });
    if remote {
        return None;
    }
    words.iter().find_map(|word| {
        let executable = word.rsplit('/').next().unwrap_or(word);
        let (_, id) = PROBES.iter().find(|(probe, _)| *probe == executable)?;
        SYSTEMS.iter().find(|system| system.id == *id)
    })
}

/// The catalog's Kafka entry.
pub fn kafka() -> &'static StatefulSystem {
    SYSTEMS
        .iter()
        .find(|system| system.id == "kafka")
        .expect("the catalog lists Kafka")
}

/// A reference with every `${NAME:-default}` (or `${NAME-default}`) replaced by its
/// default; `None` when it has no such default.
fn interpolation_defaults(reference: &str) -> Option<String> {
    if !reference.contains("${") {
        return None;
    }
    let mut out = String::with_capacity(reference.len());
    let mut rest = reference;
    let mut replaced = false;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        // The `}` that closes this `${`, past any nested ones
        // (`${PG_IMAGE:-postgres:${PGV:-16}}`).
        let mut depth = 0usize;
        let mut end = None;
        for (at, byte) in after.bytes().enumerate() {
            match byte {
                b'{' if at > 0 && after.as_bytes()[at - 1] == b'$' => depth += 1,
                b'}' if depth == 0 => {
                    end = Some(at);
                    break;
                }
                b'}' => depth -= 1,
                _ => {}
            }
        }
        let end = end?;
        let inner = &after[..end];
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let default = inner[name_end..]
            .strip_prefix(":-")
            .or_else(|| inner[name_end..].strip_prefix('-'));
        // A default with references of its own uses their defaults in turn.
        let default = default.and_then(|default| {
            if default.contains("${") {
                interpolation_defaults(default).filter(|expanded| !expanded.contains('$'))
            } else {
                (!default.contains('$')).then(|| default.to_owned())
            }
        });
        match default {
            Some(default) => {
                out.push_str(&default);
                replaced = true;
            }
            None => out.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    replaced.then_some(out)
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
    /// The path segment before the name: `bitnami` in `docker.io/bitnami/redis`.
    pub namespace: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let reference = reference.trim();
        let interpolated = reference.contains('$');
        // `${IMAGE:-postgres}:${TAG:-16}` runs its defaults unless the variables are
        // set: read what it runs by default.
        let defaulted = interpolation_defaults(reference);
        let reference = defaulted.as_deref().unwrap_or(reference);
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
        let mut segments = path.rsplit('/');
        let name = segments.next().unwrap_or(path).to_ascii_lowercase();
        let namespace = segments.next().map(str::to_ascii_lowercase);
        ImageRef {
            name,
            tag,
            digest,
            interpolated,
            namespace,
        }
    }

    /// The stateful system this image runs, if ddia knows it.
    pub fn system(&self) -> Option<&'static StatefulSystem> {
        if self.interpolated && self.name.contains('$') {
            return None;
        }
        // `mcr.microsoft.com/mssql/server`: the name alone says nothing.
        if self.namespace.as_deref() == Some("mssql") && self.name.starts_with("server") {
            return SYSTEMS.iter().find(|system| system.id == "sqlserver");
        }
        // `container-registry.oracle.com/database/free` (and `express`, `enterprise`).
        if self.namespace.as_deref() == Some("database")
            && matches!(self.name.as_str(), "free" | "express" | "enterprise")
        {
            return SYSTEMS.iter().find(|system| system.id == "oracle");
        }
        // A repository of several images that says which by its tag
        // (`ghcr.io/typeorm/docker:postgres-14.22-postgis-3.6`).
        if matches!(self.name.as_str(), "docker" | "images" | "containers")
            && let Some(tag) = &self.tag
        {
            let first = tag.split(['-', ':', '.']).next().unwrap_or_default();
            return system_of_image_name(&first.to_ascii_lowercase());
        }
        system_of_image_name(&self.name)
    }

    /// Where this particular image keeps its data, when it is not where the system's
    /// own image does (`wurstmeister/kafka` under `/kafka`, `debezium/kafka` under
    /// `/kafka/data`; the Pulsar image's ZooKeeper under `/pulsar/data/zookeeper`), for
    /// the `system` it runs: only these directories hold it.
    pub fn image_data_dirs(&self, system: &str) -> Option<&'static [&'static str]> {
        // Zalando's Spilo (PostgreSQL under Patroni), under any registry's name.
        if system == "postgres" && self.name.starts_with("spilo") {
            return Some(&["/home/postgres/pgdata"]);
        }
        match (self.namespace.as_deref()?, self.name.as_str()) {
            // One image for every Pulsar component, each keeping its data in a folder
            // of `/pulsar/data`.
            ("apachepulsar", "pulsar" | "pulsar-all") => match system {
                "zookeeper" => Some(&["/pulsar/data/zookeeper"]),
                "bookkeeper" => Some(&["/pulsar/data/bookkeeper"]),
                _ => Some(&["/pulsar/data"]),
            },
            ("wurstmeister", "kafka") => Some(&["/kafka"]),
            ("debezium", "kafka") => Some(&["/kafka/data", "/kafka"]),
            ("debezium", "zookeeper") => Some(&["/zookeeper/data", "/zookeeper"]),
            ("wurstmeister", "zookeeper") => Some(&["/opt/zookeeper-3.4.13/data"]),
            _ => None,
        }
    }

    /// Where the official PostgreSQL image keeps its data from version 18 on
    /// (`/var/lib/postgresql/18/docker`, one folder per major version, so that
    /// `pg_upgrade` can run in place): for `postgres` 18 and later, untagged or
    /// `latest` (which is 18 and later now), and for PostGIS and pgvector builds of 18
    /// and later. `None` for older versions and for tags that do not say.
    pub fn postgres_versioned_data_dir(&self) -> Option<String> {
        let official = matches!(
            self.namespace.as_deref(),
            None | Some("library" | "docker.io")
        );
        let tag = self.tag.as_deref();
        if self.interpolated && tag.is_none_or(|tag| tag.contains('$')) {
            return None;
        }
        let leading_number = |text: &str| -> Option<u32> {
            let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        };
        let major = match (self.namespace.as_deref(), self.name.as_str()) {
            (_, "postgres") if official => match tag {
                // `postgres`, `postgres:latest`, `postgres:alpine`, `postgres:bookworm`.
                None => Some(18),
                Some(tag) => leading_number(tag)
                    .or_else(|| (!tag.chars().any(|c| c.is_ascii_digit())).then_some(18)),
            },
            // `postgis/postgis:18-3.6`.
            (Some("postgis"), "postgis") => tag.and_then(leading_number),
            // `pgvector/pgvector:pg18`, `pgvector/pgvector:0.8.1-pg18`.
            (Some("pgvector"), "pgvector") => tag
                .and_then(|tag| tag.rsplit_once("pg").map(|(_, after)| after))
                .and_then(leading_number),
            _ => None,
        }?;
        (major >= 18).then(|| format!("/var/lib/postgresql/{major}/docker"))
    }

    /// Where a vendor's builds of this image keep their data, when they move it:
    /// Bitnami's under `/bitnami/<name>` (its images mount `/bitnami`).
    pub fn vendor_data_dir(&self) -> Option<String> {
        matches!(self.namespace.as_deref(), Some("bitnami" | "bitnamilegacy"))
            .then(|| format!("/bitnami/{}", self.name))
    }
}

/// The catalog as a Markdown page: for each system, how ddia recognises a container
/// that runs it and where it looks for the data (`server/docs/systems.md`).
pub fn recognition_page() -> String {
    let code = |items: &[&str]| {
        items
            .iter()
            .map(|item| format!("`{item}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::from(
        "# Systems ddia recognises\n\nGenerated from the catalog (`server/src/model/catalog.rs`) by `cargo test` (set `UPDATE_DOCS=1` to rewrite); do not edit by hand.\n\n\
A container of a Compose file or a Kubernetes workload runs a system when, in this order:\n\n\
1. its command (entrypoint and command, or `sh -c` scripts) starts the system's server;\n\
2. its image name (the last path segment, any registry, namespace or tag; the defaults of `${IMAGE:-postgres}:${TAG:-16}`) is listed below, \
also after taking off variant suffixes (",
    );
    out.push_str(&code(VARIANT_SUFFIXES));
    out.push_str(
        "), a version (`postgresql-16`) and an `example-` or `docker-` prefix, or it joins the system's name with role words only, also glued to it (`redisslave`) (",
    );
    out.push_str(&code(&ROLE_WORDS));
    out.push_str(
        "); an image named `<app>-<system>` (`etl-kafka`, `redis-exporter`) is a client or a tool, not the system;\n\
3. its command is flags only, and they are the system's (Redis's `--appendonly`, `--replicaof`, `--protected-mode` ...; two of Scylla's `--seeds`, `--smp`, `--overprovisioned`, `--developer-mode`);\n\
4. its health check (Compose) or exec probe (Kubernetes) runs the system's own client against the container itself (`redis-cli ping`, `pg_isready`, `mysqladmin ping`, `cqlsh`; not with `-h` naming another host);\n\
5. for `build:` and other unknown images, its environment sets a variable only the system's server reads;\n\
6. it mounts a volume on the system's own data directory (a specific one such as `/var/lib/postgresql/data`, never `/data`) and serves the system's port;\n\
7. its Compose `build` context is a folder named after the system (`build: ./mongo`).\n\n\
A container of such a system is not its server when it is a one-off job (Compose services that others wait on with `condition: service_completed_successfully`, or that are never restarted and run a program of their own), runs a client or a script (`psql`, `redis-cli`, `kafka-topics`, a shell in Compose), runs a worker of the system's launcher (`bookkeeper autorecovery`), is a Consul agent without `-server`, or a Redis Sentinel. The data directory is read from the command line and the variables below before the system's defaults; Bitnami images keep theirs under `/bitnami/...` only. When a system is recognised by a clue other than its image or command, any volume that is not configuration counts as its data.\n",
    );
    for system in SYSTEMS {
        out.push_str(&format!("\n## {}\n\n", system.display));
        out.push_str(&format!("- id: `{}`, role: {:?}\n", system.id, system.role));
        if !system.images.is_empty() {
            out.push_str(&format!("- images: {}\n", code(system.images)));
        }
        let commands: Vec<String> = SERVER_COMMANDS
            .iter()
            .filter(|command| command.system == system.id)
            .flat_map(|command| {
                command.executables.iter().map(move |executable| {
                    if command.subcommands.is_empty() {
                        format!("`{executable}`")
                    } else {
                        format!("`{executable}` {}", code(command.subcommands))
                    }
                })
            })
            .collect();
        if !commands.is_empty() {
            out.push_str(&format!("- commands: {}\n", commands.join(", ")));
        }
        if let Some((_, variables)) = SERVER_VARIABLES.iter().find(|(id, _)| *id == system.id) {
            out.push_str(&format!("- server-only environment: {}\n", code(variables)));
        }
        out.push_str(&format!("- data directories: {}\n", code(system.data_dirs)));
        if !system.data_dir_variables.is_empty() {
            out.push_str(&format!(
                "- data directory set by: {}\n",
                code(system.data_dir_variables)
            ));
        }
        let ports: Vec<String> = system.ports.iter().map(u16::to_string).collect();
        out.push_str(&format!(
            "- ports: {}\n\n{}\n",
            code(&ports.iter().map(String::as_str).collect::<Vec<_>>()),
            system.replication
        ));
    }
    out
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
        // A default with a default of its own.
        assert_eq!(
            interpolation_defaults("${PG_IMAGE:-postgres:${PGV:-latest}}").as_deref(),
            Some("postgres:latest")
        );
        assert_eq!(
            ImageRef::parse("${PG_IMAGE:-postgres:${PGV:-16}}")
                .system()
                .map(|s| s.id),
            Some("postgres")
        );
        assert_eq!(interpolation_defaults("${A:-x-${B}}"), None);
    }

    /// What a container runs, from its image, its command or its settings.
    fn recognised(image: Option<&str>, command: &str, variables: &[&str]) -> Option<&'static str> {
        let image = image.map(ImageRef::parse);
        let command: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
        let has = |name: &str| variables.contains(&name);
        recognise(image.as_ref(), &command, &[], &has, (&[], &[])).map(|system| system.id)
    }

    #[test]
    fn containers_are_recognised_by_image_command_and_settings() {
        // Variants and vendors' namespaces.
        assert_eq!(
            recognised(Some("k8s.gcr.io/etcd-amd64:3.1.10"), "", &[]),
            Some("etcd")
        );
        assert_eq!(
            recognised(Some("bitnamilegacy/etcd:3.5"), "", &[]),
            Some("etcd")
        );
        assert_eq!(recognised(Some("example-redis:1"), "", &[]), Some("redis"));
        assert_eq!(
            recognised(Some("mcr.microsoft.com/mssql/server:2022-latest"), "", &[]),
            Some("sqlserver")
        );
        assert_eq!(
            recognised(Some("clickhouse/clickhouse-keeper:24"), "", &[]),
            Some("clickhouse-keeper")
        );
        // A generic image started as one server or another.
        let pulsar = Some("apachepulsar/pulsar:3.2");
        assert_eq!(
            recognised(
                pulsar,
                "bash -c bin/apply-config-from-env.py conf/bookkeeper.conf && exec bin/pulsar bookie",
                &[]
            ),
            Some("bookkeeper")
        );
        assert_eq!(
            recognised(pulsar, "bin/pulsar zookeeper", &[]),
            Some("zookeeper")
        );
        assert_eq!(recognised(pulsar, "bin/pulsar broker", &[]), None);
        assert_eq!(
            recognised(Some("alpine:3"), "redis-server --appendonly yes", &[]),
            Some("redis")
        );
        // A host name in a client's arguments starts nothing.
        assert_eq!(
            recognised(Some("alpine:3"), "mongosh --host mongod", &[]),
            None
        );
        // `build:` or `${IMAGE}`: the settings only the server reads.
        assert_eq!(
            recognised(Some("${IMAGE}"), "", &["KAFKA_NODE_ID"]),
            Some("kafka")
        );
        assert_eq!(
            recognised(None, "", &["MYSQL_ROOT_PASSWORD"]),
            Some("mysql")
        );
        // An application's connection settings are not a server's.
        assert_eq!(
            recognised(None, "", &["POSTGRES_PASSWORD", "MYSQL_HOST"]),
            None
        );
        // Clients of Kafka whose names contain it are not Kafka.
        assert_eq!(
            recognised(Some("confluentinc/cp-kafka-connect:7.6.0"), "", &[]),
            None
        );
        assert_eq!(recognised(Some("provectuslabs/kafka-ui"), "", &[]), None);
        assert_eq!(recognised(Some("oliver006/redis_exporter"), "", &[]), None);
        assert_eq!(recognised(Some("redis-commander"), "", &[]), None);
        // Demo and role images named after the system.
        assert_eq!(
            recognised(
                Some("us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2"),
                "",
                &[]
            ),
            Some("redis")
        );
        assert_eq!(
            recognised(
                Some("quay.io/pires/docker-elasticsearch-kubernetes:6.3.2"),
                "",
                &[]
            ),
            Some("elasticsearch")
        );
        // A line of a script starts a command.
        assert_eq!(
            recognised(
                Some("alpine:3"),
                "bash -c until pg_basebackup ; do sleep 1 ; done ; postgres -c hot_standby=on",
                &[]
            ),
            Some("postgres")
        );
        assert_eq!(
            recognised(Some("alpine:3"), "psql -U postgres -c select", &[]),
            None
        );
    }
}
