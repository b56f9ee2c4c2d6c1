//! The fiche of each action and the page of each axis.

use serde::Serialize;

use crate::model::checked::{Action, Indicateur, Ix, Objectif, Qui as Who, Repository};
use crate::model::vocab;
use crate::model::{Montant, PartialDate, Periode};
use crate::model::{StatutFinancement, TypeIndicateur};
use crate::views::indicators::{self, Point};
use crate::views::site::sections::{self, Corps, Cuts};
use crate::views::{Case, Compte, Lien, Mot, Names, Reste, Text, by_statut, rest};

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

/// A contract a fiche belongs to, and the fiche's axis in it: "CLS Ville de Metz
/// 2022-2026 | Axe 2 : Promouvoir le bien-être psychique".
#[derive(Debug, Clone, Serialize)]
pub struct Appartenance {
    /// "CLS Ville de Metz": the type and the territory, or the title without them.
    pub contrat: String,
    pub periode: Option<Periode>,
    pub axe: Option<Lien>,
    /// Whether it is the repository's own contract (its axis has a page).
    pub propre: bool,
}

/// The boxes of "Public visé" as the form has them: its five publics, then
/// "Autre : …", ticked when a public outside the five is, followed by them and by
/// the precision.
#[derive(Debug, Serialize)]
pub struct Public {
    pub cases: Vec<Case>,
    pub autre: bool,
    pub autres: Vec<Mot>,
    pub precision: Option<String>,
}

/// A fiche-action, every field labelled, in the order of the CLS template.
#[derive(Debug, Serialize)]
pub struct ActionView {
    pub id: Text,
    pub numero: Option<Text>,
    pub titre: Text,
    pub axe: Lien,
    /// The contracts heading the fiche: the parent contract first when the fiche
    /// names its axis there, then the repository's own.
    pub appartenance: Vec<Appartenance>,
    /// The objectif général of its axis (the axis's description).
    pub objectif_general: Option<String>,
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
    /// The operational objectives, consecutive ones of the same title together.
    pub objectifs: Vec<GroupeObjectifs>,
    pub typologie: Option<Mot>,
    pub duree: Vec<Case>,
    pub territoire: Vec<Case>,
    pub lieux: Option<String>,
    pub public: Public,
    pub calendrier: Option<Periode>,
    pub champ: Vec<Case>,
    pub participation: Option<Mot>,
    pub budget: Vec<LigneBudgetView>,
    /// Sum of the budget lines, when there are any.
    pub budget_total: Option<Montant>,
    /// The funding secured and expected.
    pub acquis: Montant,
    pub pressenti: Montant,
    /// What the budget asks beyond the funding, acquired and expected.
    pub reste_a_financer: Reste,
    pub financements: Vec<FinancementView>,
    /// The same lines, by statut, for the form's two rows.
    pub financements_acquis: Vec<FinancementView>,
    pub financements_pressentis: Vec<FinancementView>,
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
    /// The same body cut into its sections, each for its row of the fiche.
    pub sections: Corps,
}

/// Operational objectives that follow one another under the same title, shown as
/// the form shows them: the title, then each objective.
#[derive(Debug, Serialize)]
pub struct GroupeObjectifs {
    pub titre: String,
    pub objectifs: Vec<ObjectifView>,
}

