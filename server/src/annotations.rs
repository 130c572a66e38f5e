//! Computed annotations of a system model: inlay hints beside replication and consensus values, and hovers with design summaries and staleness tables.
//!
//! Everything here is in byte offsets and Markdown; the language server places the
//! results in the editor. The numbers come from [`crate::arithmetic`].

use crate::arithmetic::{
    self, ByzantineBound, Quorum, format_probability, pbs_table, plural, stale_fraction,
};
use crate::model::{
    ConsensusGroup, Datastore, Origin, PartitionStrategy, Replication, ReplicationMode, Spanned,
    Stream, SyncMode, SystemModel,
};
use crate::text::TextRange;
use std::fmt::Write;

/// A short computed note to show after a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// Where the note goes: the end of the value it is about.
    pub offset: usize,
    pub label: String,
    /// A longer explanation of the same numbers.
    pub tooltip: String,
}

/// Markdown to show when the cursor is inside `range`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverNote {
    pub range: TextRange,
    pub markdown: String,
}

/// The inlay hints of a model, sorted by offset; hints at the same offset are joined.
pub fn hints(model: &SystemModel, text: &str) -> Vec<Hint> {
    let mut hints = Vec::new();
    for datastore in &model.datastores {
        if let Some(replication) = &datastore.replication {
            quorum_hints(replication, &mut hints);
        }
    }
    for group in &model.consensus_groups {
        consensus_hint(group, text, &mut hints);
    }
    for stream in &model.streams {
        stream_hint(stream, &mut hints);
    }
    hints.sort_by_key(|hint| hint.offset);
    let mut joined: Vec<Hint> = Vec::with_capacity(hints.len());
    for hint in hints {
        match joined.last_mut() {
            Some(last) if last.offset == hint.offset => {
                if last.label != hint.label {
                    last.label = format!("{}; {}", last.label, hint.label);
                    last.tooltip = format!("{}\n\n{}", last.tooltip, hint.tooltip);
                }
            }
            _ => joined.push(hint),
        }
    }
    joined
}

/// Whether a replication section describes quorum reads and writes: a leaderless
/// mode, or no mode but quorums.
fn is_quorum_based(replication: &Replication) -> bool {
    match &replication.mode {
        Some(mode) => mode.value == ReplicationMode::Leaderless,
        None => replication.write_quorum.is_some() || replication.read_quorum.is_some(),
    }
}

/// The valid quorum configuration of a replication section, if it states one.
pub fn quorum_of(replication: &Replication) -> Option<Quorum> {
    if !is_quorum_based(replication) {
        return None;
    }
    Quorum::new(
        replication.replicas.as_ref()?.value,
        replication.write_quorum.as_ref()?.value,
        replication.read_quorum.as_ref()?.value,
    )
}

fn quorum_hints(replication: &Replication, hints: &mut Vec<Hint>) {
    if !is_quorum_based(replication) {
        return;
    }
    let Some(n) = replication.replicas.as_ref().map(|r| r.value) else {
        return;
    };
    if n < 1 {
        return;
    }
    let valid = |q: &Spanned<i64>| (1..=n).contains(&q.value);
    let w = replication.write_quorum.as_ref().filter(|q| valid(q));
    let r = replication.read_quorum.as_ref().filter(|q| valid(q));
    if let (Some(w), Some(r)) = (w, r) {
        let sum = i128::from(w.value) + i128::from(r.value);
        let (label, tooltip) = if sum > i128::from(n) {
            (
                format!("W+R={sum} > N={n}: reads see the latest write"),
                format!(
                    "Any read quorum of R = {} and write quorum of W = {} share at least {} of the N = {n} replicas (W + R - N), so each read reaches a replica with the latest acknowledged write.",
                    r.value,
                    w.value,
                    sum - i128::from(n)
                ),
            )
        } else {
            (
                format!("W+R={sum} ≤ N={n}: a read may miss the latest write"),
                format!(
                    "A read quorum of R = {} can consist only of replicas outside the write quorum of W = {} (W + R ≤ N = {n}), so a read can return an older value.",
                    r.value, w.value
                ),
            )
        };
        let later = w.range.end.max(r.range.end);
        hints.push(Hint {
            offset: later,
            label,
            tooltip,
        });
    }
    if let Some(w) = w {
        let down = n - w.value;
        hints.push(Hint {
            offset: w.range.end,
            label: format!("writes survive {down} down"),
            tooltip: format!(
                "A write waits for W = {} of the N = {n} replicas to acknowledge it, so it still succeeds with {} unavailable.",
                w.value,
                plural(down, "replica", "replicas")
            ),
        });
    }
    if let Some(r) = r {
        let down = n - r.value;
        hints.push(Hint {
            offset: r.range.end,
            label: format!("reads survive {down} down"),
            tooltip: format!(
                "A read waits for R = {} of the N = {n} replicas to answer, so it still succeeds with {} unavailable.",
                r.value,
                plural(down, "replica", "replicas")
            ),
        });
    }
}

