//! JSON Schema (draft 2020-12) of each kind's front matter and of `clsm.toml`, for
//! editors: completion, descriptions in French, vocabularies as enums.
//!
//! Each record type describes itself from the list of keys of its [`record!`]
//! declaration; this module adds what a key means and which vocabulary it takes.
//!
//! [`record!`]: crate::model::yaml

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::model::bounds;
use crate::model::vocab::{self, Vocab, Vocabularies};
use crate::model::{Montant, PartialDate};

/// What schemas are made with: the vocabularies in force (built-ins and extensions)
/// and, inside a repository, its ids, so that a reference to nobody is refused.
pub struct SchemaCx<'a> {
    pub vocab: &'a Vocabularies,
    pub ids: Option<&'a RepoIds>,
}

/// The ids of a repository, for the enums of its references.
#[derive(Debug, Default)]
pub struct RepoIds {
    pub axes: Vec<String>,
    /// The axes of the parent contract, `[[contrat_parent.axes]]`.
    pub axes_parent: Vec<String>,
    pub thematiques: Vec<String>,
    pub partenaires: Vec<String>,
    pub indicateurs: Vec<String>,
    pub actions: Vec<String>,
    /// The dimensions of `[dimensions.NOM]`.
    pub dimensions: Vec<String>,
}

impl RepoIds {
    /// The ids of a loaded repository, unreadable fiches included (they exist).
    pub fn of(repo: &crate::model::Repository) -> Self {
        use crate::model::Kind;
        let with_unreadable = |kind: Kind| {
            let mut ids: Vec<String> = repo.ids(kind).into_iter().map(String::from).collect();
            ids.extend(repo.unreadable.iter().filter(|(k, _)| *k == kind).map(|(_, id)| id.clone()));
            ids.sort();
            ids
        };
        let config = &repo.config;
        RepoIds {
            axes: config.axes.iter().flatten().filter_map(|a| a.id.clone()).collect(),
            axes_parent: config
                .contrat_parent
                .iter()
                .flat_map(|p| p.axes.iter().flatten())
                .filter_map(|a| a.id.clone())
                .collect(),
            thematiques: config.thematiques.iter().flatten().filter_map(|t| t.id.clone()).collect(),
            partenaires: with_unreadable(Kind::Partenaire),
            indicateurs: with_unreadable(Kind::Indicateur),
            actions: with_unreadable(Kind::Action),
            dimensions: config.dimensions.iter().flatten().map(|(name, _)| name.clone()).collect(),
        }
    }
}

/// A type that can describe itself as a JSON Schema.
pub trait Schema {
    fn schema(cx: &SchemaCx) -> Value;
}

impl Schema for String {
    fn schema(_: &SchemaCx) -> Value {
        // `axe: 2` is read as the text written; a decimal number is not.
        json!({ "type": ["string", "integer"] })
    }
}

impl Schema for bool {
    fn schema(_: &SchemaCx) -> Value {
        json!({ "type": "boolean" })
    }
}

impl Schema for f64 {
    fn schema(_: &SchemaCx) -> Value {
        json!({ "type": "number" })
    }
}

impl Schema for u64 {
    fn schema(_: &SchemaCx) -> Value {
        json!({ "type": "integer", "minimum": 0 })
    }
}

impl Schema for PartialDate {
    fn schema(_: &SchemaCx) -> Value {
        json!({
            "anyOf": [
                { "type": "integer", "minimum": 1000, "maximum": 9999 },
                { "type": "string", "pattern": crate::model::date::PATTERN }
            ]
        })
    }
}

impl Schema for Montant {
    fn schema(_: &SchemaCx) -> Value {
        json!({ "type": "number", "minimum": 0, "maximum": Montant::MAX_LINE, "multipleOf": 0.01 })
    }
}

impl<T: Schema> Schema for Vec<T> {
    fn schema(cx: &SchemaCx) -> Value {
        json!({ "type": "array", "items": T::schema(cx) })
    }
}

impl<V: Schema> Schema for BTreeMap<String, V> {
    fn schema(cx: &SchemaCx) -> Value {
        json!({ "type": "object", "additionalProperties": V::schema(cx) })
    }
}

