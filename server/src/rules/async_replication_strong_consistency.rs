//! `async-replication-strong-consistency`: asynchronous followers behind a strong-consistency promise.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `replication.sync: async` on a single- or multi-leader datastore whose
    /// consistency (its own `consistency`, else `requirements.consistency`) is `strong`
    /// or `linearizable`.
    ///
    /// ## Why is this bad
    /// With asynchronous replication the leader acknowledges a write before any follower
    /// has it. Two things follow. Reads from followers can return stale data (replication
    /// lag is usually small, but grows to seconds or minutes under load or after a
    /// fault). And when the leader fails, the writes it acknowledged but had not yet
    /// shipped are lost on failover. Neither is compatible with a promise that every
    /// read sees the latest acknowledged write.
    ///
    /// Semi-synchronous replication (one follower confirms before the acknowledgement)
    /// keeps an up-to-date copy on two nodes at a small latency cost; strong reads must
    /// still go to the leader or to a synchronous follower.
    ///
    /// ## Example
    /// ```yaml
    /// requirements:
    ///   consistency: strong
    /// datastores:
    ///   orders:
    ///     replication: {mode: single-leader, replicas: 3, sync: async}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   orders:
    ///     replication: {mode: single-leader, replicas: 3, sync: semi-sync}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Synchronous Versus
    ///   Asynchronous Replication" and "Problems with Replication Lag".
    pub static ASYNC_REPLICATION_STRONG_CONSISTENCY = {
        code: "async-replication-strong-consistency",
        severity: Warning,
        category: Replication,
        summary: "Asynchronous replication on a datastore that must be strongly consistent",
        fix: Always,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(replication) = &datastore.replication else {
            continue;
        };
        let Some(sync) = &replication.sync else {
            continue;
        };
        if sync.value != SyncMode::Async {
            continue;
        }
        let leader_based = replication.mode.as_ref().is_none_or(|mode| {
            matches!(
                mode.value,
                ReplicationMode::SingleLeader | ReplicationMode::MultiLeader
            )
        });
        if !leader_based {
            continue;
        }
        let Some(consistency) = model.consistency_of(datastore) else {
            continue;
        };
        if !consistency.value.is_strong() {
            continue;
        }
        let diagnostic = ctx
            .diagnostic(
                sync.range,
                format!(
                    "datastore `{}` replicates asynchronously but must be {}: followers serve stale reads, and writes acknowledged by a failed leader are lost on failover",
                    datastore.name.value, consistency.value
                ),
            )
            .with_related(
                consistency.range,
                format!("`{}` consistency is required here", consistency.value),
            )
            .with_fix(Some(replace_value_fix(
                sync.range,
                "semi-sync",
                "Use `sync: semi-sync` (one follower confirms each write)",
                Applicability::Unsafe,
            )));
        ctx.report(diagnostic);
    }
}
