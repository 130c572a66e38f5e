//! The arithmetic of replicated systems: quorum overlap, tolerated failures, majorities, Byzantine bounds and Probabilistically Bounded Staleness.
//!
//! Every function is pure, total and panic-free: counts come from user files, so
//! zero, negative and enormous values are all possible. Functions that have no
//! meaningful answer for an input return `None` instead of guessing.

/// The largest replica count for which staleness is computed; bigger groups are not
/// real designs, and the product below would loop for too long.
pub const MAX_PBS_REPLICAS: i64 = 1_000_000;

/// A leaderless quorum configuration with N replicas, writes acknowledged by W and
/// reads answered by R of them, checked to be meaningful: 1 <= W, R <= N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quorum {
    pub n: i64,
    pub w: i64,
    pub r: i64,
}

impl Quorum {
    /// The configuration, if every count is between 1 and N.
    pub fn new(n: i64, w: i64, r: i64) -> Option<Quorum> {
        let valid = |q: i64| (1..=n).contains(&q);
        (n >= 1 && valid(w) && valid(r)).then_some(Quorum { n, w, r })
    }

    /// W + R, exactly (in 128 bits, so that no count overflows).
    pub fn sum(&self) -> i128 {
        i128::from(self.w) + i128::from(self.r)
    }

    /// Whether every read quorum intersects every write quorum (W + R > N), so that
    /// a read sees the latest acknowledged write.
    pub fn overlaps(&self) -> bool {
        self.sum() > i128::from(self.n)
    }

    /// How many replicas can be down with writes still succeeding (N - W).
    pub fn writes_survive(&self) -> i64 {
        self.n - self.w
    }

    /// How many replicas can be down with reads still succeeding (N - R).
    pub fn reads_survive(&self) -> i64 {
        self.n - self.r
    }

    /// The probability that a read quorum misses every replica that holds the last
    /// write: C(N - W, R) / C(N, R), zero when W + R > N. `None` above
    /// [`MAX_PBS_REPLICAS`].
    pub fn stale_probability(&self) -> Option<f64> {
        stale_probability(self.n, self.w, self.r)
    }
}

/// How many members form a majority of `n` (⌊n/2⌋ + 1); `None` for `n < 1`.
pub fn majority(n: i64) -> Option<i64> {
    (n >= 1).then(|| n / 2 + 1)
}

/// How many crashed members a majority-based group of `n` survives (⌊(n-1)/2⌋).
pub fn crash_tolerance(n: i64) -> Option<i64> {
    (n >= 1).then(|| (n - 1) / 2)
}

/// The Byzantine bound a protocol needs: `n >= factor * f + 1` (3 for PBFT and
/// Tendermint, 4 for the phase-king algorithm).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByzantineBound {
    pub factor: i64,
}

impl ByzantineBound {
    /// The most Byzantine members a group of `n` tolerates: ⌊(n-1)/factor⌋.
    pub fn tolerance(&self, n: i64) -> Option<i64> {
        (n >= 1 && self.factor >= 1).then(|| (n - 1) / self.factor)
    }

    /// The members needed to tolerate `f` Byzantine ones: factor · f + 1, exactly.
    pub fn needed(&self, f: i64) -> Option<i128> {
        (f >= 0).then(|| i128::from(self.factor) * i128::from(f) + 1)
    }
}

