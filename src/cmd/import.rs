//! `clsm import`: fiches-actions from a cadre-logique spreadsheet, never overwriting.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::cli::ImportArgs;
use crate::cmd::Outcome;
use crate::files::write::create_new;
use crate::import::{self, Column, Encoding, Row};
use crate::load;
use crate::model::Repository;
use crate::terminal::clean;

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// The fiche written for one row, and the axis it refers to.
fn fiche(row: &Row, source: &str, repo: &Repository) -> (String, String, Option<String>) {
    let cell = |c: Column| row.cells.get(&c).map(String::as_str);
    let (numero, titre) = import::split_number(cell(Column::Action).unwrap_or_default());
    let id = import::action_id(numero.as_deref(), &titre);
    let strategic = cell(Column::ObjectifStrategique).map(import::split_number);
    let specific = cell(Column::ObjectifSpecifique).map(import::split_number);
    let axe = strategic.as_ref().and_then(|(n, _)| n.clone());
    let mut y = String::from("---\n");
    // The file's name goes into a YAML comment: on one line, or it would add keys.
    let _ = writeln!(y, "# Importée de {}, ligne {}.", crate::terminal::one_line(source), row.line);
    if let Some(n) = &numero {
        let _ = writeln!(y, "numero: {}", quoted(n));
    }
    let _ = writeln!(y, "titre: {}", quoted(&titre));
    match &axe {
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
    let keys = [
        ("objectif_strategique", strategic.map(|(_, t)| t)),
        ("objectif_specifique", specific.map(|(_, t)| t)),
        ("prerequis", cell(Column::Prerequis).map(str::to_string)),
        ("public_precision", cell(Column::Public).map(str::to_string)),
        ("dispositifs_existants", cell(Column::Dispositifs).map(str::to_string)),
        ("resultats_attendus", cell(Column::Resultats).map(str::to_string)),
        ("moyens_mobilisables", cell(Column::MoyensMobilisables).map(str::to_string)),
        ("moyens_a_rechercher", cell(Column::MoyensARechercher).map(str::to_string)),
    ];
    for (key, value) in keys {
        if let Some(v) = value {
            let _ = writeln!(y, "{key}: {}", quoted(&v));
        }
    }
    y.push_str("---\n");
    let sections = [
        ("Description", cell(Column::Description)),
        ("Indicateurs de résultat (à créer dans fiches/indicateurs/)", cell(Column::Indicateurs)),
        ("Sources de vérification", cell(Column::Sources)),
    ];
    for (title, text) in sections {
        if let Some(text) = text {
            let _ = write!(y, "\n## {title}\n\n{}\n", cell_as_markdown(text));
        }
    }
    if !row.unmapped.is_empty() {
        y.push_str("\n## Colonnes non reprises\n\n");
        for (header, value) in &row.unmapped {
            let _ = writeln!(y, "- **{}** : {}", cell_as_markdown(header), cell_as_markdown(value));
        }
    }
    (id, y, axe)
}

/// A spreadsheet cell as the Markdown body of a fiche: `*` starts items in these
/// sheets, not emphasis, and raw HTML stays text.
fn cell_as_markdown(text: &str) -> String {
    text.replace('\\', "\\\\").replace('*', "\\*").replace('<', "&lt;").replace('_', "\\_")
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
    let encoding = match sheet.encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::Windows1252 => "Windows-1252 (export Excel)",
    };
    let delimiter = match sheet.delimiter {
        b'\t' => "tabulation".to_string(),
        d => format!("`{}`", d as char),
    };
    eprintln!("{} : encodage {encoding}, séparateur {delimiter}, en-têtes ligne {}", clean(&source), sheet.header_line);
    let unmapped: Vec<&str> =
        sheet.columns.iter().filter(|(h, c)| c.is_none() && !h.is_empty()).map(|(h, _)| h.as_str()).collect();
    if !unmapped.is_empty() {
        eprintln!("colonnes non reconnues, recopiées dans le texte des fiches : {}", clean(&unmapped.join(", ")));
    }
    let known_axes: BTreeSet<&str> = loaded.repo.config.axes.iter().flatten().filter_map(|a| a.id.as_deref()).collect();
    let mut missing_axes = BTreeSet::new();
    let (mut created, mut kept) = (Vec::new(), Vec::new());
    let mut seen = BTreeSet::new();
    for row in &sheet.rows {
        let (mut id, text, axe) = fiche(row, &source, &loaded.repo);
        // Two rows without numbers may give the same id: number the later ones.
        let base = id.clone();
        let mut n = 2;
        while !seen.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        if let Some(a) = axe.filter(|a| !known_axes.contains(a.as_str())) {
            missing_axes.insert(a);
        }
        let relative = format!("fiches/actions/{id}.md");
        // A row shifted by one column (an empty first cell too many) puts an objective
        // where the action should be: the fiche is still written, for a person to fix.
        let action = row.cells.get(&Column::Action).map(|a| import::normalize(a)).unwrap_or_default();
        if action.starts_with("objectif") {
            eprintln!(
                "ligne {} : la colonne « Actions » contient un objectif (« {} ») : la ligne semble décalée d'une colonne ; vérifiez {relative}",
                row.line,
                clean(row.cells.get(&Column::Action).map(String::as_str).unwrap_or_default())
            );
        }
        if std::fs::symlink_metadata(root.join(&relative)).is_ok() {
            kept.push(relative);
            continue;
        }
        if args.dry_run {
            println!("=== {relative}\n{}", clean(&text));
            created.push(relative);
            continue;
        }
        match create_new(&root.join(&relative), text.as_bytes(), &root) {
            Ok(()) => created.push(relative),
            Err(_) if std::fs::symlink_metadata(root.join(&relative)).is_ok() => kept.push(relative),
            Err(e) => return Err(e),
        }
    }
    let verb = if args.dry_run { "seraient créées" } else { "créées" };
    eprintln!("{} fiches-actions {verb}", created.len());
    for path in &kept {
        eprintln!("conservée : {path} existe déjà et n'est pas remplacée");
    }
    if !missing_axes.is_empty() {
        let list: Vec<&str> = missing_axes.iter().map(String::as_str).collect();
        eprintln!("axes à déclarer dans clsm.toml ([[axes]]) : {}", clean(&list.join(", ")));
    }
    if !args.dry_run && !created.is_empty() {
        eprintln!("prochaine étape : `clsm check`, puis complétez les fiches");
    }
    Ok(Outcome::Clean)
}
