//! `consensus-cluster-too-small`: a crash-fault consensus group that cannot survive one failure.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a crash-fault consensus group (`raft`, `paxos`, `zab`) with fewer than 3
    /// members. In Compose files and Kubernetes manifests, where a one-member ensemble
    /// is the usual development setup, only a two-member ensemble is reported: it
    /// costs a second node and still tolerates no failure.
    ///
    /// ## Why is this bad
    /// A group of `n` crash-fault members tolerates `(n - 1) / 2` failures (rounded
    /// down). One or two members tolerate none: losing any node stops leader election
    /// and every write, so the "highly available" coordination service is less
    /// available than a single database. Three members is the smallest group that
    /// survives one failure; five survive two, which also covers a failure during
    /// maintenance of another node.
    ///
    /// ## Example
    /// ```yaml
    /// consensus:
    ///   locks: {algorithm: raft, nodes: 2}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// consensus:
    ///   locks: {algorithm: raft, nodes: 3}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 9: "Fault-Tolerant Consensus".
    pub static CONSENSUS_CLUSTER_TOO_SMALL = {
        code: "consensus-cluster-too-small",
        severity: Warning,
        category: Consensus,
        summary: "A consensus group of fewer than 3 members tolerates no failure",
        fix: Always,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for group in &model.consensus_groups {
        // Compose files and manifests often run a one-node ensemble for development;
        // only their evenness is judged there.
        if group.origin == Origin::Infrastructure
            && group.nodes.as_ref().is_none_or(|n| n.value != 2)
        {
            continue;
        }
        let Some(algorithm) = &group.algorithm else {
            continue;
        };
        if algorithm.value.is_byzantine() {
            continue;
        }
        let Some(nodes) = &group.nodes else {
            continue;
        };
        if nodes.value >= 3 {
            continue;
        }
        // A count derived from a member list or from services is not a number to edit.
        let literal = ctx.text.get(nodes.range.as_range()).map(str::trim)
            == Some(nodes.value.to_string().as_str());
        let diagnostic = ctx
            .diagnostic(
                nodes.range,
                format!(
                    "{} has {} member{}: it tolerates no failure, so losing any node stops it (3 is the smallest group that survives one)",
                    group.describe(),
                    nodes.value,
                    if nodes.value == 1 { "" } else { "s" }
                ),
            )
            .with_fix(literal.then(|| {
                replace_value_fix(
                nodes.range,
                "3",
                "Use 3 members (tolerates 1 failure)",
                Applicability::Unsafe,
            )
            }));
        ctx.report(diagnostic);
    }
}
