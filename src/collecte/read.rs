//! Reading a returned workbook as grids of cells: xlsx and ods with calamine (also
//! once Excel or LibreOffice re-saved them), or one sheet saved as CSV.
//!
//! A workbook comes from outside: its size is bounded before it is opened, and what
//! its zip container would unpack to is bounded too.

use std::io::Cursor;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use calamine::{Data, Reader};

use crate::files::read_regular;

/// The most a returned workbook may weigh on disk.
const FILE_LIMIT: u64 = 32 << 20;

/// The most its zip parts may unpack to.
const UNPACKED_LIMIT: u64 = 256 << 20;

/// The most rows and columns of a sheet that are read.
const MAX_ROWS: usize = 100_000;
const MAX_COLUMNS: usize = 512;

/// What a cell holds, as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    Empty,
    Text(String),
    Number(f64),
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
}

/// The name of a cell: `F7` for row 6, column 5 (0-based).
pub fn cell_name(row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The sheets of the workbook at `path`: by its extension, xlsx, ods or csv.
pub fn read(path: &Path) -> Result<Vec<Grid>> {
    let bytes = read_regular(path, FILE_LIMIT).map_err(|e| anyhow!("{e}"))?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_lowercase();
    match extension.as_str() {
        "csv" | "txt" => Ok(vec![csv_grid(&bytes)?]),
        "xlsx" | "xlsm" | "ods" => workbook(bytes),
        _ => bail!(
            "format inconnu : `.{extension}`\naide : importez le classeur tel qu'il a été renvoyé (.xlsx ou .ods), ou une feuille enregistrée en CSV"
        ),
    }
}

fn workbook(bytes: Vec<u8>) -> Result<Vec<Grid>> {
    check_unpacked_size(&bytes)?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        anyhow!("classeur illisible ({e})\naide : ouvrez-le et réenregistrez-le au format .xlsx ou .ods")
    })?;
    let mut grids = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| anyhow!("feuille « {name} » illisible ({e})"))?;
        let (top, left) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let mut rows: Vec<Vec<Read>> = Vec::new();
        for (r, c, data) in range.used_cells() {
            let (r, c) = (r + top, c + left);
            if r >= MAX_ROWS || c >= MAX_COLUMNS {
                bail!("feuille « {name} » trop grande : elle a des valeurs au-delà de la cellule {}", cell_name(r, c));
            }
            let value = match data {
                Data::Int(i) => Read::Number(*i as f64),
                Data::Float(f) => Read::Number(*f),
                Data::String(s) => Read::Text(s.clone()),
                Data::Bool(b) => Read::Text(if *b { "VRAI" } else { "FAUX" }.into()),
                Data::DateTime(d) => Read::Text(d.to_string()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Read::Text(s.clone()),
                Data::Error(e) => Read::Text(format!("#{e:?}")),
                Data::Empty => continue,
            };
            if rows.len() <= r {
                rows.resize(r + 1, Vec::new());
            }
            let row = &mut rows[r];
            if row.len() <= c {
                row.resize(c + 1, Read::Empty);
            }
            row[c] = value;
        }
        grids.push(Grid { sheet: Some(name), rows });
    }
    Ok(grids)
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
        let file = archive.by_index_raw(i).map_err(|e| anyhow!("classeur abîmé ({e})"))?;
        total = total.saturating_add(file.size());
    }
    if total > UNPACKED_LIMIT {
        bail!("classeur trop volumineux une fois décompressé ({} Mo)", total >> 20);
    }
    Ok(())
}

/// One sheet saved as CSV: UTF-8 (with or without BOM) or Windows-1252, as Excel
/// writes "CSV (séparateur : point-virgule)"; `;`, `,` or tab separated.
fn csv_grid(bytes: &[u8]) -> Result<Grid> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
        Err(_) => windows_1252(bytes),
    };
    let first = text.lines().next().unwrap_or("");
    let delimiter =
        [b';', b'\t', b','].into_iter().max_by_key(|d| first.matches(char::from(*d)).count()).unwrap_or(b';');
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| anyhow!("CSV illisible : {e}"))?;
        if rows.len() >= MAX_ROWS || record.len() > MAX_COLUMNS {
            bail!("fichier CSV trop grand pour un formulaire de collecte");
        }
        rows.push(
            record.iter().map(|v| if v.trim().is_empty() { Read::Empty } else { Read::Text(v.to_string()) }).collect(),
        );
    }
    Ok(Grid { sheet: None, rows })
}

/// Windows-1252 text decoded: Latin-1, with the printable characters of 0x80–0x9F.
fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    bytes.iter().map(|&b| if (0x80..0xA0).contains(&b) { HIGH[usize::from(b - 0x80)] } else { char::from(b) }).collect()
}

/// A number as a person types it in a cell read as text: `12,5`, `1 250`, `12.5`.
pub fn number(text: &str) -> Option<f64> {
    let cleaned: String = text.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    let cleaned = cleaned.replace(',', ".");
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+')) {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
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
        assert_eq!(number("12,5"), Some(12.5));
        assert_eq!(number("1 250"), Some(1250.0));
        assert_eq!(number(" 42 "), Some(42.0));
        assert_eq!(number("12 %"), None);
        assert_eq!(number("douze"), None);
        assert_eq!(number("inf"), None);
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
