//! `missing-monitoring`: a system nobody will see failing.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a system spec that has datastores or services but no `observability`
    /// section, or one that states neither `metrics: true` nor any `alerts`. Applies to
    /// whole specs only.
    ///
    /// ## Why is this bad
    /// Every design here fails sooner or later: a replica falls behind, a disk fills,
    /// a partition gets hot, latency creeps up. Without metrics nobody sees it coming,
    /// and without alerts nobody hears about it until users complain. Replication lag,
    /// consumer lag, error rates and latency percentiles are the early warnings the
    /// rest of the design relies on.
    ///
    /// ## Example
    /// ```yaml
    /// datastores:
    ///   orders: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   orders: {}
    /// observability:
    ///   metrics: true
    ///   alerts: [p99-latency, replication-lag]
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1: "Operability" (telemetry).
    /// - The guide, "Maintainability": ensure observability.
    pub static MISSING_MONITORING = {
        code: "missing-monitoring",
        severity: Warning,
        category: Operations,
        summary: "A system with no metrics and no alerts",
        fix: None,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    if model.format != SourceFormat::Spec
        || (model.datastores.is_empty() && model.services.is_empty())
    {
        return;
    }
    let (range, message) = match &model.observability {
        None => (
            model.top,
            "the spec states no `observability`: without metrics and alerts, nobody sees a replica falling behind or latency creeping up until users do",
        ),
        Some(observability) => {
            let metrics = observability.metrics.as_ref().is_some_and(|m| m.value);
            let alerts = observability
                .alerts
                .as_ref()
                .is_some_and(|a| !a.value.is_empty());
            if metrics || alerts {
                return;
            }
            (
                observability.section.key,
                "`observability` has neither `metrics: true` nor any `alerts`: nobody sees a replica falling behind or latency creeping up until users do",
            )
        }
    };
    let diagnostic = ctx.diagnostic(range, message);
    ctx.report(diagnostic);
}
