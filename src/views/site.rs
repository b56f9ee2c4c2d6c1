//! The document set: everything the HTML site (and later the PDF) shows, grouped and
//! counted, ready for templates.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::vocab::{self, Vocabularies};
use crate::model::{Action, Evenement, Indicateur, Partenaire, PartialDate, Periode, Record, Repository, Thematique};
use crate::views::indicators::{self, Point};
use crate::views::{Case, Lexicon, Lien, Mot, mail_url, natural_cmp, web_url};

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

/// A number of actions with one statut.
#[derive(Debug, Clone, Serialize)]
pub struct Compte {
    pub mot: String,
    pub libelle: String,
    pub nombre: usize,
}

/// An axis and its actions.
#[derive(Debug, Serialize)]
pub struct AxeView {
    pub id: String,
    pub titre: String,
    pub description: Option<String>,
    /// Actions other than pistes, in official order.
    pub actions: Vec<ActionResume>,
    pub pistes: Vec<ActionResume>,
    pub par_statut: Vec<Compte>,
}

/// An action in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ActionResume {
    pub id: String,
    pub numero: Option<String>,
    pub titre: String,
    pub statut: Option<Mot>,
    pub porteur: Option<Lien>,
    pub calendrier: Option<Periode>,
}

/// A fiche-action, every field labelled, in the order of the CLS template.
#[derive(Debug, Serialize)]
pub struct ActionView {
    pub id: String,
    pub numero: Option<String>,
    pub titre: String,
    pub axe: Option<Lien>,
    pub statut: Option<Mot>,
    pub objectif_strategique: Option<String>,
    pub objectif_specifique: Option<String>,
    pub porteur: Option<Lien>,
    pub pilote: Option<String>,
    pub partenaires: Vec<Lien>,
    pub suivi: Option<String>,
    pub thematiques: Vec<Lien>,
    pub objectifs: Vec<ObjectifView>,
    pub typologie: Option<Mot>,
    pub duree: Vec<Case>,
    pub territoire: Vec<Case>,
    pub lieux: Option<String>,
    pub public: Vec<Case>,
    pub public_precision: Option<String>,
    pub calendrier: Option<Periode>,
    pub champ: Vec<Case>,
    pub participation: Option<Mot>,
    pub budget: Vec<LigneBudgetView>,
    /// Sum of the budget lines, when there are any.
    pub budget_total: Option<f64>,
    pub financements: Vec<FinancementView>,
    pub determinants: Vec<String>,
    pub politiques_publiques: Vec<String>,
    pub indicateurs_processus: Vec<IndicateurResume>,
    pub indicateurs_resultat: Vec<IndicateurResume>,
    pub evaluation: Option<String>,
    pub inegalites_sociales: Option<bool>,
    pub demarche_participative: Option<bool>,
    pub prerequis: Option<String>,
    pub dispositifs_existants: Option<String>,
    pub resultats_attendus: Option<String>,
    pub moyens_mobilisables: Option<String>,
    pub moyens_a_rechercher: Option<String>,
    pub avancement: Vec<AvancementView>,
    /// The Markdown body, rendered by the templates.
    pub corps: String,
}

/// One line of the "Comment ? Qui ? Quand ?" table.
#[derive(Debug, Serialize)]
pub struct ObjectifView {
    pub titre: String,
    pub comment: Option<String>,
    pub qui: Vec<Qui>,
    pub quand: Option<String>,
    pub statut: Option<Mot>,
}

