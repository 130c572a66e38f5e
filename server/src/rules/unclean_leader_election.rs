//! `unclean-leader-election`: Kafka may elect an out-of-sync replica and drop acknowledged writes.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a Kafka broker (Compose `KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE` or
    /// `KAFKA_CFG_UNCLEAN_LEADER_ELECTION_ENABLE`, Strimzi
    /// `unclean.leader.election.enable`) that allows unclean leader election.
    ///
    /// ## Why is this bad
    /// When every in-sync replica of a partition is gone, unclean leader election lets
    /// an out-of-sync replica become leader so the partition is writable again. That
    /// replica lacks the latest writes, and they are truncated away on the other
    /// replicas when they rejoin: messages that producers saw acknowledged, even with
    /// `acks=all`, disappear. It trades durability for availability, silently.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: "true"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// environment:
    ///   KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: "false"   # the default
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Handling Node Outages"
    ///   (failover can lose writes).
    /// - Apache Kafka documentation, "Unclean leader election".
    pub static UNCLEAN_LEADER_ELECTION = {
        code: "unclean-leader-election",
        severity: Warning,
        category: Streams,
        summary: "Kafka allows unclean leader election, which loses acknowledged writes",
        fix: Always,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for stream in &model.streams {
        let Some(unclean) = &stream.unclean_leader_election else {
            continue;
        };
        if !unclean.value {
            continue;
        }
        let written = ctx.text.get(unclean.range.as_range()).unwrap_or("true");
        let replacement = if written.starts_with('"') {
            "\"false\""
        } else if written.starts_with('\'') {
            "'false'"
        } else {
            "false"
        };
        let diagnostic = ctx
            .diagnostic(
                unclean.range,
                format!(
                    "{} allows unclean leader election: an out-of-sync replica can become leader and acknowledged messages are lost",
                    stream.describe()
                ),
            )
            .with_fix(Some(replace_value_fix(
                unclean.range,
                replacement,
                "Disable unclean leader election",
                Applicability::Unsafe,
            )));
        ctx.report(diagnostic);
    }
}
