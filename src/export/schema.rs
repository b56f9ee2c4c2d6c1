//! The Table Schema of each export (Frictionless Data), for the `datapackage.json`
//! that `clsm export --profil opendata --out` writes beside the CSV files: each
//! column's type, format and codes, so that a data portal reads a numéro `1.10`
//! or a phone number `0387000001` as text, `true` as a boolean, and knows which
//! codes a column may hold.

use serde_json::{Value, json};

use crate::model::vocab::{self, Vocab, Vocabularies};

/// A date as `clsm` writes it: to the year, the month or the day (ISO 8601).
const DATE: &str = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$";

/// What a column holds.
enum Kind {
    Text,
    Number,
    Integer,
    Boolean,
    Date,
    /// A code of a vocabulary.
    Code(&'static Vocab),
    /// Codes of a vocabulary, separated by `|`.
    Codes(&'static Vocab),
    /// Values separated by `|`.
    List,
}

/// What column `column` of table `table` holds, and what it means.
fn kind(table: &str, column: &str) -> (Kind, &'static str) {
    use Kind::*;
    match (table, column) {
        (_, "date" | "fin" | "echeance" | "echeance_periode" | "calendrier_debut" | "calendrier_fin") => {
            (Date, "Date ISO 8601, à l'année (2024), au mois (2024-06) ou au jour (2024-06-15)")
        }
        ("indicateurs", "type") => (Code(&vocab::TYPE_INDICATEUR), "Indicateur de processus ou de résultat"),
        ("indicateurs", "unite") => (Code(&vocab::UNITE), "Unité des valeurs"),
        ("indicateurs", "cumul") => (
            Boolean,
            "true : chaque mesure est un total depuis le début ; false : chaque mesure compte sa période ; vide : la dernière mesure compte",
        ),
        ("indicateurs", "valeur" | "numerateur" | "denominateur" | "cible" | "cible_periode") => {
            (Number, "Nombre, au point décimal")
        }
        ("indicateurs", "dimension") => {
            (Text, "Dimension de la ventilation (vide sur la ligne de la mesure elle-même, son total)")
        }
        ("indicateurs", "categorie") => (Text, "Catégorie de la dimension (vide sur la ligne de la mesure elle-même)"),
        ("actions", "statut") => (Code(&vocab::STATUT), "Où en est l'action"),
        ("actions", "public") => (Codes(&vocab::PUBLIC), "Publics visés, séparés par |"),
        ("actions", "budget" | "financements_acquis" | "financements_pressentis") => (Number, "Montant en euros"),
        ("partenaires", "type") => (Code(&vocab::TYPE_PARTENAIRE), "Type de structure"),
        ("partenaires", "secteurs") => (Codes(&vocab::SECTEURS), "Secteurs d'activité, séparés par |"),
        ("partenaires", "instances") => (Codes(&vocab::INSTANCES), "Instances où la structure siège, séparées par |"),
        ("partenaires", "latitude" | "longitude") => (Number, "Degrés décimaux (WGS 84)"),
        ("partenaires", "fondateur") => (Boolean, "Partenaire fondateur du contrat"),
        ("evenements", "type") => (Code(&vocab::TYPE_EVENEMENT), "Type de réunion ou d'événement"),
        ("evenements", "participants" | "nombre_partenaires" | "nombre_evenements") => (Integer, "Nombre entier"),
        (_, "actions" | "partenaires" | "thematiques" | "indicateurs" | "sources" | "porte" | "participe") => {
            (List, "Identifiants ou textes, séparés par |")
        }
        (_, "telephone") => (Text, "Téléphone, tel qu'écrit (le zéro initial gardé)"),
        (_, "numero") => (Text, "Numéro officiel de la fiche, tel qu'écrit (1.10 n'est pas 1.1)"),
        _ => (Text, ""),
    }
}

/// The field of column `column` of table `table`, the codes of its vocabulary
/// taken from `vocabularies` (with the repository's own words).
fn field(table: &str, column: &str, vocabularies: &Vocabularies) -> Value {
    let (kind, description) = kind(table, column);
    let mut field = json!({ "name": column, "type": "string" });
    match kind {
        Kind::Text | Kind::List => {}
        Kind::Number => field["type"] = json!("number"),
        Kind::Integer => field["type"] = json!("integer"),
        Kind::Boolean => {
            field["type"] = json!("boolean");
            field["trueValues"] = json!(["true"]);
            field["falseValues"] = json!(["false"]);
        }
        Kind::Date => field["constraints"] = json!({ "pattern": DATE }),
        Kind::Code(of) => field["constraints"] = json!({ "enum": vocabularies.words(of) }),
        Kind::Codes(of) => {
            let words = vocabularies.words(of).join("|");
            field["constraints"] = json!({ "pattern": format!("^({words})(\\|({words}))*$") });
        }
    }
    if !description.is_empty() {
        field["description"] = json!(description);
    }
    field
}

/// The file name of the data package, beside the tables it describes.
pub const PACKAGE_FILE: &str = "datapackage.json";

/// A resource's name, from its file's: lower case, letters, digits, `-`, `_` and
/// `.` (`Actions 2025.csv` → `actions-2025`), as Frictionless asks of a name.
fn resource_name(path: &str) -> String {
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    let name: String = stem
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' })
        .collect();
    if name.trim_matches('-').is_empty() { "tableau".into() } else { name }
}

/// The resource of the exported table `table` (`actions`), in the file `path`: its
/// name (that of the file, so that two exports of one table in a folder stay two
/// resources), its CSV dialect and its schema.
pub fn resource(table: &str, path: &str, header: &[&str], delimiter: u8, vocabularies: &Vocabularies) -> Value {
    let fields: Vec<Value> = header.iter().map(|c| field(table, c, vocabularies)).collect();
    json!({
        "name": resource_name(path),
        "path": path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": { "delimiter": (delimiter as char).to_string(), "header": true },
        "schema": { "fields": fields, "missingValues": [""] },
    })
}

/// A data package, its keys in this order: `clsm` knows its own by its start.
#[derive(serde::Serialize)]
struct Package<'a> {
    profile: &'static str,
    #[serde(rename = "x-produit-par")]
    made_by: &'static str,
    name: &'a str,
    title: &'a str,
    resources: Vec<Value>,
}

/// How a `datapackage.json` that clsm wrote starts.
pub const PACKAGE_START: &str = "{\n  \"profile\": \"tabular-data-package\",\n  \"x-produit-par\": \"clsm\"";

/// The data package `name` (`title`) with `resource`, replacing an earlier one of
/// the same name or path in `previous` (a package clsm wrote), the others kept, by
/// path; as the text of `datapackage.json`. Of `previous`, only resources that name
/// a file of the folder are kept: a package edited by hand keeps no stray entry.
pub fn package(name: &str, title: &str, previous: Option<&Value>, resource: Value) -> String {
    let plain_file = |r: &Value| {
        r["name"].is_string()
            && r["path"].as_str().is_some_and(|p| !p.is_empty() && !p.starts_with('.') && !p.contains(['/', '\\']))
    };
    let mut all: Vec<Value> = previous
        .and_then(|p| p["resources"].as_array())
        .into_iter()
        .flatten()
        .filter(|r| plain_file(r) && r["path"] != resource["path"] && r["name"] != resource["name"])
        .cloned()
        .collect();
    all.push(resource);
    all.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    let name = if name.is_empty() { "clsm" } else { name };
    let package = Package { profile: "tabular-data-package", made_by: "clsm", name, title, resources: all };
    let mut text = serde_json::to_string_pretty(&package).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_dates_numbers_and_booleans_are_typed() {
        let v = Vocabularies::default();
        let header = ["partenaire", "type", "secteurs", "latitude", "telephone", "fondateur"];
        let r = resource("partenaires", "partenaires.csv", &header, b',', &v);
        let fields = r["schema"]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), header.len());
        assert_eq!(fields[1]["constraints"]["enum"][0], "etablissement_sante");
        assert!(fields[2]["constraints"]["pattern"].as_str().unwrap().starts_with("^(sanitaire|social|"));
        assert_eq!(fields[3]["type"], "number");
        assert_eq!(fields[4]["type"], "string", "a phone number keeps its leading zero");
        assert_eq!(fields[5]["type"], "boolean");
        let dates = resource("evenements", "e.csv", &["date"], b',', &v);
        assert_eq!(dates["schema"]["fields"][0]["constraints"]["pattern"], DATE);
    }

    #[test]
    fn a_package_keeps_the_resources_of_other_tables() {
        let v = Vocabularies::default();
        let read = |text: String| -> Value { serde_json::from_str(&text).unwrap() };
        let first = package("c", "C", None, resource("actions", "actions.csv", &["action"], b',', &v));
        assert!(first.starts_with(PACKAGE_START), "{first}");
        let first = read(first);
        let second =
            read(package("c", "C", Some(&first), resource("evenements", "evenements.csv", &["evenement"], b',', &v)));
        let paths: Vec<&str> =
            second["resources"].as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
        assert_eq!(paths, ["actions.csv", "evenements.csv"]);
        let again =
            read(package("c", "C", Some(&second), resource("actions", "actions.csv", &["action", "titre"], b',', &v)));
        assert_eq!(again["resources"].as_array().unwrap().len(), 2, "the same table replaced, not added");
        // Two exports of one table are two resources, each named after its file.
        let two = read(package("c", "C", Some(&again), resource("actions", "Actions 2025.csv", &["action"], b',', &v)));
        let names: Vec<&str> =
            two["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["actions-2025", "actions", "evenements"]);
    }

    #[test]
    fn a_package_edited_by_hand_keeps_no_stray_resource_and_always_has_a_name() {
        let v = Vocabularies::default();
        let edited = serde_json::json!({ "resources": [
            5,
            { "name": "a", "path": null },
            { "name": "b", "path": "../../etc/passwd" },
            { "name": "c", "path": "c.csv" },
        ] });
        let text = package("", "健康", Some(&edited), resource("actions", "actions.csv", &["action"], b',', &v));
        let package: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(package["name"], "clsm");
        let paths: Vec<&str> =
            package["resources"].as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
        assert_eq!(paths, ["actions.csv", "c.csv"]);
    }
}
