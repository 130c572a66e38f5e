//! The rule registry: every rule's metadata, declared once, and the code that runs them.
//!
//! Each rule lives in its own file and is declared with [`declare_rule!`]: its doc
//! comment (fixed sections: What it does / Why is this bad / Example / Use instead /
//! References) becomes the text that `ddia explain`, hovers and the generated rule
//! pages show. Rules see only the [`SystemModel`] and byte ranges.

pub mod docs;
mod fix;
mod prelude;

mod all_replica_quorum;
mod async_replication_strong_consistency;
mod average_latency_slo;
mod byzantine_cluster_too_small;
mod consensus_cluster_too_small;
mod data_model_mismatch;
mod depends_on_without_health_condition;
mod distributed_transaction;
mod duplicate_key;
mod ephemeral_datastore_storage;
mod even_consensus_cluster;
mod exposed_datastore_port;
mod invalid_suppression;
mod last_write_wins;
mod min_insync_replicas_too_high;
mod missing_backup;
mod missing_circuit_breaker;
mod missing_disruption_budget;
mod missing_healthcheck;
mod missing_load_parameters;
mod missing_monitoring;
mod missing_partition_key;
mod missing_timeout;
mod missing_tracing;
mod mod_n_rebalancing;
mod monotonic_partition_key;
mod multi_leader_single_region;
mod multi_leader_without_conflict_resolution;
mod non_idempotent_consumer;
mod non_overlapping_quorums;
mod ordering_across_partitions;
mod plaintext_secret;
mod quorum_out_of_range;
mod range_query_on_hash_partitioning;
mod replicas_without_anti_affinity;
mod replication_factor_one;
mod resource_limit;
mod retry_without_backoff;
mod retry_without_jitter;
mod saga_step_without_compensation;
mod schema_violation;
mod shared_data_volume;
mod single_point_of_failure;
mod sloppy_quorum_strong_consistency;
mod storage_engine_mismatch;
mod syntax_error;
mod unauthenticated_datastore;
mod unclean_leader_election;
mod unknown_key;
mod unpinned_image;
mod unspecified_quorum;
mod untested_restore;
mod unused_suppression;
mod unversioned_event_schema;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{SystemModel, Workload};
use crate::text::TextRange;

pub use fix::{insert_key_fix, insert_keys_edit, replace_value_fix};

/// Where the generated rule pages are published; a rule's page is `{DOCS_URL}{code}.md`.
pub const DOCS_URL: &str = crate::links::RULE_PAGES;

/// A group of related rules, for listings and configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Syntax,
    Replication,
    Partitioning,
    Transactions,
    Streams,
    Reliability,
    Consensus,
    Storage,
    Operations,
    Infrastructure,
    /// Who can reach a datastore and whether it asks who they are.
    Access,
}

impl Category {
    /// Every category, in listing order.
    pub const ALL: [Category; 11] = [
        Category::Syntax,
        Category::Replication,
        Category::Partitioning,
        Category::Transactions,
        Category::Streams,
        Category::Reliability,
        Category::Consensus,
        Category::Storage,
        Category::Operations,
        Category::Infrastructure,
        Category::Access,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Replication => "replication",
            Category::Partitioning => "partitioning",
            Category::Transactions => "transactions",
            Category::Streams => "streams",
            Category::Reliability => "reliability",
            Category::Consensus => "consensus",
            Category::Storage => "storage",
            Category::Operations => "operations",
            Category::Infrastructure => "infrastructure",
            Category::Access => "access",
        }
    }
}

/// Whether a rule's findings come with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// What a rule's findings depend on: this decides which of them an edit can leave as
/// they are (see [`crate::analysis::PartFindings`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The whole model: findings may relate components to each other or to the
    /// file's other sections (requirements, observability, volumes).
    Model,
    /// One component at a time: what the rule reports about a component (a datastore,
    /// service, stream or workflow of a spec; a Compose service's workload, its
    /// `x-ddia` datastore and its Kafka settings) depends on that component alone, so
    /// the rule can run on a model that holds only it. Such findings of the components
    /// an edit did not touch are kept instead of computed again.
    Component,
    /// One Compose workload at a time, with the whole model to look others up in: what
    /// the rule reports about a workload depends on that workload and on what
    /// [`SystemModel::relations`] records of the others (their names, systems, health
    /// checks and dependency targets). The rule reports only on
    /// [`RuleContext::workloads`]. Such findings of the services an edit did not touch
    /// are kept, unless the edit changed what the relations record.
    Related,
}

