//! Reading a cadre-logique spreadsheet saved as CSV (seed 003 is one) into
//! fiches-actions.
//!
//! Spreadsheets come as they were saved: `;`, `,` or tab between columns, UTF-8 or
//! Windows-1252 (French Excel's "CSV"), a title line above the header, merged cells
//! left blank below their first row. The encoding and the delimiter are detected and
//! reported; columns are recognised by their French headers, accents and case
//! ignored; a column that cannot be mapped is kept in the body of each fiche, never
//! dropped.
//!
//! Every row is placed before it is read ([`layout`]): one whose cells slid out of
//! their columns is refused, not read into the wrong keys, and the objectives above
//! it are not carried past it. An action's own number wins over the merged cells
//! above it when they name another axis. Line numbers are those of the file, blank
//! lines and line breaks inside cells counted, with the spreadsheet's row beside them.

pub mod cells;
pub mod contract;
pub mod layout;

use std::collections::BTreeMap;

use crate::model::{is_id, slugify};
pub use contract::AxeLu;
use layout::{Census, Layout, Level, Placement, column_letter, numbered};

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

/// One record of the file: the line it starts on (1-based, counting every line
/// of the file), its row in the spreadsheet (which differs once a cell above held
/// line breaks), and its cells.
#[derive(Debug, Clone, PartialEq)]
struct Record {
    line: usize,
    row: usize,
    cells: Vec<String>,
}

/// A cell's text, trimmed, with the characters a fiche cannot hold replaced: line
/// separators become line breaks, tabs and control characters spaces, invisible
/// characters are dropped.
fn clean_cell(cell: &str) -> String {
    cell.chars()
        .filter(|c| !crate::model::yaml::is_invisible(*c))
        .map(|c| match c {
            '\u{2028}' | '\u{2029}' | '\u{85}' => '\n',
            '\n' => '\n',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The records of `text`, with their lines and rows.
fn records(text: &str, delimiter: u8) -> Vec<Record> {
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Line breaks inside the cells of the records read so far.
    let mut inside = 0;
    // The line of byte `counted`, counted so far.
    let (mut counted, mut line) = (0, 1);
    for record in reader.records().filter_map(Result::ok) {
        // The reader's position is before the empty lines it skipped: the record
        // starts after them. Its own line count would be that of the first one.
        let mut start = record.position().map_or(0, |p| p.byte() as usize).max(counted);
        while bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let start = start.min(bytes.len());
        line += bytes[counted..start].iter().filter(|&&b| b == b'\n').count();
        counted = start;
        out.push(Record { line, row: line.saturating_sub(inside), cells: record.iter().map(clean_cell).collect() });
        inside += record.iter().map(|c| c.matches('\n').count()).sum::<usize>();
    }
    out
}

/// One action read from a row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// The line of the file the row starts on.
    pub line: usize,
    /// The action's official number (`1.1.2`) and its title without it.
    pub numero: Option<String>,
    pub titre: String,
    /// The axis: the number of its strategic objective, or the first part of the
    /// action's own number when that one says otherwise.
    pub axe: Option<String>,
    /// The titles of its objectives (without their numbers), its own or those of
    /// the merged cells above.
    pub objectif_strategique: Option<String>,
    pub objectif_specifique: Option<String>,
    /// The other recognised cells.
    pub cells: BTreeMap<Column, String>,
    /// `(header, value)` of the cells under headers that were not recognised.
    pub unmapped: Vec<(String, String)>,
}

/// A row whose cells are not in their columns: nothing is imported from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub line: usize,
    /// Its row in the spreadsheet, for the cells to fix (`A12`).
    pub row: usize,
    /// `Shifted` or `Scattered`, never `Fine`.
    pub placement: Placement,
}

/// What a person should look at in a row that was imported.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The action's number puts it under another axis than the strategic objective
    /// it has (its own, or that of the merged cells of line `from`): the number is
    /// followed, the objectives are left out.
    OtherAxis { line: usize, numero: String, axe: String, strategique: String, from: usize, specifique_kept: bool },
    /// The action's number puts it under another specific objective than the one it
    /// has (read on line `from`), which is left out.
    OtherObjective { line: usize, numero: String, specifique: String, from: usize },
    /// A row with text but no action: it is not imported.
    NoAction { line: usize },
}

