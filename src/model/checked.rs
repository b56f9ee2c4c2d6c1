//! The repository as `clsm check` proved it: what every view and export reads.
//!
//! The loaded records ([`crate::model::Repository`]) have every field optional, so
//! that a broken fiche is still read and all its problems reported. Once `check`
//! found no error, the repository is turned into this one, where the types carry what
//! `check` proved: required keys are plain values, absent lists are empty lists, the
//! words that drive behaviour are enums, references are indices that cannot dangle,
//! amounts and their totals are exact cents, and the relations that several documents
//! show (who leads and who joins an action, which actions cite an indicator, the
//! sources of an action's indicators) are computed here, once.
//!
//! [`Repository::from_loaded`] returns `None` if a record still lacks something
//! `check` requires: a bug, which the command reports instead of rendering.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::model::vocab::Vocabularies;
use crate::model::{
    self as raw, Montant, PartialDate, Periode, Sens, Statut, StatutFinancement, TypeIndicateur, Unite,
};

/// Shared text: the same names appear on many pages, and cloning an `Arc<str>`
/// shares them instead of copying them.
pub type Text = Arc<str>;

/// A fiche left out of a document because it has errors, or depends on one that
/// has (`clsm report` on a repository with errors).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Omission {
    /// Path relative to the repository root.
    pub fichier: String,
    /// What the fiche is, when its folder says it.
    pub genre: Option<raw::Kind>,
    pub id: Option<Text>,
    /// Its title or name, when it could be read.
    pub titre: Option<Text>,
    /// How many errors `check` found in it.
    pub erreurs: usize,
    /// Why it is left out without an error of its own.
    pub cause: Option<String>,
}

/// The position of a record of kind `T` in its list: a reference `check` resolved.
pub struct Ix<T>(usize, PhantomData<fn() -> T>);

impl<T> Ix<T> {
    fn new(i: usize) -> Self {
        Ix(i, PhantomData)
    }

    /// The position, in the order of its list.
    pub fn index(self) -> usize {
        self.0
    }
}

impl<T> Clone for Ix<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Ix<T> {}
impl<T> PartialEq for Ix<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<T> Eq for Ix<T> {}
impl<T> std::fmt::Debug for Ix<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// An axis of the contract.
#[derive(Debug)]
pub struct Axe {
    pub id: Text,
    pub titre: Text,
    pub description: Option<String>,
}

/// An axis of the parent contract: its own index space, so that an action's
/// `axe_parent` cannot be taken for one of the contract's own axes.
#[derive(Debug)]
pub struct AxeParent(pub Axe);

/// The contract this one is part of: the CLS a CLSM belongs to.
#[derive(Debug)]
pub struct ContratParent {
    pub titre: Text,
    pub r#type: Option<String>,
    pub territoire: Option<String>,
    pub periode: Option<Periode>,
    pub axes: Vec<AxeParent>,
}

/// A theme of the contract.
#[derive(Debug)]
pub struct Thematique {
    pub id: Text,
    pub titre: Text,
    /// When the partners began to reflect on it.
    pub mise_en_reflexion: Option<PartialDate>,
}

/// A step of the contract's life.
#[derive(Debug)]
pub struct Etape {
    pub date: PartialDate,
    /// After `date` (`check` proved it).
    pub fin: Option<PartialDate>,
    pub texte: String,
    pub partenaires: Vec<Ix<Partenaire>>,
}

/// A line of the "Comment ? Qui ? Quand ?" table.
#[derive(Debug)]
pub struct Objectif {
    pub titre: String,
    pub comment: Option<String>,
    pub qui: Vec<Qui>,
    pub quand: Option<String>,
    pub statut: Option<Statut>,
}

/// Who does it: a partner of the repository, or free text ("Coordonnateur CLSM").
#[derive(Debug)]
pub enum Qui {
    Partenaire(Ix<Partenaire>),
    Texte(String),
}

#[derive(Debug)]
pub struct LigneBudget {
    pub poste: String,
    pub montant: Montant,
}

#[derive(Debug)]
pub struct Financement {
    pub financeur: Ix<Partenaire>,
    pub montant: Option<Montant>,
    pub statut: StatutFinancement,
}

/// A progress entry.
#[derive(Debug)]
pub struct Avancement {
    pub date: PartialDate,
    /// The end of an entry that lasts; after `date` (`check` proved it).
    pub fin: Option<PartialDate>,
    pub texte: String,
    /// A change of statut on that date.
    pub statut: Option<Statut>,
    pub participants: Option<u64>,
}

