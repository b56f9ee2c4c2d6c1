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

/// A date in a sentence, by its precision: "le 27 juin 2025", "en juin 2025",
/// "en 2025".
pub fn when(d: &PartialDate) -> String {
    match d.day {
        Some(_) => format!("le {}", date(d)),
        None => format!("en {}", date(d)),
    }
}

/// A date, or a period from `debut` to `fin`, in a sentence: "en juin 2025",
/// "de mai à juillet 2017", "du 3 au 5 mars 2020", "de 2015 à 2016".
pub fn when_span(debut: &PartialDate, fin: Option<&PartialDate>) -> String {
    match fin.filter(|f| *f != debut) {
        None => when(debut),
        Some(fin) => {
            let start = shortened_start(debut, fin);
            let to = if fin.day.is_some() { "au" } else { "à" };
            let from = match () {
                _ if debut.day.is_some() => "du ",
                // « d'avril », « d'août », « d'octobre ».
                _ if start.starts_with(['a', 'o']) => "d'",
                _ => "de ",
            };
            format!("{from}{start} {to} {}", date(fin))
        }
    }
}

/// A date, or a period, as a label: "juin 2025", "mai à juillet 2017",
/// "2015 – 2016", "3 au 5 mars 2020".
pub fn span(debut: &PartialDate, fin: Option<&PartialDate>) -> String {
    match fin.filter(|f| *f != debut) {
        None => date(debut),
        Some(fin) if debut.month.is_none() && fin.month.is_none() => format!("{} – {}", debut.year, fin.year),
        Some(fin) => {
            let to = if fin.day.is_some() { "au" } else { "à" };
            format!("{} {to} {}", shortened_start(debut, fin), date(fin))
        }
    }
}

/// The start of a period, without what its end repeats: "3" before "5 mars 2020",
/// "mai" before "juillet 2017".
fn shortened_start(debut: &PartialDate, fin: &PartialDate) -> String {
    let full = date(debut);
    if debut.year != fin.year || debut.month.is_none() || fin.month.is_none() {
        return full;
    }
    let same_month = debut.month == fin.month && debut.day.is_some() && fin.day.is_some();
    let words: Vec<&str> = full.split(' ').collect();
    // "3 mars 2020" → "3"; "mai 2017" → "mai"; "3 mars 2020" before "5 avril 2020" → "3 mars".
    let keep = match (same_month, debut.day.is_some(), fin.day.is_some()) {
        (true, _, _) => 1,
        (false, true, _) => 2,
        (false, false, false) => 1,
        (false, false, true) => return full,
    };
    words[..keep.min(words.len())].join(" ")
}

/// `text` with its first letter in capitals: "De mai à juillet 2017".
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A sum of `lignes` amounts of which `sans_montant` give none: "1 200 €",
/// "non renseigné", "1 200 € + 1 montant non renseigné", "—" for no line at all.
pub fn sum(montant: Montant, lignes: usize, sans_montant: usize) -> String {
    match (lignes, sans_montant) {
        (0, _) => "—".into(),
        (l, s) if s >= l => "non renseigné".into(),
        (_, 0) => self::montant(montant),
        (_, s) => format!(
            "{} + {}",
            self::montant(montant),
            count(s as f64, "montant non renseigné", "montants non renseignés")
        ),
    }
}

/// The participants of `evenements` meetings of which `sans_decompte` did not
/// count them: "214 participants", "80 participants (1 réunion sans décompte)",
/// "participants non renseignés" when none did. Unknown is never written as zero.
pub fn participants(participants: u64, sans_decompte: usize, evenements: usize) -> String {
    let counted = count(participants as f64, "participant", "participants");
    match sans_decompte {
        0 => counted,
        n if n >= evenements => "participants non renseignés".into(),
        n => format!("{counted} ({} sans décompte)", count(n as f64, "réunion", "réunions")),
    }
}

/// The same in a column headed "Participants": "214", "80 (1 réunion sans
/// décompte)", "non renseigné".
pub fn participants_cell(participants: u64, sans_decompte: usize, evenements: usize) -> String {
    match sans_decompte {
        0 => number(participants as f64, 0),
        n if n >= evenements => "non renseigné".into(),
        n => format!("{} ({} sans décompte)", number(participants as f64, 0), count(n as f64, "réunion", "réunions")),
    }
}

