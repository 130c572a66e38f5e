//! `ephemeral-datastore-storage`: a datastore container whose data lives in the container.

use super::prelude::*;
use crate::model::{MountSource, SystemRole};

declare_rule! {
    /// ## What it does
    /// Reports a container running a known stateful system (PostgreSQL, MySQL, MongoDB,
    /// Redis, Cassandra, Kafka, ZooKeeper, etcd, Elasticsearch, ...) with no volume or
    /// bind mount on its data directory (`/var/lib/postgresql/data`, `/data/db`,
    /// `/var/lib/mysql`, `/bitnami/...`, or where `PGDATA`, `KAFKA_LOG_DIRS` or
    /// `--dbpath` move it). In Kubernetes, a datastore workload of any kind
    /// (StatefulSet, Deployment, ReplicaSet, ReplicationController, DaemonSet, bare Pod)
    /// with no persistent volume: no `volumeClaimTemplates`, no claim and no host path,
    /// only the container's own layer or an `emptyDir` (reported on the container); or,
    /// for the official and Bitnami images run with their own command, whose data
    /// directory is certain, persistent volumes mounted only elsewhere (reported on the
    /// mount). Containers that keep nothing are left alone: clients and one-off jobs,
    /// core NATS without JetStream, coordinating-only Elasticsearch or OpenSearch
    /// nodes (no data role, not master-eligible), and Redis run as a cache with
    /// snapshots and the append-only file off (`--save ""`).
    ///
    /// ## Why is this bad
    /// A container's writable layer lives and dies with the container. Recreating it (a
    /// new image version, a changed setting, `docker compose up` after an edit, a pod
    /// rescheduled to another node) starts the database empty. Replication does not
    /// save you if every replica is ephemeral: a rolling restart wipes them one by one.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     volumes:
    ///       - db-data:/var/lib/postgresql/data
    /// volumes:
    ///   db-data:
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1: "Reliability" (hardware and
    ///   human faults); chapter 5 on durability.
    /// - Docker documentation, "Volumes"; Kubernetes documentation, "StatefulSets".
    pub static EPHEMERAL_DATASTORE_STORAGE = {
        code: "ephemeral-datastore-storage",
        severity: Warning,
        category: Infrastructure,
        summary: "A datastore container without persistent storage on its data directory",
        fix: Sometimes,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    // Operators' resources that put the data on ephemeral storage.
    for datastore in &model.datastores {
        let Some(range) = datastore.ephemeral_storage else {
            continue;
        };
        let diagnostic = ctx.diagnostic(
            range,
            format!(
                "{} keeps its data on ephemeral storage (`type: ephemeral`, an `emptyDir`): everything it stores is lost when a pod is recreated",
                datastore.name.value
            ),
        );
        ctx.report(diagnostic);
    }
    for workload in &model.workloads {
        let Some(system) = workload.system else {
            continue;
        };
        // A client or one-off command run from the image stores nothing.
        if workload.runs_client() {
            continue;
        }
        // Core NATS keeps nothing; only JetStream stores data.
        if system.id == "nats"
            && !workload
                .command
                .iter()
                .any(|w| w == "-js" || w == "--jetstream")
        {
            continue;
        }
        // A coordinating-only search node routes requests and holds no shard; a Redis
        // with snapshots and the append-only file off is a cache that writes nothing.
        if workload.is_coordinating_only_search_node() || workload.redis_persistence_off() {
            continue;
        }
        let dirs = workload.data_dirs();
        match workload.kind {
            WorkloadKind::ComposeService => {
                let covered_later = |dir: &String| {
                    workload.overlay.mount_targets.iter().any(|target| {
                        let target = target.trim_end_matches('/');
                        !target.is_empty()
                            && (dir == target || dir.starts_with(&format!("{target}/")))
                    })
                };
                // A named volume its driver keeps in memory persists nothing.
                let in_memory = dirs
                    .iter()
                    .find_map(|dir| match workload.mount_covering(dir) {
                        Some(Mount {
                            source: MountSource::Named(volume),
                            range,
                            ..
                        }) if model.memory_volumes.contains(volume) => Some((dir, volume, *range)),
                        _ => None,
                    });
                if let Some((dir, volume, range)) = in_memory {
                    let diagnostic = ctx.diagnostic(
                        workload.name.range,
                        format!(
                            "service `{}` keeps {}'s data directory `{dir}` on volume `{volume}`, which its driver keeps in memory (`driver_opts: type: tmpfs`): everything it stores is lost when the container stops",
                            workload.name.value, system.display
                        ),
                    )
                    .with_related(range, format!("volume `{volume}` is mounted here"));
                    ctx.report(diagnostic);
                    continue;
                }
                if dirs
                    .iter()
                    .any(|dir| workload.mount_covering(dir).is_some() || covered_later(dir))
                {
                    continue;
                }
                // Recognised by a clue other than its image or command (a health check,
                // its flags, its settings), the image may keep its data elsewhere: any
                // volume may be the one.
                if !layout_is_known(workload)
                    && workload
                        .mounts
                        .iter()
                        .any(|mount| may_hold_data(&mount.target))
                {
                    continue;
                }
            }
            // Every Kubernetes workload kind: a pod's own storage (none, or an
            // `emptyDir`) goes with the pod when it is rescheduled or replaced.
            _ => {
                let persistent = workload
                    .mounts
                    .iter()
                    .any(|m| matches!(m.source, MountSource::Volume(_) | MountSource::Bind(_)));
                if (workload.claim_templates.is_some() || persistent)
                    && misplaced_volume(workload, &dirs).is_none()
                {
                    continue;
                }
            }
        }
        let Some(dir) = dirs.first() else {
            continue;
        };
        let what = match system.role {
            SystemRole::Broker => "every message it stores",
            SystemRole::Search => "every index it builds",
            _ => "everything it stores",
        };
        // In Kubernetes, on the container (where its `volumeMounts` go); in Compose, on
        // the service.
        let (range, runner) = match &workload.container {
            Some(container) => (
                container.range,
                format!(
                    "container `{}` of {} `{}`",
                    container.value,
                    workload.kind.noun(),
                    workload.name.value
                ),
            ),
            None => (
                workload.name.range,
                format!("{} `{}`", workload.kind.noun(), workload.name.value),
            ),
        };
        if let Some(mount) = misplaced_volume(workload, &dirs) {
            let diagnostic = ctx.diagnostic(
                mount.range,
                format!(
                    "{runner} runs {} with its persistent volume on `{}`, not on its data directory `{dir}`: {what} is lost when the pod is recreated",
                    system.display, mount.target,
                ),
            );
            ctx.report(diagnostic);
            continue;
        }
        // PostgreSQL 18 images keep the data in a folder per major version, under
        // `/var/lib/postgresql`: a volume on the old `/var/lib/postgresql/data` misses it
        // (and the image's entrypoint refuses to start on one there).
        let versioned_postgres = system.id == "postgres"
            && dir.starts_with("/var/lib/postgresql/")
            && dir.ends_with("/docker");
        let old_mount = workload
            .mounts
            .iter()
            .find(|mount| mount.target.trim_end_matches('/') == "/var/lib/postgresql/data");
        let message = match old_mount {
            Some(mount) if versioned_postgres => format!(
                "{runner} runs PostgreSQL 18 or later (`{}`), which keeps its data in `{dir}`, not in `{}` where its volume is: {what} is lost when the container is recreated; mount the volume on `/var/lib/postgresql` instead",
                workload.image.as_ref().map_or_else(
                    || "postgres".to_owned(),
                    |image| match &image.value.tag {
                        Some(tag) => format!("{}:{tag}", image.value.name),
                        None => image.value.name.clone(),
                    }
                ),
                mount.target.trim_end_matches('/'),
            ),
            _ => format!(
                "{runner} runs {} with no volume on `{dir}`: {what} is lost when the container is recreated",
                system.display
            ),
        };
        let fix_dir = if versioned_postgres {
            "/var/lib/postgresql"
        } else {
            dir.as_str()
        };
        let fix = if old_mount.is_some() && versioned_postgres {
            None
        } else {
            volume_fix(model, workload, fix_dir, ctx.text)
        };
        let mut diagnostic = ctx.diagnostic(range, message).with_fix(fix);
        if let (Some(mount), true) = (old_mount, versioned_postgres) {
            diagnostic = diagnostic.with_related(
                mount.range,
                "this volume is on the data directory of PostgreSQL 17 and earlier".to_owned(),
            );
        }
        ctx.report(diagnostic);
    }
}

/// Whether a mount could be where an image of unknown layout keeps its data: not a
/// socket, a configuration file or a folder of configuration or scripts.
fn may_hold_data(target: &str) -> bool {
    const NOT_DATA: [&str; 7] = [
        "/etc/",
        "/run/",
        "/var/run/",
        "/usr/local/etc/",
        "/docker-entrypoint-initdb.d",
        "/proc/",
        "/sys/",
    ];
    let file_name = target.rsplit('/').next().unwrap_or(target);
    let looks_like_a_file = file_name.contains('.') && !file_name.starts_with('.');
    !looks_like_a_file
        && !NOT_DATA
            .iter()
            .any(|prefix| target.starts_with(prefix) || format!("{target}/") == *prefix)
}

/// Whether the data directories of the workload's system are certainly the ones it
/// uses: the image is the system's (any vendor's build of it) or the command starts the
/// server itself.
fn layout_is_known(workload: &Workload) -> bool {
    let by_image = workload
        .image
        .as_ref()
        .and_then(|image| image.value.system())
        .is_some_and(|system| Some(system) == workload.system);
    by_image || crate::model::catalog::starts_server(&workload.command)
}

/// A Kubernetes container of an image whose data directory is known for sure (the
/// official image or Bitnami's, run with its own command) that mounts persistent
/// volumes, none of them on that directory: the one it mounts, when there is one.
fn misplaced_volume<'a>(workload: &'a Workload, dirs: &[String]) -> Option<&'a Mount> {
    // A DeploymentConfig's image is usually replaced by its image stream's (an
    // `ImageChange` trigger), whose layout the file does not tell.
    if matches!(
        workload.kind,
        WorkloadKind::ComposeService | WorkloadKind::DeploymentConfig
    ) || !workload.command.is_empty()
    {
        return None;
    }
    let image = &workload.image.as_ref()?.value;
    let known_layout = matches!(
        image.namespace.as_deref(),
        None | Some("library" | "docker.io" | "bitnami" | "bitnamilegacy" | "confluentinc")
    );
    // A volume inside the data directory (Cassandra's `/var/lib/cassandra/data`, its
    // tables without the commit log) keeps part of the data: not this finding.
    let inside_data_dir = |target: &str| {
        dirs.iter()
            .any(|dir| target.starts_with(&format!("{}/", dir.trim_end_matches('/'))))
    };
    if !known_layout
        || dirs
            .iter()
            .any(|dir| workload.mount_covering(dir).is_some())
        || workload.mounts.iter().any(|m| {
            matches!(m.source, MountSource::Volume(_) | MountSource::Bind(_))
                && inside_data_dir(&m.target)
        })
    {
        return None;
    }
    workload
        .mounts
        .iter()
        .find(|m| matches!(m.source, MountSource::Volume(_) | MountSource::Bind(_)))
}

