//! The fiche of each action and the page of each axis.

use serde::Serialize;

use crate::model::TypeIndicateur;
use crate::model::checked::{Action, Indicateur, Ix, Objectif, Qui as Who};
use crate::model::vocab;
use crate::model::{Montant, PartialDate, Periode};
use crate::views::indicators::{self, Point};
use crate::views::{Case, Compte, Lien, Mot, Names, Text, by_statut};

/// An axis and its actions.
#[derive(Debug, Serialize)]
pub struct AxeView {
    pub id: Text,
    pub titre: Text,
    pub description: Option<String>,
    /// Actions other than pistes, in official order.
    pub actions: Vec<ActionResume>,
    pub pistes: Vec<ActionResume>,
    pub par_statut: Vec<Compte>,
}

/// An action in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ActionResume {
    pub id: Text,
    pub numero: Option<Text>,
    pub titre: Text,
    pub statut: Option<Mot>,
    pub porteur: Lien,
    pub calendrier: Option<Periode>,
}

/// A fiche-action, every field labelled, in the order of the CLS template.
#[derive(Debug, Serialize)]
pub struct ActionView {
    pub id: Text,
    pub numero: Option<Text>,
    pub titre: Text,
    pub axe: Lien,
    pub statut: Option<Mot>,
    /// Still a piste: the contract lists it apart.
    pub est_piste: bool,
    pub objectif_strategique: Option<String>,
    pub objectif_specifique: Option<String>,
    pub porteur: Lien,
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
    pub budget_total: Option<Montant>,
    /// The funding secured and expected.
    pub acquis: Montant,
    pub pressenti: Montant,
    pub financements: Vec<FinancementView>,
    pub determinants: Vec<String>,
    pub politiques_publiques: Vec<String>,
    /// Every indicator it cites, in the order of the fiche.
    pub indicateurs: Vec<Lien>,
    pub indicateurs_processus: Vec<IndicateurResume>,
    pub indicateurs_resultat: Vec<IndicateurResume>,
    /// The sources of verification of its indicators, each once.
    pub sources: Vec<Text>,
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
    pub texte: Text,
    pub partenaire: Option<Text>,
}

#[derive(Debug, Serialize)]
pub struct LigneBudgetView {
    pub poste: String,
    pub montant: Montant,
}

#[derive(Debug, Serialize)]
pub struct FinancementView {
    pub financeur: Lien,
    pub montant: Option<Montant>,
    pub statut: Mot,
}

/// An indicator as a fiche shows it: latest value against the target.
#[derive(Debug, Serialize)]
pub struct IndicateurResume {
    pub id: Text,
    pub libelle: Text,
    pub unite: Option<String>,
    pub derniere: Option<Point>,
    pub cible: Option<f64>,
    pub echeance: Option<PartialDate>,
}

#[derive(Debug, Serialize)]
pub struct AvancementView {
    pub date: PartialDate,
    pub texte: String,
    pub statut: Option<Mot>,
    pub participants: Option<u64>,
}

fn summary(names: &Names, a: &Action) -> ActionResume {
    ActionResume {
        id: a.id.clone(),
        numero: a.numero.clone(),
        titre: a.titre.clone(),
        statut: names.word(&vocab::STATUT, &a.statut),
        porteur: names.partner(a.porteur),
        calendrier: a.calendrier,
    }
}

pub(super) fn axes(names: &Names) -> Vec<AxeView> {
    names
        .repo
        .axes_indexed()
        .map(|(ix, axe)| {
            let of_axis: Vec<&Action> = names.repo.actions_of(ix).collect();
            AxeView {
                id: axe.id.clone(),
                titre: axe.titre.clone(),
                description: axe.description.clone(),
                actions: of_axis.iter().filter(|a| !a.est_piste()).map(|a| summary(names, a)).collect(),
                pistes: of_axis.iter().filter(|a| a.est_piste()).map(|a| summary(names, a)).collect(),
                par_statut: by_statut(names, of_axis.into_iter()),
            }
        })
        .collect()
}

