//! `unused-suppression`: a suppression comment that suppresses nothing.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `# ddia: ignore[...]` or `# ddia: ignore-file[...]` comment (or one of
    /// its codes) that no finding needs any more.
    ///
    /// ## Why is this bad
    /// A suppression outlives the finding it silenced: the design was fixed, the line
    /// moved, or the rule changed. Left in place, it hides the next real finding of
    /// that code on that line, and readers take it as a known, accepted risk that no
    /// longer exists.
    ///
    /// ## Example
    /// ```yaml
    /// replicas: 3  # ddia: ignore[single-point-of-failure]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// replicas: 3
    /// ```
    ///
    /// ## References
    /// - ddia's suppression comments (README, "Suppressing findings").
    pub static UNUSED_SUPPRESSION = {
        code: "unused-suppression",
        severity: Info,
        category: Syntax,
        summary: "A suppression comment that suppresses nothing",
        fix: None,
        check: None,
    }
}
