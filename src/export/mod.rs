//! Exports: the indicators, actions and partners as tables, for French Excel or for
//! open data, and as JSON.
//!
//! Each export is first a list of rows (column name → cell) read from the views of
//! the site, so that a table says what the pages say; the writers only lay those
//! rows out. Two CSV profiles:
//! `excel` (`;`, UTF-8 with BOM, decimal comma: French Excel garbles accents without
//! the BOM and reads `22.5` as a date) and `opendata` (the Etalab convention: `,`, no
//! BOM, decimal point). Dates stay as written (`2019`, `2020-04`), which is ISO 8601.

pub mod schema;
mod tables;

use anyhow::{Context, Result};
use serde_json::{Map, Value};

pub use tables::{actions, events, indicators, partners};

/// A cell: text, or a number to write in the profile's decimal style, or a value
/// each profile writes its own way.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
    /// A word of a vocabulary: its label for people (`excel`), its code for data
    /// (`opendata`, JSON).
    Word {
        code: String,
        label: String,
    },
    /// Several words: their labels joined by `, `, or their codes by `|`.
    Words(Vec<(String, String)>),
    /// Several values (ids, texts): joined by `, ` for people, `|` for data, a list in
    /// JSON.
    List(Vec<String>),
    /// `oui`/`non` for people, `true`/`false` for data.
    Bool(bool),
    /// A text a spreadsheet would take for a number or a date (`0387000001`,
    /// `1.10`, `1-5`): for Excel, written as a text formula `="0387000001"`.
    Verbatim(String),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Self {
        Cell::Number(n)
    }
}

/// A table: its header and its rows, cells in header order.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// How to write a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub delimiter: u8,
    pub bom: bool,
    pub decimal_comma: bool,
    /// For data rather than people: codes, `|` between the items of a list,
    /// `true`/`false`.
    pub data: bool,
}

impl Profile {
    /// French Excel: `;`, BOM, decimal comma, labels.
    pub const EXCEL: Profile = Profile { delimiter: b';', bom: true, decimal_comma: true, data: false };
    /// Etalab open data: `,`, no BOM, decimal point, codes, lists by `|`.
    pub const OPENDATA: Profile = Profile { delimiter: b',', bom: false, decimal_comma: false, data: true };
}

/// How the items of a list are joined in a CSV cell.
fn separator(profile: Profile) -> &'static str {
    if profile.data { "|" } else { ", " }
}

/// A cell's text in `profile`.
fn written(cell: &Cell, profile: Profile) -> String {
    match cell {
        Cell::Text(s) => neutralised(s).into_owned(),
        Cell::Number(n) => number(*n, profile.decimal_comma),
        Cell::Empty => String::new(),
        Cell::Word { code, label } => neutralised(if profile.data { code } else { label }).into_owned(),
        Cell::Words(words) => {
            let items: Vec<&str> =
                words.iter().map(|(c, l)| if profile.data { c.as_str() } else { l.as_str() }).collect();
            neutralised(&items.join(separator(profile))).into_owned()
        }
        Cell::List(items) => neutralised(&items.join(separator(profile))).into_owned(),
        Cell::Bool(b) => match (profile.data, b) {
            (true, true) => "true".into(),
            (true, false) => "false".into(),
            (false, true) => "oui".into(),
            (false, false) => "non".into(),
        },
        // A formula that is only a text: Excel and LibreOffice show it as written.
        Cell::Verbatim(s) if !profile.data && !s.is_empty() => format!("=\"{}\"", s.replace('"', "\"\"")),
        Cell::Verbatim(s) => neutralised(s).into_owned(),
    }
}

/// A number without useless zeros, in the profile's decimal style, no grouping.
fn number(n: f64, decimal_comma: bool) -> String {
    let text = if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let t = format!("{:.6}", n);
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if decimal_comma { text.replace('.', ",") } else { text }
}

/// A text cell as a spreadsheet will show it: a text that starts like a formula
/// (`=`, `+`, `-`, `@`, a tab or a carriage return) gets an apostrophe in front, so
/// that LibreOffice and Excel show it instead of running it (`=HYPERLINK(…)` would
/// become a live link, `=cmd|…` worse). Numbers are [`Cell::Number`] and never touched.
fn neutralised(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Writes `table` as CSV in `profile`.
pub fn to_csv(table: &Table, profile: Profile) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if profile.bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut writer =
        csv::WriterBuilder::new().delimiter(profile.delimiter).terminator(csv::Terminator::CRLF).from_writer(out);
    writer.write_record(&table.header).context("écriture CSV impossible")?;
    for row in &table.rows {
        writer.write_record(row.iter().map(|c| written(c, profile))).context("écriture CSV impossible")?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("écriture CSV impossible : {e}"))
}

