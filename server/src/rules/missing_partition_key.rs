//! `missing-partition-key`: a partitioning strategy with nothing to partition by.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `partitioning` section whose `strategy` is `hash`, `range` or
    /// `consistent-hashing` but that states no `key`.
    ///
    /// ## Why is this bad
    /// The partition key decides everything about a partitioned store: which queries
    /// touch one partition and which must scatter to all of them, whether load spreads
    /// evenly or piles onto a hot spot, and which records can be updated together in a
    /// single-partition transaction. A strategy without a key leaves all of that
    /// undecided, and the decision gets made later, implicitly, by whoever writes the
    /// first query.
    ///
    /// ## Example
    /// ```yaml
    /// partitioning:
    ///   strategy: hash
    ///   partitions: 64
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// partitioning:
    ///   strategy: hash
    ///   key: user_id
    ///   partitions: 64
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 6: "Partitioning of Key-Value Data".
    /// - The guide, "Partitioning Strategies".
    pub static MISSING_PARTITION_KEY = {
        code: "missing-partition-key",
        severity: Error,
        category: Partitioning,
        summary: "A partitioning strategy that states no partition key",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(partitioning) = &datastore.partitioning else {
            continue;
        };
        let Some(strategy) = &partitioning.strategy else {
            continue;
        };
        if strategy.value == PartitionStrategy::None || partitioning.key.is_some() {
            continue;
        }
        let diagnostic = ctx
            .diagnostic(
                partitioning.section.key,
                format!(
                    "datastore `{}` is partitioned by {} but states no partition `key`: nothing says which queries stay on one partition or how load spreads",
                    datastore.name.value, strategy.value
                ),
            )
            .with_related(strategy.range, format!("`{}` partitioning is chosen here", strategy.value));
        ctx.report(diagnostic);
    }
}
