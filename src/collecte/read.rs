//! Reading a returned workbook as grids of cells: xlsx and ods with calamine (also
//! once Excel or LibreOffice re-saved them), or one sheet saved as CSV.
//!
//! A workbook comes from outside: its size is bounded before it is opened, and what
//! its zip container would unpack to is bounded too.

use std::io::Cursor;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use calamine::{Data, DataRef, Reader};

use crate::files::read_regular;

/// The most a returned workbook may weigh on disk.
const FILE_LIMIT: u64 = 32 << 20;

/// The most its zip parts may unpack to: a filled form is well under a megabyte.
const UNPACKED_LIMIT: u64 = 64 << 20;

/// The most rows and columns of a sheet that are read: a form has one row per
/// action, objective and indicator's period, and a few dozen columns.
const MAX_ROWS: usize = 20_000;
const MAX_COLUMNS: usize = 200;

/// The most values and characters a workbook may hold, all sheets together: a
/// form has a few thousand cells of short texts.
const MAX_CELLS: usize = 200_000;
const MAX_CHARACTERS: usize = 20_000_000;

/// Counts what a workbook holds as it is read, and stops at the bounds above.
#[derive(Default)]
struct Budget {
    cells: usize,
    characters: usize,
}

impl Budget {
    fn spend(&mut self, cells: usize, characters: usize) -> Result<()> {
        self.cells = self.cells.saturating_add(cells);
        self.characters = self.characters.saturating_add(characters);
        if self.cells > MAX_CELLS || self.characters > MAX_CHARACTERS {
            bail!(
                "classeur trop rempli pour un formulaire de collecte ({} cellules, {} caractères au plus)\naide : renvoyez le classeur tel qu'il a été reçu, rempli dans ses cellules jaunes",
                MAX_CELLS,
                MAX_CHARACTERS
            );
        }
        Ok(())
    }
}

/// Whether a number format shows its value as a percentage: a `%` outside quoted
/// text, escapes and brackets (`0 %`, not `0" %"` nor `0\%`).
fn is_percent_format(code: &str) -> bool {
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => while chars.next().is_some_and(|c| c != '"') {},
            '[' => while chars.next().is_some_and(|c| c != ']') {},
            '\\' => {
                chars.next();
            }
            '%' => return true,
            _ => {}
        }
    }
    false
}

/// What a cell holds, as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    Empty,
    Text(String),
    Number(f64),
    /// A number shown as a percentage (`45 %` is stored as 0.45).
    Percent(f64),
    /// A date or a time, written `2026-03-12`.
    Date(String),
    /// A formula's error, as the spreadsheet shows it (`#DIV/0!`).
    Error(String),
    /// A formula saved without its result (some tools never compute them).
    Uncomputed,
}

/// One sheet: its name (`None` for a CSV file), and its cells by row and column
/// from A1.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub sheet: Option<String>,
    pub rows: Vec<Vec<Read>>,
}

impl Grid {
    /// The cell at `row`, `col` (0-based).
    pub fn get(&self, row: usize, col: usize) -> &Read {
        self.rows.get(row).and_then(|r| r.get(col)).unwrap_or(&Read::Empty)
    }

    fn set(&mut self, row: usize, col: usize, value: Read) {
        if self.rows.len() <= row {
            self.rows.resize(row + 1, Vec::new());
        }
        let cells = &mut self.rows[row];
        if cells.len() <= col {
            cells.resize(col + 1, Read::Empty);
        }
        cells[col] = value;
    }
}

/// The name of a cell: `F7` for row 6, column 5 (0-based).
pub fn cell_name(row: usize, col: usize) -> String {
    format!("{}{}", crate::import::layout::column_letter(col), row + 1)
}

