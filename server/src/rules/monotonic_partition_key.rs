//! `monotonic-partition-key`: range partitioning on an ever-increasing key creates a hot spot.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `partitioning.strategy: range` with a key that only grows: `key_kind:
    /// timestamp` or `sequence`, or (without a `key_kind`) a key named like a time or a
    /// counter: `timestamp`, `created_at` and other `*_at`, `*_time`, `date`, `ts`,
    /// `seq`, `*_seq`, `sequence`, a bare `id`, and the like (`*_date`, `*_ts`,
    /// `createdAt`). An explicit `key_kind` (`random`, `low-cardinality`) wins over the
    /// name; a compound key such as `tenant_id,created_at` is not judged by its name.
    ///
    /// ## Why is this bad
    /// Range partitioning keeps keys in order, and a monotonic key sends every new
    /// record to the end of that order: the last partition takes all the writes while
    /// the others sit idle. The write throughput of the whole store is then the
    /// throughput of one node, and adding nodes does not help. This is the classic hot
    /// spot of time-series data keyed by timestamp.
    ///
    /// Prefix the key with something that spreads writes (a sensor, user or tenant id),
    /// or hash-partition and keep time ordering inside each partition.
    ///
    /// ## Example
    /// ```yaml
    /// partitioning:
    ///   strategy: range
    ///   key: created_at
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// partitioning:
    ///   strategy: range
    ///   key: sensor_id        # then created_at within each sensor
    ///   key_kind: random
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 6: "Partitioning by Key Range" and
    ///   "Skewed Workloads and Relieving Hot Spots".
    pub static MONOTONIC_PARTITION_KEY = {
        code: "monotonic-partition-key",
        severity: Warning,
        category: Partitioning,
        summary: "Range partitioning on a monotonic key sends every write to one partition",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

/// Whether a key name says it holds a time or a counter. A compound key
/// (`tenant_id, created_at`) is not judged: its first part decides the spread.
fn is_monotonic_name(name: &str) -> bool {
    let name = name.trim();
    if name.is_empty() || name.contains([',', ' ', '+', '|', ':', '#', '/']) {
        return false;
    }
    // `createdAt`, `eventTime`: camelCase suffixes.
    let camel = |suffix: &str| {
        name.len() > suffix.len()
            && name.ends_with(suffix)
            && name[..name.len() - suffix.len()]
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "timestamp" | "created_at" | "date" | "ts" | "seq" | "sequence" | "id" | "time"
    ) || ["_at", "_time", "_seq", "_date", "_ts", "_timestamp"]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
        || lower.starts_with("timestamp_")
        || ["At", "Time", "Date", "Timestamp", "Seq"]
            .iter()
            .any(|s| camel(s))
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(partitioning) = &datastore.partitioning else {
            continue;
        };
        let Some(strategy) = &partitioning.strategy else {
            continue;
        };
        if strategy.value != PartitionStrategy::Range {
            continue;
        }
        let name = &datastore.name.value;
        let (range, why) = match (&partitioning.key_kind, &partitioning.key) {
            (Some(kind), _) if matches!(kind.value, KeyKind::Timestamp | KeyKind::Sequence) => {
                let key = partitioning
                    .key
                    .as_ref()
                    .map_or_else(String::new, |k| format!("`{}` ", k.value));
                (kind.range, format!("its key {key}is a {}", kind.value))
            }
            (Some(_), _) => continue,
            (None, Some(key)) if is_monotonic_name(&key.value) => (
                key.range,
                format!("its key `{}` grows with time or a counter", key.value),
            ),
            _ => continue,
        };
        let diagnostic = ctx
            .diagnostic(
                range,
                format!(
                    "datastore `{name}` is range partitioned and {why}: every new record lands in the last partition, which takes all the writes"
                ),
            )
            .with_related(strategy.range, "range partitioning keeps keys in order");
        ctx.report(diagnostic);
    }
}
