//! `multi-leader-without-conflict-resolution`: several leaders accept writes and nothing says how conflicts merge.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a datastore with `replication.mode: multi-leader` whose
    /// `conflict_resolution` is missing or `none`.
    ///
    /// ## Why is this bad
    /// With more than one leader, two clients can change the same record at the same
    /// time on different leaders, and both writes succeed. When the leaders exchange
    /// their changes, the conflict has to be resolved somehow; a design that does not
    /// say how leaves replicas that disagree forever, or loses one of the writes
    /// without anyone noticing. Conflicts are not rare corner cases: they follow from
    /// every network delay between the leaders.
    ///
    /// Pick a strategy on purpose: version vectors detect concurrent writes and keep
    /// both versions for the application to merge; CRDTs merge automatically for data
    /// types that allow it (counters, sets, text); `custom` names application code that
    /// merges on write or on read. `last-write-wins` is a strategy too, but it discards
    /// data (see `last-write-wins`).
    ///
    /// ## Example
    /// ```yaml
    /// datastores:
    ///   profiles:
    ///     replication:
    ///       mode: multi-leader
    ///       regions: [eu-west, us-east]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   profiles:
    ///     replication:
    ///       mode: multi-leader
    ///       regions: [eu-west, us-east]
    ///       conflict_resolution: version-vectors
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Handling Write Conflicts".
    /// - The guide, "Replication Strategies": multi-leader replication needs conflict resolution.
    pub static MULTI_LEADER_WITHOUT_CONFLICT_RESOLUTION = {
        code: "multi-leader-without-conflict-resolution",
        severity: Error,
        category: Replication,
        summary: "Multi-leader replication with no strategy for write conflicts",
        fix: Always,
        scope: Component,
        check: Some(check),
    }
}

const SUGGESTED: &str = "version-vectors";

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
        let name = &datastore.name.value;
        match &replication.conflict_resolution {
            None => {
                let Some(section) = &replication.section else {
                    continue;
                };
                let fix = insert_key_fix(
                    section,
                    "conflict_resolution",
                    SUGGESTED,
                    format!(
                        "Add `conflict_resolution: {SUGGESTED}` (detect concurrent writes and keep both versions)"
                    ),
                    Applicability::Unsafe,
                    ctx.text,
                );
                let crdt = insert_key_fix(
                    section,
                    "conflict_resolution",
                    "crdt",
                    "Add `conflict_resolution: crdt` (merge automatically with conflict-free data types)",
                    Applicability::Unsafe,
                    ctx.text,
                );
                let diagnostic = ctx
                    .diagnostic(
                        section.key,
                        format!(
                            "datastore `{name}` is replicated multi-leader but states no `conflict_resolution`: concurrent writes to different leaders will leave replicas disagreeing or silently lose a write"
                        ),
                    )
                    .with_related(mode.range, "several leaders accept writes here")
                    .with_fix(fix)
                    .with_fix(crdt);
                ctx.report(diagnostic);
            }
            Some(strategy) if strategy.value == ConflictResolution::None => {
                let fix = replace_value_fix(
                    strategy.range,
                    SUGGESTED,
                    format!("Use `conflict_resolution: {SUGGESTED}`"),
                    Applicability::Unsafe,
                );
                let diagnostic = ctx
                    .diagnostic(
                        strategy.range,
                        format!(
                            "datastore `{name}` is replicated multi-leader with `conflict_resolution: none`: concurrent writes to different leaders will leave replicas disagreeing or silently lose a write"
                        ),
                    )
                    .with_related(mode.range, "several leaders accept writes here")
                    .with_fix(Some(fix))
                    .with_fix(Some(replace_value_fix(
                        strategy.range,
                        "crdt",
                        "Use `conflict_resolution: crdt`",
                        Applicability::Unsafe,
                    )));
                ctx.report(diagnostic);
            }
            Some(_) => {}
        }
    }
}
