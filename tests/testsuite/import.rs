//! `clsm import`: seed 003 as French Excel saves it, into new fiches only.

use std::fs;

use crate::{clsm, project_root, temp_dir};

/// A repository with the CCTC contract and no fiche yet.
fn empty_cctc(test: &str) -> std::path::PathBuf {
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

fn import(repo: &std::path::Path, extra: &[&str]) -> (i32, String, String) {
    let csv = project_root().join("examples/cctc/cadre-logique-cctc.csv");
    let mut args = vec!["--repo", repo.to_str().unwrap(), "import", csv.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = clsm(&args, &project_root());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn imports_the_excel_export_of_seed_003() {
    let repo = empty_cctc("import");
    let (code, _, stderr) = import(&repo, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("encodage Windows-1252 (export Excel), séparateur `;`, en-têtes ligne 5"), "{stderr}");
    assert!(stderr.contains("9 fiches-actions créées"), "{stderr}");
    assert!(stderr.contains("ligne 12 : la colonne « Actions » contient un objectif"), "{stderr}");
    let fiche = fs::read_to_string(repo.join("fiches/actions/action-1-1-1.md")).unwrap();
    for expected in [
        "numero: \"1.1.1\"",
        "titre: \"Déployer sensibilisation pour les acteurs du territoire",
        "axe: \"1\"",
        "objectif_specifique: \"Individualiser les réponses des personnes en situation de précarité",
        "public_precision: \"Ensemble des partenaires intervenant auprès des personnes en situation de précarité",
        "moyens_a_rechercher: \"Salle Organisme de formation proposant un atelier",
        "## Indicateurs de résultat",
        "\\*Feuille émargement",
    ] {
        assert!(fiche.contains(expected), "{expected}\n{fiche}");
    }
    // Merged cells: the second action of objective 1.1 has its objectives.
    let second = fs::read_to_string(repo.join("fiches/actions/action-1-1-2.md")).unwrap();
    assert!(second.contains("objectif_strategique: \"Développer la Prévention et promotion de la santé\""));
    let out = clsm(&["--repo", repo.to_str().unwrap(), "check", "--format", "json"], &project_root());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], 0, "{report:#}");
}

#[test]
fn importing_twice_replaces_nothing() {
    let repo = empty_cctc("import-twice");
    assert_eq!(import(&repo, &[]).0, 0);
    let path = repo.join("fiches/actions/action-1-2-1.md");
    fs::write(&path, "---\ntitre: modifiée à la main\naxe: \"1\"\nporteur: coordination-clsm\n---\n").unwrap();
    let (code, _, stderr) = import(&repo, &[]);
    assert_eq!(code, 0);
    assert!(stderr.contains("0 fiches-actions créées"), "{stderr}");
    assert!(stderr.contains("conservée : fiches/actions/action-1-2-1.md"), "{stderr}");
    assert!(fs::read_to_string(&path).unwrap().contains("modifiée à la main"));
}

#[test]
fn dry_run_shows_and_writes_nothing() {
    let repo = empty_cctc("import-dry");
    let (code, stdout, stderr) = import(&repo, &["--dry-run"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("9 fiches-actions seraient créées"), "{stderr}");
    assert!(stdout.contains("=== fiches/actions/action-1-1-1.md"));
    assert!(!repo.join("fiches/actions").exists());
}

#[test]
fn unmapped_columns_are_kept_in_the_body() {
    let repo = empty_cctc("import-unmapped");
    let csv = repo.join("tableau.csv");
    fs::write(&csv, "Objectifs stratégiques,Objectifs spécifiques,Actions,Budget estimé\n1. Prévenir,1.1 Informer,\"Action 1.1.1 Ateliers, saison 1\",\"2 000 €\"\n").unwrap();
    let out = clsm(&["--repo", repo.to_str().unwrap(), "import", csv.to_str().unwrap()], &project_root());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("encodage UTF-8, séparateur `,`")
            && stderr.contains("colonnes non reconnues, recopiées dans le texte des fiches : Budget estimé"),
        "{stderr}"
    );
    let fiche = fs::read_to_string(repo.join("fiches/actions/action-1-1-1.md")).unwrap();
    assert!(fiche.contains("titre: \"Ateliers, saison 1\""), "{fiche}");
    assert!(fiche.contains("## Colonnes non reprises\n\n- **Budget estimé** : 2 000 €"), "{fiche}");
}

#[test]
fn a_file_without_a_logframe_header_is_refused() {
    let repo = empty_cctc("import-none");
    let csv = repo.join("autre.csv");
    fs::write(&csv, "nom;prénom\nDupont;Marie\n").unwrap();
    let out = clsm(&["--repo", repo.to_str().unwrap(), "import", csv.to_str().unwrap()], &project_root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("aucune ligne d'en-têtes de cadre logique"));
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
    let out = clsm(&["--repo", repo.to_str().unwrap(), "import", csv.to_str().unwrap()], &project_root());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("séparateur `;`, en-têtes ligne 1"), "{stderr}");
    let first = fs::read_to_string(repo.join("fiches/actions/action-1-1-1.md")).unwrap();
    assert!(first.contains("Importée de cadre.csv, ligne 2."), "{first}");
    assert!(first.contains("titre: \"Ateliers, forums, stands\""), "{first}");
    assert!(first.contains("objectif_strategique: \"Prévenir, informer, orienter\""), "{first}");
    let second = fs::read_to_string(repo.join("fiches/actions/action-1-1-2.md")).unwrap();
    assert!(second.contains("Importée de cadre.csv, ligne 4."), "{second}");
    assert!(second.contains("titre: \"Permanences, visites\""), "{second}");
}