/// The sheets of the workbook at `path`: by its extension, xlsx, ods or csv.
pub fn read(path: &Path) -> Result<Vec<Grid>> {
    let bytes = match read_regular(path, FILE_LIMIT) {
        Ok(bytes) => bytes,
        Err(crate::files::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("fichier introuvable\naide : vérifiez son nom et son dossier")
        }
        Err(e) => bail!("{e}"),
    };
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    match extension.as_str() {
        "csv" | "txt" => Ok(vec![csv_grid(&bytes)?]),
        "xlsx" | "xlsm" => xlsx(bytes),
        "ods" => ods(bytes),
        "xls" => bail!(
            "classeur au format Excel 97-2003 (.xls)\naide : ouvrez-le dans votre tableur et enregistrez-le au format .xlsx ou .ods, puis importez ce fichier"
        ),
        "" => bail!(
            "fichier sans extension\naide : importez le classeur tel qu'il a été renvoyé (.xlsx ou .ods), ou une feuille enregistrée en CSV (.csv)"
        ),
        _ => bail!(
            "format inconnu : `.{}`\naide : importez le classeur tel qu'il a été renvoyé (.xlsx ou .ods), ou une feuille enregistrée en CSV (.csv)",
            crate::terminal::clean(&extension)
        ),
    }
}

const UNREADABLE: &str = "classeur illisible ou abîmé\naide : ouvrez-le dans votre tableur et enregistrez-le à nouveau au format .xlsx ou .ods";

/// A sheet too large to be a form, named by its furthest cell.
fn too_large(sheet: &str, row: usize, col: usize) -> anyhow::Error {
    anyhow!(
        "onglet « {} » trop grand pour un formulaire : une valeur est écrite en {}\naide : effacez ce qui a été écrit loin du tableau, ou renvoyez le classeur tel qu'il a été reçu et rempli",
        crate::terminal::clean(sheet),
        cell_name(row, col)
    )
}

/// An Excel date as written in a fiche: `2026-03-12`, with its time if it has one.
fn excel_date(d: &calamine::ExcelDateTime) -> String {
    let serial = d.as_f64();
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    let days = serial.floor();
    let Some(date) = base.checked_add_days(chrono::Days::new(days.max(0.0) as u64)) else {
        return crate::format::plain(serial);
    };
    let minutes = ((serial - days) * 24.0 * 60.0).round() as u32;
    if minutes == 0 { date.to_string() } else { format!("{date} {:02}:{:02}", minutes / 60 % 24, minutes % 60) }
}

/// An xlsx workbook, cell by cell: no sheet is laid out whole before its size is
/// known to be a form's.
fn xlsx(bytes: Vec<u8>) -> Result<Vec<Grid>> {
    check_unpacked_size(&bytes)?;
    let mut book: calamine::Xlsx<_> = calamine::Reader::new(Cursor::new(bytes)).map_err(|_| anyhow!(UNREADABLE))?;
    let mut grids = Vec::new();
    let mut budget = Budget::default();
    for name in book.sheet_names() {
        let mut reader = book.worksheet_cells_reader(&name).map_err(|_| anyhow!(UNREADABLE))?;
        let percent: Vec<bool> = reader
            .styles()
            .iter()
            .map(|s| s.number_format.as_ref().is_some_and(|f| is_percent_format(&f.format_code)))
            .collect();
        let mut grid = Grid { sheet: Some(name.clone()), rows: Vec::new() };
        while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(|_| anyhow!(UNREADABLE))? {
            let (r, c) = cell.get_position();
            let (r, c) = (r as usize, c as usize);
            let length = match cell.get_value() {
                DataRef::String(s) => s.len(),
                DataRef::SharedString(s) => s.len(),
                _ => 8,
            };
            budget.spend(1, length)?;
            let value = match cell.get_value() {
                DataRef::Int(i) => Read::Number(*i as f64),
                DataRef::Float(f) if percent.get(style).copied().unwrap_or(false) => Read::Percent(*f),
                DataRef::Float(f) => Read::Number(*f),
                DataRef::String(s) => Read::Text(s.clone()),
                DataRef::SharedString(s) => Read::Text((*s).to_string()),
                DataRef::Bool(b) => Read::Text(if *b { "VRAI" } else { "FAUX" }.into()),
                DataRef::DateTime(d) => Read::Date(excel_date(d)),
                DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Read::Date(s.clone()),
                DataRef::Error(e) => Read::Error(e.to_string()),
                DataRef::Empty => continue,
            };
            if r >= MAX_ROWS || c >= MAX_COLUMNS {
                return Err(too_large(&name, r, c));
            }
            grid.set(r, c, value);
        }
        drop(reader);
        // A formula saved without its result reads as an empty cell: it must not
        // pass for one left blank.
        let mut formulas = book.worksheet_cells_reader(&name).map_err(|_| anyhow!(UNREADABLE))?;
        while let Some(cell) = formulas.next_formula().map_err(|_| anyhow!(UNREADABLE))? {
            let (r, c) = cell.get_position();
            let (r, c) = (r as usize, c as usize);
            budget.spend(1, cell.get_value().len())?;
            if r < MAX_ROWS && c < MAX_COLUMNS && *grid.get(r, c) == Read::Empty && !cell.get_value().is_empty() {
                grid.set(r, c, Read::Uncomputed);
            }
        }
        grids.push(grid);
    }
    Ok(grids)
}