/// Who does it: a partner (linked) or free text.
#[derive(Debug, Serialize)]
pub struct Qui {
    pub texte: String,
    pub partenaire: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LigneBudgetView {
    pub poste: String,
    pub montant: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct FinancementView {
    pub financeur: Option<Lien>,
    pub montant: Option<f64>,
    pub statut: Option<Mot>,
}

/// An indicator as a fiche shows it: latest value against the target.
#[derive(Debug, Serialize)]
pub struct IndicateurResume {
    pub id: String,
    pub libelle: String,
    pub unite: Option<String>,
    pub derniere: Option<Point>,
    pub cible: Option<f64>,
    pub echeance: Option<PartialDate>,
}

#[derive(Debug, Serialize)]
pub struct AvancementView {
    pub date: Option<PartialDate>,
    pub texte: String,
    pub statut: Option<Mot>,
    pub participants: Option<u64>,
}

/// Partners of one type.
#[derive(Debug, Serialize)]
pub struct GroupePartenaires {
    /// A unique anchor for the group's heading.
    pub ancre: String,
    pub r#type: Mot,
    pub partenaires: Vec<PartenaireView>,
}

/// A partner of the directory, with the actions it leads and joins.
#[derive(Debug, Serialize)]
pub struct PartenaireView {
    pub id: String,
    pub nom: String,
    pub sigle: Option<String>,
    pub r#type: Option<Mot>,
    pub secteurs: Vec<Mot>,
    pub adresse: Option<String>,
    pub commune: Option<String>,
    pub coordonnees: Option<(f64, f64)>,
    pub site: Option<String>,
    /// The site as a link target, when it is a plain web address.
    pub site_url: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    /// The address as a `mailto:` link, when it looks like one.
    pub email_url: Option<String>,
    pub fondateur: bool,
    pub instances: Vec<Mot>,
    /// Personal contacts: empty unless the set is internal.
    pub contacts: Vec<ContactView>,
    pub porte: Vec<Lien>,
    pub participe: Vec<Lien>,
}

#[derive(Debug, Serialize)]
pub struct ContactView {
    pub nom: String,
    pub fonction: Option<String>,
    pub email: Option<String>,
    pub telephone: Option<String>,
}

/// An indicator with all its measures.
#[derive(Debug, Serialize)]
pub struct IndicateurView {
    pub id: String,
    pub libelle: String,
    pub r#type: Option<Mot>,
    /// The unit's word (`pourcentage`…), for the `valeur` filter.
    pub unite: Option<String>,
    pub unite_libelle: Option<String>,
    pub sens: Mot,
    pub valeur_initiale: Option<Point>,
    pub valeur_initiale_sans_date: Option<f64>,
    pub cible: Option<f64>,
    pub echeance: Option<PartialDate>,
    pub numerateur: Option<String>,
    pub denominateur: Option<String>,
    pub sources: Vec<String>,
    pub frequence: Option<String>,
    pub mesures: Vec<MesureView>,
    pub derniere: Option<Point>,
    /// Percent of the way from the baseline to the target.
    pub atteinte: Option<f64>,
    pub actions: Vec<Lien>,
}

#[derive(Debug, Serialize)]
pub struct MesureView {
    pub date: Option<PartialDate>,
    pub valeur: Option<f64>,
    pub numerateur: Option<f64>,
    pub denominateur: Option<f64>,
    pub commentaire: Option<String>,
    pub source: Option<String>,
}

/// One row of the cadre logique (seed 003's table).
#[derive(Debug, Serialize)]
pub struct LigneCadre {
    pub objectif_strategique: Option<String>,
    pub objectif_specifique: Option<String>,
    pub action: Lien,
    pub numero: Option<String>,
    pub description: Option<String>,
    pub prerequis: Option<String>,
    pub public: Vec<String>,
    pub dispositifs_existants: Option<String>,
    pub resultats_attendus: Option<String>,
    pub indicateurs: Vec<Lien>,
    pub sources: Vec<String>,
    pub moyens_mobilisables: Option<String>,
    pub moyens_a_rechercher: Option<String>,
}

/// The pistes of one axis, by theme.
#[derive(Debug, Serialize)]
pub struct PistesAxe {
    pub axe: Lien,
    pub thematiques: Vec<PistesThematique>,
}

#[derive(Debug, Serialize)]
pub struct PistesThematique {
    /// A unique anchor for the group's heading.
    pub ancre: String,
    /// `None` for pistes without a theme.
    pub thematique: Option<Lien>,
    pub pistes: Vec<PisteView>,
}

#[derive(Debug, Serialize)]
pub struct PisteView {
    pub id: String,
    pub titre: String,
    pub objectif_specifique: Option<String>,
    pub partenaires: Vec<Lien>,
    pub corps: String,
}

/// The events of one year, by type.
#[derive(Debug, Serialize)]
pub struct Annee {
    pub annee: i32,
    pub types: Vec<EvenementsType>,
    pub participants: u64,
}

#[derive(Debug, Serialize)]
pub struct EvenementsType {
    /// A unique anchor for the group's heading.
    pub ancre: String,
    pub r#type: Mot,
    pub evenements: Vec<EvenementView>,
}

#[derive(Debug, Serialize)]
pub struct EvenementView {
    pub id: String,
    pub date: Option<PartialDate>,
    pub titre: String,
    pub participants: Option<u64>,
    pub actions: Vec<Lien>,
    pub partenaires: Vec<Lien>,
    pub corps: String,
}

/// Looks up names for ids while building the views; each name is made once and
/// shared by every view that shows it.
pub(crate) struct Names<'a> {
    repo: &'a Repository,
    vocab: Vocabularies,
    pub(crate) lexicon: Lexicon,
    partners: HashMap<&'a str, (&'a Partenaire, Lien)>,
    actions: HashMap<&'a str, Lien>,
    indicators: HashMap<&'a str, (&'a Indicateur, Lien)>,
    axes: HashMap<&'a str, Lien>,
    themes: HashMap<&'a str, Lien>,
}

