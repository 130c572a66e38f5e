//! `min-insync-replicas-too-high`: acks=all writes that one broker loss (or nothing) blocks.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a stream whose `min_insync_replicas` is greater than or equal to its
    /// `replication_factor` (and, in infrastructure files, a Kafka broker whose
    /// `min.insync.replicas` is at or above its default replication factor). A
    /// replication factor of 1 with 1 in sync is left to `replication-factor-one`.
    ///
    /// ## Why is this bad
    /// A producer writing with `acks=all` succeeds only while at least
    /// `min_insync_replicas` replicas of the partition are in sync. If that minimum
    /// equals the replication factor, every replica must be up: one broker restart or
    /// failure blocks all such writes, so the replication adds durability but removes
    /// availability. If the minimum is greater than the replication factor, the topic
    /// can never be written with `acks=all` at all.
    ///
    /// The usual setting is `replication_factor - 1` (2 of 3): one broker can be lost
    /// with writes still acknowledged by two copies.
    ///
    /// ## Example
    /// ```yaml
    /// streams:
    ///   payments: {replication_factor: 3, min_insync_replicas: 3}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// streams:
    ///   payments: {replication_factor: 3, min_insync_replicas: 2}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Synchronous Versus Asynchronous
    ///   Replication" (the same trade-off for a log).
    pub static MIN_INSYNC_REPLICAS_TOO_HIGH = {
        code: "min-insync-replicas-too-high",
        severity: Error,
        category: Streams,
        summary: "Min in-sync replicas at or above the replication factor blocks acks=all writes",
        fix: Sometimes,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for stream in &model.streams {
        let (Some(factor), Some(minimum)) =
            (&stream.replication_factor, &stream.min_insync_replicas)
        else {
            continue;
        };
        // With a single replica, 1 in sync is the only possible setting: the finding
        // there is `replication-factor-one`.
        if minimum.value < factor.value || (factor.value == 1 && minimum.value == 1) {
            continue;
        }
        let consequence = if minimum.value == factor.value {
            "losing any one broker blocks every acks=all write"
        } else {
            "no acks=all write can ever succeed"
        };
        let mut diagnostic = ctx
            .diagnostic(
                minimum.range,
                format!(
                    "{} requires {} out of a replication factor of {}: {consequence}",
                    stream.describe(),
                    count(minimum.value, "in-sync replica", "in-sync replicas"),
                    factor.value
                ),
            )
            .with_related(factor.range, format!("replication factor {}", factor.value));
        if factor.value >= 2 {
            let target = factor.value - 1;
            diagnostic = diagnostic.with_fix(Some(replace_value_fix(
                minimum.range,
                &target.to_string(),
                format!(
                    "Require {} (replication factor - 1)",
                    count(target, "in-sync replica", "in-sync replicas")
                ),
                Applicability::Unsafe,
            )));
        }
        ctx.report(diagnostic);
    }
}
