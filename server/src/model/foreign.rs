//! What the other files of a file's project tell it: their budgets and workloads (see `crate::project`).

use crate::model::catalog::StatefulSystem;
use crate::model::{LabelSelector, SystemModel, WorkloadKind};

/// What one file tells the other files of its project.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub budgets: Vec<ForeignBudget>,
    pub workloads: Vec<ForeignWorkload>,
    /// Whether the file creates pods whose labels ddia does not read (Jobs, operators'
    /// custom resources): a budget may be meant for them.
    pub unread_pod_owners: bool,
}

/// A PodDisruptionBudget of another file.
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignBudget {
    /// The file it is in, as shown to the user.
    pub file: String,
    pub name: String,
    pub namespace: Option<String>,
    pub selector: LabelSelector,
    pub selects_every_pod: bool,
    pub min_available: Option<i64>,
    pub max_unavailable: Option<i64>,
}

/// A Kubernetes workload of another file.
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignWorkload {
    pub file: String,
    pub name: String,
    pub kind: WorkloadKind,
    pub namespace: Option<String>,
    pub pod_labels: Vec<(String, String)>,
    /// The datastore it runs as a server, if any.
    pub system: Option<&'static StatefulSystem>,
    pub replicas: Option<i64>,
}

/// Whether two objects may be in one namespace: the same one, or one that is not
/// written (it is whatever namespace the files are applied to).
pub fn same_namespace(a: Option<&str>, b: Option<&str>) -> bool {
    a.is_none() || b.is_none() || a == b
}

impl ForeignWorkload {
    /// Whether a selector of an object in `namespace` selects this workload's pods.
    pub fn selected_by(&self, selector: &LabelSelector, namespace: Option<&str>) -> bool {
        same_namespace(self.namespace.as_deref(), namespace) && selector.matches(&self.pod_labels)
    }
}

impl ForeignBudget {
    /// Whether this budget selects the pods of a workload in `namespace`.
    pub fn selects(&self, labels: &[(String, String)], namespace: Option<&str>) -> bool {
        same_namespace(self.namespace.as_deref(), namespace)
            && (self.selects_every_pod || self.selector.matches(labels))
    }
}

impl Facts {
    /// The facts a Kubernetes model lends other files; `file` names it in findings.
    pub fn of(model: &SystemModel, file: &str) -> Facts {
        Facts {
            budgets: model
                .disruption_budgets
                .iter()
                .map(|budget| ForeignBudget {
                    file: file.to_owned(),
                    name: budget.name.value.clone(),
                    namespace: budget.namespace.clone(),
                    selector: budget.selector.clone(),
                    selects_every_pod: budget.selects_every_pod,
                    min_available: budget.min_available.as_ref().map(|n| n.value),
                    max_unavailable: budget.max_unavailable.as_ref().map(|n| n.value),
                })
                .collect(),
            workloads: model
                .workloads
                .iter()
                .filter(|workload| workload.kind != WorkloadKind::ComposeService)
                .map(|workload| ForeignWorkload {
                    file: file.to_owned(),
                    name: workload.name.value.clone(),
                    kind: workload.kind,
                    namespace: workload.namespace.clone(),
                    pod_labels: workload.pod_labels.clone(),
                    system: workload.system.filter(|_| !workload.runs_client()),
                    replicas: workload.replicas.as_ref().map(|r| r.value),
                })
                .collect(),
            unread_pod_owners: model.unread_pod_owners || !model.datastores.is_empty(),
        }
    }

    /// Whether other files could need anything of these.
    pub fn is_empty(&self) -> bool {
        self.budgets.is_empty() && self.workloads.is_empty() && !self.unread_pod_owners
    }

    /// Adds another file's facts.
    pub fn extend(&mut self, other: &Facts) {
        self.budgets.extend(other.budgets.iter().cloned());
        self.workloads.extend(other.workloads.iter().cloned());
        self.unread_pod_owners |= other.unread_pod_owners;
    }

    /// Gives every object the namespace a kustomization sets.
    pub fn set_namespace(&mut self, namespace: &str) {
        for budget in &mut self.budgets {
            budget.namespace = Some(namespace.to_owned());
        }
        for workload in &mut self.workloads {
            workload.namespace = Some(namespace.to_owned());
        }
    }
}
