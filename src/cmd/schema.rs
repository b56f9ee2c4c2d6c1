//! `clsm schema`: JSON Schemas of the front matter of each kind and of `clsm.toml`.

use std::path::Path;

use anyhow::Result;
use serde_json::{Map, Value};

use crate::cli::{SchemaArgs, SchemaKind};
use crate::cmd::Outcome;
use crate::load;
use crate::model::schema::{RepoIds, Schema, SchemaCx, document};
use crate::model::vocab::Vocabularies;
use crate::model::{Action, Config, Evenement, Indicateur, Partenaire};

fn schema_of(kind: SchemaKind, cx: &SchemaCx) -> Value {
    match kind {
        SchemaKind::Action => document("Fiche-action clsm (fiches/actions/*.md)", Action::schema(cx)),
        SchemaKind::Partenaire => document("Partenaire clsm (fiches/partenaires/*.md)", Partenaire::schema(cx)),
        SchemaKind::Indicateur => document("Indicateur clsm (fiches/indicateurs/*.md)", Indicateur::schema(cx)),
        SchemaKind::Evenement => document("Événement clsm (fiches/evenements/*.md)", Evenement::schema(cx)),
        SchemaKind::Config => document("Contrat clsm (clsm.toml)", Config::schema(cx)),
    }
}

pub fn run(repo: Option<&Path>, args: &SchemaArgs) -> Result<Outcome> {
    // Inside a repository, its own words and its ids are part of the schemas.
    let (vocab, ids) = match load::find_root(repo).and_then(|root| load::load(&root)) {
        Ok(loaded) => (loaded.repo.config.vocabularies(), Some(RepoIds::of(&loaded.repo))),
        Err(_) => (Vocabularies::default(), None),
    };
    let cx = SchemaCx { vocab: &vocab, ids: ids.as_ref() };
    let value = match args.kind {
        Some(kind) => schema_of(kind, &cx),
        None => {
            let all = [
                ("action", SchemaKind::Action),
                ("partenaire", SchemaKind::Partenaire),
                ("indicateur", SchemaKind::Indicateur),
                ("evenement", SchemaKind::Evenement),
                ("config", SchemaKind::Config),
            ];
            Value::Object(all.into_iter().map(|(k, kind)| (k.to_string(), schema_of(kind, &cx))).collect::<Map<_, _>>())
        }
    };
    let mut text = serde_json::to_string_pretty(&value)?;
    text.push('\n');
    crate::cmd::print(text.as_bytes())?;
    Ok(Outcome::Clean)
}
