//! Hover text for the enumerated values of the system-spec vocabulary.

/// `(key, value, markdown)`: what the value means, its trade-offs, and when to use it.
pub const VALUE_DOCS: &[(&str, &str, &str)] = &[
    (
        "mode",
        "none",
        "**No replication: the data exists on one node only.** Losing that node means downtime and, unless a backup can be restored, lost data. It is the simplest setup and acceptable for caches or derived data that can be rebuilt from a system of record. For data that must outlive a machine failure, pick `single-leader` with `replicas` of 2 or more (3 is typical).",
    ),
    (
        "mode",
        "single-leader",
        "**Single-leader replication: all writes go through one node.** The leader applies each write and ships it to followers, which apply changes in the same order, so writes never conflict; followers can serve reads, which may be stale while they lag. The weak point is failover: a promoted follower may lack the last writes, and a misdetected failure can leave two nodes acting as leader (split brain). The sensible default (PostgreSQL, MySQL, MongoDB, Kafka partitions) unless writes must be accepted in several regions or by offline clients.",
    ),
    (
        "mode",
        "multi-leader",
        "**Multi-leader replication: several nodes accept writes.** Each leader (usually one per region, or each offline-capable client) takes writes locally and forwards them asynchronously to the others, hiding cross-region latency and surviving the loss of a whole datacenter. The same item can then be changed concurrently in two places, so a `conflict_resolution` strategy is mandatory, and constraints such as uniqueness cannot be checked at write time. Reserve it for multi-region writes, offline clients or collaborative editing.",
    ),
    (
        "mode",
        "leaderless",
        "**Leaderless (Dynamo-style) replication: clients talk to several replicas directly.** A write goes to all N replicas and succeeds once W acknowledge it; a read asks R replicas and keeps the newest version, so with `W + R > N` the two sets overlap and a read sees the latest successful write (e.g. N = 3, W = 2, R = 2). Replicas that missed writes catch up through read repair (the reader writes the newer value back) and anti-entropy (a background process compares replicas, e.g. with Merkle trees). A sloppy quorum lets writes land on nodes outside the key's N home replicas during a partition, handed back later by hinted handoff, so the overlap guarantee is void until then; even strict quorums are not linearizable (concurrent writes, partially failed writes). Examples: Cassandra, ScyllaDB, Riak.",
    ),
    (
        "sync",
        "sync",
        "**Synchronous replication: the leader waits for its followers.** A write is acknowledged only once every synchronous follower has it, so an acknowledged write survives the loss of the leader. Write latency follows the slowest of them, and one unreachable follower stops all writes, which is why fully synchronous replication to many replicas is rare. `semi-sync` keeps the durability with much better availability.",
    ),
    (
        "sync",
        "semi-sync",
        "**Semi-synchronous replication: one follower synchronous, the rest asynchronous.** The leader waits for one follower before acknowledging, so each acknowledged write is on at least two nodes; if that follower fails or slows down, another is made synchronous. Writes then depend on a single follower's round trip instead of on every replica. Check the behaviour on timeout: some implementations (MySQL's semi-sync plugin, for one) quietly fall back to asynchronous replication.",
    ),
    (
        "sync",
        "async",
        "**Asynchronous replication: the leader acknowledges before followers have the write.** Writes are fast and keep flowing while followers are slow or down, which is why most deployments use it. If the leader dies, acknowledged writes it had not yet shipped are lost, and follower reads can be arbitrarily stale (replication lag), so read-your-writes and monotonic reads need extra work. It does not fit a store whose consistency is `strong` or `linearizable`.",
    ),
    (
        "conflict_resolution",
        "last-write-wins",
        "**Last write wins: keep the value with the highest timestamp, drop the others.** Replicas converge, but concurrent writes are discarded without notice, and since timestamps come from unsynchronized clocks, a later write can lose to one stamped by a clock that runs fast. It is safe only for keys written once and never updated (e.g. one UUID key per event) or where losing concurrent updates does not matter. Cassandra resolves every conflict this way.",
    ),
    (
        "conflict_resolution",
        "version-vectors",
        "**Version vectors: track causality to tell overwrites from concurrent writes.** Each replica keeps a counter per key, and comparing the vectors shows whether one write followed another (safe to replace) or whether the two were concurrent. Concurrent values are kept as siblings and merged by the application or a merge function; a deletion must leave a tombstone so merges do not bring the item back. Nothing is lost silently, at the cost of metadata and merge code (Riak uses dotted version vectors).",
    ),
    (
        "conflict_resolution",
        "crdt",
        "**CRDTs: data types that merge by themselves.** Conflict-free replicated data types (counters, sets, maps, registers, text sequences) have a merge that is commutative, associative and idempotent, so replicas that received the same updates reach the same state in any order. They remove hand-written merge code, but only for data that fits these types, and their metadata (such as tombstones) can grow. Examples: Riak data types, Redis Enterprise active-active databases, Automerge and Yjs.",
    ),
    (
        "conflict_resolution",
        "custom",
        "**Custom resolution: application code merges conflicting versions.** The handler runs either on write, when replication detects a conflict, or on read, when all versions are returned to the application (CouchDB works this way). It allows domain-aware merges, such as combining two shopping carts, but merge logic is easy to get subtly wrong: it must be deterministic and reach the same result on every replica. State the merge rule in `rationale` and test it with concurrent writes.",
    ),
    (
        "conflict_resolution",
        "none",
        "**No conflict resolution.** Correct only where conflicts cannot arise: no replication, or single-leader replication where one node orders every write. With `multi-leader` or leaderless replication, concurrent writes to one item diverge or are dropped arbitrarily, so a strategy is required there.",
    ),
    (
        "consistency",
        "linearizable",
        "**Linearizability: the system behaves as if there were a single copy of the data.** Every operation takes effect atomically at some instant between its start and its completion, so once any read has returned a new value, no later read anywhere returns an older one. Locks, leader election and uniqueness constraints depend on it; it can come from single-leader reads served by the leader or from consensus, but not from multi-leader replication and generally not from quorums. The price is latency and availability: during a partition, replicas cut off from the majority must refuse requests.",
    ),
    (
        "consistency",
        "strong",
        "**Strong consistency: reads return the latest acknowledged write.** The term is imprecise (vendors use it for linearizability, sequential consistency or serializability), and this tool treats it like `linearizable`: asynchronous replication and sloppy quorums conflict with it. Write `linearizable` when you mean a recency guarantee for all clients, or name a weaker model if the application needs less.",
    ),
    (
        "consistency",
        "causal",
        "**Causal consistency: effects are never seen before their causes.** Causally related operations (a reply and the message it answers, a write based on an earlier read) appear in the same order on every node, while concurrent operations may appear in different orders. It is weaker than linearizability, but it can remain available during network partitions and does not require a cross-region round trip on every operation. Implementations track dependencies with version vectors or logical timestamps.",
    ),
    (
        "consistency",
        "read-your-writes",
        "**Read-your-writes: a user always sees their own updates.** After a user writes, their subsequent reads reflect the change, while other users may still see older data for a while. With follower reads, serve a user's recently changed data from the leader, or remember the time of their last write and read only from replicas that have caught up to it. A user on several devices needs that information kept centrally, not per device.",
    ),
    (
        "consistency",
        "eventual",
        "**Eventual consistency: replicas converge once writes stop.** No bound is given on how long that takes, so reads can be stale, and two reads in a row can even go back in time when they hit different replicas. It offers the best availability and latency and suits data where staleness is harmless (counters, feeds, caches). Where users would notice, add session guarantees such as read-your-writes or monotonic reads.",
    ),
    (
        "strategy",
        "none",
        "**No partitioning: every replica holds the whole dataset.** Queries, joins and transactions stay on one node, which keeps things simple. It stops scaling once data volume or write throughput outgrows one machine, because replicas add read capacity, not write capacity. Choose a partition key early if growth figures point that way.",
    ),
    (
        "strategy",
        "hash",
        "**Hash partitioning: a hash of the key selects the partition.** A good hash spreads even skewed or sequential keys evenly, and a point lookup goes to exactly one partition. Key order is lost, so a range query must ask every partition (scatter/gather). A single very hot key still lands on one partition; a random suffix can split it. Used by Cassandra and DynamoDB partition keys and MongoDB hashed sharding.",
    ),
    (
        "strategy",
        "range",
        "**Range partitioning: each partition owns a contiguous range of sorted keys.** A range scan reads only the partitions that cover it, which suits time windows and prefix queries. Boundaries must follow the data (usually by splitting partitions), and monotonic keys such as timestamps send every new write to the last partition, creating a hot spot. Used by HBase, Bigtable, Spanner, CockroachDB and MongoDB range sharding.",
    ),
    (
        "strategy",
        "consistent-hashing",
        "**Consistent hashing: keys and nodes share a hash ring.** Each key belongs to the next node along the ring, usually through many virtual nodes per machine, so adding or removing a node moves only about 1/N of the keys rather than nearly all of them. Like plain hash partitioning it balances load but scatters range queries. Used by Dynamo-style stores (Cassandra, Riak) and distributed caches.",
    ),
    (
        "key_kind",
        "random",
        "**Random keys (UUIDs, random ids).** They spread evenly under any partitioning strategy and never concentrate writes on one node. They have no meaningful order, so range queries over them are useless, and random inserts touch pages all over a B-tree index, which hurts cache locality on large tables. A good match for hash partitioning.",
    ),
    (
        "key_kind",
        "timestamp",
        "**Timestamp keys: values that only increase.** Under range partitioning, all current writes fall into the newest range, so one partition is hot while the others sit idle. Prefix the key with another dimension (e.g. `sensor_id`, then time) or hash it, accepting that a time-range query then visits several partitions. A timestamp works well as the sort key inside a partition.",
    ),
    (
        "key_kind",
        "sequence",
        "**Sequence keys: auto-increment ids.** They grow monotonically like timestamps, so range partitioning sends every insert to the last partition. Keeping one gap-free counter across partitions also needs coordination. Hash the key, use per-partition sequences, or switch to random ids.",
    ),
    (
        "key_kind",
        "low-cardinality",
        "**Low-cardinality keys: few distinct values (country, status, plan).** Data can never be spread over more partitions than the key has values, and the values are rarely equally popular, so partitions become skewed and cannot be split further. Combine the key with a high-cardinality attribute (e.g. `country` plus `user_id`) or choose another key.",
    ),
    (
        "rebalancing",
        "fixed-partitions",
        "**Fixed number of partitions: create many more partitions than nodes up front.** A joining node takes whole partitions from the others; keys never change partition, only partitions change node. The count is fixed at creation, so size it for the expected maximum: too few makes partitions huge and slow to move, too many adds overhead. Used by Riak, Elasticsearch, Couchbase and Voldemort.",
    ),
    (
        "rebalancing",
        "dynamic",
        "**Dynamic partitioning: partitions split when they grow and merge when they shrink.** The number of partitions follows the data volume, which suits range partitioning, where fixed boundaries would soon be badly placed. An empty database starts with a single partition, so early writes all hit one node unless the key space is pre-split. Used by HBase, MongoDB and RethinkDB.",
    ),
    (
        "rebalancing",
        "mod-n",
        "**Hash mod N: the partition is hash(key) modulo the number of nodes.** Changing the node count reassigns most keys (going from 10 to 11 nodes moves about 90% of them), so every scale-out becomes an almost complete data migration. Use a fixed number of partitions or consistent hashing instead.",
    ),
    (
        "rebalancing",
        "manual",
        "**Manual rebalancing: an operator decides when partitions move.** Fully automatic rebalancing combined with automatic failure detection can backfire: an overloaded node is declared dead, its data is moved, and the extra load spreads the failure. A human in the loop avoids such surprises at the cost of slower reaction; the system may still propose a plan for approval. Record who does it and when.",
    ),
    (
        "secondary_indexes",
        "local",
        "**Local (document-partitioned) secondary indexes: each partition indexes only its own data.** A write updates a single partition, but a query by the indexed attribute must go to every partition and merge the answers, so the slowest partition sets its latency (tail latency amplification). Used by MongoDB, Cassandra and Elasticsearch; fine when queries also name the partition key.",
    ),
    (
        "secondary_indexes",
        "global",
        "**Global (term-partitioned) secondary indexes: the index is partitioned by the indexed value.** A query by the indexed attribute reads a single index partition, but one write may have to update index partitions on other nodes. To avoid a distributed transaction those updates are usually asynchronous, so the index can lag behind the data (DynamoDB global secondary indexes, for example, are eventually consistent).",
    ),
    (
        "isolation",
        "serializable",
        "**Serializable: the strongest isolation level.** The outcome equals some one-at-a-time execution of the transactions, so no anomaly is possible: no dirty reads, non-repeatable reads, lost updates, write skew or phantoms. It is implemented by actual serial execution (VoltDB), two-phase locking (blocking, deadlocks) or serializable snapshot isolation (PostgreSQL), which aborts conflicting transactions, so clients must retry. Choose it when an invariant spans several rows, such as bookings, balances or on-call rotas.",
    ),
    (
        "isolation",
        "snapshot",
        "**Snapshot isolation: each transaction reads a consistent snapshot.** Using multi-version concurrency control, a transaction sees the database as of its start, which rules out dirty reads and non-repeatable reads (read skew) and lets long reads and backups run without blocking writers. Some engines also detect lost updates (PostgreSQL and Oracle abort the second writer), but write skew and write-affecting phantoms remain: two transactions can each check a condition, then write different rows and jointly break an invariant. Guard such cases with `SELECT ... FOR UPDATE` or use `serializable`.",
    ),
    (
        "isolation",
        "repeatable-read",
        "**Repeatable read: a row read twice returns the same value.** In the SQL standard it prevents dirty and non-repeatable reads but allows phantoms (new rows matching an earlier query). Engines differ: PostgreSQL implements it as snapshot isolation, while MySQL InnoDB reads from a snapshot but does not detect lost updates; write skew is possible in both. Check what your database really guarantees before relying on the name.",
    ),
    (
        "isolation",
        "read-committed",
        "**Read committed: no dirty reads and no dirty writes.** A transaction sees only committed data and overwrites only committed data; it is the default in PostgreSQL, Oracle and SQL Server. It still allows non-repeatable reads (read skew), lost updates in read-modify-write cycles, write skew and phantoms. Use atomic updates (`SET x = x + 1`) or explicit locks for counters and balances.",
    ),
    (
        "isolation",
        "read-uncommitted",
        "**Read uncommitted: transactions may see data that is not yet committed.** Dirty writes are prevented, but dirty reads (values that may later be rolled back) are allowed, along with everything read committed allows: non-repeatable reads, lost updates, write skew and phantoms. MVCC engines gain little from it (PostgreSQL runs it as read committed); use it only where approximate results are acceptable.",
    ),
    (
        "distributed",
        "none",
        "**No distributed transactions: each transaction stays within one node or partition.** Commits stay fast and no coordinator can block them. Work that spans partitions or services has to be designed for that: keep data that changes together in one partition, or chain idempotent steps through a log or a saga.",
    ),
    (
        "distributed",
        "two-phase-commit",
        "**Two-phase commit: atomic commit across several participants.** A coordinator asks each participant to prepare (make the write durable and promise to commit) and commits only if every one votes yes. A participant that voted yes must wait for the decision while holding its locks, so a coordinator crash at that point blocks it (an in-doubt transaction) until the coordinator recovers. It adds round trips and ties every participant's availability together; use it only when atomicity is worth that, with a durable, highly available coordinator.",
    ),
    (
        "distributed",
        "saga",
        "**Saga: a chain of local transactions with compensations.** Each step commits on its own; if a later step fails, the completed steps are undone by compensating actions (refund, release). There is no isolation, since other transactions see the intermediate states, so the design must tolerate them (e.g. a pending status). Compensations must be idempotent and retryable because they may run more than once.",
    ),
    (
        "engine",
        "b-tree",
        "**B-tree: a sorted tree of fixed-size pages, updated in place.** Point lookups and range scans take a few page reads with predictable latency, and each key lives in exactly one place, which makes transactional locking simple. Writes are costlier: a whole page is rewritten (plus the write-ahead log), and this write amplification limits throughput under write-heavy load. Used by PostgreSQL, MySQL InnoDB, SQL Server and most relational databases.",
    ),
    (
        "engine",
        "lsm-tree",
        "**LSM-tree: buffer writes in memory, flush sorted files, merge them in the background.** Writes turn into sequential I/O, which gives high write throughput and good compression. A read may consult the memtable and several SSTables (Bloom filters skip most of them), and compaction competes with foreground requests, hurting tail latency if it falls behind. Used by RocksDB, LevelDB, Cassandra, ScyllaDB and HBase.",
    ),
    (
        "engine",
        "in-memory",
        "**In-memory: the dataset lives in RAM.** Much of the speed comes from not encoding data into disk-oriented structures, and it permits data structures (sorted sets, queues) that are awkward on disk. Durability needs a log, periodic snapshots or replication, and the data (or its hot part) must fit in memory, which drives cost. Examples: Redis, Memcached (cache only), VoltDB.",
    ),
    (
        "engine",
        "columnar",
        "**Columnar: each column is stored separately.** Analytical queries read only the columns they need, and similar values compress very well (bitmaps, run-length encoding), so scans and aggregations over billions of rows are fast. Writes and whole-row lookups are expensive because a row is spread over many files, so writes are batched through an in-memory buffer. Made for analytics (ClickHouse, Redshift, BigQuery, Parquet files), not for transactional workloads.",
    ),
    (
        "model",
        "relational",
        "**Relational: tables of rows, queried with SQL.** Joins and normalization handle many-to-one and many-to-many relationships, and mature engines provide transactions, constraints and a query optimizer. The schema is enforced on write, so changes need migrations, and nested application objects need mapping onto tables. A strong default for business data (PostgreSQL, MySQL).",
    ),
    (
        "model",
        "document",
        "**Document: self-contained JSON-like documents.** A record and its nested one-to-many data are stored together, so one read loads it, and the structure is interpreted on read, which eases schema evolution. Joins and many-to-many relationships are weak: they happen in application code or through duplicated data that must be kept in sync, and a large document is rewritten whole on update. Examples: MongoDB, Couchbase, CouchDB.",
    ),
    (
        "model",
        "graph",
        "**Graph: vertices connected by edges.** Relationships are first-class, and queries can follow a variable number of hops (friends of friends, shortest paths, fraud rings) that are clumsy as recursive SQL. Bulk scans and aggregations are not its strength, and graphs are hard to partition because traversals cross partitions. Examples: Neo4j (property graphs, Cypher), Amazon Neptune, RDF triple stores (SPARQL).",
    ),
    (
        "model",
        "wide-column",
        "**Wide-column: rows grouped by a partition key and sorted by clustering columns.** Each partition holds a sparse, sorted set of rows or columns, so writes are fast (LSM storage) and reads are cheap when they follow the key design. Queries outside that design are not served efficiently, so tables are modelled per query and data is denormalized. Examples: Cassandra, ScyllaDB, HBase, Bigtable.",
    ),
    (
        "model",
        "key-value",
        "**Key-value: opaque values fetched by key.** Get and put by key is the simplest, fastest and most easily partitioned model. The store cannot query by what a value contains, and range scans exist only if keys are kept in order. Examples: Redis, DynamoDB, Riak, etcd; often a cache or session store next to a system of record.",
    ),
    (
        "model",
        "time-series",
        "**Time-series: timestamped measurements, appended and queried by time window.** Data is organized by series and time, with compression, downsampling and retention policies, and queries are mostly aggregations over time ranges. Writes cluster at the current time, so partition by series as well as time to avoid a hot spot. Examples: InfluxDB, TimescaleDB, Prometheus.",
    ),
    (
        "model",
        "search",
        "**Search: an inverted index from terms to documents.** It answers full-text queries with relevance ranking, fuzzy matching and facets that general-purpose databases handle poorly. It is normally a derived store fed from the system of record (e.g. by change data capture), with a short delay before new data is searchable, and should not hold the only copy. Examples: Elasticsearch, OpenSearch, Solr.",
    ),
    (
        "model",
        "log",
        "**Log: an append-only, ordered sequence of records.** Consumers read sequentially and keep their own offsets, so data can be replayed and several consumers can process it independently. It underpins event sourcing, change data capture and stream processing; order holds only within a partition, and retention limits how far back a replay can go. Examples: Kafka, Pulsar, Kinesis.",
    ),
    (
        "workload",
        "read-heavy",
        "**Read-heavy workload: reads far outnumber writes.** Scale reads with follower replicas and caches, and precompute results (denormalized or materialized views) so each read is cheap; B-tree engines fit well. Follower reads may be stale, so decide where read-your-writes is required.",
    ),
    (
        "workload",
        "write-heavy",
        "**Write-heavy workload: writes dominate.** Prefer engines that turn writes into sequential I/O (LSM-trees, append-only logs), and partition so writes spread across nodes, since follower replicas add no write capacity. Watch for hot keys and for compaction falling behind.",
    ),
    (
        "workload",
        "balanced",
        "**Balanced workload: reads and writes in similar proportions.** Neither side can be optimized at the other's expense; a B-tree engine with moderate partitioning is a common fit. Record the measured `read_write_ratio` under `requirements.load` so the choice can be revisited as traffic changes.",
    ),
    (
        "backoff",
        "none",
        "**No backoff: retry immediately.** When a dependency is overloaded, instant retries add to the load it is already failing under and can turn a brief slowdown into an outage (a retry storm). Wait a growing delay between attempts instead.",
    ),
    (
        "backoff",
        "constant",
        "**Constant backoff: the same delay before every retry.** Better than retrying at once, but it never eases off while failures persist, and clients that failed together retry together in synchronized waves. Prefer exponential backoff with jitter.",
    ),
    (
        "backoff",
        "linear",
        "**Linear backoff: the delay grows by a fixed step per attempt.** It relieves a failing dependency faster than a constant delay but more slowly than exponential backoff. Add jitter so clients do not retry in lockstep, and cap the number of attempts.",
    ),
    (
        "backoff",
        "exponential",
        "**Exponential backoff: the delay doubles with each attempt, up to a cap.** It retries quickly after a brief glitch yet backs off fast from an overloaded dependency; random jitter spreads clients out so they do not retry together. Combine it with timeouts, a retry limit and a circuit breaker, and retry only operations that are idempotent or carry an idempotency key.",
    ),
    (
        "delivery",
        "at-most-once",
        "**At-most-once: a message is delivered once or not at all.** Progress is recorded before processing (or the producer never retries), so a crash loses messages but never duplicates them. Acceptable only where loss is tolerable, such as some metrics or telemetry.",
    ),
    (
        "delivery",
        "at-least-once",
        "**At-least-once: no message is lost, but some arrive more than once.** Messages are redelivered until acknowledged, so a crash between processing and acknowledging repeats them. Consumers must be idempotent: deduplicate by message id or apply effects as upserts. The common choice, and the default when `delivery` is not stated.",
    ),
    (
        "delivery",
        "exactly-once",
        "**Exactly-once (effectively-once): each message affects the result once.** Redelivery still happens; the effect is made unique by committing outputs and consumer offsets atomically (e.g. Kafka transactions with idempotent producers) or by deduplicating on an id. The guarantee ends at the boundary of the system that provides it: external side effects such as emails or payment calls still need idempotency keys.",
    ),
    (
        "format",
        "avro",
        "**Avro: compact binary encoding that needs the writer's schema to read.** The data carries no field tags, so a reader resolves the writer's exact schema (from a schema registry or a file header) against its own, matching fields by name. Schemas are easy to generate, for example from database tables; for compatible evolution, give added or removed fields default values. Widely used with Kafka and Hadoop.",
    ),
    (
        "format",
        "protobuf",
        "**Protocol Buffers: binary encoding with numbered fields.** Each field is identified by its tag number, so names can change freely, but a number must never be reused for a different meaning. Adding fields is compatible because old readers skip unknown tags; remove a field by reserving its number. Code generation provides typed classes in many languages, and gRPC is built on it.",
    ),
    (
        "format",
        "json-schema",
        "**JSON Schema: JSON text validated against a schema.** It is readable and supported everywhere, but verbose, has no binary strings, and its numbers are ambiguous (integers above 2^53 lose precision in JavaScript). Compatibility is not built into the encoding, so check schema changes with a registry or in CI.",
    ),
    (
        "format",
        "none",
        "**No schema.** Consumers infer the structure from the data, so a producer change can break them silently and no one can tell which versions are in flight. Declare a schema format and version it, above all for event streams that outlive the code that wrote them.",
    ),
    (
        "compatibility",
        "backward",
        "**Backward compatible: new readers can read old data.** Code using the new schema can decode data written with the previous one, so upgrade consumers first. Deleting fields and adding fields with defaults are allowed. Needed whenever a stream or table still holds records in older formats.",
    ),
    (
        "compatibility",
        "forward",
        "**Forward compatible: old readers can read new data.** Code using the previous schema can decode data written with the new one, ignoring fields it does not know, so upgrade producers first. Adding fields is allowed; only fields with defaults may be removed. Needed during rolling upgrades, when old and new code run side by side.",
    ),
    (
        "compatibility",
        "full",
        "**Full compatibility: both backward and forward.** Old and new schemas can read each other's data, so producers and consumers can be upgraded in any order. Only optional fields with default values may be added or removed. The safest setting for shared event streams.",
    ),
    (
        "compatibility",
        "none",
        "**No compatibility checks.** Any schema change can break existing readers or make stored data unreadable, so producers and consumers must be upgraded in lockstep. Acceptable only for private, short-lived data.",
    ),
    (
        "pattern",
        "saga",
        "**Saga workflow: local transactions chained with compensations.** Each step commits in its own service; when a step fails, the earlier steps are undone by their `compensation`, in reverse order. Intermediate states are visible to others (there is no isolation), and compensations must be idempotent. Every step except the last needs one.",
    ),
    (
        "pattern",
        "two-phase-commit",
        "**Two-phase-commit workflow: every service commits, or none does.** A coordinator prepares all participants and commits only on a unanimous yes, giving atomicity across services. Prepared participants hold locks until the decision arrives, so a coordinator failure can block them, and every participant must be reachable for any commit to succeed. Most service workflows are better served by a saga.",
    ),
    (
        "algorithm",
        "raft",
        "**Raft: leader-based consensus for crash faults.** A leader elected by majority vote replicates a log, and an entry commits once a majority has stored it. Tolerating f crashed nodes takes 2f + 1 members (3 survive 1 failure, 5 survive 2), and an even member count adds no tolerance. It assumes nodes fail by stopping, not by lying. Used by etcd, Consul, CockroachDB and Kafka KRaft.",
    ),
    (
        "algorithm",
        "paxos",
        "**Paxos (usually Multi-Paxos): the classic consensus protocol for crash faults.** Values are accepted by majority quorums, and any two majorities share a node, so a chosen value is never lost. Like Raft, it needs 2f + 1 nodes to survive f crashes and does not handle Byzantine faults. Notoriously hard to implement correctly; used inside Google's Chubby and Spanner.",
    ),
    (
        "algorithm",
        "zab",
        "**Zab (ZooKeeper Atomic Broadcast): ZooKeeper's crash-fault consensus.** An elected leader broadcasts state changes in a total order, and a change commits once a majority acknowledges it. It needs 2f + 1 servers to survive f crashes, so ensembles usually have 3 or 5 members. Like Raft and Paxos, it assumes crash faults only.",
    ),
    (
        "algorithm",
        "pbft",
        "**PBFT (Practical Byzantine Fault Tolerance): consensus despite arbitrary faults.** It tolerates f nodes that crash, lie or send conflicting messages, provided there are at least 3f + 1 nodes (quorums of 2f + 1). Message count grows quadratically with cluster size, so it suits small groups, and it needs partial synchrony to make progress (safety holds regardless). Use it only when participants may be malicious or compromised; crash-fault protocols are much cheaper otherwise.",
    ),
    (
        "algorithm",
        "tendermint",
        "**Tendermint: Byzantine fault-tolerant consensus for replicated state machines and blockchains.** A rotating proposer suggests a block and validators vote in two rounds (prevote, precommit); the block is final once validators holding more than two thirds of the voting power commit it. It needs at least 3f + 1 validators (by voting power) to tolerate f Byzantine ones. Used by CometBFT and the Cosmos ecosystem.",
    ),
    (
        "algorithm",
        "phase-king",
        "**Phase king: Byzantine agreement for synchronous systems.** It runs f + 1 phases, each led by a different king whose value breaks ties, so at least one phase has an honest king. It needs more than 4f nodes (n > 4f) to tolerate f Byzantine faults and relies on lockstep synchronous rounds. Mostly of theoretical and teaching interest; PBFT-style protocols need only 3f + 1 nodes.",
    ),
    (
        "kind",
        "point",
        "**Point lookup: one record by its exact key.** Every data model serves it well, and hash partitioning routes it to a single partition. Make sure the lookup key is the partition key or is indexed.",
    ),
    (
        "kind",
        "range",
        "**Range query: records whose key lies in an interval (a time window, a name prefix).** It needs keys stored in sorted order: range partitioning, or a sorted clustering key within a partition. Under hash partitioning it has to query every partition.",
    ),
    (
        "kind",
        "scan",
        "**Scan: read a large part of a dataset.** Throughput matters more than latency, so columnar storage or batch jobs over a replica or a warehouse suit it. Large scans on the primary transactional store compete with interactive requests.",
    ),
    (
        "kind",
        "aggregate",
        "**Aggregate: counts, sums and group-bys over many rows.** Columnar engines compute them quickly, and precomputed results (materialized views, rollups, data cubes) make repeated ones cheap. Graph and document stores handle them poorly; heavy analytics usually belongs in a warehouse fed from the operational store.",
    ),
    (
        "kind",
        "graph-traversal",
        "**Graph traversal: follow relationships over a variable number of hops.** A graph database does this natively; relational databases need recursive queries, and document stores need a round trip per hop. Traversals that cross partitions are slow, so keep related vertices together where possible.",
    ),
    (
        "kind",
        "full-text",
        "**Full-text search: find documents by words, ranked by relevance.** It needs an inverted index with tokenization and stemming, as in Elasticsearch, OpenSearch or a database's built-in text index. A `LIKE '%word%'` filter scans every row and cannot rank results.",
    ),
    (
        "kind",
        "join",
        "**Join: combine records from several tables or collections by reference.** Relational databases do this well; with document and key-value stores, the application joins or the data is denormalized. Joins across partitions are expensive, so co-locate data that is joined often or precompute the joined view.",
    ),
    (
        "failover",
        "automatic",
        "**Automatic failover: the system detects a dead leader and promotes a follower.** Outages are shorter, but everything hinges on a timeout: too short and load spikes cause needless failovers, too long and recovery is slow. With asynchronous replication, writes the old leader had not shipped are lost, and an old leader that returns still believing it leads causes split brain, so use consensus-based election and fencing. Examples: Patroni for PostgreSQL, MongoDB replica sets.",
    ),
    (
        "failover",
        "manual",
        "**Manual failover: an operator promotes the new leader.** A person can check replication lag and confirm that the old leader is really gone before acting, which avoids false failovers and split brain. Recovery takes longer because it waits for someone to notice and act, so keep alerts and a tested runbook.",
    ),
    (
        "call_mode",
        "sync",
        "**Synchronous call: the caller waits for the response.** Easy to reason about, but the callee's latency and failures become the caller's, and a slow dependency ties up threads until failures cascade. Set a timeout, retry only idempotent calls with backoff, and add a circuit breaker.",
    ),
    (
        "call_mode",
        "async",
        "**Asynchronous call: the caller sends a message and moves on.** A queue or log between the services absorbs load spikes and keeps accepting work while the consumer is down, decoupling their availability. The caller gets no immediate result, so the flow becomes eventually consistent, and with at-least-once delivery the consumer must be idempotent.",
    ),
];
