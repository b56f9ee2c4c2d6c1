//! Reading a cadre-logique spreadsheet saved as CSV (seed 003 is one) into
//! fiches-actions.
//!
//! Spreadsheets come as they were saved: `;`, `,` or tab between columns, UTF-8 or
//! Windows-1252 (French Excel's "CSV"), a title line above the header, merged cells
//! left blank below their first row. The encoding and the delimiter are detected and
//! reported; columns are recognised by their French headers, accents and case
//! ignored; a column that cannot be mapped is kept in the body of each fiche, never
//! dropped.

use std::collections::BTreeMap;

use crate::model::{is_id, slugify};

/// Where a recognised column goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    ObjectifStrategique,
    ObjectifSpecifique,
    Action,
    Description,
    Prerequis,
    Public,
    Dispositifs,
    Resultats,
    Indicateurs,
    Sources,
    MoyensMobilisables,
    MoyensARechercher,
}

/// Lowercase, without accents or punctuation.
pub fn normalize(text: &str) -> String {
    slugify(text).replace('-', " ")
}

/// The column a header names, if any.
pub fn column(header: &str) -> Option<Column> {
    let h = normalize(header);
    let has = |w: &str| h.contains(w);
    Some(if has("strategique") {
        Column::ObjectifStrategique
    } else if has("specifique") {
        Column::ObjectifSpecifique
    } else if has("rechercher") || has("a mobiliser") {
        Column::MoyensARechercher
    } else if has("mobilisable") {
        Column::MoyensMobilisables
    } else if has("prerequis") {
        Column::Prerequis
    } else if has("public") {
        Column::Public
    } else if has("dispositif") {
        Column::Dispositifs
    } else if has("resultats attendus") {
        Column::Resultats
    } else if has("indicateur") {
        Column::Indicateurs
    } else if has("source") {
        Column::Sources
    } else if has("description") {
        Column::Description
    } else if h == "actions" || h == "action" || h.starts_with("actions ") {
        Column::Action
    } else {
        return None;
    })
}

/// The text encoding found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

/// Windows-1252 bytes 0x80–0x9F; the others are Latin-1.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’',
    '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// Decodes a spreadsheet export: UTF-8 (with or without BOM), else Windows-1252.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), Encoding::Utf8),
        Err(_) => {
            let text = bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
                    _ => b as char,
                })
                .collect();
            (text, Encoding::Windows1252)
        }
    }
}

/// The delimiter that splits the most lines into the same, largest number of cells.
pub fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let score = |d: char| -> usize {
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for line in &lines {
            let mut inside = false;
            let n = line
                .chars()
                .filter(|&c| {
                    if c == '"' {
                        inside = !inside;
                    }
                    c == d && !inside
                })
                .count();
            if n > 0 {
                *counts.entry(n).or_default() += 1;
            }
        }
        // Lines sharing the most common number of separators, times that number.
        counts.into_iter().map(|(n, lines)| n * lines).max().unwrap_or(0)
    };
    // A delimiter that splits some line into recognised headers wins over one that
    // only splits more: commas in the text of a `;` file outnumber the `;`.
    let headers = |d: char| -> usize {
        lines
            .iter()
            .map(|l| l.split(d).filter(|c| column(c.trim().trim_matches('"')).is_some()).count())
            .max()
            .unwrap_or(0)
    };
    [b';', b'\t', b','].into_iter().max_by_key(|d| (headers(*d as char).min(3), score(*d as char))).unwrap_or(b';')
}

/// One action read from a row, with the cells no column took.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: BTreeMap<Column, String>,
    /// `(header, value)` of the cells under headers that were not recognised.
    pub unmapped: Vec<(String, String)>,
}

/// What was read from a spreadsheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub encoding: Encoding,
    pub delimiter: u8,
    pub header_line: usize,
    /// Recognised columns and the headers that were not.
    pub columns: Vec<(String, Option<Column>)>,
    pub rows: Vec<Row>,
}

/// Reads a cadre-logique spreadsheet. `None` when no header line is found.
pub fn read(bytes: &[u8]) -> Option<Sheet> {
    let (text, encoding) = decode(bytes);
    // One kind of line break, so that the reader's line numbers are the ones a
    // spreadsheet or an editor shows (Excel writes CRLF; old files a lone CR).
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let delimiter = detect_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let records: Vec<(usize, Vec<String>)> = reader
        .records()
        .filter_map(|r| r.ok())
        .map(|r| (r.position().map_or(0, |p| p.line() as usize), r.iter().map(|c| c.trim().to_string()).collect()))
        .collect();
    // The header is the first line where at least three columns are recognised.
    let (header_index, header) =
        records.iter().enumerate().find(|(_, (_, cells))| cells.iter().filter(|c| column(c).is_some()).count() >= 3)?;
    let columns: Vec<(String, Option<Column>)> = header.1.iter().map(|h| (h.clone(), column(h))).collect();
    let action_column = columns.iter().position(|(_, c)| *c == Some(Column::Action))?;
    let mut rows = Vec::new();
    let mut carried: BTreeMap<Column, String> = BTreeMap::new();
    for (line, cells) in records.iter().skip(header_index + 1) {
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let mut row = Row { line: *line, ..Row::default() };
        for (i, value) in cells.iter().enumerate() {
            match columns.get(i) {
                Some((_, Some(col))) if !value.is_empty() => {
                    row.cells.insert(*col, value.clone());
                }
                Some((header, None)) if !value.is_empty() => row.unmapped.push((header.clone(), value.clone())),
                None if !value.is_empty() => row.unmapped.push((format!("colonne {}", i + 1), value.clone())),
                _ => {}
            }
        }
        // Merged cells: the objectives of the rows above go on until a new one starts.
        for col in [Column::ObjectifStrategique, Column::ObjectifSpecifique] {
            match row.cells.get(&col) {
                Some(v) => {
                    carried.insert(col, v.clone());
                    if col == Column::ObjectifStrategique {
                        carried.remove(&Column::ObjectifSpecifique);
                    }
                }
                None => {
                    if let Some(v) = carried.get(&col) {
                        row.cells.insert(col, v.clone());
                    }
                }
            }
        }
        if cells.get(action_column).is_some_and(|c| !c.is_empty()) {
            rows.push(row);
        }
    }
    Some(Sheet { encoding, delimiter, header_line: header.0, columns, rows })
}

