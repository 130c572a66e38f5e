//! `even-consensus-cluster`: an even-sized crash-fault consensus group.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a crash-fault consensus group (`raft`, `paxos`, `zab`; and ZooKeeper,
    /// etcd or Consul ensembles in infrastructure files) with an even number of members.
    ///
    /// ## Why is this bad
    /// Crash-fault consensus needs a majority, `n / 2 + 1` (rounded down before adding
    /// one), to elect a leader and commit. An even member adds cost without adding
    /// tolerance: 4 nodes need 3 and survive 1 failure, exactly like 3 nodes; 6 survive
    /// 2, like 5. Worse, an even cluster can split into two equal halves during a
    /// network partition, and then neither side has a majority and the whole group
    /// stops.
    ///
    /// ## Example
    /// ```yaml
    /// consensus:
    ///   metadata: {algorithm: raft, nodes: 4}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// consensus:
    ///   metadata: {algorithm: raft, nodes: 5}   # majority 3, tolerates 2 failures
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 9: "Fault-Tolerant Consensus" and
    ///   "Membership and Coordination Services".
    pub static EVEN_CONSENSUS_CLUSTER = {
        code: "even-consensus-cluster",
        severity: Warning,
        category: Consensus,
        summary: "An even-sized consensus group: no extra fault tolerance, and a partition can halve it",
        fix: Always,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for group in &model.consensus_groups {
        let Some(algorithm) = &group.algorithm else {
            continue;
        };
        if algorithm.value.is_byzantine() {
            continue;
        }
        let Some(nodes) = &group.nodes else {
            continue;
        };
        if nodes.value <= 0 || nodes.value % 2 != 0 {
            continue;
        }
        let n = nodes.value;
        let majority = n / 2 + 1;
        // A count derived from a member list or from services is not a number to edit.
        let literal =
            ctx.text.get(nodes.range.as_range()).map(str::trim) == Some(n.to_string().as_str());
        let tolerated = (n - 1) / 2;
        let mut diagnostic = ctx
            .diagnostic(
                nodes.range,
                format!(
                    "{} has {n} members: a majority is {majority}, so it tolerates {}, no more than {} would, and a network partition into two halves of {} leaves neither side a majority",
                    group.describe(),
                    count(tolerated, "failure", "failures"),
                    count(n - 1, "member", "members"),
                    n / 2
                ),
            )
            .with_fix(literal.then(|| {
                replace_value_fix(
                    nodes.range,
                    &(n + 1).to_string(),
                format!(
                    "Use {} members (majority {}, tolerates {})",
                    n + 1,
                    (n + 1) / 2 + 1,
                    count(n / 2, "failure", "failures")
                ),
                Applicability::Unsafe,
            )
            }));
        if literal && n > 3 {
            diagnostic = diagnostic.with_fix(Some(replace_value_fix(
                nodes.range,
                &(n - 1).to_string(),
                format!(
                    "Use {} members (same fault tolerance, one node fewer)",
                    n - 1
                ),
                Applicability::Unsafe,
            )));
        }
        ctx.report(diagnostic);
    }
}
