//! `clsm collecte`: the annual evaluation round. `--annee N` writes one workbook per
//! porteur; `--importer FILES…` brings the returned values into the fiches,
//! editing them in place, and only when the repository still passes `check`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Result, bail};

use crate::cli::{Classeur, CollecteArgs};
use crate::cmd::{Outcome, load_checked, today};
use crate::collecte::edit;
use crate::collecte::form;
use crate::collecte::import::{self, Entry, Problem};
use crate::collecte::read;
use crate::collecte::workbook;
use crate::diag::Severity;
use crate::files::write::{create_output, replace_edited};
use crate::history;
use crate::load;
use crate::model::PartialDate;

pub fn run(repo: Option<&Path>, args: &CollecteArgs) -> Result<Outcome> {
    if args.importer.is_empty() { generate(repo, args) } else { import(repo, args) }
}

/// The return date written in the workbooks: `--retour`, or 31 January after the year.
fn return_date(args: &CollecteArgs, annee: i32) -> Result<String> {
    let date = match &args.retour {
        Some(text) => PartialDate::parse(text)
            .map_err(|_| anyhow::anyhow!("date de retour illisible `{text}`\naide : écrivez-la `2026-01-31`"))?,
        None => PartialDate { year: annee + 1, month: Some(1), day: Some(31) },
    };
    Ok(crate::format::date(&date))
}

fn generate(repo: Option<&Path>, args: &CollecteArgs) -> Result<Outcome> {
    let Some(annee) = args.annee else {
        bail!(
            "précisez l'année évaluée : `clsm collecte --annee 2025`\naide : pour importer les classeurs renvoyés, `clsm collecte --importer FICHIERS…`"
        );
    };
    let retour = return_date(args, annee)?;
    let Some(checked) = load_checked(repo, today())? else { return Ok(Outcome::Problems) };
    let repo = &checked.repo;
    let extension = match args.format {
        Classeur::Xlsx => "xlsx",
        Classeur::Ods => "ods",
    };
    let out = args.out.clone().unwrap_or_else(|| checked.root.join(format!("collecte-{annee}")));
    if std::fs::symlink_metadata(&out).is_ok_and(|m| !m.is_dir()) {
        bail!(
            "`{}` n'est pas un dossier\naide : `--out` nomme le dossier où écrire les classeurs, par exemple `--out collecte-{annee}`",
            out.display()
        );
    }
    let mut books = Vec::new();
    for (ix, partner) in repo.partenaires_indexed() {
        let actions = form::actions_of(repo, ix, annee);
        if actions.is_empty() {
            continue;
        }
        let indicators = form::indicators_of(repo, &actions);
        let book = form::workbook(repo, ix, annee, &retour);
        let bytes = match args.format {
            Classeur::Xlsx => workbook::to_xlsx(&book)?,
            Classeur::Ods => workbook::to_ods(&book)?,
        };
        let path = out.join(format!("{}.{extension}", partner.id));
        books.push((path, bytes, actions.len(), indicators.len()));
    }
    if books.is_empty() {
        bail!(
            "aucune action à évaluer pour {annee} : aucune fiche n'a de porteur dont l'action était ouverte cette année-là"
        );
    }
    let existing: Vec<String> = books
        .iter()
        .filter(|(p, ..)| std::fs::symlink_metadata(p).is_ok())
        .map(|(p, ..)| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "{} existe déjà : les classeurs d'une collecte ne sont jamais remplacés\naide : choisissez un autre dossier (`--out`), ou supprimez les anciens classeurs s'ils n'ont pas été envoyés",
            existing.join(", ")
        );
    }
    for (path, bytes, actions, indicators) in &books {
        create_output(path, bytes, &checked.root)?;
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n > 1 { "s" } else { "" });
        crate::note!("{} : {}, {}", path.display(), plural(*actions, "action"), plural(*indicators, "indicateur"));
    }
    crate::note!(
        "{} classeur{} pour {annee} dans {} : envoyez à chaque porteur le sien, à renvoyer avant le {retour}",
        books.len(),
        if books.len() > 1 { "s" } else { "" },
        out.display()
    );
    Ok(Outcome::Clean)
}

