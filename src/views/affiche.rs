//! `clsm affiche`: the one-page "Avancée des projets" poster (seed 004), as the
//! contract stands on a date.
//!
//! Everything on it is what the repository holds up to that date: the axes in force
//! then (a previous contract's, if the date falls in its period), the steps of the
//! contract, its founders and sectors, the instances held, the coordination tools,
//! the SISM weeks, each action's milestones and the themes under reflection.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::checked::{Action, Axe, Evenement, Repository};
use crate::model::{PartialDate, vocab};
use crate::views::report::{Entree, EvenementResume, entry};
use crate::views::site::{self, Contrat};
use crate::views::{Lien, Mot, Names, Text};

/// The event types that are the contract's own instances, in the poster's order.
const INSTANCES: &[&str] = &["copil", "pleniere", "groupe_projet"];

/// An axis as a strategic objective: its title and what it aims at.
#[derive(Debug, Clone, Serialize)]
pub struct Objectif {
    pub id: Text,
    pub titre: Text,
    pub description: Option<String>,
}

/// A step of the contract's life.
#[derive(Debug, Clone, Serialize)]
pub struct Etape {
    pub date: PartialDate,
    pub fin: Option<PartialDate>,
    pub texte: String,
}

/// The meetings of one instance, oldest first.
#[derive(Debug, Clone, Serialize)]
pub struct Instance {
    pub r#type: Mot,
    pub reunions: Vec<EvenementResume>,
}

/// An action and what it has done by the date.
#[derive(Debug, Clone, Serialize)]
pub struct Projet {
    pub action: Lien,
    pub statut: Option<Mot>,
    /// Its progress entries by the date.
    pub jalons: Vec<Entree>,
    /// Its operational objectives: for an action made of several contributions,
    /// each of them.
    pub objectifs: Vec<Realisation>,
}

/// An operational objective as the poster shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Realisation {
    pub titre: String,
    pub comment: Option<String>,
    pub quand: Option<String>,
}

/// `clsm affiche`: the poster.
#[derive(Debug, Serialize)]
pub struct Affiche {
    pub produit_par: &'static str,
    pub contrat: Contrat,
    /// The poster's date, to the month: "nov. 2020".
    pub date: PartialDate,
    /// The title of the contract whose axes are shown, when it is a previous one.
    pub periode_axes: Option<Text>,
    pub objectifs: Vec<Objectif>,
    pub etapes: Vec<Etape>,
    pub fondateurs: Vec<Lien>,
    pub secteurs: Vec<Mot>,
    pub instances: Vec<Instance>,
    /// The carers' and users' organisations that take part.
    pub participation: Vec<Lien>,
    pub outils: Vec<String>,
    pub sism: Vec<EvenementResume>,
    pub projets: Vec<Projet>,
    /// The themes under reflection by the date, and the years they were taken up
    /// (the first and the last).
    pub thematiques: Vec<Text>,
    pub thematiques_depuis: Option<i32>,
    pub thematiques_jusqu_a: Option<i32>,
}

fn objective(a: &Axe) -> Objectif {
    Objectif { id: a.id.clone(), titre: a.titre.clone(), description: a.description.clone() }
}

