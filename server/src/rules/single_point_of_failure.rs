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
    coordinators(model, ctx);
    declared_primaries(model, ctx);
    for workload in &model.workloads {
        // A Compose file runs on one host: one container there is not the weak point.
        // A bare Pod is one replica that nothing reschedules.
        let replicated_kind = matches!(
            workload.kind,
            WorkloadKind::StatefulSet
                | WorkloadKind::Deployment
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
                | WorkloadKind::DeploymentConfig
                | WorkloadKind::Pod
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
            None if workload.kind == WorkloadKind::Pod => (
                workload.name.range,
                "1 replica (a bare Pod: nothing reschedules it)",
            ),
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

/// The ZooKeeper servers a broker's settings name (Kafka's `KAFKA_ZOOKEEPER_CONNECT`,
/// Pulsar's `zookeeperServers` or `metadataStoreUrl=zk:…`: hosts with ports, then an
/// optional chroot), or `None` when it names none.
fn zookeeper_hosts(broker: &Workload) -> Option<Vec<&str>> {
    let connect = [
        "KAFKA_ZOOKEEPER_CONNECT",
        "KAFKA_CFG_ZOOKEEPER_CONNECT",
        "zookeeperServers",
        "metadataStoreUrl",
    ]
    .iter()
    .find_map(|name| broker.env(name)?.value.as_deref())?;
    let connect = connect.strip_prefix("zk:").unwrap_or(connect);
    let connect = connect.strip_prefix("//").unwrap_or(connect);
    let hosts = connect.split('/').next().unwrap_or(connect);
    Some(
        hosts
            .split(',')
            .map(|host| host.trim().split(':').next().unwrap_or_default())
            .filter(|host| !host.is_empty())
            .collect(),
    )
}

/// One ZooKeeper (no ensemble) that two or more brokers depend on: when it stops,
/// none of them can elect a controller or change metadata. Brokers name their
/// ZooKeeper; a file with brokers that name none and one ZooKeeper is read as theirs.
fn lone_zookeepers(compose: &[&Workload], ctx: &mut RuleContext<'_>) {
    let zookeepers: Vec<&Workload> = compose
        .iter()
        .copied()
        .filter(|w| w.system.is_some_and(|s| s.id == "zookeeper") && !w.runs_client())
        .collect();
    let in_an_ensemble = |zookeeper: &Workload| {
        ["ZOOKEEPER_SERVERS", "ZOO_SERVERS"]
            .iter()
            .filter_map(|name| zookeeper.env(name)?.value.as_deref())
            .any(|servers| crate::model::count_members(servers, &[' ', ',', ';']) > 1)
    };
    // Kafka brokers, and Pulsar brokers (`pulsar broker`: they keep no data, but need
    // ZooKeeper for every topic's ownership and metadata).
    let pulsar_broker = |w: &Workload| {
        let words: Vec<&str> = w
            .command
            .iter()
            .flat_map(|word| word.split_whitespace())
            .map(|word| word.trim_matches(['"', '\'', ';']))
            .collect();
        words
            .windows(2)
            .any(|pair| pair[0].ends_with("pulsar") && pair[1] == "broker")
    };
    let brokers: Vec<&Workload> = compose
        .iter()
        .copied()
        .filter(|w| w.is_kafka_broker() || pulsar_broker(w))
        .collect();
    for zookeeper in &zookeepers {
        if in_an_ensemble(zookeeper) {
            continue;
        }
        let served: Vec<&&Workload> = brokers
            .iter()
            .filter(|broker| match zookeeper_hosts(broker) {
                Some(hosts) => hosts == [zookeeper.name.value.as_str()],
                // Brokers that name no ZooKeeper (and are not KRaft nodes) use the
                // only one there is.
                None => {
                    zookeepers.len() == 1
                        && !["KAFKA_PROCESS_ROLES", "KAFKA_CFG_PROCESS_ROLES"]
                            .iter()
                            .any(|name| broker.env(name).is_some())
                        && broker.is_kafka_broker()
                }
            })
            .collect();
        if served.len() < 2 {
            continue;
        }
        let (system, consequence) = if served.iter().all(|broker| broker.is_kafka_broker()) {
            (
                "Kafka",
                "the brokers can elect no controller and change no metadata",
            )
        } else if served.iter().all(|broker| pulsar_broker(broker)) {
            (
                "Pulsar",
                "the brokers can take over no topic and change no metadata",
            )
        } else {
            ("Kafka and Pulsar", "the brokers can change no metadata")
        };
        // On its member list when it states one, else on the service.
        let range = ["ZOOKEEPER_SERVERS", "ZOO_SERVERS"]
            .iter()
            .find_map(|name| zookeeper.env(name)?.value_range)
            .unwrap_or(zookeeper.name.range);
        let diagnostic = ctx.diagnostic(
            range,
            format!(
                "one ZooKeeper (`{}`) coordinates {} {system} brokers: when it stops, {consequence}; run an ensemble of 3",
                zookeeper.name.value,
                served.len()
            ),
        );
        ctx.report(diagnostic);
    }
}

/// One etcd member that two or more Patroni nodes (PostgreSQL managed by Patroni, as
/// Spilo runs it) keep their leader key in: when it stops, no primary can renew its
/// lease, and Patroni demotes it.
fn lone_etcds(compose: &[&Workload], ctx: &mut RuleContext<'_>) {
    // The etcd hosts a Patroni node names (`ETCD3_HOST: etcd:2379`, `PATRONI_ETCD3_HOSTS`).
    let etcd_hosts = |node: &Workload| -> Option<Vec<String>> {
        let value = [
            "ETCD_HOST",
            "ETCD3_HOST",
            "ETCD_HOSTS",
            "ETCD3_HOSTS",
            "PATRONI_ETCD_HOST",
            "PATRONI_ETCD_HOSTS",
            "PATRONI_ETCD3_HOST",
            "PATRONI_ETCD3_HOSTS",
        ]
        .iter()
        .find_map(|name| node.env(name)?.value.clone())?;
        Some(
            value
                .trim_matches(['"', '\'', '[', ']'])
                .split(',')
                .map(|host| {
                    let host = host.trim().trim_matches(['"', '\'']);
                    let host = host.split_once("://").map_or(host, |(_, rest)| rest);
                    host.split(':').next().unwrap_or(host).to_owned()
                })
                .filter(|host| !host.is_empty())
                .collect(),
        )
    };
    let patroni_nodes: Vec<(&Workload, Vec<String>)> = compose
        .iter()
        .filter(|w| w.system.is_some_and(|s| s.id == "postgres") && !w.runs_client())
        .filter_map(|w| Some((*w, etcd_hosts(w)?)))
        .collect();
    for etcd in compose
        .iter()
        .filter(|w| w.system.is_some_and(|s| s.id == "etcd") && !w.runs_client())
    {
        // A member list of more than one (`--initial-cluster a=…,b=…`) is an ensemble.
        let words: Vec<&str> = etcd
            .command
            .iter()
            .flat_map(|word| word.split_whitespace())
            .collect();
        let listed = words.iter().enumerate().find_map(|(at, word)| {
            let word = word.trim_start_matches('-');
            match word.split_once('=') {
                Some(("initial-cluster", value)) => Some(value.to_owned()),
                _ if word == "initial-cluster" => words.get(at + 1).map(|v| (*v).to_owned()),
                _ => None,
            }
        });
        let listed = listed.or_else(|| etcd.env("ETCD_INITIAL_CLUSTER")?.value.clone());
        if listed.is_some_and(|members| crate::model::count_members(&members, &[',']) > 1) {
            continue;
        }
        let served: Vec<&str> = patroni_nodes
            .iter()
            .filter(|(_, hosts)| hosts.as_slice() == std::slice::from_ref(&etcd.name.value))
            .map(|(node, _)| node.name.value.as_str())
            .collect();
        if served.len() < 2 {
            continue;
        }
        let diagnostic = ctx.diagnostic(
            etcd.name.range,
            format!(
                "one etcd member (`{}`) holds the leader key of {} Patroni nodes ({}): when it stops, no primary can renew its lease and Patroni demotes it; run 3 etcd members",
                etcd.name.value,
                served.len(),
                served.join(", ")
            ),
        );
        ctx.report(diagnostic);
    }
}

/// Coordinators smaller than what they coordinate, in Compose files (where single
/// containers are otherwise not reported): one ZooKeeper or a one-voter KRaft quorum
/// serving several brokers, and Redis replication that nothing fails over.
fn coordinators(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    let compose: Vec<&Workload> = model
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::ComposeService)
        .collect();
    let brokers = compose.iter().filter(|w| w.is_kafka_broker()).count();
    lone_zookeepers(&compose, ctx);
    lone_etcds(&compose, ctx);
    if brokers >= 2 {
        // A KRaft quorum of one voter, named by every node's voter list.
        let voters = compose.iter().find_map(|w| {
            [
                "KAFKA_CONTROLLER_QUORUM_VOTERS",
                "KAFKA_CFG_CONTROLLER_QUORUM_VOTERS",
            ]
            .iter()
            .find_map(|name| w.env(name))
        });
        if let Some(variable) = voters
            && let Some(value) = variable.value.as_deref()
            && value.split(',').filter(|v| !v.trim().is_empty()).count() == 1
        {
            let diagnostic = ctx.diagnostic(
                variable.value_range.unwrap_or(variable.name_range),
                format!(
                    "the KRaft controller quorum has 1 voter for {brokers} Kafka brokers: when it stops, the cluster can change no metadata and elect no partition leader; use 3 voters"
                ),
            );
            ctx.report(diagnostic);
        }
    }
    // Redis replicas with nothing to promote one: no Sentinel in the file.
    let is_redis = |w: &Workload| w.system.is_some_and(|s| matches!(s.id, "redis" | "valkey"));
    let replica_of = |w: &Workload| -> Option<String> {
        let mode = w
            .env("REDIS_REPLICATION_MODE")
            .and_then(|v| v.value.as_deref())
            .map(|v| v.trim().to_ascii_lowercase());
        let by_mode = matches!(mode.as_deref(), Some("slave" | "replica"));
        let words: Vec<&str> = w
            .command
            .iter()
            .flat_map(|c| c.split_whitespace())
            .collect();
        let by_flag = words
            .windows(2)
            .find(|pair| matches!(pair[0], "--replicaof" | "--slaveof"))
            .map(|pair| pair[1].to_owned());
        let host = w
            .env("REDIS_MASTER_HOST")
            .and_then(|v| v.value.clone())
            .or(by_flag.clone());
        (by_mode || by_flag.is_some()).then(|| host.unwrap_or_default())
    };
    let replicas: Vec<(&&Workload, String)> = compose
        .iter()
        .filter(|w| is_redis(w))
        .filter_map(|w| replica_of(w).map(|host| (w, host)))
        .collect();
    let sentinels: Vec<&&Workload> = compose
        .iter()
        .filter(|w| {
            w.runs_redis_sentinel()
                || w.image
                    .as_ref()
                    .is_some_and(|image| image.value.name.contains("sentinel"))
        })
        .collect();
    // An image ddia does not know, started as a Sentinel (also through a default:
    // `${ARGS:---sentinel}`): it watches, but how many Sentinels it runs is its own.
    let unknown_sentinels = compose.iter().any(|w| {
        w.system.is_none()
            && w.command
                .iter()
                .any(|word| word.contains("--sentinel") || word.contains("redis-sentinel"))
    });
    // Sentinels agree by majority on which replica to promote: one or two of them
    // cannot fail over when one is down (three is the least that can).
    // Without a replica there is nothing to fail over to, whatever watches.
    if let Some(first) = sentinels.first()
        && sentinels.len() < 3
        && !replicas.is_empty()
        && !unknown_sentinels
    {
        let diagnostic = ctx.diagnostic(
            first.name.range,
            format!(
                "{} Redis Sentinel{} watch{} the primary: failing over takes a majority of Sentinels, so losing {} leaves nobody able to promote a replica; run 3",
                sentinels.len(),
                if sentinels.len() == 1 { "" } else { "s" },
                if sentinels.len() == 1 { "es" } else { "" },
                if sentinels.len() == 1 { "it" } else { "one" }
            ),
        );
        ctx.report(diagnostic);
    }
    if !sentinels.is_empty() || unknown_sentinels {
        return;
    }
    let Some((first, host)) = replicas.first() else {
        return;
    };
    let primary = compose
        .iter()
        .find(|w| is_redis(w) && w.name.value == *host)
        .or_else(|| {
            compose.iter().find(|w| {
                is_redis(w)
                    && w.env("REDIS_REPLICATION_MODE")
                        .and_then(|v| v.value.as_deref())
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("master"))
            })
        });
    let (range, name) = match primary {
        Some(primary) => (primary.name.range, primary.name.value.as_str()),
        None => (first.name.range, host.as_str()),
    };
    let diagnostic = ctx.diagnostic(
        range,
        format!(
            "Redis `{name}` has {} but no Sentinel watches them: when the primary fails, nothing promotes a replica and writes stop until someone does",
            count(replicas.len() as i64, "replica", "replicas")
        ),
    );
    ctx.report(diagnostic);
}

