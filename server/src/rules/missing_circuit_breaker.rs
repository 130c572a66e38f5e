//! `missing-circuit-breaker`: a synchronous dependency called even while it is failing.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a synchronous dependency (`mode: sync`, the default, and every short-form
    /// entry) that does not set `circuit_breaker: true`.
    ///
    /// ## Why is this bad
    /// When a dependency is down, every call to it still waits for a timeout and then
    /// fails, so the caller stays slow and keeps load on the dependency while it tries
    /// to recover. A circuit breaker notices the failure rate, stops calling for a
    /// while (failing fast or serving a fallback), and probes until the dependency is
    /// healthy again. It keeps one failing service from dragging down everything that
    /// calls it.
    ///
    /// ## Example
    /// ```yaml
    /// depends_on:
    ///   payments: {timeout: 800ms}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// depends_on:
    ///   payments: {timeout: 800ms, circuit_breaker: true}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1: "Reliability" (cascading
    ///   failures); chapter 8 on unreliable networks.
    /// - The guide, "Reliability": systems should degrade gracefully.
    pub static MISSING_CIRCUIT_BREAKER = {
        code: "missing-circuit-breaker",
        severity: Info,
        category: Reliability,
        summary: "A synchronous dependency without a circuit breaker",
        fix: Sometimes,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for service in &model.services {
        for dependency in &service.dependencies {
            if dependency
                .mode
                .as_ref()
                .is_some_and(|m| m.value == CallMode::Async)
            {
                continue;
            }
            let (range, fix) = match &dependency.circuit_breaker {
                Some(breaker) if breaker.value => continue,
                Some(breaker) => (
                    breaker.range,
                    Some(replace_value_fix(
                        breaker.range,
                        "true",
                        "Set `circuit_breaker: true`",
                        Applicability::Unsafe,
                    )),
                ),
                None => (
                    dependency.target.range,
                    dependency.section.as_ref().and_then(|section| {
                        insert_key_fix(
                            section,
                            "circuit_breaker",
                            "true",
                            "Add `circuit_breaker: true`",
                            Applicability::Unsafe,
                            ctx.text,
                        )
                    }),
                ),
            };
            let diagnostic = ctx
                .diagnostic(
                    range,
                    format!(
                        "service `{}` calls `{}` synchronously without a circuit breaker: while `{}` fails, every call still waits for its timeout",
                        service.name.value, dependency.target.value, dependency.target.value
                    ),
                )
                .with_fix(fix);
            ctx.report(diagnostic);
        }
    }
}