/// The vocabulary a key of a record takes, if any.
fn vocabulary(record: &str, key: &str) -> Option<&'static Vocab> {
    Some(match (record, key) {
        ("Action" | "ObjectifOperationnel" | "Avancement", "statut") => &vocab::STATUT,
        ("Financement", "statut") => &vocab::STATUT_FINANCEMENT,
        ("Action", "typologie") => &vocab::TYPOLOGIE,
        ("Action", "duree") => &vocab::DUREE,
        ("Action", "territoire") => &vocab::TERRITOIRE,
        ("Action", "public") => &vocab::PUBLIC,
        ("Action", "participation") => &vocab::PARTICIPATION,
        ("Action", "champ") => &vocab::CHAMP,
        ("Partenaire", "type") => &vocab::TYPE_PARTENAIRE,
        ("Partenaire" | "Config", "secteurs") => &vocab::SECTEURS,
        ("Partenaire", "instances") => &vocab::INSTANCES,
        ("Indicateur", "type") => &vocab::TYPE_INDICATEUR,
        ("Indicateur", "unite") => &vocab::UNITE,
        ("Indicateur", "sens") => &vocab::SENS,
        ("Evenement", "type") => &vocab::TYPE_EVENEMENT,
        ("Config" | "ContratParent", "type") => &vocab::TYPE_CONTRAT,
        _ => return None,
    })
}

/// The ids a reference key takes, inside a repository.
fn references<'a>(ids: &'a RepoIds, record: &str, key: &str) -> Option<&'a [String]> {
    Some(match (record, key) {
        ("Action", "axe") => &ids.axes,
        ("Action", "axe_parent") => &ids.axes_parent,
        ("Action", "thematiques") => &ids.thematiques,
        ("Action", "porteur" | "partenaires") | ("Financement", "financeur") | ("Config", "porteur") => {
            &ids.partenaires
        }
        ("Evenement" | "Etape", "partenaires") => &ids.partenaires,
        ("Action", "indicateurs") => &ids.indicateurs,
        ("Evenement", "actions") => &ids.actions,
        ("Indicateur", "ventilation") => &ids.dimensions,
        _ => return None,
    })
}