fn link(id: &str, titre: Option<&str>) -> Lien {
    Lien { id: id.into(), titre: titre.unwrap_or(id).into() }
}

impl<'a> Names<'a> {
    pub(crate) fn new(repo: &'a Repository) -> Self {
        let vocab = repo.config.vocabularies();
        let c = &repo.config;
        Names {
            repo,
            lexicon: Lexicon::new(&vocab),
            vocab,
            partners: repo
                .partenaires
                .iter()
                .map(|r| (r.id.as_str(), (&r.data, link(&r.id, r.data.nom.as_deref()))))
                .collect(),
            actions: repo
                .actions
                .iter()
                .map(|r| (r.id.as_str(), link(&r.id, Some(&action_title(&r.data, &r.id)))))
                .collect(),
            indicators: repo
                .indicateurs
                .iter()
                .map(|r| (r.id.as_str(), (&r.data, link(&r.id, r.data.libelle.as_deref()))))
                .collect(),
            axes: c
                .axes
                .iter()
                .flatten()
                .filter_map(|a| Some((a.id.as_deref()?, link(a.id.as_deref()?, a.titre.as_deref()))))
                .collect(),
            themes: c
                .thematiques
                .iter()
                .flatten()
                .filter_map(|t| Some((t.id.as_deref()?, link(t.id.as_deref()?, t.titre.as_deref()))))
                .collect(),
        }
    }

    pub(crate) fn partner(&self, id: &str) -> Lien {
        self.partners.get(id).map_or_else(|| link(id, None), |(_, l)| l.clone())
    }

    pub(crate) fn action(&self, id: &str) -> Lien {
        self.actions.get(id).cloned().unwrap_or_else(|| link(id, None))
    }

    pub(crate) fn indicator(&self, id: &str) -> Lien {
        self.indicators.get(id).map_or_else(|| link(id, None), |(_, l)| l.clone())
    }

    fn axis(&self, id: &str) -> Lien {
        self.axes.get(id).cloned().unwrap_or_else(|| link(id, None))
    }

    fn theme(&self, id: &str) -> Lien {
        self.themes.get(id).cloned().unwrap_or_else(|| link(id, None))
    }

    fn themes(&self) -> impl Iterator<Item = &'a Thematique> {
        self.repo.config.thematiques.iter().flatten()
    }

    pub(crate) fn word(&self, of: &vocab::Vocab, word: &Option<String>) -> Option<Mot> {
        word.as_deref().map(|w| self.lexicon.word(of, w))
    }

    fn words(&self, of: &vocab::Vocab, words: &Option<Vec<String>>) -> Vec<Mot> {
        words.iter().flatten().map(|w| self.lexicon.word(of, w)).collect()
    }
}

/// The title shown for an action: its official number, then its title.
fn action_title(a: &Action, id: &str) -> String {
    let titre = a.titre.clone().unwrap_or_else(|| id.to_string());
    match &a.numero {
        Some(n) => format!("{n}. {titre}"),
        None => titre,
    }
}

/// Builds the document set of a (checked) repository.
pub fn build(repo: &Repository, options: Options) -> Site {
    let names = Names::new(repo);
    let actions = ordered_actions(repo);
    Site {
        contrat: contract(&names),
        chiffres: counts(&names),
        axes: axes(&names, &actions),
        actions: actions.iter().map(|r| action_view(&names, r)).collect(),
        annuaire: directory(&names, options),
        indicateurs: indicator_views(&names, &actions),
        cadre_logique: actions.iter().filter(|r| !is_piste(&r.data)).map(|r| logframe_row(&names, r)).collect(),
        pistes: pistes(&names, &actions),
        calendrier: calendar(&names),
        interne: options.interne,
    }
}

