//! `clsm import`: fiches-actions and their indicators from a cadre-logique
//! spreadsheet, never overwriting; the axes and objectif global it names added to
//! `clsm.toml` only when asked (`--contrat`).
//!
//! A row whose cells are not in their columns is refused, whole, with the line of
//! the file and the cells to move: imported as it is, its objectives would land in
//! the wrong keys and look right. The command then ends with exit code 1, after
//! writing the rows that were fine.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::cli::ImportArgs;
use crate::cmd::Outcome;
use crate::files::read::read_text;
use crate::files::write::{create_new, replace_edited};
use crate::import::cells::{self, Wording};
use crate::import::contract::{self, Difference, EditError, Plan};
use crate::import::layout::{Placement, column_letter};
use crate::import::{self, Column, Encoding, Note, Refused, Row, Sheet};
use crate::load::{self, CONFIG_FILE, CONFIG_LIMIT};
use crate::model::Repository;
use crate::terminal::{clean, one_line};

/// A YAML double-quoted string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// Whether a text can be written as a YAML literal block: no character that YAML
/// would read as a line break or refuse.
fn fits_a_block(text: &str) -> bool {
    !text.chars().any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
}

/// `key: value`, on one line, or as a literal block when the value has several.
fn text_key(y: &mut String, key: &str, value: &str) {
    if value.contains('\n') && fits_a_block(value) {
        let _ = writeln!(y, "{key}: |-");
        for line in value.lines() {
            let _ = if line.is_empty() { writeln!(y) } else { writeln!(y, "  {line}") };
        }
    } else {
        let _ = writeln!(y, "{key}: {}", quoted(value));
    }
}

/// `n` and the word, in the plural from 2 on, as French counts.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// A cell's text quoted in a message: on one line, and cut when it is long.
fn excerpt(text: &str) -> String {
    let text = one_line(text);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 80 {
        format!("« {}… »", text.chars().take(79).collect::<String>().trim_end())
    } else {
        format!("« {text} »")
    }
}

/// The fiche-action written for one row.
struct ActionFiche<'a> {
    row: &'a Row,
    id: String,
    axe: Option<String>,
    indicateurs: Vec<String>,
}

impl ActionFiche<'_> {
    fn text(&self, source: &str, repo: &Repository) -> String {
        let row = self.row;
        let cell = |c: Column| row.cells.get(&c).map(String::as_str);
        let mut y = String::from("---\n");
        // The file's name goes into a YAML comment: on one line, or it would add keys.
        let _ = writeln!(y, "# Importée de {}, ligne {}.", one_line(source), row.line);
        if let Some(n) = &row.numero {
            let _ = writeln!(y, "numero: {}", quoted(n));
        }
        let _ = writeln!(y, "titre: {}", quoted(&cells::single_line(&row.titre)));
        match &self.axe {
            Some(a) => {
                let _ = writeln!(y, "axe: {}", quoted(a));
            }
            None => y.push_str("axe:  # à compléter : un id des [[axes]] de clsm.toml\n"),
        }
        y.push_str("statut: conception\n");
        match &repo.config.porteur {
            Some(p) => {
                let _ = writeln!(y, "porteur: {}", quoted(p));
            }
            None => y.push_str("porteur:  # à compléter : l'identifiant du partenaire qui porte l'action\n"),
        }
        for (key, value) in [
            ("objectif_strategique", row.objectif_strategique.as_deref()),
            ("objectif_specifique", row.objectif_specifique.as_deref()),
        ] {
            if let Some(v) = value {
                text_key(&mut y, key, &cells::single_line(v));
            }
        }
        let keys = [
            ("prerequis", Column::Prerequis),
            ("public_precision", Column::Public),
            ("dispositifs_existants", Column::Dispositifs),
            ("resultats_attendus", Column::Resultats),
            ("moyens_mobilisables", Column::MoyensMobilisables),
            ("moyens_a_rechercher", Column::MoyensARechercher),
        ];
        for (key, column) in keys {
            if let Some(v) = cell(column) {
                text_key(&mut y, key, &cells::as_text_value(v));
            }
        }
        if !self.indicateurs.is_empty() {
            y.push_str("indicateurs:\n");
            for id in &self.indicateurs {
                let _ = writeln!(y, "  - {id}");
            }
        }
        y.push_str("---\n");
        if let Some(text) = cell(Column::Description) {
            let _ = write!(y, "\n## Description\n\n{}\n", cells::as_markdown(text));
        }
        // Sources with no indicator to carry them stay in the text.
        if let (Some(text), true) = (cell(Column::Sources), self.indicateurs.is_empty()) {
            let _ = write!(y, "\n## Sources de vérification\n\n{}\n", cells::as_markdown(text));
        }
        if !row.unmapped.is_empty() {
            y.push_str("\n## Colonnes non reprises\n\n");
            for (header, value) in &row.unmapped {
                let header = cells::escaped(header);
                if cells::is_list(value) {
                    let _ = writeln!(y, "- **{header}** :");
                    for item in cells::items(value) {
                        let _ = writeln!(y, "  - {}", cells::escaped(&item));
                    }
                } else {
                    let _ = writeln!(y, "- **{header}** : {}", cells::escaped(&cells::single_line(value)));
                }
            }
        }
        y
    }
}

