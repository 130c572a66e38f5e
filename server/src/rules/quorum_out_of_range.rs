//! `quorum-out-of-range`: a quorum below 1 or above the number of replicas.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `write_quorum` (W) or `read_quorum` (R) that is less than 1 or greater
    /// than the datastore's `replicas` (N), whatever the replication mode.
    ///
    /// ## Why is this bad
    /// A quorum counts replicas that must answer. A quorum larger than N can never be
    /// reached: every write (or read) waits for acknowledgements from replicas that do
    /// not exist and fails or times out. A quorum of 0 acknowledges operations that no
    /// replica has performed, so an "acknowledged" write may be stored nowhere. Both
    /// usually come from changing `replicas` without revisiting the quorums.
    ///
    /// ## Example
    /// ```yaml
    /// replication:
    ///   mode: leaderless
    ///   replicas: 3
    ///   write_quorum: 4
    ///   read_quorum: 2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// replication:
    ///   mode: leaderless
    ///   replicas: 3
    ///   write_quorum: 2
    ///   read_quorum: 2
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Quorums for reading and writing".
    pub static QUORUM_OUT_OF_RANGE = {
        code: "quorum-out-of-range",
        severity: Error,
        category: Replication,
        summary: "A read or write quorum below 1 or above the number of replicas",
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
        let n = replication.replicas.as_ref();
        for (quorum, name, letter, verb) in [
            (&replication.write_quorum, "write_quorum", "W", "write"),
            (&replication.read_quorum, "read_quorum", "R", "read"),
        ] {
            let Some(quorum) = quorum else {
                continue;
            };
            // Clamp into [1, N]; a majority is offered as the alternative.
            let clamped = match n {
                Some(n) if quorum.value > n.value => n.value,
                _ => 1,
            };
            // With no replica at all (N < 1) no quorum is right: N itself needs fixing.
            let fix = n.is_none_or(|n| n.value >= 1).then(|| {
                replace_value_fix(
                    quorum.range,
                    &clamped.to_string(),
                    format!("Set `{name}` to {clamped}"),
                    Applicability::Unsafe,
                )
            });
            let majority_fix = n
                .filter(|n| n.value >= 1 && n.value / 2 + 1 != clamped)
                .map(|n| {
                    let majority = n.value / 2 + 1;
                    replace_value_fix(
                        quorum.range,
                        &majority.to_string(),
                        format!("Set `{name}` to {majority}, a majority of N = {}", n.value),
                        Applicability::Unsafe,
                    )
                });
            if quorum.value < 1 {
                let diagnostic = ctx
                    .diagnostic(
                        quorum.range,
                        format!(
                            "{name} {letter} = {} is less than 1: a {verb} would be acknowledged without any replica taking part (datastore `{}`)",
                            quorum.value, datastore.name.value
                        ),
                    )
                    .with_fix(fix)
                    .with_fix(majority_fix);
                ctx.report(diagnostic);
            } else if let Some(n) = n
                && quorum.value > n.value
            {
                let diagnostic = ctx
                    .diagnostic(
                        quorum.range,
                        format!(
                            "{name} {letter} = {} is greater than N = {} replicas: no {verb} can ever gather {} answers (datastore `{}`)",
                            quorum.value, n.value, quorum.value, datastore.name.value
                        ),
                    )
                    .with_related(n.range, format!("N = {}", n.value))
                    .with_fix(fix)
                    .with_fix(majority_fix);
                ctx.report(diagnostic);
            }
        }
    }
}
