//! `duplicate-key`: a mapping states the same key twice.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a key that appears twice in the same mapping.
    ///
    /// ## Why is this bad
    /// YAML requires the keys of a mapping to be unique, and tools disagree about what
    /// to do when they are not: strict parsers (Docker Compose's) refuse the file,
    /// lenient ones (PyYAML, most Kubernetes tooling) keep the last value. A reviewer
    /// reading the first `replicas: 3` may never see the `replicas: 1` that a
    /// deployment tool actually uses. ddia reads the last value, as lenient tools do,
    /// and reports each repeat.
    ///
    /// ## Example
    /// ```yaml
    /// replication:
    ///   replicas: 3
    ///   mode: single-leader
    ///   replicas: 1
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// replication:
    ///   replicas: 3
    ///   mode: single-leader
    /// ```
    ///
    /// ## References
    /// - YAML 1.2.2 specification, section 3.2.1.1 (mapping keys are unique).
    pub static DUPLICATE_KEY = {
        code: "duplicate-key",
        severity: Error,
        category: Syntax,
        summary: "A mapping has the same key twice",
        fix: None,
        check: None,
    }
}