/// The binomial coefficient C(n, k) exactly, or `None` if it does not fit in a u128
/// (or `k > n`, where it is zero: callers treat that case themselves).
pub fn binomial(n: u64, k: u64) -> Option<u128> {
    if k > n {
        return None;
    }
    let k = k.min(n - k);
    let mut result: u128 = 1;
    for i in 0..k {
        // result * (n - i) / (i + 1) is always an integer: it is C(n, i + 1) · (i + 1)
        // divided by (i + 1). Dividing by the gcd first keeps the product small.
        let numerator = u128::from(n - i);
        let denominator = u128::from(i + 1);
        let g = gcd(result, denominator);
        let reduced = denominator / g;
        let left = result / g;
        let g2 = gcd(numerator, reduced);
        result = left.checked_mul(numerator / g2)? / (reduced / g2);
    }
    Some(result)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// P(a read quorum of R misses all W replicas of the last write) for replicas chosen
/// uniformly at random: C(N - W, R) / C(N, R). Computed as the product
/// ∏_{i<R} (N - W - i) / (N - i), which never overflows; exactly zero when R > N - W.
/// `None` for counts outside 1..=N or N above [`MAX_PBS_REPLICAS`].
pub fn stale_probability(n: i64, w: i64, r: i64) -> Option<f64> {
    if !(1..=MAX_PBS_REPLICAS).contains(&n) || !(1..=n).contains(&w) || !(1..=n).contains(&r) {
        return None;
    }
    if r > n - w {
        return Some(0.0);
    }
    let mut p = 1.0_f64;
    for i in 0..r {
        p *= (n - w - i) as f64 / (n - i) as f64;
        if p == 0.0 {
            break;
        }
    }
    Some(p)
}

/// The staleness of the last write as an exact fraction C(N - W, R) / C(N, R) in
/// lowest terms, when both coefficients fit in a u128.
pub fn stale_fraction(n: i64, w: i64, r: i64) -> Option<(u128, u128)> {
    stale_probability(n, w, r)?;
    let n = u64::try_from(n).ok()?;
    let w = u64::try_from(w).ok()?;
    let r = u64::try_from(r).ok()?;
    if r > n - w {
        return Some((0, 1));
    }
    let missing = binomial(n - w, r)?;
    let all = binomial(n, r)?;
    let g = gcd(missing, all);
    Some((missing / g, all / g))
}

/// One row of the Probabilistically Bounded Staleness table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PbsRow {
    /// The read returns one of the last `k` versions...
    pub k: u32,
    /// ...with probability `1 - stale`; `stale` = p^k, p the miss probability.
    pub stale: f64,
}

impl PbsRow {
    pub fn consistent(&self) -> f64 {
        1.0 - self.stale
    }
}

/// The probabilities of reading none of the last k versions, for k = 1 to `up_to`
/// (Bailis et al., "Probabilistically Bounded Staleness", VLDB 2012: the k versions
/// are independent writes, each to W replicas chosen uniformly at random).
pub fn pbs_table(quorum: &Quorum, up_to: u32) -> Option<Vec<PbsRow>> {
    let p = quorum.stale_probability()?;
    Some(
        (1..=up_to)
            .map(|k| PbsRow {
                k,
                stale: p.powi(i32::try_from(k).unwrap_or(i32::MAX)),
            })
            .collect(),
    )
}

/// A probability for people: `0`, `1`, four decimals, scientific notation below
/// 0.001, and `1 - 1.2e-5` just below one, so that no nonzero value prints as 0 or 1.
pub fn format_probability(p: f64) -> String {
    if !p.is_finite() {
        return "?".to_owned();
    }
    if p <= 0.0 {
        return "0".to_owned();
    }
    if p >= 1.0 {
        return "1".to_owned();
    }
    if p < 0.001 {
        return format!("{p:.1e}");
    }
    if p > 0.999 {
        return format!("1 - {:.1e}", 1.0 - p);
    }
    format!("{p:.4}")
}

/// One minus a small probability for people: `1 - 2.2e-19` rather than a rounded `1`.
pub fn format_complement(p: f64) -> String {
    if p > 0.0 && p < 0.001 {
        return format!("1 - {p:.1e}");
    }
    format_probability(1.0 - p)
}