fn indicator_summary(names: &Names, ix: Ix<Indicateur>) -> IndicateurResume {
    let i = names.repo.indicateur(ix);
    IndicateurResume {
        id: i.id.clone(),
        libelle: i.libelle.clone(),
        unite: i.unite.as_ref().map(|u| u.mot().to_string()),
        derniere: indicators::latest(i, chrono::NaiveDate::MAX),
        cible: i.cible.map(|c| c.valeur),
        echeance: i.cible.and_then(|c| c.echeance),
    }
}

fn objective(names: &Names, o: &Objectif) -> ObjectifView {
    ObjectifView {
        titre: o.titre.clone(),
        comment: o.comment.clone(),
        qui: o
            .qui
            .iter()
            .map(|q| match q {
                Who::Partenaire(p) => {
                    let link = names.partner(*p);
                    Qui { texte: link.titre, partenaire: Some(link.id) }
                }
                Who::Texte(t) => Qui { texte: t.as_str().into(), partenaire: None },
            })
            .collect(),
        quand: o.quand.clone(),
        statut: names.word(&vocab::STATUT, &o.statut),
    }
}

pub(super) fn action_view(names: &Names, a: &Action) -> ActionView {
    let lexicon = &names.lexicon;
    let (resultat, processus): (Vec<Ix<Indicateur>>, Vec<Ix<Indicateur>>) =
        a.indicateurs.iter().partition(|ix| names.repo.indicateur(**ix).r#type == TypeIndicateur::Resultat);
    ActionView {
        id: a.id.clone(),
        numero: a.numero.clone(),
        titre: a.titre.clone(),
        axe: names.axis(a.axe),
        statut: names.word(&vocab::STATUT, &a.statut),
        est_piste: a.est_piste(),
        objectif_strategique: a.objectif_strategique.clone(),
        objectif_specifique: a.objectif_specifique.clone(),
        porteur: names.partner(a.porteur),
        pilote: a.pilote.clone(),
        partenaires: a.partenaires.iter().map(|p| names.partner(*p)).collect(),
        suivi: a.suivi.clone(),
        thematiques: a.thematiques.iter().map(|t| names.theme(*t)).collect(),
        objectifs: a.objectifs.iter().map(|o| objective(names, o)).collect(),
        typologie: names.word(&vocab::TYPOLOGIE, &a.typologie),
        duree: lexicon.cases(&vocab::DUREE, &a.duree),
        territoire: lexicon.cases(&vocab::TERRITOIRE, &a.territoire),
        lieux: a.lieux.clone(),
        public: lexicon.cases(&vocab::PUBLIC, &a.public),
        public_precision: a.public_precision.clone(),
        calendrier: a.calendrier,
        // The legal scope is optional: its boxes are shown only when one is ticked.
        champ: if a.champ.is_empty() { Vec::new() } else { lexicon.cases(&vocab::CHAMP, &a.champ) },
        participation: names.word(&vocab::PARTICIPATION, &a.participation),
        budget: a.budget.iter().map(|l| LigneBudgetView { poste: l.poste.clone(), montant: l.montant }).collect(),
        budget_total: (!a.budget.is_empty()).then_some(a.budget_total),
        acquis: a.acquis,
        pressenti: a.pressenti,
        financements: a
            .financements
            .iter()
            .map(|f| FinancementView {
                financeur: names.partner(f.financeur),
                montant: f.montant,
                statut: lexicon.word(&vocab::STATUT_FINANCEMENT, f.statut.mot()),
            })
            .collect(),
        determinants: a.determinants.clone(),
        politiques_publiques: a.politiques_publiques.clone(),
        indicateurs: a.indicateurs.iter().map(|ix| names.indicator(*ix)).collect(),
        indicateurs_processus: processus.into_iter().map(|ix| indicator_summary(names, ix)).collect(),
        indicateurs_resultat: resultat.into_iter().map(|ix| indicator_summary(names, ix)).collect(),
        sources: a.sources.clone(),
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
            .map(|e| AvancementView {
                date: e.date,
                texte: e.texte.clone(),
                statut: names.word(&vocab::STATUT, &e.statut),
                participants: e.participants,
            })
            .collect(),
        corps: a.corps.clone(),
    }
}
