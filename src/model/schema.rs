//! JSON Schema (draft 2020-12) of each kind's front matter and of `clsm.toml`, for
//! editors: completion, descriptions in French, vocabularies as enums.
//!
//! Each record type describes itself from the list of keys of its [`record!`]
//! declaration; this module adds what a key means and which vocabulary it takes.
//!
//! [`record!`]: crate::model::yaml

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::model::vocab::{self, Vocab, Vocabularies};
use crate::model::{Montant, PartialDate};

/// What schemas are made with: the vocabularies in force (built-ins and extensions).
pub struct SchemaCx<'a> {
    pub vocab: &'a Vocabularies,
}

/// A type that can describe itself as a JSON Schema.
pub trait Schema {
    fn schema(cx: &SchemaCx) -> Value;
}

impl Schema for String {
    fn schema(_: &SchemaCx) -> Value {
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
            "description": "Date : AAAA, AAAA-MM ou AAAA-MM-JJ",
            "anyOf": [
                { "type": "integer", "minimum": 1000, "maximum": 9999 },
                { "type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" }
            ]
        })
    }
}

impl Schema for Montant {
    fn schema(_: &SchemaCx) -> Value {
        json!({ "type": "number", "minimum": 0, "description": "Montant en euros, sans espace ni symbole : 5000 ou 1250.50" })
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
        ("Partenaire", "secteurs") => &vocab::SECTEURS,
        ("Partenaire", "instances") => &vocab::INSTANCES,
        ("Indicateur", "type") => &vocab::TYPE_INDICATEUR,
        ("Indicateur", "unite") => &vocab::UNITE,
        ("Indicateur", "sens") => &vocab::SENS,
        ("Evenement", "type") => &vocab::TYPE_EVENEMENT,
        ("Config", "type") => &vocab::TYPE_CONTRAT,
        _ => return None,
    })
}

/// What a key means, in French.
fn description(record: &str, key: &str) -> &'static str {
    match (record, key) {
        ("Action", "titre") => "Titre de la fiche-action (obligatoire)",
        ("Action", "numero") => "Numéro officiel, pour l'affichage et le tri : \"15\", \"1.1.2\"",
        ("Action", "axe") => "Axe du contrat : un id des [[axes]] de clsm.toml (obligatoire)",
        ("Action", "statut") => "Où en est l'action",
        ("Action", "porteur") => "Structure qui porte l'action : un identifiant de partenaire (obligatoire)",
        ("Action", "partenaires") => "Partenaires de mise en œuvre (identifiants)",
        ("Action", "thematiques") => "Thématiques : des id des [[thematiques]] de clsm.toml",
        ("Action", "indicateurs") => "Indicateurs qui évaluent l'action (identifiants)",
        ("Action", "objectifs_operationnels") => "Comment ? Qui ? Quand ?",
        ("Action", "calendrier") => "Période prévue { debut, fin }",
        ("Action", "budget") => "Budget prévisionnel, ligne par ligne",
        ("Action", "financements") => "Financements pressentis et acquis",
        ("Action", "avancement") => "Journal d'avancement, du plus ancien au plus récent",
        ("Action", "inegalites_sociales") => {
            "Les objectifs visent-ils la lutte contre les inégalités sociales de santé ?"
        }
        ("Action", "demarche_participative") => "Y a-t-il une démarche participative associant les citoyens ?",
        ("ObjectifOperationnel", "qui") => "Qui : un identifiant de partenaire (vérifié) ou un texte libre",
        ("Avancement", "statut") => "Changement de statut à cette date",
        ("Financement", "financeur") => "Le financeur : un identifiant de partenaire",
        ("Partenaire", "nom") => "Nom de la structure (obligatoire)",
        ("Partenaire", "contacts") => "Personnes à contacter : données personnelles, publiées seulement avec --interne",
        ("Partenaire", "coordonnees") => "Position sur la carte, en degrés décimaux",
        ("Partenaire", "fondateur") => "Partenaire fondateur du contrat",
        ("Indicateur", "libelle") => "Ce que mesure l'indicateur (obligatoire)",
        ("Indicateur", "type") => "Indicateur de processus ou de résultat (obligatoire)",
        ("Indicateur", "sens") => "Dans quel sens c'est mieux (hausse par défaut)",
        ("Indicateur", "mesures") => "Mesures : date et valeur, ou numérateur et dénominateur",
        ("Evenement", "date") => "Date de la réunion ou de l'événement (obligatoire)",
        ("Evenement", "participants") => "Nombre de participants",
        ("Config", "porteur") => "Porteur du contrat : un identifiant de partenaire",
        ("Config", "vocabulaire") => "Mots ajoutés aux vocabulaires : [vocabulaire.public] etudiants = \"Étudiants\"",
        _ => "",
    }
}

/// A key's schema with its meaning and, for vocabulary words, the allowed words.
pub fn describe(cx: &SchemaCx, record: &str, key: &str, mut schema: Value) -> Value {
    if let Some(of) = vocabulary(record, key) {
        let words: Vec<Value> = cx.vocab.words(of).into_iter().map(Value::String).collect();
        let labels: Vec<String> =
            cx.vocab.words(of).iter().map(|w| format!("{w} : {}", cx.vocab.label(of, w))).collect();
        let target = if schema["type"] == "array" { &mut schema["items"] } else { &mut schema };
        *target = json!({ "type": "string", "enum": words });
        if description(record, key).is_empty() {
            schema["description"] = Value::String(labels.join(" ; "));
        }
    }
    let text = description(record, key);
    if !text.is_empty() {
        schema["description"] = Value::String(text.to_string());
    }
    schema
}

/// A record type: its keys, none other, and the required ones.
pub fn object(properties: serde_json::Map<String, Value>, required: &[&str]) -> Value {
    json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
}

/// The top of a schema file.
pub fn document(title: &str, body: Value) -> Value {
    let mut out = json!({ "$schema": "https://json-schema.org/draft/2020-12/schema", "title": title });
    if let (Some(out), Some(body)) = (out.as_object_mut(), body.as_object()) {
        out.extend(body.clone());
    }
    out
}
