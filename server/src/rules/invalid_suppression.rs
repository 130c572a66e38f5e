//! `invalid-suppression`: a suppression comment that names no known rule.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a code in a `# ddia: ignore[...]` or `# ddia: ignore-file[...]` comment
    /// that is not the code of any rule, with the closest code when it looks like a
    /// typo.
    ///
    /// ## Why is this bad
    /// A misspelt code suppresses nothing, so the finding it was meant to silence stays,
    /// and someone eventually silences it with a broader suppression than needed.
    ///
    /// ## Example
    /// ```yaml
    /// replicas: 1  # ddia: ignore[single-point-of-faliure]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// replicas: 1  # ddia: ignore[single-point-of-failure] -- a cache, rebuilt on start
    /// ```
    ///
    /// ## References
    /// - `ddia rules` lists every code.
    pub static INVALID_SUPPRESSION = {
        code: "invalid-suppression",
        severity: Warning,
        category: Syntax,
        summary: "A suppression comment with an unknown rule code",
        fix: Sometimes,
        check: None,
    }
}
