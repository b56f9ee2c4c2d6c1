//! `clsm schema`: the schemas accept every real fiche and refuse what `check` refuses.

use std::path::Path;

use crate::{clsm, files, fixture, project_root};

fn schema_in(repo: &Path, kind: &str) -> serde_json::Value {
    let out = clsm(&["--repo", repo.to_str().unwrap(), "schema", kind], &project_root());
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).expect("a JSON schema")
}

fn schema(kind: &str) -> serde_json::Value {
    schema_in(&project_root(), kind)
}

/// The front matter of a fiche, as JSON.
fn front_matter(bytes: &[u8]) -> serde_json::Value {
    let text = String::from_utf8_lossy(bytes);
    let yaml = text.split("---\n").nth(1).expect("front matter");
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).expect("YAML");
    serde_json::to_value(value).expect("JSON")
}

fn errors(schema: &serde_json::Value, instance: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::draft202012::new(schema).expect("a valid draft 2020-12 schema");
    validator.iter_errors(instance).map(|e| e.to_string()).collect()
}

#[test]
fn every_fiche_of_the_repositories_matches_its_schema() {
    for repo in [project_root(), project_root().join("examples/cls-exemple")] {
        for (kind, folder) in [
            ("action", "actions"),
            ("partenaire", "partenaires"),
            ("indicateur", "indicateurs"),
            ("evenement", "evenements"),
        ] {
            // A repository's own vocabulary words are part of its schema.
            let schema = schema_in(&repo, kind);
            let dir = repo.join("fiches").join(folder);
            if !Path::new(&dir).is_dir() {
                continue;
            }
            for (name, bytes) in files(&dir) {
                let problems = errors(&schema, &front_matter(&bytes));
                assert!(problems.is_empty(), "{folder}/{name}: {problems:?}");
            }
        }
    }
}

#[test]
fn the_schema_refuses_unknown_keys_and_words() {
    let schema = schema("action");
    let bad_key = front_matter(&std::fs::read(fixture("cle-inconnue").join("fiches/actions/a.md")).unwrap());
    assert!(!errors(&schema, &bad_key).is_empty());
    let bad_word = front_matter(&std::fs::read(fixture("vocabulaire").join("fiches/actions/a.md")).unwrap());
    assert!(!errors(&schema, &bad_word).is_empty());
    let missing = front_matter(&std::fs::read(fixture("cle-manquante").join("fiches/actions/a.md")).unwrap());
    assert!(!errors(&schema, &missing).is_empty());
}

#[test]
fn all_schemas_at_once_are_draft_2020_12() {
    let out = clsm(&["schema"], &project_root());
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for kind in ["action", "partenaire", "indicateur", "evenement", "config"] {
        assert_eq!(all[kind]["$schema"], "https://json-schema.org/draft/2020-12/schema");
        jsonschema::draft202012::new(&all[kind]).expect("valid schema");
    }
    // The description of a vocabulary key lists its words in French.
    assert_eq!(all["action"]["properties"]["public"]["items"]["enum"][0], "enfants");
}