/// What a key means, in French. Every key of every record has one.
fn description(record: &str, key: &str) -> &'static str {
    match (record, key) {
        ("Action", "titre") => "Titre de la fiche-action (obligatoire)",
        ("Action", "numero") => "Numéro officiel, pour l'affichage et le tri : \"15\", \"1.1.2\"",
        ("Action", "axe") => "Axe du contrat : un id des [[axes]] de clsm.toml (obligatoire)",
        ("Action", "axe_parent") => {
            "Axe du contrat parent dont relève la fiche : un id des [[contrat_parent.axes]] de clsm.toml"
        }
        ("Action", "statut") => "Où en est l'action",
        ("Action", "porteur") => "Structure qui porte l'action : un identifiant de partenaire (obligatoire)",
        ("Action", "objectif_strategique") => "Objectif stratégique auquel l'action répond",
        ("Action", "objectif_specifique") => "Objectif spécifique auquel l'action répond",
        ("Action", "objectifs_operationnels") => "Objectifs opérationnels : comment ? qui ? quand ?",
        ("Action", "pilote") => "Personne ou service qui pilote l'action",
        ("Action", "partenaires") => "Partenaires de mise en œuvre (identifiants)",
        ("Action", "thematiques") => "Thématiques : des id des [[thematiques]] de clsm.toml",
        ("Action", "typologie") => "Nature de l'action",
        ("Action", "duree") => "Durée de l'action",
        ("Action", "territoire") => "Territoire couvert",
        ("Action", "lieux") => "Lieux de réalisation",
        ("Action", "public") => "Publics visés",
        ("Action", "public_precision") => "Précisions sur le public (le « Autre : … » du formulaire)",
        ("Action", "calendrier") => "Période prévue { debut, fin }",
        ("Action", "budget") => "Budget prévisionnel, ligne par ligne",
        ("Action", "financements") => "Financements pressentis et acquis",
        ("Action", "indicateurs") => "Indicateurs qui évaluent l'action (identifiants)",
        ("Action", "determinants") => "Déterminants de santé sur lesquels l'action agit",
        ("Action", "politiques_publiques") => "Politiques publiques dans lesquelles l'action s'inscrit",
        ("Action", "inegalites_sociales") => {
            "Les objectifs visent-ils la lutte contre les inégalités sociales de santé ?"
        }
        ("Action", "demarche_participative") => "Y a-t-il une démarche participative associant les citoyens ?",
        ("Action", "participation") => "Niveau de participation des habitants",
        ("Action", "champ") => "Champs d'intervention",
        ("Action", "prerequis") => "Prérequis à la mise en œuvre",
        ("Action", "dispositifs_existants") => "Dispositifs existants sur lesquels l'action s'appuie",
        ("Action", "resultats_attendus") => "Résultats attendus",
        ("Action", "moyens_mobilisables") => "Moyens financiers, humains et matériels mobilisables",
        ("Action", "moyens_a_rechercher") => "Moyens financiers, humains et matériels à rechercher",
        ("Action", "suivi") => "Modalités de suivi",
        ("Action", "evaluation") => "Modalités d'évaluation",
        ("Action", "avancement") => "Journal d'avancement, du plus ancien au plus récent",
        ("ObjectifOperationnel", "titre") => "Ce qui sera fait (obligatoire)",
        ("ObjectifOperationnel", "comment") => "Comment",
        ("ObjectifOperationnel", "qui") => "Qui : un identifiant de partenaire (vérifié) ou un texte libre",
        ("ObjectifOperationnel", "quand") => "Quand, en toutes lettres : « 1er semestre 2025 »",
        ("ObjectifOperationnel", "statut") => "Où en est cet objectif",
        ("LigneBudget", "poste") => "Poste de dépense (obligatoire)",
        ("LigneBudget", "montant") => "Montant en euros, sans espace ni symbole : 5000 ou 1250.50 (obligatoire)",
        ("Financement", "financeur") => "Le financeur : un identifiant de partenaire (obligatoire)",
        ("Financement", "montant") => "Montant en euros, sans espace ni symbole : 5000 ou 1250.50",
        ("Financement", "statut") => "Financement acquis ou pressenti (obligatoire)",
        ("Avancement", "date") => "Date de l'entrée : AAAA, AAAA-MM ou AAAA-MM-JJ (obligatoire)",
        ("Avancement", "texte") => "Ce qui s'est passé (obligatoire)",
        ("Avancement", "statut") => "Changement de statut à cette date",
        ("Avancement", "participants") => "Nombre de participants",
        ("Avancement", "fin") => "Fin d'une entrée qui dure : « date: 2017-05 » et « fin: 2017-07 »",
        ("PeriodeFields", "debut") => "Début : AAAA, AAAA-MM ou AAAA-MM-JJ (obligatoire)",
        ("PeriodeFields", "fin") => "Fin : AAAA, AAAA-MM ou AAAA-MM-JJ (obligatoire)",
        ("Partenaire", "nom") => "Nom de la structure (obligatoire)",
        ("Partenaire", "sigle") => "Sigle usuel : « IREPS Grand Est »",
        ("Partenaire", "type") => "Type de structure",
        ("Partenaire", "secteurs") => "Secteurs d'activité",
        ("Partenaire", "adresse") => "Adresse postale",
        ("Partenaire", "commune") => "Commune",
        ("Partenaire", "coordonnees") => "Position sur la carte, en degrés décimaux",
        ("Partenaire", "site") => "Site web, adresse complète en https://",
        ("Partenaire", "telephone") => "Téléphone de la structure",
        ("Partenaire", "email") => "Adresse électronique de la structure",
        ("Partenaire", "fondateur") => "Partenaire fondateur du contrat",
        ("Partenaire", "instances") => "Instances du contrat où la structure siège",
        ("Partenaire", "contacts") => "Personnes à contacter : données personnelles, publiées seulement avec --interne",
        ("Contact", "nom") => "Nom de la personne (obligatoire)",
        ("Contact", "fonction") => "Fonction",
        ("Contact", "email") => "Adresse électronique",
        ("Contact", "telephone") => "Téléphone",
        ("Coordonnees", "lat") => "Latitude, entre -90 et 90 (obligatoire)",
        ("Coordonnees", "lon") => "Longitude, entre -180 et 180 (obligatoire)",
        ("Indicateur", "libelle") => "Ce que mesure l'indicateur (obligatoire)",
        ("Indicateur", "type") => "Indicateur de processus ou de résultat (obligatoire)",
        ("Indicateur", "unite") => "Unité des valeurs ; un pourcentage s'écrit de 0 à 100",
        ("Indicateur", "sens") => "Dans quel sens c'est mieux (hausse par défaut)",
        ("Indicateur", "valeur_initiale") => "Valeur de départ, et sa date",
        ("Indicateur", "cible") => "Valeur à atteindre, et son échéance",
        ("Indicateur", "cibles") => "Une cible par période : { echeance, valeur }, dans l'ordre des échéances",
        ("Indicateur", "cumul") => {
            "true : chaque mesure est un total depuis le début ; false : chaque mesure compte sa période"
        }
        ("Indicateur", "ventilation") => "Dimensions de clsm.toml selon lesquelles les mesures sont ventilées",
        ("Indicateur", "numerateur") => "Ce que compte le numérateur",
        ("Indicateur", "denominateur") => "Ce que compte le dénominateur",
        ("Indicateur", "sources") => "Sources de vérification",
        ("Indicateur", "frequence") => "Fréquence de la mesure",
        ("Indicateur", "mesures") => "Mesures : date et valeur, ou numérateur et dénominateur",
        ("ValeurInitiale", "date") => "Date de la valeur de départ",
        ("ValeurInitiale", "valeur") => "Valeur de départ (obligatoire)",
        ("Cible", "valeur") => "Valeur à atteindre (obligatoire)",
        ("Cible", "echeance") => "Date à laquelle l'atteindre",
        ("Mesure", "date") => "Date de la mesure (obligatoire)",
        ("Mesure", "valeur") => "Valeur mesurée (ou numérateur et dénominateur)",
        ("Mesure", "numerateur") => "Numérateur, avec le dénominateur",
        ("Mesure", "denominateur") => "Dénominateur, jamais nul, avec le numérateur",
        ("Mesure", "ventilation") => "La mesure par catégorie : sexe: { femme: 70, homme: 50 }",
        ("Mesure", "commentaire") => "Commentaire sur la mesure",
        ("Mesure", "source") => "D'où vient la mesure",
        ("Evenement", "date") => "Date de la réunion ou de l'événement (obligatoire)",
        ("Evenement", "type") => "Type de réunion ou d'événement",
        ("Evenement", "titre") => "Titre de l'événement",
        ("Evenement", "actions") => "Actions dont il a été question (identifiants)",
        ("Evenement", "partenaires") => "Partenaires présents (identifiants)",
        ("Evenement", "participants") => "Nombre de participants",
        ("Evenement", "fin") => "Fin d'un événement qui dure (une semaine, une saison)",
        ("Evenement", "theme") => "Thème : « Santé mentale et travail » pour une semaine d'information",
        ("Evenement", "nombre_partenaires") => "Pour un événement qui en regroupe plusieurs : nombre de partenaires",
        ("Evenement", "nombre_evenements") => "Pour un événement qui en regroupe plusieurs : nombre d'événements",
        ("Axe" | "Thematique", "id") => "Identifiant : minuscules, chiffres, `.`, `_` et `-` (obligatoire)",
        ("Axe", "titre") => "Intitulé de l'axe (obligatoire)",
        ("Thematique", "titre") => "Intitulé de la thématique (obligatoire)",
        ("Axe" | "Thematique", "description") => "Description",
        ("Thematique", "mise_en_reflexion") => "Date à laquelle les partenaires ont commencé à y réfléchir",
        ("Etape", "date") => "Date de l'étape : AAAA, AAAA-MM ou AAAA-MM-JJ (obligatoire)",
        ("Etape", "fin") => "Fin d'une étape qui dure : « date = 2015 » et « fin = 2016 »",
        ("Etape", "texte") => "Ce qui s'est fait (obligatoire)",
        ("Etape", "partenaires") => "Partenaires de l'étape (identifiants)",
        ("Config", "titre") => "Titre du contrat (obligatoire)",
        ("Config", "type") => "CLSM ou CLS (obligatoire)",
        ("Config", "territoire") => "Territoire du contrat",
        ("Config", "periode") => "Période du contrat { debut, fin }",
        ("Config", "porteur") => "Porteur du contrat : un identifiant de partenaire",
        ("Config", "coordination") => "Qui coordonne le contrat",
        ("Config", "objectif_global") => "Objectif global du contrat",
        ("Config", "url") => "Adresse où le site est publié, en https:// : le calendrier et la carte y renvoient",
        ("Config", "accessibilite") => "Ce que le site dit de son accessibilité (RGAA) : contact, audit, taux",
        ("Accessibilite", "contact") => {
            "Où signaler une page inaccessible : une adresse électronique ou celle d'un formulaire"
        }
        ("Accessibilite", "audit") => "Qui a fait l'audit RGAA complet, et quand",
        ("Accessibilite", "taux") => "Part des critères du RGAA que l'audit trouve respectés, de 0 à 100",
        ("Config", "contrat_parent") => "Contrat dont celui-ci fait partie (le CLS dans lequel s'inscrit un CLSM)",
        ("ContratParent", "titre") => "Titre du contrat parent (obligatoire)",
        ("ContratParent", "type") => "CLS ou CLSM",
        ("ContratParent", "territoire") => "Territoire du contrat parent",
        ("ContratParent", "periode") => "Période du contrat parent { debut, fin }",
        ("ContratParent", "axes") => "Axes du contrat parent, que les fiches citent par `axe_parent`",
        ("Config", "axes") => "Axes stratégiques du contrat",
        ("Config", "contrats_precedents") => {
            "Contrats que celui-ci prolonge, avec leurs axes (pour l'affiche de leur époque)"
        }
        ("Config", "etapes") => "Étapes de mise en œuvre du contrat, de la préfiguration à aujourd'hui",
        ("Config", "secteurs") => "Secteurs concernés : des mots du vocabulaire `secteurs`",
        ("Config", "outils") => "Outils de coordination : « Lettre d'information », « Annuaire des structures »…",
        ("Config", "thematiques") => "Thématiques du contrat",
        ("Config", "dimensions") => {
            "Dimensions de ventilation des mesures : [dimensions.sexe] titre = \"Sexe\", categories = { … }"
        }
        ("Dimension", "titre") => "Intitulé de la dimension : « Sexe », « Tranche d'âge » (obligatoire)",
        ("Dimension", "categories") => "Catégories, identifiant = \"Libellé\", dans l'ordre d'affichage (obligatoire)",
        ("Config", "vocabulaire") => "Mots ajoutés aux vocabulaires : [vocabulaire.public] etudiants = \"Étudiants\"",
        _ => "",
    }
}

