//! The document set: everything the HTML site and the PDFs show, grouped and counted,
//! ready for templates. One module per page family.

mod annuaire;
mod cadre;
mod calendrier;
mod fiche;
mod indicateurs;
mod pistes;
pub mod sections;
pub mod volumes;

use serde::Serialize;

pub use annuaire::{ContactView, GroupePartenaires, PartenaireView};
pub use cadre::{IndicateurCadre, LigneCadre, ObjectifSpecifique, ObjectifStrategique};
pub use calendrier::{Annee, EvenementView, EvenementsType};
pub use fiche::{
    ActionResume, ActionView, Appartenance, AvancementView, AxeView, FinancementView, GroupeObjectifs,
    IndicateurResume, LigneBudgetView, ObjectifView, Public, Qui,
};
pub use indicateurs::{IndicateurView, MesureView};
pub use pistes::{PisteView, PistesAxe, PistesThematique};

use crate::load::documents::Texts;
use crate::model::Periode;
use crate::model::checked::Repository;
use crate::model::vocab;
use crate::views::{Compte, Lien, Mot, Names, by_statut};
use sections::Cuts;

/// Options of the document set.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Include partners' personal contacts (internal documents only).
    pub interne: bool,
    /// The coordinator's own texts for the contract.
    pub textes: Texts,
    /// The images of `assets/` that go on the cover, by name.
    pub logos: Vec<String>,
    /// The documents built beside the pages.
    pub documents: Documents,
}

/// The whole document set.
///
/// The fiche of each action is made when a page or a PDF asks for it
/// ([`Site::action`]), from the checked repository the site borrows, instead of
/// being held with the rest: 10,000 fiches held at once took about 100 Mo, more
/// than everything else the site shows.
pub struct Site<'r> {
    names: Names<'r>,
    pub contrat: Contrat,
    pub chiffres: Chiffres,
    pub axes: Vec<AxeView>,
    pub annuaire: Vec<GroupePartenaires>,
    pub indicateurs: Vec<IndicateurView>,
    /// The actions other than pistes, by strategic then specific objective.
    pub cadre_logique: Vec<ObjectifStrategique<'r>>,
    pub pistes: Vec<PistesAxe>,
    pub calendrier: Vec<Annee>,
    pub interne: bool,
    /// The preamble and the signatories page, Markdown.
    pub textes: Texts,
    /// The cover's logos: paths inside the repository, `assets/logo-ville.png`.
    pub logos: Vec<String>,
    /// The documents the site links to.
    pub documents: Documents,
    /// Where each action's body is cut into its fiche's sections, in official order.
    cuts: Vec<Cuts>,
}

/// What the site builds beside its pages, for the home page to link.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Documents {
    /// `contrat.pdf` and `fiches/ID.pdf` are there.
    pub pdf: bool,
    /// The year of `bilan-ANNEE.html` (and of its PDF when `pdf` is).
    pub bilan: Option<i32>,
    /// How many partners `ressources.geojson` puts on the map.
    pub carte: usize,
}

/// The contract itself, as every document's cover and heading show it.
#[derive(Debug, Clone, Serialize)]
pub struct Contrat {
    pub titre: String,
    pub r#type: Option<Mot>,
    pub territoire: Option<String>,
    pub periode: Option<Periode>,
    pub porteur: Option<Lien>,
    pub coordination: Option<String>,
    pub objectif_global: Option<String>,
    /// Where the site is published, ending with `/`.
    pub url: Option<String>,
    /// The contract it is part of: its title and period.
    pub parent: Option<ContratParent>,
    pub accessibilite: Accessibilite,
}

/// What the site says of its accessibility, in the words of the RGAA.
#[derive(Debug, Clone, Serialize)]
pub struct Accessibilite {
    /// `non conforme`, `partiellement conforme` or `totalement conforme`: without
    /// an audit, non conforme; with one, totalement at 100 % of the criteria met,
    /// partiellement from 50 %.
    pub etat: &'static str,
    /// The share of criteria met, in French (`87,5 %`), with the audit.
    pub taux: Option<String>,
    pub audit: Option<String>,
    /// Where to write, and the link to it (`mailto:` for an address).
    pub contact: Option<String>,
    pub contact_lien: Option<String>,
}

