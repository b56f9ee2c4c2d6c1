//! `clsm collecte`: the annual evaluation round. `--annee N` writes one workbook per
//! porteur; `--importer FILES…` brings the returned values into the fiches,
//! editing them in place, and only when the repository still passes `check`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::cli::{CollecteArgs, WorkbookFormat};
use crate::cmd::{Outcome, load_checked, today};
use crate::collecte::import::{self, Entry, Located, Problem, Target};
use crate::collecte::{edit, form, plan, read, workbook};
use crate::diag::Severity;
use crate::files::write::{create_output, replace_edited};
use crate::format::count;
use crate::history::{self, Snapshot};
use crate::load::{self, Loaded};
use crate::model::PartialDate;

/// Writes the workbooks of a round, or imports the returned ones.
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
    let format = args.format.unwrap_or(WorkbookFormat::Xlsx);
    let out = args.out.clone().unwrap_or_else(|| checked.root.join(format!("collecte-{annee}")));
    if std::fs::symlink_metadata(&out).is_ok_and(|m| !m.is_dir()) {
        bail!(
            "`{}` n'est pas un dossier\naide : `--out` nomme le dossier où écrire les classeurs, par exemple `--out collecte-{annee}`",
            out.display()
        );
    }
    let mut books: Vec<(PathBuf, Vec<u8>, form::Prepared)> = Vec::new();
    for (ix, partner) in checked.repo.partenaires_indexed() {
        let Some(prepared) = form::workbook(&checked.repo, ix, annee, &retour) else { continue };
        let (bytes, extension) = match format {
            WorkbookFormat::Xlsx => (workbook::to_xlsx(&prepared.book)?, "xlsx"),
            WorkbookFormat::Ods => (workbook::to_ods(&prepared.book)?, "ods"),
        };
        books.push((out.join(format!("{}.{extension}", partner.id)), bytes, prepared));
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
    for (path, bytes, prepared) in &books {
        create_output(path, bytes, &checked.root)?;
        let (actions, indicators) = (prepared.actions as f64, prepared.indicators as f64);
        crate::note!(
            "{} : {}, {}",
            path.display(),
            count(actions, "action", "actions"),
            count(indicators, "indicateur", "indicateurs")
        );
    }
    crate::note!(
        "{} pour {annee} dans {} : envoyez à chaque porteur le sien, à renvoyer avant le {retour}",
        count(books.len() as f64, "classeur", "classeurs"),
        out.display()
    );
    Ok(Outcome::Clean)
}

/// Prints a problem of a workbook as `check` prints a diagnostic, each line on one
/// line whatever the cells hold.
fn print_problem(p: &Problem) {
    let line = crate::terminal::one_line;
    eprintln!("erreur : {}", line(&p.message));
    eprintln!("  --> {}", line(&p.at.to_string()));
    if let Some(help) = &p.help {
        eprintln!("  aide : {}", line(help));
    }
}