/// A fiche-action.
#[derive(Debug)]
pub struct Action {
    pub id: Text,
    pub numero: Option<Text>,
    pub titre: Text,
    pub axe: Ix<Axe>,
    /// The axis of the parent contract the fiche is filed under there.
    pub axe_parent: Option<Ix<AxeParent>>,
    pub statut: Option<Statut>,
    pub porteur: Ix<Partenaire>,
    pub objectif_strategique: Option<String>,
    pub objectif_specifique: Option<String>,
    pub objectifs: Vec<Objectif>,
    pub pilote: Option<String>,
    pub partenaires: Vec<Ix<Partenaire>>,
    pub thematiques: Vec<Ix<Thematique>>,
    pub typologie: Option<String>,
    pub duree: Vec<String>,
    pub territoire: Vec<String>,
    pub lieux: Option<String>,
    pub public: Vec<String>,
    pub public_precision: Option<String>,
    pub calendrier: Option<Periode>,
    pub budget: Vec<LigneBudget>,
    pub financements: Vec<Financement>,
    pub indicateurs: Vec<Ix<Indicateur>>,
    pub determinants: Vec<String>,
    pub politiques_publiques: Vec<String>,
    pub inegalites_sociales: Option<bool>,
    pub demarche_participative: Option<bool>,
    pub participation: Option<String>,
    pub champ: Vec<String>,
    pub prerequis: Option<String>,
    pub dispositifs_existants: Option<String>,
    pub resultats_attendus: Option<String>,
    pub moyens_mobilisables: Option<String>,
    pub moyens_a_rechercher: Option<String>,
    pub suivi: Option<String>,
    pub evaluation: Option<String>,
    pub avancement: Vec<Avancement>,
    pub corps: String,
    /// The sum of the budget lines.
    pub budget_total: Montant,
    /// The sums of the funding lines, secured and expected.
    pub acquis: Montant,
    pub pressenti: Montant,
    /// Partners other than the porteur that the action names: partners, funders,
    /// the `qui` of its objectives; each once, in file order.
    pub associes: Vec<Ix<Partenaire>>,
    /// The sources of verification of its indicators, each once, in order.
    pub sources: Vec<Text>,
}

impl Action {
    /// Whether it is still a piste.
    pub fn est_piste(&self) -> bool {
        self.statut.as_ref().is_some_and(Statut::est_piste)
    }

    /// Whether it is late on `day` (see [`raw::en_retard`]).
    pub fn en_retard(&self, day: NaiveDate) -> bool {
        raw::en_retard(self.calendrier.map(|c| c.fin), self.statut.as_ref(), day)
    }

    /// The progress entries known on `day` (those that began by then).
    pub fn avancement_au(&self, day: NaiveDate) -> impl Iterator<Item = &Avancement> {
        self.avancement.iter().filter(move |e| e.date.first_day() <= day)
    }

    /// The latest entry known on `day`.
    pub fn derniere_nouvelle(&self, day: NaiveDate) -> Option<&Avancement> {
        self.avancement_au(day).max_by_key(|e| e.date.last_day())
    }

    /// In progress, yet with no news in the twelve months before `day`.
    pub fn sans_nouvelles(&self, day: NaiveDate) -> bool {
        let year_ago = day.checked_sub_months(chrono::Months::new(12)).unwrap_or(NaiveDate::MIN);
        let in_progress = self.statut.as_ref().is_some_and(Statut::est_en_cours);
        in_progress && self.derniere_nouvelle(day).is_none_or(|e| e.date.last_day() < year_ago)
    }
}

#[derive(Debug)]
pub struct Contact {
    pub nom: String,
    pub fonction: Option<String>,
    pub email: Option<String>,
    pub telephone: Option<String>,
}

/// A partner organisation, with the actions it leads and joins.
#[derive(Debug)]
pub struct Partenaire {
    pub id: Text,
    pub nom: Text,
    pub sigle: Option<String>,
    pub r#type: Option<String>,
    pub secteurs: Vec<String>,
    pub adresse: Option<String>,
    pub commune: Option<String>,
    pub coordonnees: Option<(f64, f64)>,
    pub site: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    pub fondateur: Option<bool>,
    pub instances: Vec<String>,
    /// Personal data: only internal documents show them.
    pub contacts: Vec<Contact>,
    pub corps: String,
    /// The actions it carries, in official order.
    pub porte: Vec<Ix<Action>>,
    /// The actions it joins without carrying them, in official order.
    pub participe: Vec<Ix<Action>>,
}

#[derive(Debug, Clone, Copy)]
pub struct ValeurInitiale {
    pub date: Option<PartialDate>,
    pub valeur: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct Cible {
    pub valeur: f64,
    pub echeance: Option<PartialDate>,
}

/// A measure, its value stated or computed from its ratio.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Mesure {
    pub date: PartialDate,
    pub valeur: f64,
    pub numerateur: Option<f64>,
    pub denominateur: Option<f64>,
    /// Its breakdowns, in the order of the indicator's dimensions.
    pub ventilation: Vec<Repartition>,
    pub commentaire: Option<String>,
    pub source: Option<String>,
}

