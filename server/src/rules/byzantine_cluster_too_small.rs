//! `byzantine-cluster-too-small`: too few members for the Byzantine faults the group must tolerate.

use super::prelude::*;
use crate::arithmetic::ByzantineBound;

declare_rule! {
    /// ## What it does
    /// Reports a Byzantine-fault-tolerant consensus group that is too small for its
    /// `faulty` count f: `pbft` or `tendermint` with fewer than `3f + 1` nodes, and
    /// `phase-king` with `4f` nodes or fewer. Without `faulty`, f = 1 is assumed: a
    /// group that cannot tolerate one Byzantine member tolerates none.
    ///
    /// ## Why is this bad
    /// Byzantine members may lie, so honest members must outvote them even when f of
    /// them are faulty and f more are merely slow. For PBFT-style protocols that needs
    /// `n >= 3f + 1`; the phase-king algorithm needs `n > 4f`. Below those bounds the
    /// protocol's guarantees are void: f colluding members can make honest ones commit
    /// conflicting decisions. This is a mathematical bound, not a tuning choice.
    ///
    /// ## Example
    /// ```yaml
    /// consensus:
    ///   ledger: {algorithm: pbft, nodes: 4, faulty: 2}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// consensus:
    ///   ledger: {algorithm: pbft, nodes: 7, faulty: 2}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 8: "Byzantine Faults".
    /// - Castro and Liskov, "Practical Byzantine Fault Tolerance" (OSDI 1999); Berman,
    ///   Garay and Perry on the phase-king protocol (1989).
    pub static BYZANTINE_CLUSTER_TOO_SMALL = {
        code: "byzantine-cluster-too-small",
        severity: Error,
        category: Consensus,
        summary: "Too few members for the Byzantine faults the group must tolerate",
        fix: Always,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for group in &model.consensus_groups {
        let Some(algorithm) = &group.algorithm else {
            continue;
        };
        if !algorithm.value.is_byzantine() {
            continue;
        }
        let Some(nodes) = &group.nodes else {
            continue;
        };
        // Without `faulty`, judge against the smallest useful f = 1.
        let f = group.faulty.as_ref().map_or(1, |faulty| faulty.value);
        if f < 0 {
            continue;
        }
        let factor = if algorithm.value == ConsensusAlgorithm::PhaseKing {
            4
        } else {
            3
        };
        // In 128 bits: a huge `faulty` needs more members than any count can hold.
        let Some(required) = ByzantineBound { factor }.needed(f) else {
            continue;
        };
        let bound = if factor == 4 {
            format!("more than 4f = {}", required - 1)
        } else {
            format!("at least 3f + 1 = {required}")
        };
        if i128::from(nodes.value) >= required {
            continue;
        }
        let message = match &group.faulty {
            Some(_) => format!(
                "{} group `{}` has {} nodes, but tolerating f = {f} faulty {} needs {bound}: below that, faulty members can make honest ones disagree",
                algorithm.value,
                group.name.value,
                nodes.value,
                if f == 1 { "node" } else { "nodes" }
            ),
            None => format!(
                "{} group `{}` has {} nodes and states no `faulty` count; tolerating even f = 1 faulty node needs {bound}: as it is, it tolerates none",
                algorithm.value, group.name.value, nodes.value
            ),
        };
        let mut diagnostic = ctx.diagnostic(nodes.range, message);
        if let Some(faulty) = &group.faulty {
            diagnostic = diagnostic.with_related(faulty.range, format!("f = {f}"));
        }
        let diagnostic = diagnostic.with_fix(Some(replace_value_fix(
            nodes.range,
            &required.to_string(),
            format!("Use {required} nodes"),
            Applicability::Unsafe,
        )));
        ctx.report(diagnostic);
    }
}