fn is_piste(a: &Action) -> bool {
    a.statut.as_deref() == Some("piste")
}

/// Actions by axis (in the contract's order), then official number, then id.
pub(crate) fn ordered_actions(repo: &Repository) -> Vec<&Record<Action>> {
    let axis_rank: HashMap<&str, usize> =
        repo.config.axes.iter().flatten().enumerate().filter_map(|(i, a)| Some((a.id.as_deref()?, i))).collect();
    let mut actions: Vec<&Record<Action>> = repo.actions.iter().collect();
    actions.sort_by(|a, b| {
        let rank =
            |r: &Record<Action>| r.data.axe.as_deref().and_then(|x| axis_rank.get(x)).copied().unwrap_or(usize::MAX);
        rank(a)
            .cmp(&rank(b))
            .then_with(|| match (&a.data.numero, &b.data.numero) {
                (Some(x), Some(y)) => natural_cmp(x, y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    actions
}

fn contract(names: &Names) -> Contrat {
    let c = &names.repo.config;
    Contrat {
        titre: c.titre.clone().unwrap_or_default(),
        r#type: names.word(&vocab::TYPE_CONTRAT, &c.r#type),
        territoire: c.territoire.clone(),
        periode: c.periode.as_ref().and_then(|p| p.periode()),
        porteur: c.porteur.as_deref().map(|p| names.partner(p)),
        coordination: c.coordination.clone(),
    }
}

/// Actions by statut, in vocabulary order; statuts with no action are left out.
pub(crate) fn by_statut<'a>(names: &Names, actions: impl Iterator<Item = &'a Action>) -> Vec<Compte> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for a in actions {
        *counts.entry(a.statut.clone().unwrap_or_default()).or_default() += 1;
    }
    let mut out: Vec<Compte> = names
        .vocab
        .words(&vocab::STATUT)
        .into_iter()
        .filter_map(|w| {
            let nombre = counts.get(&w).copied()?;
            Some(Compte { libelle: names.vocab.label(&vocab::STATUT, &w).to_string(), mot: w, nombre })
        })
        .collect();
    if let Some(&nombre) = counts.get("") {
        out.push(Compte { mot: String::new(), libelle: "Statut non renseigné".into(), nombre });
    }
    out
}

fn counts(names: &Names) -> Chiffres {
    let repo = names.repo;
    Chiffres {
        actions: repo.actions.len(),
        partenaires: repo.partenaires.len(),
        indicateurs: repo.indicateurs.len(),
        evenements: repo.evenements.len(),
        par_statut: by_statut(names, repo.actions.iter().map(|r| &r.data)),
    }
}

fn summary(names: &Names, r: &Record<Action>) -> ActionResume {
    let a = &r.data;
    ActionResume {
        id: r.id.clone(),
        numero: a.numero.clone(),
        titre: a.titre.clone().unwrap_or_else(|| r.id.clone()),
        statut: names.word(&vocab::STATUT, &a.statut),
        porteur: a.porteur.as_deref().map(|p| names.partner(p)),
        calendrier: a.calendrier.as_ref().and_then(|c| c.periode()),
    }
}

fn axes(names: &Names, actions: &[&Record<Action>]) -> Vec<AxeView> {
    names
        .repo
        .config
        .axes
        .iter()
        .flatten()
        .filter_map(|axe| {
            let id = axe.id.clone()?;
            let of_axis: Vec<&Record<Action>> =
                actions.iter().copied().filter(|r| r.data.axe.as_deref() == Some(id.as_str())).collect();
            Some(AxeView {
                titre: axe.titre.clone().unwrap_or_else(|| id.clone()),
                description: axe.description.clone(),
                actions: of_axis.iter().filter(|r| !is_piste(&r.data)).map(|r| summary(names, r)).collect(),
                pistes: of_axis.iter().filter(|r| is_piste(&r.data)).map(|r| summary(names, r)).collect(),
                par_statut: by_statut(names, of_axis.iter().map(|r| &r.data)),
                id,
            })
        })
        .collect()
}

fn text_list(list: &Option<Vec<String>>) -> Vec<String> {
    list.clone().unwrap_or_default()
}

fn indicator_summary(names: &Names, id: &str) -> (Option<String>, IndicateurResume) {
    let indicator = names.indicators.get(id).map(|(i, _)| *i);
    let resume = IndicateurResume {
        id: id.to_string(),
        libelle: names.indicator(id).titre.to_string(),
        unite: indicator.and_then(|i| i.unite.clone()),
        derniere: indicator.and_then(indicators::latest),
        cible: indicator.and_then(|i| i.cible.as_ref()?.valeur),
        echeance: indicator.and_then(|i| i.cible.as_ref()?.echeance),
    };
    (indicator.and_then(|i| i.r#type.clone()), resume)
}

fn action_view(names: &Names, r: &Record<Action>) -> ActionView {
    let a = &r.data;
    let budget: Vec<LigneBudgetView> = a
        .budget
        .iter()
        .flatten()
        .map(|l| LigneBudgetView { poste: l.poste.clone().unwrap_or_default(), montant: l.montant.map(|m| m.euros()) })
        .collect();
    let budget_total = a.budget.as_ref().filter(|b| !b.is_empty()).map(|_| a.budget_total().euros());
    let (mut processus, mut resultat) = (Vec::new(), Vec::new());
    for id in a.indicateurs.iter().flatten() {
        match indicator_summary(names, id) {
            (Some(t), resume) if t == "resultat" => resultat.push(resume),
            (_, resume) => processus.push(resume),
        }
    }
    ActionView {
        id: r.id.clone(),
        numero: a.numero.clone(),
        titre: a.titre.clone().unwrap_or_else(|| r.id.clone()),
        axe: a.axe.as_deref().map(|x| names.axis(x)),
        statut: names.word(&vocab::STATUT, &a.statut),
        objectif_strategique: a.objectif_strategique.clone(),
        objectif_specifique: a.objectif_specifique.clone(),
        porteur: a.porteur.as_deref().map(|p| names.partner(p)),
        pilote: a.pilote.clone(),
        partenaires: a.partenaires.iter().flatten().map(|p| names.partner(p)).collect(),
        suivi: a.suivi.clone(),
        thematiques: a.thematiques.iter().flatten().map(|t| names.theme(t)).collect(),
        objectifs: a
            .objectifs_operationnels
            .iter()
            .flatten()
            .map(|o| ObjectifView {
                titre: o.titre.clone().unwrap_or_default(),
                comment: o.comment.clone(),
                qui: o
                    .qui
                    .iter()
                    .flatten()
                    .map(|q| match names.partners.get(q.as_str()) {
                        Some(p) => Qui { texte: p.1.titre.to_string(), partenaire: Some(q.clone()) },
                        None => Qui { texte: q.clone(), partenaire: None },
                    })
                    .collect(),
                quand: o.quand.clone(),
                statut: names.word(&vocab::STATUT, &o.statut),
            })
            .collect(),
        typologie: names.word(&vocab::TYPOLOGIE, &a.typologie),
        duree: names.lexicon.cases(&vocab::DUREE, &a.duree),
        territoire: names.lexicon.cases(&vocab::TERRITOIRE, &a.territoire),
        lieux: a.lieux.clone(),
        public: names.lexicon.cases(&vocab::PUBLIC, &a.public),
        public_precision: a.public_precision.clone(),
        calendrier: a.calendrier.as_ref().and_then(|c| c.periode()),
        // The legal scope is optional: its boxes are shown only when one is ticked.
        champ: if a.champ.as_ref().is_some_and(|c| !c.is_empty()) {
            names.lexicon.cases(&vocab::CHAMP, &a.champ)
        } else {
            Vec::new()
        },
        participation: names.word(&vocab::PARTICIPATION, &a.participation),
        budget,
        budget_total,
        financements: a
            .financements
            .iter()
            .flatten()
            .map(|f| FinancementView {
                financeur: f.financeur.as_deref().map(|p| names.partner(p)),
                montant: f.montant.map(|m| m.euros()),
                statut: names.word(&vocab::STATUT_FINANCEMENT, &f.statut),
            })
            .collect(),
        determinants: text_list(&a.determinants),
        politiques_publiques: text_list(&a.politiques_publiques),
        indicateurs_processus: processus,
        indicateurs_resultat: resultat,
        evaluation: a.evaluation.clone(),
        inegalites_sociales: a.inegalites_sociales,
        demarche_participative: a.demarche_participative,
        prerequis: a.prerequis.clone(),
        dispositifs_existants: a.dispositifs_existants.clone(),
        resultats_attendus: a.resultats_attendus.clone(),
        moyens_mobilisables: a.moyens_mobilisables.clone(),
        moyens_a_rechercher: a.moyens_a_rechercher.clone(),
        avancement: a
            .avancement
            .iter()
            .flatten()
            .map(|e| AvancementView {
                date: e.date,
                texte: e.texte.clone().unwrap_or_default(),
                statut: names.word(&vocab::STATUT, &e.statut),
                participants: e.participants,
            })
            .collect(),
        corps: r.body.clone(),
    }
}

/// Partners grouped by type (vocabulary order, untyped last), each with its actions.
fn directory(names: &Names, options: Options) -> Vec<GroupePartenaires> {
    let mut leads: HashMap<&str, Vec<Lien>> = HashMap::new();
    let mut joins: HashMap<&str, Vec<Lien>> = HashMap::new();
    for r in ordered_actions(names.repo) {
        let a = &r.data;
        let link = names.action(&r.id);
        if let Some(p) = &a.porteur {
            leads.entry(p).or_default().push(link.clone());
        }
        let mut others: Vec<&str> = a.partenaires.iter().flatten().map(String::as_str).collect();
        others.extend(a.financements.iter().flatten().filter_map(|f| f.financeur.as_deref()));
        others.extend(
            a.objectifs_operationnels.iter().flatten().flat_map(|o| o.qui.iter().flatten()).map(String::as_str),
        );
        others.sort_unstable();
        others.dedup();
        for p in others.into_iter().filter(|p| Some(*p) != a.porteur.as_deref()) {
            joins.entry(p).or_default().push(link.clone());
        }
    }
    let view = |r: &Record<Partenaire>| {
        let p = &r.data;
        PartenaireView {
            id: r.id.clone(),
            nom: p.nom.clone().unwrap_or_else(|| r.id.clone()),
            sigle: p.sigle.clone(),
            r#type: names.word(&vocab::TYPE_PARTENAIRE, &p.r#type),
            secteurs: names.words(&vocab::SECTEURS, &p.secteurs),
            adresse: p.adresse.clone(),
            commune: p.commune.clone(),
            coordonnees: p.coordonnees.as_ref().and_then(|c| Some((c.lat?, c.lon?))),
            site: p.site.clone(),
            site_url: p.site.as_deref().and_then(web_url),
            telephone: p.telephone.clone(),
            email: p.email.clone(),
            email_url: p.email.as_deref().and_then(mail_url),
            fondateur: p.fondateur.unwrap_or(false),
            instances: names.words(&vocab::INSTANCES, &p.instances),
            contacts: if options.interne {
                p.contacts
                    .iter()
                    .flatten()
                    .map(|c| ContactView {
                        nom: c.nom.clone().unwrap_or_default(),
                        fonction: c.fonction.clone(),
                        email: c.email.clone(),
                        telephone: c.telephone.clone(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            porte: leads.get(r.id.as_str()).cloned().unwrap_or_default(),
            participe: joins.get(r.id.as_str()).cloned().unwrap_or_default(),
        }
    };
    let mut types = names.vocab.words(&vocab::TYPE_PARTENAIRE);
    types.push(String::new());
    let mut partners: Vec<&Record<Partenaire>> = names.repo.partenaires.iter().collect();
    partners.sort_by_cached_key(|r| r.data.nom.as_deref().unwrap_or(&r.id).to_lowercase());
    types
        .into_iter()
        .filter_map(|t| {
            let members: Vec<PartenaireView> =
                partners.iter().filter(|r| r.data.r#type.clone().unwrap_or_default() == t).map(|r| view(r)).collect();
            if members.is_empty() {
                return None;
            }
            let r#type = if t.is_empty() {
                Mot::other("", "Type non renseigné")
            } else {
                names.lexicon.word(&vocab::TYPE_PARTENAIRE, &t)
            };
            let ancre = format!("type-{}", if t.is_empty() { "non-renseigne" } else { t.as_str() });
            Some(GroupePartenaires { ancre, r#type, partenaires: members })
        })
        .collect()
}

/// Every indicator, each with the actions that cite it (in official order).
fn indicator_views(names: &Names, actions: &[&Record<Action>]) -> Vec<IndicateurView> {
    let mut citing: HashMap<&str, Vec<Lien>> = HashMap::new();
    for a in actions {
        for id in a.data.indicateurs.iter().flatten() {
            citing.entry(id.as_str()).or_default().push(names.action(&a.id));
        }
    }
    names
        .repo
        .indicateurs
        .iter()
        .map(|r| indicator_view(names, r, citing.remove(r.id.as_str()).unwrap_or_default()))
        .collect()
}

fn indicator_view(names: &Names, r: &Record<Indicateur>, actions: Vec<Lien>) -> IndicateurView {
    let i = &r.data;
    let initial = i.valeur_initiale.as_ref();
    IndicateurView {
        id: r.id.clone(),
        libelle: i.libelle.clone().unwrap_or_else(|| r.id.clone()),
        r#type: names.word(&vocab::TYPE_INDICATEUR, &i.r#type),
        unite: i.unite.clone(),
        unite_libelle: names.word(&vocab::UNITE, &i.unite).map(|m| m.libelle.to_string()),
        sens: names.lexicon.word(&vocab::SENS, i.sens.as_deref().unwrap_or("hausse")),
        valeur_initiale: initial.and_then(|v| Some(Point { date: v.date?, valeur: v.valeur? })),
        valeur_initiale_sans_date: initial.filter(|v| v.date.is_none()).and_then(|v| v.valeur),
        cible: i.cible.as_ref().and_then(|c| c.valeur),
        echeance: i.cible.as_ref().and_then(|c| c.echeance),
        numerateur: i.numerateur.clone(),
        denominateur: i.denominateur.clone(),
        sources: text_list(&i.sources),
        frequence: i.frequence.clone(),
        mesures: i
            .mesures
            .iter()
            .flatten()
            .map(|m| MesureView {
                date: m.date,
                valeur: indicators::measure_value(i, m),
                numerateur: m.numerateur,
                denominateur: m.denominateur,
                commentaire: m.commentaire.clone(),
                source: m.source.clone(),
            })
            .collect(),
        derniere: indicators::latest(i),
        atteinte: indicators::attainment(i),
        actions,
    }
}

/// The first paragraph of a Markdown body, as plain text, for table cells.
fn first_paragraph(body: &str) -> Option<String> {
    let paragraph: Vec<&str> = body
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty() || l.starts_with('#'))
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.trim_start_matches(['-', '*', '+']).trim())
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

fn logframe_row(names: &Names, r: &Record<Action>) -> LigneCadre {
    let a = &r.data;
    let mut public: Vec<String> =
        a.public.iter().flatten().map(|w| names.vocab.label(&vocab::PUBLIC, w).to_string()).collect();
    public.extend(a.public_precision.clone());
    let cited: Vec<&str> = a.indicateurs.iter().flatten().map(String::as_str).collect();
    let mut sources: Vec<String> = cited
        .iter()
        .filter_map(|id| names.indicators.get(id))
        .flat_map(|(i, _)| i.sources.iter().flatten().cloned())
        .collect();
    sources.dedup();
    LigneCadre {
        objectif_strategique: a.objectif_strategique.clone(),
        objectif_specifique: a.objectif_specifique.clone(),
        action: link(&r.id, a.titre.as_deref()),
        numero: a.numero.clone(),
        description: first_paragraph(&r.body),
        prerequis: a.prerequis.clone(),
        public,
        dispositifs_existants: a.dispositifs_existants.clone(),
        resultats_attendus: a.resultats_attendus.clone(),
        indicateurs: cited.iter().map(|id| names.indicator(id)).collect(),
        sources,
        moyens_mobilisables: a.moyens_mobilisables.clone(),
        moyens_a_rechercher: a.moyens_a_rechercher.clone(),
    }
}

/// The theme a piste is filed under: its first one.
fn first_theme(r: &Record<Action>) -> Option<&str> {
    r.data.thematiques.as_ref().and_then(|t| t.first()).map(String::as_str)
}

/// Pistes by axis, then by theme in the contract's order, as in seed 002.
fn pistes(names: &Names, actions: &[&Record<Action>]) -> Vec<PistesAxe> {
    let mut themes: Vec<Option<&str>> = names.themes().filter_map(|t| t.id.as_deref()).map(Some).collect();
    themes.push(None);
    names
        .repo
        .config
        .axes
        .iter()
        .flatten()
        .filter_map(|axe| {
            let id = axe.id.as_deref()?;
            let of_axis: Vec<&Record<Action>> =
                actions.iter().copied().filter(|r| is_piste(&r.data) && r.data.axe.as_deref() == Some(id)).collect();
            let thematiques: Vec<PistesThematique> = themes
                .iter()
                .filter_map(|theme| {
                    let pistes: Vec<PisteView> = of_axis
                        .iter()
                        .filter(|r| first_theme(r) == *theme)
                        .map(|r| PisteView {
                            id: r.id.clone(),
                            titre: r.data.titre.clone().unwrap_or_else(|| r.id.clone()),
                            objectif_specifique: r.data.objectif_specifique.clone(),
                            partenaires: r.data.partenaires.iter().flatten().map(|p| names.partner(p)).collect(),
                            corps: r.body.clone(),
                        })
                        .collect();
                    let ancre = format!("axe-{id}-{}", theme.unwrap_or("sans-thematique"));
                    (!pistes.is_empty()).then(|| PistesThematique {
                        ancre,
                        thematique: theme.map(|t| names.theme(t)),
                        pistes,
                    })
                })
                .collect();
            (!thematiques.is_empty()).then(|| PistesAxe { axe: names.axis(id), thematiques })
        })
        .collect()
}

/// Events by year (oldest first), then by type in vocabulary order.
fn calendar(names: &Names) -> Vec<Annee> {
    let mut by_year: BTreeMap<i32, Vec<&Record<Evenement>>> = BTreeMap::new();
    for r in &names.repo.evenements {
        if let Some(date) = r.data.date {
            by_year.entry(date.year).or_default().push(r);
        }
    }
    let mut types = names.vocab.words(&vocab::TYPE_EVENEMENT);
    types.push(String::new());
    by_year
        .into_iter()
        .map(|(annee, mut events)| {
            events.sort_by_key(|r| (r.data.date.map(|d| d.first_day()), r.id.clone()));
            let participants = events.iter().filter_map(|r| r.data.participants).sum();
            let types = types
                .iter()
                .filter_map(|t| {
                    let evenements: Vec<EvenementView> = events
                        .iter()
                        .filter(|r| r.data.r#type.clone().unwrap_or_default() == *t)
                        .map(|r| EvenementView {
                            id: r.id.clone(),
                            date: r.data.date,
                            titre: r.data.titre.clone().unwrap_or_else(|| r.id.clone()),
                            participants: r.data.participants,
                            actions: r.data.actions.iter().flatten().map(|a| names.action(a)).collect(),
                            partenaires: r.data.partenaires.iter().flatten().map(|p| names.partner(p)).collect(),
                            corps: r.body.clone(),
                        })
                        .collect();
                    if evenements.is_empty() {
                        return None;
                    }
                    let r#type = if t.is_empty() {
                        Mot::other("", "Autres rendez-vous")
                    } else {
                        names.lexicon.word(&vocab::TYPE_EVENEMENT, t)
                    };
                    let ancre = format!("annee-{annee}-{}", if t.is_empty() { "non-renseigne" } else { t.as_str() });
                    Some(EvenementsType { ancre, r#type, evenements })
                })
                .collect();
            Annee { annee, types, participants }
        })
        .collect()
}

/// Partners with coordinates, for the map: `(id, name, type label, lat, lon)`.
pub fn map_points(site: &Site) -> Vec<(&str, &str, &str, f64, f64)> {
    site.annuaire
        .iter()
        .flat_map(|g| g.partenaires.iter())
        .filter_map(|p| {
            let (lat, lon) = p.coordonnees?;
            Some((p.id.as_str(), p.nom.as_str(), p.r#type.as_ref().map_or("", |t| &*t.libelle), lat, lon))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_paragraph_skips_headings_and_list_marks() {
        assert_eq!(
            first_paragraph("\n## Contexte\n\nLes aidants\nont demandé.\n\nSuite"),
            Some("Les aidants ont demandé.".into())
        );
        assert_eq!(first_paragraph("- Un\n- Deux\n"), Some("Un Deux".into()));
        assert_eq!(first_paragraph("## Titre seul\n"), None);
    }
}
