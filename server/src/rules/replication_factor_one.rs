//! `replication-factor-one`: a stream whose every partition lives on a single broker.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a stream (a Kafka-style topic) with `replication_factor: 1`.
    ///
    /// A replication factor above the number of Kafka brokers the file runs is reported
    /// too, as an error: Kafka refuses to create such a topic.
    ///
    /// ## Why is this bad
    /// With one replica, each partition exists on exactly one broker. When that broker
    /// stops, for a crash or just a rolling restart, its partitions can be neither
    /// written nor read; when its disk is lost, so are the events, including the ones
    /// consumers have not read yet. A log is often the system of record that everything
    /// else is derived from, so losing it loses the ability to rebuild the rest.
    ///
    /// Three replicas with `min_insync_replicas: 2` tolerate one broker loss without
    /// losing acknowledged writes.
    ///
    /// ## Example
    /// ```yaml
    /// streams:
    ///   order-events: {partitions: 12, replication_factor: 1}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// streams:
    ///   order-events: {partitions: 12, replication_factor: 3, min_insync_replicas: 2}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 11: "Partitioned Logs"; chapter 5
    ///   on why replicas matter.
    pub static REPLICATION_FACTOR_ONE = {
        code: "replication-factor-one",
        severity: Warning,
        category: Streams,
        summary: "A stream with a replication factor of 1: one broker loss loses its data",
        fix: Always,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    // A factor above the number of brokers makes topic creation fail: with fewer
    // than 3 Kafka brokers in the file, offer no more than there are (none with one).
    let brokers = model
        .workloads
        .iter()
        .filter(|w| w.system.is_some_and(|s| s.id == "kafka") && !w.runs_client())
        .filter(|w| {
            !["KAFKA_PROCESS_ROLES", "KAFKA_CFG_PROCESS_ROLES"]
                .iter()
                .filter_map(|name| w.env(name)?.value.as_deref())
                .any(|roles| roles.trim().trim_matches(['"', '\'']) == "controller")
        })
        .map(|w| w.replicas.as_ref().map_or(1, |r| r.value.max(1)))
        // Brokers an operator runs (Strimzi's `spec.kafka.replicas`).
        .chain(
            model
                .datastores
                .iter()
                .filter(|d| d.technology.as_ref().is_some_and(|t| t.value == "kafka"))
                .filter_map(|d| d.replication.as_ref()?.replicas.as_ref())
                .map(|replicas| replicas.value.max(0)),
        )
        // Saturating: counts come from the file and may be anything.
        .fold(0i64, i64::saturating_add);
    let target = match brokers {
        0 => Some(3),
        1 => None,
        n => Some(n.min(3)),
    };
    for stream in &model.streams {
        let Some(factor) = &stream.replication_factor else {
            continue;
        };
        // More replicas than brokers: Kafka refuses to create the topic.
        if stream.origin == Origin::Infrastructure && brokers > 0 && factor.value > brokers {
            let mut diagnostic = ctx.diagnostic(
                factor.range,
                format!(
                    "{} has a replication factor of {}, more than the {} in this file: creating the topic fails",
                    stream.describe(),
                    factor.value,
                    count(brokers, "Kafka broker", "Kafka brokers")
                ),
            );
            diagnostic.severity = crate::diagnostic::Severity::Error;
            ctx.report(diagnostic);
            continue;
        }
        if factor.value != 1 {
            continue;
        }
        let fix = target.map(|target| {
            replace_value_fix(
                factor.range,
                &target.to_string(),
                format!("Use a replication factor of {target}"),
                Applicability::Unsafe,
            )
        });
        let diagnostic = ctx
            .diagnostic(
                factor.range,
                format!(
                    "{} has a replication factor of 1: a single broker failure makes its partitions unavailable, and a lost disk loses its events",
                    stream.describe()
                ),
            )
            .with_fix(fix);
        ctx.report(diagnostic);
    }
}