/// `1 failure`, `2 failures`.
pub fn plural(count: impl Into<i128>, one: &str, many: &str) -> String {
    let count: i128 = count.into();
    if count == 1 {
        format!("{count} {one}")
    } else {
        format!("{count} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorums_overlap_only_when_w_plus_r_exceeds_n() {
        let q = Quorum::new(3, 3, 2).expect("valid");
        assert!(q.overlaps());
        assert_eq!((q.writes_survive(), q.reads_survive()), (0, 1));
        assert!(!Quorum::new(3, 1, 2).expect("valid").overlaps());
        assert_eq!(Quorum::new(3, 4, 1), None);
        assert_eq!(Quorum::new(3, 0, 1), None);
        assert_eq!(Quorum::new(0, 0, 0), None);
        assert_eq!(Quorum::new(-1, 1, 1), None);
        let huge = Quorum::new(i64::MAX, i64::MAX, i64::MAX).expect("valid");
        assert!(huge.overlaps());
        assert_eq!(huge.stale_probability(), None);
    }

    #[test]
    fn majorities_and_byzantine_bounds() {
        assert_eq!(majority(5), Some(3));
        assert_eq!(majority(4), Some(3));
        assert_eq!(majority(1), Some(1));
        assert_eq!(majority(0), None);
        assert_eq!(crash_tolerance(5), Some(2));
        assert_eq!(crash_tolerance(4), Some(1));
        assert_eq!(crash_tolerance(1), Some(0));
        assert_eq!(crash_tolerance(i64::MIN), None);
        let pbft = ByzantineBound { factor: 3 };
        assert_eq!(pbft.tolerance(7), Some(2));
        assert_eq!(pbft.tolerance(6), Some(1));
        assert_eq!(pbft.tolerance(3), Some(0));
        assert_eq!(pbft.needed(2), Some(7));
        assert_eq!(pbft.needed(i64::MAX), Some(3 * i128::from(i64::MAX) + 1));
        assert_eq!(pbft.needed(-1), None);
        let king = ByzantineBound { factor: 4 };
        assert_eq!(king.tolerance(9), Some(2));
        assert_eq!(king.needed(2), Some(9));
    }

    #[test]
    fn binomials_are_exact_and_never_overflow_silently() {
        assert_eq!(binomial(5, 2), Some(10));
        assert_eq!(binomial(5, 0), Some(1));
        assert_eq!(binomial(5, 5), Some(1));
        assert_eq!(binomial(2, 3), None);
        assert_eq!(binomial(64, 32), Some(1_832_624_140_942_590_534));
        assert_eq!(
            binomial(130, 65),
            Some(95_067_625_827_960_698_145_584_333_020_095_113_100)
        );
        assert_eq!(binomial(1000, 500), None);
        assert_eq!(binomial(u64::MAX, 1), Some(u128::from(u64::MAX)));
    }

    #[test]
    fn staleness_matches_the_binomial_formula() {
        // N = 3, W = 1, R = 1: the read hits the one written replica with chance 1/3.
        assert_eq!(stale_fraction(3, 1, 1), Some((2, 3)));
        assert!((stale_probability(3, 1, 1).expect("valid") - 2.0 / 3.0).abs() < 1e-15);
        // W + R > N: always fresh.
        assert_eq!(stale_probability(3, 2, 2), Some(0.0));
        assert_eq!(stale_fraction(3, 2, 2), Some((0, 1)));
        // R > N - W is the same condition.
        assert_eq!(stale_probability(5, 3, 3), Some(0.0));
        // N = 1: the only replica holds every write.
        assert_eq!(stale_probability(1, 1, 1), Some(0.0));
        // N = 5, W = 2, R = 2: C(3, 2) / C(5, 2) = 3/10.
        assert_eq!(stale_fraction(5, 2, 2), Some((3, 10)));
        assert!((stale_probability(5, 2, 2).expect("valid") - 0.3).abs() < 1e-15);
        // N = 10, W = 3, R = 3: C(7, 3) / C(10, 3) = 35/120 = 7/24.
        assert_eq!(stale_fraction(10, 3, 3), Some((7, 24)));
        // Out of range.
        assert_eq!(stale_probability(3, 4, 1), None);
        assert_eq!(stale_probability(0, 0, 0), None);
        assert_eq!(stale_probability(MAX_PBS_REPLICAS + 1, 1, 1), None);
        let big = stale_probability(MAX_PBS_REPLICAS, 1, 1).expect("valid");
        assert!((big - (1.0 - 1e-6)).abs() < 1e-12);
    }

    #[test]
    fn pbs_tables_raise_the_miss_probability_to_the_kth_power() {
        let quorum = Quorum::new(3, 1, 1).expect("valid");
        let table = pbs_table(&quorum, 3).expect("a table");
        let stale: Vec<String> = table.iter().map(|r| format_probability(r.stale)).collect();
        let fresh: Vec<String> = table
            .iter()
            .map(|r| format_probability(r.consistent()))
            .collect();
        assert_eq!(stale, ["0.6667", "0.4444", "0.2963"]);
        assert_eq!(fresh, ["0.3333", "0.5556", "0.7037"]);
    }

    #[test]
    fn probabilities_print_without_rounding_to_certainty() {
        assert_eq!(format_probability(0.0), "0");
        assert_eq!(format_probability(1.0), "1");
        assert_eq!(format_probability(0.5), "0.5000");
        assert_eq!(format_probability(0.000_012_34), "1.2e-5");
        assert_eq!(format_probability(1.0 - 0.000_012_34), "1 - 1.2e-5");
        assert_eq!(format_probability(f64::NAN), "?");
        assert_eq!(format_complement(2.2e-19), "1 - 2.2e-19");
        assert_eq!(format_complement(0.0), "1");
        assert_eq!(format_complement(0.25), "0.7500");
    }
}
