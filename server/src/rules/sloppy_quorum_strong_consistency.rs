//! `sloppy-quorum-strong-consistency`: sloppy quorums behind a strong-consistency promise.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `replication.sloppy_quorum: true` on a datastore whose consistency (its
    /// own, else `requirements.consistency`) is `strong` or `linearizable`.
    ///
    /// ## Why is this bad
    /// A sloppy quorum lets a write count acknowledgements from nodes outside the key's
    /// home replicas when those are unreachable, and hands the data back later (hinted
    /// handoff). That keeps writes available during a partition, but the W nodes that
    /// took a write need not overlap the R nodes a later read asks, even with
    /// W + R > N. Reads can miss acknowledged writes until the handoff completes, so
    /// the quorum no longer guarantees that reads see the latest write.
    ///
    /// ## Example
    /// ```yaml
    /// requirements:
    ///   consistency: strong
    /// datastores:
    ///   carts:
    ///     replication: {mode: leaderless, replicas: 3, write_quorum: 2, read_quorum: 2, sloppy_quorum: true}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   carts:
    ///     replication: {mode: leaderless, replicas: 3, write_quorum: 2, read_quorum: 2, sloppy_quorum: false}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Sloppy Quorums and Hinted
    ///   Handoff".
    pub static SLOPPY_QUORUM_STRONG_CONSISTENCY = {
        code: "sloppy-quorum-strong-consistency",
        severity: Warning,
        category: Replication,
        summary: "Sloppy quorums on a datastore that must be strongly consistent",
        fix: Always,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(sloppy) = datastore
            .replication
            .as_ref()
            .and_then(|r| r.sloppy_quorum.as_ref())
        else {
            continue;
        };
        if !sloppy.value {
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
                sloppy.range,
                format!(
                    "datastore `{}` allows sloppy quorums but must be {}: writes acknowledged by stand-in nodes are invisible to reads until hinted handoff completes",
                    datastore.name.value, consistency.value
                ),
            )
            .with_related(
                consistency.range,
                format!("`{}` consistency is required here", consistency.value),
            )
            .with_fix(Some(replace_value_fix(
                sloppy.range,
                "false",
                "Set `sloppy_quorum: false`",
                Applicability::Unsafe,
            )));
        ctx.report(diagnostic);
    }
}