/// Writes `table` as a JSON array of objects, numbers as numbers.
pub fn to_json(table: &Table) -> Result<Vec<u8>> {
    let rows: Vec<Value> = table
        .rows
        .iter()
        .map(|row| {
            let object: Map<String, Value> = table
                .header
                .iter()
                .zip(row)
                .map(|(k, c)| {
                    let v = match c {
                        Cell::Text(s) | Cell::Verbatim(s) | Cell::Word { code: s, .. } => Value::String(s.clone()),
                        Cell::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
                        Cell::Empty => Value::Null,
                        Cell::Bool(b) => Value::Bool(*b),
                        Cell::Words(words) => {
                            Value::Array(words.iter().map(|(c, _)| Value::String(c.clone())).collect())
                        }
                        Cell::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
                    };
                    (k.to_string(), v)
                })
                .collect();
            Value::Object(object)
        })
        .collect();
    let mut text = serde_json::to_vec_pretty(&rows)?;
    text.push(b'\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            header: vec!["id", "texte", "valeur"],
            rows: vec![
                vec!["a".into(), "un ; deux".into(), 12.5.into()],
                vec!["b".into(), "ligne 1\nligne 2 \"citée\"".into(), Cell::Empty],
                vec!["c".into(), Cell::Empty, 1250.0.into()],
            ],
        }
    }

    #[test]
    fn excel_profile_has_bom_semicolons_and_decimal_commas() {
        let bytes = to_csv(&table(), Profile::EXCEL).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "id;texte;valeur\r\na;\"un ; deux\";12,5\r\nb;\"ligne 1\nligne 2 \"\"citée\"\"\";\r\nc;;1250\r\n"
        );
    }

    #[test]
    fn opendata_profile_has_commas_and_decimal_points() {
        let text = String::from_utf8(to_csv(&table(), Profile::OPENDATA).unwrap()).unwrap();
        assert!(text.starts_with("id,texte,valeur\r\na,un ; deux,12.5\r\n"), "{text}");
    }

    #[test]
    fn formulas_are_shown_not_run_and_numbers_stay_numbers() {
        let table = Table {
            header: vec!["texte", "valeur"],
            rows: vec![
                vec!["=HYPERLINK(\"https://x.invalid\";\"clic\")".into(), (-3.5).into()],
                vec!["+33 3 87 00 00 00".into(), 12.0.into()],
                vec!["@SOMME(A1)".into(), Cell::Empty],
                vec!["- tiret".into(), Cell::Empty],
                vec!["\t=1+1".into(), Cell::Empty],
                vec!["Texte = ordinaire".into(), Cell::Empty],
            ],
        };
        let text = String::from_utf8(to_csv(&table, Profile::OPENDATA).unwrap()).unwrap();
        assert_eq!(
            text,
            "texte,valeur\r\n\"'=HYPERLINK(\"\"https://x.invalid\"\";\"\"clic\"\")\",-3.5\r\n'+33 3 87 00 00 00,12\r\n'@SOMME(A1),\r\n'- tiret,\r\n'\t=1+1,\r\nTexte = ordinaire,\r\n"
        );
    }

    #[test]
    fn each_profile_writes_words_lists_booleans_and_texts_its_way() {
        let table = Table {
            header: vec!["type", "secteurs", "actions", "fondateur", "telephone"],
            rows: vec![vec![
                Cell::Word { code: "association".into(), label: "Association".into() },
                Cell::Words(vec![("social".into(), "Social".into()), ("sanitaire".into(), "Sanitaire".into())]),
                Cell::List(vec!["a".into(), "b".into()]),
                Cell::Bool(true),
                Cell::Verbatim("0387000001".into()),
            ]],
        };
        let excel = String::from_utf8(to_csv(&table, Profile::EXCEL).unwrap()).unwrap();
        assert_eq!(excel.lines().nth(1), Some("Association;Social, Sanitaire;a, b;oui;\"=\"\"0387000001\"\"\""));
        let data = String::from_utf8(to_csv(&table, Profile::OPENDATA).unwrap()).unwrap();
        assert_eq!(data.lines().nth(1), Some("association,social|sanitaire,a|b,true,0387000001"));
        let json: serde_json::Value = serde_json::from_slice(&to_json(&table).unwrap()).unwrap();
        assert_eq!(json[0]["secteurs"], serde_json::json!(["social", "sanitaire"]));
        assert_eq!(json[0]["fondateur"], true);
        assert_eq!(json[0]["telephone"], "0387000001");
    }

    #[test]
    fn numbers_lose_useless_zeros() {
        assert_eq!(number(22.5, true), "22,5");
        assert_eq!(number(100.0, true), "100");
        assert_eq!(number(1.0 / 3.0, false), "0.333333");
    }

    #[test]
    fn json_keeps_numbers_as_numbers() {
        let json: serde_json::Value = serde_json::from_slice(&to_json(&table()).unwrap()).unwrap();
        assert_eq!(json[0]["valeur"], 12.5);
        assert_eq!(json[1]["valeur"], serde_json::Value::Null);
    }
}
