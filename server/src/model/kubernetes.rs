//! Reads Kubernetes manifests into the system model: workloads (StatefulSet, Deployment,
//! ReplicaSet, DaemonSet, ReplicationController, Pod), PodDisruptionBudgets, Strimzi
//! Kafka resources, and the operators' database clusters (CloudNativePG, Zalando).
//!
//! Manifest validation belongs to other tools: values ddia cannot read are skipped.

use super::catalog::{self, ImageRef};
use super::spec::Reader;
use super::*;
use crate::syntax::{NodeId, ScalarValue, YamlDocument, YamlStream};
use crate::text::TextRange;

/// The most documents (and `List` items) read from one file.
const MAX_RESOURCES: usize = 10_000;

/// Builds the model of a file of Kubernetes manifests (every document).
pub fn from_kubernetes(stream: &YamlStream, text: &str) -> SystemModel {
    let range = stream
        .documents
        .first()
        .map_or(TextRange::empty(0), |doc| doc.range);
    let mut model = SystemModel::new(SourceFormat::Kubernetes, range);
    let mut seen = 0;
    for doc in &stream.documents {
        let Some(root) = doc.root else {
            continue;
        };
        let reader = Reader {
            doc,
            text,
            problems: Vec::new(),
        };
        let mut resources = vec![root];
        // A `List`'s items, and an OpenShift `Template`'s objects, are resources.
        let members = match str_at(doc, root, &["kind"]) {
            Some("List") => Some("items"),
            Some("Template") => Some("objects"),
            _ => None,
        };
        if let Some(members) = members {
            resources = doc
                .get(root, members)
                .map(|items| doc.items(items).to_vec())
                .unwrap_or_default();
        }
        for resource in resources {
            seen += 1;
            if seen > MAX_RESOURCES {
                return model;
            }
            read_resource(&reader, resource, &mut model);
        }
    }
    strimzi_node_pools(stream, &mut model);
    model
}

/// Strimzi `KafkaNodePool`s, as the Kafka clusters' nodes: a pool whose storage is
/// `ephemeral` (or a JBOD of ephemeral volumes) loses its logs (a controller's, the
/// metadata log) with its pods, and a cluster defined in the file whose broker pools there add up to one
/// broker has no second copy of anything. A broker-only or controller-only pool alone
/// says nothing about the size of its cluster (other pools may sit in other files); a
/// combined pool of one node is a one-node cluster.
fn strimzi_node_pools(stream: &YamlStream, model: &mut SystemModel) {
    let mut pools = Vec::new();
    let mut clusters: Vec<String> = Vec::new();
    for doc in &stream.documents {
        let Some(root) = doc.root else {
            continue;
        };
        let resources = if str_at(doc, root, &["kind"]) == Some("List") {
            doc.get(root, "items")
                .map(|items| doc.items(items).to_vec())
                .unwrap_or_default()
        } else {
            vec![root]
        };
        for resource in resources {
            let group = str_at(doc, resource, &["apiVersion"])
                .and_then(|version| version.split('/').next());
            if group != Some("kafka.strimzi.io") {
                continue;
            }
            match str_at(doc, resource, &["kind"]) {
                Some("Kafka") => {
                    if let Some(name) = str_at(doc, resource, &["metadata", "name"]) {
                        clusters.push(name.to_owned());
                    }
                }
                Some("KafkaNodePool") => pools.push((doc, resource)),
                _ => {}
            }
        }
    }
    let cluster_of = |doc: &YamlDocument, pool: NodeId| {
        str_at(doc, pool, &["metadata", "labels", "strimzi.io/cluster"]).map(str::to_owned)
    };
    let has_role = |doc: &YamlDocument, pool: NodeId, wanted: &str| {
        doc.get_path(pool, &["spec", "roles"]).is_some_and(|roles| {
            doc.items(roles)
                .iter()
                .any(|&role| doc.str(role) == Some(wanted))
        })
    };
    let brokers = |doc: &YamlDocument, pool: NodeId| has_role(doc, pool, "broker");
    let controllers = |doc: &YamlDocument, pool: NodeId| has_role(doc, pool, "controller");
    for &(doc, pool) in &pools {
        // A controller-only pool holds no topic, but keeps the cluster's metadata log:
        // only its storage matters.
        let broker_pool = brokers(doc, pool);
        let Some(name) = spanned_str(doc, pool, &["metadata", "name"]) else {
            continue;
        };
        let cluster = cluster_of(doc, pool);
        let replicas = spanned_int(doc, pool, &["spec", "replicas"]);
        // How many nodes of a role the pools of this pool's cluster add up to (a
        // cluster's only controller is a metadata quorum of one).
        let in_cluster = |role: &dyn Fn(&YamlDocument, NodeId) -> bool| -> i64 {
            pools
                .iter()
                .filter(|&&(other_doc, other)| {
                    role(other_doc, other) && cluster_of(other_doc, other) == cluster
                })
                .filter_map(|&(other_doc, other)| {
                    spanned_int(other_doc, other, &["spec", "replicas"]).map(|r| r.value)
                })
                .sum()
        };
        let cluster_brokers = in_cluster(&brokers);
        let cluster_controllers = in_cluster(&controllers);
        // A pool that is both the brokers and the controllers of its cluster is read as
        // the whole cluster even when the `Kafka` resource is in another file: a
        // combined pool beside other pools is not how clusters are laid out.
        let defined_here = cluster.as_ref().is_some_and(|c| clusters.contains(c))
            || (broker_pool && controllers(doc, pool));
        let alone = if broker_pool {
            cluster_brokers == 1
        } else {
            controllers(doc, pool) && cluster_controllers == 1
        };
        let replicas = replicas.filter(|_| defined_here && alone);
        let ephemeral = match str_at(doc, pool, &["spec", "storage", "type"]) {
            Some("ephemeral") => spanned_str(doc, pool, &["spec", "storage", "type"]),
            Some("jbod") => doc
                .get_path(pool, &["spec", "storage", "volumes"])
                .and_then(|volumes| {
                    let items = doc.items(volumes);
                    let all_ephemeral = !items.is_empty()
                        && items
                            .iter()
                            .all(|&volume| str_at(doc, volume, &["type"]) == Some("ephemeral"));
                    all_ephemeral.then(|| spanned_str(doc, items[0], &["type"]))?
                }),
            _ => None,
        };
        if replicas.is_none() && ephemeral.is_none() {
            continue;
        }
        let section = Section {
            key: name.range,
            range: doc.range(pool),
            insertion: None,
        };
        model.datastores.push(operator_datastore(
            format!("Strimzi KafkaNodePool {}", name.value),
            &name,
            section,
            replicas,
            ephemeral.map(|value| value.range),
            Some("kafka"),
        ));
    }
}

