//! `last-write-wins`: conflicts resolved by keeping the latest timestamp, dropping the other writes.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `replication.conflict_resolution: last-write-wins`.
    ///
    /// ## Why is this bad
    /// Last-write-wins keeps the write with the highest timestamp and throws the others
    /// away, even though every one of them was acknowledged to its client. Concurrent
    /// writes are not rare: any two writes that reach different replicas before they
    /// have seen each other conflict. Clock skew makes it worse: a node whose clock runs
    /// ahead wins every conflict, and a write can lose to one that happened before it.
    /// The data loss is silent: nothing fails, a value just goes missing.
    ///
    /// It is acceptable only for data where losing a concurrent update is harmless
    /// (caches, "last seen" markers) or where every key is written once.
    ///
    /// ## Example
    /// ```yaml
    /// replication:
    ///   mode: multi-leader
    ///   regions: [eu-west, us-east]
    ///   conflict_resolution: last-write-wins
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// replication:
    ///   mode: multi-leader
    ///   regions: [eu-west, us-east]
    ///   conflict_resolution: version-vectors   # or crdt for mergeable data types
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Converging toward a consistent
    ///   state" and "Last write wins (discarding concurrent writes)".
    /// - The guide, "Replication Strategies".
    pub static LAST_WRITE_WINS = {
        code: "last-write-wins",
        severity: Warning,
        category: Replication,
        summary: "Conflicts resolved by last-write-wins silently discard concurrent writes",
        fix: Always,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(strategy) = datastore
            .replication
            .as_ref()
            .and_then(|r| r.conflict_resolution.as_ref())
        else {
            continue;
        };
        if strategy.value != ConflictResolution::LastWriteWins {
            continue;
        }
        let diagnostic = ctx
            .diagnostic(
                strategy.range,
                format!(
                    "datastore `{}` resolves conflicts by last-write-wins: of two concurrent writes, one is silently discarded although both were acknowledged",
                    datastore.name.value
                ),
            )
            .with_fix(Some(replace_value_fix(
                strategy.range,
                "version-vectors",
                "Use `version-vectors` (keep concurrent versions for the application to merge)",
                Applicability::Unsafe,
            )))
            .with_fix(Some(replace_value_fix(
                strategy.range,
                "crdt",
                "Use `crdt` (merge automatically with conflict-free data types)",
                Applicability::Unsafe,
            )));
        ctx.report(diagnostic);
    }
}
