//! `all-replica-quorum`: a quorum of every replica, so one node down blocks the operation.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `write_quorum` (W) or `read_quorum` (R) equal to the number of replicas
    /// N, when N > 1.
    ///
    /// ## Why is this bad
    /// A quorum of all N replicas means the operation needs every replica to answer. A
    /// single node that is down, restarting, or merely slow blocks every write (W = N)
    /// or every read (R = N), and the latency of each request is that of the slowest
    /// replica. Replication then buys durability but no availability for that operation.
    ///
    /// It can be a deliberate trade (W = N with R = 1 makes reads cheap), so this is
    /// information, not a warning; a majority quorum on both sides
    /// (W = R = N / 2 + 1, rounded down before adding one) usually balances better.
    ///
    /// ## Example
    /// ```yaml
    /// replication: {mode: leaderless, replicas: 3, write_quorum: 3, read_quorum: 1}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// replication: {mode: leaderless, replicas: 3, write_quorum: 2, read_quorum: 2}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Quorums for reading and
    ///   writing" and "Limitations of Quorum Consistency".
    pub static ALL_REPLICA_QUORUM = {
        code: "all-replica-quorum",
        severity: Info,
        category: Replication,
        summary: "A read or write quorum of all replicas: one node down blocks that operation",
        fix: Sometimes,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(replication) = &datastore.replication else {
            continue;
        };
        let Some(n) = &replication.replicas else {
            continue;
        };
        if n.value <= 1 {
            continue;
        }
        for (quorum, key, letter, blocked) in [
            (
                &replication.write_quorum,
                "write_quorum",
                "W",
                "every write",
            ),
            (&replication.read_quorum, "read_quorum", "R", "every read"),
        ] {
            let Some(quorum) = quorum else {
                continue;
            };
            if quorum.value != n.value {
                continue;
            }
            let mut diagnostic = ctx
                .diagnostic(
                    quorum.range,
                    format!(
                        "{key} {letter} = {} equals N = {}: a single replica down or slow blocks {blocked} on datastore `{}`",
                        quorum.value, n.value, datastore.name.value
                    ),
                )
                .with_related(n.range, format!("N = {}", n.value));
            // Lower this quorum to a majority, and raise the other one if needed to keep
            // W + R > N. With N = 2 the majority is 2 again: there is nothing to offer.
            let majority = n.value / 2 + 1;
            let other = if letter == "W" {
                &replication.read_quorum
            } else {
                &replication.write_quorum
            };
            if majority < n.value {
                let mut edits = vec![Edit::replace(quorum.range, majority.to_string())];
                let mut message =
                    format!("Set `{key}` to {majority}, a majority of N = {}", n.value);
                if let Some(other) = other
                    && i128::from(majority) + i128::from(other.value) <= i128::from(n.value)
                {
                    let raised = n.value - majority + 1;
                    edits.push(Edit::replace(other.range, raised.to_string()));
                    message.push_str(&format!(
                        ", and the other quorum to {raised} so that W + R > N"
                    ));
                }
                diagnostic = diagnostic.with_fix(Some(Fix {
                    message,
                    applicability: Applicability::Unsafe,
                    edits,
                }));
            }
            ctx.report(diagnostic);
        }
    }
}
