//! The JSON Schema in `grammars/` is the single source of truth for the spec's keys and
//! values: these tests fail when the model's reader and the schema disagree.

use ddia::model::*;
use serde_json::Value;
use std::collections::BTreeSet;

fn schema() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../grammars/system-spec.schema.json"
    );
    let text = std::fs::read_to_string(path).expect("the schema exists");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn definition<'a>(schema: &'a Value, name: &str) -> &'a Value {
    if name == "spec" {
        return schema;
    }
    schema
        .pointer(&format!("/$defs/{name}"))
        .unwrap_or_else(|| panic!("the schema has no $defs/{name}"))
}

fn property_names(definition: &Value) -> BTreeSet<String> {
    definition["properties"]
        .as_object()
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

/// The enumerated values of a property, following one `$ref`.
fn enum_values(schema: &Value, definition_name: &str, property: &str) -> BTreeSet<String> {
    let mut node = &definition(schema, definition_name)["properties"][property];
    if let Some(reference) = node["$ref"].as_str() {
        node = schema
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {reference}"));
    }
    node["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{definition_name}.{property} has no enum in the schema"))
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn spellings<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> BTreeSet<String> {
    all.iter().map(|&v| as_str(v).to_owned()).collect()
}

#[test]
fn every_mapping_has_the_same_keys_in_the_reader_and_the_schema() {
    let schema = schema();
    for (name, keys) in SPEC_KEYS {
        let from_reader: BTreeSet<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        assert_eq!(
            property_names(definition(&schema, name)),
            from_reader,
            "keys of `{name}`"
        );
    }
    let latency: BTreeSet<String> = spellings(LatencyStatistic::ALL, LatencyStatistic::as_str);
    assert_eq!(property_names(definition(&schema, "latency")), latency);
}

#[test]
fn every_enumeration_has_the_same_values_in_the_model_and_the_schema() {
    let schema = schema();
    let cases: Vec<(&str, &str, BTreeSet<String>)> = vec![
        (
            "requirements",
            "consistency",
            spellings(Consistency::ALL, Consistency::as_str),
        ),
        (
            "datastore",
            "consistency",
            spellings(Consistency::ALL, Consistency::as_str),
        ),
        (
            "accessPattern",
            "kind",
            spellings(AccessKind::ALL, AccessKind::as_str),
        ),
        (
            "datastore",
            "model",
            spellings(DataModel::ALL, DataModel::as_str),
        ),
        (
            "datastore",
            "engine",
            spellings(StorageEngine::ALL, StorageEngine::as_str),
        ),
        (
            "datastore",
            "workload",
            spellings(WorkloadType::ALL, WorkloadType::as_str),
        ),
        (
            "replication",
            "mode",
            spellings(ReplicationMode::ALL, ReplicationMode::as_str),
        ),
        (
            "replication",
            "sync",
            spellings(SyncMode::ALL, SyncMode::as_str),
        ),
        (
            "replication",
            "conflict_resolution",
            spellings(ConflictResolution::ALL, ConflictResolution::as_str),
        ),
        (
            "replication",
            "failover",
            spellings(Failover::ALL, Failover::as_str),
        ),
        (
            "partitioning",
            "strategy",
            spellings(PartitionStrategy::ALL, PartitionStrategy::as_str),
        ),
        (
            "partitioning",
            "key_kind",
            spellings(KeyKind::ALL, KeyKind::as_str),
        ),
        (
            "partitioning",
            "rebalancing",
            spellings(Rebalancing::ALL, Rebalancing::as_str),
        ),
        (
            "partitioning",
            "secondary_indexes",
            spellings(SecondaryIndexes::ALL, SecondaryIndexes::as_str),
        ),
        (
            "transactions",
            "isolation",
            spellings(Isolation::ALL, Isolation::as_str),
        ),
        (
            "transactions",
            "distributed",
            spellings(
                DistributedTransactions::ALL,
                DistributedTransactions::as_str,
            ),
        ),
        (
            "retries",
            "backoff",
            spellings(Backoff::ALL, Backoff::as_str),
        ),
        (
            "dependency",
            "mode",
            spellings(CallMode::ALL, CallMode::as_str),
        ),
        (
            "stream",
            "delivery",
            spellings(Delivery::ALL, Delivery::as_str),
        ),
        (
            "eventSchema",
            "format",
            spellings(SchemaFormat::ALL, SchemaFormat::as_str),
        ),
        (
            "eventSchema",
            "compatibility",
            spellings(Compatibility::ALL, Compatibility::as_str),
        ),
        (
            "workflow",
            "pattern",
            spellings(WorkflowPattern::ALL, WorkflowPattern::as_str),
        ),
        (
            "consensusGroup",
            "algorithm",
            spellings(ConsensusAlgorithm::ALL, ConsensusAlgorithm::as_str),
        ),
    ];
    for (definition_name, property, values) in cases {
        assert_eq!(
            enum_values(&schema, definition_name, property),
            values,
            "{definition_name}.{property}"
        );
    }
}

#[test]
fn the_schema_declares_its_dialect_and_id() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["$id"],
        ddia::links::schema_url("system-spec.schema.json")
    );
}