/// The Byzantine bound of an algorithm, or `None` for crash-fault ones.
fn byzantine_bound(group: &ConsensusGroup) -> Option<ByzantineBound> {
    let algorithm = group.algorithm.as_ref()?.value;
    if !algorithm.is_byzantine() {
        return None;
    }
    Some(ByzantineBound {
        factor: if algorithm == crate::model::ConsensusAlgorithm::PhaseKing {
            4
        } else {
            3
        },
    })
}

/// What a consensus group of `n` tolerates, in words: the hint and its explanation.
fn consensus_note(group: &ConsensusGroup) -> Option<(String, String)> {
    let n = group.nodes.as_ref()?.value;
    let stated = group.faulty.as_ref().map(|f| f.value).filter(|f| *f >= 0);
    match byzantine_bound(group) {
        None => {
            let majority = arithmetic::majority(n)?;
            let tolerated = arithmetic::crash_tolerance(n)?;
            let mut label = format!(
                "majority {majority} of {n}, tolerates {}",
                plural(tolerated, "failure", "failures")
            );
            if let Some(f) = stated.filter(|f| *f > tolerated) {
                let needed = i128::from(f) * 2 + 1;
                let _ = write!(label, "; f = {f} needs 2f+1 = {needed}");
            }
            let tooltip = format!(
                "A crash-fault consensus group decides with a majority: {majority} of its {n} members. It keeps working while a majority is up, so it survives {} (⌊(n-1)/2⌋).",
                plural(tolerated, "crashed member", "crashed members")
            );
            Some((label, tooltip))
        }
        Some(bound) => {
            let tolerated = bound.tolerance(n)?;
            let factor = bound.factor;
            let label = match stated {
                Some(f) if f > tolerated => format!(
                    "tolerates f = {tolerated}, not the stated f = {f} (needs {factor}f+1 = {})",
                    bound.needed(f)?
                ),
                _ if tolerated == 0 => {
                    format!(
                        "tolerates f = 0 (f = 1 needs {factor}f+1 = {})",
                        bound.needed(1)?
                    )
                }
                _ => format!(
                    "tolerates f = {tolerated} (needs {factor}f+1 = {})",
                    bound.needed(tolerated)?
                ),
            };
            let tooltip = format!(
                "A Byzantine-fault-tolerant protocol of this kind needs n ≥ {factor}f + 1 members to tolerate f arbitrary (lying) ones: {n} members tolerate f = {tolerated}."
            );
            Some((label, tooltip))
        }
    }
}

fn consensus_hint(group: &ConsensusGroup, text: &str, hints: &mut Vec<Hint>) {
    let Some(nodes) = &group.nodes else {
        return;
    };
    let Some((label, tooltip)) = consensus_note(group) else {
        return;
    };
    // A size counted from services points at a key: the note goes at the end of its line.
    let offset = if nodes.range == nodes.key_range {
        end_of_line(text, nodes.range.end)
    } else {
        nodes.range.end
    };
    hints.push(Hint {
        offset,
        label,
        tooltip,
    });
}

fn end_of_line(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let rest = text.get(offset..).unwrap_or("");
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    offset + rest[..line_end].trim_end().len()
}

fn stream_hint(stream: &Stream, hints: &mut Vec<Hint>) {
    let (Some(factor), Some(minimum)) = (&stream.replication_factor, &stream.min_insync_replicas)
    else {
        return;
    };
    let (factor, minimum_value) = (factor.value, minimum.value);
    if factor < 1 || minimum_value < 1 {
        return;
    }
    let (label, tooltip) = if minimum_value > factor {
        (
            format!("acks=all can never succeed ({minimum_value} in sync > {factor} replicas)"),
            format!(
                "A write with acks=all needs {minimum_value} in-sync replicas, but each partition has only {factor}."
            ),
        )
    } else {
        let losses = factor - minimum_value;
        (
            format!(
                "acks=all survives {}",
                plural(losses, "broker loss", "broker losses")
            ),
            format!(
                "A write with acks=all succeeds while at least {minimum_value} of the {factor} replicas of its partition are in sync: {} can be lost, and every acknowledged write is on at least {}.",
                plural(losses, "broker", "brokers"),
                plural(minimum_value, "replica", "replicas")
            ),
        )
    };
    hints.push(Hint {
        offset: minimum.range.end,
        label,
        tooltip,
    });
}

