//! "Vouliez-vous dire … ?": the nearest known names to a mistyped one.

/// The best candidates for `typed`, closest first (at most three).
///
/// A candidate qualifies when it is within a few edits of `typed` (a third of its
/// length, at least two) or when one contains the other (`jury` → `ch-jury`).
pub fn candidates<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let typed_lower = typed.to_lowercase();
    let limit = (typed.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &'a str)> = known
        .into_iter()
        .filter_map(|k| {
            let contains = typed_lower.len() >= 3 && (k.contains(&typed_lower) || typed_lower.contains(k));
            // Lengths further apart than the limit cannot be within it: skip the
            // distance, which dominates when thousands of keys are unknown.
            if typed_lower.chars().count().abs_diff(k.chars().count()) > limit {
                return contains.then_some((limit + 1, k));
            }
            let distance = strsim::damerau_levenshtein(&typed_lower, k);
            if distance <= limit {
                Some((distance, k))
            } else if contains {
                Some((limit + 1, k))
            } else {
                None
            }
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, k)| k).collect()
}

/// The single nearest candidate, if any.
pub fn nearest<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates(typed, known).into_iter().next()
}

/// `vouliez-vous dire `a` ou `b` ?`, or `None` when nothing is close.
pub fn did_you_mean<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let found = candidates(typed, known);
    let quoted: Vec<String> = found.iter().map(|c| format!("`{c}`")).collect();
    match quoted.as_slice() {
        [] => None,
        [one] => Some(format!("vouliez-vous dire {one} ?")),
        [init @ .., last] => Some(format!("vouliez-vous dire {} ou {last} ?", init.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["partenaires", "porteur", "pilote", "titre", "thematiques"];

    #[test]
    fn suggests_the_key_one_letter_away() {
        assert_eq!(nearest("partenaire", KEYS.iter().copied()), Some("partenaires"));
        assert_eq!(nearest("titer", KEYS.iter().copied()), Some("titre"));
        assert_eq!(nearest("Titre", KEYS.iter().copied()), Some("titre"));
    }

    #[test]
    fn suggests_ids_containing_the_typed_text() {
        let ids = ["ch-jury", "ville-metz", "ars-grand-est"];
        assert_eq!(did_you_mean("jury", ids).as_deref(), Some("vouliez-vous dire `ch-jury` ?"));
        assert_eq!(did_you_mean("ars-grand-es", ids).as_deref(), Some("vouliez-vous dire `ars-grand-est` ?"));
    }

    #[test]
    fn says_nothing_when_nothing_is_close() {
        assert_eq!(did_you_mean("budget", KEYS.iter().copied()), None);
        assert_eq!(nearest("zz", KEYS.iter().copied()), None);
    }

    #[test]
    fn lists_several_candidates_closest_first() {
        let ids = ["gem-a", "gem-b", "cmsea"];
        assert_eq!(did_you_mean("gem-c", ids).as_deref(), Some("vouliez-vous dire `gem-a` ou `gem-b` ?"));
    }
}
