//! `ordering-across-partitions`: a consumer needs order that a partitioned stream does not keep.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a consumer with `requires_ordering: true` on a stream with more than one
    /// partition and no `ordering_key`.
    ///
    /// ## Why is this bad
    /// A log keeps order only within a partition. Across partitions, messages are
    /// consumed in parallel by different consumers at different speeds, so an
    /// "order cancelled" event can be processed before the "order placed" event it
    /// refers to. Unless every message that must stay in order is routed to the same
    /// partition (by an ordering key such as the order id), a consumer that relies on
    /// order will see it broken, typically only under load or after a rebalance.
    ///
    /// ## Example
    /// ```yaml
    /// streams:
    ///   order-events:
    ///     partitions: 12
    ///     consumers:
    ///       fulfilment: {idempotent: true, requires_ordering: true}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// streams:
    ///   order-events:
    ///     partitions: 12
    ///     ordering_key: order_id
    ///     consumers:
    ///       fulfilment: {idempotent: true, requires_ordering: true}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 11: "Partitioned Logs" and
    ///   "Ordering events to capture causality".
    pub static ORDERING_ACROSS_PARTITIONS = {
        code: "ordering-across-partitions",
        severity: Warning,
        category: Streams,
        summary: "A consumer that needs ordering on a multi-partition stream without an ordering key",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for stream in &model.streams {
        let Some(partitions) = &stream.partitions else {
            continue;
        };
        if partitions.value <= 1 || stream.ordering_key.is_some() {
            continue;
        }
        for consumer in &stream.consumers {
            let Some(requires) = &consumer.requires_ordering else {
                continue;
            };
            if !requires.value {
                continue;
            }
            let diagnostic = ctx
                .diagnostic(
                    requires.range,
                    format!(
                        "consumer `{}` needs ordering, but stream `{}` has {} partitions and no `ordering_key`: order holds only within a partition",
                        consumer.name.value, stream.name.value, partitions.value
                    ),
                )
                .with_related(partitions.range, format!("{} partitions", partitions.value));
            ctx.report(diagnostic);
        }
    }
}
