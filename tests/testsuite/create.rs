//! `clsm new` and `clsm init`: new files that pass `check`, and never a file replaced.

use std::fs;

use clsm::model::{Action, Indicateur, Partenaire};

use crate::{clsm, copy_of, project_root, temp_dir};

#[test]
fn new_fiches_pass_check_and_explain_every_key() {
    let repo = copy_of("valide", "new");
    let r = repo.to_str().unwrap();
    for (kind, id) in [("action", "groupe-aidants"), ("partenaire", "ccas"), ("indicateur", "aidants-accueillis")] {
        let out = clsm(&["--repo", r, "new", kind, id], &project_root());
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = clsm(&["--repo", r, "check", "--format", "json"], &project_root());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], 0, "{report:#}");
    let action = fs::read_to_string(repo.join("fiches/actions/groupe-aidants.md")).unwrap();
    assert!(
        action.contains("titre: \"Groupe aidants\"\n")
            && action.contains("axe: \"1\"\n")
            && action.contains("porteur: \"porteur\"\n")
    );
    for (text, keys) in [
        (action, Action::KEYS),
        (fs::read_to_string(repo.join("fiches/partenaires/ccas.md")).unwrap(), Partenaire::KEYS),
        (fs::read_to_string(repo.join("fiches/indicateurs/aidants-accueillis.md")).unwrap(), Indicateur::KEYS),
    ] {
        for key in keys {
            assert!(text.contains(&format!("{key}:")), "the template lacks `{key}`");
        }
    }
}

#[test]
fn new_refuses_an_existing_or_invalid_id() {
    let repo = copy_of("valide", "new-refuses");
    let r = repo.to_str().unwrap();
    let before = fs::read(repo.join("fiches/actions/a.md")).unwrap();
    let out = clsm(&["--repo", r, "new", "action", "a"], &project_root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("existe déjà"));
    assert_eq!(fs::read(repo.join("fiches/actions/a.md")).unwrap(), before);
    let out = clsm(&["--repo", r, "nouveau", "partenaire", "Ville de Metz"], &project_root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`ville-de-metz`"));
}

#[test]
fn new_action_says_what_to_fill_when_the_contract_has_no_axis() {
    let repo = temp_dir("new-empty");
    fs::write(repo.join("clsm.toml"), "titre = \"Contrat\"\ntype = \"CLS\"\n").unwrap();
    let r = repo.to_str().unwrap();
    assert_eq!(clsm(&["--repo", r, "new", "action", "premiere"], &project_root()).status.code(), Some(0));
    let out = clsm(&["--repo", r, "check", "--format", "json"], &project_root());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["message"].as_str()).collect();
    assert!(messages.contains(&"la clé obligatoire `axe` est vide"), "{messages:?}");
    assert!(messages.contains(&"la clé obligatoire `porteur` est vide"), "{messages:?}");
}

#[test]
fn init_makes_a_repository_that_passes_strictly() {
    let dir = temp_dir("init").join("nouveau");
    let d = dir.to_str().unwrap();
    assert_eq!(clsm(&["init", d], &project_root()).status.code(), Some(0));
    for file in ["clsm.toml", ".gitignore", "fiches/actions/premiere-action.md", "fiches/partenaires/porteur.md"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert!(fs::read_to_string(dir.join(".gitignore")).unwrap().contains("_site/"));
    let out = clsm(&["--repo", d, "check", "--strict"], &project_root());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(clsm(&["init", d], &project_root()).status.code(), Some(2), "already a repository");
}

#[test]
fn init_refuses_a_non_empty_folder_and_never_overwrites_with_force() {
    let dir = temp_dir("init-force");
    fs::write(dir.join(".gitignore"), "mes règles\n").unwrap();
    let d = dir.to_str().unwrap();
    let out = clsm(&["init", d], &project_root());
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("clsm.toml").exists());
    assert_eq!(clsm(&["init", d, "--force"], &project_root()).status.code(), Some(0));
    assert_eq!(fs::read_to_string(dir.join(".gitignore")).unwrap(), "mes règles\n");
    assert!(dir.join("clsm.toml").is_file());
}

#[test]
fn init_templates_copies_the_built_in_templates_for_editing() {
    let repo = copy_of("valide", "init-templates");
    fs::create_dir_all(repo.join("templates")).unwrap();
    fs::write(repo.join("templates/style.css"), "/* à moi */").unwrap();
    let out = clsm(&["init", repo.to_str().unwrap(), "--templates"], &project_root());
    assert_eq!(out.status.code(), Some(0));
    for (name, content) in clsm::render::TEMPLATES {
        let copied = fs::read_to_string(repo.join("templates").join(name)).unwrap();
        if *name == "style.css" {
            assert_eq!(copied, "/* à moi */", "an existing template is kept");
        } else {
            assert_eq!(copied, *content);
        }
    }
    let out = clsm(&["--repo", repo.to_str().unwrap(), "build"], &project_root());
    assert_eq!(out.status.code(), Some(0), "the copied templates build the site");
}

#[test]
fn a_new_event_passes_check_and_explains_every_key() {
    let repo = copy_of("valide", "new-evenement");
    let r = repo.to_str().unwrap();
    let out = clsm(&["--repo", r, "new", "evenement", "copil-2026-03"], &project_root());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = fs::read_to_string(repo.join("fiches/evenements/copil-2026-03.md")).unwrap();
    for key in clsm::model::Evenement::KEYS {
        assert!(text.contains(&format!("{key}:")), "the template lacks `{key}`");
    }
    assert!(text.contains("titre: \"Copil 2026 03\""), "{text}");
    let out = clsm(&["--repo", r, "check", "--format", "json"], &project_root());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], 0, "{report:#}");
    let again = clsm(&["--repo", r, "new", "evenement", "copil-2026-03"], &project_root());
    assert_eq!(again.status.code(), Some(2), "never over an existing fiche");
}
