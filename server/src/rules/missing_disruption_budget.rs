//! `missing-disruption-budget`: node drains may evict every datastore replica at once.

use super::prelude::*;
use crate::model::foreign::same_namespace;

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
    budgets_blocking_other_files(model, ctx);
    let foreign_budgets = model.project.as_ref().map_or(&[][..], |p| &p.budgets[..]);
    let scope = if model.project.is_some() {
        "this project"
    } else {
        "this file"
    };
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
        let namespace = workload.namespace.as_deref();
        let budgets: Vec<&DisruptionBudget> = model
            .disruption_budgets
            .iter()
            .filter(|budget| {
                same_namespace(budget.namespace.as_deref(), namespace)
                    && (budget.selects_every_pod || budget.selector.matches(&workload.pod_labels))
            })
            .collect();
        // A budget that allows no eviction at all blocks every node drain.
        for budget in &budgets {
            if let Some((range, why)) = blocking(
                budget.min_available.as_ref().map(|n| (n.value, n.range)),
                budget.max_unavailable.as_ref().map(|n| (n.value, n.range)),
                replicas.value,
            ) {
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
        // A budget in another file of the project protects the workload as well (one
        // that blocks drains is reported in its own file).
        let budgeted_elsewhere = foreign_budgets
            .iter()
            .any(|budget| budget.selects(&workload.pod_labels, namespace));
        if !budgets.is_empty() || budgeted_elsewhere {
            continue;
        }
        let diagnostic = ctx.diagnostic(
            workload.name.range,
            format!(
                "no PodDisruptionBudget in {scope} selects the pods of {} `{}` ({}): a node drain may evict several replicas at once",
                workload.kind.noun(),
                workload.name.value,
                system.display
            ),
        );
        ctx.report(diagnostic);
    }
}

/// Why a budget allows no eviction of a workload of `replicas` pods, and where: its
/// `minAvailable` at or above the replicas, or `maxUnavailable: 0`.
fn blocking(
    min_available: Option<(i64, TextRange)>,
    max_unavailable: Option<(i64, TextRange)>,
    replicas: i64,
) -> Option<(TextRange, String)> {
    match (min_available, max_unavailable) {
        (Some((min, range)), _) if min >= replicas => Some((
            range,
            format!("`minAvailable: {min}` with {replicas} replicas"),
        )),
        (_, Some((0, range))) => Some((range, "`maxUnavailable: 0`".to_owned())),
        _ => None,
    }
}

/// This file's budgets that block the drains of datastore workloads in other files of
/// the project: reported here, where the budget is fixed.
fn budgets_blocking_other_files(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    let Some(project) = &model.project else {
        return;
    };
    for budget in &model.disruption_budgets {
        for workload in &project.workloads {
            let Some(replicas) = workload.replicas.filter(|&r| r > 1) else {
                continue;
            };
            if workload.system.is_none()
                || !(budget.selects_every_pod
                    || workload.selected_by(&budget.selector, budget.namespace.as_deref()))
            {
                continue;
            }
            if let Some((range, why)) = blocking(
                budget.min_available.as_ref().map(|n| (n.value, n.range)),
                budget.max_unavailable.as_ref().map(|n| (n.value, n.range)),
                replicas,
            ) {
                let diagnostic = ctx.diagnostic(
                    range,
                    format!(
                        "PodDisruptionBudget `{}` allows no pod of {} `{}` (in `{}`) to be evicted ({why}): every node drain and cluster upgrade blocks on it",
                        budget.name.value,
                        workload.kind.noun(),
                        workload.name,
                        workload.file
                    ),
                );
                ctx.report(diagnostic);
            }
        }
    }
}

/// Budgets whose selector matches the pods of no workload of the file (or of its
/// project) when every pod is shown: they protect nothing (a typo in a label, a renamed
/// app).
fn budgets_selecting_nothing(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    let workloads: Vec<&Workload> = model
        .workloads
        .iter()
        .filter(|w| w.kind != WorkloadKind::ComposeService)
        .collect();
    let foreign = model.project.as_ref().map_or(&[][..], |p| &p.workloads[..]);
    // Pods the files do not show (operators' clusters, Jobs, custom resources) may be
    // the ones a budget is for.
    let unseen_pods = model.unread_pod_owners
        || !model.datastores.is_empty()
        || model.project.as_ref().is_some_and(|p| p.unread_pod_owners);
    if (workloads.is_empty() && foreign.is_empty()) || unseen_pods {
        return;
    }
    let scope = if model.project.is_some() {
        "this project"
    } else {
        "this file"
    };
    for budget in &model.disruption_budgets {
        let namespace = budget.namespace.as_deref();
        if budget.selects_every_pod
            || workloads.iter().any(|workload| {
                same_namespace(workload.namespace.as_deref(), namespace)
                    && budget.selector.matches(&workload.pod_labels)
            })
            || foreign
                .iter()
                .any(|workload| workload.selected_by(&budget.selector, namespace))
        {
            continue;
        }
        let diagnostic = ctx.diagnostic(
            budget.selector_range.unwrap_or(budget.name.range),
            format!(
                "PodDisruptionBudget `{}` matches the pod labels of no workload in {scope} ({} read): it protects nothing, and the pods it was meant for can all be evicted at once; make its selector match their labels",
                budget.name.value,
                count((workloads.len() + foreign.len()) as i64, "workload", "workloads")
            ),
        );
        ctx.report(diagnostic);
    }
}
