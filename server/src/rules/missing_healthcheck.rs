//! `missing-healthcheck`: nothing tells whether a datastore container is ready.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a datastore service of a Compose file that another service depends on
    /// but that has no `healthcheck`; in Kubernetes, a datastore container without a
    /// `readinessProbe` (placed on the container's name, where the probe goes).
    ///
    /// ## Why is this bad
    /// A database process that has started is not yet a database that accepts queries:
    /// it may be replaying its log, running initialisation scripts or waiting for a
    /// quorum. Without a health check, dependants start against it and fail their first
    /// connections (or cache the failure), and Kubernetes sends traffic to a pod that
    /// cannot answer. A health check is also what restarts and rolling updates wait for.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///   api:
    ///     depends_on: [db]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U postgres"]
    ///       interval: 5s
    ///   api:
    ///     depends_on:
    ///       db: {condition: service_healthy}
    /// ```
    ///
    /// ## References
    /// - Docker documentation, "Control startup order"; Kubernetes documentation,
    ///   "Configure liveness, readiness and startup probes".
    pub static MISSING_HEALTHCHECK = {
        code: "missing-healthcheck",
        severity: Info,
        category: Infrastructure,
        summary: "A datastore container with no health check or readiness probe",
        fix: None,
        scope: Related,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for workload in ctx.workloads(model) {
        let Some(system) = workload.system else {
            continue;
        };
        // An override file of the project may give it one.
        if workload.healthcheck.is_some() || workload.overlay.healthcheck {
            continue;
        }
        let message = if workload.kind == WorkloadKind::ComposeService {
            let dependants: Vec<&Workload> =
                model.workload_dependents_of(&workload.name.value).collect();
            if dependants.is_empty() {
                continue;
            }
            let names: Vec<String> = dependants
                .iter()
                .map(|w| format!("`{}`", w.name.value))
                .collect();
            format!(
                "service `{}` ({}) has no `healthcheck`, but {} depend{} on it: they may start before it accepts connections",
                workload.name.value,
                system.display,
                names.join(", "),
                if names.len() == 1 { "s" } else { "" }
            )
        } else {
            match &workload.container {
                Some(container) => format!(
                    "container `{}` of {} `{}` runs {} without a `readinessProbe`: traffic reaches it before it can answer",
                    container.value,
                    workload.kind.noun(),
                    workload.name.value,
                    system.display
                ),
                None => format!(
                    "{} `{}` runs {} without a `readinessProbe`: traffic reaches it before it can answer",
                    workload.kind.noun(),
                    workload.name.value,
                    system.display
                ),
            }
        };
        // On the container, where the probe belongs (a service's name in Compose).
        let range = workload
            .container
            .as_ref()
            .map_or(workload.name.range, |container| container.range);
        let diagnostic = ctx.diagnostic(range, message);
        ctx.report(diagnostic);
    }
}
