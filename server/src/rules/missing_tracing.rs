//! `missing-tracing`: many services and no way to follow one request through them.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a system spec with three or more services whose
    /// `observability.tracing` is not `true`. Applies to whole specs only.
    ///
    /// ## Why is this bad
    /// Once a request crosses several services, per-service logs and metrics no longer
    /// explain why it was slow or where it failed: the latency is spread across hops,
    /// retries and queues. Distributed tracing follows one request through every
    /// service it touches and shows where its time went, which is how tail latency and
    /// cascading failures get diagnosed.
    ///
    /// ## Example
    /// ```yaml
    /// services: {api: {}, orders: {}, payments: {}}
    /// observability: {metrics: true}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services: {api: {}, orders: {}, payments: {}}
    /// observability: {metrics: true, tracing: true}
    /// ```
    ///
    /// ## References
    /// - The guide, "Maintainability": comprehensive logging, metrics and tracing.
    pub static MISSING_TRACING = {
        code: "missing-tracing",
        severity: Info,
        category: Operations,
        summary: "Three or more services without distributed tracing",
        fix: Sometimes,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    if model.format != SourceFormat::Spec || model.services.len() < 3 {
        return;
    }
    let count = model.services.len();
    let message = format!(
        "{count} services and no distributed tracing: a slow or failing request cannot be followed across them"
    );
    let tracing = model
        .observability
        .as_ref()
        .and_then(|o| o.tracing.as_ref());
    let (range, fix) = match (&model.observability, tracing) {
        (_, Some(tracing)) if tracing.value => return,
        (_, Some(tracing)) => (
            tracing.range,
            Some(replace_value_fix(
                tracing.range,
                "true",
                "Set `tracing: true`",
                Applicability::Unsafe,
            )),
        ),
        (Some(observability), None) => (
            observability.section.key,
            insert_key_fix(
                &observability.section,
                "tracing",
                "true",
                "Add `tracing: true`",
                Applicability::Unsafe,
                ctx.text,
            ),
        ),
        (None, None) => (model.top, None),
    };
    let diagnostic = ctx.diagnostic(range, message).with_fix(fix);
    ctx.report(diagnostic);
}
