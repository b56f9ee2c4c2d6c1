//! What a cadre logique adds to `clsm.toml`: the axes its strategic objectives
//! name, and its objectif global.
//!
//! The file is the coordinator's: it is edited as text, never re-serialised, so that
//! every line and comment stays as it was. New `[[axes]]` go after the last axis
//! (or at the end), `objectif_global` after the last top-level key (before the first
//! table). What is already there is never changed: a different title is reported,
//! except the placeholder titles `clsm init` writes ("Premier axe stratégique"),
//! which the sheet's titles replace.
//! The edited text is parsed again and must give the old contract plus exactly the
//! additions, or nothing is written.

use std::collections::BTreeMap;

/// An axis read from the sheet: its number, its title if the sheet gives one, and
/// the line it was read on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxeLu {
    pub id: String,
    pub titre: Option<String>,
    pub line: usize,
}

/// The title given to an axis the sheet numbers but does not name.
pub fn untitled(id: &str) -> String {
    format!("Axe {id} (intitulé absent du tableau, à compléter)")
}

/// What the sheet says that `clsm.toml` does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub objectif_global: Option<String>,
    /// `(id, titre)`, in the sheet's order.
    pub axes: Vec<(String, String)>,
    pub differences: Vec<Difference>,
    /// The sheet's axis numbers that `clsm.toml` declares under another id, with
    /// the same title.
    pub renamed: BTreeMap<String, String>,
    /// `(id, placeholder, titre)`: axes that still have the title `clsm init` gave
    /// them, to take the sheet's.
    pub retitled: Vec<(String, String, String)>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.objectif_global.is_none() && self.axes.is_empty() && self.retitled.is_empty()
    }
}

/// Whether `titre` is the one `clsm init` gave the axis `id`.
fn is_placeholder(id: &str, titre: &str) -> bool {
    crate::model::config::PLACEHOLDER_AXES.iter().any(|(i, t)| *i == id && *t == titre)
}

/// Where the sheet and `clsm.toml` disagree; `clsm.toml` is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The same axis id with another title.
    Titre { id: String, toml: String, sheet: String, line: usize },
    /// Another objectif global.
    ObjectifGlobal { toml: String, sheet: String },
}

/// Why `clsm.toml` cannot be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// It does not parse: `clsm check` says why.
    Unreadable,
    /// The edited text would not be the old contract plus the additions (axes
    /// written in another form, say).
    Unsafe,
}

/// One space for every run of blanks: titles are compared and written on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse(text: &str) -> Option<toml::Table> {
    toml::from_str(text.strip_prefix('\u{feff}').unwrap_or(text)).ok()
}

/// The `[[axes]]` of a parsed contract: `(id, titre)`; an integer id is read as text.
fn declared_axes(table: &toml::Table) -> Vec<(String, String)> {
    let Some(toml::Value::Array(axes)) = table.get("axes") else { return Vec::new() };
    axes.iter()
        .filter_map(toml::Value::as_table)
        .filter_map(|a| {
            let id = match a.get("id")? {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(n) => n.to_string(),
                _ => return None,
            };
            Some((id, a.get("titre").and_then(toml::Value::as_str).map(one_line).unwrap_or_default()))
        })
        .collect()
}