/// An ods workbook: each sheet's extent and its percentages are read from its XML
/// first, then calamine reads the values.
fn ods(bytes: Vec<u8>) -> Result<Vec<Grid>> {
    check_unpacked_size(&bytes)?;
    let content = zip_part(&bytes, "content.xml")?;
    let scanned = scan_ods(&content)?;
    let mut book: calamine::Ods<_> = calamine::Reader::new(Cursor::new(bytes)).map_err(|_| anyhow!(UNREADABLE))?;
    let mut grids = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|_| anyhow!(UNREADABLE))?;
        let (top, left) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let percent = scanned.iter().find(|t| t.name == name).map(|t| t.percent.as_slice()).unwrap_or(&[]);
        let mut grid = Grid { sheet: Some(name.clone()), rows: Vec::new() };
        for (r, c, data) in range.used_cells() {
            let (r, c) = (r + top, c + left);
            if r >= MAX_ROWS || c >= MAX_COLUMNS {
                return Err(too_large(&name, r, c));
            }
            let value = match data {
                Data::Int(i) => Read::Number(*i as f64),
                Data::Float(f) if percent.contains(&(r, c)) => Read::Percent(*f),
                Data::Float(f) => Read::Number(*f),
                Data::String(s) => Read::Text(s.clone()),
                Data::Bool(b) => Read::Text(if *b { "VRAI" } else { "FAUX" }.into()),
                Data::DateTime(d) => Read::Date(excel_date(d)),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Read::Date(s.clone()),
                Data::Error(e) => Read::Error(e.to_string()),
                Data::Empty => continue,
            };
            grid.set(r, c, value);
        }
        grids.push(grid);
    }
    Ok(grids)
}

/// One part of a zip file, whole (its size was bounded before).
fn zip_part(bytes: &[u8], name: &str) -> Result<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| anyhow!(UNREADABLE))?;
    let mut part = archive.by_name(name).map_err(|_| anyhow!(UNREADABLE))?;
    let mut out = Vec::new();
    // The declared sizes were bounded; a forged one is bounded here.
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut part, UNPACKED_LIMIT), &mut out)
        .map_err(|_| anyhow!(UNREADABLE))?;
    Ok(out)
}

/// What the XML of one ods sheet says before it is read: its name, and the cells
/// that hold a percentage.
struct OdsTable {
    name: String,
    percent: Vec<(usize, usize)>,
}

