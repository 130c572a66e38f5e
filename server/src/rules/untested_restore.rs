//! `untested-restore`: backups nobody has restored.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a datastore `backup` section without `restore_tested: true`.
    ///
    /// ## Why is this bad
    /// A backup is only as good as the last successful restore. Backups fail silently:
    /// the job ran but wrote an empty file, the encryption key is gone, the dump lacks
    /// a schema, or restoring takes two days when the business can wait two hours. The
    /// only way to know is to restore regularly into a scratch environment and time it.
    ///
    /// ## Example
    /// ```yaml
    /// backup: {schedule: daily}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// backup: {schedule: daily, restore_tested: true}   # monthly restore drill
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1: "Human Errors" (recovery).
    /// - The guide, "Design checklist": operational readiness.
    pub static UNTESTED_RESTORE = {
        code: "untested-restore",
        severity: Info,
        category: Operations,
        summary: "Backups whose restore has not been tested",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(backup) = &datastore.backup else {
            continue;
        };
        let range = match &backup.restore_tested {
            Some(tested) if tested.value => continue,
            Some(tested) => tested.range,
            None => backup.section.key,
        };
        let diagnostic = ctx.diagnostic(
            range,
            format!(
                "the backups of datastore `{}` have not been restored in a test: an untested backup may be empty, incomplete or too slow to restore",
                datastore.name.value
            ),
        );
        ctx.report(diagnostic);
    }
}