/// What the returned workbooks say, once read and checked against each other.
struct Collected {
    entries: Vec<Entry>,
    /// The year of each workbook read, with its file.
    years: Vec<(i32, String)>,
    problems: usize,
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
    // The import plans its edits on the records as they were read: the checked
    // repository is made from a copy.
    let Some(checked) = crate::check::proven(loaded.repo.clone(), &diagnostics) else {
        bail!("erreur interne : le dépôt vérifié sans erreur est incomplet");
    };
    let collected = collect(args, &checked);
    let outcome = if collected.problems > 0 { Outcome::Problems } else { Outcome::Clean };
    let mut years: Vec<i32> = collected.years.iter().map(|(y, _)| *y).collect();
    years.sort_unstable();
    years.dedup();
    let annee = match years.as_slice() {
        [] if collected.problems > 0 => {
            eprintln!("rien n'est importé");
            return Ok(outcome);
        }
        [] => {
            println!("aucune valeur à importer");
            return Ok(outcome);
        }
        [one] => *one,
        _ => {
            let each: Vec<String> = collected.years.iter().map(|(y, file)| format!("{file} : {y}")).collect();
            bail!(
                "ces classeurs viennent de collectes de plusieurs années ({})\naide : importez-les année par année, avec `--annee`",
                each.join(", ")
            );
        }
    };
    let plan = plan::plan(&collected.entries, &loaded.repo, annee);
    let Some((edited, failed)) = edit_fiches(&snapshot, &plan, args.partiel) else { return Ok(Outcome::Problems) };
    let outcome = if failed { Outcome::Problems } else { outcome };
    if edited.is_empty() {
        if collected.problems > 0 || failed {
            eprintln!("rien n'est importé");
        } else {
            if collected.entries.is_empty() {
                println!(
                    "aucune valeur nouvelle à importer : ces classeurs n'ont pas de cellule remplie qui change une fiche"
                );
            } else {
                println!("aucune valeur nouvelle à importer : les fiches ont déjà tout ce que disent les classeurs");
            }
        }
        return Ok(outcome);
    }
    let fiches: BTreeMap<String, Vec<u8>> =
        snapshot.fiches.iter().cloned().chain(edited.iter().map(|e| (e.file.clone(), e.after.clone()))).collect();
    let after: Vec<(String, Vec<u8>)> = fiches.into_iter().collect();
    let new = load::load_from_memory(&snapshot.config, &after);
    let found = crate::check::check(&new, day);
    if found.iter().any(|d| d.severity == Severity::Error) {
        let color = crate::cmd::color(std::io::stderr().is_terminal());
        eprint!("{}", crate::check::render(crate::check::Format::Texte, found, &new, None, color));
        eprintln!(
            "rien n'est importé : avec ces valeurs, le dépôt ne passerait plus `clsm check` (les lignes citées sont celles des fiches après l'import)"
        );
        return Ok(Outcome::Problems);
    }
    if args.essai {
        show_changes(&loaded, &new)?;
    } else {
        write_fiches(&root, &edited)?;
    }
    // A statut that leaves the pistes may call for indicators: said, as `check` would.
    let (before, after) = (diagnostics.len(), found.len());
    if after > before {
        crate::note!(
            "{} de plus après l'import : `clsm check` {}",
            count((after - before) as f64, "avertissement", "avertissements"),
            if after - before > 1 { "les détaille" } else { "le détaille" }
        );
    }
    if args.partiel && collected.problems > 0 {
        eprintln!("les lignes en erreur ci-dessus ne sont pas importées");
    }
    Ok(outcome)
}

/// Reads every workbook: its entries, unless it has a problem (or all but its rows
/// with a problem, with `--partiel`). Two workbooks that give different values for
/// the same line both have a problem: neither value is written.
fn collect(args: &CollecteArgs, repo: &crate::model::checked::Repository) -> Collected {
    let mut collected = Collected { entries: Vec::new(), years: Vec::new(), problems: 0 };
    let mut read_books: Vec<(String, import::Parsed)> = Vec::new();
    for path in workbooks(&args.importer, &mut collected.problems) {
        let path = &path;
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        match read::read(path) {
            Ok(grids) => {
                let parsed = import::parse(&name, &grids, repo, args.annee);
                read_books.push((name, parsed));
            }
            Err(e) => {
                eprintln!("erreur : {} : {e:#}", crate::terminal::clean(&name));
                collected.problems += 1;
            }
        }
    }
    let mut by_target: HashMap<&Target, Vec<&Entry>> = HashMap::new();
    for entry in read_books.iter().flat_map(|(_, p)| &p.entries) {
        by_target.entry(&entry.target).or_default().push(entry);
    }
    // Each conflict is said at the cell that differs, in both workbooks.
    let conflicts: Vec<(Located, Problem)> = read_books
        .iter()
        .flat_map(|(_, p)| &p.entries)
        .filter_map(|e| {
            let other = by_target.get(&e.target)?.iter().find(|o| o.fill != e.fill)?;
            let header = e.fill.differs(&other.fill)?;
            let problem = Problem {
                message: format!("valeur différente de celle de {}, pour la même ligne", other.cell(header)),
                at: e.cell(header).clone(),
                help: Some("gardez une seule des deux valeurs, dans un seul des classeurs".into()),
            };
            Some((e.at.clone(), problem))
        })
        .collect();
    let mut written: HashSet<Target> = HashSet::new();
    for (name, parsed) in read_books {
        let mut problems = parsed.problems;
        let conflicting = |e: &Entry| conflicts.iter().any(|(at, _)| *at == e.at);
        problems.extend(conflicts.iter().filter(|(at, _)| at.file == name).map(|(_, p)| p.clone()));
        report(&problems);
        collected.problems += problems.len();
        let others = parsed.entries.iter().filter(|e| !conflicting(e)).count();
        if !problems.is_empty() && !args.partiel {
            let hint = match others {
                0 => String::new(),
                1 => " ; `--partiel` importerait son autre ligne, sans erreur".to_string(),
                n => format!(" ; `--partiel` importerait ses {n} autres lignes, sans erreur"),
            };
            eprintln!(
                "{name} : rien n'est importé de ce classeur ({}){hint}",
                count(problems.len() as f64, "erreur", "erreurs")
            );
            continue;
        }
        if let Some(round) = parsed.round {
            collected.years.push((round.annee, name));
        }
        for entry in parsed.entries.into_iter().filter(|e| !conflicting(e)) {
            // The same value twice (a workbook sent twice) is written once.
            if written.insert(entry.target.clone()) {
                collected.entries.push(entry);
            }
        }
    }
    collected
}

