//! `data-model-mismatch`: access patterns the datastore's data model serves poorly.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `model: document` datastore with an access pattern of kind `join` or
    /// `graph-traversal`, and a `model: graph` datastore with one of kind `scan` or
    /// `aggregate`.
    ///
    /// ## Why is this bad
    /// Document stores shine when a record is read and written as one self-contained
    /// tree; joins across documents are weak or missing, so the application ends up
    /// doing them in code, with one round trip per reference, and many-to-many data
    /// gets duplicated and drifts. Graph databases are built for following
    /// relationships from a starting point; bulk scans and aggregations over all
    /// vertices are what they do worst, and an analytical or columnar store does them
    /// far better.
    ///
    /// ## Example
    /// ```yaml
    /// requirements:
    ///   access_patterns:
    ///     - {name: friends of friends, datastore: profiles, kind: graph-traversal}
    /// datastores:
    ///   profiles: {model: document}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   profiles: {model: graph}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 2: "Data Models and Query
    ///   Languages" (many-to-many relationships, graph-like data models).
    /// - The guide, "Data Model Selection".
    pub static DATA_MODEL_MISMATCH = {
        code: "data-model-mismatch",
        severity: Info,
        category: Storage,
        summary: "An access pattern that the datastore's data model serves poorly",
        fix: None,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(data_model) = &datastore.model else {
            continue;
        };
        for pattern in model.access_patterns_of(&datastore.name.value) {
            let Some(kind) = &pattern.kind else {
                continue;
            };
            let why = match (data_model.value, kind.value) {
                (DataModel::Document, AccessKind::Join) => {
                    "document stores join poorly, so the application ends up joining in code"
                }
                (DataModel::Document, AccessKind::GraphTraversal) => {
                    "document stores cannot follow relationships, so each hop is another query"
                }
                (DataModel::Graph, AccessKind::Scan) => {
                    "graph databases are built to follow relationships, not to scan everything"
                }
                (DataModel::Graph, AccessKind::Aggregate) => {
                    "graph databases are built to follow relationships, not to aggregate over everything"
                }
                _ => continue,
            };
            let pattern_name = pattern
                .name
                .as_ref()
                .map_or_else(String::new, |n| format!(" `{}`", n.value));
            let diagnostic = ctx
                .diagnostic(
                    data_model.range,
                    format!(
                        "datastore `{}` uses the {} model but serves the {} access pattern{pattern_name}: {why}",
                        datastore.name.value, data_model.value, kind.value
                    ),
                )
                .with_related(kind.range, format!("a {} access pattern", kind.value));
            ctx.report(diagnostic);
        }
    }
}