impl Accessibilite {
    fn of(a: &crate::model::checked::Accessibilite) -> Self {
        // The status follows the rate as the page shows it, to the tenth.
        let taux = a.audit.as_ref().map(|(_, taux)| (taux * 10.0).round() / 10.0);
        let etat = match taux {
            Some(t) if t >= 100.0 => "totalement conforme",
            Some(t) if t >= 50.0 => "partiellement conforme",
            _ => "non conforme",
        };
        let contact_lien = a.contact.as_ref().map(|c| {
            if c.starts_with("https://") || c.starts_with("http://") || c.starts_with("mailto:") {
                c.clone()
            } else {
                format!("mailto:{c}")
            }
        });
        Accessibilite {
            etat,
            taux: taux.map(crate::format::percent),
            audit: a.audit.as_ref().map(|(audit, _)| audit.clone()),
            contact: a.contact.as_ref().map(|c| c.strip_prefix("mailto:").unwrap_or(c).to_string()),
            contact_lien,
        }
    }
}

/// The contract a contract is part of.
#[derive(Debug, Clone, Serialize)]
pub struct ContratParent {
    pub titre: String,
    pub periode: Option<Periode>,
}

/// How many of each.
#[derive(Debug, Serialize)]
pub struct Chiffres {
    /// The actions under way or planned, pistes apart.
    pub actions: usize,
    pub pistes: usize,
    pub partenaires: usize,
    pub indicateurs: usize,
    pub evenements: usize,
    pub par_statut: Vec<Compte>,
}

/// Builds the document set of a checked repository.
pub fn build(repo: &Repository, options: Options) -> Site<'_> {
    let interne = options.interne;
    let names = Names::new(repo);
    // The lists on every core: each of the long ones takes a core for a while.
    let ((annuaire, (axes, pistes, calendrier)), (indicateurs, (cuts, cadre_logique))) = rayon::join(
        || {
            rayon::join(
                || annuaire::directory(&names, interne),
                || (fiche::axes(&names), pistes::pistes(&names), calendrier::calendar(&names)),
            )
        },
        || {
            rayon::join(
                || indicateurs::indicator_views(&names),
                || {
                    use rayon::prelude::*;
                    // One parse of each body finds where its fiche cuts it into
                    // sections and what its row of the cadre logique shows of it.
                    let actions: Vec<_> = repo.actions_indexed().collect();
                    let (cuts, rows): (Vec<Cuts>, Vec<Option<cadre::LigneCadre>>) = actions
                        .into_par_iter()
                        .map(|(ix, a)| {
                            let (summary, cuts) = sections::outline(&a.corps);
                            (cuts, (!a.est_piste()).then(|| cadre::logframe_row(&names, ix, summary)))
                        })
                        .unzip();
                    (cuts, cadre::grouped(rows.into_iter().flatten().collect()))
                },
            )
        },
    );
    Site {
        contrat: contract(&names),
        chiffres: counts(&names),
        axes,
        annuaire,
        indicateurs,
        cadre_logique,
        pistes,
        calendrier,
        interne,
        textes: options.textes,
        logos: options
            .logos
            .into_iter()
            .map(|name| format!("{}/{name}", crate::load::documents::ASSETS_FOLDER))
            .collect(),
        documents: Documents {
            carte: repo.partenaires.iter().filter(|p| p.coordonnees.is_some()).count(),
            ..options.documents
        },
        names,
        cuts,
    }
}