/// The signature of a rule that checks the system model.
pub type CheckFn = fn(&SystemModel, &mut RuleContext<'_>);

/// A rule and its metadata.
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// One line saying what the rule finds.
    pub summary: &'static str,
    pub fix: FixAvailability,
    /// The doc comment of the rule's declaration, as written (one leading space per line).
    pub raw_docs: &'static str,
    /// `None` for rules reported by the syntax layer or the model builder.
    pub check: Option<CheckFn>,
    pub scope: Scope,
}

impl Rule {
    /// The rule's documentation as Markdown.
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The address of the rule's page.
    pub fn url(&self) -> String {
        format!("{DOCS_URL}{}.md", self.code)
    }

    /// Starts a finding of this rule at `range`.
    pub fn diagnostic(&self, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: self.code,
            severity: self.severity,
            message: message.into(),
            range,
            related: Vec::new(),
            fixes: Vec::new(),
            part: None,
        }
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

/// Declares a rule: its doc comment, metadata and check function, in one place.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = {
            code: $code:literal,
            severity: $severity:ident,
            category: $category:ident,
            summary: $summary:literal,
            fix: $fix:ident,
            $(scope: $scope:ident,)?
            check: $check:expr $(,)?
        }
    ) => {
        $vis static $name: $crate::rules::Rule = $crate::rules::Rule {
            code: $code,
            severity: $crate::diagnostic::Severity::$severity,
            category: $crate::rules::Category::$category,
            summary: $summary,
            fix: $crate::rules::FixAvailability::$fix,
            raw_docs: concat!($($doc, "\n"),*),
            check: $check,
            scope: declare_rule!(@scope $($scope)?),
        };
    };
    (@scope) => { $crate::rules::Scope::Model };
    (@scope $scope:ident) => { $crate::rules::Scope::$scope };
}
pub(crate) use declare_rule;

/// Every rule, in the order of the catalog.
pub static ALL_RULES: &[&Rule] = &[
    &syntax_error::SYNTAX_ERROR,
    &duplicate_key::DUPLICATE_KEY,
    &resource_limit::RESOURCE_LIMIT,
    &schema_violation::SCHEMA_VIOLATION,
    &unknown_key::UNKNOWN_KEY,
    &unused_suppression::UNUSED_SUPPRESSION,
    &invalid_suppression::INVALID_SUPPRESSION,
    &multi_leader_without_conflict_resolution::MULTI_LEADER_WITHOUT_CONFLICT_RESOLUTION,
    &last_write_wins::LAST_WRITE_WINS,
    &multi_leader_single_region::MULTI_LEADER_SINGLE_REGION,
    &async_replication_strong_consistency::ASYNC_REPLICATION_STRONG_CONSISTENCY,
    &single_point_of_failure::SINGLE_POINT_OF_FAILURE,
    &non_overlapping_quorums::NON_OVERLAPPING_QUORUMS,
    &quorum_out_of_range::QUORUM_OUT_OF_RANGE,
    &unspecified_quorum::UNSPECIFIED_QUORUM,
    &all_replica_quorum::ALL_REPLICA_QUORUM,
    &sloppy_quorum_strong_consistency::SLOPPY_QUORUM_STRONG_CONSISTENCY,
    &missing_partition_key::MISSING_PARTITION_KEY,
    &range_query_on_hash_partitioning::RANGE_QUERY_ON_HASH_PARTITIONING,
    &monotonic_partition_key::MONOTONIC_PARTITION_KEY,
    &mod_n_rebalancing::MOD_N_REBALANCING,
    &distributed_transaction::DISTRIBUTED_TRANSACTION,
    &saga_step_without_compensation::SAGA_STEP_WITHOUT_COMPENSATION,
    &non_idempotent_consumer::NON_IDEMPOTENT_CONSUMER,
    &unversioned_event_schema::UNVERSIONED_EVENT_SCHEMA,
    &ordering_across_partitions::ORDERING_ACROSS_PARTITIONS,
    &replication_factor_one::REPLICATION_FACTOR_ONE,
    &min_insync_replicas_too_high::MIN_INSYNC_REPLICAS_TOO_HIGH,
    &average_latency_slo::AVERAGE_LATENCY_SLO,
    &missing_load_parameters::MISSING_LOAD_PARAMETERS,
    &retry_without_backoff::RETRY_WITHOUT_BACKOFF,
    &retry_without_jitter::RETRY_WITHOUT_JITTER,
    &missing_timeout::MISSING_TIMEOUT,
    &missing_circuit_breaker::MISSING_CIRCUIT_BREAKER,
    &even_consensus_cluster::EVEN_CONSENSUS_CLUSTER,
    &consensus_cluster_too_small::CONSENSUS_CLUSTER_TOO_SMALL,
    &byzantine_cluster_too_small::BYZANTINE_CLUSTER_TOO_SMALL,
    &storage_engine_mismatch::STORAGE_ENGINE_MISMATCH,
    &data_model_mismatch::DATA_MODEL_MISMATCH,
    &missing_backup::MISSING_BACKUP,
    &untested_restore::UNTESTED_RESTORE,
    &missing_monitoring::MISSING_MONITORING,
    &missing_tracing::MISSING_TRACING,
    &ephemeral_datastore_storage::EPHEMERAL_DATASTORE_STORAGE,
    &exposed_datastore_port::EXPOSED_DATASTORE_PORT,
    &unauthenticated_datastore::UNAUTHENTICATED_DATASTORE,
    &plaintext_secret::PLAINTEXT_SECRET,
    &unpinned_image::UNPINNED_IMAGE,
    &missing_healthcheck::MISSING_HEALTHCHECK,
    &depends_on_without_health_condition::DEPENDS_ON_WITHOUT_HEALTH_CONDITION,
    &unclean_leader_election::UNCLEAN_LEADER_ELECTION,
    &shared_data_volume::SHARED_DATA_VOLUME,
    &replicas_without_anti_affinity::REPLICAS_WITHOUT_ANTI_AFFINITY,
    &missing_disruption_budget::MISSING_DISRUPTION_BUDGET,
];

