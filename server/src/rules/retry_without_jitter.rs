//! `retry-without-jitter`: backoff without jitter makes callers retry in lockstep.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a dependency with `retries.backoff: exponential` (or `linear`) that does
    /// not set `jitter: true`.
    ///
    /// ## Why is this bad
    /// When a dependency fails, all its callers see the failure at about the same
    /// moment. With a deterministic backoff they also retry at the same moments: 100 ms
    /// later, 200 ms later, 400 ms later, each time as a synchronized wave that can
    /// knock the recovering dependency over again. Randomizing each delay (jitter)
    /// spreads the retries out and lets the dependency recover.
    ///
    /// ## Example
    /// ```yaml
    /// retries: {max: 3, backoff: exponential}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// retries: {max: 3, backoff: exponential, jitter: true}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 8: "Timeouts and Unbounded Delays".
    pub static RETRY_WITHOUT_JITTER = {
        code: "retry-without-jitter",
        severity: Info,
        category: Reliability,
        summary: "Backoff without jitter: callers retry in synchronized waves",
        fix: Always,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for service in &model.services {
        for dependency in &service.dependencies {
            let Some(retries) = &dependency.retries else {
                continue;
            };
            let Some(backoff) = &retries.backoff else {
                continue;
            };
            if !matches!(backoff.value, Backoff::Exponential | Backoff::Linear) {
                continue;
            }
            if retries.max.as_ref().is_some_and(|m| m.value <= 0) {
                continue;
            }
            let (range, fix) = match &retries.jitter {
                Some(jitter) if jitter.value => continue,
                Some(jitter) => (
                    jitter.range,
                    Some(replace_value_fix(
                        jitter.range,
                        "true",
                        "Set `jitter: true`",
                        Applicability::Safe,
                    )),
                ),
                None => (
                    retries.section.key,
                    insert_key_fix(
                        &retries.section,
                        "jitter",
                        "true",
                        "Add `jitter: true`",
                        Applicability::Safe,
                        ctx.text,
                    ),
                ),
            };
            let diagnostic = ctx
                .diagnostic(
                    range,
                    format!(
                        "service `{}` backs off {} from `{}` without jitter: all callers retry at the same moments, in waves",
                        service.name.value, backoff.value, dependency.target.value
                    ),
                )
                .with_related(backoff.range, format!("{} backoff", backoff.value))
                .with_fix(fix);
            ctx.report(diagnostic);
        }
    }
}
