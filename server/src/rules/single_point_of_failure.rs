//! `single-point-of-failure`: a datastore or depended-on service with only one copy.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a datastore with `replication.mode: none`, with `replicas: 1`, or (in a
    /// whole system spec) with no `replication` section at all or one that states
    /// neither a mode nor a replica count; a service with `replicas: 1` that another
    /// service depends on; a Kubernetes StatefulSet, Deployment, ReplicaSet or
    /// ReplicationController that runs a datastore image with `replicas` 1 or unset; an
    /// operator's database cluster (CloudNativePG, Zalando) of one instance. A single
    /// datastore container in a Compose file is not reported: that file runs on one
    /// host, which is the single point of failure anyway.
    ///
    /// ## Why is this bad
    /// Hardware fails, and at scale it fails every day: disks, machines, racks and whole
    /// zones go away. A component with a single copy turns any of those faults into an
    /// outage for everything that depends on it, and for a datastore possibly into lost
    /// data (everything written since the last backup). Planned work hurts too: every
    /// restart, upgrade or resize of the only copy is downtime.
    ///
    /// Replicate datastores (three copies survive one failure with a majority left) and
    /// run depended-on services with at least two instances behind a load balancer.
    ///
    /// ## Example
    /// ```yaml
    /// datastores:
    ///   orders:
    ///     replication: {mode: single-leader, replicas: 1}
    /// services:
    ///   payments: {replicas: 1}
    ///   api:
    ///     depends_on: [payments]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   orders:
    ///     replication: {mode: single-leader, replicas: 3, sync: semi-sync}
    /// services:
    ///   payments: {replicas: 3}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1: "Hardware Faults"; chapter 5:
    ///   "Leaders and Followers".
    /// - The guide, "Reliability": design for failure, eliminate single points of failure.
    pub static SINGLE_POINT_OF_FAILURE = {
        code: "single-point-of-failure",
        severity: Warning,
        category: Reliability,
        summary: "A datastore or a depended-on service that runs as a single copy",
        fix: Sometimes,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let name = &datastore.name.value;
        let Some(replication) = &datastore.replication else {
            // A fragment describes part of a design: a missing section is not a finding.
            if datastore.origin == Origin::Spec {
                let diagnostic = ctx.diagnostic(
                    datastore.name.range,
                    format!(
                        "datastore `{name}` states no `replication`: as written it is a single copy, and losing its node loses the service and possibly data"
                    ),
                );
                ctx.report(diagnostic);
            }
            continue;
        };
        let states_nothing = replication.mode.is_none()
            && replication.replicas.is_none()
            && replication.sync.is_none()
            && replication.write_quorum.is_none()
            && replication.read_quorum.is_none();
        if states_nothing && datastore.origin == Origin::Spec {
            let range = replication
                .section
                .as_ref()
                .map_or(datastore.name.range, |s| s.key);
            let diagnostic = ctx.diagnostic(
                range,
                format!(
                    "datastore `{name}` states neither a replication `mode` nor `replicas`: as written it is a single copy, and losing its node loses the service and possibly data"
                ),
            );
            ctx.report(diagnostic);
            continue;
        }
        if let Some(mode) = &replication.mode
            && mode.value == ReplicationMode::None
        {
            let diagnostic = ctx.diagnostic(
                mode.range,
                format!(
                    "datastore `{name}` is not replicated: losing its node loses the service and possibly data"
                ),
            );
            ctx.report(diagnostic);
            continue;
        }
        if let Some(replicas) = &replication.replicas
            && replicas.value == 1
        {
            // An operator's default (no count written) is placed on the name: there is
            // no value to change, and a fix would rename the resource.
            let written = ctx
                .text
                .get(replicas.range.as_range())
                .map(|t| t.trim().trim_matches(['"', '\'']))
                == Some("1");
            let count = if written {
                "1 replica"
            } else {
                "1 replica (its size is not set, and the operator's default is 1)"
            };
            let diagnostic = ctx
                .diagnostic(
                    replicas.range,
                    format!(
                        "datastore `{name}` keeps {count}: losing its node loses the service and possibly data"
                    ),
                )
                .with_fix(written.then(|| {
                    replace_value_fix(
                        replicas.range,
                        "3",
                        "Keep 3 replicas (one failure leaves a majority)",
                        Applicability::Unsafe,
                    )
                }));
            ctx.report(diagnostic);
        }
    }
    for workload in &model.workloads {
        // A Compose file runs on one host: one container there is not the weak point.
        let replicated_kind = matches!(
            workload.kind,
            WorkloadKind::StatefulSet
                | WorkloadKind::Deployment
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
        );
        let Some(system) = workload.system.filter(|_| replicated_kind) else {
            continue;
        };
        // One member of a cluster configured across workloads (a Galera node per
        // ReplicationController) is not the service's only copy.
        if workload.joins_a_cluster() {
            continue;
        }
        let (range, count) = match &workload.replicas {
            Some(replicas) if replicas.value == 1 => (replicas.range, "1 replica"),
            Some(_) => continue,
            None => (workload.name.range, "1 replica (`replicas` is not set)"),
        };
        let mut diagnostic = ctx.diagnostic(
            range,
            format!(
                "{} `{}` runs {} with {count}: losing its node or pod loses the service and possibly data",
                workload.kind.noun(),
                workload.name.value,
                system.display
            ),
        );
        if let Some(replicas) = &workload.replicas {
            diagnostic = diagnostic.with_fix(Some(replace_value_fix(
                replicas.range,
                "3",
                "Run 3 replicas",
                Applicability::Unsafe,
            )));
        }
        ctx.report(diagnostic);
    }
    for service in &model.services {
        let Some(replicas) = &service.replicas else {
            continue;
        };
        if replicas.value != 1 {
            continue;
        }
        let dependents: Vec<_> = model
            .dependents_of(&service.name.value)
            .filter(|(dependent, _)| dependent.name.value != service.name.value)
            .collect();
        if dependents.is_empty() {
            continue;
        }
        let names: Vec<String> = dependents
            .iter()
            .map(|(dependent, _)| format!("`{}`", dependent.name.value))
            .collect();
        let mut diagnostic = ctx
            .diagnostic(
                replicas.range,
                format!(
                    "service `{}` runs 1 replica and {} depend{} on it: one crash or deploy takes {} down too",
                    service.name.value,
                    names.join(", "),
                    if names.len() == 1 { "s" } else { "" },
                    if names.len() == 1 { "it" } else { "them" },
                ),
            )
            .with_fix(Some(replace_value_fix(
                replicas.range,
                "2",
                "Run 2 replicas",
                Applicability::Unsafe,
            )));
        for (dependent, dependency) in dependents {
            diagnostic = diagnostic.with_related(
                dependency.target.range,
                format!("`{}` depends on it here", dependent.name.value),
            );
        }
        ctx.report(diagnostic);
    }
}