/// A key's schema as `check` reads it: its meaning, its words or ids, its bounds,
/// and, for an optional key, an empty value allowed (`pilote:` is no value).
pub fn describe(cx: &SchemaCx, record: &str, key: &str, required: bool, mut schema: Value) -> Value {
    let enumerated: Option<Vec<Value>> =
        vocabulary(record, key).map(|of| cx.vocab.words(of).into_iter().map(Value::String).collect()).or_else(|| {
            let ids = references(cx.ids?, record, key)?;
            // `axe: 2` is the id "2": a number that reads as an id is one too.
            Some(
                ids.iter()
                    .flat_map(|id| {
                        let number = id.parse::<u64>().ok().filter(|n| n.to_string() == *id).map(Value::from);
                        std::iter::once(Value::String(id.clone())).chain(number)
                    })
                    .collect(),
            )
        });
    if let Some(words) = enumerated {
        let target = if schema["type"] == "array" { &mut schema["items"] } else { &mut schema };
        *target = json!({ "enum": words });
    }
    if bounds::DISTINCT.contains(&(record, key)) {
        schema["uniqueItems"] = Value::Bool(true);
    }
    match (record, key) {
        ("Coordonnees", "lat") => bound(&mut schema, &bounds::LATITUDES),
        ("Coordonnees", "lon") => bound(&mut schema, &bounds::LONGITUDES),
        ("Avancement" | "Evenement", "participants") => schema["maximum"] = bounds::MAX_PARTICIPANTS.into(),
        ("Mesure", "denominateur") => schema["not"] = json!({ "const": 0 }),
        ("Axe" | "Thematique", "id") => {
            schema = json!({ "type": ["string", "integer"], "pattern": "^[a-z0-9][a-z0-9._-]*$", "maxLength": crate::model::MAX_ID });
        }
        _ => {}
    }
    if required
        && schema["type"].as_array().is_some_and(|t| t.contains(&json!("string")))
        && schema.get("enum").is_none()
    {
        // A blank text is no title.
        schema["pattern"] = Value::String(schema["pattern"].as_str().unwrap_or("\\S").to_string());
    }
    let mut schema = if required { schema } else { nullable(schema) };
    let mut text = description(record, key).to_string();
    // What each word means, for the editor's hover (the repository's own words too).
    if let Some(of) = vocabulary(record, key) {
        let labels: Vec<String> =
            cx.vocab.words(of).iter().map(|w| format!("{w} : {}", cx.vocab.label(of, w))).collect();
        text = format!("{text}. Valeurs : {}", labels.join(" ; "));
    }
    schema["description"] = Value::String(text);
    schema
}

