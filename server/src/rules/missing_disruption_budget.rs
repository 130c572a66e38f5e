//! `missing-disruption-budget`: node drains may evict every datastore replica at once.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a Kubernetes workload running a datastore with more than one replica when
    /// no PodDisruptionBudget in the same file selects its pods; and a budget that
    /// selects them but allows no eviction at all (`minAvailable` at or above the
    /// replicas, or `maxUnavailable: 0`), which blocks every drain. A budget whose
    /// selector matches the pods of no workload in the file is reported too, unless the
    /// file also holds resources whose pods it cannot see (Jobs, custom resources). In
    /// `policy/v1` an empty selector (`{}`) selects every pod of the namespace.
    ///
    /// ## Why is this bad
    /// Voluntary disruptions (node drains for upgrades, cluster autoscaling) evict pods
    /// without asking the application. Without a disruption budget, a drain of two nodes
    /// can evict two of three replicas at once: a quorum-based store loses its majority
    /// and stops, and a leader-based one may fail over to a stale replica. A budget
    /// (`maxUnavailable: 1`) makes the eviction wait until the cluster is healthy again.
    ///
    /// ## Example
    /// ```yaml
    /// kind: StatefulSet
    /// metadata: {name: zk}
    /// spec:
    ///   replicas: 3
    ///   template: {metadata: {labels: {app: zk}}}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// kind: PodDisruptionBudget
    /// metadata: {name: zk}
    /// spec:
    ///   maxUnavailable: 1
    ///   selector: {matchLabels: {app: zk}}
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Specifying a Disruption Budget for your Application".
    pub static MISSING_DISRUPTION_BUDGET = {
        code: "missing-disruption-budget",
        severity: Info,
        category: Infrastructure,
        summary: "Datastore replicas without a PodDisruptionBudget",
        fix: None,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    budgets_selecting_nothing(model, ctx);
    for workload in &model.workloads {
        if workload.kind == WorkloadKind::ComposeService {
            continue;
        }
        let Some(system) = workload.system else {
            continue;
        };
        let Some(replicas) = workload.replicas.as_ref().filter(|r| r.value > 1) else {
            continue;
        };
        let budgets: Vec<&DisruptionBudget> = model
            .disruption_budgets
            .iter()
            .filter(|budget| {
                budget.selects_every_pod || budget.selector.matches(&workload.pod_labels)
            })
            .collect();
        // A budget that allows no eviction at all blocks every node drain.
        for budget in &budgets {
            let blocking = match (&budget.min_available, &budget.max_unavailable) {
                (Some(min), _) if min.value >= replicas.value => Some((
                    min.range,
                    format!(
                        "`minAvailable: {}` with {} replicas",
                        min.value, replicas.value
                    ),
                )),
                (_, Some(max)) if max.value == 0 => {
                    Some((max.range, "`maxUnavailable: 0`".to_owned()))
                }
                _ => None,
            };
            if let Some((range, why)) = blocking {
                let diagnostic = ctx
                    .diagnostic(
                        range,
                        format!(
                            "PodDisruptionBudget `{}` allows no pod of {} `{}` to be evicted ({why}): every node drain and cluster upgrade blocks on it",
                            budget.name.value,
                            workload.kind.noun(),
                            workload.name.value
                        ),
                    )
                    .with_related(replicas.range, format!("{} replicas", replicas.value));
                ctx.report(diagnostic);
            }
        }
        if !budgets.is_empty() {
            continue;
        }
        let diagnostic = ctx.diagnostic(
            workload.name.range,
            format!(
                "no PodDisruptionBudget in this file selects the pods of {} `{}` ({}): a node drain may evict several replicas at once",
                workload.kind.noun(),
                workload.name.value,
                system.display
            ),
        );
        ctx.report(diagnostic);
    }
}

/// Budgets whose selector matches the pods of no workload in a file that shows every
/// pod it creates: they protect nothing (a typo in a label, a renamed app).
fn budgets_selecting_nothing(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    let workloads: Vec<&Workload> = model
        .workloads
        .iter()
        .filter(|w| w.kind != WorkloadKind::ComposeService)
        .collect();
    // Pods the file does not show (operators' clusters, Jobs, custom resources) may be
    // the ones a budget is for.
    if workloads.is_empty() || model.unread_pod_owners || !model.datastores.is_empty() {
        return;
    }
    for budget in &model.disruption_budgets {
        if budget.selects_every_pod
            || workloads
                .iter()
                .any(|workload| budget.selector.matches(&workload.pod_labels))
        {
            continue;
        }
        let diagnostic = ctx.diagnostic(
            budget.selector_range.unwrap_or(budget.name.range),
            format!(
                "PodDisruptionBudget `{}` matches the pod labels of no workload in this file ({} read): it protects nothing, and the pods it was meant for can all be evicted at once; make its selector match their labels",
                budget.name.value,
                count(workloads.len() as i64, "workload", "workloads")
            ),
        );
        ctx.report(diagnostic);
    }
}
