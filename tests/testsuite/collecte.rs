//! `clsm collecte`: workbooks written for each porteur, filled in here as a partner
//! would (cells written with rust_xlsxwriter, or re-saved by LibreOffice), then
//! imported back into the fiches of a copy of the example contract.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};

use crate::{clsm, files, may_skip_without, project_root, temp_dir};

/// A copy of `examples/cls-exemple` in a new folder.
fn example(test: &str) -> PathBuf {
    let repo = temp_dir(test).join("repo");
    for (rel, bytes) in files(&project_root().join("examples/cls-exemple")) {
        let path = repo.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("folder");
        std::fs::write(path, bytes).expect("file");
    }
    repo
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Imports `book` into `repo`, with `extra` options.
fn import(repo: &Path, book: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["collecte", "--importer", book.to_str().expect("a path")];
    args.extend(extra);
    clsm(&args, repo)
}

/// Replaces, once, `from` by `to` in the file `rel` of `repo`.
fn rewrite(repo: &Path, rel: &str, from: &str, to: &str) {
    let path = repo.join(rel);
    let text = std::fs::read_to_string(&path).expect("a fiche");
    assert!(text.contains(from), "{rel}: `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("the fiche written");
}

/// Writes the 2026 workbooks of `repo` (format `format`) and returns unafam-57's.
fn generate(repo: &Path, format: &str) -> PathBuf {
    let out = clsm(&["collecte", "--annee", "2026", "--format", format], repo);
    assert!(out.status.success(), "{}", stderr(&out));
    let book = repo.join(format!("collecte-2026/unafam-57.{format}"));
    assert!(book.is_file(), "{}", stderr(&out));
    book
}

/// A value a partner types.
#[derive(Clone, Copy)]
enum Typed<'a> {
    Text(&'a str),
    Number(f64),
    /// A number shown as a percentage: `45 %` is 0.45.
    Percent(f64),
    /// A date (year, month, day), as a spreadsheet makes of `12/3`.
    Date(u16, u8, u8),
}

/// One cell to fill: the sheet, the row's key (hidden column A), the column's
/// header, and the value.
type Fill<'a> = (&'a str, &'a str, &'a str, Typed<'a>);

/// Every sheet of a workbook, as calamine reads it.
fn sheets(book: &Path) -> Vec<(String, calamine::Range<Data>)> {
    let mut wb = calamine::open_workbook_auto(book).expect("a workbook calamine reads");
    let names = wb.sheet_names();
    names.into_iter().map(|n| (n.clone(), wb.worksheet_range(&n).expect("a sheet"))).collect()
}

/// The workbook `book` with `fills` typed into it, saved as a new xlsx at `out`:
/// every cell of the original copied, then the filled ones written over.
fn fill(book: &Path, fills: &[Fill], out: &Path) {
    fill_then(book, fills, out, |_| {});
}

/// [`fill`], then `more` done to the new workbook before it is saved.
fn fill_then(book: &Path, fills: &[Fill], out: &Path, more: impl FnOnce(&mut rust_xlsxwriter::Workbook)) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheets = sheets(book);
    for (name, range) in &sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(name).expect("sheet name");
        copy_sheet(ws, range);
        for (_, key, header, value) in fills.iter().filter(|f| f.0 == name) {
            let row = (0..range.height())
                .find(|r| {
                    range.get((*r, 0)).is_some_and(|d| matches!(d, Data::String(s) if s == key || objective_of(s, key)))
                })
                .unwrap_or_else(|| panic!("no row `{key}` in {name}"));
            let col = (0..range.width())
                .find(|c| {
                    if *header == "clé" {
                        *c == 0
                    } else {
                        range.get((0, *c)).is_some_and(|d| matches!(d, Data::String(s) if s == header))
                    }
                })
                .unwrap_or_else(|| panic!("no column `{header}` in {name}"));
            let (r, c) = (row as u32, col as u16);
            let done = match value {
                Typed::Text(t) => ws.write_string(r, c, *t).map(|_| ()),
                Typed::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                Typed::Percent(p) => {
                    let format = rust_xlsxwriter::Format::new().set_num_format("0%");
                    ws.write_number_with_format(r, c, *p, &format).map(|_| ())
                }
                Typed::Date(y, m, d) => {
                    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).expect("a date");
                    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
                    ws.write_datetime_with_format(r, c, &date, &format).map(|_| ())
                }
            };
            done.expect("a cell written");
        }
    }
    more(&mut workbook);
    workbook.save(out).expect("the filled workbook is written");
}

/// Whether `written`, an objective's key (`groupe-aidants#2.5e1a0c`), is the one
/// a test names without its digest (`groupe-aidants#2`).
fn objective_of(written: &str, key: &str) -> bool {
    key.contains('#') && written.strip_prefix(key).is_some_and(|rest| rest.starts_with('.'))
}

/// Copies every value of `range` into `ws`.
fn copy_sheet(ws: &mut rust_xlsxwriter::Worksheet, range: &calamine::Range<Data>) {
    for (r, c, value) in range.used_cells() {
        let (r, c) = (r as u32, c as u16);
        match value {
            Data::String(s) => ws.write_string(r, c, s).map(|_| ()).expect("string"),
            Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()).expect("number"),
            Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()).expect("number"),
            _ => {}
        }
    }
}