/// Walks an ods `content.xml`, counting repeated rows and columns, and refuses a
/// sheet whose values reach beyond a form's size.
fn scan_ods(xml: &[u8]) -> Result<Vec<OdsTable>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut tables: Vec<OdsTable> = Vec::new();
    let mut budget = Budget::default();
    let (mut row, mut col, mut row_repeat) = (0usize, 0usize, 1usize);
    // The cell being read: how many times it repeats, and the characters of its text.
    let mut cell: Option<(usize, usize)> = None;
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Option<String> {
        e.attributes().flatten().find(|a| a.key.as_ref() == name).map(|a| a.value.to_string())
    };
    let count = |e: &quick_xml::events::BytesStart, name: &str| -> usize {
        attr(e, name).and_then(|n| n.parse().ok()).unwrap_or(1).max(1)
    };
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| anyhow!(UNREADABLE))?;
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "table:table" => {
                    tables.push(OdsTable { name: attr(e, "table:name").unwrap_or_default(), percent: Vec::new() });
                    row = 0;
                }
                "table:table-row" => {
                    row_repeat = count(e, "table:number-rows-repeated");
                    col = 0;
                    if matches!(event, Event::Empty(_)) {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let repeat = count(e, "table:number-columns-repeated");
                    if attr(e, "office:value-type").is_some() {
                        let name = tables.last().map_or("", |t| t.name.as_str()).to_string();
                        let (last_row, last_col) = (row.saturating_add(row_repeat - 1), col.saturating_add(repeat - 1));
                        if last_row >= MAX_ROWS || last_col >= MAX_COLUMNS {
                            return Err(too_large(
                                &name,
                                last_row.min(row.max(MAX_ROWS)),
                                last_col.min(col.max(MAX_COLUMNS)),
                            ));
                        }
                        let copies = row_repeat.saturating_mul(repeat);
                        budget.spend(copies, 0)?;
                        if attr(e, "office:value-type").as_deref() == Some("percentage")
                            && let Some(table) = tables.last_mut()
                        {
                            for r in row..=last_row {
                                table.percent.extend((col..=last_col).map(|c| (r, c)));
                            }
                        }
                        if matches!(event, Event::Start(_)) {
                            cell = Some((copies, 0));
                        }
                    }
                    col = col.saturating_add(repeat);
                }
                // `<text:s text:c="5"/>`: five spaces, counted as such.
                "text:s" => {
                    if let Some((copies, _)) = cell {
                        budget.spend(0, count(e, "text:c").saturating_mul(copies))?;
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some((copies, _)) = cell {
                    budget.spend(0, t.len().saturating_mul(copies))?;
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-cell" => cell = None,
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(row_repeat);
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(tables)
}

/// Refuses a zip whose parts would unpack to more than [`UNPACKED_LIMIT`].
fn check_unpacked_size(bytes: &[u8]) -> Result<()> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        bail!(
            "ce fichier n'est pas un classeur .xlsx ou .ods\naide : ouvrez-le dans votre tableur et enregistrez-le au format .xlsx ou .ods"
        );
    };
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(|_| anyhow!(UNREADABLE))?;
        total = total.saturating_add(file.size());
    }
    if total > UNPACKED_LIMIT {
        bail!(
            "classeur trop volumineux une fois décompressé ({} Mo) : ce n'est pas un formulaire de collecte",
            total >> 20
        );
    }
    Ok(())
}

/// One sheet saved as CSV: UTF-8 (with or without BOM) or Windows-1252, as Excel
/// writes "CSV (séparateur : point-virgule)"; `;`, `,` or tab separated.
fn csv_grid(bytes: &[u8]) -> Result<Grid> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        bail!(
            "fichier CSV en UTF-16\naide : dans le tableur, enregistrez l'onglet au format « CSV UTF-8 » ou « CSV (séparateur : point-virgule) »"
        );
    }
    // As for a cadre logique: the encoding and the delimiter Excel chose.
    let (text, _) = crate::import::decode(bytes);
    let delimiter = crate::import::detect_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(String::new(), |p| format!(" à la ligne {}", p.line()));
            anyhow!(
                "fichier CSV illisible{line}\naide : enregistrez l'onglet à nouveau depuis le tableur, au format CSV"
            )
        })?;
        if rows.len() >= MAX_ROWS || record.len() > MAX_COLUMNS {
            bail!("fichier CSV trop grand pour un formulaire de collecte");
        }
        rows.push(
            record.iter().map(|v| if v.trim().is_empty() { Read::Empty } else { Read::Text(v.to_string()) }).collect(),
        );
    }
    Ok(Grid { sheet: None, rows })
}

/// Why a text is not read as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotNumber {
    /// Not a number at all (`douze`).
    Text,
    /// `1.500`: a thousand and a half in French, one and a half in English.
    Ambiguous,
}