/// A measure broken down by one dimension: the figure of each category, in the
/// dimension's order (`check` proved they add up).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Repartition {
    pub dimension: Text,
    pub parts: Vec<PartCategorie>,
}

/// The figure of one category: stated or computed from its ratio.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PartCategorie {
    pub categorie: Text,
    pub valeur: f64,
    pub numerateur: Option<f64>,
    pub denominateur: Option<f64>,
}

/// How an indicator's measures add up over time (`cumul`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cumul {
    /// No `cumul`: each measure is a state (a rate, a stock); the latest counts.
    Etat,
    /// `cumul: true`: each measure is a running total since the start; the latest
    /// counts, and the series never goes down.
    Total,
    /// `cumul: false`: each measure counts its own span (the participants of a
    /// year); a period's value, and the contract's, is their sum.
    Periode,
}

/// A dimension results are broken down by, from `[dimensions.NOM]`.
#[derive(Debug, Clone)]
pub struct Dimension {
    pub id: Text,
    pub titre: Text,
    /// `(id, label)`, in the order written.
    pub categories: Vec<(Text, Text)>,
}

/// An indicator, with the actions that cite it.
#[derive(Debug)]
pub struct Indicateur {
    pub id: Text,
    pub libelle: Text,
    pub r#type: TypeIndicateur,
    pub unite: Option<Unite>,
    pub sens: Sens,
    pub valeur_initiale: Option<ValeurInitiale>,
    /// The target of the whole contract: the single `cible`, or from `cibles` the
    /// last one (their sum when each measure counts its period).
    pub cible: Option<Cible>,
    /// The target of each period, in order of deadline: `cibles`, or the single
    /// `cible` (`check` proved the deadlines increase).
    pub cibles: Vec<Cible>,
    pub cumul: Cumul,
    /// The dimensions its measures are broken down by, ids of [`Repository::dimensions`].
    pub ventilation: Vec<Text>,
    pub numerateur: Option<String>,
    pub denominateur: Option<String>,
    pub sources: Vec<Text>,
    pub frequence: Option<String>,
    /// In file order.
    pub mesures: Vec<Mesure>,
    pub corps: String,
    /// The actions that cite it, in official order.
    pub actions: Vec<Ix<Action>>,
}

/// A meeting or an event.
#[derive(Debug)]
pub struct Evenement {
    pub id: Text,
    pub date: PartialDate,
    /// After `date` (`check` proved it).
    pub fin: Option<PartialDate>,
    pub r#type: Option<String>,
    pub titre: Option<String>,
    pub theme: Option<String>,
    /// For an event made of several: how many partners took part, how many events
    /// it held.
    pub nombre_partenaires: Option<u64>,
    pub nombre_evenements: Option<u64>,
    pub actions: Vec<Ix<Action>>,
    pub partenaires: Vec<Ix<Partenaire>>,
    pub participants: Option<u64>,
    pub corps: String,
}

/// What the site says of its accessibility.
#[derive(Debug, Clone, Default)]
pub struct Accessibilite {
    /// An e-mail address or a web address.
    pub contact: Option<String>,
    /// A full RGAA audit: who made it and when, and the share of criteria met.
    pub audit: Option<(String, f64)>,
}

/// A checked repository.
#[derive(Debug)]
pub struct Repository {
    pub titre: Text,
    /// `CLS` or `CLSM`.
    pub r#type: String,
    pub territoire: Option<String>,
    pub periode: Option<Periode>,
    pub porteur: Option<Ix<Partenaire>>,
    pub coordination: Option<String>,
    pub objectif_global: Option<String>,
    /// Where the site is published, ending with `/`.
    pub url: Option<String>,
    pub accessibilite: Accessibilite,
    pub parent: Option<ContratParent>,
    /// The contracts this one follows, oldest first as written.
    pub precedents: Vec<ContratParent>,
    pub axes: Vec<Axe>,
    pub thematiques: Vec<Thematique>,
    /// The steps of the contract's life, oldest first.
    pub etapes: Vec<Etape>,
    /// Words of the `secteurs` vocabulary.
    pub secteurs: Vec<String>,
    pub outils: Vec<String>,
    /// The dimensions of `[dimensions.NOM]`, by id.
    pub dimensions: Vec<Dimension>,
    pub vocab: Vocabularies,
    /// In official order: by axis (in the contract's order), number, id.
    pub actions: Vec<Action>,
    /// By id.
    pub partenaires: Vec<Partenaire>,
    pub indicateurs: Vec<Indicateur>,
    pub evenements: Vec<Evenement>,
}