/// A count and its noun, singular up to 1 as French has it: "0 réunion",
/// "1 participant", "1 250 participants".
pub fn count(n: f64, singular: &str, plural: &str) -> String {
    let noun = if n.abs() < 2.0 { singular } else { plural };
    format!("{}{NBSP}{noun}", number(n, 2))
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

/// A duration for a person: "moins de 0,1 s", "0,4 s", "41 s", "3 min 05 s".
pub fn duration(d: std::time::Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 0.05 {
        "moins de 0,1 s".to_string()
    } else if secs < 10.0 {
        format!("{} s", number(secs, 1))
    } else if secs < 60.0 {
        format!("{} s", secs.round())
    } else {
        let whole = secs.round() as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
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
    ("etabli_le", Spelling::Date),
    ("montant", Spelling::Euros),
    ("budget_total", Spelling::Euros),
    ("prevu", Spelling::Euros),
    ("acquis", Spelling::Euros),
    ("pressenti", Spelling::Euros),
    ("valeur", Spelling::Valeur),
    ("cible", Spelling::Valeur),
    ("atteinte", Spelling::Pourcent),
    ("part", Spelling::Pourcent),
    ("participants", Spelling::Nombre),
];

/// Adds, beside each value of `data` whose key is in [`BY_KEY`], its French
/// spelling under `KEY_fr` (`null` when the value is absent), for the Typst
/// templates. A value in an indicator's unit takes the `unite` of its object or of
/// the nearest enclosing one. An object with a `date` also gets `quand`, the date
/// (or the period to its `fin`) in a sentence, and `periode_fr`, the same as a
/// label, and `date_court`, the date as a chart or a poster labels it; a sum of
/// amounts (`sans_montant`) gets `somme_fr`; a count of
/// participants over meetings (`sans_decompte`) gets `participants_texte`.
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
            added.extend(phrases(map));
            for v in map.values_mut() {
                spell_within(v, unit);
            }
            map.extend(added);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| spell_within(v, unit)),
        _ => {}
    }
}

