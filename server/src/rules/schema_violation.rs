//! `schema-violation`: a system spec uses a key or value outside its vocabulary.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports what a system spec cannot mean: an unknown key, a value of the wrong
    /// type (`replicas: three`), or a value outside the vocabulary
    /// (`mode: master-slave`). The vocabulary is the one in `system-spec.md` and the
    /// JSON Schema `grammars/system-spec.schema.json`; keys starting with `x-` are
    /// always allowed.
    ///
    /// ## Why is this bad
    /// A misspelt key is silently ignored: `replication: {write_qourum: 2}` states no
    /// write quorum at all, and every rule that needs one stays quiet. Reporting the
    /// typo is the only way to make sure the design says what its author meant.
    ///
    /// ## Example
    /// ```yaml
    /// datastores:
    ///   carts:
    ///     replication:
    ///       mode: leaderless
    ///       replicas: three
    ///       write_qourum: 2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   carts:
    ///     replication:
    ///       mode: leaderless
    ///       replicas: 3
    ///       write_quorum: 2
    /// ```
    ///
    /// ## References
    /// - The system-spec format, `system-spec.md`.
    pub static SCHEMA_VIOLATION = {
        code: "schema-violation",
        severity: Error,
        category: Syntax,
        summary: "A system spec breaks its schema (unknown key, wrong type, unknown value)",
        fix: None,
        check: None,
    }
}
