//! A workbook to fill in, described once and written as xlsx (rust_xlsxwriter) or
//! as ods: sheets of cells, each cell read-only or to fill, with the rule its value
//! must follow. Sheets are protected without a password: only the cells to fill
//! can be typed in, and their rules stop most mistakes at the keyboard.

use std::io::{Cursor, Write as _};

use anyhow::{Context, Result};

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
}

/// How a cell looks, and whether it can be typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// The explanations of the first sheet.
    Note,
    /// A bold title line.
    Title,
    /// A column header.
    Header,
    /// A value shown, read-only.
    Shown,
    /// A value shown in bold, read-only: the row of an action, above its objectives.
    Lead,
    /// A cell to fill: unlocked and highlighted.
    Input,
    /// A cell that does not apply to its row: greyed, read-only.
    Unused,
}

/// The values a cell to fill accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// One of these texts (a drop-down list).
    List(Vec<String>),
    /// A number from `min`, up to `max` when given.
    Decimal { min: f64, max: Option<f64> },
    /// A whole number from 0.
    Whole,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub value: Value,
    pub style: Style,
    pub rule: Option<Rule>,
}

impl Cell {
    /// A text shown with `style`.
    pub fn text(text: impl Into<String>, style: Style) -> Self {
        Cell { value: Value::Text(text.into()), style, rule: None }
    }

    /// A number shown with `style`, or an empty cell.
    pub fn number(n: Option<f64>, style: Style) -> Self {
        Cell { value: n.map_or(Value::Empty, Value::Number), style, rule: None }
    }

    /// An empty cell to fill, accepting what `rule` allows.
    pub fn input(rule: Option<Rule>) -> Self {
        Cell { value: Value::Empty, style: Style::Input, rule }
    }

    /// A cell that does not apply to its row.
    pub fn unused() -> Self {
        Cell { value: Value::Empty, style: Style::Unused, rule: None }
    }
}

/// One sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    /// The width of each column, in characters.
    pub widths: Vec<f64>,
    /// Columns hidden from view (the ids that let a workbook be imported back).
    pub hidden: Vec<usize>,
    /// Rows kept in view at the top, and columns at the left, when scrolling.
    pub frozen_rows: u32,
    pub frozen_cols: u16,
    pub rows: Vec<Vec<Cell>>,
}

/// A workbook: its sheets, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

impl Sheet {
    /// The height of row `r` in points: enough lines for its longest wrapped text,
    /// since spreadsheets keep the height a file gives.
    pub fn row_height(&self, r: usize) -> f64 {
        let lines = self.rows[r]
            .iter()
            .enumerate()
            .filter(|(c, _)| !self.hidden.contains(c))
            .map(|(c, cell)| match &cell.value {
                Value::Text(t) => {
                    // A column's width counts digits; a line of text holds a little more.
                    let width = self.widths.get(c).copied().unwrap_or(10.0).max(4.0) * 1.1;
                    t.split('\n').map(|l| (l.chars().count() as f64 / width).ceil().max(1.0)).sum()
                }
                _ => 1.0,
            })
            .fold(1.0, f64::max);
        let per_line = if self.rows[r].iter().any(|c| c.style == Style::Title) { 20.0 } else { 15.0 };
        lines.min(30.0) * per_line
    }
}