/// `Action 1.1.2 Déployer…` → `("1.1.2", "Déployer…")`; no number → `(None, text)`.
pub fn split_number(text: &str) -> (Option<String>, String) {
    let rest = text.trim();
    let without_word = ["Action ", "action ", "Objectif spécifique ", "Objectif specifique "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    let number: String = without_word.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let number = number.trim_end_matches('.').to_string();
    if number.is_empty() || !number.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return (None, rest.to_string());
    }
    let title = without_word[without_word.len().min(number.len())..].trim_start_matches('.').trim();
    (Some(number), if title.is_empty() { rest.to_string() } else { title.to_string() })
}

/// The id of an imported action: `action-1-1-2`, or its title made an id.
pub fn action_id(number: Option<&str>, title: &str) -> String {
    let id = match number {
        Some(n) => format!("action-{}", n.replace('.', "-")),
        None => {
            let slug = slugify(title);
            let short: String = slug.split('-').take(6).collect::<Vec<_>>().join("-");
            short
        }
    };
    if is_id(&id) { id } else { "action-importee".to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_headers_of_seed_003() {
        let headers = [
            ("Objectifs stratégiques", Column::ObjectifStrategique),
            ("Objectifs spécifiques", Column::ObjectifSpecifique),
            ("Actions", Column::Action),
            ("Description", Column::Description),
            ("Prérequis", Column::Prerequis),
            ("Public cible", Column::Public),
            ("Identification des dispositifs existants", Column::Dispositifs),
            ("Résultats attendus", Column::Resultats),
            ("Indicateurs de résultat", Column::Indicateurs),
            ("Source de vérification", Column::Sources),
            ("Moyens financiers, humains et matériels mobilisables", Column::MoyensMobilisables),
            ("Moyens financiers, humains et matériels à mobiliser/à rechercher", Column::MoyensARechercher),
            ("OBJECTIFS STRATEGIQUES", Column::ObjectifStrategique),
        ];
        for (h, c) in headers {
            assert_eq!(column(h), Some(c), "{h}");
        }
        assert_eq!(column("Commentaires"), None);
    }

    #[test]
    fn decodes_windows_1252() {
        let (text, enc) = decode(b"Pr\xE9requis \x80 \x92");
        assert_eq!((text.as_str(), enc), ("Prérequis € ’", Encoding::Windows1252));
        let (text, enc) = decode("\u{feff}Prérequis".as_bytes());
        assert_eq!((text.as_str(), enc), ("Prérequis", Encoding::Utf8));
    }

    #[test]
    fn detects_the_delimiter() {
        assert_eq!(detect_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(detect_delimiter("a\tb, c\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(detect_delimiter("a,b,c\n\"1;2\",2,3\n"), b',');
        // The header decides, however many commas the text holds.
        let french = "Objectifs stratégiques;Objectifs spécifiques;Actions\n\
                      Prévenir, informer, orienter, soutenir;Informer, former, aider;Ateliers, forums, stands\n";
        assert_eq!(detect_delimiter(french), b';');
    }

    #[test]
    fn carries_merged_objectives_down_and_keeps_unknown_columns() {
        let csv = "Titre du tableau\nObjectifs stratégiques;Objectifs spécifiques;Actions;Commentaires\n\
                   1. Prévenir;1.1 Informer;Action 1.1.1 Ateliers;à revoir\n;;Action 1.1.2 Affiches;\n\
                   2. Soigner;;Action 2.1.1 Équipe mobile;\n";
        let sheet = read(csv.as_bytes()).unwrap();
        assert_eq!(sheet.header_line, 2);
        assert_eq!(sheet.rows.len(), 3);
        assert_eq!(sheet.rows[1].cells[&Column::ObjectifSpecifique], "1.1 Informer");
        assert_eq!(sheet.rows[1].cells[&Column::ObjectifStrategique], "1. Prévenir");
        // A new strategic objective ends the specific one above it.
        assert!(!sheet.rows[2].cells.contains_key(&Column::ObjectifSpecifique));
        assert_eq!(sheet.rows[0].unmapped, [("Commentaires".to_string(), "à revoir".to_string())]);
    }

    #[test]
    fn numbers_and_ids_of_actions() {
        assert_eq!(
            split_number("Action 1.1.1 Déployer la sensibilisation"),
            (Some("1.1.1".into()), "Déployer la sensibilisation".into())
        );
        assert_eq!(split_number("Créer un répertoire"), (None, "Créer un répertoire".into()));
        assert_eq!(action_id(Some("1.2.1"), "x"), "action-1-2-1");
        assert_eq!(
            action_id(None, "Créer un répertoire des ressources en santé mentale"),
            "creer-un-repertoire-des-ressources-en"
        );
    }
}