impl Repository {
    pub fn axe(&self, ix: Ix<Axe>) -> &Axe {
        &self.axes[ix.0]
    }

    /// An axis of the parent contract; an action only holds one when there is a parent.
    pub fn axe_parent(&self, ix: Ix<AxeParent>) -> Option<&Axe> {
        self.parent.as_ref()?.axes.get(ix.0).map(|a| &a.0)
    }

    pub fn action(&self, ix: Ix<Action>) -> &Action {
        &self.actions[ix.0]
    }

    pub fn partenaire(&self, ix: Ix<Partenaire>) -> &Partenaire {
        &self.partenaires[ix.0]
    }

    pub fn indicateur(&self, ix: Ix<Indicateur>) -> &Indicateur {
        &self.indicateurs[ix.0]
    }

    /// The dimension `id` (`check` proved every one cited is declared).
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| &*d.id == id)
    }

    /// The actions of one axis, in official order.
    pub fn actions_of(&self, axe: Ix<Axe>) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(move |a| a.axe == axe)
    }

    /// Each axis with its position, in the contract's order.
    pub fn axes_indexed(&self) -> impl Iterator<Item = (Ix<Axe>, &Axe)> {
        self.axes.iter().enumerate().map(|(i, a)| (Ix::new(i), a))
    }

    /// Each theme with its position, in the contract's order.
    pub fn thematiques_indexed(&self) -> impl Iterator<Item = (Ix<Thematique>, &Thematique)> {
        self.thematiques.iter().enumerate().map(|(i, t)| (Ix::new(i), t))
    }

    /// The previous contract in force at some time between `from` and `to`: the
    /// first of `[[contrats_precedents]]` whose period meets that span.
    pub fn precedent_between(&self, from: NaiveDate, to: NaiveDate) -> Option<&ContratParent> {
        self.precedents
            .iter()
            .find(|p| p.periode.is_some_and(|x| x.debut.first_day() <= to && from <= x.fin.last_day()))
    }

    /// Each partner with its position, by id.
    pub fn partenaires_indexed(&self) -> impl Iterator<Item = (Ix<Partenaire>, &Partenaire)> {
        self.partenaires.iter().enumerate().map(|(i, p)| (Ix::new(i), p))
    }

    /// Each indicator with its position, by id.
    pub fn indicateurs_indexed(&self) -> impl Iterator<Item = (Ix<Indicateur>, &Indicateur)> {
        self.indicateurs.iter().enumerate().map(|(i, r)| (Ix::new(i), r))
    }

    /// Each action with its position, in official order.
    pub fn actions_indexed(&self) -> impl Iterator<Item = (Ix<Action>, &Action)> {
        self.actions.iter().enumerate().map(|(i, a)| (Ix::new(i), a))
    }

    /// Turns a repository `check` found no error in into a checked one; `None` if
    /// something it requires is missing after all.
    /// It takes the loaded records and moves the texts of the actions and the
    /// events here rather than copy them: the actions, most of a repository, are
    /// never held twice. Partners and indicators are copied, then dropped.
    pub fn from_loaded(repo: raw::Repository) -> Option<Self> {
        let raw::Repository {
            config,
            actions,
            partenaires: partenaires_raw,
            indicateurs: indicateurs_raw,
            evenements,
            ..
        } = repo;
        let ids = Ids::new(&config, &partenaires_raw, &indicateurs_raw);
        let config = &config;
        let axes: Vec<Axe> = config.axes.iter().flatten().map(axis).collect::<Option<_>>()?;
        let parent = match &config.contrat_parent {
            Some(p) => Some(contract(p)?),
            None => None,
        };
        let precedents = config.contrats_precedents.iter().flatten().map(contract).collect::<Option<_>>()?;
        let mut etapes: Vec<Etape> = config
            .etapes
            .iter()
            .flatten()
            .map(|e| {
                let partenaires = resolve(&e.partenaires, |id| ids.partner(id))?;
                Some(Etape { date: e.date?, fin: e.fin, texte: e.texte.clone()?, partenaires })
            })
            .collect::<Option<_>>()?;
        etapes.sort_by_key(|e| e.date.first_day());
        let thematiques: Vec<Thematique> = config
            .thematiques
            .iter()
            .flatten()
            .map(|t| {
                Some(Thematique {
                    id: text(t.id.as_deref()?),
                    titre: text(t.titre.as_deref()?),
                    mise_en_reflexion: t.mise_en_reflexion,
                })
            })
            .collect::<Option<_>>()?;
        let mut actions = actions;
        actions.par_sort_by_cached_key(|a| official_order(a, &ids));
        let dimensions = dimensions(config)?;
        // The actions and the indicators, the bulk of a repository, on every core.
        let (actions, indicateurs) = rayon::join(
            || all_present(actions.into_par_iter().map(|r| action(r, &ids, &indicateurs_raw)).collect()),
            || all_present(indicateurs_raw.par_iter().map(|r| indicator(r, &dimensions)).collect()),
        );
        let (actions, mut indicateurs) = (actions?, indicateurs?);
        let action_ix: HashMap<&str, Ix<Action>> =
            actions.iter().enumerate().map(|(i, a)| (&*a.id, Ix::new(i))).collect();
        let mut partenaires: Vec<Partenaire> = partenaires_raw.iter().map(partner).collect::<Option<_>>()?;
        for (i, a) in actions.iter().enumerate() {
            partenaires[a.porteur.0].porte.push(Ix::new(i));
            for p in &a.associes {
                partenaires[p.0].participe.push(Ix::new(i));
            }
            for ind in &a.indicateurs {
                indicateurs[ind.0].actions.push(Ix::new(i));
            }
        }
        let evenements = evenements.into_iter().map(|r| event(r, &ids, &action_ix)).collect::<Option<_>>()?;
        Some(Repository {
            titre: text(config.titre.as_deref()?),
            r#type: config.r#type.clone()?,
            territoire: config.territoire.clone(),
            periode: config.periode.as_ref().and_then(|p| p.periode()),
            porteur: config.porteur.as_deref().and_then(|p| ids.partner(p)),
            coordination: config.coordination.clone(),
            objectif_global: config.objectif_global.clone(),
            url: config.url.as_deref().map(|u| if u.ends_with('/') { u.to_string() } else { format!("{u}/") }),
            accessibilite: config
                .accessibilite
                .as_ref()
                .map(|a| Accessibilite { contact: a.contact.clone(), audit: a.audit.clone().zip(a.taux) })
                .unwrap_or_default(),
            parent,
            precedents,
            axes,
            thematiques,
            etapes,
            secteurs: config.secteurs.clone().unwrap_or_default(),
            outils: config.outils.clone().unwrap_or_default(),
            dimensions,
            vocab: config.vocabularies(),
            actions,
            partenaires,
            indicateurs,
            evenements,
        })
    }
}