fn bound(schema: &mut Value, range: &std::ops::RangeInclusive<f64>) {
    schema["minimum"] = (*range.start()).into();
    schema["maximum"] = (*range.end()).into();
}

/// The same schema, or no value at all.
fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

/// A record type: its keys, none other, the required ones, and what binds its keys
/// together.
pub fn object(record: &str, properties: serde_json::Map<String, Value>, required: &[&str]) -> Value {
    let mut out =
        json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false });
    match record {
        // A measure has a value, or a numerator and a denominator.
        "Mesure" => {
            out["anyOf"] = json!([{ "required": ["valeur"] }, { "required": ["numerateur", "denominateur"] }]);
            out["dependentRequired"] = json!({ "numerateur": ["denominateur"], "denominateur": ["numerateur"] });
        }
        // Every value written of a percentage is between 0 and 100.
        "Indicateur" => {
            let percent =
                json!({ "type": "number", "minimum": bounds::PERCENT.start(), "maximum": bounds::PERCENT.end() });
            let valued = json!({ "anyOf": [{ "type": "object", "properties": { "valeur": percent } }, { "not": { "type": "object" } }] });
            out["if"] = json!({ "properties": { "unite": { "const": "pourcentage" } }, "required": ["unite"] });
            out["then"] = json!({ "properties": {
                "valeur_initiale": valued,
                "cible": valued,
                "mesures": { "anyOf": [{ "type": "array", "items": valued }, { "not": { "type": "array" } }] }
            } });
        }
        _ => {}
    }
    out
}