/// What a porteur fills in the example's 2026 workbook.
fn typical() -> Vec<Fill<'static>> {
    vec![
        ("Actions", "groupe-aidants", "Nouveau statut", Typed::Text("Réalisée")),
        (
            "Actions",
            "groupe-aidants",
            "Ce qui s'est passé dans l'année",
            Typed::Text("Dix rencontres : le groupe tourne seul."),
        ),
        ("Actions", "groupe-aidants", "Participants dans l'année", Typed::Number(23.0)),
        ("Actions", "groupe-aidants#2", "Nouveau statut", Typed::Text("Réalisée")),
        ("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0)),
        ("Indicateurs", "aidants-accueillis@2026", "Source", Typed::Text("Feuilles d'émargement")),
        ("Indicateurs", "satisfaction-aidants@2026", "Numérateur", Typed::Number(12.0)),
        ("Indicateurs", "satisfaction-aidants@2026", "Dénominateur", Typed::Number(20.0)),
        ("Indicateurs", "participants-rencontres@2026", "Valeur", Typed::Number(20.0)),
        ("Indicateurs", "participants-rencontres@2026", "Sexe : Femmes", Typed::Number(15.0)),
        ("Indicateurs", "participants-rencontres@2026", "Sexe : Hommes", Typed::Number(5.0)),
        (
            "Indicateurs",
            "participants-rencontres@2026",
            "Commentaire",
            Typed::Text("Une rencontre à la médiathèque, 8 personnes."),
        ),
    ]
}

fn read(repo: &Path, rel: &str) -> String {
    std::fs::read_to_string(repo.join(rel)).expect("a fiche")
}

/// `before` with `added` inserted right after `anchor`, which it must hold once.
fn with_lines(before: &str, anchor: &str, added: &str) -> String {
    assert_eq!(before.matches(anchor).count(), 1, "anchor `{anchor}`");
    before.replacen(anchor, &format!("{anchor}{added}"), 1)
}

/// The fiches as the typical workbook leaves them, every other byte unchanged.
fn expected_fiches(repo_before: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let text = |rel: &str| {
        String::from_utf8(repo_before.iter().find(|(r, _)| r == rel).expect("fiche").1.clone()).expect("utf-8")
    };
    let mut out: Vec<(String, Vec<u8>)> = repo_before.to_vec();
    let mut set = |rel: &str, content: String| {
        out.iter_mut().find(|(r, _)| r == rel).expect("fiche").1 = content.into_bytes();
    };
    let action = text("fiches/actions/groupe-aidants.md");
    let action = action.replacen("statut: mise_en_oeuvre\nporteur", "statut: realisee\nporteur", 1);
    let action = with_lines(&action, "    quand: Chaque trimestre\n", "    statut: realisee\n");
    let action = with_lines(
        &action,
        "    texte: Sixième rencontre ; un second animateur rejoint le groupe.\n    participants: 14\n",
        "  - date: 2026\n    texte: \"Dix rencontres : le groupe tourne seul.\"\n    statut: realisee\n    participants: 23\n",
    );
    set("fiches/actions/groupe-aidants.md", action);
    let accueillis = with_lines(
        &text("fiches/indicateurs/aidants-accueillis.md"),
        "    source: Feuilles d'émargement\n",
        "  - date: 2026\n    valeur: 27\n    source: Feuilles d'émargement\n",
    );
    set("fiches/indicateurs/aidants-accueillis.md", accueillis);
    let satisfaction = with_lines(
        &text("fiches/indicateurs/satisfaction-aidants.md"),
        "        homme: { numerateur: 2, denominateur: 6 }\n",
        "  - date: 2026\n    numerateur: 12\n    denominateur: 20\n",
    );
    set("fiches/indicateurs/satisfaction-aidants.md", satisfaction);
    let participants = with_lines(
        &text("fiches/indicateurs/participants-rencontres.md"),
        "    commentaire: Deux rencontres supplémentaires pendant la SISM.\n    source: Feuilles d'émargement\n",
        "  - date: 2026\n    valeur: 20\n    ventilation:\n      sexe:\n        femme: 15\n        homme: 5\n    commentaire: Une rencontre à la médiathèque, 8 personnes.\n",
    );
    set("fiches/indicateurs/participants-rencontres.md", participants);
    out
}

fn fiches(repo: &Path) -> Vec<(String, Vec<u8>)> {
    files(repo).into_iter().filter(|(rel, _)| rel.starts_with("fiches/")).collect()
}

