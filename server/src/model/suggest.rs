//! "Did you mean" suggestions: the closest known spelling to a misspelt word.

/// The candidate closest to `word` by edit distance, if it is close enough to be a
/// likely typo (at most one edit per three characters, and at least one).
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    let lowered = word.to_lowercase();
    candidates
        .iter()
        .map(|candidate| {
            (
                edit_distance(&lowered, &candidate.to_lowercase()),
                *candidate,
            )
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// The Levenshtein distance between two strings, counted in characters (with
/// adjacent transpositions counted as one edit).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous_previous: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(previous_previous[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut previous_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_but_not_unrelated_words() {
        let modes = ["none", "single-leader", "multi-leader", "leaderless"];
        assert_eq!(closest("leaderles", &modes), Some("leaderless"));
        assert_eq!(closest("Leaderless", &modes), Some("leaderless"));
        assert_eq!(closest("multileader", &modes), Some("multi-leader"));
        assert_eq!(closest("master-slave", &modes), None);
        assert_eq!(
            closest("write_qourum", &["write_quorum", "read_quorum"]),
            Some("write_quorum")
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ab", "ba"), 1);
    }
}
