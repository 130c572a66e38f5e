//! `unknown-key`: a system spec uses a key its vocabulary does not have.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a key that the system-spec vocabulary does not define, with the closest
    /// known key when the unknown one looks like a typo (`write_qourum` → `write_quorum`).
    /// Keys that start with `x-` are extensions and are never reported.
    ///
    /// ## Why is this bad
    /// An unknown key is silently ignored by every rule: a misspelt `write_qourum: 2`
    /// states no write quorum at all, so the quorum arithmetic is never checked and the
    /// design reads as if it were reviewed. Specs grow, so an unknown key is a warning,
    /// not an error; keep your own additions under `x-` names.
    ///
    /// ## Example
    /// ```yaml
    /// replication:
    ///   mode: leaderless
    ///   replicas: 3
    ///   write_qourum: 2
    ///   owner: storage-team
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// replication:
    ///   mode: leaderless
    ///   replicas: 3
    ///   write_quorum: 2
    ///   x-owner: storage-team
    /// ```
    ///
    /// ## References
    /// - The system-spec format (`system-spec.md`) and its JSON Schema
    ///   (`grammars/system-spec.schema.json`).
    pub static UNKNOWN_KEY = {
        code: "unknown-key",
        severity: Warning,
        category: Syntax,
        summary: "A system spec uses a key outside its vocabulary (a typo, or an extension without `x-`)",
        fix: Sometimes,
        check: None,
    }
}
