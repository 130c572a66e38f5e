//! `syntax-error`: the file is not valid YAML.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid YAML: a tab in the indentation, a line indented
    /// to a level that matches no enclosing block, an alias `*` without a name, an
    /// alias to an anchor that was never defined, an unclosed `[` or `{`.
    ///
    /// ## Why is this bad
    /// A file that does not parse is read differently, or not at all, by every tool
    /// that consumes it: Compose refuses to start, `kubectl apply` fails, and a design
    /// spec cannot be reviewed. ddia reports each broken line, blanks it out, and
    /// still checks the rest of the file, so one typo does not hide other findings.
    ///
    /// ## Example
    /// ```yaml
    /// datastores:
    ///   orders:
    ///     replication:
    ///       mode: single-leader
    ///      replicas: 3        # indented one space too little
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   orders:
    ///     replication:
    ///       mode: single-leader
    ///       replicas: 3
    /// ```
    ///
    /// ## References
    /// - YAML 1.2.2 specification, chapters 6 (indentation) and 7 (flow styles).
    pub static SYNTAX_ERROR = {
        code: "syntax-error",
        severity: Error,
        category: Syntax,
        summary: "The YAML does not parse",
        fix: None,
        check: None,
    }
}
