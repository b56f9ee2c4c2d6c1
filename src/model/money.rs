//! Amounts of money in euros, kept as whole cents so that totals are exact.

use std::fmt;

use serde::{Serialize, Serializer};

/// An amount in euros, stored in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Montant {
    pub cents: i64,
}

impl Montant {
    /// The most cents an amount or a total may hold: ten thousand billion euros.
    /// Documents and JSON carry amounts as euros in 64-bit floats, whose spacing
    /// stays below half a cent up to there, so every total reads back exact.
    pub const MAX_CENTS: i64 = 1_000_000_000_000_000;

    /// The largest amount one line may hold, in euros: ten thousand billion.
    pub const MAX_LINE: f64 = 1e13;

    /// Converts a YAML number; refuses negatives and fractions of a cent.
    pub fn from_f64(value: f64) -> Option<Montant> {
        if !value.is_finite() || !(0.0..=Self::MAX_LINE).contains(&value) {
            return None;
        }
        let cents = (value * 100.0).round();
        if ((cents / 100.0) - value).abs() > 1e-6 {
            return None;
        }
        Some(Montant { cents: cents as i64 })
    }

    /// The amount in euros.
    pub fn euros(&self) -> f64 {
        self.cents as f64 / 100.0
    }
}

impl Montant {
    /// `self + other`, or `None` past [`Montant::MAX_CENTS`]: a total is exact or
    /// refused, never rounded or wrapped around.
    pub fn checked_add(self, other: Montant) -> Option<Montant> {
        let cents = self.cents.checked_add(other.cents)?;
        (cents <= Self::MAX_CENTS).then_some(Montant { cents })
    }

    /// `self + other` for amounts whose total `check` already bounded (a subset of
    /// a checked total): it cannot pass [`Montant::MAX_CENTS`], and would stop there.
    pub fn plus(self, other: Montant) -> Montant {
        Montant { cents: self.cents.saturating_add(other.cents).min(Self::MAX_CENTS) }
    }

    /// The exact sum of `amounts`, or the index of the first one that makes it
    /// too large to be exact.
    pub fn total(amounts: impl IntoIterator<Item = Montant>) -> Result<Montant, usize> {
        amounts
            .into_iter()
            .enumerate()
            .try_fold(Montant::default(), |sum, (i, amount)| sum.checked_add(amount).ok_or(i))
    }
}

/// Written as YAML would need it: `5000` or `1250.5`.
impl fmt::Display for Montant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (euros, cents) = (self.cents / 100, self.cents % 100);
        if cents == 0 {
            write!(f, "{euros}")
        } else if cents % 10 == 0 {
            write!(f, "{euros}.{}", cents / 10)
        } else {
            write!(f, "{euros}.{cents:02}")
        }
    }
}

impl Serialize for Montant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.euros())
    }
}

/// Reads the number a coordinator meant in a text like `"5 000 €"` or `"1 250,50 euros"`,
/// so that the diagnostic can show what to write instead. `None` when no number is there.
pub fn number_in_text(text: &str) -> Option<Montant> {
    let mut cleaned = String::new();
    for c in text.trim().chars() {
        match c {
            '0'..='9' => cleaned.push(c),
            ',' | '.' => cleaned.push('.'),
            ' ' | '\u{a0}' | '\u{202f}' | '€' | '\'' => {}
            _ if c.is_alphabetic() => {}
            _ => return None,
        }
    }
    let cleaned = cleaned.trim_end_matches('.');
    if cleaned.is_empty() || cleaned.matches('.').count() > 1 {
        return None;
    }
    cleaned.parse::<f64>().ok().and_then(Montant::from_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_cents_exact() {
        let total = Montant::total([0.1, 0.2, 1250.5].iter().filter_map(|v| Montant::from_f64(*v))).unwrap();
        assert_eq!(total.cents, 125080);
        let tenths = Montant::total([0.1, 0.1, 0.1].iter().filter_map(|v| Montant::from_f64(*v))).unwrap();
        assert_eq!(serde_json::to_string(&tenths).unwrap(), "0.3");
        assert_eq!(total.to_string(), "1250.8");
        assert_eq!(Montant::from_f64(5000.0).unwrap().to_string(), "5000");
        assert_eq!(Montant::from_f64(12.05).unwrap().to_string(), "12.05");
    }

    #[test]
    fn a_total_too_large_to_be_exact_is_refused_where_it_breaks() {
        let line = Montant::from_f64(Montant::MAX_LINE).unwrap();
        // One line of ten thousand billion euros fits; a second one does not.
        assert_eq!(Montant::total(std::iter::repeat_n(line, 9_300)), Err(1));
        assert!(Montant::total(std::iter::repeat_n(line, 1)).is_ok());
        // Every amount up to the bound reads back exact from its euros as a float.
        let near = Montant { cents: Montant::MAX_CENTS - 1 };
        assert_eq!(((near.euros() * 100.0).round()) as i64, near.cents);
        let max = Montant { cents: Montant::MAX_CENTS };
        assert_eq!(max.checked_add(Montant { cents: 1 }), None);
        assert_eq!(Montant { cents: i64::MAX }.checked_add(Montant { cents: 1 }), None);
    }

    #[test]
    fn refuses_negative_and_sub_cent_amounts() {
        assert!(Montant::from_f64(-1.0).is_none());
        assert!(Montant::from_f64(0.001).is_none());
        assert!(Montant::from_f64(f64::NAN).is_none());
    }

    #[test]
    fn finds_the_number_in_french_money_text() {
        assert_eq!(number_in_text("5 000 €").unwrap().to_string(), "5000");
        assert_eq!(number_in_text("1 250,50 euros").unwrap().to_string(), "1250.5");
        assert_eq!(number_in_text("5\u{202f}000€").unwrap().to_string(), "5000");
        assert!(number_in_text("environ la moitié").is_none());
        assert!(number_in_text("1.000,50").is_none());
    }
}