/// The phrases of an object of the view data that several of its keys make.
fn phrases(map: &serde_json::Map<String, serde_json::Value>) -> Vec<(String, serde_json::Value)> {
    use serde_json::Value;
    let date = |key: &str| map.get(key).and_then(Value::as_str).and_then(|t| PartialDate::parse(t).ok());
    let number = |key: &str| map.get(key).and_then(Value::as_u64);
    let mut out = Vec::new();
    if let Some(debut) = date("date") {
        let fin = date("fin");
        out.push(("quand".to_string(), Value::String(when_span(&debut, fin.as_ref()))));
        out.push(("periode_fr".to_string(), Value::String(span(&debut, fin.as_ref()))));
        out.push(("date_court".to_string(), Value::String(short_date(&debut))));
    }
    if let (Some(lignes), Some(sans)) = (number("lignes"), number("sans_montant")) {
        let cents = map.get("montant").and_then(Value::as_f64).map_or(0, |e| (e * 100.0).round() as i64);
        out.push(("somme_fr".to_string(), Value::String(sum(Montant { cents }, lignes as usize, sans as usize))));
    }
    if let Some(sans) = number("sans_decompte") {
        let total = ["nombre", "evenements", "reunions"].iter().find_map(|k| number(k)).unwrap_or(0);
        let n = number("participants").unwrap_or(0);
        let text = participants(n, sans as usize, total as usize);
        out.push(("participants_texte".to_string(), Value::String(text)));
        let cell = participants_cell(n, sans as usize, total as usize);
        out.push(("participants_cellule".to_string(), Value::String(cell)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_a_person_says_them() {
        let ms = std::time::Duration::from_millis;
        assert_eq!(duration(ms(40)), "moins de 0,1 s");
        assert_eq!(duration(ms(420)), "0,4 s");
        assert_eq!(duration(ms(9_960)), "10 s");
        assert_eq!(duration(ms(41_300)), "41 s");
        assert_eq!(duration(ms(185_000)), "3 min 05 s");
    }

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
    fn dates_in_a_sentence_by_their_precision() {
        let d = |t: &str| PartialDate::parse(t).unwrap();
        assert_eq!(when(&d("2025-06-27")), "le 27 juin 2025");
        assert_eq!(when(&d("2025-06-01")), "le 1er juin 2025");
        assert_eq!(when(&d("2025-06")), "en juin 2025");
        assert_eq!(when(&d("2025")), "en 2025");
        assert_eq!(when_span(&d("2017-05"), Some(&d("2017-07"))), "de mai à juillet 2017");
        assert_eq!(when_span(&d("2017-05"), Some(&d("2018-02"))), "de mai 2017 à février 2018");
        assert_eq!(when_span(&d("2020-03-03"), Some(&d("2020-03-05"))), "du 3 au 5 mars 2020");
        assert_eq!(when_span(&d("2020-03-30"), Some(&d("2020-04-02"))), "du 30 mars au 2 avril 2020");
        assert_eq!(when_span(&d("2015"), Some(&d("2016"))), "de 2015 à 2016");
        assert_eq!(when_span(&d("2016"), Some(&d("2016"))), "en 2016", "a period of one date is that date");
        assert_eq!(when_span(&d("2020-10"), None), "en octobre 2020");
        assert_eq!(when_span(&d("2020-10"), Some(&d("2021-01-15"))), "d'octobre 2020 au 15 janvier 2021");
    }

    #[test]
    fn periods_as_labels() {
        let d = |t: &str| PartialDate::parse(t).unwrap();
        assert_eq!(span(&d("2015"), Some(&d("2016"))), "2015 – 2016");
        assert_eq!(span(&d("2017-05"), Some(&d("2017-07"))), "mai à juillet 2017");
        assert_eq!(span(&d("2020-03-03"), Some(&d("2020-03-05"))), "3 au 5 mars 2020");
        assert_eq!(span(&d("2019-12"), None), "décembre 2019");
    }

    #[test]
    fn unknown_amounts_and_participants_are_never_zero() {
        let m = |cents| Montant { cents };
        assert_eq!(sum(m(0), 2, 2), "non renseigné", "two pressentis without amount");
        assert_eq!(sum(m(0), 0, 0), "—");
        assert_eq!(sum(m(120000), 1, 0), "1\u{202f}200\u{a0}€");
        assert_eq!(sum(m(120000), 2, 1), "1\u{202f}200\u{a0}€ + 1\u{a0}montant non renseigné");
        assert_eq!(participants(0, 1, 1), "participants non renseignés");
        assert_eq!(participants(80, 1, 2), "80\u{a0}participants (1\u{a0}réunion sans décompte)");
        assert_eq!(participants(1, 0, 1), "1\u{a0}participant");
        assert_eq!(participants_cell(0, 2, 2), "non renseigné");
        assert_eq!(participants_cell(214, 0, 3), "214");
    }

    #[test]
    fn typst_data_gets_the_phrases_of_several_keys() {
        let mut data = serde_json::json!({
            "entree": { "date": "2017-05", "fin": "2017-07" },
            "somme": { "montant": 0.0, "lignes": 2, "sans_montant": 2 },
            "type": { "nombre": 2, "participants": 0, "sans_decompte": 2 },
        });
        add_spellings(&mut data);
        assert_eq!(data["entree"]["quand"], "de mai à juillet 2017");
        assert_eq!(data["entree"]["periode_fr"], "mai à juillet 2017");
        assert_eq!(data["somme"]["somme_fr"], "non renseigné");
        assert_eq!(data["type"]["participants_texte"], "participants non renseignés");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(0.0, "réunion", "réunions"), "0\u{a0}réunion");
        assert_eq!(count(1.0, "réunion", "réunions"), "1\u{a0}réunion");
        assert_eq!(count(2.0, "réunion", "réunions"), "2\u{a0}réunions");
        assert_eq!(count(1250.0, "participant", "participants"), "1\u{202f}250\u{a0}participants");
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