/// Every record, or `None` if one is missing. Collected on every core as options
/// of known number, each written in its place: collected as `Option<Vec<_>>`, they
/// were gathered in pieces, then copied into one vector by one thread.
fn all_present<T>(records: Vec<Option<T>>) -> Option<Vec<T>> {
    records.into_iter().collect()
}

fn text(s: &str) -> Text {
    Text::from(s)
}

/// A parent or a previous contract.
fn contract(p: &raw::ContratParent) -> Option<ContratParent> {
    Some(ContratParent {
        titre: text(p.titre.as_deref()?),
        r#type: p.r#type.clone(),
        territoire: p.territoire.clone(),
        periode: p.periode.as_ref().and_then(|p| p.periode()),
        axes: p.axes.iter().flatten().map(|a| axis(a).map(AxeParent)).collect::<Option<_>>()?,
    })
}

fn axis(a: &raw::Axe) -> Option<Axe> {
    Some(Axe { id: text(a.id.as_deref()?), titre: text(a.titre.as_deref()?), description: a.description.clone() })
}

/// The positions of the records of the loaded repository, by id.
struct Ids<'a> {
    axes: HashMap<&'a str, usize>,
    parent_axes: HashMap<&'a str, usize>,
    themes: HashMap<&'a str, usize>,
    partners: HashMap<&'a str, usize>,
    indicators: HashMap<&'a str, usize>,
}

impl<'a> Ids<'a> {
    fn new(
        config: &'a raw::Config,
        partners: &'a [raw::Record<raw::Partenaire>],
        indicators: &'a [raw::Record<raw::Indicateur>],
    ) -> Self {
        let rank = |ids: Vec<&'a str>| ids.into_iter().enumerate().map(|(i, id)| (id, i)).collect();
        Ids {
            axes: rank(config.axes.iter().flatten().filter_map(|a| a.id.as_deref()).collect()),
            parent_axes: rank(
                config
                    .contrat_parent
                    .iter()
                    .flat_map(|p| p.axes.iter().flatten())
                    .filter_map(|a| a.id.as_deref())
                    .collect(),
            ),
            themes: rank(config.thematiques.iter().flatten().filter_map(|t| t.id.as_deref()).collect()),
            partners: rank(partners.iter().map(|r| r.id.as_str()).collect()),
            indicators: rank(indicators.iter().map(|r| r.id.as_str()).collect()),
        }
    }