/// The poster of the contract as it stands on `day`.
pub fn affiche(repo: &Repository, day: NaiveDate) -> Affiche {
    let names = Names::new(repo);
    let by = |d: &PartialDate| d.first_day() <= day;
    let mut events: Vec<&Evenement> = repo.evenements.iter().filter(|e| by(&e.date)).collect();
    events.sort_by_key(|e| (e.date.first_day(), e.id.clone()));
    // The axes of the contract in force on the day: a previous one, if the day
    // falls in its period.
    let previous = repo.precedent_between(day, day);
    // Before the contract and any previous one began, there were no axes yet.
    let started = repo.periode.is_none_or(|p| p.debut.first_day() <= day)
        || repo.precedents.iter().any(|p| p.periode.is_some_and(|x| x.debut.first_day() <= day));
    let objectifs = match previous {
        Some(p) => p.axes.iter().map(|a| objective(&a.0)).collect(),
        None if started => repo.axes.iter().map(objective).collect(),
        None => Vec::new(),
    };
    let instances = INSTANCES
        .iter()
        .filter_map(|t| {
            let reunions: Vec<EvenementResume> =
                events.iter().filter(|e| e.r#type.as_deref() == Some(t)).map(|e| EvenementResume::of(e)).collect();
            (!reunions.is_empty()).then(|| Instance { r#type: names.lexicon.word(&vocab::TYPE_EVENEMENT, t), reunions })
        })
        .collect();
    let in_events = |ix| events.iter().any(|e| e.partenaires.contains(&ix));
    let participation = repo
        .partenaires_indexed()
        .filter(|(ix, p)| p.r#type.as_deref() == Some("usagers_aidants") && in_events(*ix))
        .map(|(ix, _)| names.partner(ix))
        .collect();
    let themes: Vec<(Text, i32)> = repo
        .thematiques
        .iter()
        .filter_map(|t| t.mise_en_reflexion.filter(by).map(|d| (t.titre.clone(), d.year)))
        .collect();
    Affiche {
        produit_par: "clsm",
        contrat: site::contract(&names),
        date: PartialDate::parse(&day.format("%Y-%m").to_string()).unwrap_or(PartialDate::day(day)),
        periode_axes: previous.map(|p| p.titre.clone()),
        objectifs,
        etapes: repo
            .etapes
            .iter()
            .filter(|e| by(&e.date))
            .map(|e| Etape { date: e.date, fin: e.fin, texte: e.texte.clone() })
            .collect(),
        fondateurs: repo
            .partenaires_indexed()
            .filter(|(_, p)| p.fondateur == Some(true))
            .map(|(ix, _)| names.partner(ix))
            .collect(),
        secteurs: names.words(&vocab::SECTEURS, &repo.secteurs),
        instances,
        participation,
        outils: repo.outils.clone(),
        sism: events.iter().filter(|e| e.r#type.as_deref() == Some("sism")).map(|e| EvenementResume::of(e)).collect(),
        projets: projects(&names, &events, day),
        thematiques_depuis: themes.iter().map(|(_, y)| *y).min(),
        thematiques_jusqu_a: themes.iter().map(|(_, y)| *y).max(),
        thematiques: themes.into_iter().map(|(t, _)| t).collect(),
    }
}

/// The engaged actions that had done something by `day`: a milestone, or an event
/// that concerns them.
fn projects(names: &Names, events: &[&Evenement], day: NaiveDate) -> Vec<Projet> {
    let active = |ix, a: &Action| {
        a.avancement.iter().any(|e| e.date.first_day() <= day) || events.iter().any(|e| e.actions.contains(&ix))
    };
    names
        .repo
        .actions_indexed()
        .filter(|(ix, a)| !a.est_piste() && active(*ix, a))
        .map(|(ix, a)| Projet {
            action: names.action(ix),
            statut: names.word(&vocab::STATUT, &a.statut),
            jalons: a.avancement.iter().filter(|e| e.date.first_day() <= day).map(|e| entry(names, e)).collect(),
            objectifs: a
                .objectifs
                .iter()
                .map(|o| Realisation { titre: o.titre.clone(), comment: o.comment.clone(), quand: o.quand.clone() })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metz() -> Repository {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        Repository::from_loaded(crate::load::load(root).expect("Metz loads").repo).expect("checked")
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_axes_of_the_contract_in_force_on_the_date() {
        let repo = metz();
        let poster = affiche(&repo, day("2020-11-15"));
        let titles: Vec<&str> = poster.objectifs.iter().map(|o| &*o.titre).collect();
        assert_eq!(titles, ["Inclusion dans la cité", "Amélioration des parcours", "Coordination entre les acteurs"]);
        assert_eq!(poster.date.to_string(), "2020-11");
        let later = affiche(&repo, day("2023-03-01"));
        assert_eq!(later.objectifs.len(), 5, "the contract's own axes after the previous period");
        assert!(later.periode_axes.is_none());
    }

    #[test]
    fn only_what_happened_by_the_date() {
        let repo = metz();
        let poster = affiche(&repo, day("2018-12-31"));
        let years: Vec<i32> = poster.sism.iter().map(|e| e.date.year).collect();
        assert_eq!(years, [2017, 2018]);
        assert!(poster.etapes.iter().all(|e| e.date.year <= 2018));
        assert!(poster.thematiques.is_empty(), "the themes were taken up in 2020");
        let copil: Vec<String> = poster.instances[0].reunions.iter().map(|r| r.date.to_string()).collect();
        assert_eq!(copil, ["2017-02", "2018-10"]);
        assert!(poster.participation.is_empty(), "the carers' groups joined in 2020");
        let before = affiche(&repo, day("2014-06-01"));
        assert!(before.objectifs.is_empty() && before.etapes.is_empty(), "nothing had begun in 2014");
    }
}
