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
    // A vocabulary key lists its words, and its description says what each means.
    let public = all["action"]["properties"]["public"]["description"].as_str().unwrap();
    assert!(public.contains("enfants : Enfants"), "{public}");
    assert_eq!(all["action"]["properties"]["public"]["anyOf"][0]["items"]["enum"][0], "enfants");
}

/// A small repository with one fiche of each kind, every reference resolved.
fn base(test: &str) -> std::path::PathBuf {
    let repo = crate::temp_dir(test).join("repo");
    let files = [
        (
            "clsm.toml",
            "titre = \"Essai\"\ntype = \"CLS\"\nporteur = \"porteur\"\n[[axes]]\nid = \"1\"\ntitre = \"Axe\"\n[[thematiques]]\nid = \"jeunes\"\ntitre = \"Jeunes\"\n",
        ),
        ("fiches/partenaires/porteur.md", "---\nnom: Porteur\n---\n"),
        (
            "fiches/indicateurs/taux.md",
            "---\nlibelle: Taux\ntype: resultat\nunite: pourcentage\nmesures:\n  - { date: 2025, valeur: 40 }\n---\n",
        ),
        ("fiches/actions/a.md", "---\ntitre: Action\naxe: \"1\"\nporteur: porteur\nindicateurs: [taux]\n---\n"),
        ("fiches/evenements/e.md", "---\ndate: 2025-03-18\nactions: [a]\npartenaires: [porteur]\n---\n"),
    ];
    for (rel, text) in files {
        std::fs::create_dir_all(repo.join(rel).parent().unwrap()).unwrap();
        std::fs::write(repo.join(rel), text).unwrap();
    }
    repo
}

/// The fiches of one kind tried by both `check` and the schema: `(valid, front matter)`.
const ACTIONS: &[(bool, &str)] = &[
    (true, "titre: Action\naxe: \"1\"\nporteur: porteur\nindicateurs: [taux]\n"),
    (true, "titre: Action\naxe: 1\nporteur: porteur\nindicateurs: [taux]\npilote:\nnumero: \"2.2\"\n"),
    (false, "titre: Action\naxe: \"1\"\nporteur: porteur\nindicateurs: [taux]\nnumero: 1.10\n"),
    (true, "titre: Action\naxe: \"1\"\nporteur: porteur\nstatut: piste\npublic: [adultes]\nthematiques: [jeunes]\n"),
    (
        true,
        "titre: A\naxe: \"1\"\nporteur: porteur\nstatut: piste\ncalendrier: { debut: 2024, fin: 2025-06 }\nbudget: [{ poste: Salle, montant: 1250.50 }]\n",
    ),
    (
        true,
        "titre: A\naxe: \"1\"\nporteur: porteur\nstatut: piste\nfinancements: [{ financeur: porteur, montant: 100, statut: acquis }]\n",
    ),
    (
        true,
        "titre: A\naxe: \"1\"\nporteur: porteur\nstatut: piste\navancement: [{ date: 2024-02-29, texte: Fait, participants: 14 }]\n",
    ),
    (false, "axe: \"1\"\nporteur: porteur\n"),
    (false, "titre: \"\"\naxe: \"1\"\nporteur: porteur\n"),
    (false, "titre: \" \"\naxe: \"1\"\nporteur: porteur\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\ntitr: x\n"),
    (false, "titre: A\naxe: \"9\"\nporteur: porteur\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: inconnu\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\npartenaires: [inconnu]\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\npartenaires: [porteur, porteur]\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\nindicateurs: [inconnu]\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\nthematiques: [inconnue]\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\nstatut: en_cours\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\ncalendrier: { debut: 2025-02-30, fin: 2026 }\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\ncalendrier: { debut: 2025-13, fin: 2026 }\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\ncalendrier: 2025-2027\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\nbudget: [{ poste: Salle, montant: \"5 000 €\" }]\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\nbudget: [{ poste: Salle, montant: -5 }]\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\nbudget: [{ poste: Salle, montant: 12.345 }]\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\navancement: [{ date: 18/03/2025, texte: Fait }]\n"),
    (
        false,
        "titre: A\naxe: \"1\"\nporteur: porteur\navancement: [{ date: 2025, texte: Fait, participants: 20000000 }]\n",
    ),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\navancement: [{ date: 2025, texte: Fait, participants: -3 }]\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\nfinancements: [{ financeur: porteur, statut: promis }]\n"),
    (false, "titre: A\naxe: \"1\"\nporteur: porteur\ninegalites_sociales: oui\n"),
];