/// The contract, for a cover or a heading.
pub fn contract(names: &Names) -> Contrat {
    let repo = names.repo;
    Contrat {
        titre: repo.titre.to_string(),
        r#type: Some(names.lexicon.word(&vocab::TYPE_CONTRAT, &repo.r#type)),
        territoire: repo.territoire.clone(),
        periode: repo.periode,
        porteur: repo.porteur.map(|p| names.partner(p)),
        coordination: repo.coordination.clone(),
        objectif_global: repo.objectif_global.clone(),
        url: repo.url.clone(),
        parent: repo.parent.as_ref().map(|p| ContratParent { titre: p.titre.to_string(), periode: p.periode }),
        accessibilite: Accessibilite::of(&repo.accessibilite),
    }
}

fn counts(names: &Names) -> Chiffres {
    let repo = names.repo;
    Chiffres {
        actions: repo.actions.iter().filter(|a| !a.est_piste()).count(),
        pistes: repo.actions.iter().filter(|a| a.est_piste()).count(),
        partenaires: repo.partenaires.len(),
        indicateurs: repo.indicateurs.len(),
        evenements: repo.evenements.len(),
        par_statut: by_statut(names, repo.actions.iter()),
    }
}

impl Site<'_> {
    /// How many actions the site has, pistes included: a fiche each.
    pub fn action_count(&self) -> usize {
        self.names.repo.actions.len()
    }

    /// The fiche of the `n`th action in official order, made now. `n` comes from
    /// `0..`[`Site::action_count`] or [`Site::action_positions`]: beyond, it panics.
    pub fn action(&self, n: usize) -> ActionView {
        fiche::action_view(&self.names, &self.names.repo.actions[n], &self.cuts[n])
    }

    /// The fiches of every action, in official order, each made as it comes.
    pub fn actions(&self) -> impl Iterator<Item = ActionView> + '_ {
        (0..self.action_count()).map(|n| self.action(n))
    }

    /// The position of each action in official order, by id.
    pub fn action_positions(&self) -> std::collections::HashMap<&str, usize> {
        self.names.repo.actions.iter().enumerate().map(|(n, a)| (&*a.id, n)).collect()
    }

    /// The dates of every action's progress entries.
    pub fn progress_dates(&self) -> impl Iterator<Item = crate::model::PartialDate> + '_ {
        self.names.repo.actions.iter().flat_map(|a| a.avancement.iter().map(|e| e.date))
    }

    /// The coordinator's text `preambule` or `signataires`, when written.
    pub fn textes_markdown(&self, key: &str) -> Option<&str> {
        match key {
            "preambule" => self.textes.preambule.as_deref(),
            "signataires" => self.textes.signataires.as_deref(),
            _ => None,
        }
    }
}

/// Partners with coordinates, for the map, by id.
pub fn map_points<'s>(site: &'s Site) -> Vec<&'s PartenaireView> {
    let mut points: Vec<&PartenaireView> =
        site.annuaire.iter().flat_map(|g| g.partenaires.iter()).filter(|p| p.coordonnees.is_some()).collect();
    points.sort_by(|a, b| a.id.cmp(&b.id));
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fiche_and_cadre_row_shows_its_own_body() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let repo = Repository::from_loaded(crate::load::load(root).expect("Metz loads").repo).expect("checked");
        let site = build(&repo, Options::default());
        assert!(site.action_count() > 10);
        // Each fiche's sections are those of its own body, cut on its own.
        for (n, a) in repo.actions.iter().enumerate() {
            assert_eq!(site.action(n).sections, sections::split(&a.corps), "{}", a.id);
        }
        assert!((0..site.action_count()).any(|n| site.action(n).sections.contexte.is_some()));
        // Each row of the cadre logique shows its own action's summary.
        let rows: Vec<&cadre::LigneCadre> =
            site.cadre_logique.iter().flat_map(|s| &s.specifiques).flat_map(|s| &s.lignes).collect();
        assert_eq!(rows.len(), repo.actions.iter().filter(|a| !a.est_piste()).count());
        for row in &rows {
            let a = repo.actions.iter().find(|a| a.id == row.action.id).expect("the row's action");
            assert_eq!(row.description, sections::summary(&a.corps), "{}", a.id);
        }
        assert!(rows.iter().any(|l| l.description.is_some()));
    }
}
