//! The design-review checklist: which items of a design review a system model covers, and where.
//!
//! The items follow the design checklist of the guide (requirements analysis,
//! architecture decisions, operational readiness, maintainability), restricted to
//! what a system spec can state. Each item is covered, partly covered, missing or not
//! applicable, with the byte range of the text that covers it.

use crate::model::{Datastore, LatencyStatistic, SourceFormat, SystemModel};
use crate::text::TextRange;

/// The part of a design review an item belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    Requirements,
    Architecture,
    Operations,
    Maintainability,
}

impl Part {
    pub fn title(self) -> &'static str {
        match self {
            Part::Requirements => "Requirements analysis",
            Part::Architecture => "Architecture decisions",
            Part::Operations => "Operational readiness",
            Part::Maintainability => "Maintainability",
        }
    }
}

/// How far the model covers an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Covered,
    /// Stated for some components but not all, or stated without the essential part.
    Partial,
    Missing,
    /// Nothing in the design needs it (schema evolution without streams).
    NotApplicable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Covered => "covered",
            Status::Partial => "partial",
            Status::Missing => "missing",
            Status::NotApplicable => "not-applicable",
        }
    }
}

/// One checklist item and its verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// A stable identifier (`load-parameters`).
    pub id: &'static str,
    pub part: Part,
    pub title: &'static str,
    pub status: Status,
    /// The text that covers the item (its first place), if any.
    pub range: Option<TextRange>,
    /// What covers it, or what to add.
    pub detail: String,
}

/// The checklist of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checklist {
    pub items: Vec<Item>,
    /// A remark about the whole file (for Compose and Kubernetes files).
    pub note: Option<&'static str>,
}

impl Checklist {
    /// Items fully covered.
    pub fn covered(&self) -> usize {
        self.count(Status::Covered)
    }

    /// Items partly covered.
    pub fn partial(&self) -> usize {
        self.count(Status::Partial)
    }

    /// Items that apply to the design.
    pub fn applicable(&self) -> usize {
        self.items.len() - self.count(Status::NotApplicable)
    }

    fn count(&self, status: Status) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }

    /// `9 of 14 covered` (with `, 2 partly` when some are partly covered).
    pub fn summary(&self) -> String {
        let mut text = format!("{} of {} covered", self.covered(), self.applicable());
        if self.partial() > 0 {
            text.push_str(&format!(", {} partly", self.partial()));
        }
        text
    }
}

/// The note for files that are not system specs.
pub const INFRASTRUCTURE_NOTE: &str = "This file describes infrastructure: requirements, observability and decisions can only be stated in a system spec (datastores also in `x-ddia` fragments), so most items are missing here.";

/// Reviews a model against the checklist.
pub fn review(model: &SystemModel) -> Checklist {
    let items = vec![
        load_parameters(model),
        latency_percentiles(model),
        consistency_target(model),
        availability_target(model),
        access_patterns(model),
        per_datastore(model, "data-models", "Data models", "`model`", |d| {
            d.model
                .as_ref()
                .map(|m| (m.key_range, format!("{}", m.value)))
        }),
        per_datastore(
            model,
            "replication",
            "Replication strategy",
            "a `replication` mode or replica count",
            |d| {
                let replication = d.replication.as_ref()?;
                if let Some(mode) = &replication.mode {
                    return Some((mode.key_range, mode.value.to_string()));
                }
                let replicas = replication.replicas.as_ref()?;
                Some((replicas.key_range, format!("{} replicas", replicas.value)))
            },
        ),
        per_datastore(
            model,
            "partitioning",
            "Partitioning",
            "a `partitioning` strategy (`none` is a choice too)",
            |d| {
                let strategy = d.partitioning.as_ref()?.strategy.as_ref()?;
                Some((strategy.key_range, strategy.value.to_string()))
            },
        ),
        backups(model),
        monitoring(model),
        alerting(model),
        tracing(model),
        schema_evolution(model),
        decisions(model),
    ];
    Checklist {
        items,
        note: (model.format != SourceFormat::Spec).then_some(INFRASTRUCTURE_NOTE),
    }
}

fn item(
    id: &'static str,
    part: Part,
    title: &'static str,
    status: Status,
    range: Option<TextRange>,
    detail: impl Into<String>,
) -> Item {
    Item {
        id,
        part,
        title,
        status,
        range,
        detail: detail.into(),
    }
}