/// Compares what the sheet read with the contract `text`.
pub fn plan(text: &str, objectif_global: Option<&str>, axes: &[AxeLu]) -> Result<Plan, EditError> {
    let table = parse(text).ok_or(EditError::Unreadable)?;
    let declared = declared_axes(&table);
    let mut plan = Plan::default();
    for axe in axes {
        let titre = axe.titre.as_deref().map(one_line);
        if let Some((_, toml)) = declared.iter().find(|(id, _)| *id == axe.id) {
            // A placeholder is replaced when its text is found once, as `clsm init` wrote it.
            let replaceable = |t: &str| is_placeholder(&axe.id, t) && text.matches(&quoted(t)).count() == 1;
            if let Some(sheet) = titre.clone().filter(|t| t != toml && replaceable(toml)) {
                if !plan.retitled.iter().any(|(id, _, _)| *id == axe.id) {
                    plan.retitled.push((axe.id.clone(), toml.clone(), sheet));
                }
                continue;
            }
            if let Some(sheet) = titre.filter(|t| t != toml) {
                plan.differences.push(Difference::Titre {
                    id: axe.id.clone(),
                    toml: toml.clone(),
                    sheet,
                    line: axe.line,
                });
            }
            continue;
        }
        let same_title = titre.as_ref().and_then(|t| declared.iter().find(|(_, toml)| toml == t));
        if let Some((id, _)) = same_title {
            plan.renamed.insert(axe.id.clone(), id.clone());
            continue;
        }
        if !plan.axes.iter().any(|(id, _)| *id == axe.id) {
            plan.axes.push((axe.id.clone(), titre.unwrap_or_else(|| untitled(&axe.id))));
        }
    }
    if let Some(sheet) = objectif_global.map(one_line).filter(|s| !s.is_empty()) {
        match table.get("objectif_global") {
            None => plan.objectif_global = Some(sheet),
            Some(value) => {
                let toml = value.as_str().map(one_line).unwrap_or_else(|| value.to_string());
                if toml != sheet {
                    plan.differences.push(Difference::ObjectifGlobal { toml, sheet });
                }
            }
        }
    }
    Ok(plan)
}

/// A TOML basic string.
pub fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `objectif_global = …` line, without its line break.
pub fn objectif_line(text: &str) -> String {
    format!("objectif_global = {}", quoted(text))
}

/// The lines of one `[[axes]]` table, each followed by `nl`.
pub fn axis_lines(id: &str, titre: &str, nl: &str) -> String {
    format!("[[axes]]{nl}id = {}{nl}titre = {}{nl}", quoted(id), quoted(titre))
}

/// A table header of the file: where its line starts and the name it opens.
#[derive(Debug)]
struct Header {
    start: usize,
    name: String,
}

/// The table headers of a TOML text and, for each statement (`key = value`,
/// possibly over several lines), the byte where it ends and the index of the
/// header above it.
#[derive(Debug, Default)]
struct Outline {
    headers: Vec<Header>,
    statements: Vec<(usize, Option<usize>)>,
}

/// Reads where the tables and statements of `text` are. Strings (all four kinds),
/// comments and brackets spanning lines are followed, so that a `[` inside a value
/// is never taken for a header.
fn outline(text: &str) -> Outline {
    let bytes = text.as_bytes();
    let mut out = Outline::default();
    let mut i = 0;
    while i < bytes.len() {
        // At the start of a line, outside any value.
        let line_start = i;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        match bytes.get(i) {
            None => break,
            Some(b'\n' | b'\r' | b'#') => i = line_end(bytes, i),
            Some(b'[') => {
                let end = line_end(bytes, i);
                let line = &text[i..end];
                let name = line.trim_start_matches('[').split(']').next().unwrap_or_default();
                let name: String = name.split('.').map(str::trim).collect::<Vec<_>>().join(".");
                out.headers.push(Header { start: line_start, name });
                i = end;
            }
            Some(_) => {
                i = statement_end(bytes, i);
                out.statements.push((i, out.headers.len().checked_sub(1)));
            }
        }
    }
    out
}

/// The byte after the line break of the line holding `i` (or the end).
fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p + 1)
}

