//! `clsm import`: seed 003 as French Excel saves it (`examples/cctc`) and as it was
//! given, tab-separated (`tests/fixtures/import/cadre-logique-cctc.txt`), into new
//! fiches only; its shifted rows refused; clsm.toml completed only on request.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{clsm, files, fixture, project_root, temp_dir};

/// A repository with the CCTC contract and no fiche yet.
fn empty_cctc(test: &str) -> PathBuf {
    let repo = temp_dir(test).join("repo");
    fs::create_dir_all(repo.join("fiches/partenaires")).unwrap();
    let cctc = project_root().join("examples/cctc");
    fs::copy(cctc.join("clsm.toml"), repo.join("clsm.toml")).unwrap();
    fs::copy(
        cctc.join("fiches/partenaires/coordination-clsm.md"),
        repo.join("fiches/partenaires/coordination-clsm.md"),
    )
    .unwrap();
    repo
}

/// A repository made by `clsm init`.
fn fresh(test: &str) -> PathBuf {
    let repo = temp_dir(test).join("repo");
    let out = clsm(&["init", repo.to_str().unwrap()], &project_root());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    repo
}

/// Seed 003 as it was given: tab-separated UTF-8, a title line above the header.
fn seed_003() -> PathBuf {
    fixture("import/cadre-logique-cctc.txt")
}

