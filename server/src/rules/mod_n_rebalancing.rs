//! `mod-n-rebalancing`: `hash mod N` placement moves almost every key when N changes.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `partitioning.rebalancing: mod-n`.
    ///
    /// ## Why is this bad
    /// Placing a key on node `hash(key) mod N` looks simple, but the moment N changes
    /// (a node is added, or fails and is removed) almost every key maps to a different
    /// node: going from 10 to 11 nodes moves about 90% of the data. Rebalancing then
    /// copies nearly the whole dataset across the network while serving traffic, right
    /// when the cluster is already under stress.
    ///
    /// Create many more partitions than nodes up front and move whole partitions
    /// (`fixed-partitions`), split and merge partitions as they grow (`dynamic`), or
    /// use consistent hashing.
    ///
    /// ## Example
    /// ```yaml
    /// partitioning: {strategy: hash, key: user_id, rebalancing: mod-n}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// partitioning: {strategy: hash, key: user_id, partitions: 256, rebalancing: fixed-partitions}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 6: "Rebalancing Partitions" (how
    ///   not to do it: hash mod N).
    pub static MOD_N_REBALANCING = {
        code: "mod-n-rebalancing",
        severity: Warning,
        category: Partitioning,
        summary: "Rebalancing by hash mod N moves almost every key when the cluster changes size",
        fix: Always,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(rebalancing) = datastore
            .partitioning
            .as_ref()
            .and_then(|p| p.rebalancing.as_ref())
        else {
            continue;
        };
        if rebalancing.value != Rebalancing::ModN {
            continue;
        }
        let diagnostic = ctx
            .diagnostic(
                rebalancing.range,
                format!(
                    "datastore `{}` places keys by hash mod N: adding or removing one node moves almost every key",
                    datastore.name.value
                ),
            )
            .with_fix(Some(replace_value_fix(
                rebalancing.range,
                "fixed-partitions",
                "Use `rebalancing: fixed-partitions` (move whole partitions between nodes)",
                Applicability::Unsafe,
            )));
        ctx.report(diagnostic);
    }
}
