//! `unversioned-event-schema`: events with no schema, or one that cannot evolve safely.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a stream with no `schema` section (or an empty one), with
    /// `schema.format: none`, or with `schema.versioned: false`.
    ///
    /// ## Why is this bad
    /// Events outlive the code that writes them: consumers deploy on their own schedule,
    /// and replaying a topic reads events written years ago. Without a declared,
    /// versioned schema, the first producer change that renames or retypes a field
    /// breaks consumers at runtime, often only on the messages that carry the new
    /// shape. A schema format with compatibility rules (Avro, Protobuf, JSON Schema in a
    /// registry) lets old and new readers and writers coexist.
    ///
    /// ## Example
    /// ```yaml
    /// streams:
    ///   order-events:
    ///     schema: {format: json-schema, versioned: false}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// streams:
    ///   order-events:
    ///     schema: {format: avro, versioned: true, compatibility: backward}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 4: "Encoding and Evolution"
    ///   (Avro, Protocol Buffers, schema evolution).
    /// - The guide, "Maintainability": use schema versioning and backward-compatible changes.
    pub static UNVERSIONED_EVENT_SCHEMA = {
        code: "unversioned-event-schema",
        severity: Warning,
        category: Streams,
        summary: "A stream with no schema, or one that is not versioned",
        fix: Sometimes,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for stream in &model.streams {
        // Topics derived from broker settings are not a design's event streams.
        if stream.origin == Origin::Infrastructure {
            continue;
        }
        let name = &stream.name.value;
        let Some(schema) = &stream.schema else {
            let diagnostic = ctx.diagnostic(
                stream.name.range,
                format!(
                    "stream `{name}` declares no `schema`: the first incompatible producer change breaks its consumers at runtime"
                ),
            );
            ctx.report(diagnostic);
            continue;
        };
        if schema.format.is_none() && schema.versioned.is_none() {
            let diagnostic = ctx.diagnostic(
                schema.section.key,
                format!(
                    "the `schema` of stream `{name}` states neither a `format` nor whether it is `versioned`: nothing checks that producers and consumers agree on the events' shape"
                ),
            );
            ctx.report(diagnostic);
            continue;
        }
        if let Some(format) = &schema.format
            && format.value == SchemaFormat::None
        {
            let diagnostic = ctx.diagnostic(
                format.range,
                format!(
                    "stream `{name}` has no schema format: nothing checks that producers and consumers agree on the events' shape"
                ),
            );
            ctx.report(diagnostic);
            continue;
        }
        if let Some(versioned) = &schema.versioned
            && !versioned.value
        {
            let diagnostic = ctx
                .diagnostic(
                    versioned.range,
                    format!(
                        "stream `{name}` has an unversioned schema: a changed event shape cannot coexist with old consumers or replayed events"
                    ),
                )
                .with_fix(Some(replace_value_fix(
                    versioned.range,
                    "true",
                    "Set `versioned: true`",
                    Applicability::Unsafe,
                )));
            ctx.report(diagnostic);
        }
    }
}