/// The hovers a model adds: a design summary on each datastore's name, and for
/// leaderless datastores the staleness table on N, W and R too.
pub fn hovers(model: &SystemModel) -> Vec<HoverNote> {
    let mut notes = Vec::new();
    for datastore in &model.datastores {
        let pbs = datastore.replication.as_ref().and_then(pbs_markdown);
        let mut summary = design_summary(model, datastore);
        if let Some(pbs) = &pbs {
            summary.push_str("\n---\n\n");
            summary.push_str(pbs);
        }
        notes.push(HoverNote {
            range: datastore.name.range,
            markdown: summary,
        });
        if let (Some(pbs), Some(replication)) = (pbs, &datastore.replication) {
            for value in [
                &replication.replicas,
                &replication.write_quorum,
                &replication.read_quorum,
            ]
            .into_iter()
            .flatten()
            {
                notes.push(HoverNote {
                    range: value.range,
                    markdown: pbs.clone(),
                });
            }
        }
    }
    notes
}

/// Escapes text for a Markdown table cell or inline text.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The design summary table of a datastore.
pub fn design_summary(model: &SystemModel, datastore: &Datastore) -> String {
    let mut rows: Vec<(&str, String)> = Vec::new();
    let stated = |value: Option<String>| value.unwrap_or_else(|| "not stated".to_owned());
    rows.push((
        "model",
        stated(datastore.model.as_ref().map(|m| m.value.to_string())),
    ));
    rows.push((
        "engine",
        stated(datastore.engine.as_ref().map(|e| e.value.to_string())),
    ));
    if let Some(technology) = &datastore.technology {
        rows.push(("technology", escape_markdown(&technology.value)));
    }
    let replication = datastore.replication.as_ref();
    rows.push(("replication", stated(replication.map(replication_words))));
    if let Some(replication) = replication {
        let count = |value: &Option<Spanned<i64>>| {
            value
                .as_ref()
                .map_or_else(|| "–".to_owned(), |v| v.value.to_string())
        };
        rows.push((
            "N / W / R",
            format!(
                "{} / {} / {}",
                count(&replication.replicas),
                count(&replication.write_quorum),
                count(&replication.read_quorum)
            ),
        ));
    }
    rows.push(("failures tolerated", failures_tolerated(datastore)));
    let consistency = match (&datastore.consistency, model.consistency_of(datastore)) {
        (Some(own), _) => own.value.to_string(),
        (None, Some(default)) => format!("{} (from requirements)", default.value),
        (None, None) => "not stated".to_owned(),
    };
    rows.push(("consistency", consistency));
    rows.push((
        "partitioning",
        stated(datastore.partitioning.as_ref().map(|p| {
            let mut words = p
                .strategy
                .as_ref()
                .map_or_else(|| "strategy not stated".to_owned(), |s| s.value.to_string());
            if p.strategy.as_ref().map(|s| s.value) != Some(PartitionStrategy::None) {
                if let Some(key) = &p.key {
                    let _ = write!(words, " on {}", escape_markdown(&key.value));
                }
                if let Some(partitions) = &p.partitions {
                    let _ = write!(words, ", {} partitions", partitions.value);
                }
                if let Some(rebalancing) = &p.rebalancing {
                    let _ = write!(words, ", {} rebalancing", rebalancing.value);
                }
            }
            words
        })),
    ));
    rows.push((
        "backups",
        stated(datastore.backup.as_ref().map(|b| {
            let schedule = b
                .schedule
                .as_ref()
                .map_or_else(|| "no schedule".to_owned(), |s| escape_markdown(&s.value));
            let tested = match b.restore_tested.as_ref().map(|t| t.value) {
                Some(true) => "restore tested",
                Some(false) => "restore not tested",
                None => "restore tests not stated",
            };
            format!("{schedule}, {tested}")
        })),
    ));
    let mut out = format!(
        "**{}** (datastore)\n\n| | |\n|---|---|\n",
        escape_markdown(&datastore.name.value)
    );
    for (name, value) in rows {
        let _ = writeln!(out, "| {name} | {value} |");
    }
    out
}

