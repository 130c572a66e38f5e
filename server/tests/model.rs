//! Tests of the system model read from a spec: values, ranges, sections and problems.

use ddia::analysis::{AnalysisInput, analyze};
use ddia::kind::FileKind;
use ddia::model::*;

fn model_of(text: &str) -> SystemModel {
    let analysis = analyze(AnalysisInput {
        text,
        path: Some(std::path::Path::new("m.ddia.yaml")),
        language_id: None,
        previous_tree: None,
        read_file: Some(&ddia::analysis::read_from_disk),
        max_file_size: None,
        workspace: None,
        line_index: None,
        ..AnalysisInput::default()
    });
    assert_eq!(analysis.kind, FileKind::Spec);
    analysis.model.expect("a spec has a model")
}

fn slice(text: &str, range: ddia::text::TextRange) -> &str {
    &text[range.as_range()]
}

#[test]
fn reads_the_whole_vocabulary_of_the_contract_example() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/clean.ddia.yaml"
    ))
    .expect("the clean example exists");
    let model = model_of(&text);
    assert!(model.problems.is_empty(), "{:?}", model.problems);
    assert_eq!(model.version.as_ref().map(|v| v.value), Some(1));
    assert!(model.requirements.is_some());
    assert!(!model.datastores.is_empty());
    assert!(!model.services.is_empty());
    assert!(!model.streams.is_empty());
    assert!(!model.workflows.is_empty());
    assert!(!model.consensus_groups.is_empty());
    assert!(model.observability.is_some());
    assert!(!model.decisions.is_empty());
}

#[test]
fn facts_keep_the_ranges_of_their_values_and_keys() {
    let text = "\
ddia: 1
requirements:
  consistency: strong
  latency: {p50: 20ms, p99: 1.5s}
  load: {requests_per_second: 12000, data_volume: 4TB}
  availability: 99.95%
datastores:
  orders:
    replication:
      mode: single-leader
      replicas: 3
      regions: [eu-west, us-east]
services:
  api:
    depends_on:
      orders:
        timeout: 500ms
        retries: {max: 3, backoff: exponential, jitter: true}
  worker:
    depends_on: [orders]
";
    let model = model_of(text);
    assert!(model.problems.is_empty(), "{:?}", model.problems);
    let requirements = model.requirements.as_ref().expect("requirements");
    assert_eq!(
        requirements.consistency.as_ref().map(|c| c.value),
        Some(Consistency::Strong)
    );
    let latency = requirements.latency.as_ref().expect("latency");
    assert_eq!(latency.targets.len(), 2);
    assert_eq!(latency.targets[1].statistic.value, LatencyStatistic::P99);
    assert_eq!(latency.targets[1].value.value, Duration { millis: 1500.0 });
    assert_eq!(slice(text, latency.targets[1].value.range), "1.5s");
    let load = requirements.load.as_ref().expect("load");
    assert_eq!(
        load.requests_per_second.as_ref().map(|v| v.value),
        Some(12000.0)
    );
    assert_eq!(
        load.data_volume.as_ref().map(|v| v.value),
        Some(Quantity { bytes: 4e12 })
    );
    assert_eq!(
        requirements.availability.as_ref().map(|v| v.value),
        Some(99.95)
    );

    let orders = model.datastore("orders").expect("orders");
    assert_eq!(slice(text, orders.name.range), "orders");
    let replication = orders.replication.as_ref().expect("replication");
    let section = replication.section.as_ref().expect("section");
    assert_eq!(slice(text, section.key), "replication");
    let mode = replication.mode.as_ref().expect("mode");
    assert_eq!(mode.value, ReplicationMode::SingleLeader);
    assert_eq!(slice(text, mode.range), "single-leader");
    assert_eq!(slice(text, mode.key_range), "mode");
    let regions = replication.regions.as_ref().expect("regions");
    assert_eq!(
        regions
            .value
            .iter()
            .map(|r| r.value.as_str())
            .collect::<Vec<_>>(),
        ["eu-west", "us-east"]
    );
    assert_eq!(
        model.consistency_of(orders).map(|c| c.value),
        Some(Consistency::Strong)
    );

    let api = &model.services[0];
    let dependency = &api.dependencies[0];
    assert_eq!(dependency.form, DependencyForm::Long);
    assert_eq!(
        dependency.timeout.as_ref().map(|t| t.value.millis),
        Some(500.0)
    );
    let retries = dependency.retries.as_ref().expect("retries");
    assert_eq!(
        retries.backoff.as_ref().map(|b| b.value),
        Some(Backoff::Exponential)
    );
    let worker = &model.services[1];
    assert_eq!(worker.dependencies[0].form, DependencyForm::Short);
    assert_eq!(slice(text, worker.dependencies[0].target.range), "orders");
}

#[test]
fn wrong_types_and_unknown_values_are_recorded_not_fatal() {
    let text = "\
ddia: 1
datastores:
  a:
    replication: {mode: chain, replicas: 2.5, sloppy_quorum: maybe}
    backup: daily
  b: [not, a, mapping]
  x-notes: {anything: goes}
consensus:
  meta: {algorithm: raft, nodes: five}
";
    let model = model_of(text);
    let messages: Vec<&str> = model.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`mode` must be one of none, single-leader, multi-leader, leaderless; found \"chain\"",
            "`replicas` must be a whole number, found `2.5`",
            "`sloppy_quorum` must be true or false, found \"maybe\"",
            "`backup` must be a mapping of keys to values, found \"daily\"",
            "`b` must be a mapping of keys to values, found a list",
            "`nodes` must be a whole number, found \"five\"",
        ]
    );
    // What could be read is kept; extension entries are not datastores.
    assert_eq!(model.datastores.len(), 1);
    let replication = model.datastores[0]
        .replication
        .as_ref()
        .expect("replication");
    assert!(replication.mode.is_none());
    assert_eq!(
        model.consensus_groups[0]
            .algorithm
            .as_ref()
            .map(|a| a.value),
        Some(ConsensusAlgorithm::Raft)
    );
}

#[test]
fn sections_know_where_to_insert_a_key() {
    let text = "ddia: 1\ndatastores:\n  a:\n    replication:\n      mode: leaderless   # note\n      replicas: 3\n  b:\n    replication: {mode: leaderless}\n  c:\n    replication:\n";
    let model = model_of(text);
    let insertion = |name: &str| {
        model
            .datastore(name)
            .and_then(|d| d.replication.as_ref())
            .and_then(|r| r.section.as_ref())
            .and_then(|s| s.insertion.clone())
    };
    let end_of_replicas = text.find("replicas: 3").expect("in text") + "replicas: 3".len();
    assert_eq!(
        insertion("a"),
        Some(Insertion::Block {
            offset: end_of_replicas,
            indent: 6
        })
    );
    let brace = text.find("leaderless}").expect("in text") + "leaderless".len();
    assert_eq!(
        insertion("b"),
        Some(Insertion::Flow {
            offset: brace,
            empty: false
        })
    );
    let end = text.len() - 1;
    assert_eq!(
        insertion("c"),
        Some(Insertion::Block {
            offset: end,
            indent: 6
        })
    );
}