/// Prints a problem of a workbook as `check` prints a diagnostic.
fn print_problem(p: &Problem) {
    let clean = crate::terminal::clean;
    eprintln!("erreur : {}", clean(&p.message));
    eprintln!("  --> {}", clean(&p.at.to_string()));
    if let Some(help) = &p.help {
        eprintln!("  aide : {}", clean(help));
    }
}

fn import(repo: Option<&Path>, args: &CollecteArgs) -> Result<Outcome> {
    let day = today();
    let root = load::find_root(repo)?;
    let snapshot = history::working_tree(&root)?;
    let loaded = snapshot.load();
    let diagnostics = crate::check::check(&loaded, day);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        let color = crate::cmd::color(std::io::stderr().is_terminal());
        eprint!("{}", crate::check::render(crate::check::Format::Texte, diagnostics, &loaded, None, color));
        eprintln!("rien n'est importé : corrigez d'abord les erreurs ci-dessus (`clsm check`)");
        return Ok(Outcome::Problems);
    }
    let Some(checked) = crate::check::proven(&loaded, &diagnostics) else {
        bail!("erreur interne : le dépôt vérifié sans erreur est incomplet");
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut problems = 0usize;
    let mut years: Vec<i32> = Vec::new();
    for path in &args.importer {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let grids = match read::read(path) {
            Ok(grids) => grids,
            Err(e) => {
                eprintln!("erreur : {name} : {e:#}");
                problems += 1;
                continue;
            }
        };
        let parsed = import::parse(&name, &grids, &checked, args.annee);
        let mut kept = parsed.entries;
        // One value for each thing to fill, whichever workbook gives it.
        let mut conflicts = Vec::new();
        kept.retain(|e| match same_target(e, &entries) {
            None => true,
            Some(Ok(())) => false,
            Some(Err(other)) => {
                conflicts.push(Problem {
                    at: e.at().clone(),
                    message: format!("valeur différente de celle de {other}, pour la même ligne"),
                    help: Some("gardez une seule valeur : videz l'une des deux cellules".into()),
                });
                false
            }
        });
        let all: Vec<&Problem> = parsed.problems.iter().chain(&conflicts).collect();
        for p in &all {
            print_problem(p);
        }
        problems += all.len();
        if !all.is_empty() && !args.partiel {
            eprintln!(
                "{name} : rien n'est importé de ce classeur ({} erreur{}) ; `--partiel` importerait ses autres lignes",
                all.len(),
                if all.len() > 1 { "s" } else { "" }
            );
            continue;
        }
        if let Some(round) = parsed.round {
            years.push(round.annee);
        }
        entries.extend(kept);
    }
    years.sort_unstable();
    years.dedup();
    let annee = match years.as_slice() {
        [] if problems > 0 => {
            eprintln!("rien n'est importé");
            return Ok(Outcome::Problems);
        }
        [] => {
            println!("aucune valeur nouvelle à importer");
            return Ok(Outcome::Clean);
        }
        [one] => *one,
        _ => {
            bail!("ces classeurs viennent de collectes de plusieurs années : importez-les année par année (`--annee`)")
        }
    };
    let plan = import::plan(&entries, &loaded.repo, annee);
    let mut fiches: BTreeMap<String, Vec<u8>> = snapshot.fiches.iter().cloned().collect();
    let mut edited: Vec<Edited> = Vec::new();
    for (file, changes) in &plan {
        let Some(before) = fiches.get(file).cloned() else { continue };
        match edit::apply(&before, &changes.changes) {
            Ok(after) if after != before => {
                fiches.insert(file.clone(), after.clone());
                edited.push(Edited { file: file.clone(), before, after, summary: changes.summary.clone() });
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("erreur : {file} : {e}");
                eprintln!("  aide : ajoutez ces valeurs à la main : {}", changes.summary.join(", "));
                eprintln!("rien n'est importé");
                return Ok(Outcome::Problems);
            }
        }
    }
    if edited.is_empty() && problems > 0 {
        eprintln!("rien n'est importé");
        return Ok(Outcome::Problems);
    }
    if edited.is_empty() {
        println!("aucune valeur nouvelle à importer : les fiches ont déjà tout ce que disent les classeurs");
        return Ok(Outcome::Clean);
    }
    let after: Vec<(String, Vec<u8>)> = fiches.into_iter().collect();
    let new = load::load_from_memory(&snapshot.config, &after);
    let found = crate::check::check(&new, day);
    if found.iter().any(|d| d.severity == Severity::Error) {
        let color = crate::cmd::color(std::io::stderr().is_terminal());
        eprint!("{}", crate::check::render(crate::check::Format::Texte, found, &new, None, color));
        eprintln!("rien n'est importé : avec ces valeurs, le dépôt ne passerait plus `clsm check`");
        return Ok(Outcome::Problems);
    }
    if args.essai {
        let changes = crate::views::changes::compare(&loaded.repo, &new.repo, false);
        crate::cmd::print(crate::render::changes::to_text(&changes).as_bytes())?;
        eprintln!("essai : aucune fiche n'est modifiée");
    } else {
        // Every fiche is still as it was read, or none is written.
        for Edited { file, before, .. } in &edited {
            let limit = u64::try_from(before.len()).unwrap_or(u64::MAX).saturating_add(1);
            if crate::files::read_regular(&root.join(file), limit).ok().as_ref() != Some(before) {
                bail!("`{file}` a changé pendant l'import : aucune fiche n'est modifiée\naide : relancez la commande");
            }
        }
        for Edited { file, before, after, summary } in &edited {
            replace_edited(&root.join(file), before, after, &root)?;
            crate::note!("{file} : {}", summary.join(", "));
        }
        crate::note!(
            "{} fiche{} mise{} à jour : relisez avec `clsm diff`",
            edited.len(),
            if edited.len() > 1 { "s" } else { "" },
            if edited.len() > 1 { "s" } else { "" }
        );
    }
    Ok(if problems > 0 { Outcome::Problems } else { Outcome::Clean })
}

