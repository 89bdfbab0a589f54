//! Agreement between two reviewers who scored the same items: exact agreement and
//! Cohen's kappa, which discounts the agreement expected by chance from each
//! reviewer's own spread of levels.

use std::collections::BTreeMap;
use std::hash::Hash;

/// How far two reviewers agree over the items they both scored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Agreement {
    /// Items both scored.
    pub items: usize,
    /// Share of items with the same level, from 0 to 1.
    pub exact: f64,
    /// Cohen's kappa, from -1 to 1; `None` when chance agreement is already 1 (both
    /// reviewers gave every item the same single level), where kappa is undefined.
    pub kappa: Option<f64>,
}

/// Measures agreement over pairs of levels, one pair per item: the first reviewer's
/// level and the second's. Returns `None` for no items.
pub fn agreement<L: Ord + Eq + Hash + Clone>(pairs: &[(L, L)]) -> Option<Agreement> {
    if pairs.is_empty() {
        return None;
    }
    let total = pairs.len() as f64;
    let same = pairs
        .iter()
        .filter(|(first, second)| first == second)
        .count() as f64;
    let observed = same / total;
    let mut first_counts: BTreeMap<&L, f64> = BTreeMap::new();
    let mut second_counts: BTreeMap<&L, f64> = BTreeMap::new();
    for (first, second) in pairs {
        *first_counts.entry(first).or_default() += 1.0;
        *second_counts.entry(second).or_default() += 1.0;
    }
    let expected: f64 = first_counts
        .iter()
        .map(|(level, count)| {
            let other = second_counts.get(level).copied().unwrap_or(0.0);
            (count / total) * (other / total)
        })
        .sum();
    let kappa = if (1.0 - expected).abs() < f64::EPSILON {
        None
    } else {
        Some((observed - expected) / (1.0 - expected))
    };
    Some(Agreement {
        items: pairs.len(),
        exact: observed,
        kappa,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-9,
            "expected {expected}, got {actual}"
        );
    }

    #[test]
    fn kappa_matches_a_hand_computed_table() {
        // 50 items: both Pass 20, both Not yet 15, Pass/Not yet 5, Not yet/Pass 10.
        // Observed 35/50 = 0.7. First reviewer: Pass 25, Not yet 25. Second: Pass 30,
        // Not yet 20. Chance: 0.5 * 0.6 + 0.5 * 0.4 = 0.5. Kappa: (0.7 - 0.5) / 0.5 = 0.4.
        let mut pairs = Vec::new();
        pairs.extend(std::iter::repeat_n(("pass", "pass"), 20));
        pairs.extend(std::iter::repeat_n(("not_yet", "not_yet"), 15));
        pairs.extend(std::iter::repeat_n(("pass", "not_yet"), 5));
        pairs.extend(std::iter::repeat_n(("not_yet", "pass"), 10));
        let result = agreement(&pairs).unwrap();
        assert_eq!(result.items, 50);
        close(result.exact, 0.7);
        close(result.kappa.unwrap(), 0.4);
    }

    #[test]
    fn kappa_with_three_levels() {
        // Levels 1, 2, 3 over 10 items.
        // Both 1: 2, both 2: 3, both 3: 1; (1,2): 1, (2,3): 2, (3,1): 1.
        // Observed 6/10. First: 1→3, 2→5, 3→2. Second: 1→3, 2→4, 3→3.
        // Chance: 0.3*0.3 + 0.5*0.4 + 0.2*0.3 = 0.09 + 0.20 + 0.06 = 0.35.
        // Kappa: (0.6 - 0.35) / 0.65 = 0.384615…
        let mut pairs = Vec::new();
        pairs.extend(std::iter::repeat_n((1, 1), 2));
        pairs.extend(std::iter::repeat_n((2, 2), 3));
        pairs.extend(std::iter::repeat_n((3, 3), 1));
        pairs.extend(std::iter::repeat_n((1, 2), 1));
        pairs.extend(std::iter::repeat_n((2, 3), 2));
        pairs.extend(std::iter::repeat_n((3, 1), 1));
        let result = agreement(&pairs).unwrap();
        close(result.exact, 0.6);
        close(result.kappa.unwrap(), 0.25 / 0.65);
    }

    #[test]
    fn perfect_and_opposite_agreement() {
        let perfect = agreement(&[("a", "a"), ("b", "b")]).unwrap();
        close(perfect.kappa.unwrap(), 1.0);
        let opposite = agreement(&[("a", "b"), ("b", "a")]).unwrap();
        close(opposite.exact, 0.0);
        close(opposite.kappa.unwrap(), -1.0);
    }

    #[test]
    fn undefined_kappa_and_empty_input() {
        assert_eq!(agreement::<&str>(&[]), None);
        let same = agreement(&[("pass", "pass"), ("pass", "pass")]).unwrap();
        close(same.exact, 1.0);
        assert_eq!(same.kappa, None);
    }
}