/// The files named on the command line, each folder giving its workbooks
/// (`.xlsx`, `.ods`, `.csv`, in name order; neither links nor hidden files).
fn workbooks(named: &[PathBuf], problems: &mut usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in named {
        if !std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
            out.push(path.clone());
            continue;
        }
        let Ok(entries) = std::fs::read_dir(path) else {
            eprintln!("erreur : {} : dossier illisible", path.display());
            *problems += 1;
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .filter(|p| {
                let extension = p.extension().map(|e| e.to_string_lossy().to_lowercase());
                matches!(extension.as_deref(), Some("xlsx" | "ods" | "csv"))
            })
            .collect();
        if found.is_empty() {
            eprintln!("erreur : {} : aucun classeur (.xlsx, .ods ou .csv) dans ce dossier", path.display());
            *problems += 1;
        }
        found.sort();
        out.extend(found);
    }
    out
}

/// The most problems of one workbook printed: beyond, they are counted.
const SHOWN_PROBLEMS: usize = 50;

fn report(problems: &[Problem]) {
    problems.iter().take(SHOWN_PROBLEMS).for_each(print_problem);
    if problems.len() > SHOWN_PROBLEMS {
        eprintln!("… et {} de plus", count((problems.len() - SHOWN_PROBLEMS) as f64, "erreur", "erreurs"));
    }
}

/// A fiche as it was and as the import leaves it.
struct Edited {
    file: String,
    before: Vec<u8>,
    after: Vec<u8>,
    /// What was added, in words.
    summary: Vec<String>,
}

/// The fiches as the plan leaves them, each change made on its own. A change that
/// cannot be made without touching the fiche's other lines is a problem at the
/// cell it comes from: with `--partiel` it is left out, otherwise nothing is
/// imported (`None`).
fn edit_fiches(
    snapshot: &Snapshot,
    plan: &BTreeMap<String, plan::FicheChanges>,
    partiel: bool,
) -> Option<(Vec<Edited>, bool)> {
    let mut edited = Vec::new();
    let mut failed = false;
    for (file, changes) in plan {
        let Some((_, before)) = snapshot.fiches.iter().find(|(f, _)| f == file) else { continue };
        let mut current = before.clone();
        let mut summary = Vec::new();
        for (change, at, what) in &changes.changes {
            match edit::apply(&current, std::slice::from_ref(change)) {
                Ok(after) => {
                    current = after;
                    summary.push(what.clone());
                }
                Err(e) => {
                    print_problem(&Problem {
                        message: format!("`{file}` : {e}"),
                        at: at.clone(),
                        help: Some(format!("reportez-la à la main ({what}) : {}", change.by_hand())),
                    });
                    failed = true;
                }
            }
        }
        if current != *before {
            edited.push(Edited { file: file.clone(), before: before.clone(), after: current, summary });
        }
    }
    if failed && !partiel {
        eprintln!("rien n'est importé ; `--partiel` importerait les autres valeurs");
        return None;
    }
    Some((edited, failed))
}

/// What the import would change, as `clsm diff` says it.
fn show_changes(old: &Loaded, new: &Loaded) -> Result<()> {
    let changes = crate::views::changes::compare(&old.repo, &new.repo, false);
    crate::cmd::print(crate::render::changes::to_text(&changes).as_bytes())?;
    eprintln!("essai : aucune fiche n'est modifiée");
    Ok(())
}

/// Writes the edited fiches, once every one is checked to be still as it was read.
fn write_fiches(root: &Path, edited: &[Edited]) -> Result<()> {
    for Edited { file, before, .. } in edited {
        let limit = u64::try_from(before.len()).unwrap_or(u64::MAX).saturating_add(1);
        if crate::files::read_regular(&root.join(file), limit).ok().as_ref() != Some(before) {
            bail!("`{file}` a changé pendant l'import : aucune fiche n'est modifiée\naide : relancez la commande");
        }
    }
    for Edited { file, before, after, summary } in edited {
        replace_edited(&root.join(file), before, after, root)?;
        crate::note!("{file} : {}", summary.join(", "));
    }
    crate::note!("{} à jour : relisez avec `clsm diff`", count(edited.len() as f64, "fiche mise", "fiches mises"));
    Ok(())
}