/// What was read from a spreadsheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub encoding: Encoding,
    pub delimiter: u8,
    pub header_line: usize,
    /// Recognised columns and the headers that were not.
    pub columns: Vec<(String, Option<Column>)>,
    /// The objectif global written above the header, with its line.
    pub objectif_global: Option<(usize, String)>,
    /// The axes the strategic objectives and the actions' numbers name, in order.
    pub axes: Vec<AxeLu>,
    pub rows: Vec<Row>,
    pub refused: Vec<Refused>,
    pub notes: Vec<Note>,
}

/// The objectif global of a title line above the header: `Objectif global :
/// Améliorer…`, or the cell beside it, or the line below a cell that says only
/// `Objectif global`, or else the title itself.
fn objectif_global(above: &[Record]) -> Option<(usize, String)> {
    for (k, record) in above.iter().enumerate() {
        for (j, cell) in record.cells.iter().enumerate() {
            let n = normalize(cell);
            if !(n.starts_with("objectif global") || n.starts_with("objectif general")) {
                continue;
            }
            if let Some((_, after)) = cell.split_once(':').filter(|(_, a)| !a.trim().is_empty()) {
                return Some((record.line, after.trim().to_string()));
            }
            if let Some(next) = record.cells[j + 1..].iter().find(|c| !c.is_empty()) {
                return Some((record.line, next.clone()));
            }
            let below = above[k + 1..].iter().find_map(|r| Some((r.line, r.cells.iter().find(|c| !c.is_empty())?)));
            if let (true, Some((line, text))) = (n == "objectif global" || n == "objectif general", below) {
                return Some((line, text.clone()));
            }
            return Some((record.line, cell.trim_end_matches(':').trim().to_string()));
        }
    }
    None
}

/// The axes read so far, in the order of the sheet.
#[derive(Default)]
struct Axes(Vec<AxeLu>);

impl Axes {
    /// Notes axis `id`, with its title when the sheet gives one.
    fn saw(&mut self, id: &str, titre: Option<&str>, line: usize) {
        match self.0.iter_mut().find(|a| a.id == id) {
            Some(axe) => {
                if axe.titre.is_none() {
                    axe.titre = titre.map(str::to_string);
                }
            }
            None => self.0.push(AxeLu { id: id.to_string(), titre: titre.map(str::to_string), line }),
        }
    }

    /// Notes the axis a strategic objective's text names, if it is numbered.
    fn saw_objective(&mut self, text: &str, line: usize) {
        let n = numbered(text);
        if let [id] = n.parts()[..] {
            let id = id.to_string();
            self.saw(&id, Some(&n.title), line);
        }
    }
}

/// The objectives in force for a row: its own or those of the merged cells above,
/// with the line they were read on.
#[derive(Default)]
struct Carried {
    strategique: Option<(String, usize)>,
    specifique: Option<(String, usize)>,
}

/// Reads a cadre-logique spreadsheet. `None` when no header line is found.
pub fn read(bytes: &[u8]) -> Option<Sheet> {
    let (text, encoding) = decode(bytes);
    // One kind of line break, so that the reader's line numbers are the ones a
    // spreadsheet or an editor shows (Excel writes CRLF; old files a lone CR).
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let delimiter = detect_delimiter(&text);
    let records = records(&text, delimiter);
    // The header is the first line where at least three columns are recognised.
    let header_index = records.iter().position(|r| r.cells.iter().filter(|c| column(c).is_some()).count() >= 3)?;
    let header = &records[header_index];
    let columns: Vec<(String, Option<Column>)> = header.cells.iter().map(|h| (h.clone(), column(h))).collect();
    let at = |wanted: Column| columns.iter().position(|(_, c)| *c == Some(wanted));
    let layout = Layout {
        strategique: at(Column::ObjectifStrategique),
        specifique: at(Column::ObjectifSpecifique),
        action: at(Column::Action)?,
    };
    let body = &records[header_index + 1..];
    let census = Census::of(body.iter().map(|r| r.cells.as_slice()));
    let mut sheet = Sheet {
        encoding,
        delimiter,
        header_line: header.line,
        objectif_global: objectif_global(&records[..header_index]),
        columns,
        axes: Vec::new(),
        rows: Vec::new(),
        refused: Vec::new(),
        notes: Vec::new(),
    };
    let mut axes = Axes::default();
    let mut carried = Carried::default();
    for record in body.iter().filter(|r| r.cells.iter().any(|c| !c.is_empty())) {
        let placement = layout::placement(&record.cells, &layout, &census);
        if let Placement::Shifted { cells, .. } | Placement::Scattered(cells) = &placement {
            // Out of its column, a strategic objective still names an axis.
            for m in cells.iter().filter(|m| m.level == Level::Strategique) {
                axes.saw_objective(&m.text, record.line);
            }
            sheet.refused.push(Refused { line: record.line, row: record.row, placement });
            // What the merged cells below would inherit is not known.
            carried = Carried::default();
            continue;
        }
        if let Some(row) = read_row(record, &sheet.columns, &mut carried, &mut axes, &mut sheet.notes) {
            sheet.rows.push(row);
        }
    }
    sheet.axes = axes.0;
    Some(sheet)
}