/// The byte after the line break that ends the statement starting at `i`.
fn statement_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => i = string_end(bytes, i),
            b'#' => i = line_end(bytes, i) - 1,
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'\n' if depth == 0 => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The byte after the string starting at `i`: `"…"`, `'…'`, `"""…"""` or `'''…'''`.
fn string_end(bytes: &[u8], i: usize) -> usize {
    let quote = bytes[i];
    let triple = bytes.get(i..i + 3).is_some_and(|t| t.iter().all(|&b| b == quote));
    let mut j = if triple { i + 3 } else { i + 1 };
    while j < bytes.len() {
        match bytes[j] {
            b'\\' if quote == b'"' => j += 2,
            b'\n' if !triple => return j,
            b if b == quote => {
                if !triple {
                    return j + 1;
                }
                if bytes.get(j..j + 3).is_some_and(|t| t.iter().all(|&b| b == quote)) {
                    // Up to two more quotes may close a multi-line string: `""""`.
                    let mut k = j + 3;
                    while k < bytes.len() && bytes[k] == quote && k < j + 5 {
                        k += 1;
                    }
                    return k;
                }
                j += 1;
            }
            _ => j += 1,
        }
    }
    bytes.len()
}

/// `text` with the plan's additions, every existing byte kept in place.
pub fn edit(text: &str, plan: &Plan) -> Result<String, EditError> {
    let before = parse(text).ok_or(EditError::Unreadable)?;
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let outline = outline(text);
    let mut insertions: Vec<(usize, String)> = Vec::new();
    if let Some(objectif) = &plan.objectif_global {
        let line = objectif_line(objectif);
        let last_top = outline.statements.iter().rev().find(|(_, header)| header.is_none()).map(|(end, _)| *end);
        match (last_top, outline.headers.first()) {
            (Some(end), _) => insertions.push((end, format!("{line}{nl}"))),
            (None, Some(first)) => insertions.push((first.start, format!("{line}{nl}{nl}"))),
            (None, None) => insertions.push((text.len(), format!("{line}{nl}"))),
        }
    }
    if !plan.axes.is_empty() {
        let tables: String = plan.axes.iter().map(|(id, titre)| format!("{nl}{}", axis_lines(id, titre, nl))).collect();
        let last_axes = outline.headers.iter().rposition(|h| h.name == "axes");
        let at = match last_axes {
            Some(h) => {
                // The axis goes on until a header that is not one of its sub-tables.
                let block_end =
                    outline.headers[h + 1..].iter().position(|o| !o.name.starts_with("axes.")).map(|p| h + 1 + p);
                let last = outline
                    .statements
                    .iter()
                    .filter(|(_, header)| header.is_some_and(|x| x >= h && block_end.is_none_or(|e| x < e)))
                    .map(|(end, _)| *end)
                    .next_back();
                last.unwrap_or_else(|| line_end(text.as_bytes(), outline.headers[h].start))
            }
            None => text.len(),
        };
        insertions.push((at, tables));
    }
    // Two additions at one place (a file without tables) go in one, the objectif
    // global (pushed first) first; then from the end, so that earlier places stay right.
    let mut merged: BTreeMap<usize, String> = BTreeMap::new();
    for (at, insert) in insertions {
        merged.entry(at).or_default().push_str(&insert);
    }
    let insertions: Vec<(usize, String)> = merged.into_iter().rev().collect();
    let mut edited = text.to_string();
    for (at, insert) in insertions {
        let glue = if at > 0 && !edited[..at].ends_with('\n') { nl } else { "" };
        edited.insert_str(at, &format!("{glue}{insert}"));
    }
    for (_, placeholder, titre) in &plan.retitled {
        edited = edited.replacen(&quoted(placeholder), &quoted(titre), 1);
    }
    let after = parse(&edited).ok_or(EditError::Unsafe)?;
    if after != expected(before, plan) {
        return Err(EditError::Unsafe);
    }
    Ok(edited)
}

