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
    /// The services of a Compose file.
    pub services: Vec<ForeignService>,
}

/// A service of another Compose file of the project.
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignService {
    pub file: String,
    pub name: String,
    /// Whether that file defines the service (`image` or `build`), not only amends it.
    pub defines: bool,
    pub system: Option<&'static StatefulSystem>,
    pub mount_targets: Vec<String>,
    pub healthcheck: bool,
    /// Whether that file is applied after the analysed one (an override of it).
    pub applied_later: bool,
    /// Whether it is the base a service of the analysed file extends from another file
    /// (`extends: {file: common.yml, service: db}`); then `name` is the extending
    /// service's.
    pub extended: bool,
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
            services: model
                .workloads
                .iter()
                .filter(|workload| workload.kind == WorkloadKind::ComposeService)
                .map(|workload| ForeignService {
                    file: file.to_owned(),
                    name: workload.name.value.clone(),
                    defines: workload.image.is_some() || workload.built_locally,
                    system: workload.system,
                    mount_targets: workload.mounts.iter().map(|m| m.target.clone()).collect(),
                    healthcheck: workload.healthcheck.is_some(),
                    applied_later: false,
                    extended: false,
                })
                .collect(),
        }
    }

    /// Whether other files could need anything of these.
    pub fn is_empty(&self) -> bool {
        self.budgets.is_empty()
            && self.workloads.is_empty()
            && !self.unread_pod_owners
            && self.services.is_empty()
    }

    /// Adds another file's facts.
    pub fn extend(&mut self, other: &Facts) {
        self.budgets.extend(other.budgets.iter().cloned());
        self.workloads.extend(other.workloads.iter().cloned());
        self.unread_pod_owners |= other.unread_pod_owners;
        self.services.extend(other.services.iter().cloned());
    }

    /// Marks the services as those of a file applied after the analysed one.
    pub fn applied_later(mut self) -> Facts {
        for service in &mut self.services {
            service.applied_later = true;
        }
        self
    }

    /// Gives each Compose service of `model` what the other files say about it:
    /// volumes and health checks that later files add, and, for a service this file
    /// only amends, the system the defining file runs.
    pub fn overlay(&self, model: &mut SystemModel) {
        for workload in &mut model.workloads {
            if workload.kind != WorkloadKind::ComposeService {
                continue;
            }
            // A model reused after an edit still has the overlay of its last analysis
            // (and the system an extended service lent it, which it did not have).
            if workload.overlay.extends.is_some() {
                workload.system = None;
            }
            workload.overlay = crate::model::Overlay::default();
            let defines = workload.image.is_some() || workload.built_locally;
            for service in self
                .services
                .iter()
                .filter(|s| s.name == workload.name.value)
            {
                // What a later file adds, and what a service extends from another
                // file, it has: their volumes and health check.
                if service.extended || service.applied_later {
                    workload
                        .overlay
                        .mount_targets
                        .extend(service.mount_targets.iter().cloned());
                    workload.overlay.healthcheck |= service.healthcheck;
                }
                // An extended service also lends its system when this file names no
                // image.
                if service.extended {
                    if !defines
                        && workload.system.is_none()
                        && let Some(system) = service.system
                    {
                        workload.system = Some(system);
                        workload.overlay.extends = Some((system, service.file.clone()));
                    }
                    continue;
                }
                if !defines
                    && service.defines
                    && let Some(system) = service.system
                {
                    workload.overlay.amends = Some((system, service.file.clone()));
                }
            }
        }
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
