//! `saga-step-without-compensation`: a saga step that cannot be undone when a later step fails.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a step of a `pattern: saga` workflow, other than the last one, that has
    /// no `compensation`.
    ///
    /// ## Why is this bad
    /// A saga commits each step locally and at once. When a later step fails, atomicity
    /// comes only from running the compensating actions of the steps that already
    /// committed, in reverse order. A step without one cannot be undone: the stock stays
    /// reserved, the card stays charged, and the system is left in a state no single
    /// step intended, which someone has to repair by hand. The last step needs no
    /// compensation because nothing after it can fail.
    ///
    /// ## Example
    /// ```yaml
    /// workflows:
    ///   place-order:
    ///     pattern: saga
    ///     steps:
    ///       - {name: reserve-stock, service: inventory}
    ///       - {name: charge-card, service: payments}
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
    /// - Designing Data-Intensive Applications, chapter 12: "Multi-partition data
    ///   processing" and compensating transactions.
    /// - The guide, "Event-Driven Architecture" (saga pattern).
    pub static SAGA_STEP_WITHOUT_COMPENSATION = {
        code: "saga-step-without-compensation",
        severity: Error,
        category: Transactions,
        summary: "A saga step (not the last) without a compensating action",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for workflow in &model.workflows {
        if workflow.pattern.as_ref().map(|p| p.value) != Some(WorkflowPattern::Saga) {
            continue;
        }
        let Some((_, before_last)) = workflow.steps.split_last() else {
            continue;
        };
        for (index, step) in before_last.iter().enumerate() {
            if step
                .compensation
                .as_ref()
                .is_some_and(|c| !c.value.trim().is_empty())
            {
                continue;
            }
            let (range, label) = match &step.name {
                Some(name) => (name.range, format!("step `{}`", name.value)),
                None => (step.section.key, format!("step {}", index + 1)),
            };
            let diagnostic = ctx.diagnostic(
                range,
                format!(
                    "{label} of saga `{}` has no `compensation`: if a later step fails, its effect cannot be undone",
                    workflow.name.value
                ),
            );
            ctx.report(diagnostic);
        }
    }
}