/// An indicator fiche to create.
struct NewIndicator {
    id: String,
    wording: Wording,
    sources: Vec<String>,
    line: usize,
}

impl NewIndicator {
    fn text(&self, source: &str, column: &str, kind: IndicatorType) -> String {
        let mut y = String::from("---\n");
        let _ =
            writeln!(y, "# Importé de {}, ligne {} (colonne « {} »).", one_line(source), self.line, one_line(column));
        let _ = writeln!(y, "libelle: {}", quoted(&self.wording.libelle));
        y.push_str(match kind {
            IndicatorType::Resultat => "type: resultat\n",
            IndicatorType::Processus => "type: processus\n",
            IndicatorType::Unknown => "type: resultat  # à vérifier : processus ou resultat\n",
        });
        if let Some(unite) = self.wording.unite {
            let _ = writeln!(y, "unite: {unite}");
        }
        for (key, value) in [("numerateur", &self.wording.numerateur), ("denominateur", &self.wording.denominateur)] {
            if let Some(v) = value {
                let _ = writeln!(y, "{key}: {}", quoted(v));
            }
        }
        if !self.sources.is_empty() {
            y.push_str("sources:\n");
            for s in &self.sources {
                let _ = writeln!(y, "  - {}", quoted(s));
            }
        }
        y.push_str("---\n");
        y
    }
}

/// What the header of the indicators' column says they are.
#[derive(Clone, Copy)]
enum IndicatorType {
    Resultat,
    Processus,
    Unknown,
}

fn indicator_type(header: &str) -> IndicatorType {
    let h = import::normalize(header);
    if h.contains("processus") {
        IndicatorType::Processus
    } else if h.contains("resultat") {
        IndicatorType::Resultat
    } else {
        IndicatorType::Unknown
    }
}

/// The indicators the rows cite: those of the repository with the same wording,
/// and new ones, each under an id no file has.
struct Indicators<'a> {
    root: &'a Path,
    /// The repository's indicators, by their wording made comparable.
    existing: BTreeMap<String, String>,
    taken: BTreeSet<String>,
    new: Vec<NewIndicator>,
    reused: BTreeSet<String>,
}

impl<'a> Indicators<'a> {
    fn new(root: &'a Path, repo: &Repository) -> Self {
        let existing = repo
            .indicateurs
            .iter()
            .filter_map(|r| Some((cells::wording_key(r.data.libelle.as_deref()?), r.id.clone())))
            .collect();
        let taken = repo.indicateurs.iter().map(|r| r.id.clone()).collect();
        Indicators { root, existing, taken, new: Vec::new(), reused: BTreeSet::new() }
    }