/// The xlsx file of `book`.
pub fn to_xlsx(book: &Workbook) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Color, DataValidation, DataValidationRule, Format, FormatBorder};
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_border_color(Color::RGB(0xB7B7B7));
    let format = |style: Style| match style {
        Style::Note => Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top),
        Style::Title => Format::new().set_bold().set_font_size(14),
        Style::Header => border(Format::new().set_bold().set_text_wrap().set_background_color(Color::RGB(0xDDE3EA)))
            .set_align(rust_xlsxwriter::FormatAlign::Top),
        Style::Shown => border(Format::new().set_text_wrap()).set_align(rust_xlsxwriter::FormatAlign::Top),
        Style::Lead => border(Format::new().set_text_wrap().set_bold()).set_align(rust_xlsxwriter::FormatAlign::Top),
        Style::Input => border(Format::new().set_text_wrap().set_unlocked().set_background_color(Color::RGB(0xFFF2CC)))
            .set_align(rust_xlsxwriter::FormatAlign::Top),
        Style::Unused => border(Format::new().set_background_color(Color::RGB(0xEEEEEE))),
    };
    let lists: Vec<&Vec<String>> = long_lists(book);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let properties = rust_xlsxwriter::DocProperties::new().set_author("clsm");
    workbook.set_properties(&properties);
    for sheet in &book.sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (c, w) in sheet.widths.iter().enumerate() {
            ws.set_column_width(col(c), *w)?;
        }
        for c in &sheet.hidden {
            ws.set_column_hidden(col(*c))?;
        }
        if sheet.frozen_rows > 0 || sheet.frozen_cols > 0 {
            ws.set_freeze_panes(sheet.frozen_rows, sheet.frozen_cols)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let height = sheet.row_height(r);
            let r = u32::try_from(r).context("trop de lignes")?;
            ws.set_row_height(r, height)?;
            for (c, cell) in row.iter().enumerate() {
                let f = format(cell.style);
                match &cell.value {
                    Value::Empty => ws.write_blank(r, col(c), &f)?,
                    Value::Text(t) => ws.write_string_with_format(r, col(c), t, &f)?,
                    Value::Number(n) => ws.write_number_with_format(r, col(c), *n, &f)?,
                };
                let Some(rule) = &cell.rule else { continue };
                let validation = match rule {
                    Rule::List(items) => match lists.iter().position(|l| *l == items) {
                        // Too long for Excel's inline list (255 characters, no comma):
                        // the hidden sheet of lists holds it.
                        Some(k) => DataValidation::new().allow_list_formula(rust_xlsxwriter::Formula::new(format!(
                            "=Listes!${col}$1:${col}${}",
                            items.len(),
                            col = crate::import::layout::column_letter(k)
                        ))),
                        None => DataValidation::new().allow_list_strings(items)?,
                    },
                    Rule::Decimal { min, max: Some(max) } => {
                        DataValidation::new().allow_decimal_number(DataValidationRule::Between(*min, *max))
                    }
                    Rule::Decimal { min, max: None } => {
                        DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(*min))
                    }
                    Rule::Whole => {
                        DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                    }
                };
                let mut validation =
                    validation.set_error_title("Valeur refusée")?.set_error_message(rule_message(rule))?;
                if let Some((title, message)) = input_message(rule) {
                    validation = validation.set_input_title(title)?.set_input_message(message)?;
                }
                ws.add_data_validation(r, col(c), r, col(c), &validation)?;
            }
        }
        ws.protect();
    }
    if !lists.is_empty() {
        let ws = workbook.add_worksheet();
        ws.set_name("Listes")?;
        for (k, items) in lists.iter().enumerate() {
            for (r, item) in items.iter().enumerate() {
                ws.write_string(u32::try_from(r).context("liste trop longue")?, col(k), item)?;
            }
        }
        ws.set_hidden(true);
        ws.protect();
    }
    Ok(workbook.save_to_buffer()?)
}

