//! `depends-on-without-health-condition`: starting after a datastore started, not after it is ready.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a Compose `depends_on` entry on a datastore service that does not wait
    /// for `condition: service_healthy` (the short form `depends_on: [db]` never does).
    ///
    /// ## Why is this bad
    /// Plain `depends_on` only orders container start-up: the dependant starts as soon
    /// as the database's process has been created, long before it accepts connections.
    /// The dependant then crashes, retries in a loop, or worse, runs its migrations
    /// against a half-initialised database. `condition: service_healthy` waits for the
    /// datastore's health check to pass.
    ///
    /// ## Example
    /// ```yaml
    /// api:
    ///   depends_on: [db]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// api:
    ///   depends_on:
    ///     db:
    ///       condition: service_healthy
    /// ```
    ///
    /// ## References
    /// - Docker documentation, "Control startup and shutdown order in Compose".
    pub static DEPENDS_ON_WITHOUT_HEALTH_CONDITION = {
        code: "depends-on-without-health-condition",
        severity: Info,
        category: Infrastructure,
        summary: "A dependency on a datastore service that does not wait until it is healthy",
        fix: Sometimes,
        scope: Related,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for workload in ctx.workloads(model) {
        for dependency in &workload.depends_on {
            let Some(target) = model.workload(&dependency.target.value) else {
                continue;
            };
            let Some(system) = target.system else {
                continue;
            };
            // Waiting for a one-off job to complete is right; so is waiting for health.
            if dependency.condition.as_ref().is_some_and(|c| {
                matches!(
                    c.value.as_str(),
                    "service_healthy" | "service_completed_successfully"
                )
            }) || target.runs_client()
            {
                continue;
            }
            let range = dependency
                .condition
                .as_ref()
                .map_or(dependency.target.range, |c| c.range);
            let fix = match (&dependency.condition, &dependency.section) {
                (Some(condition), _) => Some(replace_value_fix(
                    condition.range,
                    "service_healthy",
                    "Wait for `service_healthy`",
                    Applicability::Unsafe,
                )),
                (None, Some(section)) => insert_key_fix(
                    section,
                    "condition",
                    "service_healthy",
                    "Wait for `condition: service_healthy`",
                    Applicability::Unsafe,
                    ctx.text,
                ),
                (None, None) => None,
            };
            let diagnostic = ctx
                .diagnostic(
                    range,
                    format!(
                        "service `{}` starts as soon as `{}` ({}) has started, not when it accepts connections: wait for `condition: service_healthy`",
                        workload.name.value, dependency.target.value, system.display
                    ),
                )
                .with_fix(fix);
            ctx.report(diagnostic);
        }
    }
}
