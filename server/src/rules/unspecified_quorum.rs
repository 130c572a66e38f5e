//! `unspecified-quorum`: a leaderless datastore that does not state W or R.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a datastore with `replication.mode: leaderless` that does not state its
    /// `write_quorum` (W), its `read_quorum` (R), or either.
    ///
    /// ## Why is this bad
    /// In a leaderless store, W and R decide everything a reader can rely on: whether
    /// a read sees the latest acknowledged write (W + R > N), how many replicas may be
    /// down before writes or reads fail (N - W and N - R), and how slow the slowest
    /// request is. Left unstated, they fall back to whatever a client library
    /// defaults to (often `ONE`), which is rarely what the design assumes. Stating them
    /// also lets ddia check the quorum arithmetic.
    ///
    /// ## Example
    /// ```yaml
    /// replication:
    ///   mode: leaderless
    ///   replicas: 3
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// replication:
    ///   mode: leaderless
    ///   replicas: 3
    ///   write_quorum: 2
    ///   read_quorum: 2
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 5: "Leaderless Replication".
    pub static UNSPECIFIED_QUORUM = {
        code: "unspecified-quorum",
        severity: Warning,
        category: Replication,
        summary: "A leaderless datastore that does not state its read or write quorum",
        fix: Sometimes,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(replication) = &datastore.replication else {
            continue;
        };
        let Some(mode) = &replication.mode else {
            continue;
        };
        if mode.value != ReplicationMode::Leaderless {
            continue;
        }
        let missing: Vec<(&str, &str)> = [
            (replication.write_quorum.is_none(), "write_quorum", "W"),
            (replication.read_quorum.is_none(), "read_quorum", "R"),
        ]
        .into_iter()
        .filter(|(absent, _, _)| *absent)
        .map(|(_, key, letter)| (key, letter))
        .collect();
        let Some(section) = &replication.section else {
            continue;
        };
        // A quorum written with a value that is no count (`read_quorum: "2"`) is
        // stated: `schema-violation` reports its value.
        let missing: Vec<(&str, &str)> = missing
            .into_iter()
            .filter(|(key, _)| !super::fix::has_key(section, key, ctx.text))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let described: Vec<String> = missing
            .iter()
            .map(|(key, letter)| format!("`{key}` ({letter})"))
            .collect();
        let message = format!(
            "leaderless datastore `{}` does not state {}: without both quorums nobody can tell whether reads see the latest write",
            datastore.name.value,
            described.join(" or ")
        );
        // With N known, offer the majority quorum for each missing one.
        let fix = replication
            .replicas
            .as_ref()
            .filter(|n| n.value >= 1)
            .and_then(|n| {
                let majority = (n.value / 2 + 1).to_string();
                let pairs: Vec<(&str, &str)> = missing
                    .iter()
                    .map(|(key, _)| (*key, majority.as_str()))
                    .collect();
                let keys: Vec<String> = pairs
                    .iter()
                    .map(|(key, value)| format!("`{key}: {value}`"))
                    .collect();
                Some(Fix {
                    message: format!("Add {} (a majority of N = {})", keys.join(" and "), n.value),
                    applicability: Applicability::Unsafe,
                    edits: vec![insert_keys_edit(section, &pairs, ctx.text)?],
                })
            });
        let diagnostic = ctx
            .diagnostic(section.key, message)
            .with_related(mode.range, "leaderless replication is chosen here")
            .with_fix(fix);
        ctx.report(diagnostic);
    }
}