/// The action of a row whose cells are in their columns, if it has one.
fn read_row(
    record: &Record,
    columns: &[(String, Option<Column>)],
    carried: &mut Carried,
    axes: &mut Axes,
    notes: &mut Vec<Note>,
) -> Option<Row> {
    let mut row = Row { line: record.line, ..Row::default() };
    for (i, value) in record.cells.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
        match columns.get(i) {
            Some((_, Some(col))) => {
                row.cells.insert(*col, value.clone());
            }
            Some((header, None)) if !header.is_empty() => row.unmapped.push((header.clone(), value.clone())),
            _ => row.unmapped.push((format!("colonne {}", column_letter(i)), value.clone())),
        }
    }
    // Merged cells: the objectives of the rows above go on until a new one starts.
    if let Some(s) = row.cells.remove(&Column::ObjectifStrategique) {
        axes.saw_objective(&s, record.line);
        carried.strategique = Some((s, record.line));
        carried.specifique = None;
    }
    if let Some(s) = row.cells.remove(&Column::ObjectifSpecifique) {
        carried.specifique = Some((s, record.line));
    }
    let Some(action) = row.cells.remove(&Column::Action) else {
        if !row.cells.is_empty() || !row.unmapped.is_empty() {
            notes.push(Note::NoAction { line: record.line });
        }
        return None;
    };
    let action = numbered(&action);
    let parts = action.parts();
    let strategique = carried.strategique.as_ref().map(|(t, line)| (numbered(t), *line));
    let specifique = carried.specifique.as_ref().map(|(t, line)| (numbered(t), *line));
    let strategic_number = strategique.as_ref().and_then(|(n, _)| match n.parts()[..] {
        [one] => Some(one.to_string()),
        _ => None,
    });
    let action_axis = (parts.len() >= 2).then(|| parts[0].to_string());
    row.axe = action_axis.clone().or(strategic_number.clone());
    row.objectif_strategique = strategique.as_ref().map(|(n, _)| n.title.clone());
    row.objectif_specifique = specifique.as_ref().map(|(n, _)| n.title.clone());
    let numero = action.number.clone().unwrap_or_default();
    let specific_parts = specifique.as_ref().map(|(n, _)| n.parts()).unwrap_or_default();
    if let (Some(axe), Some(number), Some((_, from))) = (&action_axis, &strategic_number, &strategique)
        && axe != number
    {
        // An action of another axis below merged cells: its own number is right.
        row.objectif_strategique = None;
        let specifique_kept = specific_parts.first() == Some(&axe.as_str());
        if !specifique_kept {
            row.objectif_specifique = None;
        }
        let (axe, strategique, from) = (axe.clone(), number.clone(), *from);
        notes.push(Note::OtherAxis { line: record.line, numero, axe, strategique, from, specifique_kept });
    } else if let (Some((n, from)), true) = (&specifique, parts.len() >= 3 && specific_parts.len() == 2)
        && specific_parts[..] != parts[..2]
    {
        row.objectif_specifique = None;
        let specifique = n.number.clone().unwrap_or_default();
        notes.push(Note::OtherObjective { line: record.line, numero, specifique, from: *from });
    }
    if let Some(axe) = &row.axe {
        axes.saw(axe, None, record.line);
    }
    row.numero = action.number;
    row.titre = action.title;
    Some(row)
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
        assert_eq!(sheet.rows[1].objectif_specifique.as_deref(), Some("Informer"));
        assert_eq!(sheet.rows[1].objectif_strategique.as_deref(), Some("Prévenir"));
        assert_eq!((sheet.rows[1].numero.as_deref(), sheet.rows[1].titre.as_str()), (Some("1.1.2"), "Affiches"));
        // A new strategic objective ends the specific one above it.
        assert_eq!(sheet.rows[2].objectif_specifique, None);
        assert_eq!(sheet.rows[2].axe.as_deref(), Some("2"));
        assert_eq!(sheet.rows[0].unmapped, [("Commentaires".to_string(), "à revoir".to_string())]);
        let axes: Vec<(&str, Option<&str>)> = sheet.axes.iter().map(|a| (a.id.as_str(), a.titre.as_deref())).collect();
        assert_eq!(axes, [("1", Some("Prévenir")), ("2", Some("Soigner"))]);
        assert!(sheet.refused.is_empty() && sheet.notes.is_empty());
    }

    #[test]
    fn an_action_numbered_in_another_axis_follows_its_number() {
        let csv = "Objectifs stratégiques;Objectifs spécifiques;Actions\n\
                   1. Prévenir;Objectif spécifique 1.3 Promouvoir;Action 1.3.1 Campagnes\n\
                   ;;Action 2.1.1 Répertoire\n;;Action 1.2.4 Affiches\n";
        let sheet = read(csv.as_bytes()).unwrap();
        let r = &sheet.rows[1];
        assert_eq!((r.axe.as_deref(), &r.objectif_strategique, &r.objectif_specifique), (Some("2"), &None, &None));
        let r = &sheet.rows[2];
        assert_eq!(
            (r.axe.as_deref(), r.objectif_strategique.as_deref(), &r.objectif_specifique),
            (Some("1"), Some("Prévenir"), &None)
        );
        assert_eq!(
            sheet.notes,
            [
                Note::OtherAxis {
                    line: 3,
                    numero: "2.1.1".into(),
                    axe: "2".into(),
                    strategique: "1".into(),
                    from: 2,
                    specifique_kept: false
                },
                Note::OtherObjective { line: 4, numero: "1.2.4".into(), specifique: "1.3".into(), from: 2 },
            ]
        );
        // The axis of the number is one of the sheet's, without a title.
        assert_eq!(sheet.axes[1], AxeLu { id: "2".into(), titre: None, line: 3 });
    }

    #[test]
    fn shifted_rows_are_refused_with_their_lines_in_the_file_and_rows_in_the_sheet() {
        // A cell on three lines above: line 6 of the file is row 4 of the sheet.
        let csv = "\n\nObjectif global : Améliorer la santé mentale\n\
                   Objectifs stratégiques;Objectifs spécifiques;Actions;Description\n\
                   1. Prévenir;Objectif spécifique 1.1 Informer;Action 1.1.1 Ateliers;\"Un\nDeux\nTrois\"\n\
                   ;3. Gouverner;Objectif spécifique 3.1 Piloter;Action 3.1.1 Comité\n\
                   ;;Action 1.1.2 Affiches;Texte\n";
        let sheet = read(csv.as_bytes()).unwrap();
        assert_eq!(sheet.header_line, 4);
        assert_eq!(sheet.objectif_global, Some((3, "Améliorer la santé mentale".to_string())));
        assert_eq!(sheet.refused.len(), 1);
        assert_eq!((sheet.refused[0].line, sheet.refused[0].row), (8, 6));
        assert!(matches!(sheet.refused[0].placement, Placement::Shifted { by: 1, from: 1, .. }));
        // Nothing is inherited from a refused row; its axis is still read.
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!((sheet.rows[1].line, &sheet.rows[1].objectif_strategique), (9, &None));
        assert_eq!(sheet.rows[1].axe.as_deref(), Some("1"));
        assert_eq!(sheet.axes.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["1", "3"]);
        assert_eq!(sheet.rows[0].cells[&Column::Description], "Un\nDeux\nTrois");
    }

    #[test]
    fn a_row_with_text_and_no_action_is_noted() {
        let csv = "Objectifs stratégiques;Objectifs spécifiques;Actions;Description\n1. Prévenir;;;Un texte seul\n";
        let sheet = read(csv.as_bytes()).unwrap();
        assert_eq!(sheet.notes, [Note::NoAction { line: 2 }]);
    }

    #[test]
    fn cells_lose_the_characters_a_fiche_cannot_hold() {
        assert_eq!(clean_cell(" a\u{7}b\u{2028}c\u{200b}d\t"), "a b\ncd");
    }

    #[test]
    fn ids_of_actions() {
        assert_eq!(action_id(Some("1.2.1"), "x"), "action-1-2-1");
        assert_eq!(
            action_id(None, "Créer un répertoire des ressources en santé mentale"),
            "creer-un-repertoire-des-ressources-en"
        );
    }
}
