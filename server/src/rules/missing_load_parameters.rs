//! `missing-load-parameters`: a design that never says how much load it must carry.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a system spec with no `requirements.load`, or whose `load` names neither
    /// `requests_per_second` nor `data_volume`. Applies to whole specs only.
    ///
    /// ## Why is this bad
    /// Scalability is only meaningful against a load: "will it scale?" has no answer
    /// until the spec says how many requests per second, how much data, in what
    /// read/write mix and growing how fast. Without those numbers nobody can check
    /// whether the partition count, replica count or engine choice fit, and the design
    /// is reviewed on taste instead of arithmetic.
    ///
    /// ## Example
    /// ```yaml
    /// requirements:
    ///   latency: {p99: 200ms}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// requirements:
    ///   load:
    ///     requests_per_second: 12000
    ///     read_write_ratio: "10:1"
    ///     data_volume: 4TB
    ///     growth: 30%/year
    ///   latency: {p99: 200ms}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1: "Describing Load".
    /// - The guide, "Design checklist": requirements analysis.
    pub static MISSING_LOAD_PARAMETERS = {
        code: "missing-load-parameters",
        severity: Info,
        category: Operations,
        summary: "No load parameters (requests per second or data volume) in the requirements",
        fix: None,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    if model.format != SourceFormat::Spec {
        return;
    }
    let (range, message) = match &model.requirements {
        None => (
            model.top,
            "the spec states no `requirements.load`: without requests per second or data volume, nothing can be checked against the load".to_owned(),
        ),
        Some(requirements) => match &requirements.load {
            None => (
                requirements.section.key,
                "`requirements` states no `load`: without requests per second or data volume, nothing can be checked against the load".to_owned(),
            ),
            Some(load) if load.requests_per_second.is_none() && load.data_volume.is_none() => (
                load.section.key,
                "`load` names neither `requests_per_second` nor `data_volume`: the two numbers every capacity decision starts from".to_owned(),
            ),
            Some(_) => return,
        },
    };
    let diagnostic = ctx.diagnostic(range, message);
    ctx.report(diagnostic);
}