/// The top of a schema file.
pub fn document(title: &str, body: Value) -> Value {
    let mut out = json!({ "$schema": "https://json-schema.org/draft/2020-12/schema", "title": title });
    if let (Some(out), Some(body)) = (out.as_object_mut(), body.as_object()) {
        out.extend(body.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Action, Config, Evenement, Indicateur, Partenaire};

    /// Every key of `schema` and of the records inside it, with its description.
    fn descriptions(schema: &Value, path: &str, out: &mut Vec<(String, String)>) {
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (key, value) in props {
                let text = value.get("description").and_then(Value::as_str).unwrap_or_default();
                out.push((format!("{path}.{key}"), text.to_string()));
                descriptions(value, &format!("{path}.{key}"), out);
            }
        }
        for child in ["items", "additionalProperties"] {
            if let Some(v) = schema.get(child) {
                descriptions(v, path, out);
            }
        }
        for list in ["anyOf"] {
            for v in schema.get(list).and_then(Value::as_array).into_iter().flatten() {
                descriptions(v, path, out);
            }
        }
    }

    #[test]
    fn every_key_has_a_french_description() {
        let vocab = Vocabularies::default();
        let cx = SchemaCx { vocab: &vocab, ids: None };
        let mut all = Vec::new();
        for (name, schema) in [
            ("action", Action::schema(&cx)),
            ("partenaire", Partenaire::schema(&cx)),
            ("indicateur", Indicateur::schema(&cx)),
            ("evenement", Evenement::schema(&cx)),
            ("config", Config::schema(&cx)),
        ] {
            descriptions(&schema, name, &mut all);
        }
        assert!(all.len() > 100, "{}", all.len());
        let missing: Vec<&String> = all.iter().filter(|(_, d)| d.is_empty()).map(|(k, _)| k).collect();
        assert!(missing.is_empty(), "keys without a description: {missing:?}");
    }
}