    fn axis(&self, id: &str) -> Option<Ix<Axe>> {
        self.axes.get(id).map(|&i| Ix::new(i))
    }

    fn parent_axis(&self, id: &str) -> Option<Ix<AxeParent>> {
        self.parent_axes.get(id).map(|&i| Ix::new(i))
    }

    fn theme(&self, id: &str) -> Option<Ix<Thematique>> {
        self.themes.get(id).map(|&i| Ix::new(i))
    }

    fn partner(&self, id: &str) -> Option<Ix<Partenaire>> {
        self.partners.get(id).map(|&i| Ix::new(i))
    }

    fn indicator(&self, id: &str) -> Option<Ix<Indicateur>> {
        self.indicators.get(id).map(|&i| Ix::new(i))
    }
}

/// Where an action sorts: the rank of its axis, its official number (numbered ones
/// first, then in natural order), its id.
type OfficialKey = (Option<usize>, (bool, Vec<(u64, String)>, String), String);

/// By axis (in the contract's order), then official number (natural order, numbered
/// first), then id: the key each action is sorted by, made once for each.
fn official_order(a: &raw::Record<raw::Action>, ids: &Ids) -> OfficialKey {
    let rank = a.data.axe.as_deref().and_then(|x| ids.axes.get(x)).copied();
    // `false` sorts first: the numbered actions before the others.
    let number = match a.data.numero.as_deref() {
        Some(n) => (false, raw::natural_parts(n), n.to_string()),
        None => (true, Vec::new(), String::new()),
    };
    (rank, number, a.id.clone())
}

fn list<T: Clone>(items: &Option<Vec<T>>) -> Vec<T> {
    items.clone().unwrap_or_default()
}

/// Resolves a list of ids; `None` if one is unknown.
fn resolve<T>(items: &Option<Vec<String>>, find: impl Fn(&str) -> Option<Ix<T>>) -> Option<Vec<Ix<T>>> {
    items.iter().flatten().map(|id| find(id)).collect()
}

fn action(r: raw::Record<raw::Action>, ids: &Ids, indicators: &[raw::Record<raw::Indicateur>]) -> Option<Action> {
    let raw::Record { id, data: a, body, .. } = r;
    let porteur = ids.partner(a.porteur.as_deref()?)?;
    let financements: Vec<Financement> = a
        .financements
        .iter()
        .flatten()
        .map(|f| {
            let financeur = ids.partner(f.financeur.as_deref()?)?;
            Some(Financement { financeur, montant: f.montant, statut: f.statut.clone()? })
        })
        .collect::<Option<_>>()?;
    let funding = |statut: StatutFinancement| {
        Montant::total(financements.iter().filter(|f| f.statut == statut).filter_map(|f| f.montant)).ok()
    };
    let (acquis, pressenti) = (funding(StatutFinancement::Acquis)?, funding(StatutFinancement::Pressenti)?);
    let mut associes = Vec::new();
    for id in a.autres_partenaires() {
        if let Some(p) = ids.partner(id).filter(|p| *p != porteur && !associes.contains(p)) {
            associes.push(p);
        }
    }
    let indicateurs = resolve(&a.indicateurs, |id| ids.indicator(id))?;
    let mut sources: Vec<Text> = Vec::new();
    for ix in &indicateurs {
        for s in indicators[ix.0].data.sources.iter().flatten() {
            if !sources.iter().any(|known| **known == **s) {
                sources.push(text(s));
            }
        }
    }
    let objectifs =
        a.objectifs_operationnels.into_iter().flatten().map(|o| objective(o, ids)).collect::<Option<_>>()?;
    let budget: Vec<LigneBudget> = a
        .budget
        .into_iter()
        .flatten()
        .map(|l| Some(LigneBudget { poste: l.poste?, montant: l.montant? }))
        .collect::<Option<_>>()?;
    Some(Action {
        id: text(&id),
        numero: a.numero.as_deref().map(text),
        titre: text(a.titre.as_deref()?),
        axe: ids.axis(a.axe.as_deref()?)?,
        axe_parent: match a.axe_parent.as_deref() {
            Some(id) => Some(ids.parent_axis(id)?),
            None => None,
        },
        statut: a.statut,
        porteur,
        objectif_strategique: a.objectif_strategique,
        objectif_specifique: a.objectif_specifique,
        objectifs,
        pilote: a.pilote,
        partenaires: resolve(&a.partenaires, |id| ids.partner(id))?,
        thematiques: resolve(&a.thematiques, |id| ids.theme(id))?,
        typologie: a.typologie,
        duree: a.duree.unwrap_or_default(),
        territoire: a.territoire.unwrap_or_default(),
        lieux: a.lieux,
        public: a.public.unwrap_or_default(),
        public_precision: a.public_precision,
        calendrier: a.calendrier.as_ref().and_then(|c| c.periode()),
        budget_total: Montant::total(budget.iter().map(|l| l.montant)).ok()?,
        acquis,
        pressenti,
        budget,
        financements,
        indicateurs,
        determinants: a.determinants.unwrap_or_default(),
        politiques_publiques: a.politiques_publiques.unwrap_or_default(),
        inegalites_sociales: a.inegalites_sociales,
        demarche_participative: a.demarche_participative,
        participation: a.participation,
        champ: a.champ.unwrap_or_default(),
        prerequis: a.prerequis,
        dispositifs_existants: a.dispositifs_existants,
        resultats_attendus: a.resultats_attendus,
        moyens_mobilisables: a.moyens_mobilisables,
        moyens_a_rechercher: a.moyens_a_rechercher,
        suivi: a.suivi,
        evaluation: a.evaluation,
        avancement: a
            .avancement
            .into_iter()
            .flatten()
            .map(|e| {
                Some(Avancement {
                    date: e.date?,
                    fin: e.fin,
                    texte: e.texte?,
                    statut: e.statut,
                    participants: e.participants,
                })
            })
            .collect::<Option<_>>()?,
        corps: body,
        associes,
        sources,
    })
}

