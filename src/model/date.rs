//! Partial dates (`2018`, `2018-06`, `2018-06-15`) and periods.
//!
//! Coordinators often know only the year or the month of an event ("fév. 2020"), so a
//! date keeps the precision it was written with. Comparisons treat a partial date as the
//! interval it covers: `2020` runs from 1 January to 31 December 2020.

use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

/// A date written with year, year-month or year-month-day precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

/// Why a text is not a partial date, in French, ready for a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub message: String,
    pub help: String,
}

const DATE_HELP: &str = "écrivez `2018`, `2018-06` ou `2018-06-15`";

/// The dates [`PartialDate::parse`] accepts, as a regular expression for the JSON
/// Schemas: a year, a month of a year, or a day that exists (29 February in leap
/// years only). A test checks that both agree on every day of four centuries.
pub const PATTERN: &str = concat!(
    "^[0-9]{4}(-(0[1-9]|1[0-2]))?$|",
    "^[0-9]{4}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))$|",
    "^([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29$"
);

impl PartialDate {
    /// A year-only date.
    pub fn year(year: i32) -> Self {
        PartialDate { year, month: None, day: None }
    }

    /// A full date.
    pub fn day(date: NaiveDate) -> Self {
        use chrono::Datelike;
        PartialDate { year: date.year(), month: Some(date.month()), day: Some(date.day()) }
    }