/// A datastore an operator's resource runs: named `label` at the resource's name, with
/// its replica count, ephemeral storage and technology when the resource gives them.
fn operator_datastore(
    label: String,
    name: &Spanned<String>,
    section: Section,
    replicas: Option<Spanned<i64>>,
    ephemeral: Option<TextRange>,
    technology: Option<&str>,
) -> Datastore {
    let mut datastore = Datastore::new(
        Spanned::new(label, name.range, name.key_range),
        Origin::Infrastructure,
        section.clone(),
    );
    datastore.replication = Some(Replication {
        section: Some(section),
        replicas,
        ..Replication::default()
    });
    datastore.ephemeral_storage = ephemeral;
    datastore.technology = technology
        .map(|technology| Spanned::new(technology.to_owned(), name.range, name.key_range));
    datastore
}

/// A resource's `metadata.namespace`, if it names one.
fn namespace_of(doc: &YamlDocument, resource: NodeId) -> Option<String> {
    str_at(doc, resource, &["metadata", "namespace"])
        .filter(|namespace| !namespace.is_empty())
        .map(str::to_owned)
}

fn str_at<'a>(doc: &'a YamlDocument, node: NodeId, path: &[&str]) -> Option<&'a str> {
    doc.get_path(node, path).and_then(|value| doc.str(value))
}

fn spanned_str(doc: &YamlDocument, node: NodeId, path: &[&str]) -> Option<Spanned<String>> {
    let (last, parent_path) = path.split_last()?;
    let parent = doc.get_path(node, parent_path)?;
    let entry = doc.get_entry(parent, last)?;
    let text = doc.str(entry.value)?;
    Some(Spanned::new(
        text.to_owned(),
        doc.range(entry.value),
        doc.range(entry.key),
    ))
}

fn spanned_int(doc: &YamlDocument, node: NodeId, path: &[&str]) -> Option<Spanned<i64>> {
    let (last, parent_path) = path.split_last()?;
    let parent = doc.get_path(node, parent_path)?;
    let entry = doc.get_entry(parent, last)?;
    match doc.scalar(entry.value).map(|s| &s.value) {
        Some(ScalarValue::Int(n)) => Some(Spanned::new(
            *n,
            doc.range(entry.value),
            doc.range(entry.key),
        )),
        Some(ScalarValue::String) => {
            let n = doc.str(entry.value)?.trim().parse().ok()?;
            Some(Spanned::new(
                n,
                doc.range(entry.value),
                doc.range(entry.key),
            ))
        }
        _ => None,
    }
}

fn labels(doc: &YamlDocument, node: Option<NodeId>) -> Vec<(String, String)> {
    let Some(node) = node else {
        return Vec::new();
    };
    doc.entries(node)
        .iter()
        .filter_map(|entry| {
            Some((
                doc.key_text(entry.key)?.to_owned(),
                doc.scalar(entry.value)?.text.clone(),
            ))
        })
        .collect()
}

