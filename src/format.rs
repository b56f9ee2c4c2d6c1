//! French formatting of dates, numbers and amounts, shared by every output: the
//! Tera filters, the data handed to Typst, the terminal report, the messages of
//! `check`.
//!
//! French typography separates thousands with a narrow no-break space and puts a
//! no-break space before `€` and `%`: "1 250,50 €", "80 %".

use crate::model::{Montant, PartialDate};

/// Narrow no-break space, between groups of thousands.
const THOUSANDS: char = '\u{202f}';
/// No-break space, before units.
const NBSP: char = '\u{a0}';

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "12 septembre 2024", "septembre 2024", "2024"; the first of the month is "1er".
pub fn date(d: &PartialDate) -> String {
    let month = |m: u32| MONTHS.get(m.saturating_sub(1) as usize).copied().unwrap_or("?");
    match (d.month, d.day) {
        (Some(m), Some(1)) => format!("1er {} {}", month(m), d.year),
        (Some(m), Some(day)) => format!("{day} {} {}", month(m), d.year),
        (Some(m), None) => format!("{} {}", month(m), d.year),
        _ => d.year.to_string(),
    }
}

const SHORT_MONTHS: [&str; 12] =
    ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];

/// "déc. 2025", "2025", "10/06/2026": short enough for a chart's labels.
pub fn short_date(d: &PartialDate) -> String {
    match (d.month, d.day) {
        (Some(m), Some(day)) => format!("{day:02}/{m:02}/{}", d.year),
        (Some(m), None) => {
            format!("{} {}", SHORT_MONTHS.get(m.saturating_sub(1) as usize).copied().unwrap_or("?"), d.year)
        }
        _ => d.year.to_string(),
    }
}

/// A number as a fiche would write it, every digit kept and no exponent: `1000`,
/// `0.085` (for the fixes that diagnostics suggest).
pub fn plain(value: f64) -> String {
    format!("{value}")
}

/// A number with at most `decimals` decimals, trailing zeros dropped: "1 250,5".
pub fn number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    out.push_str(&group_thousands(int));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(THOUSANDS);
        }
        out.push(c);
    }
    out
}

/// "5 000 €", "1 250,50 €": cents shown only when there are some, from exact cents.
pub fn montant(m: Montant) -> String {
    let whole = group_thousands(&(m.cents / 100).unsigned_abs().to_string());
    let sign = if m.cents < 0 { "-" } else { "" };
    match (m.cents % 100).abs() {
        0 => format!("{sign}{whole}{NBSP}€"),
        cents => format!("{sign}{whole},{cents:02}{NBSP}€"),
    }
}

/// An amount in euros as a number (from a template's data) in French: rounded to
/// the cent, then as [`montant`].
pub fn euros(value: f64) -> String {
    montant(Montant { cents: (value * 100.0).round() as i64 })
}

/// "80 %", "12,5 %".
pub fn percent(value: f64) -> String {
    format!("{}{NBSP}%", number(value, 1))
}

/// A value in its unit (`pourcentage`, `euros` or a plain number).
pub fn value(value: f64, unit: Option<&str>) -> String {
    match unit {
        Some("pourcentage") => percent(value),
        Some("euros") => euros(value),
        _ => number(value, 2),
    }
}

/// The French spellings the documents use, by the name templates know them by:
/// the HTML templates call them as Tera filters (`{{ montant | euros }}`); the
/// Typst templates, which cannot call Rust, receive them spelled beside each value
/// of the data (`montant_fr`), chosen by the key (see [`BY_KEY`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// `date_fr`: "12 septembre 2024".
    Date,
    /// `euros`: "1 250,50 €".
    Euros,
    /// `nombre`: "1 250,5".
    Nombre,
    /// `pourcent`: "66,7 %".
    Pourcent,
    /// `valeur`: a value in its indicator's unit.
    Valeur,
}

