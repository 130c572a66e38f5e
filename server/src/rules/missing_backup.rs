//! `missing-backup`: a datastore with no backup.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a datastore of a system spec that has no `backup` section. Does not apply
    /// to `x-ddia` fragments.
    ///
    /// ## Why is this bad
    /// Replication protects against machines failing, not against people and software
    /// failing: a bad migration, a buggy deploy or a mistaken `DELETE` is replicated to
    /// every copy within milliseconds. Only a backup taken before the mistake, kept
    /// apart from the live system, brings the data back. Ransomware and a compromised
    /// account are the same story.
    ///
    /// ## Example
    /// ```yaml
    /// datastores:
    ///   orders:
    ///     replication: {mode: single-leader, replicas: 3}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   orders:
    ///     replication: {mode: single-leader, replicas: 3}
    ///     backup: {schedule: daily, restore_tested: true}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1: "Human Errors".
    /// - The guide, "Reliability": replication and backup strategies.
    pub static MISSING_BACKUP = {
        code: "missing-backup",
        severity: Warning,
        category: Operations,
        summary: "A datastore with no backup",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        if datastore.origin != Origin::Spec || datastore.backup.is_some() {
            continue;
        }
        let diagnostic = ctx.diagnostic(
            datastore.name.range,
            format!(
                "datastore `{}` has no `backup`: replicas copy a bad migration or a mistaken delete within milliseconds, and only a backup brings the data back",
                datastore.name.value
            ),
        );
        ctx.report(diagnostic);
    }
}
