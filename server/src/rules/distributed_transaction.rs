//! `distributed-transaction`: two-phase commit across systems where a saga would do.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `transactions.distributed: two-phase-commit` on a datastore, and a
    /// workflow with `pattern: two-phase-commit`.
    ///
    /// ## Why is this bad
    /// Two-phase commit makes every participant wait for the coordinator. If the
    /// coordinator fails after the participants voted yes, they are stuck "in doubt":
    /// they hold their locks and can neither commit nor abort until it comes back,
    /// which blocks every other transaction touching those rows. Latency is that of the
    /// slowest participant plus two round trips, and availability is the product of
    /// every participant's. Across services and heterogeneous datastores (XA) it also
    /// couples their release cycles and failure modes.
    ///
    /// A saga (a sequence of local transactions, each with a compensating action that
    /// undoes it) gives up isolation between steps but never blocks on a failed node.
    ///
    /// ## Example
    /// ```yaml
    /// workflows:
    ///   place-order:
    ///     pattern: two-phase-commit
    ///     steps: [{name: reserve-stock, service: inventory}, {name: charge-card, service: payments}]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// workflows:
    ///   place-order:
    ///     pattern: saga
    ///     steps:
    ///       - {name: reserve-stock, service: inventory, compensation: release-stock}
    ///       - {name: charge-card, service: payments}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 9: "Distributed Transactions in
    ///   Practice" and "Three-phase commit"; chapter 12 on sagas and compensation.
    /// - The guide, "Transactions and Consistency" and its anti-patterns.
    pub static DISTRIBUTED_TRANSACTION = {
        code: "distributed-transaction",
        severity: Warning,
        category: Transactions,
        summary: "Two-phase commit blocks on a failed coordinator; a saga may fit better",
        fix: None,
        check: Some(check),
    }
}

const CONSEQUENCE: &str = "a coordinator failure leaves participants in doubt, holding locks until it recovers; consider a saga with compensating steps";

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(distributed) = datastore
            .transactions
            .as_ref()
            .and_then(|t| t.distributed.as_ref())
        else {
            continue;
        };
        if distributed.value == DistributedTransactions::TwoPhaseCommit {
            let diagnostic = ctx.diagnostic(
                distributed.range,
                format!(
                    "datastore `{}` takes part in two-phase commit: {CONSEQUENCE}",
                    datastore.name.value
                ),
            );
            ctx.report(diagnostic);
        }
    }
    for workflow in &model.workflows {
        let Some(pattern) = &workflow.pattern else {
            continue;
        };
        if pattern.value == WorkflowPattern::TwoPhaseCommit {
            let diagnostic = ctx.diagnostic(
                pattern.range,
                format!(
                    "workflow `{}` uses two-phase commit: {CONSEQUENCE}",
                    workflow.name.value
                ),
            );
            ctx.report(diagnostic);
        }
    }
}
