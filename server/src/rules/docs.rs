//! Renders rule documentation pages from the rules' metadata (for `ddia explain`,
//! hovers and the generated `server/docs/rules/*.md`).

use super::{ALL_RULES, Rule};

/// The sections every rule's documentation has, in this order.
pub const SECTIONS: [&str; 5] = [
    "## What it does",
    "## Why is this bad",
    "## Example",
    "## Use instead",
    "## References",
];

/// A rule's page as Markdown.
pub fn rule_page(rule: &Rule) -> String {
    format!(
        "# {code}\n\n{summary}.\n\n| default severity | category | fix |\n|---|---|---|\n| {severity} | {category} | {fix} |\n\n{docs}",
        code = rule.code,
        summary = rule.summary,
        severity = rule.severity.as_str(),
        category = rule.category.as_str(),
        fix = rule.fix.as_str(),
        docs = rule.docs(),
    )
}

/// The index page listing every rule.
pub fn rules_index() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rules' declarations by `cargo test` (set `UPDATE_DOCS=1` to rewrite); do not edit by hand.\n\n| code | severity | category | fix | summary |\n|---|---|---|---|---|\n",
    );
    for rule in ALL_RULES {
        out.push_str(&format!(
            "| [`{code}`]({code}.md) | {severity} | {category} | {fix} | {summary} |\n",
            code = rule.code,
            severity = rule.severity.as_str(),
            category = rule.category.as_str(),
            fix = rule.fix.as_str(),
            summary = rule.summary,
        ));
    }
    out
}