/// A number as a person types it in a cell read as text: `12,5`, `1 250`, `12.5`;
/// `45 %` is 45 (a percentage is written from 0 to 100).
pub fn number(text: &str) -> Result<f64, NotNumber> {
    let cleaned: String = text.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    let cleaned = cleaned.strip_suffix('%').unwrap_or(&cleaned);
    let (int, frac) = cleaned.split_once('.').unwrap_or((cleaned, ""));
    let leading = int.trim_start_matches(['-', '+']);
    let grouped = !cleaned.contains(',')
        && frac.len() == 3
        && !leading.is_empty()
        && leading != "0"
        && frac.chars().all(|c| c.is_ascii_digit());
    if grouped && leading.chars().all(|c| c.is_ascii_digit()) {
        return Err(NotNumber::Ambiguous);
    }
    let cleaned = cleaned.replace(',', ".");
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+')) {
        return Err(NotNumber::Text);
    }
    // `-0` is 0.
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite()).map(|n| n + 0.0).ok_or(NotNumber::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cells_as_spreadsheets_do() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 5), "F7");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(9, 27), "AB10");
    }

    #[test]
    fn reads_numbers_written_the_french_way() {
        assert_eq!(number("12,5"), Ok(12.5));
        assert_eq!(number("1 250"), Ok(1250.0));
        assert_eq!(number(" 42 "), Ok(42.0));
        assert_eq!(number("12.5"), Ok(12.5));
        assert_eq!(number("45 %"), Ok(45.0));
        assert_eq!(number("1.500"), Err(NotNumber::Ambiguous));
        assert_eq!(number("0.125"), Ok(0.125));
        assert_eq!(number("douze"), Err(NotNumber::Text));
        assert_eq!(number("inf"), Err(NotNumber::Text));
        assert_eq!(number("1e308"), Err(NotNumber::Text));
    }

    #[test]
    fn only_a_real_percent_format_scales_the_value() {
        assert!(is_percent_format("0%") && is_percent_format("0.0 %") && is_percent_format("[Red]0%"));
        assert!(!is_percent_format("0\" %\"") && !is_percent_format("0\\%") && !is_percent_format("General"));
    }

    #[test]
    fn an_ods_workbook_is_bounded_before_it_is_read() {
        let table = |rows: &str| {
            format!(
                r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="Indicateurs">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
            )
        };
        let long = "y".repeat(4000);
        let cells = format!(
            r#"<table:table-row table:number-rows-repeated="19000"><table:table-cell office:value-type="string" table:number-columns-repeated="190"><text:p>{long}</text:p></table:table-cell></table:table-row>"#
        );
        assert!(scan_ods(table(&cells).as_bytes()).err().expect("too full").to_string().contains("trop rempli"));
        let spaces = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/>b</text:p></table:table-cell></table:table-row>"#;
        assert!(scan_ods(table(spaces).as_bytes()).is_err());
    }

    #[test]
    fn an_ods_sheet_is_measured_before_it_is_read() {
        let table = |rows: &str| {
            format!(
                r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="Indicateurs">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
            )
        };
        let cell = r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
        let far = table(&format!(
            r#"<table:table-row table:number-rows-repeated="1000000"/><table:table-row>{cell}</table:table-row>"#
        ));
        let err = scan_ods(far.as_bytes()).err().expect("too far").to_string();
        assert!(err.contains("onglet « Indicateurs » trop grand"), "{err}");
        let wide = table(&format!(
            r#"<table:table-row><table:table-cell table:number-columns-repeated="5000"/>{cell}</table:table-row>"#
        ));
        assert!(scan_ods(wide.as_bytes()).is_err());
        let percent = r#"<table:table-cell office:value-type="percentage" office:value="0.45"><text:p>45 %</text:p></table:table-cell>"#;
        let rows = table(&format!(
            r#"<table:table-row table:number-rows-repeated="2"><table:table-cell/>{percent}</table:table-row>"#
        ));
        let tables = scan_ods(rows.as_bytes()).expect("a small sheet");
        assert_eq!(tables[0].percent, [(0, 1), (1, 1)]);
    }

    #[test]
    fn reads_a_csv_sheet_from_excel() {
        let grid = csv_grid(b"cl\xe9;Valeur\nx;12,5\n").unwrap();
        assert_eq!(grid.rows[0][0], Read::Text("clé".into()));
        assert_eq!(grid.rows[1][1], Read::Text("12,5".into()));
        let grid = csv_grid("\u{feff}a,b\n1,\n".as_bytes()).unwrap();
        assert_eq!(grid.rows[1], vec![Read::Text("1".into()), Read::Empty]);
    }
}