fn selector(doc: &YamlDocument, node: Option<NodeId>) -> LabelSelector {
    let Some(node) = node else {
        return LabelSelector::default();
    };
    let match_expressions = doc
        .get(node, "matchExpressions")
        .map(|list| {
            doc.items(list)
                .iter()
                .filter_map(|&item| {
                    let key = str_at(doc, item, &["key"])?.to_owned();
                    let operator = str_at(doc, item, &["operator"])?.to_owned();
                    let values = doc
                        .get(item, "values")
                        .map(|values| {
                            doc.items(values)
                                .iter()
                                .filter_map(|&v| doc.scalar(v).map(|s| s.text.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    Some((key, operator, values))
                })
                .collect()
        })
        .unwrap_or_default();
    LabelSelector {
        match_labels: labels(doc, doc.get(node, "matchLabels")),
        match_expressions,
    }
}

fn read_resource(reader: &Reader<'_>, resource: NodeId, model: &mut SystemModel) {
    let doc = reader.doc;
    let Some(kind) = str_at(doc, resource, &["kind"]) else {
        return;
    };
    let api_version = str_at(doc, resource, &["apiVersion"]).unwrap_or("");
    let workload_kind = match kind {
        "StatefulSet" => Some(WorkloadKind::StatefulSet),
        "Deployment" => Some(WorkloadKind::Deployment),
        "ReplicaSet" => Some(WorkloadKind::ReplicaSet),
        "DaemonSet" => Some(WorkloadKind::DaemonSet),
        "ReplicationController" => Some(WorkloadKind::ReplicationController),
        // `v1` in OpenShift 3's templates, before the API groups.
        "DeploymentConfig"
            if api_version.starts_with("apps.openshift.io/") || api_version == "v1" =>
        {
            Some(WorkloadKind::DeploymentConfig)
        }
        "Pod" => Some(WorkloadKind::Pod),
        "Job" if api_version.starts_with("batch/") => Some(WorkloadKind::Job),
        "CronJob" if api_version.starts_with("batch/") => Some(WorkloadKind::CronJob),
        _ => None,
    };
    if let Some(workload_kind) = workload_kind {
        // A budget may be meant for a Job's pods, whose labels the Job's controller
        // extends: the budget rules stay careful about what nothing here matches.
        if matches!(workload_kind, WorkloadKind::Job | WorkloadKind::CronJob) {
            model.unread_pod_owners = true;
        }
        if let Some(workload) = read_workload(reader, resource, workload_kind) {
            if workload_kind == WorkloadKind::StatefulSet {
                stateful_ensemble(&workload, model);
            }
            // A Kafka broker's topic settings in its environment, as in Compose.
            if workload.is_kafka_broker() {
                super::compose::kafka_streams(&workload, reader.text, model);
            }
            model.workloads.push(workload);
        }
        return;
    }
    match (kind, api_version.split('/').next().unwrap_or("")) {
        ("PodDisruptionBudget", _) => {
            let Some(name) = spanned_str(doc, resource, &["metadata", "name"]) else {
                return;
            };
            let selector_node = doc.get_path(resource, &["spec", "selector"]);
            let selects_every_pod = api_version == "policy/v1"
                && selector_node
                    .is_some_and(|node| doc.is_mapping(node) && doc.entries(node).is_empty());
            model.disruption_budgets.push(DisruptionBudget {
                name,
                namespace: namespace_of(doc, resource),
                selector: selector(doc, selector_node),
                selector_range: selector_node.map(|node| doc.range(node)),
                selects_every_pod,
                // Percentages (`50%`) are not counts: they never read as one here.
                min_available: spanned_int(doc, resource, &["spec", "minAvailable"]),
                max_unavailable: spanned_int(doc, resource, &["spec", "maxUnavailable"]),
            });
        }
        (kind @ ("Secret" | "ConfigMap"), "v1") => {
            let Some(object) = spanned_str(doc, resource, &["metadata", "name"]) else {
                return;
            };
            let config_map = kind == "ConfigMap";
            let sections: &[(&str, bool)] = if config_map {
                &[("data", false)]
            } else {
                &[("stringData", false), ("data", true)]
            };
            for &(section, encoded) in sections {
                let Some(map) = doc.get(resource, section) else {
                    continue;
                };
                for entry in doc.entries(map) {
                    let (Some(key), Some(value)) = (doc.str(entry.key), doc.str(entry.value))
                    else {
                        continue;
                    };
                    let key_range = doc.range(entry.key);
                    model.secret_entries.push(SecretEntry {
                        object: object.clone(),
                        key: Spanned::new(key.to_owned(), key_range, key_range),
                        value: Spanned::new(value.to_owned(), doc.range(entry.value), key_range),
                        encoded,
                        config_map,
                    });
                }
            }
        }
        ("Service", "v1") => {
            let service_type = str_at(doc, resource, &["spec", "type"]).unwrap_or("ClusterIP");
            if !matches!(service_type, "LoadBalancer" | "NodePort") {
                return;
            }
            let Some(name) = spanned_str(doc, resource, &["metadata", "name"]) else {
                return;
            };
            let selector_node = doc.get_path(resource, &["spec", "selector"]);
            let ports = doc
                .get_path(resource, &["spec", "ports"])
                .map(|list| {
                    doc.items(list)
                        .iter()
                        .filter_map(|&port| {
                            Some(ServicePort {
                                port: spanned_int(doc, port, &["port"])?,
                                target: spanned_int(doc, port, &["targetPort"]),
                                name: str_at(doc, port, &["name"]).map(str::to_owned),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            model.exposing_services.push(ExposingService {
                name,
                namespace: namespace_of(doc, resource),
                service_type: service_type.to_owned(),
                selector: LabelSelector {
                    match_labels: labels(doc, selector_node),
                    match_expressions: Vec::new(),
                },
                ports,
            });
        }
        ("Kafka", "kafka.strimzi.io") => {
            strimzi_kafka(reader, resource, model);
            for members in STRIMZI {
                operator_members(reader, resource, members, model);
            }
        }
        ("KafkaTopic", "kafka.strimzi.io") => strimzi_topic(reader, resource, model),
        ("KafkaNodePool", "kafka.strimzi.io") => strimzi_node_pool(reader, resource, model),
        ("Cluster", "postgresql.cnpg.io") => {
            operator_cluster(
                reader,
                resource,
                &["spec", "instances"],
                "CloudNativePG cluster",
                model,
            );
        }
        ("postgresql", "acid.zalan.do") => {
            operator_cluster(
                reader,
                resource,
                &["spec", "numberOfInstances"],
                "Zalando PostgreSQL cluster",
                model,
            );
        }
        (kind, group) => {
            // A custom resource may run pods of its own (an operator's, Argo's
            // `Rollout`), labelled in ways the file does not show.
            model.unread_pod_owners |= group.contains('.') && !group.ends_with(".k8s.io");
            for operator in OPERATORS
                .iter()
                .filter(|operator| operator.kind == kind && operator.group == group)
            {
                operator_members(reader, resource, operator, model);
            }
        }
    }
}

/// How an operator's resource states the size of a cluster it runs.
enum Size {
    /// One count at this path (`spec.replicas`); the operator's default when unset.
    Count(&'static [&'static str], Option<i64>),
    /// Groups listed at this path, each its own replica set with a count under the
    /// key (Crunchy's `instances[].replicas`, Percona's `replsets[].size`), defaulting.
    EachOf(&'static [&'static str], &'static str, Option<i64>),
    /// Groups listed at this path whose counts add up to one cluster (Scylla's racks,
    /// ECK's node sets).
    SumOf(&'static [&'static str], &'static str),
}

/// An operator's resource that runs a datastore, read into the model as datastores
/// with their replica counts (and storage), so that the same rules fire as for
/// workloads.
struct Operator {
    /// The system it runs, as the catalog names it.
    technology: &'static str,
    kind: &'static str,
    group: &'static str,
    display: &'static str,
    size: Size,
    /// Where the resource says its storage is ephemeral (`type: ephemeral`).
    ephemeral_at: Option<&'static [&'static str]>,
}

const OPERATORS: &[Operator] = &[
    Operator {
        technology: "rabbitmq",
        kind: "RabbitmqCluster",
        group: "rabbitmq.com",
        display: "RabbitmqCluster",
        size: Size::Count(&["spec", "replicas"], Some(1)),
        ephemeral_at: None,
    },
    Operator {
        technology: "mongodb",
        kind: "MongoDBCommunity",
        group: "mongodbcommunity.mongodb.com",
        display: "MongoDBCommunity",
        size: Size::Count(&["spec", "members"], None),
        ephemeral_at: None,
    },
    Operator {
        technology: "mysql",
        kind: "PerconaXtraDBCluster",
        group: "pxc.percona.com",
        display: "PerconaXtraDBCluster",
        size: Size::Count(&["spec", "pxc", "size"], None),
        ephemeral_at: None,
    },
    Operator {
        technology: "mongodb",
        kind: "PerconaServerMongoDB",
        group: "psmdb.percona.com",
        display: "PerconaServerMongoDB",
        size: Size::EachOf(&["spec", "replsets"], "size", None),
        ephemeral_at: None,
    },
    Operator {
        technology: "mongodb",
        kind: "PerconaServerMongoDB",
        group: "psmdb.percona.com",
        display: "PerconaServerMongoDB config servers of",
        size: Size::Count(&["spec", "sharding", "configsvrReplSet", "size"], None),
        ephemeral_at: None,
    },
    Operator {
        technology: "postgres",
        kind: "PerconaPGCluster",
        group: "pgv2.percona.com",
        display: "PerconaPGCluster",
        size: Size::EachOf(&["spec", "instances"], "replicas", Some(1)),
        ephemeral_at: None,
    },
    Operator {
        technology: "postgres",
        kind: "PostgresCluster",
        group: "postgres-operator.crunchydata.com",
        display: "PostgresCluster",
        size: Size::EachOf(&["spec", "instances"], "replicas", Some(1)),
        ephemeral_at: None,
    },
    Operator {
        technology: "scylla",
        kind: "ScyllaCluster",
        group: "scylla.scylladb.com",
        display: "ScyllaCluster",
        size: Size::SumOf(&["spec", "datacenter", "racks"], "members"),
        ephemeral_at: None,
    },
    Operator {
        technology: "elasticsearch",
        kind: "Elasticsearch",
        group: "elasticsearch.k8s.elastic.co",
        display: "Elasticsearch",
        size: Size::SumOf(&["spec", "nodeSets"], "count"),
        ephemeral_at: None,
    },
    // ECK's first API (`v1alpha1`) named them `nodes` and `nodeCount`.
    Operator {
        technology: "elasticsearch",
        kind: "Elasticsearch",
        group: "elasticsearch.k8s.elastic.co",
        display: "Elasticsearch",
        size: Size::SumOf(&["spec", "nodes"], "nodeCount"),
        ephemeral_at: None,
    },
];

/// Strimzi's `Kafka`: its brokers (unless node pools size them) and its ZooKeeper.
const STRIMZI: &[Operator] = &[
    Operator {
        technology: "kafka",
        kind: "Kafka",
        group: "kafka.strimzi.io",
        display: "Strimzi Kafka",
        size: Size::Count(&["spec", "kafka", "replicas"], None),
        ephemeral_at: Some(&["spec", "kafka", "storage", "type"]),
    },
    Operator {
        technology: "zookeeper",
        kind: "Kafka",
        group: "kafka.strimzi.io",
        display: "Strimzi ZooKeeper of",
        size: Size::Count(&["spec", "zookeeper", "replicas"], None),
        ephemeral_at: Some(&["spec", "zookeeper", "storage", "type"]),
    },
];

/// Reads one operator resource's clusters as datastores.
fn operator_members(
    reader: &Reader<'_>,
    resource: NodeId,
    operator: &Operator,
    model: &mut SystemModel,
) {
    let doc = reader.doc;
    let Some(name) = spanned_str(doc, resource, &["metadata", "name"]) else {
        return;
    };
    let section = Section {
        key: name.range,
        range: doc.range(resource),
        insertion: None,
    };
    let ephemeral = operator.ephemeral_at.and_then(|path| {
        let value = spanned_str(doc, resource, path)?;
        (value.value == "ephemeral").then_some(value.range)
    });
    let mut push = |label: String, replicas: Option<Spanned<i64>>| {
        model.datastores.push(operator_datastore(
            label,
            &name,
            section.clone(),
            replicas,
            ephemeral,
            Some(operator.technology),
        ));
    };
    let label = format!("{} {}", operator.display, name.value);
    match operator.size {
        Size::Count(path, default) => {
            let (_, parent) = path.split_last().unwrap_or((&"", &[]));
            // Without a default, the component must be there for its size to mean
            // anything (a `Kafka` sized by node pools, no sharding).
            if default.is_none() && doc.get_path(resource, parent).is_none() {
                return;
            }
            let replicas = spanned_int(doc, resource, path)
                .or_else(|| default.map(|n| Spanned::new(n, name.range, name.key_range)));
            if replicas.is_some() || ephemeral.is_some() {
                push(label, replicas);
            }
        }
        Size::EachOf(path, key, default) => {
            let Some(list) = doc.get_path(resource, path) else {
                return;
            };
            for &group in doc.items(list) {
                let group_name = spanned_str(doc, group, &["name"]);
                let replicas = spanned_int(doc, group, &[key]).or_else(|| {
                    let at = group_name.as_ref()?;
                    default.map(|n| Spanned::new(n, at.range, at.key_range))
                });
                let label = match &group_name {
                    Some(group_name) => format!("{label} ({})", group_name.value),
                    None => label.clone(),
                };
                push(label, replicas);
            }
        }
        Size::SumOf(path, key) => {
            let Some(list) = doc.get_path(resource, path) else {
                return;
            };
            let counts: Vec<Spanned<i64>> = doc
                .items(list)
                .iter()
                .filter_map(|&group| spanned_int(doc, group, &[key]))
                .collect();
            let Some(first) = counts.first() else {
                return;
            };
            // Saturating: counts come from the file and may be anything.
            let total = counts
                .iter()
                .fold(0i64, |total, count| total.saturating_add(count.value));
            // One group: its count is the one to change; several: their sum.
            let range = if counts.len() == 1 {
                first.range
            } else {
                name.range
            };
            push(label, Some(Spanned::new(total, range, first.key_range)));
        }
    }
}

/// The image an OpenShift `DeploymentConfig` puts in a container whose own `image` is
/// blank: the image stream tag of its `ImageChange` trigger (`mongodb:3.6`).
fn triggered_image(
    doc: &YamlDocument,
    resource: NodeId,
    container: NodeId,
) -> Option<Spanned<String>> {
    let name = str_at(doc, container, &["name"])?;
    let triggers = doc.get_path(resource, &["spec", "triggers"])?;
    doc.items(triggers).iter().find_map(|&trigger| {
        let params = doc.get(trigger, "imageChangeParams")?;
        let names = doc.get(params, "containerNames")?;
        doc.items(names)
            .iter()
            .any(|&listed| doc.str(listed) == Some(name))
            .then(|| spanned_str(doc, params, &["from", "name"]))
            .flatten()
    })
}

fn read_workload(reader: &Reader<'_>, resource: NodeId, kind: WorkloadKind) -> Option<Workload> {
    let doc = reader.doc;
    let name = spanned_str(doc, resource, &["metadata", "name"])?;
    let name_key = doc
        .get_path(resource, &["metadata"])
        .and_then(|m| doc.get_entry(m, "name"))?;
    let (pod, replicas) = if kind == WorkloadKind::Pod {
        (resource, None)
    } else if kind == WorkloadKind::Job {
        (doc.get_path(resource, &["spec", "template"])?, None)
    } else if kind == WorkloadKind::CronJob {
        (
            doc.get_path(resource, &["spec", "jobTemplate", "spec", "template"])?,
            None,
        )
    } else {
        (
            doc.get_path(resource, &["spec", "template"])?,
            spanned_int(doc, resource, &["spec", "replicas"]),
        )
    };
    let pod_spec = doc.get(pod, "spec")?;
    let containers: Vec<NodeId> = doc
        .get(pod_spec, "containers")
        .map(|list| doc.items(list).to_vec())
        .unwrap_or_default();
    // The container that runs a known datastore, else the first one.
    let container = containers
        .iter()
        .copied()
        .find(|&c| {
            str_at(doc, c, &["image"])
                .is_some_and(|image| ImageRef::parse(image).system().is_some())
        })
        .or_else(|| containers.first().copied())?;
    let image = spanned_str(doc, container, &["image"])
        .filter(|image| !image.value.trim().is_empty())
        .or_else(|| triggered_image(doc, resource, container))
        .map(|image| Spanned::new(ImageRef::parse(&image.value), image.range, image.key_range));
    // Which pod volumes are persistent, by name.
    let claim_templates = doc.get_path(resource, &["spec"]).and_then(|spec| {
        let entry = doc.get_entry(spec, "volumeClaimTemplates")?;
        (!doc.items(entry.value).is_empty()).then(|| doc.range(entry.key))
    });
    let claim_names: Vec<String> = doc
        .get_path(resource, &["spec", "volumeClaimTemplates"])
        .map(|list| {
            doc.items(list)
                .iter()
                .filter_map(|&t| str_at(doc, t, &["metadata", "name"]).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let pod_volumes: Vec<(String, MountSource)> = doc
        .get(pod_spec, "volumes")
        .map(|list| {
            doc.items(list)
                .iter()
                .filter_map(|&volume| {
                    let name = str_at(doc, volume, &["name"])?.to_owned();
                    // Sources that live and die with the pod, or hold no data of it.
                    const POD_LIFETIME: [&str; 7] = [
                        "emptyDir",
                        "configMap",
                        "secret",
                        "downwardAPI",
                        "projected",
                        "ephemeral",
                        "gitRepo",
                    ];
                    let source = if let Some(path) = str_at(doc, volume, &["hostPath", "path"]) {
                        MountSource::Bind(path.to_owned())
                    } else if doc
                        .entries(volume)
                        .iter()
                        .filter_map(|entry| doc.key_text(entry.key))
                        .any(|key| key != "name" && !POD_LIFETIME.contains(&key))
                    {
                        // A claim, or a disk of the cluster's own (`cinder`,
                        // `gcePersistentDisk`, `nfs`, `csi` ...): it outlives the pod.
                        MountSource::Volume(name.clone())
                    } else {
                        return None;
                    };
                    Some((name, source))
                })
                .collect()
        })
        .unwrap_or_default();
    let mounts: Vec<Mount> = doc
        .get(container, "volumeMounts")
        .map(|list| {
            doc.items(list)
                .iter()
                .filter_map(|&mount| {
                    let volume = str_at(doc, mount, &["name"])?;
                    let target = str_at(doc, mount, &["mountPath"])?.to_owned();
                    let source = if claim_names.iter().any(|c| c == volume) {
                        MountSource::Volume(volume.to_owned())
                    } else {
                        pod_volumes
                            .iter()
                            .find(|(name, _)| name == volume)
                            .map(|(_, source)| source.clone())?
                    };
                    Some(Mount {
                        source,
                        target,
                        range: doc.range(mount),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let environment_of = |container: NodeId| -> Vec<EnvVar> {
        doc.get(container, "env")
            .map(|list| {
                doc.items(list)
                    .iter()
                    .filter_map(|&item| {
                        let name_entry = doc.get_entry(item, "name")?;
                        let value_entry = doc.get_entry(item, "value");
                        let value = value_entry
                            .and_then(|e| doc.scalar(e.value))
                            .filter(|s| s.value != ScalarValue::Null)
                            .map(|s| s.text.clone());
                        Some(EnvVar {
                            inherited: false,
                            name: doc.str(name_entry.value)?.to_owned(),
                            value_range: value
                                .as_ref()
                                .and(value_entry.map(|e| doc.range(e.value))),
                            value,
                            name_range: doc.range(name_entry.value),
                            from_env_file: false,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let environment = environment_of(container);
    let init_containers: Vec<NodeId> = doc
        .get(pod_spec, "initContainers")
        .map(|list| doc.items(list).to_vec())
        .unwrap_or_default();
    let sidecar_environment: Vec<EnvVar> = containers
        .iter()
        .chain(&init_containers)
        .filter(|&&other| other != container)
        .flat_map(|&other| environment_of(other))
        .collect();
    let mut command = Vec::new();
    for part in ["command", "args"] {
        if let Some(list) = doc.get(container, part) {
            command.extend(
                doc.items(list)
                    .iter()
                    .filter_map(|&w| doc.scalar(w).map(|s| s.text.clone())),
            );
        }
    }
    let healthcheck = doc
        .get_entry(container, "readinessProbe")
        .map(|entry| doc.range(entry.key));
    let pod_labels = labels(doc, doc.get_path(pod, &["metadata", "labels"]));
    let anti_affinity = doc.get(pod_spec, "affinity").and_then(|affinity| {
        let entry = doc.get_entry(affinity, "podAntiAffinity")?;
        let terms = [
            "requiredDuringSchedulingIgnoredDuringExecution",
            "preferredDuringSchedulingIgnoredDuringExecution",
        ];
        let matches_own_pods = terms.iter().any(|term| {
            doc.get(entry.value, term).is_some_and(|list| {
                doc.items(list).iter().any(|&item| {
                    // Preferred terms wrap the term in `podAffinityTerm`.
                    let term = doc.get(item, "podAffinityTerm").unwrap_or(item);
                    selector(doc, doc.get(term, "labelSelector")).matches(&pod_labels)
                })
            })
        });
        Some(Spread {
            range: doc.range(entry.key),
            matches_own_pods,
        })
    });
    let topology = doc
        .get_entry(pod_spec, "topologySpreadConstraints")
        .map(|entry| {
            let matches_own_pods = doc.items(entry.value).iter().any(|&constraint| {
                selector(doc, doc.get(constraint, "labelSelector")).matches(&pod_labels)
            });
            Spread {
                range: doc.range(entry.key),
                matches_own_pods,
            }
        });
    // A spread that selects the workload's own pods wins; one that selects nothing of
    // its own is kept so the finding can point at it.
    let spread = match (anti_affinity, topology) {
        (Some(a), _) if a.matches_own_pods => Some(a),
        (_, Some(t)) if t.matches_own_pods => Some(t),
        (a, t) => a.or(t),
    };
    let client_command = Workload::command_runs_client(&command, kind != WorkloadKind::Pod);
    let has_variable = |name: &str| environment.iter().any(|variable| variable.name == name);
    let probe: Vec<String> = doc
        .get_path(container, &["readinessProbe", "exec", "command"])
        .or_else(|| doc.get_path(container, &["livenessProbe", "exec", "command"]))
        .map(|list| {
            doc.items(list)
                .iter()
                .filter_map(|&w| doc.scalar(w).map(|s| s.text.clone()))
                .collect()
        })
        .unwrap_or_default();
    // Every mount counts as a clue, an `emptyDir` too.
    let mount_targets: Vec<&str> = doc
        .get(container, "volumeMounts")
        .map(|list| {
            doc.items(list)
                .iter()
                .filter_map(|&mount| str_at(doc, mount, &["mountPath"]))
                .collect()
        })
        .unwrap_or_default();
    let container_ports: Vec<u16> = doc
        .get(container, "ports")
        .map(|list| {
            doc.items(list)
                .iter()
                .filter_map(|&port| spanned_int(doc, port, &["containerPort"]))
                .filter_map(|port| u16::try_from(port.value).ok())
                .collect()
        })
        .unwrap_or_default();
    let system = catalog::recognise(
        image.as_ref().map(|image| &image.value),
        &command,
        &probe,
        &has_variable,
        (&mount_targets, &container_ports),
    );
    let declared_ports = container_ports.clone();
    // A `hostPort` publishes the container's port on its node's interfaces.
    let ports: Vec<PublishedPort> = doc
        .get(container, "ports")
        .map(|list| {
            doc.items(list)
                .iter()
                .filter_map(|&port| {
                    let host_port = spanned_int(doc, port, &["hostPort"])?;
                    let target = spanned_int(doc, port, &["containerPort"])
                        .map_or_else(|| host_port.value.to_string(), |p| p.value.to_string());
                    Some(PublishedPort {
                        host_ip: str_at(doc, port, &["hostIP"]).map(str::to_owned),
                        published: Some(host_port.value.to_string()),
                        target,
                        range: host_port.range,
                        long_form: None,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Workload {
        section: reader.section_info(name_key.key, Some(resource)),
        name,
        kind,
        namespace: namespace_of(doc, resource),
        image,
        system,
        replicas,
        mounts,
        volumes: None,
        ports,
        environment,
        sidecar_environment,
        container_ports: declared_ports,
        command,
        healthcheck,
        depends_on: Vec::new(),
        pod_labels,
        spread,
        claim_templates,
        host_network: doc
            .get_entry(pod_spec, "hostNetwork")
            .filter(|entry| {
                doc.scalar(entry.value)
                    .is_some_and(|s| s.value == ScalarValue::Bool(true))
            })
            .map(|entry| doc.range(entry.value)),
        built_locally: false,
        // A Job runs to completion: a one-off task, never a server to keep.
        job: matches!(kind, WorkloadKind::Job | WorkloadKind::CronJob),
        container: spanned_str(doc, container, &["name"]),
        client_command,
        overlay: Overlay::default(),
    })
}

/// A ZooKeeper, etcd or Consul StatefulSet is a consensus ensemble of `replicas` members.
fn stateful_ensemble(workload: &Workload, model: &mut SystemModel) {
    let Some(system) = workload.system else {
        return;
    };
    if system.role != SystemRole::Coordinator {
        return;
    }
    let Some(replicas) = &workload.replicas else {
        return;
    };
    let algorithm = if system.id == "zookeeper" {
        ConsensusAlgorithm::Zab
    } else {
        ConsensusAlgorithm::Raft
    };
    model.consensus_groups.push(ConsensusGroup {
        name: Spanned::new(
            format!("{} StatefulSet `{}`", system.display, workload.name.value),
            workload.name.range,
            workload.name.key_range,
        ),
        origin: Origin::Infrastructure,
        section: workload.section.clone(),
        algorithm: Some(Spanned::new(algorithm, replicas.range, replicas.key_range)),
        nodes: Some(replicas.clone()),
        faulty: None,
    });
}

/// The broker settings of a Strimzi `Kafka` resource, as streams; its ZooKeeper as a
/// consensus group; ephemeral storage as a workload without persistence.
fn strimzi_kafka(reader: &Reader<'_>, resource: NodeId, model: &mut SystemModel) {
    let doc = reader.doc;
    let Some(name) = spanned_str(doc, resource, &["metadata", "name"]) else {
        return;
    };
    let config = doc.get_path(resource, &["spec", "kafka", "config"]);
    let setting = |key: &str| -> Option<Spanned<i64>> {
        let config = config?;
        let entry = doc.get_entry(config, key)?;
        let value = match doc.scalar(entry.value).map(|s| &s.value) {
            Some(ScalarValue::Int(n)) => *n,
            _ => doc.str(entry.value)?.trim().parse().ok()?,
        };
        Some(Spanned::new(
            value,
            doc.range(entry.value),
            doc.range(entry.key),
        ))
    };
    let unclean = config.and_then(|config| {
        let entry = doc.get_entry(config, "unclean.leader.election.enable")?;
        let value = match doc.scalar(entry.value).map(|s| &s.value) {
            Some(ScalarValue::Bool(b)) => *b,
            _ => doc.str(entry.value)?.eq_ignore_ascii_case("true"),
        };
        Some(Spanned::new(
            value,
            doc.range(entry.value),
            doc.range(entry.key),
        ))
    });
    let section = Section {
        key: name.range,
        range: doc.range(resource),
        insertion: None,
    };
    let topics: [(&str, &str, &str, &str); 3] = [
        (
            "default topics",
            "default.replication.factor",
            "min.insync.replicas",
            "the default topic settings",
        ),
        (
            "__consumer_offsets",
            "offsets.topic.replication.factor",
            "",
            "the consumer offsets topic",
        ),
        (
            "__transaction_state",
            "transaction.state.log.replication.factor",
            "transaction.state.log.min.isr",
            "the transaction state log",
        ),
    ];
    for (topic, factor_key, minimum_key, what) in topics {
        let factor = setting(factor_key);
        let minimum = (!minimum_key.is_empty())
            .then(|| setting(minimum_key))
            .flatten();
        let unclean = (topic == "default topics")
            .then(|| unclean.clone())
            .flatten();
        if factor.is_none() && minimum.is_none() && unclean.is_none() {
            continue;
        }
        model.streams.push(Stream {
            name: Spanned::new(
                format!("{}: {topic}", name.value),
                name.range,
                name.key_range,
            ),
            origin: Origin::Infrastructure,
            label: Some(format!(
                "{what} of Kafka cluster `{}` (`{factor_key}`)",
                name.value
            )),
            section: section.clone(),
            broker: None,
            partitions: None,
            replication_factor: factor,
            min_insync_replicas: minimum,
            delivery: None,
            ordering_key: None,
            schema: None,
            consumers: Vec::new(),
            unclean_leader_election: unclean,
        });
    }
    if let Some(replicas) = spanned_int(doc, resource, &["spec", "zookeeper", "replicas"]) {
        model.consensus_groups.push(ConsensusGroup {
            name: Spanned::new(
                format!("the ZooKeeper of Kafka cluster `{}`", name.value),
                name.range,
                name.key_range,
            ),
            origin: Origin::Infrastructure,
            section,
            algorithm: Some(Spanned::new(
                ConsensusAlgorithm::Zab,
                replicas.range,
                replicas.key_range,
            )),
            nodes: Some(replicas),
            faulty: None,
        });
    }
    let _ = catalog::kafka();
}

/// A Strimzi `KafkaNodePool` with the controller role is a KRaft quorum of `replicas`.
fn strimzi_node_pool(reader: &Reader<'_>, resource: NodeId, model: &mut SystemModel) {
    let doc = reader.doc;
    let Some(name) = spanned_str(doc, resource, &["metadata", "name"]) else {
        return;
    };
    let controller = doc
        .get_path(resource, &["spec", "roles"])
        .is_some_and(|roles| {
            doc.items(roles)
                .iter()
                .any(|&r| doc.str(r) == Some("controller"))
        });
    let Some(replicas) = spanned_int(doc, resource, &["spec", "replicas"]) else {
        return;
    };
    if !controller {
        return;
    }
    model.consensus_groups.push(ConsensusGroup {
        name: Spanned::new(
            format!("the KRaft controllers of KafkaNodePool `{}`", name.value),
            name.range,
            name.key_range,
        ),
        origin: Origin::Infrastructure,
        section: Section {
            key: name.range,
            range: doc.range(resource),
            insertion: None,
        },
        algorithm: Some(Spanned::new(
            ConsensusAlgorithm::Raft,
            replicas.range,
            replicas.key_range,
        )),
        nodes: Some(replicas),
        faulty: None,
    });
}

/// A Strimzi `KafkaTopic`: its replication factor and `min.insync.replicas`.
fn strimzi_topic(reader: &Reader<'_>, resource: NodeId, model: &mut SystemModel) {
    let doc = reader.doc;
    let Some(name) = spanned_str(doc, resource, &["metadata", "name"]) else {
        return;
    };
    let factor = spanned_int(doc, resource, &["spec", "replicas"]);
    let minimum = doc
        .get_path(resource, &["spec", "config"])
        .and_then(|config| {
            let entry = doc.get_entry(config, "min.insync.replicas")?;
            let value = match doc.scalar(entry.value).map(|s| &s.value) {
                Some(ScalarValue::Int(n)) => *n,
                _ => doc.str(entry.value)?.trim().parse().ok()?,
            };
            Some(Spanned::new(
                value,
                doc.range(entry.value),
                doc.range(entry.key),
            ))
        });
    model.streams.push(Stream {
        label: Some(format!("KafkaTopic `{}`", name.value)),
        section: Section {
            key: name.range,
            range: doc.range(resource),
            insertion: None,
        },
        name,
        origin: Origin::Infrastructure,
        broker: None,
        partitions: spanned_int(doc, resource, &["spec", "partitions"]),
        replication_factor: factor,
        min_insync_replicas: minimum,
        delivery: None,
        ordering_key: None,
        schema: None,
        consumers: Vec::new(),
        unclean_leader_election: None,
    });
}

/// An operator-managed database cluster: a datastore with `instances` replicas.
fn operator_cluster(
    reader: &Reader<'_>,
    resource: NodeId,
    instances: &[&str],
    what: &str,
    model: &mut SystemModel,
) {
    let doc = reader.doc;
    let Some(name) = spanned_str(doc, resource, &["metadata", "name"]) else {
        return;
    };
    let replicas = spanned_int(doc, resource, instances);
    let section = Section {
        key: name.range,
        range: doc.range(resource),
        insertion: None,
    };
    model.datastores.push(operator_datastore(
        format!("{what} {}", name.value),
        &name,
        section,
        replicas,
        None,
        None,
    ));
}
