//! `range-query-on-hash-partitioning`: range queries against a store that scatters adjacent keys.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a datastore partitioned by `hash` or `consistent-hashing` when an access
    /// pattern in `requirements.access_patterns` reads it with `kind: range`, unless the
    /// pattern's `key` is the partition key: a range within one user's orders, with
    /// orders hashed by user, is served by a single partition.
    ///
    /// ## Why is this bad
    /// Hashing the partition key spreads load evenly precisely because it destroys key
    /// order: adjacent keys land on unrelated partitions. A range query ("orders of a
    /// user between two dates", "events of the last hour") can then no longer be served
    /// by one partition and must be sent to every partition and merged. Its latency
    /// becomes that of the slowest partition, and its cost grows with the cluster.
    ///
    /// Partition by range on the ranged key, or use a compound key: hash the first part
    /// (the user) and keep the second (the date) sorted within the partition.
    ///
    /// ## Example
    /// ```yaml
    /// requirements:
    ///   access_patterns:
    ///     - {name: orders by date, datastore: orders, kind: range, key: created_at}
    /// datastores:
    ///   orders:
    ///     partitioning: {strategy: hash, key: order_id}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   orders:
    ///     partitioning: {strategy: range, key: user_id}   # created_at sorted within a user
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 6: "Partitioning by Hash of Key".
    pub static RANGE_QUERY_ON_HASH_PARTITIONING = {
        code: "range-query-on-hash-partitioning",
        severity: Warning,
        category: Partitioning,
        summary: "Range queries on a hash-partitioned datastore scatter to every partition",
        fix: None,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(strategy) = datastore
            .partitioning
            .as_ref()
            .and_then(|p| p.strategy.as_ref())
        else {
            continue;
        };
        if !matches!(
            strategy.value,
            PartitionStrategy::Hash | PartitionStrategy::ConsistentHashing
        ) {
            continue;
        }
        for pattern in model.access_patterns_of(&datastore.name.value) {
            let Some(kind) = &pattern.kind else {
                continue;
            };
            if kind.value != AccessKind::Range {
                continue;
            }
            // A range within one value of the partition key ("orders of a user by date",
            // partitioned by user) stays on one partition.
            let partition_key = datastore.partitioning.as_ref().and_then(|p| p.key.as_ref());
            if let (Some(pattern_key), Some(partition_key)) = (&pattern.key, partition_key)
                && pattern_key.value.trim() == partition_key.value.trim()
            {
                continue;
            }
            let described = pattern.name.as_ref().map_or_else(
                || "a range access pattern".to_owned(),
                |n| format!("the range query `{}`", n.value),
            );
            let diagnostic = ctx
                .diagnostic(
                    strategy.range,
                    format!(
                        "datastore `{}` is {} partitioned, so {described} must scatter to every partition and merge the results",
                        datastore.name.value, strategy.value
                    ),
                )
                .with_related(kind.range, "a range query on this datastore");
            ctx.report(diagnostic);
        }
    }
}
