//! `schema-violation`: a system spec uses a key or value outside its vocabulary.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a value a system spec cannot mean: a value of the wrong type
    /// (`replicas: three`) or outside the vocabulary (`mode: master-slave`), with the
    /// closest valid value when it looks like a typo (`leaderles` → `leaderless`). The
    /// vocabulary is the one in `system-spec.md` and the JSON Schema
    /// `grammars/system-spec.schema.json`. Unknown keys are `unknown-key`.
    ///
    /// ## Why is this bad
    /// A value ddia cannot read is a value no rule can check: `replicas: three` states
    /// no replica count, so a single point of failure or a quorum larger than the
    /// cluster goes unnoticed. Tools that consume the spec later (code generators,
    /// dashboards) fail on it too.
    ///
    /// ## Example
    /// ```yaml
    /// datastores:
    ///   carts:
    ///     replication:
    ///       mode: leaderles
    ///       replicas: three
    ///       sync: asynchronous
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   carts:
    ///     replication:
    ///       mode: leaderless
    ///       replicas: 3
    ///       sync: async
    /// ```
    ///
    /// ## References
    /// - The system-spec format, `system-spec.md`.
    pub static SCHEMA_VIOLATION = {
        code: "schema-violation",
        severity: Error,
        category: Syntax,
        summary: "A system spec value of the wrong type or outside the vocabulary",
        fix: Sometimes,
        check: None,
    }
}