fn load_parameters(model: &SystemModel) -> Item {
    let (id, title) = ("load-parameters", "Load parameters");
    let Some(load) = model.requirements.as_ref().and_then(|r| r.load.as_ref()) else {
        return item(
            id,
            Part::Requirements,
            title,
            Status::Missing,
            None,
            "state `requirements.load`: requests per second, read/write ratio, data volume, concurrent users",
        );
    };
    let stated: Vec<&str> = [
        ("requests_per_second", load.requests_per_second.is_some()),
        ("read_write_ratio", load.read_write_ratio.is_some()),
        ("data_volume", load.data_volume.is_some()),
        ("growth", load.growth.is_some()),
        ("concurrent_users", load.concurrent_users.is_some()),
    ]
    .iter()
    .filter(|(_, present)| *present)
    .map(|(name, _)| *name)
    .collect();
    if stated.is_empty() {
        return item(
            id,
            Part::Requirements,
            title,
            Status::Partial,
            Some(load.section.key),
            "`requirements.load` states no parameter",
        );
    }
    item(
        id,
        Part::Requirements,
        title,
        Status::Covered,
        Some(load.section.key),
        stated.join(", "),
    )
}

fn latency_percentiles(model: &SystemModel) -> Item {
    let (id, title) = ("latency-percentiles", "Latency percentiles");
    let Some(latency) = model.requirements.as_ref().and_then(|r| r.latency.as_ref()) else {
        return item(
            id,
            Part::Requirements,
            title,
            Status::Missing,
            None,
            "state `requirements.latency` as percentiles (p50, p99, p999)",
        );
    };
    let percentiles: Vec<&LatencyStatistic> = latency
        .targets
        .iter()
        .map(|t| &t.statistic.value)
        .filter(|s| !s.is_average())
        .collect();
    if percentiles.is_empty() {
        return item(
            id,
            Part::Requirements,
            title,
            Status::Partial,
            Some(latency.section.key),
            "no percentile: an average hides the slow requests; state p99 or p999",
        );
    }
    let first = latency
        .targets
        .iter()
        .find(|t| !t.statistic.value.is_average())
        .map_or(latency.section.key, |t| t.statistic.key_range);
    item(
        id,
        Part::Requirements,
        title,
        Status::Covered,
        Some(first),
        percentiles
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn consistency_target(model: &SystemModel) -> Item {
    let (id, title) = ("consistency-target", "Consistency target");
    if let Some(consistency) = model
        .requirements
        .as_ref()
        .and_then(|r| r.consistency.as_ref())
    {
        return item(
            id,
            Part::Requirements,
            title,
            Status::Covered,
            Some(consistency.key_range),
            consistency.value.to_string(),
        );
    }
    let stating: Vec<&Datastore> = model
        .datastores
        .iter()
        .filter(|d| d.consistency.is_some())
        .collect();
    let first = stating
        .first()
        .and_then(|d| d.consistency.as_ref())
        .map(|c| c.key_range);
    if !model.datastores.is_empty() && stating.len() == model.datastores.len() {
        return item(
            id,
            Part::Requirements,
            title,
            Status::Covered,
            first,
            "every datastore states its `consistency`",
        );
    }
    if !stating.is_empty() {
        return item(
            id,
            Part::Requirements,
            title,
            Status::Partial,
            first,
            format!(
                "{} of {} datastores state a `consistency`; state `requirements.consistency` as the default",
                stating.len(),
                model.datastores.len()
            ),
        );
    }
    item(
        id,
        Part::Requirements,
        title,
        Status::Missing,
        None,
        "state `requirements.consistency` (linearizable, strong, causal, read-your-writes, eventual)",
    )
}

fn availability_target(model: &SystemModel) -> Item {
    let (id, title) = ("availability-target", "Availability target");
    match model
        .requirements
        .as_ref()
        .and_then(|r| r.availability.as_ref())
    {
        Some(availability) => item(
            id,
            Part::Requirements,
            title,
            Status::Covered,
            Some(availability.key_range),
            format!("{}%", availability.value),
        ),
        None => item(
            id,
            Part::Requirements,
            title,
            Status::Missing,
            None,
            "state `requirements.availability` (such as 99.95%)",
        ),
    }
}

fn access_patterns(model: &SystemModel) -> Item {
    let (id, title) = ("access-patterns", "Access patterns");
    let patterns = model
        .requirements
        .as_ref()
        .map(|r| r.access_patterns.as_slice())
        .unwrap_or_default();
    match patterns.first() {
        Some(first) => item(
            id,
            Part::Requirements,
            title,
            Status::Covered,
            Some(first.range),
            crate::arithmetic::plural(patterns.len() as i64, "access pattern", "access patterns"),
        ),
        None => item(
            id,
            Part::Requirements,
            title,
            Status::Missing,
            None,
            "list `requirements.access_patterns`: which datastore, which kind of query, which key",
        ),
    }
}

/// An item every datastore must state: covered when all do, partial when some do.
fn per_datastore(
    model: &SystemModel,
    id: &'static str,
    title: &'static str,
    what: &str,
    stated: impl Fn(&Datastore) -> Option<(TextRange, String)>,
) -> Item {
    let part = Part::Architecture;
    if model.datastores.is_empty() {
        return item(
            id,
            part,
            title,
            Status::Missing,
            None,
            "no datastores are stated",
        );
    }
    let found: Vec<(&Datastore, Option<(TextRange, String)>)> =
        model.datastores.iter().map(|d| (d, stated(d))).collect();
    let first = found
        .iter()
        .find_map(|(_, s)| s.as_ref().map(|(range, _)| *range));
    let lacking: Vec<String> = found
        .iter()
        .filter(|(_, s)| s.is_none())
        .map(|(d, _)| format!("`{}`", d.name.value))
        .collect();
    if lacking.is_empty() {
        let mut values: Vec<String> = found
            .into_iter()
            .filter_map(|(_, s)| s.map(|s| s.1))
            .collect();
        values.sort();
        values.dedup();
        return item(id, part, title, Status::Covered, first, values.join(", "));
    }
    let status = if first.is_some() {
        Status::Partial
    } else {
        Status::Missing
    };
    item(
        id,
        part,
        title,
        status,
        first,
        format!("state {what} for {}", lacking.join(", ")),
    )
}

fn backups(model: &SystemModel) -> Item {
    let (id, title, part) = ("backups", "Backups and restore tests", Part::Operations);
    if model.datastores.is_empty() {
        return item(
            id,
            part,
            title,
            Status::Missing,
            None,
            "no datastores are stated",
        );
    }
    let first = model
        .datastores
        .iter()
        .find_map(|d| d.backup.as_ref().map(|b| b.section.key));
    let without: Vec<String> = model
        .datastores
        .iter()
        .filter(|d| d.backup.as_ref().is_none_or(|b| b.schedule.is_none()))
        .map(|d| format!("`{}`", d.name.value))
        .collect();
    let untested: Vec<String> = model
        .datastores
        .iter()
        .filter(|d| {
            d.backup.as_ref().is_some_and(|b| {
                b.schedule.is_some() && b.restore_tested.as_ref().is_none_or(|t| !t.value)
            })
        })
        .map(|d| format!("`{}`", d.name.value))
        .collect();
    if without.is_empty() && untested.is_empty() {
        return item(
            id,
            part,
            title,
            Status::Covered,
            first,
            "every datastore has a backup schedule and a tested restore",
        );
    }
    let mut missing = Vec::new();
    if !without.is_empty() {
        missing.push(format!("no backup schedule for {}", without.join(", ")));
    }
    if !untested.is_empty() {
        missing.push(format!("restore not tested for {}", untested.join(", ")));
    }
    let status = if first.is_some() {
        Status::Partial
    } else {
        Status::Missing
    };
    item(id, part, title, status, first, missing.join("; "))
}

fn monitoring(model: &SystemModel) -> Item {
    let (id, title, part) = (
        "monitoring",
        "Monitoring (metrics and logs)",
        Part::Operations,
    );
    let observability = model.observability.as_ref();
    let metrics = observability
        .and_then(|o| o.metrics.as_ref())
        .filter(|m| m.value);
    let logging = observability
        .and_then(|o| o.logging.as_ref())
        .filter(|l| l.value);
    match (metrics, logging) {
        (Some(metrics), Some(_)) => item(
            id,
            part,
            title,
            Status::Covered,
            Some(metrics.key_range),
            "metrics and logging",
        ),
        (Some(metrics), None) => item(
            id,
            part,
            title,
            Status::Partial,
            Some(metrics.key_range),
            "metrics, but `observability.logging` is not true",
        ),
        (None, Some(logging)) => item(
            id,
            part,
            title,
            Status::Partial,
            Some(logging.key_range),
            "logging, but `observability.metrics` is not true",
        ),
        (None, None) => item(
            id,
            part,
            title,
            Status::Missing,
            None,
            "set `observability.metrics` and `observability.logging` to true",
        ),
    }
}

fn alerting(model: &SystemModel) -> Item {
    let (id, title, part) = ("alerting", "Alerting", Part::Operations);
    match model
        .observability
        .as_ref()
        .and_then(|o| o.alerts.as_ref())
        .filter(|a| !a.value.is_empty())
    {
        Some(alerts) => item(
            id,
            part,
            title,
            Status::Covered,
            Some(alerts.key_range),
            alerts
                .value
                .iter()
                .map(|a| a.value.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        None => item(
            id,
            part,
            title,
            Status::Missing,
            None,
            "list `observability.alerts` (p99 latency, replication lag, consumer lag ...)",
        ),
    }
}

fn tracing(model: &SystemModel) -> Item {
    let (id, title, part) = ("tracing", "Distributed tracing", Part::Operations);
    match model
        .observability
        .as_ref()
        .and_then(|o| o.tracing.as_ref())
    {
        Some(tracing) if tracing.value => item(
            id,
            part,
            title,
            Status::Covered,
            Some(tracing.key_range),
            "tracing is on",
        ),
        Some(tracing) => item(
            id,
            part,
            title,
            Status::Missing,
            Some(tracing.key_range),
            "`observability.tracing` is false",
        ),
        None => item(
            id,
            part,
            title,
            Status::Missing,
            None,
            "set `observability.tracing: true`",
        ),
    }
}

fn schema_evolution(model: &SystemModel) -> Item {
    let (id, title, part) = (
        "schema-evolution",
        "Schema evolution",
        Part::Maintainability,
    );
    let streams: Vec<_> = model
        .streams
        .iter()
        .filter(|s| s.origin != crate::model::Origin::Infrastructure)
        .collect();
    if streams.is_empty() {
        return item(
            id,
            part,
            title,
            Status::NotApplicable,
            None,
            "no event streams: nothing states a schema to evolve",
        );
    }
    let evolvable = |s: &&crate::model::Stream| {
        s.schema.as_ref().is_some_and(|schema| {
            schema.versioned.as_ref().is_some_and(|v| v.value)
                || schema
                    .compatibility
                    .as_ref()
                    .is_some_and(|c| c.value != crate::model::Compatibility::None)
        })
    };
    let first = streams
        .iter()
        .filter(|s| evolvable(s))
        .find_map(|s| s.schema.as_ref().map(|schema| schema.section.key));
    let lacking: Vec<String> = streams
        .iter()
        .filter(|s| !evolvable(s))
        .map(|s| format!("`{}`", s.name.value))
        .collect();
    if lacking.is_empty() {
        return item(
            id,
            part,
            title,
            Status::Covered,
            first,
            "every stream has a versioned or compatibility-checked schema",
        );
    }
    let status = if first.is_some() {
        Status::Partial
    } else {
        Status::Missing
    };
    item(
        id,
        part,
        title,
        status,
        first,
        format!(
            "state a versioned `schema` with a `compatibility` mode for {}",
            lacking.join(", ")
        ),
    )
}

fn decisions(model: &SystemModel) -> Item {
    let (id, title, part) = ("decisions", "Recorded decisions", Part::Maintainability);
    let Some(first) = model.decisions.first() else {
        return item(
            id,
            part,
            title,
            Status::Missing,
            None,
            "record `decisions` with their trade-offs (lightweight ADRs)",
        );
    };
    let with_tradeoff = model
        .decisions
        .iter()
        .filter(|d| d.tradeoff.is_some())
        .count();
    let count = crate::arithmetic::plural(model.decisions.len() as i64, "decision", "decisions");
    if with_tradeoff == 0 {
        return item(
            id,
            part,
            title,
            Status::Partial,
            Some(first.range),
            format!("{count}, none states its `tradeoff`"),
        );
    }
    item(
        id,
        part,
        title,
        Status::Covered,
        Some(first.range),
        format!("{count}, {with_tradeoff} with a trade-off"),
    )
}

/// The box of a status in the text rendering: `[x]` covered, `[~]` partly, `[ ]`
/// missing, `[-]` not applicable.
pub fn status_box(status: Status) -> &'static str {
    match status {
        Status::Covered => "[x]",
        Status::Partial => "[~]",
        Status::Missing => "[ ]",
        Status::NotApplicable => "[-]",
    }
}

/// The checklist as plain text, grouped by part, with the 1-based line of the text
/// that covers each item: what `ddia review` prints and the editor command shows.
pub fn render_text(
    checklist: &Checklist,
    index: &crate::line_index::LineIndex,
    file: &str,
) -> String {
    use std::fmt::Write;
    // Names come from the file: no escape sequence or line break of theirs reaches the
    // terminal.
    use crate::text::printable;
    let mut out = format!(
        "Design checklist for {}: {}\n",
        printable(file),
        checklist.summary()
    );
    if let Some(note) = checklist.note {
        let _ = writeln!(out, "{note}");
    }
    let title_width = checklist
        .items
        .iter()
        .map(|i| i.title.chars().count())
        .max()
        .unwrap_or(0);
    let mut part = None;
    for item in &checklist.items {
        if part != Some(item.part) {
            let _ = write!(out, "\n{}\n", item.part.title());
            part = Some(item.part);
        }
        let line = item.range.map_or_else(String::new, |range| {
            let position = index.line_col(range.start, crate::line_index::ColumnEncoding::Scalar);
            format!("line {}", position.line + 1)
        });
        let _ = writeln!(
            out,
            "  {} {:<title_width$}  {:<9} {}",
            status_box(item.status),
            printable(item.title),
            line,
            printable(&item.detail)
        );
    }
    out
}