const PARTNERS: &[(bool, &str)] = &[
    (true, "nom: Porteur\ncoordonnees: { lat: 49.12, lon: 6.18 }\nsigle: P\n"),
    (true, "nom: Porteur\ntype:\n"),
    (false, "nom: Porteur\ncoordonnees: { lat: 91, lon: 6.18 }\n"),
    (false, "nom: Porteur\ncoordonnees: { lat: 49.12, lon: 200 }\n"),
    (false, "nom: Porteur\ncoordonnees: { lat: 49.12 }\n"),
    (false, "sigle: P\n"),
];

const INDICATORS: &[(bool, &str)] = &[
    (true, "libelle: Taux\ntype: resultat\nunite: pourcentage\nmesures:\n  - { date: 2025, valeur: 40 }\n"),
    (
        true,
        "libelle: Taux\ntype: resultat\nunite: pourcentage\nmesures:\n  - { date: 2025, numerateur: 3, denominateur: 10 }\n",
    ),
    (true, "libelle: Nombre\ntype: processus\nmesures:\n  - { date: 2025, valeur: 120 }\n"),
    (false, "libelle: Taux\ntype: resultat\nunite: pourcentage\nmesures:\n  - { date: 2025, valeur: 120 }\n"),
    (
        false,
        "libelle: Taux\ntype: resultat\nunite: pourcentage\ncible: { valeur: 120 }\nmesures:\n  - { date: 2025, valeur: 40 }\n",
    ),
    (false, "libelle: Taux\ntype: resultat\nmesures:\n  - { date: 2025 }\n"),
    (false, "libelle: Taux\ntype: resultat\nmesures:\n  - { date: 2025, numerateur: 3 }\n"),
    (false, "libelle: Taux\ntype: resultat\nmesures:\n  - { date: 2025, numerateur: 3, denominateur: 0 }\n"),
    (false, "libelle: Taux\ntype: mystere\n"),
];

const EVENTS: &[(bool, &str)] = &[
    (true, "date: 2025-03-18\nactions: [a]\nparticipants: 30\n"),
    (false, "actions: [a]\n"),
    (false, "date: 2025-03-18\nactions: [inconnue]\n"),
    (false, "date: 2025-03-18\npartenaires: [inconnu]\n"),
];

#[test]
fn the_schema_and_check_give_the_same_verdict() {
    let kinds = [
        ("action", "fiches/actions/a.md", ACTIONS),
        ("partenaire", "fiches/partenaires/porteur.md", PARTNERS),
        ("indicateur", "fiches/indicateurs/taux.md", INDICATORS),
        ("evenement", "fiches/evenements/e.md", EVENTS),
    ];
    let mut disagreements = Vec::new();
    for (n, (kind, file, cases)) in kinds.iter().flat_map(|(k, f, c)| c.iter().map(move |c| (k, f, c))).enumerate() {
        let repo = base(&format!("schema-verdict-{n}"));
        let text = format!("---\n{}---\n", cases.1);
        std::fs::write(repo.join(file), &text).unwrap();
        let out = clsm(&["check", "--format", "json", "--repo", repo.to_str().unwrap()], &project_root());
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let refused =
            report["diagnostics"].as_array().unwrap().iter().any(|d| d["severity"] == "error" && d["file"] == **file);
        assert_eq!(!refused, cases.0, "check on {file}:\n{text}\n{report:#}");
        let schema_ok = errors(&schema_in(&repo, kind), &front_matter(text.as_bytes())).is_empty();
        if schema_ok != cases.0 {
            disagreements.push(format!("{kind} (valide : {}) :\n{}", cases.0, cases.1));
        }
    }
    assert!(disagreements.is_empty(), "the schema disagrees with check on:\n{}", disagreements.join("\n"));
}
