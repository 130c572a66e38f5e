//! `replicas-without-anti-affinity`: datastore replicas that may all land on one node.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a Kubernetes workload running a datastore with more than one replica
    /// whose pod template has neither a `podAntiAffinity` nor
    /// `topologySpreadConstraints` that select its own pods. An anti-affinity whose
    /// label selector matches none of the workload's pod labels counts as none.
    ///
    /// ## Why is this bad
    /// The scheduler places pods where resources fit, and nothing stops it from putting
    /// every replica of a database on the same node, or in the same zone. Then one node
    /// failure or one zone outage takes all replicas at once, and the replication that
    /// the design counts on protects against nothing. A selector that does not match the
    /// pods' labels (a common copy-paste mistake) silently spreads nothing.
    ///
    /// ## Example
    /// ```yaml
    /// kind: StatefulSet
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     metadata: {labels: {app: db}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: StatefulSet
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     metadata: {labels: {app: db}}
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: db}}}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1: "Hardware Faults" (correlated
    ///   failures).
    /// - Kubernetes documentation, "Assigning Pods to Nodes" and "Pod Topology Spread
    ///   Constraints".
    pub static REPLICAS_WITHOUT_ANTI_AFFINITY = {
        code: "replicas-without-anti-affinity",
        severity: Warning,
        category: Infrastructure,
        summary: "Datastore replicas with nothing that keeps them on different nodes",
        fix: None,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for workload in &model.workloads {
        if workload.kind == WorkloadKind::ComposeService {
            continue;
        }
        let Some(system) = workload.system.filter(|_| !workload.runs_client()) else {
            continue;
        };
        let Some(replicas) = workload.replicas.as_ref().filter(|r| r.value > 1) else {
            continue;
        };
        let diagnostic = match &workload.spread {
            Some(spread) if spread.matches_own_pods => continue,
            Some(spread) => ctx
                .diagnostic(
                    spread.range,
                    format!(
                        "the anti-affinity of {} `{}` selects none of its own pods (labels {}): its {} {} replicas may still share one node",
                        workload.kind.noun(),
                        workload.name.value,
                        describe_labels(&workload.pod_labels),
                        replicas.value,
                        system.display
                    ),
                )
                .with_related(replicas.range, format!("{} replicas", replicas.value)),
            None => ctx.diagnostic(
                replicas.range,
                format!(
                    "{} `{}` runs {} {} replicas with no pod anti-affinity or topology spread: they may all land on one node and fail together",
                    workload.kind.noun(),
                    workload.name.value,
                    replicas.value,
                    system.display
                ),
            ),
        };
        ctx.report(diagnostic);
    }
}

fn describe_labels(labels: &[(String, String)]) -> String {
    if labels.is_empty() {
        return "none".to_owned();
    }
    let parts: Vec<String> = labels.iter().map(|(k, v)| format!("`{k}={v}`")).collect();
    parts.join(", ")
}