impl Spelling {
    /// Every spelling, with its filter name.
    pub const ALL: [(&'static str, Spelling); 5] = [
        ("date_fr", Spelling::Date),
        ("euros", Spelling::Euros),
        ("nombre", Spelling::Nombre),
        ("pourcent", Spelling::Pourcent),
        ("valeur", Spelling::Valeur),
    ];

    /// Spells a value given as a number, or as a date's text (or a year), in `unit`
    /// for [`Spelling::Valeur`]; `None` when the value is not of the kind.
    pub fn spell(self, number: Option<f64>, text: Option<&str>, unit: Option<&str>) -> Option<String> {
        match self {
            Spelling::Date => {
                let day = match text {
                    Some(t) => PartialDate::parse(t).ok()?,
                    None => PartialDate::year(number.filter(|n| n.fract() == 0.0)? as i32),
                };
                Some(date(&day))
            }
            Spelling::Euros => number.map(euros),
            Spelling::Nombre => number.map(|n| self::number(n, 2)),
            Spelling::Pourcent => number.map(percent),
            Spelling::Valeur => number.map(|n| value(n, unit)),
        }
    }
}

/// The spelling the Typst templates get beside each key of the view data.
pub const BY_KEY: &[(&str, Spelling)] = &[
    ("date", Spelling::Date),
    ("debut", Spelling::Date),
    ("fin", Spelling::Date),
    ("echeance", Spelling::Date),
    ("montant", Spelling::Euros),
    ("budget_total", Spelling::Euros),
    ("prevu", Spelling::Euros),
    ("acquis", Spelling::Euros),
    ("pressenti", Spelling::Euros),
    ("valeur", Spelling::Valeur),
    ("cible", Spelling::Valeur),
    ("atteinte", Spelling::Pourcent),
    ("participants", Spelling::Nombre),
];

/// Adds, beside each value of `data` whose key is in [`BY_KEY`], its French
/// spelling under `KEY_fr` (`null` when the value is absent), for the Typst
/// templates. A value in an indicator's unit takes the `unite` of its object or of
/// the nearest enclosing one.
pub fn add_spellings(data: &mut serde_json::Value) {
    spell_within(data, None);
}

fn spell_within(data: &mut serde_json::Value, unit: Option<&str>) {
    use serde_json::Value;
    match data {
        Value::Object(map) => {
            let unit_here = map.get("unite").and_then(|u| u.as_str()).map(str::to_string);
            let unit = unit_here.as_deref().or(unit);
            let mut added = Vec::new();
            for (key, v) in map.iter() {
                if let Some((_, spelling)) = BY_KEY.iter().find(|(k, _)| k == key) {
                    let french = spelling.spell(v.as_f64(), v.as_str(), unit);
                    added.push((format!("{key}_fr"), french.map_or(Value::Null, Value::String)));
                }
            }
            for v in map.values_mut() {
                spell_within(v, unit);
            }
            map.extend(added);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| spell_within(v, unit)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_data_gets_the_same_spellings_as_the_filters() {
        let mut data = serde_json::json!({
            "date": "2024-09-12",
            "montant": 1250.5,
            "indicateur": { "unite": "pourcentage", "valeur": 45.0, "cible": null },
        });
        add_spellings(&mut data);
        assert_eq!(data["date_fr"], "12 septembre 2024");
        assert_eq!(data["montant_fr"], Spelling::Euros.spell(Some(1250.5), None, None).unwrap());
        assert_eq!(data["indicateur"]["valeur_fr"], "45\u{a0}%");
        assert_eq!(data["indicateur"]["cible_fr"], serde_json::Value::Null);
    }

    #[test]
    fn dates_in_french() {
        assert_eq!(date(&PartialDate::parse("2026-11-22").unwrap()), "22 novembre 2026");
        assert_eq!(date(&PartialDate::parse("2024-09-01").unwrap()), "1er septembre 2024");
        assert_eq!(date(&PartialDate::parse("2020-02").unwrap()), "février 2020");
        assert_eq!(date(&PartialDate::year(2019)), "2019");
        assert_eq!(short_date(&PartialDate::parse("2025-12").unwrap()), "déc. 2025");
        assert_eq!(short_date(&PartialDate::parse("2026-06-10").unwrap()), "10/06/2026");
    }

    #[test]
    fn numbers_and_amounts_in_french() {
        assert_eq!(euros(1250.5), "1\u{202f}250,50\u{a0}€");
        assert_eq!(euros(5000.0), "5\u{202f}000\u{a0}€");
        assert_eq!(euros(480.0), "480\u{a0}€");
        assert_eq!(number(1234567.891, 2), "1\u{202f}234\u{202f}567,89");
        assert_eq!(number(12.0, 2), "12");
        assert_eq!(number(-0.001, 2), "0");
        assert_eq!(percent(80.0), "80\u{a0}%");
        assert_eq!(percent(12.26), "12,3\u{a0}%");
        assert_eq!(value(45.0, Some("pourcentage")), "45\u{a0}%");
    }
}
