//! `shared-data-volume`: several datastore replicas writing into one data directory.

use super::prelude::*;
use crate::model::MountSource;

declare_rule! {
    /// ## What it does
    /// Reports datastore containers that mount the same named volume or host directory
    /// on their data directory: several Compose services that share it, or one service
    /// scaled to more than one replica; and a Kubernetes Deployment, ReplicaSet or
    /// ReplicationController of more than one replica whose data directory is on one
    /// claim or disk (only a StatefulSet's claim templates give each pod its own).
    ///
    /// ## Why is this bad
    /// Each replica of a datastore needs its own copy of the data: that is what makes it
    /// a replica. Pointed at one directory, the nodes either refuse to start (a lock
    /// file is held) or, worse, overwrite each other's files and corrupt the store. The
    /// cluster looks replicated in the file and is a single, fragile copy on disk.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   kafka1: {image: bitnami/kafka:3.7, volumes: ["kafka_data:/bitnami"]}
    ///   kafka2: {image: bitnami/kafka:3.7, volumes: ["kafka_data:/bitnami"]}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   kafka1: {image: bitnami/kafka:3.7, volumes: ["kafka1_data:/bitnami"]}
    ///   kafka2: {image: bitnami/kafka:3.7, volumes: ["kafka2_data:/bitnami"]}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: replicas are independent copies.
    pub static SHARED_DATA_VOLUME = {
        code: "shared-data-volume",
        severity: Warning,
        category: Infrastructure,
        summary: "Datastore replicas that share one volume for their data",
        fix: None,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    // Kubernetes controllers whose replicas all mount one claim: only a StatefulSet's
    // claim templates give each pod its own.
    for workload in &model.workloads {
        let shares_pods = matches!(
            workload.kind,
            WorkloadKind::Deployment
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
                | WorkloadKind::DeploymentConfig
        );
        let Some(replicas) = workload.replicas.as_ref().filter(|r| r.value > 1) else {
            continue;
        };
        if !shares_pods || workload.system.is_none() {
            continue;
        }
        let Some((dir, mount)) = workload.data_dirs().into_iter().find_map(|dir| {
            let mount = workload.mount_covering(&dir)?;
            matches!(mount.source, MountSource::Volume(_)).then_some((dir, mount))
        }) else {
            continue;
        };
        let MountSource::Volume(volume) = &mount.source else {
            continue;
        };
        let diagnostic = ctx
            .diagnostic(
                mount.range,
                format!(
                    "{} `{}` runs {} replicas that all mount volume `{volume}` on `{dir}`: a ReadWriteOnce claim attaches to one node, so replicas scheduled elsewhere (and a rolling update's new pod) cannot start, and those that do share one data directory; use a StatefulSet with volumeClaimTemplates",
                    workload.kind.noun(),
                    workload.name.value,
                    replicas.value
                ),
            )
            .with_related(replicas.range, format!("{} replicas", replicas.value));
        ctx.report(diagnostic);
    }
    // The first mount of each volume on a data directory, by volume.
    let mut first_use: Vec<(String, &Workload, &Mount)> = Vec::new();
    for workload in &model.workloads {
        // Setup jobs and clients (a permission fix, a replica-set initiation) touch the
        // data directory before the server starts, not beside it.
        if workload.system.is_none()
            || workload.kind != WorkloadKind::ComposeService
            || workload.runs_client()
        {
            continue;
        }
        for dir in workload.data_dirs() {
            let Some(mount) = workload.mount_covering(&dir) else {
                continue;
            };
            let volume = match &mount.source {
                MountSource::Named(name) => format!("volume `{name}`"),
                MountSource::Bind(path) => format!("host directory `{path}`"),
                MountSource::Anonymous | MountSource::Volume(_) => continue,
            };
            if let Some(replicas) = workload.replicas.as_ref().filter(|r| r.value > 1) {
                let diagnostic = ctx
                    .diagnostic(
                        mount.range,
                        format!(
                            "service `{}` runs {} replicas that all mount {volume} on `{}`: the replicas overwrite one data directory instead of keeping their own copies",
                            workload.name.value, replicas.value, mount.target
                        ),
                    )
                    .with_related(replicas.range, format!("{} replicas", replicas.value));
                ctx.report(diagnostic);
            }
            // Two data directories in different folders of one volume (`--data-dir
            // /data/pd0` and `/data/pd1` on `./data:/data`) are not shared.
            let below = dir
                .strip_prefix(mount.target.trim_end_matches('/'))
                .unwrap_or_default()
                .to_owned();
            let place = format!("{volume}{below}");
            match first_use
                .iter()
                .find(|(v, other, _)| *v == place && other.name.value != workload.name.value)
            {
                Some((_, first, first_mount)) => {
                    let diagnostic = ctx
                        .diagnostic(
                            mount.range,
                            format!(
                                "service `{}` mounts {volume} on its data directory, like `{}`: two nodes writing one data directory corrupt it or refuse to start",
                                workload.name.value, first.name.value
                            ),
                        )
                        .with_related(first_mount.range, format!("`{}` mounts it here", first.name.value));
                    ctx.report(diagnostic);
                }
                None => first_use.push((place, workload, mount)),
            }
            break;
        }
    }
}
