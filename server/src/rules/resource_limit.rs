//! `resource-limit`: part of a file was not read because it exceeds a safety limit.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports the place where ddia stopped reading part of a file to stay fast and
    /// safe: collections nested more than 128 levels deep, or aliases and merge keys
    /// that would make a document stand for more than a million nodes (an "alias
    /// bomb" such as the billion laughs). A whole file that was not read gets one
    /// informational note at its start: a file above `max-file-size`, or one whose
    /// parse would take more memory than ddia allows one file (estimated from its
    /// tokens before parsing, such as a megabyte-long flow list of one-character
    /// numbers).
    ///
    /// ## Why is this bad
    /// Real designs never need this much nesting or expansion; a file that does is
    /// generated, corrupted, or hostile. Many YAML tools hang or run out of memory on
    /// such input. ddia never expands aliases (it reads each anchor once), skips what
    /// lies below the limit, and says so, so you know that part was not checked.
    ///
    /// ## Example
    /// ```yaml
    /// a: &a [x, x, x, x, x, x, x, x, x, x]
    /// b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// # ... six more levels: a billion strings
    /// ```
    ///
    /// ## Use instead
    /// Write the data out, or share it with a single level of anchors:
    /// ```yaml
    /// x-defaults: &defaults
    ///   restart: always
    /// services:
    ///   api:
    ///     <<: *defaults
    /// ```
    ///
    /// ## References
    /// - YAML 1.2.2 specification, section 3.2.2.2 (anchors and aliases).
    pub static RESOURCE_LIMIT = {
        code: "resource-limit",
        severity: Warning,
        category: Syntax,
        summary: "Part of the file exceeds a safety limit and was not read",
        fix: None,
        check: None,
    }
}