pub use duplicate_key::DUPLICATE_KEY;
pub use invalid_suppression::INVALID_SUPPRESSION;
pub use resource_limit::RESOURCE_LIMIT;
pub use schema_violation::SCHEMA_VIOLATION;
pub use syntax_error::SYNTAX_ERROR;
pub use unknown_key::UNKNOWN_KEY;
pub use unused_suppression::UNUSED_SUPPRESSION;

/// `1 replica`, `3 replicas`: a count with its noun.
pub(crate) fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Whether the rule with this code is a [`Scope::Related`] rule.
pub fn is_related(code: &str) -> bool {
    static CODES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    CODES
        .get_or_init(|| {
            ALL_RULES
                .iter()
                .filter(|rule| rule.scope == Scope::Related)
                .map(|rule| rule.code)
                .collect()
        })
        .contains(&code)
}

/// Finds a rule by its code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    ALL_RULES.iter().copied().find(|rule| rule.code == code)
}

/// What a rule writes its findings to.
pub struct RuleContext<'a> {
    pub rule: &'static Rule,
    pub text: &'a str,
    /// The workloads a [`Scope::Related`] rule reports on: all of them, or one part's.
    workloads: Option<std::ops::Range<usize>>,
    diagnostics: Vec<Diagnostic>,
}

impl RuleContext<'_> {
    /// The workloads to report on: the whole model's, or, when a [`Scope::Related`]
    /// rule runs part by part, the part's.
    pub fn workloads<'m>(&self, model: &'m SystemModel) -> &'m [Workload] {
        match &self.workloads {
            Some(range) => model.workloads.get(range.clone()).unwrap_or_default(),
            None => &model.workloads,
        }
    }

    /// Starts a finding of the running rule.
    pub fn diagnostic(&self, range: TextRange, message: impl Into<String>) -> Diagnostic {
        self.rule.diagnostic(range, message)
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// A rule that failed (panicked) on a model; the other rules still ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFailure {
    pub code: &'static str,
    pub message: String,
}