#[test]
fn a_filled_workbook_adds_exactly_its_lines_to_the_fiches() {
    let repo = example("collecte-aller-retour");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let filled = repo.join("unafam-57-rempli.xlsx");
    fill(&book, &typical(), &filled);
    let out = import(&repo, &filled, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = fiches(&repo);
    let expected = expected_fiches(&before);
    for ((rel, got), (_, want)) in after.iter().zip(&expected) {
        assert_eq!(String::from_utf8_lossy(got), String::from_utf8_lossy(want), "{rel}");
    }
    assert_eq!(after, expected);
    assert!(stderr(&out).contains("fiches/indicateurs/aidants-accueillis.md : mesure 2026 : 27"), "{}", stderr(&out));
    // The repository still passes, and importing the same workbook again changes nothing.
    let check = clsm(&["check"], &repo);
    assert!(check.status.success(), "{}", stderr(&check));
    let again = import(&repo, &filled, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("aucune valeur nouvelle"), "{}", stdout(&again));
    assert_eq!(fiches(&repo), expected);
}

#[test]
fn an_untouched_workbook_imports_to_no_change() {
    for format in ["xlsx", "ods"] {
        let repo = example(&format!("collecte-intact-{format}"));
        let book = generate(&repo, format);
        let before = fiches(&repo);
        let out = import(&repo, &book, &[]);
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        assert!(stdout(&out).contains("aucune valeur nouvelle"), "{format}: {}", stdout(&out));
        assert_eq!(fiches(&repo), before, "{format}");
    }
}

#[test]
fn the_essai_shows_the_changes_and_writes_nothing() {
    let repo = example("collecte-essai");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let filled = repo.join("rempli.xlsx");
    fill(&book, &typical(), &filled);
    let out = import(&repo, &filled, &["--essai"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("indicateur aidants-accueillis : + mesure 2026 = 27 (source « Feuilles d'émargement »)"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "+ avancement 2026 « Dix rencontres : le groupe tourne seul. » (statut realisee, 23 participants)"
        ),
        "{shown}"
    );
    assert!(stderr(&out).contains("aucune fiche n'est modifiée"));
    assert_eq!(fiches(&repo), before);
}

/// Imports `fills` typed into a fresh 2026 workbook and returns the output, after
/// checking that no fiche changed.
fn refused(test: &str, fills: &[Fill], extra: &[&str]) -> String {
    let repo = example(test);
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let filled = repo.join("fiche-unafam.xlsx");
    fill(&book, fills, &filled);
    let mut args = vec!["collecte", "--importer", filled.to_str().unwrap()];
    args.extend(extra);
    let out = clsm(&args, &repo);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(fiches(&repo), before, "{test}: a fiche changed");
    stderr(&out)
}

#[test]
fn rejects_an_unknown_id_with_its_cell() {
    let err = refused(
        "collecte-inconnu",
        &[
            ("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0)),
            ("Indicateurs", "aidants-accueillis@2026", "clé", Typed::Text("aidants-acueillis@2026")),
        ],
        &[],
    );
    assert!(err.contains("indicateur inconnu `aidants-acueillis`"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, A2"), "{err}");
}

#[test]
fn rejects_a_value_of_the_wrong_type_with_its_cell() {
    let err =
        refused("collecte-type", &[("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Text("douze"))], &[]);
    assert!(err.contains("« douze » n'est pas un nombre"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, H2"), "{err}");
}

#[test]
fn rejects_a_percentage_out_of_range() {
    let err = refused(
        "collecte-pourcent",
        &[("Indicateurs", "satisfaction-aidants@2026", "Valeur", Typed::Number(120.0))],
        &[],
    );
    assert!(err.contains("pourcentage hors bornes : 120"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, H3"), "{err}");
}

#[test]
fn rejects_a_breakdown_that_does_not_add_up() {
    let err = refused(
        "collecte-ventilation",
        &[
            ("Indicateurs", "participants-rencontres@2026", "Valeur", Typed::Number(20.0)),
            ("Indicateurs", "participants-rencontres@2026", "Sexe : Femmes", Typed::Number(15.0)),
            ("Indicateurs", "participants-rencontres@2026", "Sexe : Hommes", Typed::Number(4.0)),
        ],
        &[],
    );
    assert!(err.contains("la répartition par « Sexe » fait 19, pas 20 comme la valeur"), "{err}");
    // The categories come by dimension, in alphabetical order: qpv (M to O), sexe.
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, P4"), "{err}");
}

#[test]
fn rejects_a_measure_that_contradicts_a_known_one() {
    let repo = example("collecte-contradiction");
    let out = clsm(&["collecte", "--annee", "2025"], &repo);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = fiches(&repo);
    let filled = repo.join("fiche-unafam.xlsx");
    let fills = [("Indicateurs", "aidants-accueillis@2025", "Valeur", Typed::Number(22.0))];
    fill(&repo.join("collecte-2025/unafam-57.xlsx"), &fills, &filled);
    let out = import(&repo, &filled, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("l'indicateur a déjà la valeur 21 pour 2025 ; le classeur dit 22"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, H2"), "{err}");
    assert_eq!(fiches(&repo), before);
}

#[test]
fn rejects_a_progress_text_on_an_objective_row() {
    let err = refused(
        "collecte-objectif",
        &[("Actions", "groupe-aidants#2", "Ce qui s'est passé dans l'année", Typed::Text("Affiches posées."))],
        &[],
    );
    assert!(err.contains("une ligne d'objectif ne prend que son nouveau statut"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Actions, F4"), "{err}");
}

#[test]
fn rejects_a_workbook_of_another_year() {
    let err = refused(
        "collecte-annee",
        &[("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0))],
        &["--annee", "2025"],
    );
    assert!(err.contains("classeur de la collecte 2026, pas de 2025"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, A1"), "{err}");
}

#[test]
fn rejects_a_workbook_of_another_contract() {
    let repo = example("collecte-contrat");
    let book = generate(&repo, "xlsx");
    let filled = repo.join("fiche-unafam.xlsx");
    fill(&book, &[("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0))], &filled);
    rewrite(&repo, "clsm.toml", "Contrat local de santé d'Exemple-sur-Moselle", "Contrat local de santé de Voisin");
    let before = fiches(&repo);
    let out = import(&repo, &filled, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("classeur d'un autre contrat : « Contrat local de santé d'Exemple-sur-Moselle »"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Actions, A1"), "{err}");
    assert_eq!(fiches(&repo), before);
}

#[test]
fn partiel_imports_the_rows_without_errors() {
    let repo = example("collecte-partiel");
    let book = generate(&repo, "xlsx");
    let filled = repo.join("fiche-unafam.xlsx");
    let fills = [
        ("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0)),
        ("Indicateurs", "satisfaction-aidants@2026", "Valeur", Typed::Number(120.0)),
    ];
    fill(&book, &fills, &filled);
    let out = import(&repo, &filled, &["--partiel"]);
    assert_eq!(out.status.code(), Some(1), "the error is still reported: {}", stderr(&out));
    assert!(read(&repo, "fiches/indicateurs/aidants-accueillis.md").contains("  - date: 2026\n    valeur: 27\n"));
    assert!(!read(&repo, "fiches/indicateurs/satisfaction-aidants.md").contains("2026"));
}

#[test]
fn an_import_that_would_break_the_repository_writes_nothing() {
    let repo = example("collecte-incoherent");
    // A running total cannot go down: 15 after 21 would fail `check`.
    rewrite(&repo, "fiches/indicateurs/aidants-accueillis.md", "sens: hausse\n", "sens: hausse\ncumul: true\n");
    let book = generate(&repo, "xlsx");
    let filled = repo.join("fiche-unafam.xlsx");
    fill(&book, &[("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(15.0))], &filled);
    let before = fiches(&repo);
    let out = import(&repo, &filled, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("cumul-decroissant"), "{}", stderr(&out));
    assert!(stderr(&out).contains("le dépôt ne passerait plus `clsm check`"), "{}", stderr(&out));
    assert_eq!(fiches(&repo), before);
}

#[test]
fn a_change_of_statut_before_a_later_one_leaves_the_current_statut() {
    let repo = example("collecte-statut-ulterieur");
    let book = generate(&repo, "xlsx");
    // A later change of statut is already written: it keeps the last word.
    let fiche = "fiches/actions/groupe-aidants.md";
    let pause =
        "    participants: 14\n  - date: 2027-01\n    texte: Le groupe fait une pause.\n    statut: suspendue\n";
    rewrite(&repo, fiche, "    participants: 14\n", pause);
    rewrite(&repo, fiche, "statut: mise_en_oeuvre\nporteur", "statut: suspendue\nporteur");
    let filled = repo.join("fiche-unafam.xlsx");
    fill(&book, &[("Actions", "groupe-aidants", "Nouveau statut", Typed::Text("Réalisée"))], &filled);
    let out = import(&repo, &filled, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fiche = read(&repo, "fiches/actions/groupe-aidants.md");
    assert!(fiche.contains("statut: suspendue\nporteur"), "{fiche}");
    assert!(
        fiche.contains(
            "  - date: 2026\n    texte: \"Nouveau statut : Réalisée.\"\n    statut: realisee\n  - date: 2027-01\n"
        ),
        "{fiche}"
    );
}

#[test]
fn an_objective_moved_in_the_fiche_since_the_workbook_is_still_found() {
    let repo = example("collecte-objectif-deplace");
    let book = generate(&repo, "xlsx");
    // A new objective is written first in the fiche after the workbook was sent.
    rewrite(
        &repo,
        "fiches/actions/groupe-aidants.md",
        "objectifs_operationnels:\n",
        "objectifs_operationnels:\n  - titre: Former les bénévoles\n",
    );
    let filled = repo.join("fiche-unafam.xlsx");
    fill(&book, &[("Actions", "groupe-aidants#2", "Nouveau statut", Typed::Text("Réalisée"))], &filled);
    let out = import(&repo, &filled, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fiche = read(&repo, "fiches/actions/groupe-aidants.md");
    assert!(
        fiche.contains("    comment: Affiches au CCAS et dans les cabinets médicaux.\n    qui: [ccas-exemple]\n    quand: Chaque trimestre\n    statut: realisee\n"),
        "{fiche}"
    );
    assert!(fiche.contains("  - titre: Former les bénévoles\n  - titre: Ouvrir"), "{fiche}");
}

#[test]
fn an_objective_rewritten_in_the_fiche_since_the_workbook_is_not_touched() {
    let repo = example("collecte-objectif-change");
    let book = generate(&repo, "xlsx");
    rewrite(
        &repo,
        "fiches/actions/groupe-aidants.md",
        "Affiches au CCAS et dans les cabinets médicaux.",
        "Affiches et radio locale.",
    );
    let filled = repo.join("fiche-unafam.xlsx");
    fill(&book, &[("Actions", "groupe-aidants#2", "Nouveau statut", Typed::Text("Réalisée"))], &filled);
    let before = fiches(&repo);
    let out = import(&repo, &filled, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("l'objectif n° 2 de `groupe-aidants` n'est plus dans la fiche tel que le classeur le montre"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--> fiche-unafam.xlsx, Actions, C4"), "{}", stderr(&out));
    assert_eq!(fiches(&repo), before);
}

#[test]
fn rows_sorted_otherwise_still_import() {
    let repo = example("collecte-tri");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let filled = repo.join("rempli.xlsx");
    fill(&book, &typical(), &filled);
    // The data rows of each sheet written in the reverse order, as after a sort.
    let sorted = repo.join("trie.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, range) in sheets(&filled) {
        let ws = workbook.add_worksheet();
        ws.set_name(&name).expect("a name");
        let height = range.height() as u32;
        for (r, c, value) in range.used_cells() {
            let r = r as u32;
            let r = if name == "À lire" || r == 0 { r } else { height - r };
            match value {
                Data::String(s) => ws.write_string(r, c as u16, s).map(|_| ()).expect("string"),
                Data::Float(f) => ws.write_number(r, c as u16, *f).map(|_| ()).expect("number"),
                _ => {}
            }
        }
    }
    workbook.save(&sorted).expect("the sorted workbook");
    let out = import(&repo, &sorted, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fiches(&repo), expected_fiches(&before));
}

#[test]
fn a_statut_alone_imported_twice_changes_nothing_the_second_time() {
    let repo = example("collecte-statut-seul");
    let book = generate(&repo, "xlsx");
    let filled = repo.join("rempli.xlsx");
    let fills = [
        ("Actions", "groupe-aidants", "Nouveau statut", Typed::Text("Réalisée")),
        ("Actions", "groupe-aidants", "Participants dans l'année", Typed::Number(23.0)),
    ];
    fill(&book, &fills, &filled);
    let first = import(&repo, &filled, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let after = fiches(&repo);
    assert!(
        read(&repo, "fiches/actions/groupe-aidants.md")
            .contains("    texte: \"Nouveau statut : Réalisée.\"\n    statut: realisee\n    participants: 23\n")
    );
    let again = import(&repo, &filled, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(fiches(&repo), after);
    // Another statut on the same entry is a contradiction, said at its cell.
    let other = repo.join("autre.xlsx");
    fill(&book, &[("Actions", "groupe-aidants", "Nouveau statut", Typed::Text("Abandonnée")), fills[1]], &other);
    let out = import(&repo, &other, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("--> autre.xlsx, Actions, E2"), "{}", stderr(&out));
    assert_eq!(fiches(&repo), after);
}

#[test]
fn a_known_value_with_other_details_is_said_not_dropped() {
    let repo = example("collecte-precisions");
    let out = clsm(&["collecte", "--annee", "2025"], &repo);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = fiches(&repo);
    let filled = repo.join("fiche-unafam.xlsx");
    let fills = [
        ("Indicateurs", "aidants-accueillis@2025", "Valeur", Typed::Number(21.0)),
        ("Indicateurs", "aidants-accueillis@2025", "Commentaire", Typed::Text("Un autre commentaire.")),
    ];
    fill(&repo.join("collecte-2025/unafam-57.xlsx"), &fills, &filled);
    let out = import(&repo, &filled, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("la valeur 21 est déjà dans la fiche pour 2025, avec d'autres précisions"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fiches(&repo), before);
}

#[test]
fn rejects_a_value_in_a_column_the_import_does_not_read() {
    let repo = example("collecte-colonne");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let filled = repo.join("fiche-unafam.xlsx");
    let fills = [("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0))];
    fill_then(&book, &fills, &filled, |wb| {
        let ws = wb.worksheet_from_name("Indicateurs").expect("the sheet");
        ws.write_string(0, 40, "Sexe : Autres").expect("a header");
        ws.write_number(1, 40, 2.0).expect("a value");
    });
    let out = import(&repo, &filled, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("valeur dans une colonne que l'import ne lit pas (« Sexe : Autres »)"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--> fiche-unafam.xlsx, Indicateurs, AO2"), "{}", stderr(&out));
    assert_eq!(fiches(&repo), before);
}

#[test]
fn rejects_a_percentage_for_an_indicator_counted_in_numbers() {
    let err = refused(
        "collecte-pourcent-nombre",
        &[("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Percent(0.12))],
        &[],
    );
    assert!(err.contains("nombre écrit en pourcentage, là où il n'en faut pas"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, H2"), "{err}");
}

/// The sheet `name` of a workbook saved as CSV as French Excel does: `;` and
/// decimal commas.
fn as_csv(book: &Path, name: &str) -> String {
    let (_, range) = sheets(book).into_iter().find(|(n, _)| n == name).expect("the sheet");
    let mut out = String::new();
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|d| match d {
                Data::Float(f) => format!("{f}").replace('.', ","),
                Data::Int(i) => i.to_string(),
                Data::Empty => String::new(),
                other => format!("\"{}\"", other.to_string().replace('"', "\"\"")),
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    out
}

#[test]
fn a_sheet_saved_as_csv_imports_the_same() {
    let repo = example("collecte-csv");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let filled = repo.join("rempli.xlsx");
    fill(&book, &typical(), &filled);
    let actions = repo.join("actions.csv");
    let indicators = repo.join("indicateurs.csv");
    std::fs::write(&actions, as_csv(&filled, "Actions")).unwrap();
    std::fs::write(&indicators, as_csv(&filled, "Indicateurs")).unwrap();
    let out = clsm(&["collecte", "--importer", actions.to_str().unwrap(), indicators.to_str().unwrap()], &repo);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fiches(&repo), expected_fiches(&before));
}

/// The workbook converted by LibreOffice headless to `format`, or `None` when
/// LibreOffice is missing and [`may_skip_without`] allows it.
fn resaved(book: &Path, format: &str, dir: &Path) -> Option<PathBuf> {
    let profile = dir.join("profil-libreoffice");
    let run = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", format, "--outdir"])
        .arg(dir)
        .arg(book)
        .output();
    match run {
        Ok(out) => assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) => {
            may_skip_without("LibreOffice (paquet libreoffice-calc-nogui)");
            return None;
        }
    }
    let stem = book.file_stem().unwrap().to_string_lossy();
    let path = dir.join(format!("{stem}.{format}"));
    assert!(path.is_file(), "LibreOffice wrote no {format}");
    Some(path)
}

#[test]
fn workbooks_resaved_by_libreoffice_import_the_same() {
    for format in ["xlsx", "ods"] {
        let repo = example(&format!("collecte-libreoffice-{format}"));
        let book = generate(&repo, "xlsx");
        let before = fiches(&repo);
        let filled = repo.join("rempli.xlsx");
        fill(&book, &typical(), &filled);
        let dir = repo.parent().unwrap().join("libreoffice");
        std::fs::create_dir_all(&dir).unwrap();
        let Some(saved) = resaved(&filled, format, &dir) else { return };
        let out = import(&repo, &saved, &[]);
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        assert_eq!(fiches(&repo), expected_fiches(&before), "{format}");
    }
}

#[test]
fn the_ods_form_imports_once_libreoffice_filled_it() {
    let repo = example("collecte-ods");
    let book = generate(&repo, "ods");
    let dir = repo.parent().unwrap().join("libreoffice");
    std::fs::create_dir_all(&dir).unwrap();
    // A partner's LibreOffice opens the ods form; its values are typed in, then it
    // is saved again as ods.
    let before = fiches(&repo);
    let filled = repo.join("rempli.xlsx");
    fill(&book, &typical(), &filled);
    let Some(saved) = resaved(&filled, "ods", &dir) else { return };
    let out = import(&repo, &saved, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fiches(&repo), expected_fiches(&before));
}

/// The text of one part of a zip file.
fn part(zip_path: &Path, name: &str) -> String {
    let file = std::fs::File::open(zip_path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
    text
}

#[test]
fn forms_are_protected_with_lists_and_hidden_keys() {
    let repo = example("collecte-protection");
    let xlsx = generate(&repo, "xlsx");
    // Sheet 2 is "Actions", sheet 3 "Indicateurs".
    let actions = part(&xlsx, "xl/worksheets/sheet2.xml");
    assert!(actions.contains("<sheetProtection"), "the sheet is protected");
    assert!(!actions.contains("password"), "without a password");
    assert!(
        actions.contains(r#"<col min="1" max="1""#) && actions.contains(r#"hidden="1""#),
        "the key column is hidden"
    );
    assert!(actions.contains(r#"type="list""#) && actions.contains("Réalisée"), "statut is a drop-down list");
    let indicators = part(&xlsx, "xl/worksheets/sheet3.xml");
    assert!(indicators.contains("<formula1>0</formula1><formula2>100</formula2>"), "a percentage is 0 to 100");
    assert!(actions.contains(r#"xSplit="3" ySplit="1""#), "the header and the titles stay in view");
    let styles = part(&xlsx, "xl/styles.xml");
    assert!(styles.contains(r#"<protection locked="0""#), "cells to fill are unlocked");

    let ods = generate(&repo.parent().unwrap().join("repo"), "ods");
    let content = part(&ods, "content.xml");
    assert_eq!(content.matches(r#"table:protected="true""#).count(), 3, "each sheet is protected");
    assert!(content.contains(r#"table:visibility="collapse""#), "the key column is hidden");
    assert!(content.contains("of:cell-content-is-in-list(&quot;Piste&quot;;"), "statut is a drop-down list");
    assert!(content.contains("cell-content-is-between(0;100)"), "a percentage is 0 to 100");
    assert!(content.contains(r#"style:cell-protect="none""#), "cells to fill are unlocked");
    let settings = part(&ods, "settings.xml");
    assert!(
        settings.contains(
            r#"<config:config-item config:name="HorizontalSplitPosition" config:type="int">3</config:config-item>"#
        ),
        "the header and the titles stay in view"
    );
}

#[test]
fn never_replaces_workbooks_already_written() {
    let repo = example("collecte-remplacement");
    let book = generate(&repo, "xlsx");
    std::fs::write(&book, b"envoye").unwrap();
    let out = clsm(&["collecte", "--annee", "2026"], &repo);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("existe déjà"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&book).unwrap(), b"envoye");
}

#[test]
fn libreoffice_reads_the_ods_form_as_written() {
    let repo = example("collecte-ods-relu");
    let book = generate(&repo, "ods");
    let dir = repo.parent().unwrap().join("libreoffice");
    std::fs::create_dir_all(&dir).unwrap();
    let before = fiches(&repo);
    let Some(saved) = resaved(&book, "ods", &dir) else { return };
    // What LibreOffice understood of the form, it writes again: protection,
    // unlocked cells, drop-down lists, hidden keys.
    let content = part(&saved, "content.xml");
    assert_eq!(content.matches(r#"table:protected="true""#).count(), 3, "each sheet stays protected");
    assert!(content.contains(r#"style:cell-protect="none""#), "cells to fill stay unlocked");
    assert!(content.contains("of:cell-content-is-in-list("), "the drop-down list is kept");
    assert!(content.contains(r#"table:visibility="collapse""#), "the key column stays hidden");
    let out = import(&repo, &saved, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("aucune valeur nouvelle"), "{}", stdout(&out));
    assert_eq!(fiches(&repo), before);
}

#[test]
fn refuses_a_sheet_written_far_beyond_the_form_without_taking_the_memory() {
    let repo = example("collecte-loin");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let filled = repo.join("fiche-unafam.xlsx");
    let fills = [("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0))];
    fill_then(&book, &fills, &filled, |wb| {
        let ws = wb.worksheet_from_name("Indicateurs").expect("the sheet");
        ws.write_string(1_048_575, 16_383, "x").expect("the far cell");
    });
    let out = import(&repo, &filled, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("onglet « Indicateurs » trop grand pour un formulaire : une valeur est écrite en XFD1048576"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fiches(&repo), before);
}

#[test]
fn rejects_a_date_typed_in_a_number_cell() {
    let err = refused(
        "collecte-date",
        &[("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Date(2026, 3, 12))],
        &[],
    );
    assert!(err.contains("« 2026-03-12 » est une date, pas un nombre"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, H2"), "{err}");
}

#[test]
fn rejects_a_number_that_reads_two_ways() {
    let err = refused(
        "collecte-milliers",
        &[("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Text("1.500"))],
        &[],
    );
    assert!(err.contains("« 1.500 » n'est pas un nombre"), "{err}");
    assert!(err.contains("sans séparateur de milliers"), "{err}");
}

#[test]
fn rejects_invisible_characters_in_a_text() {
    let fills = [
        ("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0)),
        ("Indicateurs", "aidants-accueillis@2026", "Commentaire", Typed::Text("Vu\u{202e}ecnahc")),
    ];
    let err = refused("collecte-invisible", &fills, &[]);
    assert!(err.contains("caractère invisible, de contrôle ou illisible U+202E dans le texte"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, K2"), "{err}");
}

#[test]
fn a_value_shown_as_a_percentage_is_read_on_the_scale_of_the_fiches() {
    let repo = example("collecte-format-pourcent");
    let book = generate(&repo, "xlsx");
    let filled = repo.join("fiche-unafam.xlsx");
    fill(&book, &[("Indicateurs", "satisfaction-aidants@2026", "Valeur", Typed::Percent(0.45))], &filled);
    let out = import(&repo, &filled, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&repo, "fiches/indicateurs/satisfaction-aidants.md").contains("  - date: 2026\n    valeur: 45\n"));
}

#[test]
fn rejects_category_rates_that_do_not_frame_the_whole() {
    let fills = [
        ("Indicateurs", "satisfaction-aidants@2026", "Valeur", Typed::Number(60.0)),
        ("Indicateurs", "satisfaction-aidants@2026", "Sexe : Femmes", Typed::Number(6.0)),
        ("Indicateurs", "satisfaction-aidants@2026", "Sexe : Hommes", Typed::Number(4.0)),
        ("Indicateurs", "satisfaction-aidants@2026", "Sexe : Non renseigné", Typed::Number(0.0)),
    ];
    let err = refused("collecte-taux", &fills, &[]);
    assert!(err.contains("le taux 60 % n'est pas entre ceux des catégories de « Sexe » (0 % à 6 %)"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, P3"), "{err}");
}

#[test]
fn rejects_a_copied_sheet() {
    let repo = example("collecte-copie");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let filled = repo.join("fiche-unafam.xlsx");
    let fills = [("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(3.0))];
    let indicators = sheets(&book).into_iter().find(|(n, _)| n == "Indicateurs").expect("the sheet").1;
    fill_then(&book, &fills, &filled, |wb| {
        let ws = wb.add_worksheet();
        ws.set_name("Indicateurs (2)").expect("a name");
        copy_sheet(ws, &indicators);
        ws.write_number(1, 7, 99.0).expect("the other value");
    });
    let out = import(&repo, &filled, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("deuxième onglet « Indicateurs » dans ce classeur"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--> fiche-unafam.xlsx, Indicateurs (2), A1"), "{}", stderr(&out));
    assert_eq!(fiches(&repo), before);
}

#[test]
fn rejects_a_sheet_whose_key_column_lost_its_header() {
    let fills = [
        ("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0)),
        (
            "Indicateurs",
            "clsm collecte 2026 · unafam-57 · Contrat local de santé d'Exemple-sur-Moselle",
            "clé",
            Typed::Text("Identifiant"),
        ),
    ];
    let err = refused("collecte-entete", &fills, &[]);
    assert!(err.contains("cet onglet n'est plus lisible comme formulaire"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Indicateurs, A1"), "{err}");
}

#[test]
fn the_same_workbook_twice_imports_once_and_two_answers_conflict() {
    let repo = example("collecte-deux-fois");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let (one, other) = (repo.join("un.xlsx"), repo.join("autre.xlsx"));
    fill(&book, &typical(), &one);
    let mut changed = typical();
    changed[0] = ("Actions", "groupe-aidants", "Nouveau statut", Typed::Text("Abandonnée"));
    fill(&book, &changed, &other);
    let out = clsm(&["collecte", "--importer", one.to_str().unwrap(), other.to_str().unwrap()], &repo);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    // Said at the cell that differs, the new statut, in both workbooks.
    assert!(
        err.contains(
            "valeur différente de celle de un.xlsx, Actions, E2, pour la même ligne\n  --> autre.xlsx, Actions, E2"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "valeur différente de celle de autre.xlsx, Actions, E2, pour la même ligne\n  --> un.xlsx, Actions, E2"
        ),
        "{err}"
    );
    // Neither answer wins: nothing is written.
    assert_eq!(fiches(&repo), before);
    let repo2 = example("collecte-deux-fois-bis");
    let book2 = generate(&repo2, "xlsx");
    let before2 = fiches(&repo2);
    fill(&book2, &typical(), &repo2.join("un.xlsx"));
    fill(&book2, &typical(), &repo2.join("un (1).xlsx"));
    let out = clsm(&["collecte", "--importer", "un.xlsx", "un (1).xlsx"], &repo2);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fiches(&repo2), expected_fiches(&before2));
}

#[test]
fn a_corrected_workbook_sent_again_does_not_add_a_second_entry() {
    let repo = example("collecte-correction");
    let book = generate(&repo, "xlsx");
    let first = repo.join("premier.xlsx");
    fill(&book, &typical(), &first);
    let out = import(&repo, &first, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after_first = fiches(&repo);
    let mut corrected = typical();
    corrected[1] = ("Actions", "groupe-aidants", "Ce qui s'est passé dans l'année", Typed::Text("Onze rencontres."));
    let second = repo.join("second.xlsx");
    fill(&book, &corrected, &second);
    let out = import(&repo, &second, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "l'action a déjà une entrée d'avancement pour 2026 : « Dix rencontres : le groupe tourne seul. »"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(fiches(&repo), after_first);
}

#[test]
fn a_title_with_surrounding_spaces_still_matches_its_workbooks() {
    let repo = example("collecte-titre-espaces");
    let (titre, spaced) = ("d'Exemple-sur-Moselle\"", "d'Exemple-sur-Moselle \\u00a0\"");
    rewrite(&repo, "clsm.toml", titre, spaced);
    let book = generate(&repo, "xlsx");
    let filled = repo.join("rempli.xlsx");
    fill(&book, &[("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0))], &filled);
    let out = import(&repo, &filled, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_statut_list_too_long_for_excel_lives_in_a_hidden_sheet() {
    let repo = example("collecte-liste-longue");
    let extended = "\n[vocabulaire.statut]\nen_pause = \"En pause, faute de moyens\"\n\n[[axes]]";
    rewrite(&repo, "clsm.toml", "\n[[axes]]", extended);
    let book = generate(&repo, "xlsx");
    let workbook = part(&book, "xl/workbook.xml");
    assert!(workbook.contains(r#"name="Listes""#) && workbook.contains(r#"state="hidden""#), "{workbook}");
    assert!(part(&book, "xl/worksheets/sheet2.xml").contains("<formula1>Listes!$A$1:$A$7</formula1>"));
    let filled = repo.join("rempli.xlsx");
    fill(&book, &[("Actions", "groupe-aidants", "Nouveau statut", Typed::Text("En pause, faute de moyens"))], &filled);
    let out = import(&repo, &filled, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(read(&repo, "fiches/actions/groupe-aidants.md").contains("statut: en_pause\nporteur"));
}

#[test]
fn the_current_statut_chosen_again_is_no_change_of_statut() {
    let repo = example("collecte-meme-statut");
    let book = generate(&repo, "xlsx");
    let filled = repo.join("rempli.xlsx");
    let fills = [
        ("Actions", "groupe-aidants", "Nouveau statut", Typed::Text("Mise en œuvre")),
        ("Actions", "groupe-aidants", "Participants dans l'année", Typed::Number(12.0)),
    ];
    fill(&book, &fills, &filled);
    let out = import(&repo, &filled, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fiche = read(&repo, "fiches/actions/groupe-aidants.md");
    assert!(
        fiche.contains("  - date: 2026\n    texte: 12 participants en 2026.\n    participants: 12\n---"),
        "{fiche}"
    );
    assert!(fiche.contains("statut: mise_en_oeuvre\nporteur"), "{fiche}");
}

/// `book` with the cell `cell` of the sheet part `sheet` replaced by a formula
/// saved without its result, as some tools write them.
fn with_uncomputed_formula(book: &Path, sheet: &str, cell: &str, out: &Path) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().expect("a part name").to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut bytes).unwrap();
        if name == sheet {
            let xml = String::from_utf8(bytes).unwrap();
            let start = xml.find(&format!(r#"<c r="{cell}""#)).expect("the cell");
            let end = start + xml[start..].find("</c>").expect("its end") + 4;
            bytes = format!("{}<c r=\"{cell}\"><f>10+17</f></c>{}", &xml[..start], &xml[end..]).into_bytes();
        }
        writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut writer, &bytes).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn rejects_a_formula_saved_without_its_result() {
    let repo = example("collecte-formule");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let filled = repo.join("rempli.xlsx");
    fill(&book, &[("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0))], &filled);
    let formula = repo.join("fiche-unafam.xlsx");
    with_uncomputed_formula(&filled, "xl/worksheets/sheet3.xml", "H2", &formula);
    let out = import(&repo, &formula, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("la cellule contient une formule dont le résultat n'a pas été enregistré"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--> fiche-unafam.xlsx, Indicateurs, H2"), "{}", stderr(&out));
    assert_eq!(fiches(&repo), before);
}

#[test]
fn a_fiche_the_import_cannot_extend_is_said_at_the_cell_with_what_to_copy() {
    let repo = example("collecte-ancre");
    rewrite(&repo, "fiches/actions/groupe-aidants.md", "avancement:\n", "avancement: &journal\n");
    let book = generate(&repo, "xlsx");
    let filled = repo.join("fiche-unafam.xlsx");
    let fills = [
        ("Actions", "groupe-aidants", "Ce qui s'est passé dans l'année", Typed::Text("Dix rencontres.")),
        ("Indicateurs", "aidants-accueillis@2026", "Valeur", Typed::Number(27.0)),
    ];
    fill(&book, &fills, &filled);
    let before = fiches(&repo);
    let out = import(&repo, &filled, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("la fiche utilise une ancre ou un alias YAML"), "{err}");
    assert!(err.contains("--> fiche-unafam.xlsx, Actions, F2"), "{err}");
    assert!(err.contains("ajoutez à `avancement` : { date: 2026, texte: Dix rencontres. }"), "{err}");
    assert_eq!(fiches(&repo), before);
    // With --partiel, the measure goes in; the entry is left to copy by hand.
    let out = import(&repo, &filled, &["--partiel"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(read(&repo, "fiches/indicateurs/aidants-accueillis.md").contains("  - date: 2026\n    valeur: 27\n"));
    assert_eq!(
        read(&repo, "fiches/actions/groupe-aidants.md"),
        String::from_utf8(before.iter().find(|(f, _)| f == "fiches/actions/groupe-aidants.md").unwrap().1.clone())
            .unwrap()
    );
}

#[test]
fn a_folder_of_returned_workbooks_imports_them_all() {
    let repo = example("collecte-dossier");
    let book = generate(&repo, "xlsx");
    let before = fiches(&repo);
    let folder = repo.join("retours");
    std::fs::create_dir_all(&folder).unwrap();
    fill(&book, &typical(), &folder.join("unafam.xlsx"));
    std::fs::write(folder.join(".~lock.unafam.xlsx#"), b"verrou").unwrap();
    std::fs::write(folder.join("lisez-moi.txt"), b"notes").unwrap();
    let out = import(&repo, &folder, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fiches(&repo), expected_fiches(&before));
    let missing = import(&repo, &repo.join("absent.xlsx"), &[]);
    assert_eq!(missing.status.code(), Some(1), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("absent.xlsx : fichier introuvable"), "{}", stderr(&missing));
}

#[test]
fn every_mistake_of_a_row_is_said_at_once() {
    let fills = [
        ("Actions", "groupe-aidants", "Nouveau statut", Typed::Text("Fini")),
        ("Actions", "groupe-aidants", "Participants dans l'année", Typed::Text("douze")),
    ];
    let err = refused("collecte-deux-erreurs", &fills, &[]);
    assert!(err.contains("statut inconnu « Fini »") && err.contains("--> fiche-unafam.xlsx, Actions, E2"), "{err}");
    assert!(
        err.contains("« douze » n'est pas un nombre") && err.contains("--> fiche-unafam.xlsx, Actions, G2"),
        "{err}"
    );
    assert!(err.contains("écrivez un nombre entier, par exemple `12`"), "{err}");
}