/// `single-leader, semi-sync, 3 replicas`.
fn replication_words(replication: &Replication) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(mode) = &replication.mode {
        parts.push(mode.value.to_string());
    }
    if let Some(sync) = &replication.sync {
        parts.push(sync.value.to_string());
    }
    if let Some(replicas) = &replication.replicas {
        parts.push(plural(replicas.value, "replica", "replicas"));
    }
    if let Some(resolution) = &replication.conflict_resolution {
        parts.push(format!("conflicts: {}", resolution.value));
    }
    if parts.is_empty() {
        "mode and replicas not stated".to_owned()
    } else {
        parts.join(", ")
    }
}

/// What a datastore survives, in words.
pub fn failures_tolerated(datastore: &Datastore) -> String {
    let Some(replication) = &datastore.replication else {
        return if datastore.origin == Origin::Spec {
            "none: replication is not stated, so it is a single copy".to_owned()
        } else {
            "not stated".to_owned()
        };
    };
    let mode = replication.mode.as_ref().map(|m| m.value);
    let n = replication.replicas.as_ref().map(|r| r.value);
    if mode == Some(ReplicationMode::None) || n == Some(1) {
        return "none: a single copy".to_owned();
    }
    let Some(n) = n.filter(|n| *n >= 2) else {
        return "not stated (no replica count)".to_owned();
    };
    if let Some(quorum) = quorum_of(replication) {
        return format!(
            "writes survive {} down, reads survive {}",
            plural(quorum.writes_survive(), "replica", "replicas"),
            quorum.reads_survive()
        );
    }
    let copies = format!("{} of {n} copies can be lost", n - 1);
    match mode {
        Some(ReplicationMode::SingleLeader) => {
            let failover = replication
                .failover
                .as_ref()
                .map_or("not stated", |f| f.value.as_str());
            let mut words = format!("{copies}; writes stop until failover ({failover})");
            if replication.sync.as_ref().map(|s| s.value) == Some(SyncMode::Async) {
                words.push_str("; async followers: a failover can lose acknowledged writes");
            }
            words
        }
        Some(ReplicationMode::MultiLeader) => {
            format!("{copies}; every leader keeps accepting writes")
        }
        Some(ReplicationMode::Leaderless) => format!("{copies} (quorums not stated)"),
        _ => copies,
    }
}

/// The assumption behind the staleness numbers, in one paragraph.
pub const PBS_ASSUMPTION: &str = "Assumes the replicas of every write and read are chosen uniformly at random, that the last write has reached exactly W replicas when the read happens (no read repair, anti-entropy or background propagation in between), and that the last k versions were written independently (Bailis et al., *Probabilistically Bounded Staleness for Practical Partial Quorums*, VLDB 2012). Real stores keep copying writes to all N replicas, so staleness only falls with time: these are the numbers right after a write.";

/// The Probabilistically Bounded Staleness section of a leaderless datastore.
pub fn pbs_markdown(replication: &Replication) -> Option<String> {
    let quorum = quorum_of(replication)?;
    let table = pbs_table(&quorum, 3)?;
    let Quorum { n, w, r } = quorum;
    let mut out = format!("**Staleness** (N = {n}, W = {w}, R = {r})\n\n");
    if quorum.overlaps() {
        let _ = write!(
            out,
            "W + R = {} > N = {n}: every read quorum meets every write quorum, so a read always returns the last write.\n\n",
            quorum.sum()
        );
    } else {
        let _ = write!(
            out,
            "A read quorum misses every replica of the last write with probability C(N-W, R) / C(N, R) = C({}, {r}) / C({n}, {r})",
            n - w
        );
        match stale_fraction(n, w, r) {
            Some((numerator, denominator)) => {
                let _ = write!(out, " = {numerator}/{denominator}.\n\n");
            }
            None => out.push_str(".\n\n"),
        }
    }
    out.push_str("| k | P(stale) | P(consistent) |\n|---|---|---|\n");
    for row in &table {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            row.k,
            format_probability(row.stale),
            arithmetic::format_complement(row.stale)
        );
    }
    let _ = write!(
        out,
        "\nP(stale) is the chance that a read returns none of the last k versions (the miss probability to the power k); P(consistent) = 1 - P(stale) is the chance that it returns one of them.\n\n{PBS_ASSUMPTION}\n"
    );
    Some(out)
}