/// Runs `clsm --repo REPO import FILE EXTRA…`: exit code, stdout, stderr.
fn import_file(repo: &Path, file: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["--repo", repo.to_str().unwrap(), "import", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = clsm(&args, &project_root());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn import(repo: &Path, extra: &[&str]) -> (i32, String, String) {
    import_file(repo, &project_root().join("examples/cctc/cadre-logique-cctc.csv"), extra)
}

/// `clsm check --format json` on `repo`.
fn check(repo: &Path) -> serde_json::Value {
    let out = clsm(&["--repo", repo.to_str().unwrap(), "check", "--format", "json"], &project_root());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn read(repo: &Path, relative: &str) -> String {
    fs::read_to_string(repo.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

#[test]
fn imports_the_excel_export_of_seed_003() {
    let repo = empty_cctc("import");
    let (code, _, stderr) = import(&repo, &[]);
    // Three rows are refused: the command says the sheet has problems.
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("encodage Windows-1252 (export Excel), séparateur `;`, en-têtes ligne 5"), "{stderr}");
    assert!(stderr.contains("6 fiches-actions créées, 14 indicateurs créés"), "{stderr}");
    let fiche = read(&repo, "fiches/actions/action-1-1-1.md");
    for expected in [
        "numero: \"1.1.1\"",
        "titre: \"Déployer sensibilisation pour les acteurs du territoire",
        "axe: \"1\"",
        "objectif_specifique: \"Individualiser les réponses des personnes en situation de précarité",
        "public_precision: \"Ensemble des partenaires intervenant auprès des personnes en situation de précarité",
        "moyens_a_rechercher: \"Salle Organisme de formation proposant un atelier",
        "resultats_attendus: |-\n  - 60% des acteurs du territoire",
        "\n  - 50% des acteurs ont une meilleure prise en compte",
        "indicateurs:\n  - nombre-de-participants-sur-le-territoire-au-nombre\n  - nombre-d-acteurs-ayant-modifie-leur-approche\n---",
    ] {
        assert!(fiche.contains(expected), "{expected}\n{fiche}");
    }
    // Merged cells: the second action of objective 1.1 has its objectives.
    let second = read(&repo, "fiches/actions/action-1-1-2.md");
    assert!(second.contains("objectif_strategique: \"Développer la Prévention et promotion de la santé\""));
    let report = check(&repo);
    assert_eq!(report["errors"], 0, "{report:#}");
}

#[test]
fn seed_003_makes_a_new_repository_that_passes_check_without_indicator_warnings() {
    let repo = fresh("import-fresh");
    let (code, _, stderr) = import_file(&repo, &seed_003(), &["--contrat"]);
    assert_eq!(code, 1, "the refused rows make it fail: {stderr}");
    assert!(stderr.contains("encodage UTF-8, séparateur tabulation, en-têtes ligne 5"), "{stderr}");
    assert!(stderr.contains("6 fiches-actions créées, 14 indicateurs créés"), "{stderr}");
    let report = check(&repo);
    assert_eq!(report["errors"], 0, "{report:#}");
    let codes: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(
        !codes.iter().any(|c| ["action-sans-indicateur", "indicateur-orphelin", "ref-inconnue"].contains(c)),
        "{report:#}"
    );
    // Every imported action is evaluated by indicators that exist.
    for id in ["1-1-1", "1-1-2", "1-2-1", "1-2-2", "1-3-1", "2-1-1"] {
        let fiche = read(&repo, &format!("fiches/actions/action-{id}.md"));
        let ids: Vec<&str> =
            fiche.lines().skip_while(|l| *l != "indicateurs:").skip(1).map_while(|l| l.strip_prefix("  - ")).collect();
        assert!(!ids.is_empty(), "{fiche}");
        for i in ids {
            assert!(repo.join(format!("fiches/indicateurs/{i}.md")).is_file(), "{i}");
        }
    }
}

#[test]
fn the_shifted_rows_of_seed_003_are_refused_with_their_lines() {
    let repo = fresh("import-shifted");
    let (code, _, stderr) = import_file(&repo, &seed_003(), &[]);
    assert_eq!(code, 1, "{stderr}");
    let file = seed_003().display().to_string();
    assert!(
        stderr.contains(&format!(
            "erreur : {file}, ligne 12 : ligne refusée, ses cellules sont décalées d'une colonne vers la droite\n\
             \x20 colonne B « Objectifs spécifiques » : un objectif stratégique (« 3. Disposer d'une gouvernance autour de la santé mentale sur le territoire »)\n\
             \x20 colonne C « Actions » : un objectif spécifique (« Objectif spécifique 3.1 Piloter le CLSM au niveau du territoire »)\n\
             \x20 colonne D « Description » : une action (« Action 3.1.1 Mise en place d'un Comité de gouvernance »)\n\
             \x20 aide : décalez les cellules de la ligne 12 d'une colonne vers la gauche : dans le tableur, supprimez la cellule vide A12 avec « Décaler les cellules vers la gauche », enregistrez, puis relancez `clsm import` ; d'ici là, rien n'est importé de cette ligne\n"
        )),
        "{stderr}"
    );
    for line in [13, 14] {
        assert!(stderr.contains(&format!("erreur : {file}, ligne {line} : ligne refusée, ses cellules sont décalées d'une colonne vers la droite\n")), "{stderr}");
        assert!(stderr.contains(&format!("supprimez la cellule vide B{line} avec")), "{stderr}");
    }
    assert_eq!(stderr.matches("ligne refusée,").count(), 3, "{stderr}");
    assert!(stderr.contains("3 lignes refusées (lignes 12, 13, 14)"), "{stderr}");
    for id in ["3-1-1", "3-2-1", "3-3-1"] {
        assert!(!repo.join(format!("fiches/actions/action-{id}.md")).exists(), "{id}");
    }
    // Nothing under a shifted key: no fiche carries axis 3's texts.
    for (_, bytes) in files(&repo.join("fiches")) {
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains("Disposer d'une gouvernance") && !text.contains("Piloter le CLSM"), "{text}");
    }
}

#[test]
fn a_line_number_counts_the_lines_of_a_cell_written_on_several() {
    let repo = fresh("import-multiline");
    let dir = temp_dir("import-multiline-csv");
    let csv = dir.join("cadre.csv");
    // Lines 1–2 blank, the header on 3, a description on lines 4–6, the shifted row on 7.
    fs::write(
        &csv,
        "\n\nObjectifs stratégiques;Objectifs spécifiques;Actions;Description\n\
         1. Prévenir;Objectif spécifique 1.1 Informer;Action 1.1.1 Ateliers;\"Un\n\n*Deux\"\n\
         ;;Objectif spécifique 1.2 Former;Action 1.2.1 Formations\n",
    )
    .unwrap();
    let (code, _, stderr) = import_file(&repo, &csv, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("en-têtes ligne 3"), "{stderr}");
    assert!(
        stderr.contains(&format!("erreur : {}, ligne 7 (ligne 5 dans le tableur) : ligne refusée", csv.display())),
        "{stderr}"
    );
    assert!(stderr.contains("supprimez la cellule vide B5 avec"), "{stderr}");
    let fiche = read(&repo, "fiches/actions/action-1-1-1.md");
    assert!(fiche.contains("Importée de cadre.csv, ligne 4."), "{fiche}");
    assert!(fiche.contains("## Description\n\n- Un\n- Deux\n"), "{fiche}");
}

#[test]
fn action_2_1_1_takes_the_axis_of_its_number() {
    let repo = fresh("import-axis");
    let (_, _, stderr) = import_file(&repo, &seed_003(), &[]);
    let fiche = read(&repo, "fiches/actions/action-2-1-1.md");
    assert!(fiche.contains("\naxe: \"2\"\n"), "{fiche}");
    // The merged cells above are axis 1's: none of their text is inherited.
    assert!(!fiche.contains("objectif_strategique") && !fiche.contains("objectif_specifique"), "{fiche}");
    assert!(
        stderr.contains(&format!(
            "attention : {}, ligne 11 : l'action 2.1.1 est numérotée dans l'axe 2, mais les cellules fusionnées de la ligne 6 la placent sous l'objectif stratégique 1 : elle est rattachée à l'axe « 2 », sans objectif stratégique ni spécifique",
            seed_003().display()
        )),
        "{stderr}"
    );
    // Its neighbour above keeps its own objectives.
    assert!(read(&repo, "fiches/actions/action-1-3-1.md").contains("objectif_specifique: \"Promouvoir les campagnes"));
}

const ADDED_OBJECTIF: &str = "objectif_global = \"Objectif global CLSM CCTC\"\n";
const ADDED_AXIS: &str =
    "\n[[axes]]\nid = \"3\"\ntitre = \"Disposer d'une gouvernance autour de la santé mentale sur le territoire\"\n";

#[test]
fn contrat_adds_the_axes_and_objectif_global_and_keeps_every_line() {
    let repo = fresh("import-contrat");
    let before = read(&repo, "clsm.toml");
    let (_, _, stderr) = import_file(&repo, &seed_003(), &["--contrat"]);
    assert!(stderr.contains("clsm.toml complété : objectif_global, l'axe 3 et l'intitulé de l'axe 1"), "{stderr}");
    let after = read(&repo, "clsm.toml");
    // The objectif global after the last top-level key, before the first table; the
    // new axis after the last one; nothing else changed.
    assert!(
        after.contains(&format!("coordination = \"Coordination du contrat\"\n{ADDED_OBJECTIF}\n[[axes]]")),
        "{after}"
    );
    assert!(after.contains(&format!("titre = \"Deuxième axe stratégique\"\n{ADDED_AXIS}\n[[thematiques]]")), "{after}");
    // Axis 1 still had the title `clsm init` gave it: it takes the sheet's; axis 2,
    // which the sheet does not name, keeps its own.
    let retitled = "titre = \"Développer la Prévention et promotion de la santé\"";
    assert!(after.contains(&format!("id = \"1\"\n{retitled}\n")), "{after}");
    assert_eq!(
        after.replacen(ADDED_OBJECTIF, "", 1).replacen(ADDED_AXIS, "", 1).replacen(
            retitled,
            "titre = \"Premier axe stratégique\"",
            1
        ),
        before
    );
    let report = check(&repo);
    assert_eq!(report["errors"], 0, "{report:#}");
    let out = clsm(&["--repo", repo.to_str().unwrap(), "check"], &project_root());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn without_contrat_clsm_toml_is_untouched_and_the_additions_are_shown() {
    let repo = fresh("import-sans-contrat");
    let before = fs::read(repo.join("clsm.toml")).unwrap();
    let (_, _, stderr) = import_file(&repo, &seed_003(), &[]);
    assert_eq!(fs::read(repo.join("clsm.toml")).unwrap(), before);
    assert!(
        stderr.contains(
            "à ajouter à clsm.toml (le tableau le dit, clsm.toml ne le dit pas encore) :\n\
             \x20 (axe 1) titre = \"Développer la Prévention et promotion de la santé\" à la place de « Premier axe stratégique », l'intitulé provisoire de `clsm init`\n\
             \x20 objectif_global = \"Objectif global CLSM CCTC\"\n\
             \x20 [[axes]]\n\
             \x20 id = \"3\"\n\
             \x20 titre = \"Disposer d'une gouvernance autour de la santé mentale sur le territoire\"\n\
             \x20 aide : relancez avec `--contrat` pour l'écrire"
        ),
        "{stderr}"
    );
    // `--essai` shows what `--contrat` would add, and writes nothing at all.
    let repo = fresh("import-essai");
    let before = files(&repo);
    let (_, stdout, stderr) = import_file(&repo, &seed_003(), &["--essai", "--config"]);
    assert_eq!(files(&repo), before);
    assert!(
        stderr.contains("clsm.toml serait complété : objectif_global, l'axe 3 et l'intitulé de l'axe 1"),
        "{stderr}"
    );
    assert!(stderr.contains("6 fiches-actions seraient créées, 14 indicateurs seraient créés"), "{stderr}");
    assert!(stdout.contains("=== fiches/indicateurs/nombre-de-supports-crees.md\n---\n"), "{stdout}");
}

#[test]
fn a_second_import_replaces_nothing() {
    let repo = fresh("import-twice");
    import_file(&repo, &seed_003(), &["--contrat"]);
    let action = repo.join("fiches/actions/action-1-2-1.md");
    fs::write(&action, "---\ntitre: modifiée à la main\naxe: \"1\"\nporteur: porteur\n---\n").unwrap();
    let indicator = repo.join("fiches/indicateurs/nombre-de-supports-crees.md");
    fs::write(&indicator, "---\nlibelle: Nombre de supports créés\ntype: processus\n---\n").unwrap();
    let before = files(&repo);
    let (code, _, stderr) = import_file(&repo, &seed_003(), &["--contrat"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(files(&repo), before, "{stderr}");
    assert!(stderr.contains("0 fiche-action créée, 0 indicateur créé"), "{stderr}");
    assert!(stderr.contains("conservée : fiches/actions/action-1-2-1.md existe déjà"), "{stderr}");
    assert!(!stderr.contains("à ajouter à clsm.toml") && !stderr.contains("complété"), "{stderr}");
}

#[test]
fn each_indicator_gets_a_fiche_with_its_sources() {
    let repo = fresh("import-indicateurs");
    import_file(&repo, &seed_003(), &[]);
    // Two indicators, three sources (line 6): each indicator has them all.
    let ratio = read(&repo, "fiches/indicateurs/nombre-de-participants-sur-le-territoire-au-nombre.md");
    assert_eq!(
        ratio,
        "---\n# Importé de cadre-logique-cctc.txt, ligne 6 (colonne « Indicateurs de résultat »).\n\
         libelle: \"Nombre de participants sur le territoire/au nombre d'acteurs concernés\"\n\
         type: resultat\nunite: pourcentage\n\
         numerateur: \"Nombre de participants sur le territoire\"\n\
         denominateur: \"Nombre d'acteurs concernés\"\n\
         sources:\n  - \"Feuille émargement\"\n  - \"Listing des acteurs intervenant dans le champ de la précarité\"\n\
         \x20 - \"Questionnaire sur les pratiques (ante et post)\"\n---\n"
    );
    // Three indicators, three sources (line 10): one each, in order.
    for (id, source) in [
        ("nombre-de-supports-crees", "Identification des supports créés"),
        (
            "diversite-des-canaux-de-diffusion-utilises",
            "Nombre de partenariats mis en place pour la diffusion de la campagne (radio, journal, internet)",
        ),
        ("nombre-de-personnes-informees", "Questionnaire auprès de la population générale sur l'information reçue"),
    ] {
        let fiche = read(&repo, &format!("fiches/indicateurs/{id}.md"));
        assert!(fiche.contains(&format!("sources:\n  - \"{source}\"\n---")), "{fiche}");
        assert!(fiche.contains("type: resultat\n"), "{fiche}");
    }
    let action = read(&repo, "fiches/actions/action-1-3-1.md");
    assert!(
        action.contains("indicateurs:\n  - nombre-de-supports-crees\n  - diversite-des-canaux-de-diffusion-utilises\n  - nombre-de-personnes-informees\n"),
        "{action}"
    );
    // No `*` of the sheet is left escaped in a fiche.
    for (name, bytes) in files(&repo.join("fiches")) {
        assert!(!String::from_utf8(bytes).unwrap().contains("\\*"), "{name}");
    }
}

#[test]
fn an_indicator_already_there_is_reused_or_left_alone() {
    let repo = fresh("import-indicateurs-existants");
    // The same wording under another id: cited, not duplicated.
    let mine = "---\nlibelle: Nombre de personnes informées\ntype: resultat\n---\n";
    fs::write(repo.join("fiches/indicateurs/personnes-informees.md"), mine).unwrap();
    // Another wording under the id the import would choose: a free id is taken.
    let other = "---\nlibelle: Nombre de supports créés en 2020\ntype: processus\n---\n";
    fs::write(repo.join("fiches/indicateurs/nombre-de-supports-crees.md"), other).unwrap();
    let (_, _, stderr) = import_file(&repo, &seed_003(), &[]);
    assert!(stderr.contains("13 indicateurs créés (1 indicateur repris du dépôt)"), "{stderr}");
    assert_eq!(read(&repo, "fiches/indicateurs/personnes-informees.md"), mine);
    assert_eq!(read(&repo, "fiches/indicateurs/nombre-de-supports-crees.md"), other);
    assert!(!repo.join("fiches/indicateurs/nombre-de-personnes-informees.md").exists());
    assert!(
        read(&repo, "fiches/indicateurs/nombre-de-supports-crees-2.md")
            .contains("libelle: \"Nombre de supports créés\"")
    );
    let action = read(&repo, "fiches/actions/action-1-3-1.md");
    assert!(
        action.contains("  - nombre-de-supports-crees-2\n") && action.contains("  - personnes-informees\n"),
        "{action}"
    );
}

#[test]
fn an_axis_missing_from_clsm_toml_is_added_even_without_a_title() {
    // The CCTC contract without its axis 2: the sheet numbers action 2.1.1 in it
    // but gives it no title.
    let repo = empty_cctc("import-axe-sans-titre");
    let without = "titre = \"Conseil local de santé mentale CCTC\"\ntype = \"CLSM\"\nporteur = \"coordination-clsm\"\n\n\
                   [[axes]]\nid = \"1\"\ntitre = \"Développer la Prévention et promotion de la santé\"\n\n\
                   [[axes]]\nid = \"3\"\ntitre = \"Disposer d'une gouvernance autour de la santé mentale sur le territoire\"\n";
    fs::write(repo.join("clsm.toml"), without).unwrap();
    let (_, _, stderr) = import(&repo, &["--contrat"]);
    let after = read(&repo, "clsm.toml");
    let added = "\n[[axes]]\nid = \"2\"\ntitre = \"Axe 2 (intitulé absent du tableau, à compléter)\"\n";
    assert_eq!(after.replacen(ADDED_OBJECTIF, "", 1), format!("{without}{added}"), "{stderr}");
    assert_eq!(check(&repo)["errors"], 0);
}

#[test]
fn dry_run_shows_and_writes_nothing() {
    let repo = empty_cctc("import-dry");
    let (code, stdout, stderr) = import(&repo, &["--dry-run"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("6 fiches-actions seraient créées"), "{stderr}");
    assert!(stdout.contains("=== fiches/actions/action-1-1-1.md"));
    assert!(!repo.join("fiches/actions").exists() && !repo.join("fiches/indicateurs").exists());
}

#[test]
fn unmapped_columns_are_kept_in_the_body() {
    let repo = empty_cctc("import-unmapped");
    let csv = repo.join("tableau.csv");
    fs::write(&csv, "Objectifs stratégiques,Objectifs spécifiques,Actions,Budget estimé\n1. Prévenir,1.1 Informer,\"Action 1.1.1 Ateliers, saison 1\",\"2 000 €\"\n").unwrap();
    let (code, _, stderr) = import_file(&repo, &csv, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("encodage UTF-8, séparateur `,`")
            && stderr.contains("colonnes non reconnues, recopiées dans le texte des fiches : Budget estimé"),
        "{stderr}"
    );
    let fiche = read(&repo, "fiches/actions/action-1-1-1.md");
    assert!(fiche.contains("titre: \"Ateliers, saison 1\""), "{fiche}");
    assert!(fiche.contains("## Colonnes non reprises\n\n- **Budget estimé** : 2 000 €"), "{fiche}");
}

#[test]
fn a_file_without_a_logframe_header_is_refused() {
    let repo = empty_cctc("import-none");
    let csv = repo.join("autre.csv");
    fs::write(&csv, "nom;prénom\nDupont;Marie\n").unwrap();
    let (code, _, stderr) = import_file(&repo, &csv, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("aucune ligne d'en-têtes de cadre logique"), "{stderr}");
}

#[test]
fn names_the_spreadsheet_line_of_each_row_and_keeps_its_columns() {
    let repo = empty_cctc("import-lines");
    let dir = temp_dir("import-lines-csv");
    // Excel's CRLF, a cell on two lines, and text full of commas in a `;` file.
    let sheet = "Objectifs stratégiques;Objectifs spécifiques;Actions\r\n\
                 1. Prévenir, informer, orienter;\"1.1 Informer,\r\nformer, aider\";1.1.1 Ateliers, forums, stands\r\n\
                 ;;1.1.2 Permanences, visites\r\n";
    let csv = dir.join("cadre.csv");
    fs::write(&csv, sheet).unwrap();
    let (code, _, stderr) = import_file(&repo, &csv, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("séparateur `;`, en-têtes ligne 1"), "{stderr}");
    let first = read(&repo, "fiches/actions/action-1-1-1.md");
    assert!(first.contains("Importée de cadre.csv, ligne 2."), "{first}");
    assert!(first.contains("titre: \"Ateliers, forums, stands\""), "{first}");
    assert!(first.contains("objectif_strategique: \"Prévenir, informer, orienter\""), "{first}");
    let second = read(&repo, "fiches/actions/action-1-1-2.md");
    assert!(second.contains("Importée de cadre.csv, ligne 4."), "{second}");
    assert!(second.contains("titre: \"Permanences, visites\""), "{second}");
}