    fn is_free(&self, id: &str) -> bool {
        !self.taken.contains(id)
            && std::fs::symlink_metadata(self.root.join(format!("fiches/indicateurs/{id}.md"))).is_err()
    }

    /// The id of the indicator worded `libelle`, created if need be, with `sources`.
    fn cite(&mut self, libelle: &str, sources: &[String], line: usize) -> String {
        let key = cells::wording_key(libelle);
        if let Some(id) = self.existing.get(&key) {
            self.reused.insert(id.clone());
            return id.clone();
        }
        if let Some(known) = self.new.iter_mut().find(|n| cells::wording_key(&n.wording.libelle) == key) {
            for s in sources {
                if !known.sources.contains(s) {
                    known.sources.push(s.clone());
                }
            }
            return known.id.clone();
        }
        let base = cells::indicator_id(libelle);
        let mut id = base.clone();
        let mut n = 2;
        while !self.is_free(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        let mut unique: Vec<String> = Vec::new();
        for s in sources {
            if !unique.contains(s) {
                unique.push(s.clone());
            }
        }
        self.new.push(NewIndicator { id: id.clone(), wording: cells::wording(libelle), sources: unique, line });
        id
    }

    /// The ids of the indicators of a row; each gets its own source when there are
    /// as many sources as indicators, else all of them.
    fn of_row(&mut self, row: &Row) -> Vec<String> {
        let Some(cell) = row.cells.get(&Column::Indicateurs) else { return Vec::new() };
        let wordings = cells::items(cell);
        let sources = row.cells.get(&Column::Sources).map(|s| cells::items(s)).unwrap_or_default();
        let paired = sources.len() == wordings.len();
        let mut ids: Vec<String> = Vec::new();
        for (i, w) in wordings.iter().enumerate() {
            let own = if paired { std::slice::from_ref(&sources[i]) } else { &sources[..] };
            let id = self.cite(w, own, row.line);
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }
}

/// What is wrong with a refused row, and how to fix it in the spreadsheet.
fn diagnosis(placement: &Placement, row: usize) -> Option<(String, String)> {
    let cell = |j: usize| format!("{}{row}", column_letter(j));
    Some(match placement {
        Placement::Shifted { by, from, .. } => {
            let n = by.unsigned_abs();
            let range = |first: usize| {
                if n == 1 { cell(first) } else { format!("{}:{}", cell(first), cell(first + n - 1)) }
            };
            let columns = if n == 1 { "d'une colonne".to_string() } else { format!("de {n} colonnes") };
            let (side, back, fix) = if *by > 0 {
                let cells = if n == 1 { "la cellule vide" } else { "les cellules vides" };
                let fix = format!("supprimez {cells} {} avec « Décaler les cellules vers la gauche »", range(from - n));
                ("droite", "gauche", fix)
            } else {
                let cells = if n == 1 { "une cellule vide".to_string() } else { format!("{n} cellules vides") };
                let fix = format!("insérez {cells} en {} avec « Décaler les cellules vers la droite »", range(*from));
                ("gauche", "droite", fix)
            };
            (
                format!("ses cellules sont décalées {columns} vers la {side}"),
                format!("décalez les cellules de la ligne {row} {columns} vers la {back} : dans le tableur, {fix}"),
            )
        }
        Placement::Scattered(cells) => {
            let moves: Vec<String> =
                cells.iter().map(|m| format!("{} vers {}", cell(m.found), cell(m.expected))).collect();
            (
                "des cellules ne sont pas dans leur colonne".to_string(),
                format!("dans le tableur, mettez chaque cellule dans sa colonne ({})", moves.join(", ")),
            )
        }
        Placement::Fine => return None,
    })
}

/// How a refused row is described: what is in which column, and what to do.
fn refusal(r: &Refused, file: &str, sheet: &Sheet) -> String {
    let header = |j: usize| match sheet.columns.get(j).map(|(h, _)| h.as_str()).filter(|h| !h.is_empty()) {
        Some(h) => format!("colonne {} « {} »", column_letter(j), clean(h)),
        None => format!("colonne {}", column_letter(j)),
    };
    let (Some((what, fix)), Placement::Shifted { cells, .. } | Placement::Scattered(cells)) =
        (diagnosis(&r.placement, r.row), &r.placement)
    else {
        return String::new();
    };
    let at = if r.row == r.line {
        format!("ligne {}", r.line)
    } else {
        format!("ligne {} (ligne {} dans le tableur)", r.line, r.row)
    };
    let mut out = format!("erreur : {}, {at} : ligne refusée, {what}\n", clean(file));
    for m in cells {
        let _ = write!(out, "  {} : {} ({})", header(m.found), m.level.article(), excerpt(&m.text));
        if matches!(r.placement, Placement::Scattered(_)) {
            let _ = write!(out, ", à mettre en {}", header(m.expected));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "  aide : {fix}, enregistrez, puis relancez `clsm import` ; d'ici là, rien n'est importé de cette ligne"
    );
    out
}

/// What a person should check in an imported row.
fn note(n: &Note, file: &str) -> String {
    let file = clean(file);
    match n {
        Note::OtherAxis { line, numero, axe, strategique, from, specifique_kept } => {
            let source = if from == line {
                "sa ligne la place".to_string()
            } else {
                format!("les cellules fusionnées de la ligne {from} la placent")
            };
            let without = if *specifique_kept {
                "sans objectif stratégique"
            } else {
                "sans objectif stratégique ni spécifique"
            };
            format!(
                "attention : {file}, ligne {line} : l'action {numero} est numérotée dans l'axe {axe}, mais {source} sous l'objectif stratégique {strategique} : elle est rattachée à l'axe « {axe} », {without}\n  aide : vérifiez le tableau ; l'objectif stratégique {axe} manque peut-être au-dessus de cette ligne\n",
                numero = clean(numero),
                axe = clean(axe),
                strategique = clean(strategique),
            )
        }
        Note::OtherObjective { line, numero, specifique, from } => format!(
            "attention : {file}, ligne {line} : l'action {} n'est pas numérotée sous l'objectif spécifique {} (ligne {from}) : elle est importée sans objectif spécifique\n",
            clean(numero),
            clean(specifique)
        ),
        Note::NoAction { line } => format!(
            "attention : {file}, ligne {line} : la colonne « Actions » est vide : cette ligne n'est pas importée\n"
        ),
    }
}

/// The TOML lines a plan adds, each indented by two spaces, for a message.
fn plan_lines(plan: &Plan) -> String {
    let mut out = String::new();
    for (id, placeholder, titre) in &plan.retitled {
        let _ = writeln!(
            out,
            "  (axe {id}) titre = {} à la place de « {placeholder} », l'intitulé provisoire de `clsm init`",
            contract::quoted(titre)
        );
    }
    if let Some(o) = &plan.objectif_global {
        let _ = writeln!(out, "  {}", contract::objectif_line(o));
    }
    for (id, titre) in &plan.axes {
        for line in contract::axis_lines(id, titre, "\n").lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    clean(&out).into_owned()
}

/// What the plan adds, in words: `objectif_global, axe 3`.
fn plan_summary(plan: &Plan) -> String {
    let mut parts = Vec::new();
    if plan.objectif_global.is_some() {
        parts.push("objectif_global".to_string());
    }
    match plan.axes.len() {
        0 => {}
        1 => parts.push(format!("l'axe {}", plan.axes[0].0)),
        _ => parts
            .push(format!("les axes {}", plan.axes.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>().join(", "))),
    }
    match plan.retitled.len() {
        0 => {}
        1 => parts.push(format!("l'intitulé de l'axe {}", plan.retitled[0].0)),
        _ => parts.push(format!(
            "les intitulés des axes {}",
            plan.retitled.iter().map(|(id, _, _)| id.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
    let text = match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} et {last}", rest.join(", ")),
        None => String::new(),
    };
    clean(&text).into_owned()
}

/// Reports where the sheet and clsm.toml differ, and the axes used under another id.
fn report_differences(plan: &Plan) {
    for d in &plan.differences {
        match d {
            Difference::Titre { id, toml, sheet, line } => eprintln!(
                "attention : axe {} : {CONFIG_FILE} l'intitule « {} », le tableau (ligne {line}) « {} » : {CONFIG_FILE} n'est pas modifié\n  aide : si le tableau a raison, changez le `titre` de cet axe dans {CONFIG_FILE}",
                clean(id),
                clean(toml),
                clean(sheet)
            ),
            Difference::ObjectifGlobal { toml, sheet } => eprintln!(
                "attention : objectif_global : {CONFIG_FILE} dit « {} », le tableau « {} » : {CONFIG_FILE} n'est pas modifié",
                clean(toml),
                clean(sheet)
            ),
        }
    }
    for (sheet, toml) in &plan.renamed {
        crate::note!(
            "axe {} du tableau : {CONFIG_FILE} le déclare sous l'id `{}`, avec le même intitulé ; les fiches y sont rattachées",
            clean(sheet),
            clean(toml)
        );
    }
}

/// Shows or makes the additions to clsm.toml; `false` when they were asked for and
/// could not be made.
fn update_contract(root: &Path, text: &str, plan: &Plan, args: &ImportArgs) -> Result<bool> {
    report_differences(plan);
    if plan.is_empty() {
        return Ok(true);
    }
    if !args.contrat {
        eprintln!(
            "à ajouter à {CONFIG_FILE} (le tableau le dit, {CONFIG_FILE} ne le dit pas encore) :\n{}  aide : relancez avec `--contrat` pour l'écrire, sans rien changer d'autre dans {CONFIG_FILE}",
            plan_lines(plan)
        );
        return Ok(true);
    }
    let edited = match contract::edit(text, plan) {
        Ok(edited) => edited,
        Err(e) => {
            let why = match e {
                EditError::Unreadable => "il a des erreurs (`clsm check` les détaille)",
                EditError::Unsafe => "ses axes y sont écrits sous une forme que clsm ne complète pas sans risque",
            };
            eprintln!(
                "erreur : {CONFIG_FILE} n'est pas modifié : {why}\n  aide : ajoutez-y vous-même ces lignes :\n{}",
                plan_lines(plan)
            );
            return Ok(false);
        }
    };
    if args.dry_run {
        eprintln!("{CONFIG_FILE} serait complété : {}\n{}", plan_summary(plan), plan_lines(plan));
        return Ok(true);
    }
    replace_edited(&root.join(CONFIG_FILE), text.as_bytes(), edited.as_bytes(), root)?;
    crate::note!("{CONFIG_FILE} complété : {}", plan_summary(plan));
    Ok(true)
}

/// Writes `text` at `relative` unless a file is there; `false` when one was.
fn write_new(root: &Path, relative: &str, text: &str, dry_run: bool) -> Result<bool> {
    if std::fs::symlink_metadata(root.join(relative)).is_ok() {
        return Ok(false);
    }
    if dry_run {
        println!("=== {relative}\n{}", clean(text));
        return Ok(true);
    }
    match create_new(&root.join(relative), text.as_bytes(), root) {
        Ok(()) => Ok(true),
        Err(_) if std::fs::symlink_metadata(root.join(relative)).is_ok() => Ok(false),
        Err(e) => Err(e),
    }
}

fn announce(sheet: &Sheet, source: &str) {
    let encoding = match sheet.encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::Windows1252 => "Windows-1252 (export Excel)",
    };
    let delimiter = match sheet.delimiter {
        b'\t' => "tabulation".to_string(),
        d => format!("`{}`", d as char),
    };
    crate::note!(
        "{} : encodage {encoding}, séparateur {delimiter}, en-têtes ligne {}",
        clean(source),
        sheet.header_line
    );
    let unmapped: Vec<&str> =
        sheet.columns.iter().filter(|(h, c)| c.is_none() && !h.is_empty()).map(|(h, _)| h.as_str()).collect();
    if !unmapped.is_empty() {
        crate::note!("colonnes non reconnues, recopiées dans le texte des fiches : {}", clean(&unmapped.join(", ")));
    }
}

pub fn run(repo: Option<&Path>, args: &ImportArgs) -> Result<Outcome> {
    let root = load::find_root(repo)?;
    let loaded = load::load(&root)?;
    let bytes = std::fs::read(&args.file).with_context(|| format!("impossible de lire `{}`", args.file.display()))?;
    let Some(sheet) = import::read(&bytes) else {
        bail!(
            "aucune ligne d'en-têtes de cadre logique dans `{}`\naide : il faut au moins trois colonnes reconnues, dont « Actions » (Objectifs stratégiques, Objectifs spécifiques, Actions, Description…)",
            args.file.display()
        );
    };
    let source = args.file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let shown = args.file.display().to_string();
    announce(&sheet, &source);
    for r in &sheet.refused {
        eprint!("{}", refusal(r, &shown, &sheet));
    }
    for n in &sheet.notes {
        eprint!("{}", note(n, &shown));
    }
    // A contract that cannot be read is reported by `clsm check`; the fiches are
    // still imported, and only the additions to it are given up.
    let config_text = read_text(&root.join(CONFIG_FILE), CONFIG_LIMIT).ok();
    let objectif = sheet.objectif_global.as_ref().map(|(_, o)| o.as_str());
    let plan = config_text.as_deref().and_then(|text| contract::plan(text, objectif, &sheet.axes).ok());

    let mut indicators = Indicators::new(&root, &loaded.repo);
    let (mut fiches, mut kept) = (Vec::new(), Vec::new());
    let mut seen = BTreeSet::new();
    for row in &sheet.rows {
        let mut id = import::action_id(row.numero.as_deref(), &row.titre);
        // Two rows without numbers may give the same id: number the later ones.
        let base = id.clone();
        let mut n = 2;
        while !seen.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        if std::fs::symlink_metadata(root.join(format!("fiches/actions/{id}.md"))).is_ok() {
            kept.push(format!("fiches/actions/{id}.md"));
            continue;
        }
        let renamed = |a: &String| plan.as_ref().and_then(|p| p.renamed.get(a)).unwrap_or(a).clone();
        let axe = row.axe.as_ref().map(renamed);
        fiches.push(ActionFiche { row, id, axe, indicateurs: indicators.of_row(row) });
    }

    let column = sheet.columns.iter().find(|(_, c)| *c == Some(Column::Indicateurs)).map_or("", |(h, _)| h.as_str());
    let kind = indicator_type(column);
    let mut created_indicators = 0;
    for new in &indicators.new {
        let relative = format!("fiches/indicateurs/{}.md", new.id);
        if write_new(&root, &relative, &new.text(&source, column, kind), args.dry_run)? {
            created_indicators += 1;
        } else {
            kept.push(relative);
        }
    }
    let mut created = 0;
    for fiche in &fiches {
        let relative = format!("fiches/actions/{}.md", fiche.id);
        if write_new(&root, &relative, &fiche.text(&source, &loaded.repo), args.dry_run)? {
            created += 1;
        } else {
            kept.push(relative);
        }
    }

    let (verb_one, verb_many) =
        if args.dry_run { ("serait créée", "seraient créées") } else { ("créée", "créées") };
    let actions = count(created, "fiche-action", "fiches-actions");
    let verb = if created > 1 { verb_many } else { verb_one };
    let mut summary = format!("{actions} {verb}");
    let (one, many) = if args.dry_run { ("serait créé", "seraient créés") } else { ("créé", "créés") };
    let _ = write!(
        summary,
        ", {} {}",
        count(created_indicators, "indicateur", "indicateurs"),
        if created_indicators > 1 { many } else { one }
    );
    if !indicators.reused.is_empty() {
        let _ = write!(summary, " ({} repris du dépôt)", count(indicators.reused.len(), "indicateur", "indicateurs"));
    }
    crate::note!("{summary}");
    for path in &kept {
        crate::note!("conservée : {path} existe déjà et n'est pas remplacée");
    }
    let contract_done = match (&plan, &config_text) {
        (Some(plan), Some(text)) => update_contract(&root, text, plan, args)?,
        _ => {
            eprintln!(
                "{CONFIG_FILE} a des erreurs (`clsm check` les détaille) : ses axes n'ont pas été comparés au tableau"
            );
            !args.contrat
        }
    };
    if !sheet.refused.is_empty() {
        let lines: Vec<String> = sheet.refused.iter().map(|r| r.line.to_string()).collect();
        let n = sheet.refused.len();
        eprintln!(
            "{} ({}) : corrigez{} dans le tableau, puis relancez `clsm import` : les fiches déjà créées sont conservées, les autres seront ajoutées",
            count(n, "ligne refusée", "lignes refusées"),
            if n > 1 { format!("lignes {}", lines.join(", ")) } else { format!("ligne {}", lines.join(", ")) },
            if n > 1 { "-les" } else { "-la" },
        );
    }
    if !args.dry_run && created > 0 {
        crate::note!("prochaine étape : `clsm check`, puis complétez les fiches");
    }
    Ok(if sheet.refused.is_empty() && contract_done { Outcome::Clean } else { Outcome::Problems })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusals(csv: &str) -> Vec<String> {
        let sheet = import::read(csv.as_bytes()).unwrap();
        sheet.refused.iter().map(|r| refusal(r, "cadre.csv", &sheet)).collect()
    }

    #[test]
    fn says_how_to_put_back_cells_shifted_left_or_scattered() {
        let header = "Objectifs stratégiques;Objectifs spécifiques;Actions;Description\n";
        let left = refusals(&format!("{header}Objectif spécifique 1.1 Informer;Action 1.1.1 Ateliers;Texte\n"));
        assert_eq!(
            left,
            ["erreur : cadre.csv, ligne 2 : ligne refusée, ses cellules sont décalées d'une colonne vers la gauche\n\
              \x20 colonne A « Objectifs stratégiques » : un objectif spécifique (« Objectif spécifique 1.1 Informer »)\n\
              \x20 colonne B « Objectifs spécifiques » : une action (« Action 1.1.1 Ateliers »)\n\
              \x20 aide : décalez les cellules de la ligne 2 d'une colonne vers la droite : dans le tableur, insérez une cellule vide en A2 avec « Décaler les cellules vers la droite », enregistrez, puis relancez `clsm import` ; d'ici là, rien n'est importé de cette ligne\n"]
        );
        let two =
            refusals(&format!("{header};;;;Action 1.1.1 Ateliers\n").replace("Description", "Description;Public"));
        assert_eq!(two.len(), 1);
        assert!(
            two[0].contains("ligne refusée, ses cellules sont décalées de 2 colonnes vers la droite\n")
                && two[0].contains("  colonne E « Public » : une action (« Action 1.1.1 Ateliers »)\n")
                && two[0].contains("décalez les cellules de la ligne 2 de 2 colonnes vers la gauche : dans le tableur, supprimez les cellules vides C2:D2 avec"),
            "{}",
            two[0]
        );
        let scattered = refusals(&format!("{header}1. Prévenir;;Former;Action 1.1.1 Ateliers\n"));
        assert_eq!(
            scattered,
            ["erreur : cadre.csv, ligne 2 : ligne refusée, des cellules ne sont pas dans leur colonne\n\
              \x20 colonne D « Description » : une action (« Action 1.1.1 Ateliers »), à mettre en colonne C « Actions »\n\
              \x20 aide : dans le tableur, mettez chaque cellule dans sa colonne (D2 vers C2), enregistrez, puis relancez `clsm import` ; d'ici là, rien n'est importé de cette ligne\n"]
        );
    }
}