/// Runs every model rule. A rule that panics is skipped and reported as a failure,
/// so one broken rule never takes the others (or the server) down with it.
pub fn run_rules(model: &SystemModel, text: &str) -> (Vec<Diagnostic>, Vec<RuleFailure>) {
    run_rules_where(model, text, |_| true, true)
}

/// Runs the [`Scope::Related`] rules on some parts of `model`: each `(tag, workloads)`
/// pair is one part's workloads, and the findings made on them are tagged with the
/// part (`Diagnostic::part`). The rules look the other workloads up in the whole model.
/// A rule that panics on one part is a failure, and none of its findings are kept.
pub fn run_related_rules(
    model: &SystemModel,
    text: &str,
    parts: &[(u32, std::ops::Range<usize>)],
) -> (Vec<Diagnostic>, Vec<RuleFailure>) {
    if parts.is_empty() {
        return (Vec::new(), Vec::new());
    }
    run_guarded(
        text,
        |rule| rule.scope == Scope::Related,
        |check, context| {
            for (tag, workloads) in parts {
                context.workloads = Some(workloads.clone());
                let before = context.diagnostics.len();
                check(model, context);
                for diagnostic in &mut context.diagnostics[before..] {
                    diagnostic.part = Some(*tag);
                }
            }
        },
    )
}

/// Runs the model rules of one [`Scope`], as [`run_rules`] runs them all.
pub fn run_rules_in(
    scope: Scope,
    model: &SystemModel,
    text: &str,
) -> (Vec<Diagnostic>, Vec<RuleFailure>) {
    run_rules_where(
        model,
        text,
        |rule| rule.scope == scope,
        scope == Scope::Model,
    )
}

fn run_rules_where(
    model: &SystemModel,
    text: &str,
    selected: impl Fn(&Rule) -> bool,
    #[cfg_attr(not(feature = "fault-injection"), allow(unused_variables))] whole_model: bool,
) -> (Vec<Diagnostic>, Vec<RuleFailure>) {
    #[cfg_attr(not(feature = "fault-injection"), allow(unused_mut))]
    let (diagnostics, mut failures) =
        run_guarded(text, selected, |check, context| check(model, context));
    #[cfg(feature = "fault-injection")]
    if whole_model && text.starts_with(FAULT_RULE_PANIC) {
        // A rule that fails, for tests of the failure path; never in a release build.
        let result = std::panic::catch_unwind(|| injected_fault(text));
        if let Err(payload) = result {
            failures.push(RuleFailure {
                code: "fault-injection",
                message: panic_message(payload.as_ref()),
            });
        }
    }
    (diagnostics, failures)
}

/// Runs `run` with each selected rule's check and a fresh context, one rule at a time.
/// A rule that panics is a failure, and none of its findings are kept.
fn run_guarded(
    text: &str,
    selected: impl Fn(&Rule) -> bool,
    run: impl Fn(CheckFn, &mut RuleContext<'_>),
) -> (Vec<Diagnostic>, Vec<RuleFailure>) {
    let mut diagnostics = Vec::new();
    let mut failures = Vec::new();
    for &rule in ALL_RULES {
        let Some(check) = rule.check.filter(|_| selected(rule)) else {
            continue;
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut context = RuleContext {
                rule,
                text,
                workloads: None,
                diagnostics: Vec::new(),
            };
            run(check, &mut context);
            context.diagnostics
        }));
        match result {
            Ok(found) => diagnostics.extend(found),
            Err(payload) => failures.push(RuleFailure {
                code: rule.code,
                message: panic_message(payload.as_ref()),
            }),
        }
    }
    (diagnostics, failures)
}

/// The test-only rule: it fails on every file it is given.
#[cfg(feature = "fault-injection")]
fn injected_fault(text: &str) -> usize {
    assert!(text.is_empty(), "injected fault in a rule");
    0
}

/// Files whose first line is this comment make a test-only rule panic (feature
/// `fault-injection`). Only the start is looked at: the check costs nothing.
#[cfg(feature = "fault-injection")]
pub const FAULT_RULE_PANIC: &str = "# ddia-fault: rule-panic";

/// Files whose first line is this comment make the language server's hover handler
/// panic (feature `fault-injection`).
#[cfg(feature = "fault-injection")]
pub const FAULT_HOVER_PANIC: &str = "# ddia-fault: hover-panic";

/// The text of a panic's payload, when it has one.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