/// The contract `before` with the plan's additions, as the edited text must read.
fn expected(mut before: toml::Table, plan: &Plan) -> toml::Table {
    if let Some(toml::Value::Array(axes)) = before.get_mut("axes") {
        for axe in axes.iter_mut().filter_map(toml::Value::as_table_mut) {
            let id = axe.get("id").and_then(toml::Value::as_str).map(str::to_string);
            if let Some((_, _, titre)) = plan.retitled.iter().find(|(i, _, _)| Some(i) == id.as_ref()) {
                axe.insert("titre".into(), toml::Value::String(titre.clone()));
            }
        }
    }
    if let Some(objectif) = &plan.objectif_global {
        before.insert("objectif_global".into(), toml::Value::String(objectif.clone()));
    }
    if !plan.axes.is_empty() {
        let axes = before.entry("axes").or_insert_with(|| toml::Value::Array(Vec::new()));
        if let toml::Value::Array(list) = axes {
            for (id, titre) in &plan.axes {
                let mut t = toml::Table::new();
                t.insert("id".into(), toml::Value::String(id.clone()));
                t.insert("titre".into(), toml::Value::String(titre.clone()));
                list.push(toml::Value::Table(t));
            }
        }
    }
    before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axe(id: &str, titre: Option<&str>) -> AxeLu {
        AxeLu { id: id.into(), titre: titre.map(str::to_string), line: 6 }
    }

    const INIT: &str = "# Le contrat.\ntitre = \"Contrat\"\ntype = \"CLS\"  # CLS ou CLSM\nporteur = \"porteur\"\n\n[[axes]]\nid = \"1\"\ntitre = \"Premier axe\"\n\n[[axes]]\nid = \"2\"\ntitre = \"Deuxième axe\"\n\n[[thematiques]]\nid = \"jeunes\"\ntitre = \"Jeunes\"\n";

    #[test]
    fn the_placeholder_titles_of_clsm_init_take_the_sheets_and_nothing_else_changes() {
        let text = "titre = \"C\"\ntype = \"CLS\"\n\n[[axes]]\nid = \"1\"\ntitre = \"Premier axe stratégique\"\n\n[[axes]]\nid = \"2\"\ntitre = \"Deuxième axe stratégique\"  # à renommer\n";
        let plan = plan(text, None, &[axe("1", Some("Prévenir")), axe("2", None)]).unwrap();
        assert_eq!(
            plan.retitled,
            vec![("1".to_string(), "Premier axe stratégique".to_string(), "Prévenir".to_string())]
        );
        assert!(plan.differences.is_empty() && plan.axes.is_empty());
        let edited = edit(text, &plan).unwrap();
        assert_eq!(edited, text.replace("\"Premier axe stratégique\"", "\"Prévenir\""));
        // A title the coordinator wrote is theirs: only reported.
        let mine = text.replace("Premier axe stratégique", "Inclusion");
        let plan = super::plan(&mine, None, &[axe("1", Some("Prévenir"))]).unwrap();
        assert!(plan.retitled.is_empty() && plan.differences.len() == 1);
    }

    #[test]
    fn adds_what_is_missing_and_reports_what_differs() {
        let axes = [
            axe("1", Some("Premier axe")),
            axe("2", Some("Soigner")),
            axe("3", Some("Disposer  d'une\ngouvernance")),
            axe("4", None),
        ];
        let plan = plan(INIT, Some("Objectif global CLSM"), &axes).unwrap();
        assert_eq!(plan.objectif_global.as_deref(), Some("Objectif global CLSM"));
        assert_eq!(
            plan.axes,
            [("3".to_string(), "Disposer d'une gouvernance".to_string()), ("4".to_string(), untitled("4"))]
        );
        assert_eq!(
            plan.differences,
            [Difference::Titre { id: "2".into(), toml: "Deuxième axe".into(), sheet: "Soigner".into(), line: 6 }]
        );
        let edited = edit(INIT, &plan).unwrap();
        assert_eq!(
            edited,
            "# Le contrat.\ntitre = \"Contrat\"\ntype = \"CLS\"  # CLS ou CLSM\nporteur = \"porteur\"\nobjectif_global = \"Objectif global CLSM\"\n\n[[axes]]\nid = \"1\"\ntitre = \"Premier axe\"\n\n[[axes]]\nid = \"2\"\ntitre = \"Deuxième axe\"\n\n[[axes]]\nid = \"3\"\ntitre = \"Disposer d'une gouvernance\"\n\n[[axes]]\nid = \"4\"\ntitre = \"Axe 4 (intitulé absent du tableau, à compléter)\"\n\n[[thematiques]]\nid = \"jeunes\"\ntitre = \"Jeunes\"\n"
        );
        // Once added, nothing more is.
        assert!(self::plan(&edited, Some("Objectif global CLSM"), &axes).unwrap().is_empty());
    }

    #[test]
    fn an_existing_objectif_global_is_kept() {
        let text = "titre = \"C\"\ntype = \"CLS\"\nobjectif_global = \"Le nôtre\"\n";
        let plan = plan(text, Some("Celui du tableau"), &[]).unwrap();
        assert!(plan.is_empty());
        assert_eq!(
            plan.differences,
            [Difference::ObjectifGlobal { toml: "Le nôtre".into(), sheet: "Celui du tableau".into() }]
        );
    }

    #[test]
    fn an_axis_declared_under_another_id_is_used_not_added() {
        let text = "titre = \"C\"\ntype = \"CLS\"\n[[axes]]\nid = \"prevention\"\ntitre = \"Prévenir\"\n";
        let plan = plan(text, None, &[axe("1", Some("Prévenir"))]).unwrap();
        assert!(plan.axes.is_empty());
        assert_eq!(plan.renamed.get("1").map(String::as_str), Some("prevention"));
    }

    #[test]
    fn headers_inside_values_and_crlf_are_not_mistaken() {
        // A multi-line string and an array whose lines start with `[`, CRLF, no final
        // line break, and no [[axes]] yet.
        let text = "titre = \"\"\"\n[[axes]]\n\"\"\"\ntype = \"CLS\"\r\nliste = [\r\n[1, 2],\r\n]\r\n[vocabulaire.public]\r\nelus = \"Élus\"";
        let plan = Plan {
            objectif_global: Some("Tous".into()),
            axes: vec![("1".into(), "Un \"axe\"".into())],
            ..Plan::default()
        };
        let edited = edit(text, &plan).unwrap();
        assert!(edited.starts_with("titre = \"\"\"\n[[axes]]\n\"\"\"\ntype = \"CLS\"\r\nliste = [\r\n[1, 2],\r\n]\r\nobjectif_global = \"Tous\"\r\n[vocabulaire.public]\r\nelus = \"Élus\"\r\n\r\n[[axes]]\r\nid = \"1\"\r\ntitre = \"Un \\\"axe\\\"\"\r\n"), "{edited}");
    }

    #[test]
    fn a_contract_without_tables_gets_the_objectif_global_before_its_first_axis() {
        let plan =
            Plan { objectif_global: Some("Tous".into()), axes: vec![("1".into(), "Un".into())], ..Plan::default() };
        for (text, edited) in [
            ("titre = \"C\"\n", "titre = \"C\"\nobjectif_global = \"Tous\"\n\n[[axes]]\nid = \"1\"\ntitre = \"Un\"\n"),
            ("titre = \"C\"", "titre = \"C\"\nobjectif_global = \"Tous\"\n\n[[axes]]\nid = \"1\"\ntitre = \"Un\"\n"),
        ] {
            assert_eq!(edit(text, &plan).unwrap(), edited);
        }
    }

    #[test]
    fn refuses_to_edit_what_it_cannot_edit_safely() {
        let inline = "titre = \"C\"\ntype = \"CLS\"\naxes = [{ id = \"1\", titre = \"Un\" }]\n";
        let plan = Plan { axes: vec![("2".into(), "Deux".into())], ..Plan::default() };
        assert_eq!(edit(inline, &plan), Err(EditError::Unsafe));
        assert_eq!(edit("titre = ", &plan), Err(EditError::Unreadable));
    }

    #[test]
    fn only_the_top_level_gets_the_objectif_global() {
        let text = "[contrat_parent]\ntitre = \"CLS\"\n";
        let plan = Plan { objectif_global: Some("Tous".into()), ..Plan::default() };
        assert_eq!(edit(text, &plan).unwrap(), "objectif_global = \"Tous\"\n\n[contrat_parent]\ntitre = \"CLS\"\n");
    }
}
