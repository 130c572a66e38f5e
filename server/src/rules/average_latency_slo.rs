//! `average-latency-slo`: a latency target stated as an average, which hides the tail.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `requirements.latency` target given as `avg`, `mean` or `average` when
    /// no percentile (`p50`, `p90`, `p95`, `p99`, `p999`) is stated beside it.
    ///
    /// ## Why is this bad
    /// An average says nothing about what most users experience or about the slow
    /// requests that matter most. A service can meet "average 50 ms" while one request
    /// in a hundred takes two seconds, and a page that makes twenty backend calls hits
    /// that slow request for a large share of its views (tail latency amplification).
    /// The slowest requests often belong to the most valuable users, the ones with the
    /// most data. Percentiles (a median plus p99 or p999) state what is promised.
    ///
    /// ## Example
    /// ```yaml
    /// requirements:
    ///   latency:
    ///     avg: 50ms
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// requirements:
    ///   latency:
    ///     p50: 40ms
    ///     p99: 250ms
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1: "Describing Performance"
    ///   (percentiles, tail latency amplification).
    /// - The guide, "Scalability": track percentile latencies, not just averages.
    pub static AVERAGE_LATENCY_SLO = {
        code: "average-latency-slo",
        severity: Warning,
        category: Operations,
        summary: "A latency requirement stated as an average, with no percentile",
        fix: None,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    let Some(latency) = model.requirements.as_ref().and_then(|r| r.latency.as_ref()) else {
        return;
    };
    if latency
        .targets
        .iter()
        .any(|t| !t.statistic.value.is_average())
    {
        return;
    }
    for target in latency
        .targets
        .iter()
        .filter(|t| t.statistic.value.is_average())
    {
        let diagnostic = ctx.diagnostic(
            target.statistic.range,
            format!(
                "latency target `{}: {}` is an average: it hides the slow requests that users notice; state percentiles such as p50 and p99",
                target.statistic.value,
                ctx.text.get(target.value.range.as_range()).unwrap_or("")
            ),
        );
        ctx.report(diagnostic);
    }
}