fn objective(o: raw::ObjectifOperationnel, ids: &Ids) -> Option<Objectif> {
    let qui = o
        .qui
        .into_iter()
        .flatten()
        .map(|q| match ids.partner(&q) {
            Some(p) => Qui::Partenaire(p),
            None => Qui::Texte(q),
        })
        .collect();
    Some(Objectif { titre: o.titre?, comment: o.comment, qui, quand: o.quand, statut: o.statut })
}

fn partner(r: &raw::Record<raw::Partenaire>) -> Option<Partenaire> {
    let p = &r.data;
    Some(Partenaire {
        id: text(&r.id),
        nom: text(p.nom.as_deref()?),
        sigle: p.sigle.clone(),
        r#type: p.r#type.clone(),
        secteurs: list(&p.secteurs),
        adresse: p.adresse.clone(),
        commune: p.commune.clone(),
        coordonnees: match &p.coordonnees {
            Some(c) => Some((c.lat?, c.lon?)),
            None => None,
        },
        site: p.site.clone(),
        telephone: p.telephone.clone(),
        email: p.email.clone(),
        fondateur: p.fondateur,
        instances: list(&p.instances),
        contacts: p
            .contacts
            .iter()
            .flatten()
            .map(|c| {
                Some(Contact {
                    nom: c.nom.clone()?,
                    fonction: c.fonction.clone(),
                    email: c.email.clone(),
                    telephone: c.telephone.clone(),
                })
            })
            .collect::<Option<_>>()?,
        corps: r.body.clone(),
        porte: Vec::new(),
        participe: Vec::new(),
    })
}

/// The dimensions of `clsm.toml`, by id.
fn dimensions(config: &raw::Config) -> Option<Vec<Dimension>> {
    config
        .dimensions
        .iter()
        .flatten()
        .map(|(id, d)| {
            let categories = d.categories.as_ref()?.0.iter().map(|(c, label)| (text(c), text(label))).collect();
            Some(Dimension { id: text(id), titre: text(d.titre.as_deref()?), categories })
        })
        .collect()
}

/// A measure's breakdowns, each in its dimension's order of categories.
fn breakdowns(i: &raw::Indicateur, m: &raw::Mesure, dimensions: &[Dimension]) -> Option<Vec<Repartition>> {
    let mut out = Vec::new();
    for (dimension, parts) in m.ventilation.iter().flat_map(|v| &v.0) {
        let declared = dimensions.iter().find(|d| &*d.id == dimension.as_str())?;
        let mut parts: Vec<PartCategorie> = parts
            .iter()
            .map(|(c, p)| {
                let valeur = match (p.valeur, p.numerateur, p.denominateur) {
                    (Some(v), _, _) => v,
                    (None, Some(n), Some(d)) if d != 0.0 => i.ratio(n, d),
                    _ => return None,
                };
                Some(PartCategorie {
                    categorie: text(c),
                    valeur,
                    numerateur: p.numerateur,
                    denominateur: p.denominateur,
                })
            })
            .collect::<Option<_>>()?;
        let rank = |c: &PartCategorie| declared.categories.iter().position(|(id, _)| *id == c.categorie);
        parts.sort_by_key(rank);
        out.push(Repartition { dimension: declared.id.clone(), parts });
    }
    let order = |r: &Repartition| i.ventilation.iter().flatten().position(|d| d.as_str() == &*r.dimension);
    out.sort_by_key(order);
    Some(out)
}

