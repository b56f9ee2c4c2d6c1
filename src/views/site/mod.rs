//! The document set: everything the HTML site and the PDFs show, grouped and counted,
//! ready for templates. One module per page family.

mod annuaire;
mod cadre;
mod calendrier;
mod fiche;
mod indicateurs;
mod pistes;
pub mod sections;

use serde::Serialize;

pub use annuaire::{ContactView, GroupePartenaires, PartenaireView};
pub use cadre::LigneCadre;
pub use calendrier::{Annee, EvenementView, EvenementsType};
pub use fiche::{
    ActionResume, ActionView, Appartenance, AvancementView, AxeView, FinancementView, GroupeObjectifs,
    IndicateurResume, LigneBudgetView, ObjectifView, Public, Qui,
};
pub use indicateurs::IndicateurView;
pub use pistes::{PisteView, PistesAxe, PistesThematique};

use crate::model::Periode;
use crate::model::checked::Repository;
use crate::model::vocab;
use crate::views::{Compte, Lien, Mot, Names, by_statut};

/// Options of the document set.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Include partners' personal contacts (internal documents only).
    pub interne: bool,
}

/// The whole document set.
#[derive(Debug, Serialize)]
pub struct Site {
    pub contrat: Contrat,
    pub chiffres: Chiffres,
    pub axes: Vec<AxeView>,
    pub actions: Vec<ActionView>,
    pub annuaire: Vec<GroupePartenaires>,
    pub indicateurs: Vec<IndicateurView>,
    pub cadre_logique: Vec<LigneCadre>,
    pub pistes: Vec<PistesAxe>,
    pub calendrier: Vec<Annee>,
    pub interne: bool,
}

/// The contract itself.
#[derive(Debug, Serialize)]
pub struct Contrat {
    pub titre: String,
    pub r#type: Option<Mot>,
    pub territoire: Option<String>,
    pub periode: Option<Periode>,
    pub porteur: Option<Lien>,
    pub coordination: Option<String>,
}

/// How many of each.
#[derive(Debug, Serialize)]
pub struct Chiffres {
    pub actions: usize,
    pub partenaires: usize,
    pub indicateurs: usize,
    pub evenements: usize,
    pub par_statut: Vec<Compte>,
}

/// Builds the document set of a checked repository.
pub fn build(repo: &Repository, options: Options) -> Site {
    let names = Names::new(repo);
    Site {
        contrat: contract(&names),
        chiffres: counts(&names),
        axes: fiche::axes(&names),
        actions: repo.actions.iter().map(|a| fiche::action_view(&names, a)).collect(),
        annuaire: annuaire::directory(&names, options),
        indicateurs: indicateurs::indicator_views(&names),
        cadre_logique: repo
            .actions_indexed()
            .filter(|(_, a)| !a.est_piste())
            .map(|(ix, _)| cadre::logframe_row(&names, ix))
            .collect(),
        pistes: pistes::pistes(&names),
        calendrier: calendrier::calendar(&names),
        interne: options.interne,
    }
}

fn contract(names: &Names) -> Contrat {
    let repo = names.repo;
    Contrat {
        titre: repo.titre.to_string(),
        r#type: Some(names.lexicon.word(&vocab::TYPE_CONTRAT, &repo.r#type)),
        territoire: repo.territoire.clone(),
        periode: repo.periode,
        porteur: repo.porteur.map(|p| names.partner(p)),
        coordination: repo.coordination.clone(),
    }
}

fn counts(names: &Names) -> Chiffres {
    let repo = names.repo;
    Chiffres {
        actions: repo.actions.len(),
        partenaires: repo.partenaires.len(),
        indicateurs: repo.indicateurs.len(),
        evenements: repo.evenements.len(),
        par_statut: by_statut(names, repo.actions.iter()),
    }
}

/// Partners with coordinates, for the map: `(id, name, type label, lat, lon)`.
pub fn map_points(site: &Site) -> Vec<(&str, &str, &str, f64, f64)> {
    site.annuaire
        .iter()
        .flat_map(|g| g.partenaires.iter())
        .filter_map(|p| {
            let (lat, lon) = p.coordonnees?;
            Some((&*p.id, p.nom.as_str(), p.r#type.as_ref().map_or("", |t| &*t.libelle), lat, lon))
        })
        .collect()
}