/// A fiche as it was and as the import leaves it.
struct Edited {
    file: String,
    before: Vec<u8>,
    after: Vec<u8>,
    /// What was added, in words.
    summary: Vec<String>,
}

/// Whether `entries` already has a value for what `entry` fills (the same
/// indicator and period, the same action's year, the same objective): `Ok` when it
/// is the same value, `Err` naming its cell when it differs.
fn same_target(entry: &Entry, entries: &[Entry]) -> Option<Result<(), String>> {
    let target = |e: &Entry| match e {
        Entry::Measure { indicator, date, .. } => format!("m {indicator} {date}"),
        Entry::Progress { action, .. } => format!("p {action}"),
        Entry::Objective { action, index, .. } => format!("o {action} {index}"),
    };
    let other = entries.iter().find(|e| target(e) == target(entry))?;
    let value = |e: &Entry| match e {
        Entry::Measure {
            at: _,
            indicator,
            date,
            valeur,
            numerateur,
            denominateur,
            ventilation,
            commentaire,
            source,
        } => {
            format!("{indicator}{date}{valeur:?}{numerateur:?}{denominateur:?}{ventilation:?}{commentaire:?}{source:?}")
        }
        Entry::Progress { at: _, action, texte, participants, statut } => {
            format!("{action}{texte}{participants:?}{statut:?}")
        }
        Entry::Objective { at: _, action, index, statut } => format!("{action}{index}{statut}"),
    };
    Some(if value(entry) == value(other) { Ok(()) } else { Err(other.at().to_string()) })
}