/// The settings with which the Bitnami-style images declare a node's replication role.
const ROLE_SETTINGS: [&str; 6] = [
    "REDIS_REPLICATION_MODE",
    "VALKEY_REPLICATION_MODE",
    "POSTGRESQL_REPLICATION_MODE",
    "MYSQL_REPLICATION_MODE",
    "MARIADB_REPLICATION_MODE",
    "MONGODB_REPLICA_SET_MODE",
];

/// The settings that name a node's primary or its replica set.
const GROUP_SETTINGS: [&str; 9] = [
    "REDIS_MASTER_HOST",
    "VALKEY_PRIMARY_HOST",
    "POSTGRESQL_MASTER_HOST",
    "POSTGRESQL_PRIMARY_HOST",
    "MYSQL_MASTER_HOST",
    "MARIADB_MASTER_HOST",
    "MONGODB_INITIAL_PRIMARY_HOST",
    "MONGODB_PRIMARY_HOST",
    "MONGODB_REPLICA_SET_NAME",
];

/// Two Compose services of one replication group that both declare the primary role:
/// each accepts writes, nothing reconciles them, and the replicas follow only one.
fn declared_primaries(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    let value = |w: &Workload, name: &str| {
        w.env(name)
            .and_then(|v| v.value.as_deref())
            .map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
            .filter(|v| !v.is_empty())
    };
    let primaries: Vec<(&Workload, &EnvVar)> = model
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::ComposeService && w.system.is_some())
        .filter_map(|w| {
            let role = ROLE_SETTINGS.iter().find_map(|name| w.env(name))?;
            let declared = role.value.as_deref()?.trim().trim_matches(['"', '\'']);
            (declared.eq_ignore_ascii_case("master") || declared.eq_ignore_ascii_case("primary"))
                .then_some((w, role))
        })
        .collect();
    let same_group = |a: &Workload, b: &Workload| {
        // One names the other as its primary, or both name the same set or primary.
        GROUP_SETTINGS.iter().any(|name| {
            let (left, right) = (value(a, name), value(b, name));
            left.as_deref() == Some(b.name.value.as_str())
                || right.as_deref() == Some(a.name.value.as_str())
                || (left.is_some() && left == right)
        })
    };
    let mut reported: Vec<&str> = Vec::new();
    for (index, (second, role)) in primaries.iter().enumerate() {
        let Some((first, _)) = primaries[..index].iter().find(|(first, _)| {
            first.system.map(|s| s.id) == second.system.map(|s| s.id) && same_group(first, second)
        }) else {
            continue;
        };
        if reported.contains(&second.name.value.as_str()) {
            continue;
        }
        reported.push(&second.name.value);
        let display = second.system.map_or("", |s| s.display);
        let diagnostic = ctx
            .diagnostic(
                role.value_range.unwrap_or(role.name_range),
                format!(
                    "services `{}` and `{}` both declare the primary role of one {display} replication group (`{}`): each accepts writes that the other never sees, and a replica can follow only one of them; make the other a replica",
                    first.name.value, second.name.value, role.name
                ),
            )
            .with_related(first.name.range, format!("`{}` is declared primary too", first.name.value));
        ctx.report(diagnostic);
    }
}