/// Consecutive objectives with the same title, together.
fn grouped(objectifs: Vec<ObjectifView>) -> Vec<GroupeObjectifs> {
    let mut groups: Vec<GroupeObjectifs> = Vec::new();
    for o in objectifs {
        match groups.last_mut() {
            Some(g) if g.titre == o.titre => g.objectifs.push(o),
            _ => groups.push(GroupeObjectifs { titre: o.titre.clone(), objectifs: vec![o] }),
        }
    }
    groups
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

/// "CLS Ville de Metz", or the title when the type or the territory is missing.
fn designation(r#type: Option<&str>, territoire: Option<&str>, titre: &str) -> String {
    match (r#type, territoire) {
        (Some(t), Some(place)) if !t.is_empty() && !place.trim().is_empty() => format!("{t} {}", place.trim()),
        _ => titre.to_string(),
    }
}

/// The contracts heading a fiche.
fn belonging(names: &Names, a: &Action) -> Vec<Appartenance> {
    let repo: &Repository = names.repo;
    let own = Appartenance {
        contrat: designation(Some(&repo.r#type), repo.territoire.as_deref(), &repo.titre),
        periode: repo.periode,
        axe: Some(names.axis(a.axe)),
        propre: true,
    };
    let parent = repo.parent.as_ref().zip(a.axe_parent.and_then(|ix| repo.axe_parent(ix)));
    match parent {
        Some((p, axe)) => vec![
            Appartenance {
                contrat: designation(p.r#type.as_deref(), p.territoire.as_deref(), &p.titre),
                periode: p.periode,
                axe: Some(Lien { id: axe.id.clone(), titre: axe.titre.clone(), numero: None, sigle: None }),
                propre: false,
            },
            own,
        ],
        None => vec![own],
    }
}

/// The funding lines of an action, those of one statut when it is given.
fn funding(names: &Names, a: &Action, statut: Option<StatutFinancement>) -> Vec<FinancementView> {
    a.financements
        .iter()
        .filter(|f| statut.as_ref().is_none_or(|s| *s == f.statut))
        .map(|f| FinancementView {
            financeur: names.partner(f.financeur),
            montant: f.montant,
            statut: names.lexicon.word(&vocab::STATUT_FINANCEMENT, f.statut.mot()),
        })
        .collect()
}

/// The "Public visé" boxes of the form.
fn public(names: &Names, a: &Action) -> Public {
    let all = names.lexicon.cases(&vocab::PUBLIC, &a.public);
    let (cases, others): (Vec<Case>, Vec<Case>) =
        all.into_iter().partition(|c| vocab::PUBLIC_FORMULAIRE.contains(&&*c.mot));
    let autres: Vec<Mot> =
        others.into_iter().filter(|c| c.coche).map(|c| Mot { mot: c.mot, libelle: c.libelle }).collect();
    Public { cases, autre: !autres.is_empty(), autres, precision: a.public_precision.clone() }
}

/// The fiche of `a`, whose body is cut at `cuts`.
pub(super) fn action_view(names: &Names, a: &Action, cuts: &Cuts) -> ActionView {
    let lexicon = &names.lexicon;
    let (resultat, processus): (Vec<Ix<Indicateur>>, Vec<Ix<Indicateur>>) =
        a.indicateurs.iter().partition(|ix| names.repo.indicateur(**ix).r#type == TypeIndicateur::Resultat);
    ActionView {
        id: a.id.clone(),
        numero: a.numero.clone(),
        titre: a.titre.clone(),
        axe: names.axis(a.axe),
        appartenance: belonging(names, a),
        objectif_general: names.repo.axe(a.axe).description.clone(),
        statut: names.word(&vocab::STATUT, &a.statut),
        est_piste: a.est_piste(),
        objectif_strategique: a.objectif_strategique.clone(),
        objectif_specifique: a.objectif_specifique.clone(),
        porteur: names.partner(a.porteur),
        pilote: a.pilote.clone(),
        partenaires: a.partenaires.iter().map(|p| names.partner(*p)).collect(),
        suivi: a.suivi.clone(),
        thematiques: a.thematiques.iter().map(|t| names.theme(*t)).collect(),
        objectifs: grouped(a.objectifs.iter().map(|o| objective(names, o)).collect()),
        typologie: names.word(&vocab::TYPOLOGIE, &a.typologie),
        duree: lexicon.cases(&vocab::DUREE, &a.duree),
        territoire: lexicon.cases(&vocab::TERRITOIRE, &a.territoire),
        lieux: a.lieux.clone(),
        public: public(names, a),
        calendrier: a.calendrier,
        // The legal scope is optional: its boxes are shown only when one is ticked.
        champ: if a.champ.is_empty() { Vec::new() } else { lexicon.cases(&vocab::CHAMP, &a.champ) },
        participation: names.word(&vocab::PARTICIPATION, &a.participation),
        budget: a.budget.iter().map(|l| LigneBudgetView { poste: l.poste.clone(), montant: l.montant }).collect(),
        budget_total: (!a.budget.is_empty()).then_some(a.budget_total),
        acquis: a.acquis,
        pressenti: a.pressenti,
        reste_a_financer: rest(a),
        financements: funding(names, a, None),
        financements_acquis: funding(names, a, Some(StatutFinancement::Acquis)),
        financements_pressentis: funding(names, a, Some(StatutFinancement::Pressenti)),
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
        sections: sections::split_at(&a.corps, cuts),
    }
}