/// Mounts a named volume `<service>-data` on the data directory and declares it.
fn volume_fix(model: &SystemModel, workload: &Workload, dir: &str, text: &str) -> Option<Fix> {
    // One named volume for several replicas would be shared by all of them.
    if workload.kind != WorkloadKind::ComposeService
        || workload.replicas.as_ref().is_some_and(|r| r.value > 1)
    {
        return None;
    }
    let volume = format!("{}-data", workload.name.value);
    let mount = format!("{volume}:{dir}");
    let mut edits = Vec::new();
    match &workload.volumes {
        Some(list) => edits.push(match list.insertion.as_ref()? {
            Insertion::Block { offset, indent } => {
                Edit::insert(*offset, format!("\n{}- {mount}", " ".repeat(*indent)))
            }
            Insertion::Flow { offset, .. } => Edit::insert(*offset, format!(", {mount}")),
        }),
        None => {
            let section = &workload.section;
            let edit = match section.insertion.as_ref()? {
                Insertion::Block { offset, indent } => {
                    let pad = " ".repeat(*indent);
                    Edit::insert(*offset, format!("\n{pad}volumes:\n{pad}  - {mount}"))
                }
                Insertion::Flow { offset, .. } => {
                    Edit::insert(*offset, format!(", volumes: [{mount}]"))
                }
            };
            edits.push(edit);
        }
    }
    match &model.volumes {
        Some(section) => edits.push(insert_keys_edit(section, &[(&volume, "{}")], text)?),
        None => {
            let separator = if text.ends_with('\n') { "" } else { "\n" };
            edits.push(Edit::insert(
                text.len(),
                format!("{separator}volumes:\n  {volume}: {{}}\n"),
            ));
        }
    }
    Some(Fix {
        message: format!("Mount a named volume `{volume}` on `{dir}`"),
        applicability: Applicability::Unsafe,
        edits,
    })
}
