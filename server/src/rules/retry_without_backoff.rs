//! `retry-without-backoff`: retries that hammer a struggling dependency at full speed.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a dependency whose `retries.max` is above 0 and whose `backoff` is
    /// missing, `none` or `constant`.
    ///
    /// ## Why is this bad
    /// A dependency usually fails because it is overloaded or recovering. Retrying at
    /// once, or at a fixed short interval, multiplies the load on it exactly then: every
    /// caller sends its request up to `max + 1` times, and a brief slowdown becomes a
    /// retry storm that keeps the dependency down (a metastable failure). Exponential
    /// backoff spaces the attempts out so the dependency can recover; jitter stops the
    /// callers from retrying in lockstep.
    ///
    /// ## Example
    /// ```yaml
    /// depends_on:
    ///   payments:
    ///     timeout: 800ms
    ///     retries: {max: 5}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// depends_on:
    ///   payments:
    ///     timeout: 800ms
    ///     retries: {max: 5, backoff: exponential, jitter: true}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 8: "Timeouts and Unbounded Delays"
    ///   and chapter 1 on cascading failures.
    /// - The guide, "Reliability": degrade gracefully.
    pub static RETRY_WITHOUT_BACKOFF = {
        code: "retry-without-backoff",
        severity: Warning,
        category: Reliability,
        summary: "Retries without exponential or linear backoff can turn a slowdown into an outage",
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
            let Some(max) = &retries.max else {
                continue;
            };
            if max.value <= 0 {
                continue;
            }
            let backoff = retries.backoff.as_ref();
            if backoff.is_some_and(|b| matches!(b.value, Backoff::Linear | Backoff::Exponential)) {
                continue;
            }
            let target = &dependency.target.value;
            let (range, how) = match backoff {
                Some(b) => (b.range, format!("with `{}` backoff", b.value)),
                None => (retries.section.key, "with no backoff".to_owned()),
            };
            let mut edits = Vec::new();
            let needs_jitter = retries.jitter.as_ref().is_none_or(|j| !j.value);
            match backoff {
                Some(b) => {
                    edits.push(Edit::replace(b.range, "exponential"));
                    if let Some(jitter) = &retries.jitter {
                        if !jitter.value {
                            edits.push(Edit::replace(jitter.range, "true"));
                        }
                    } else {
                        edits.extend(insert_keys_edit(
                            &retries.section,
                            &[("jitter", "true")],
                            ctx.text,
                        ));
                    }
                }
                None => {
                    let mut pairs = vec![("backoff", "exponential")];
                    if let Some(jitter) = retries.jitter.as_ref().filter(|j| !j.value) {
                        edits.push(Edit::replace(jitter.range, "true"));
                    } else if needs_jitter {
                        pairs.push(("jitter", "true"));
                    }
                    edits.extend(insert_keys_edit(&retries.section, &pairs, ctx.text));
                }
            }
            let fix = (!edits.is_empty()).then(|| Fix {
                message: "Use exponential backoff with jitter".to_owned(),
                applicability: Applicability::Unsafe,
                edits,
            });
            let diagnostic = ctx
                .diagnostic(
                    range,
                    format!(
                        "service `{}` retries `{target}` up to {} {how}: when `{target}` is struggling, immediate retries multiply its load and keep it down",
                        service.name.value,
                        count(max.value, "time", "times")
                    ),
                )
                .with_fix(fix);
            ctx.report(diagnostic);
        }
    }
}
