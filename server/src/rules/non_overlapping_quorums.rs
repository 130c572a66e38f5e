//! `non-overlapping-quorums`: leaderless quorums with W + R <= N, so reads can miss the latest write.

use super::prelude::*;
use crate::arithmetic::Quorum;

declare_rule! {
    /// ## What it does
    /// Reports a leaderless datastore whose write quorum W and read quorum R add up to
    /// no more than its number of replicas N.
    ///
    /// ## Why is this bad
    /// In a leaderless store a write is acknowledged once W of the N replicas have it,
    /// and a read asks R replicas and takes the newest answer. Only when W + R > N must
    /// every read set share at least one replica with every write set. With W + R <= N
    /// a read can be answered entirely by replicas that missed the latest write, so
    /// clients read stale values even when no node has failed. With N = 3, W = 1 and
    /// R = 1, a read right after a write misses it two times out of three until read
    /// repair or anti-entropy catches up.
    ///
    /// Small quorums can be a deliberate choice for latency and availability, but then
    /// the design must accept eventual consistency; most designs want the common
    /// majority setting, W = R = N / 2 + 1 (rounded down before adding one).
    ///
    /// ## Example
    /// ```yaml
    /// replication:
    ///   mode: leaderless
    ///   replicas: 3
    ///   write_quorum: 1
    ///   read_quorum: 1
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
    /// - Designing Data-Intensive Applications, chapter 5: "Quorums for reading and writing".
    /// - The guide, "Replication Strategies": leaderless replication with quorums.
    pub static NON_OVERLAPPING_QUORUMS = {
        code: "non-overlapping-quorums",
        severity: Warning,
        category: Replication,
        summary: "Leaderless quorums that need not overlap (W + R <= N): reads can miss the latest write",
        fix: Always,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let Some(replication) = &datastore.replication else {
            continue;
        };
        if replication.mode.as_ref().map(Spanned::get) != Some(ReplicationMode::Leaderless) {
            continue;
        }
        let (Some(n), Some(w), Some(r)) = (
            &replication.replicas,
            &replication.write_quorum,
            &replication.read_quorum,
        ) else {
            continue;
        };
        // Out-of-range quorums are `quorum-out-of-range`'s finding.
        let Some(quorum) = Quorum::new(n.value, w.value, r.value) else {
            continue;
        };
        if quorum.overlaps() {
            continue;
        }
        let sum = quorum.sum();
        let diagnostic = ctx
            .diagnostic(
                r.range,
                format!(
                    "W + R = {sum} is not greater than N = {}: a read quorum can miss every replica that took the latest write (datastore `{}`)",
                    n.value, datastore.name.value
                ),
            )
            .with_related(w.range, format!("W = {}", w.value))
            .with_related(n.range, format!("N = {}", n.value))
            ;
        let mut diagnostic = diagnostic;
        diagnostic.fixes = overlap_fixes(n.value, w, r);
        ctx.report(diagnostic);
    }
}

/// The three repairs, the least disruptive first: raise R to N - W + 1, raise W to
/// N - R + 1, or move both to a majority.
fn overlap_fixes(n: i64, w: &Spanned<i64>, r: &Spanned<i64>) -> Vec<Fix> {
    let mut fixes = Vec::new();
    // 1 <= W, R <= N (checked by the caller), so N - W + 1 and N - R + 1 fit; their
    // sums with the other quorum are N + 1, which may not, and are taken in 128 bits.
    let raise_r = n - w.value + 1;
    fixes.push(Fix {
        message: format!(
            "Raise `read_quorum` to {raise_r} (N - W + 1), so that W + R = {} > N = {n}",
            i128::from(w.value) + i128::from(raise_r)
        ),
        applicability: Applicability::Unsafe,
        edits: vec![Edit::replace(r.range, raise_r.to_string())],
    });
    let raise_w = n - r.value + 1;
    fixes.push(Fix {
        message: format!(
            "Raise `write_quorum` to {raise_w} (N - R + 1), so that W + R = {} > N = {n}",
            i128::from(raise_w) + i128::from(r.value)
        ),
        applicability: Applicability::Unsafe,
        edits: vec![Edit::replace(w.range, raise_w.to_string())],
    });
    let majority = n / 2 + 1;
    let mut edits = Vec::new();
    if w.value != majority {
        edits.push(Edit::replace(w.range, majority.to_string()));
    }
    if r.value != majority {
        edits.push(Edit::replace(r.range, majority.to_string()));
    }
    let differs = |fix: &Fix| fix.edits != edits;
    if !edits.is_empty() && fixes.iter().all(differs) {
        fixes.push(Fix {
            message: format!(
                "Use majority quorums W = R = {majority} (each tolerates {} down)",
                count(n - majority, "replica", "replicas")
            ),
            applicability: Applicability::Unsafe,
            edits,
        });
    }
    fixes
}
