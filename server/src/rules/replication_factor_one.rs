//! `replication-factor-one`: a stream whose every partition lives on a single broker.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a stream (a Kafka-style topic) with `replication_factor: 1`.
    ///
    /// A replication factor above the number of Kafka brokers the file runs is reported
    /// too, as an error: Kafka refuses to create such a topic. And each broker of a
    /// Compose cluster of two or more (brokers naming the same ZooKeeper, cluster id or
    /// voters) that leaves `default.replication.factor` at Kafka's default of 1 (not
    /// when the brokers keep their partitions in object storage, as AutoMQ's do).
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
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    // A factor above the number of brokers makes topic creation fail: with fewer
    // than 3 Kafka brokers in the file, offer no more than there are (none with one).
    let brokers = model
        .workloads
        .iter()
        .filter(|w| w.is_kafka_broker())
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
    // A cluster of several brokers configured by variables that leaves the default
    // replication factor at Kafka's 1: every topic created without one (auto-created
    // topics, most clients) keeps a single copy.
    let compose_brokers: Vec<&Workload> = model
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::ComposeService && w.is_kafka_broker())
        .collect();
    // Brokers of one cluster name the same ZooKeeper, cluster id or voters; a file may
    // run two clusters side by side (a replication demo).
    let cluster_of = |broker: &Workload| -> String {
        [
            "KAFKA_ZOOKEEPER_CONNECT",
            "KAFKA_CFG_ZOOKEEPER_CONNECT",
            "CLUSTER_ID",
            "KAFKA_CLUSTER_ID",
            "KAFKA_KRAFT_CLUSTER_ID",
            "KAFKA_CONTROLLER_QUORUM_VOTERS",
            "KAFKA_CFG_CONTROLLER_QUORUM_VOTERS",
        ]
        .iter()
        .find_map(|name| broker.env(name)?.value.clone())
        // The hosts named, without ports, chroots or voter ids.
        .map(|value| {
            let mut hosts: Vec<&str> = value
                .split(['/'])
                .next()
                .unwrap_or_default()
                .split(',')
                .map(|member| {
                    let member = member.rsplit('@').next().unwrap_or(member);
                    member.split(':').next().unwrap_or(member).trim()
                })
                .collect();
            hosts.sort_unstable();
            hosts.join(",")
        })
        .unwrap_or_default()
    };
    for cluster in compose_brokers
        .iter()
        .map(|broker| cluster_of(broker))
        .collect::<std::collections::BTreeSet<_>>()
    {
        let members: Vec<&&Workload> = compose_brokers
            .iter()
            .filter(|broker| cluster_of(broker) == cluster)
            .collect();
        if members.len() < 2 {
            continue;
        }
        for broker in &members {
            let configured_by_variables = broker
                .environment
                .iter()
                .any(|v| v.name.starts_with("KAFKA_"));
            let states_default = [
                "KAFKA_DEFAULT_REPLICATION_FACTOR",
                "KAFKA_CFG_DEFAULT_REPLICATION_FACTOR",
            ]
            .iter()
            .any(|name| broker.env(name).is_some());
            if !configured_by_variables || states_default || broker.keeps_topics_in_object_storage()
            {
                continue;
            }
            let diagnostic = ctx.diagnostic(
                broker.name.range,
                format!(
                    "Kafka broker `{}` of a {}-broker cluster leaves `default.replication.factor` at Kafka's default of 1: every topic created without a replication factor (auto-created topics, most clients) keeps a single copy; set `KAFKA_DEFAULT_REPLICATION_FACTOR`",
                    broker.name.value,
                    members.len()
                ),
            );
            ctx.report(diagnostic);
        }
    }
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
