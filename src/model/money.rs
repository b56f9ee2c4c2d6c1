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

    /// What `self` leaves once `other` is taken from it, when it leaves something.
    pub fn remainder(self, other: Montant) -> Option<Montant> {
        let cents = self.cents.checked_sub(other.cents)?;
        (cents > 0).then_some(Montant { cents })
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

/// What an amount written as text (`"5 000 €"`, `"180k€"`) may mean, so that the
/// diagnostic can show what to write instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// One amount: the text can mean nothing else.
    One(Montant),
    /// Two amounts: `180.000` is 180 € to YAML and 180 000 € to a French reader.
    Ambiguous { decimal: Montant, thousands: Montant },
    /// No amount, or more than one way to read it that we cannot name.
    Unknown,
}

/// Reads the amount a coordinator meant in a text like `"5 000 €"`, `"1 250,50 euros"`,
/// `"1.000,50"` or `"180k€"`. Spaces and apostrophes group thousands; with both `.`
/// and `,`, the last one marks the cents; a single one followed by exactly three
/// digits may be either, and both readings are returned.
pub fn read_amount(text: &str) -> Reading {
    let lower = text.trim().to_lowercase();
    let mut rest = lower.as_str();
    for unit in ["euros", "euro", "eur", "€"] {
        if let Some(r) = rest.strip_suffix(unit) {
            rest = r.trim_end();
            break;
        }
    }
    let (rest, factor) = match rest.strip_suffix('k') {
        Some(r) => (r.trim_end(), 1000.0),
        None => match rest.strip_suffix('m') {
            Some(r) => (r.trim_end(), 1_000_000.0),
            None => (rest, 1.0),
        },
    };
    let digits: String = rest.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’')).collect();
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return Reading::Unknown;
    }
    if !digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',')) {
        return Reading::Unknown;
    }
    let amount = |plain: &str| plain.parse::<f64>().ok().and_then(|v| Montant::from_f64(v * factor));
    let marks: Vec<(usize, char)> = digits.char_indices().filter(|(_, c)| matches!(c, '.' | ',')).collect();
    let reading = match marks.as_slice() {
        [] => amount(&digits).map(Reading::One),
        [(i, _)] => {
            let decimal = amount(&format!("{}.{}", &digits[..*i], &digits[i + 1..]));
            let thousands = amount(&digits.replace(['.', ','], ""));
            // Three digits after the mark cannot be cents, but may be thousands when one
            // to three digits come before it (`180.000`, not `1500.505`).
            let grouped = digits.len() - i - 1 == 3 && (1..=3).contains(i) && !digits.starts_with('0');
            match (decimal, thousands, grouped) {
                (Some(decimal), Some(thousands), true) => Some(Reading::Ambiguous { decimal, thousands }),
                (None, Some(thousands), true) => Some(Reading::One(thousands)),
                (decimal, _, _) => decimal.map(Reading::One),
            }
        }
        [.., (last, mark)] => {
            let others = &marks[..marks.len() - 1];
            let groups_of_three = marks.windows(2).all(|w| w[1].0 - w[0].0 == 4) && (1..=3).contains(&marks[0].0);
            let grouped = digits.len() - last - 1 == 3 && others.iter().all(|(_, c)| c == mark) && groups_of_three;
            if grouped {
                // `12.345.678`: every mark groups thousands.
                amount(&digits.replace(*mark, "")).map(Reading::One)
            } else if others.iter().all(|(_, c)| c != mark) {
                // `1.000,50`: the last mark is the decimal one.
                let whole = digits[..*last].replace(['.', ','], "");
                amount(&format!("{whole}.{}", &digits[last + 1..])).map(Reading::One)
            } else {
                None
            }
        }
    };
    reading.unwrap_or(Reading::Unknown)
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

    fn one(text: &str) -> String {
        match read_amount(text) {
            Reading::One(m) => m.to_string(),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn finds_the_amount_in_french_money_text() {
        assert_eq!(one("5 000 €"), "5000");
        assert_eq!(one("1 250,50 euros"), "1250.5");
        assert_eq!(one("5\u{202f}000€"), "5000");
        assert_eq!(one("1.000,50"), "1000.5");
        assert_eq!(one("12.345.678"), "12345678");
        assert_eq!(one("180k€"), "180000");
        assert_eq!(one("1,5 M€"), "1500000");
        assert_eq!(one("12,5"), "12.5");
        assert_eq!(read_amount("environ la moitié"), Reading::Unknown);
        assert_eq!(read_amount("1e400"), Reading::Unknown);
        assert_eq!(read_amount("180 personnes"), Reading::Unknown);
        assert_eq!(read_amount("1.000.50"), Reading::Unknown);
    }

    #[test]
    fn a_single_mark_before_three_digits_reads_both_ways() {
        let both =
            |d: i64, t: i64| Reading::Ambiguous { decimal: Montant { cents: d }, thousands: Montant { cents: t } };
        assert_eq!(read_amount("180.000"), both(18_000, 18_000_000));
        assert_eq!(read_amount("1,500 €"), both(150, 150_000));
        // Three decimals that are not cents leave only the thousands reading.
        assert_eq!(one("1.234"), "1234");
        assert_eq!(one("180.0000"), "180");
        // Four digits before the mark: no thousands group, and no cents either.
        assert_eq!(read_amount("1500.505"), Reading::Unknown);
        assert_eq!(read_amount("12.34.567"), Reading::Unknown);
    }
}