/// The drop-down lists Excel cannot hold inline: over 255 characters in all, or
/// with a comma in an item.
fn long_lists(book: &Workbook) -> Vec<&Vec<String>> {
    let mut out: Vec<&Vec<String>> = Vec::new();
    for cell in book.sheets.iter().flat_map(|s| s.rows.iter().flatten()) {
        if let Some(Rule::List(items)) = &cell.rule {
            let long = items.iter().map(|i| i.chars().count() + 1).sum::<usize>() > 255
                || items.iter().any(|i| i.contains(','));
            if long && !out.contains(&items) {
                out.push(items);
            }
        }
    }
    out
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// What a cell to fill says when it is selected, where its rule needs saying.
fn input_message(rule: &Rule) -> Option<(&'static str, &'static str)> {
    match rule {
        Rule::Decimal { max: Some(_), .. } => Some(("Pourcentage", "Un taux de 0 à 100, sans « % » : 42,5")),
        _ => None,
    }
}

/// What a refused value is told, in the spreadsheet's own message box.
fn rule_message(rule: &Rule) -> String {
    match rule {
        Rule::List(_) => "Choisissez une valeur dans la liste.".into(),
        Rule::Decimal { max: Some(max), min } => {
            format!(
                "Écrivez un nombre entre {} et {}, sans « % ».",
                crate::format::number(*min, 2),
                crate::format::number(*max, 2)
            )
        }
        Rule::Decimal { .. } => "Écrivez un nombre positif ou nul.".into(),
        Rule::Whole => "Écrivez un nombre entier positif ou nul.".into(),
    }
}

/// The ods file of `book` (OpenDocument 1.2): a zip of the XML parts, its
/// `mimetype` first and stored.
pub fn to_ods(book: &Workbook) -> Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")?;
    zip.start_file("META-INF/manifest.xml", deflated)?;
    zip.write_all(ODS_MANIFEST.as_bytes())?;
    zip.start_file("styles.xml", deflated)?;
    zip.write_all(ODS_STYLES.as_bytes())?;
    zip.start_file("settings.xml", deflated)?;
    zip.write_all(ods_settings(book).as_bytes())?;
    zip.start_file("meta.xml", deflated)?;
    zip.write_all(ODS_META.as_bytes())?;
    zip.start_file("content.xml", deflated)?;
    zip.write_all(ods_content(book).as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

const ODS_STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2">
 <office:styles>
  <style:default-style style:family="table-cell">
   <style:text-properties fo:language="fr" fo:country="FR"/>
  </style:default-style>
 </office:styles>
</office:document-styles>
"#;

const ODS_META: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.2">
 <office:meta><meta:generator>clsm</meta:generator></office:meta>
</office:document-meta>
"#;

/// The view settings of the ods file: the frozen rows and columns of each sheet.
fn ods_settings(book: &Workbook) -> String {
    let item = |name: &str, kind: &str, value: u32| {
        format!("<config:config-item config:name=\"{name}\" config:type=\"{kind}\">{value}</config:config-item>")
    };
    let mut tables = String::new();
    for sheet in book.sheets.iter().filter(|s| s.frozen_rows > 0 || s.frozen_cols > 0) {
        let (rows, cols) = (sheet.frozen_rows, u32::from(sheet.frozen_cols));
        tables.push_str(&format!("<config:config-item-map-entry config:name=\"{}\">", xml(&sheet.name)));
        for (name, kind, value) in [
            ("CursorPositionX", "int", cols),
            ("CursorPositionY", "int", rows),
            ("HorizontalSplitMode", "short", if cols > 0 { 2 } else { 0 }),
            ("VerticalSplitMode", "short", if rows > 0 { 2 } else { 0 }),
            ("HorizontalSplitPosition", "int", cols),
            ("VerticalSplitPosition", "int", rows),
            ("ActiveSplitRange", "short", 2),
            ("PositionLeft", "int", 0),
            ("PositionRight", "int", cols),
            ("PositionTop", "int", 0),
            ("PositionBottom", "int", rows),
        ] {
            tables.push_str(&item(name, kind, value));
        }
        tables.push_str("</config:config-item-map-entry>");
    }
    let active = book.sheets.first().map_or(String::new(), |s| xml(&s.name));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.2">
<office:settings><config:config-item-set config:name="ooo:view-settings"><config:config-item-map-indexed config:name="Views"><config:config-item-map-entry><config:config-item config:name="ViewId" config:type="string">view1</config:config-item><config:config-item-map-named config:name="Tables">{tables}</config:config-item-map-named><config:config-item config:name="ActiveTable" config:type="string">{active}</config:config-item></config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set></office:settings>
</office:document-settings>
"#
    )
}

/// The cell styles of the ods file, by [`Style`].
const ODS_CELL_STYLES: &[(Style, &str, &str)] = &[
    (Style::Note, "ceNote", r#"<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>"#),
    (
        Style::Title,
        "ceTitle",
        r#"<style:table-cell-properties/><style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>"#,
    ),
    (
        Style::Header,
        "ceHeader",
        r##"<style:table-cell-properties fo:background-color="#dde3ea" fo:border="0.5pt solid #b7b7b7" fo:wrap-option="wrap" style:vertical-align="top"/><style:text-properties fo:font-weight="bold"/>"##,
    ),
    (
        Style::Shown,
        "ceShown",
        r##"<style:table-cell-properties fo:border="0.5pt solid #b7b7b7" fo:wrap-option="wrap" style:vertical-align="top"/>"##,
    ),
    (
        Style::Lead,
        "ceLead",
        r##"<style:table-cell-properties fo:border="0.5pt solid #b7b7b7" fo:wrap-option="wrap" style:vertical-align="top"/><style:text-properties fo:font-weight="bold"/>"##,
    ),
    (
        Style::Input,
        "ceInput",
        r##"<style:table-cell-properties fo:background-color="#fff2cc" fo:border="0.5pt solid #b7b7b7" fo:wrap-option="wrap" style:vertical-align="top" style:cell-protect="none"/>"##,
    ),
    (
        Style::Unused,
        "ceUnused",
        r##"<style:table-cell-properties fo:background-color="#eeeeee" fo:border="0.5pt solid #b7b7b7"/>"##,
    ),
];

fn ods_style(style: Style) -> &'static str {
    ODS_CELL_STYLES.iter().find(|(s, _, _)| *s == style).map_or("ceShown", |(_, name, _)| name)
}

/// XML text with `&`, `<`, `>` and quotes escaped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The OpenFormula condition of a rule.
fn ods_condition(rule: &Rule) -> String {
    let n = |x: f64| crate::format::plain(x);
    match rule {
        Rule::List(items) => {
            let items: Vec<String> = items.iter().map(|i| format!("\"{}\"", i.replace('"', "\"\""))).collect();
            format!("of:cell-content-is-in-list({})", items.join(";"))
        }
        Rule::Decimal { min, max: Some(max) } => {
            format!("of:cell-content-is-decimal-number() and cell-content-is-between({};{})", n(*min), n(*max))
        }
        Rule::Decimal { min, max: None } => {
            format!("of:cell-content-is-decimal-number() and cell-content()>={}", n(*min))
        }
        Rule::Whole => "of:cell-content-is-whole-number() and cell-content()>=0".into(),
    }
}

fn ods_content(book: &Workbook) -> String {
    let mut rules: Vec<&Rule> = Vec::new();
    for cell in book.sheets.iter().flat_map(|s| s.rows.iter().flatten()) {
        if let Some(rule) = &cell.rule
            && !rules.contains(&rule)
        {
            rules.push(rule);
        }
    }
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2">
<office:automatic-styles>
"#,
    );
    for (_, name, props) in ODS_CELL_STYLES {
        out.push_str(&format!(
            "<style:style style:name=\"{name}\" style:family=\"table-cell\" style:parent-style-name=\"Default\">{props}</style:style>\n"
        ));
    }
    let mut widths: Vec<String> = Vec::new();
    for w in book.sheets.iter().flat_map(|s| &s.widths) {
        let w = format!("{:.2}cm", w * 0.2);
        if !widths.contains(&w) {
            out.push_str(&format!(
                "<style:style style:name=\"co{}\" style:family=\"table-column\"><style:table-column-properties style:column-width=\"{w}\"/></style:style>\n",
                widths.len()
            ));
            widths.push(w);
        }
    }
    let mut heights: Vec<String> = Vec::new();
    for sheet in &book.sheets {
        for r in 0..sheet.rows.len() {
            let h = format!("{:.2}pt", sheet.row_height(r));
            if !heights.contains(&h) {
                out.push_str(&format!(
                    "<style:style style:name=\"ro{}\" style:family=\"table-row\"><style:table-row-properties style:row-height=\"{h}\" style:use-optimal-row-height=\"false\"/></style:style>\n",
                    heights.len()
                ));
                heights.push(h);
            }
        }
    }
    out.push_str("</office:automatic-styles>\n<office:body><office:spreadsheet>\n");
    if !rules.is_empty() {
        out.push_str("<table:content-validations>\n");
        for (k, rule) in rules.iter().enumerate() {
            let list = if matches!(rule, Rule::List(_)) { " table:display-list=\"unsorted\"" } else { "" };
            out.push_str(&format!(
                "<table:content-validation table:name=\"val{k}\" table:condition=\"{}\" table:allow-empty-cell=\"true\"{list}>{}<table:error-message table:title=\"Valeur refusée\" table:display=\"true\" table:message-type=\"stop\"><text:p>{}</text:p></table:error-message></table:content-validation>\n",
                xml(&ods_condition(rule)),
                input_message(rule).map_or(String::new(), |(title, message)| format!(
                    "<table:help-message table:title=\"{}\" table:display=\"true\"><text:p>{}</text:p></table:help-message>",
                    xml(title),
                    xml(message)
                )),
                xml(&rule_message(rule))
            ));
        }
        out.push_str("</table:content-validations>\n");
    }
    for sheet in &book.sheets {
        out.push_str(&format!("<table:table table:name=\"{}\" table:protected=\"true\">\n", xml(&sheet.name)));
        for (c, w) in sheet.widths.iter().enumerate() {
            let w = format!("{:.2}cm", w * 0.2);
            let style = widths.iter().position(|x| *x == w).unwrap_or(0);
            let hidden = if sheet.hidden.contains(&c) { " table:visibility=\"collapse\"" } else { "" };
            out.push_str(&format!(
                "<table:table-column table:style-name=\"co{style}\" table:default-cell-style-name=\"ceShown\"{hidden}/>\n"
            ));
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            if r == 0 && sheet.frozen_rows > 0 {
                out.push_str("<table:table-header-rows>");
            }
            let h = format!("{:.2}pt", sheet.row_height(r));
            let style = heights.iter().position(|x| *x == h).unwrap_or(0);
            out.push_str(&format!("<table:table-row table:style-name=\"ro{style}\">"));
            for cell in row {
                let style = ods_style(cell.style);
                let validation = cell
                    .rule
                    .as_ref()
                    .and_then(|rule| rules.iter().position(|r| *r == rule))
                    .map(|k| format!(" table:content-validation-name=\"val{k}\""))
                    .unwrap_or_default();
                match &cell.value {
                    Value::Empty => out.push_str(&format!(
                        "<table:table-cell table:style-name=\"{style}\"{validation}/>"
                    )),
                    Value::Text(t) => {
                        out.push_str(&format!(
                            "<table:table-cell table:style-name=\"{style}\"{validation} office:value-type=\"string\">"
                        ));
                        for line in t.split('\n') {
                            out.push_str(&format!("<text:p>{}</text:p>", xml(line)));
                        }
                        out.push_str("</table:table-cell>");
                    }
                    Value::Number(n) => out.push_str(&format!(
                        "<table:table-cell table:style-name=\"{style}\"{validation} office:value-type=\"float\" office:value=\"{}\"><text:p>{}</text:p></table:table-cell>",
                        crate::format::plain(*n),
                        xml(&crate::format::number(*n, 6))
                    )),
                }
            }
            out.push_str("</table:table-row>\n");
            if r + 1 == sheet.frozen_rows as usize {
                out.push_str("</table:table-header-rows>\n");
            }
        }
        out.push_str("</table:table>\n");
    }
    out.push_str("</office:spreadsheet></office:body></office:document-content>\n");
    out
}
