//! `multi-leader-single-region`: multi-leader replication where one leader would do.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a datastore with `replication.mode: multi-leader` that lists fewer than
    /// two `regions` and does not set `offline_clients: true`.
    ///
    /// ## Why is this bad
    /// Multi-leader replication pays for itself in two situations: leaders in several
    /// datacenters (each region writes locally and survives the loss of another), and
    /// clients that keep writing while offline (each device is a leader). Inside one
    /// region it brings all the cost (write conflicts, conflict resolution, subtle
    /// anomalies such as auto-increment clashes and broken constraints) and none of the
    /// benefit: a single leader with synchronous or semi-synchronous followers gives
    /// the same availability within a datacenter with far simpler semantics.
    ///
    /// ## Example
    /// ```yaml
    /// replication:
    ///   mode: multi-leader
    ///   regions: [eu-west]
    ///   conflict_resolution: last-write-wins
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// replication:
    ///   mode: single-leader
    ///   replicas: 3
    ///   sync: semi-sync
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Use Cases for Multi-Leader
    ///   Replication".
    pub static MULTI_LEADER_SINGLE_REGION = {
        code: "multi-leader-single-region",
        severity: Warning,
        category: Replication,
        summary: "Multi-leader replication within a single region and without offline clients",
        fix: Always,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(replication) = &datastore.replication else {
            continue;
        };
        let Some(mode) = &replication.mode else {
            continue;
        };
        if mode.value != ReplicationMode::MultiLeader {
            continue;
        }
        if replication
            .offline_clients
            .as_ref()
            .is_some_and(|o| o.value)
        {
            continue;
        }
        let count = replication.regions.as_ref().map_or(0, |regions| {
            let distinct: std::collections::BTreeSet<&str> =
                regions.value.iter().map(|r| r.value.as_str()).collect();
            distinct.len()
        });
        if count >= 2 {
            continue;
        }
        let name = &datastore.name.value;
        let (range, message) = match &replication.regions {
            Some(regions) if count > 0 => (
                regions.range,
                format!(
                    "datastore `{name}` is multi-leader within {} region{}{} and has no offline clients: it pays for write conflicts without gaining anything over a single leader",
                    count,
                    if count == 1 { "" } else { "s" },
                    regions
                        .value
                        .first()
                        .map(|r| format!(" ({})", r.value))
                        .unwrap_or_default()
                ),
            ),
            _ => (
                // No regions stated: the finding goes on the section that lacks them.
                replication
                    .regions
                    .as_ref()
                    .map(|r| r.range)
                    .or_else(|| replication.section.as_ref().map(|s| s.key))
                    .unwrap_or(mode.range),
                format!(
                    "datastore `{name}` is multi-leader but lists no `regions` and has no offline clients: within one region it pays for write conflicts without gaining anything over a single leader"
                ),
            ),
        };
        let mut diagnostic = ctx
            .diagnostic(range, message)
            .with_fix(Some(replace_value_fix(
                mode.range,
                "single-leader",
                "Use `mode: single-leader`",
                Applicability::Unsafe,
            )));
        if replication.regions.is_some() {
            diagnostic =
                diagnostic.with_related(mode.range, "multi-leader replication is chosen here");
        }
        ctx.report(diagnostic);
    }
}
