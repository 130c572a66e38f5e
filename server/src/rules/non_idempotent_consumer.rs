//! `non-idempotent-consumer`: at-least-once delivery to a consumer that cannot take duplicates.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a consumer of a stream whose `delivery` is `at-least-once` (or unset:
    /// that is the default) and that does not declare `idempotent: true`.
    ///
    /// ## Why is this bad
    /// At-least-once delivery redelivers a message whenever the consumer fails between
    /// processing it and committing its offset: after a crash, a rebalance or a timeout.
    /// Those duplicates are normal operation, not a rare fault. A consumer that is not
    /// idempotent applies them twice: a customer is charged twice, an email goes out
    /// twice, a counter drifts.
    ///
    /// Make processing idempotent (deduplicate on a message id, use upserts or
    /// conditional writes), then say so in the spec.
    ///
    /// ## Example
    /// ```yaml
    /// streams:
    ///   order-events:
    ///     delivery: at-least-once
    ///     consumers:
    ///       billing: {}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// streams:
    ///   order-events:
    ///     delivery: at-least-once
    ///     consumers:
    ///       billing: {idempotent: true}   # deduplicates on event id
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 11: "Fault Tolerance" (idempotence);
    ///   chapter 12: "The End-to-End Argument for Databases".
    /// - The guide, "Event-Driven Architecture": design idempotent consumers.
    pub static NON_IDEMPOTENT_CONSUMER = {
        code: "non-idempotent-consumer",
        severity: Warning,
        category: Streams,
        summary: "A consumer of an at-least-once stream that is not idempotent",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for stream in &model.streams {
        let delivery = stream.delivery.as_ref().map(|d| d.value);
        if !matches!(delivery, None | Some(Delivery::AtLeastOnce)) {
            continue;
        }
        for consumer in &stream.consumers {
            let range = match &consumer.idempotent {
                Some(idempotent) if idempotent.value => continue,
                Some(idempotent) => idempotent.range,
                None => consumer.name.range,
            };
            let how = if delivery.is_some() {
                "delivers at least once"
            } else {
                "delivers at least once by default"
            };
            let mut diagnostic = ctx.diagnostic(
                range,
                format!(
                    "consumer `{}` of stream `{}` is not idempotent, but the stream {how}: redelivered messages will be applied twice",
                    consumer.name.value, stream.name.value
                ),
            );
            if let Some(delivery) = &stream.delivery {
                diagnostic = diagnostic.with_related(delivery.range, "at-least-once delivery");
            }
            ctx.report(diagnostic);
        }
    }
}
