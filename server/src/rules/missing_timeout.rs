//! `missing-timeout`: a call to a dependency that can wait forever.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `depends_on` entry in long form without a `timeout`, and every
    /// short-form entry (`depends_on: [orders]`), which cannot state one.
    ///
    /// ## Why is this bad
    /// Networks and servers do not fail cleanly: a request can be lost, or its answer
    /// delayed without bound, and the caller cannot tell which. Without a timeout a
    /// caller waits as long as the slowest failure lasts, holding a thread, a
    /// connection and the user's request. When one dependency hangs, callers exhaust
    /// their pools and the outage spreads up the call graph. A timeout bounds that wait
    /// and turns a hang into an error the caller can handle.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     depends_on: [orders]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   api:
    ///     depends_on:
    ///       orders: {timeout: 500ms, circuit_breaker: true}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 8: "Unreliable Networks" and
    ///   "Timeouts and Unbounded Delays".
    pub static MISSING_TIMEOUT = {
        code: "missing-timeout",
        severity: Warning,
        category: Reliability,
        summary: "A dependency call with no timeout",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for service in &model.services {
        for dependency in &service.dependencies {
            if dependency.timeout.is_some() {
                continue;
            }
            let form = match dependency.form {
                DependencyForm::Short => " (the short form `depends_on: [...]` cannot state one)",
                DependencyForm::Long => "",
            };
            let diagnostic = ctx.diagnostic(
                dependency.target.range,
                format!(
                    "service `{}` calls `{}` without a timeout{form}: a hung dependency holds the caller's threads and connections until the outage spreads",
                    service.name.value, dependency.target.value
                ),
            );
            ctx.report(diagnostic);
        }
    }
}