/// The targets of an indicator: each period's, and the whole contract's.
fn targets(i: &raw::Indicateur, cumul: Cumul) -> Option<(Vec<Cible>, Option<Cible>)> {
    let read = |c: &raw::Cible| Some(Cible { valeur: c.valeur?, echeance: c.echeance });
    let cibles: Vec<Cible> = match (&i.cible, &i.cibles) {
        (Some(c), _) => vec![read(c)?],
        (None, Some(list)) => list.iter().map(read).collect::<Option<_>>()?,
        (None, None) => Vec::new(),
    };
    let whole = match (cumul, cibles.last()) {
        (_, None) => None,
        (Cumul::Periode, Some(last)) => Some(Cible { valeur: cibles.iter().map(|c| c.valeur).sum(), ..*last }),
        (_, Some(last)) => Some(*last),
    };
    Some((cibles, whole))
}

fn indicator(r: &raw::Record<raw::Indicateur>, dimensions: &[Dimension]) -> Option<Indicateur> {
    let i = &r.data;
    let mesures = i
        .mesures
        .iter()
        .flatten()
        .map(|m| {
            Some(Mesure {
                date: m.date?,
                valeur: i.valeur(m)?,
                numerateur: m.numerateur,
                denominateur: m.denominateur,
                ventilation: breakdowns(i, m, dimensions)?,
                commentaire: m.commentaire.clone(),
                source: m.source.clone(),
            })
        })
        .collect::<Option<_>>()?;
    let valeur_initiale = match &i.valeur_initiale {
        Some(v) => Some(ValeurInitiale { date: v.date, valeur: v.valeur? }),
        None => None,
    };
    let cumul = match i.cumul {
        None => Cumul::Etat,
        Some(true) => Cumul::Total,
        Some(false) => Cumul::Periode,
    };
    let (cibles, cible) = targets(i, cumul)?;
    Some(Indicateur {
        id: text(&r.id),
        libelle: text(i.libelle.as_deref()?),
        r#type: i.r#type.clone()?,
        unite: i.unite.clone(),
        sens: i.sens.clone().unwrap_or(Sens::Hausse),
        valeur_initiale,
        cible,
        cibles,
        cumul,
        ventilation: i.ventilation.iter().flatten().map(|d| text(d)).collect(),
        numerateur: i.numerateur.clone(),
        denominateur: i.denominateur.clone(),
        sources: i.sources.iter().flatten().map(|s| text(s)).collect(),
        frequence: i.frequence.clone(),
        mesures,
        corps: r.body.clone(),
        actions: Vec::new(),
    })
}

fn event(r: raw::Record<raw::Evenement>, ids: &Ids, actions: &HashMap<&str, Ix<Action>>) -> Option<Evenement> {
    let raw::Record { id, data: e, body, .. } = r;
    Some(Evenement {
        id: text(&id),
        date: e.date?,
        fin: e.fin,
        actions: e.actions.iter().flatten().map(|id| actions.get(id.as_str()).copied()).collect::<Option<_>>()?,
        partenaires: resolve(&e.partenaires, |id| ids.partner(id))?,
        r#type: e.r#type,
        titre: e.titre,
        theme: e.theme,
        nombre_partenaires: e.nombre_partenaires,
        nombre_evenements: e.nombre_evenements,
        participants: e.participants,
        corps: body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> raw::Repository {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        crate::load::load(&root).expect("the fixture loads").repo
    }

    #[test]
    fn a_valid_repository_becomes_checked_with_its_relations() {
        let repo = Repository::from_loaded(fixture("rapport")).expect("checked");
        let ids: Vec<&str> = repo.actions.iter().map(|a| &*a.id).collect();
        assert_eq!(ids, ["retard", "active", "faite", "piste"], "official order");
        let porteur = repo.partenaires.iter().find(|p| &*p.id == "p").unwrap();
        assert_eq!(porteur.porte.len(), 4);
        assert!(porteur.participe.is_empty(), "a porteur funding its own action does not join it");
        let active = &repo.actions[1];
        assert_eq!((active.budget_total.cents, active.acquis.cents, active.pressenti.cents), (173050, 100000, 50000));
        let up = repo.indicateurs.iter().find(|i| &*i.id == "ind-hausse").unwrap();
        assert!(!up.actions.is_empty());
    }

    #[test]
    fn a_repository_with_a_dangling_reference_is_not_checked() {
        assert!(Repository::from_loaded(fixture("ref-inconnue")).is_none());
        assert!(Repository::from_loaded(fixture("cle-manquante")).is_none());
    }
}