    /// Parses `AAAA`, `AAAA-MM` or `AAAA-MM-JJ`, checking that the day exists.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let invalid = |message: String| DateError { message, help: DATE_HELP.to_string() };
        let text = text.trim();
        let parts: Vec<&str> = text.split('-').collect();
        let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
        let ok_shape = match parts.as_slice() {
            [y] => digits(y, 4),
            [y, m] => digits(y, 4) && digits(m, 2),
            [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
            _ => false,
        };
        if !ok_shape {
            let help =
                guess_french_date(text).map(|d| format!("écrivez `{d}`")).unwrap_or_else(|| DATE_HELP.to_string());
            return Err(DateError { message: format!("date invalide `{text}`"), help });
        }
        // The shapes above guarantee the numeric parses succeed.
        let num = |s: &str| s.parse::<u32>().unwrap_or(0);
        let year = num(parts[0]) as i32;
        let month = parts.get(1).map(|m| num(m));
        let day = parts.get(2).map(|d| num(d));
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(invalid(format!("mois invalide dans la date `{text}`")));
        }
        if let (Some(m), Some(d)) = (month, day)
            && NaiveDate::from_ymd_opt(year, m, d).is_none()
        {
            return Err(invalid(format!("le jour `{text}` n'existe pas")));
        }
        Ok(PartialDate { year, month, day })
    }

    /// The first day the date covers.
    pub fn first_day(&self) -> NaiveDate {
        let date = NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1));
        date.unwrap_or(NaiveDate::MIN)
    }

    /// The last day the date covers.
    pub fn last_day(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => {
                let (y, next) = if m == 12 { (self.year + 1, 1) } else { (self.year, m + 1) };
                NaiveDate::from_ymd_opt(y, next, 1).and_then(|d| d.pred_opt())
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// True when this date lies entirely before `other` (no overlap at all).
    pub fn entirely_before(&self, other: &PartialDate) -> bool {
        self.last_day() < other.first_day()
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A planned period; `debut` must not come after `fin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Periode {
    pub debut: PartialDate,
    pub fin: PartialDate,
}

impl Periode {
    /// True when `debut` starts after `fin` ends.
    pub fn is_reversed(&self) -> bool {
        self.fin.entirely_before(&self.debut)
    }
}

/// French month names and their usual abbreviations, for [`guess_french_date`].
const MONTHS: [&[&str]; 12] = [
    &["janvier", "janv", "jan"],
    &["février", "fevrier", "févr", "fevr", "fév", "fev"],
    &["mars", "mar"],
    &["avril", "avr"],
    &["mai"],
    &["juin"],
    &["juillet", "juil"],
    &["août", "aout"],
    &["septembre", "sept", "sep"],
    &["octobre", "oct"],
    &["novembre", "nov"],
    &["décembre", "decembre", "déc", "dec"],
];

/// Recognises the dates a coordinator types out of habit (`15/06/2018`,
/// `15.06.2018`, `18 mars 2025`, `juin 2018`, `2025-3-18`) so that the diagnostic
/// can show the exact form to write instead.
fn guess_french_date(text: &str) -> Option<String> {
    // `2025-03-18T10:00`: the day is enough; `2025–03–18`: Word's dashes.
    let text = text.split_once('T').filter(|(d, _)| d.len() == 10).map_or(text, |(d, _)| d);
    let text = text.replace(['–', '—', '‑'], "-");
    // `20250318`: eight digits, a day written without dashes.
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        let candidate = format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..]);
        return PartialDate::parse(&candidate).ok().map(|d| d.to_string());
    }
    let lower = text.trim().to_lowercase();
    let parts: Vec<&str> = lower.split(['/', '.', ' ', '-']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let month = |p: &str| -> Option<u32> {
        if p.bytes().all(|b| b.is_ascii_digit()) && (1..=2).contains(&p.len()) {
            return p.parse().ok();
        }
        let p = p.trim_end_matches('.');
        MONTHS.iter().position(|names| names.contains(&p)).map(|i| i as u32 + 1)
    };
    let number = |p: &str| {
        (p.bytes().all(|b| b.is_ascii_digit()) && (1..=2).contains(&p.len())).then(|| p.parse::<u32>().ok()).flatten()
    };
    fn year(p: &str) -> Option<&str> {
        (p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit())).then_some(p)
    }
    let day = |p: &str| number(p.strip_suffix("er").unwrap_or(p));
    let candidate = match parts.as_slice() {
        [d, m, y] if year(y).is_some() => format!("{y}-{:02}-{:02}", month(m)?, day(d)?),
        [y, m, d] if year(y).is_some() => format!("{y}-{:02}-{:02}", month(m)?, day(d)?),
        [m, y] if year(y).is_some() => format!("{y}-{:02}", month(m)?),
        [y, m] if year(y).is_some() => format!("{y}-{:02}", month(m)?),
        _ => return None,
    };
    PartialDate::parse(&candidate).ok().map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_precisions() {
        assert_eq!(PartialDate::parse("2018").unwrap(), PartialDate::year(2018));
        let month = PartialDate::parse("2018-06").unwrap();
        assert_eq!((month.year, month.month, month.day), (2018, Some(6), None));
        let day = PartialDate::parse("2018-06-15").unwrap();
        assert_eq!(day.to_string(), "2018-06-15");
    }

    #[test]
    fn rejects_impossible_days_and_months() {
        assert!(PartialDate::parse("2019-02-29").is_err());
        assert!(PartialDate::parse("2020-02-29").is_ok());
        assert!(PartialDate::parse("2020-13").is_err());
        assert!(PartialDate::parse("2020-00").is_err());
        assert!(PartialDate::parse("20-01-01").is_err());
        assert!(PartialDate::parse("").is_err());
    }

    #[test]
    fn suggests_iso_form_for_french_dates() {
        let err = PartialDate::parse("15/06/2018").unwrap_err();
        assert_eq!(err.help, "écrivez `2018-06-15`");
        let err = PartialDate::parse("6/2018").unwrap_err();
        assert_eq!(err.help, "écrivez `2018-06`");
        let help = |text: &str| PartialDate::parse(text).unwrap_err().help;
        assert_eq!(help("juin 2018"), "écrivez `2018-06`");
        assert_eq!(help("18 mars 2025"), "écrivez `2025-03-18`");
        assert_eq!(help("1er févr. 2025"), "écrivez `2025-02-01`");
        assert_eq!(help("18.03.2025"), "écrivez `2025-03-18`");
        assert_eq!(help("2025-3-18"), "écrivez `2025-03-18`");
        assert_eq!(help("2025-3"), "écrivez `2025-03`");
        assert_eq!(help("2025-03-18T10:00"), "écrivez `2025-03-18`");
        assert_eq!(help("20250318"), "écrivez `2025-03-18`");
        assert_eq!(help("2025–03–18"), "écrivez `2025-03-18`");
        assert_eq!(help("30/02/2025"), DATE_HELP);
        assert_eq!(help("le printemps"), DATE_HELP);
    }

    #[test]
    fn the_schema_pattern_accepts_exactly_what_parse_accepts() {
        let schema = serde_json::json!({ "type": "string", "pattern": PATTERN });
        let validator = jsonschema::draft202012::new(&schema).unwrap();
        let mut texts = Vec::new();
        for year in [1900, 1999, 2000, 2023, 2024, 2100, 2200, 2400] {
            texts.push(format!("{year}"));
            for month in 0..=13 {
                texts.push(format!("{year}-{month:02}"));
                for day in 0..=32 {
                    texts.push(format!("{year}-{month:02}-{day:02}"));
                }
            }
        }
        texts.extend(["202", "20245", "2024-1", "2024-01-1", "2024/01/01", " 2024"].map(String::from));
        for text in texts {
            let parsed = PartialDate::parse(&text).is_ok() && !text.starts_with(' ');
            assert_eq!(validator.is_valid(&serde_json::json!(text)), parsed, "{text}");
        }
    }

    #[test]
    fn partial_dates_cover_intervals() {
        let year = PartialDate::year(2020);
        let feb = PartialDate::parse("2020-02").unwrap();
        assert_eq!(feb.last_day(), NaiveDate::from_ymd_opt(2020, 2, 29).unwrap());
        assert_eq!(year.last_day(), NaiveDate::from_ymd_opt(2020, 12, 31).unwrap());
        // A month inside a year overlaps it, in both directions.
        assert!(!year.entirely_before(&feb));
        assert!(!feb.entirely_before(&year));
        assert!(PartialDate::year(2019).entirely_before(&feb));
        let dec = PartialDate::parse("2020-12").unwrap();
        assert_eq!(dec.last_day(), NaiveDate::from_ymd_opt(2020, 12, 31).unwrap());
    }

    #[test]
    fn periode_within_the_same_year_is_not_reversed() {
        let p = Periode { debut: PartialDate::parse("2024-09").unwrap(), fin: PartialDate::year(2024) };
        assert!(!p.is_reversed());
        let p = Periode { debut: PartialDate::year(2025), fin: PartialDate::year(2024) };
        assert!(p.is_reversed());
    }
}
