//! The calendar of meetings and events, by year then by type.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::PartialDate;
use crate::model::checked::Evenement;
use crate::model::vocab;
use crate::views::{Lien, Mot, Names, Text};

/// The events of one year, by type.
#[derive(Debug, Serialize)]
pub struct Annee {
    pub annee: i32,
    pub types: Vec<EvenementsType>,
    pub participants: u64,
}

#[derive(Debug, Serialize)]
pub struct EvenementsType {
    /// The type (the empty word for events without one).
    pub r#type: Mot,
    pub evenements: Vec<EvenementView>,
}

#[derive(Debug, Serialize)]
pub struct EvenementView {
    pub id: Text,
    pub date: PartialDate,
    /// The end of an event that lasts.
    pub fin: Option<PartialDate>,
    /// Its type, if it has one.
    pub r#type: Option<Mot>,
    pub titre: String,
    pub theme: Option<String>,
    pub participants: Option<u64>,
    /// For an event made of several: how many partners, how many events.
    pub nombre_partenaires: Option<u64>,
    pub nombre_evenements: Option<u64>,
    pub actions: Vec<Lien>,
    pub partenaires: Vec<Lien>,
    pub corps: String,
}

fn event_view(names: &Names, e: &Evenement) -> EvenementView {
    EvenementView {
        id: e.id.clone(),
        date: e.date,
        fin: e.fin,
        r#type: names.word(&vocab::TYPE_EVENEMENT, &e.r#type),
        titre: e.titre.clone().unwrap_or_else(|| e.id.to_string()),
        theme: e.theme.clone(),
        participants: e.participants,
        nombre_partenaires: e.nombre_partenaires,
        nombre_evenements: e.nombre_evenements,
        actions: e.actions.iter().map(|a| names.action(*a)).collect(),
        partenaires: e.partenaires.iter().map(|p| names.partner(*p)).collect(),
        corps: e.corps.clone(),
    }
}

impl crate::views::site::Site<'_> {
    /// Every event of the calendar, by date (then id).
    pub fn evenements(&self) -> Vec<&EvenementView> {
        let mut all: Vec<&EvenementView> =
            self.calendrier.iter().flat_map(|a| &a.types).flat_map(|t| &t.evenements).collect();
        all.sort_by(|a, b| (a.date.first_day(), &a.id).cmp(&(b.date.first_day(), &b.id)));
        all
    }
}

/// Events by year (oldest first), then by type in vocabulary order.
pub(super) fn calendar(names: &Names) -> Vec<Annee> {
    let mut by_year: BTreeMap<i32, Vec<&Evenement>> = BTreeMap::new();
    for e in &names.repo.evenements {
        by_year.entry(e.date.year).or_default().push(e);
    }
    let mut types = names.repo.vocab.words(&vocab::TYPE_EVENEMENT);
    types.push(String::new());
    by_year
        .into_iter()
        .map(|(annee, mut events)| {
            events.sort_by_key(|e| (e.date.first_day(), e.id.clone()));
            let participants = events.iter().filter_map(|e| e.participants).sum();
            let types = types
                .iter()
                .filter_map(|t| {
                    let evenements: Vec<EvenementView> = events
                        .iter()
                        .filter(|e| e.r#type.as_deref().unwrap_or_default() == t)
                        .map(|e| event_view(names, e))
                        .collect();
                    if evenements.is_empty() {
                        return None;
                    }
                    let r#type = names.lexicon.word_or_absent(&vocab::TYPE_EVENEMENT, Some(t));
                    Some(EvenementsType { r#type, evenements })
                })
                .collect();
            Annee { annee, types, participants }
        })
        .collect()
}
