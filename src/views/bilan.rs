//! `clsm bilan`: the annual report for the funders, and over a period the
//! end-of-contract evaluation.
//!
//! The figures are those of `clsm report` (see [`crate::views::report`]), chosen
//! for a reader outside the project: what moved in the year on each axis, the
//! instances and events held, the indicators measured, the money. The coordinator's
//! own words come from `bilans/ANNEE.md` (or `bilans/DEBUT-FIN.md` for a period),
//! cut at its headings into the places a reader expects them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::checked::{Action, Evenement, Indicateur, Ix, Repository};
use crate::model::vocab;
use crate::model::{PartialDate, Statut, slugify};
use crate::views::Reste;
use crate::views::indicators::{self, Point};
use crate::views::parts;
use crate::views::report::{
    self, Budget, BudgetAction, Entree, EvenementResume, EvenementsAnnee, IndicateurEtat, Scope, Somme, entry,
    indicator_state,
};
use crate::views::site::sections::{self, Section};
use crate::views::site::{self, Contrat};
use crate::views::{Compte, Lien, Mot, Names, Text, by_statut};

/// The contract as it stood in `year`: a previous contract's title, type, territory
/// and period when the year falls in its period (a bilan of 2020 is that of the
/// convention then in force, not of the contract signed in 2022).
fn contract_in(names: &Names, year: i32) -> Contrat {
    let mut contrat = site::contract(names);
    let (first, last) = (PartialDate::year(year).first_day(), PartialDate::year(year).last_day());
    if let Some(p) = names.repo.precedent_between(first, last) {
        contrat.titre = p.titre.to_string();
        if let Some(t) = &p.r#type {
            contrat.r#type = Some(names.lexicon.word(&vocab::TYPE_CONTRAT, t));
        }
        contrat.territoire = p.territoire.clone().or(contrat.territoire);
        contrat.periode = p.periode;
        contrat.parent = None;
        contrat.objectif_global = None;
    }
    contrat
}

/// The coordinator's words, in Markdown, by the place they take.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Textes {
    /// The text before the first heading, or a section "Édito": after the cover.
    pub edito: Option<String>,
    /// A section "Faits marquants": above the year's progress.
    pub marquants: Option<String>,
    /// A section "Perspectives": at the end, before the signature.
    pub perspectives: Option<String>,
    /// A section "Signature": what the signature block says.
    pub signature: Option<String>,
    /// Every other section, after the perspectives, in the order of the file.
    pub autres: Vec<Section>,
}

impl Textes {
    /// Cuts a `bilans/` text at its headings.
    pub fn from_markdown(text: Option<&str>) -> Self {
        let Some(text) = text else { return Textes::default() };
        let (introduction, found) = sections::cut_at_sections(text);
        let mut textes = Textes { edito: introduction, ..Textes::default() };
        for section in found {
            let name = slugify(&section.titre);
            let place = match name.as_str() {
                n if n.starts_with("edito") => &mut textes.edito,
                n if n.starts_with("faits-marquants") => &mut textes.marquants,
                n if n.starts_with("perspective") => &mut textes.perspectives,
                n if n.starts_with("signature") => &mut textes.signature,
                // A heading with nothing under it would print an empty section.
                _ if section.corps.trim().is_empty() => continue,
                _ => {
                    textes.autres.push(section);
                    continue;
                }
            };
            // A second section of the same name follows the first.
            *place = Some(match place.take() {
                Some(before) => format!("{before}\n\n{}", section.corps),
                None => section.corps,
            })
            .filter(|t| !t.trim().is_empty());
        }
        textes
    }
}

/// The figures at a glance.
#[derive(Debug, Clone, Serialize)]
pub struct Synthese {
    pub actions_engagees: usize,
    pub pistes: usize,
    pub par_statut: Vec<Compte>,
    pub evenements: usize,
    /// The participants of the events that counted them, and how many did not.
    pub participants: u64,
    pub sans_decompte: usize,
    pub indicateurs_mesures: usize,
}

/// A progress entry of the year, for the highlights.
#[derive(Debug, Clone, Serialize)]
pub struct FaitMarquant {
    pub date: PartialDate,
    pub fin: Option<PartialDate>,
    pub action: Lien,
    pub texte: String,
    pub participants: Option<u64>,
}

/// One action in the annual report: what moved for it in the year.
#[derive(Debug, Clone, Serialize)]
pub struct ActionBilan {
    pub action: Lien,
    pub statut: Option<Mot>,
    pub en_retard: bool,
    /// The year's progress entries that change its statut…
    pub changements: Vec<Entree>,
    /// …and all of them.
    pub entrees: Vec<Entree>,
    /// The events of the year that concern it.
    pub evenements: Vec<EvenementResume>,
    /// The titles of its operational objectives done, and how many it has.
    pub objectifs_realises: Vec<String>,
    pub objectifs_total: usize,
}

/// One axis: its engaged actions, and how many pistes it has besides.
#[derive(Debug, Clone, Serialize)]
pub struct AxeBilan {
    pub id: Text,
    pub titre: Text,
    pub actions: Vec<ActionBilan>,
    pub pistes: usize,
}

/// An indicator without a measure in the year: named, with its latest measure.
#[derive(Debug, Clone, Serialize)]
pub struct SansMesure {
    pub id: Text,
    pub libelle: Text,
    pub unite: Option<String>,
    pub derniere: Option<Point>,
}

/// `clsm bilan`: the annual report for the funders.
#[derive(Debug, Serialize)]
pub struct Bilan {
    /// Marks the JSON as made by clsm (so `--out` may replace it).
    pub produit_par: &'static str,
    pub contrat: Contrat,
    pub annee: i32,
    /// The figures are those of this day: the year's last, or today.
    pub date: PartialDate,
    /// The day the bilan is made.
    pub etabli_le: PartialDate,
    pub textes: Textes,
    pub synthese: Synthese,
    pub faits_marquants: Vec<FaitMarquant>,
    pub axes: Vec<AxeBilan>,
    /// The meetings of the year by type, the SISM weeks aside.
    pub instances: Vec<EvenementsAnnee>,
    pub sism: Vec<EvenementResume>,
    /// Indicators measured in the year…
    pub indicateurs: Vec<IndicateurEtat>,
    /// …and the others.
    pub sans_mesure: Vec<SansMesure>,
    pub budget: Budget,
}

/// Whether an event is a week of the Semaines d'information sur la santé mentale.
fn is_sism(e: &Evenement) -> bool {
    e.r#type.as_deref() == Some("sism")
}

fn objectives_done(a: &Action) -> Vec<String> {
    a.objectifs.iter().filter(|o| o.statut == Some(Statut::Realisee)).map(|o| o.titre.clone()).collect()
}

/// The engaged actions (pistes aside), with their index.
fn engaged(repo: &Repository) -> Vec<(Ix<Action>, &Action)> {
    repo.actions_indexed().filter(|(_, a)| !a.est_piste()).collect()
}

/// Builds the annual report of `scope.annee`, made on `today`; `texte` is
/// `bilans/ANNEE.md`.
pub fn bilan(repo: &Repository, scope: Scope, today: NaiveDate, texte: Option<&str>) -> Bilan {
    let names = Names::new(repo);
    let engaged = engaged(repo);
    let in_year = |d: &PartialDate| d.year == scope.annee;
    let year_events: Vec<&Evenement> = repo.evenements.iter().filter(|e| in_year(&e.date)).collect();
    let mut faits_marquants = Vec::new();
    let mut axes: Vec<AxeBilan> = repo
        .axes_indexed()
        .map(|(ix, x)| AxeBilan {
            id: x.id.clone(),
            titre: x.titre.clone(),
            actions: Vec::new(),
            pistes: repo.actions_of(ix).filter(|a| a.est_piste()).count(),
        })
        .collect();
    for (ix, a) in &engaged {
        let entrees: Vec<Entree> = a.avancement.iter().filter(|e| in_year(&e.date)).map(|e| entry(&names, e)).collect();
        faits_marquants.extend(entrees.iter().map(|e| FaitMarquant {
            date: e.date,
            fin: e.fin,
            action: names.action(*ix),
            texte: e.texte.clone(),
            participants: e.participants,
        }));
        axes[a.axe.index()].actions.push(ActionBilan {
            action: names.action(*ix),
            statut: names.word(&vocab::STATUT, &a.statut),
            en_retard: a.en_retard(scope.date),
            changements: entrees.iter().filter(|e| e.statut.is_some()).cloned().collect(),
            entrees,
            evenements: year_events.iter().filter(|e| e.actions.contains(ix)).map(|e| EvenementResume::of(e)).collect(),
            objectifs_realises: objectives_done(a),
            objectifs_total: a.objectifs.len(),
        });
    }
    faits_marquants.sort_by_key(|f| f.date.first_day());
    let instances = report::events_by_type(&names, year_events.iter().copied().filter(|e| !is_sism(e)));
    let states: Vec<IndicateurEtat> = repo.indicateurs.iter().map(|i| indicator_state(&names, i, scope)).collect();
    let (indicateurs, others): (Vec<IndicateurEtat>, Vec<IndicateurEtat>) =
        states.into_iter().partition(|i| i.valeur_annee.is_some());
    Bilan {
        produit_par: "clsm",
        contrat: contract_in(&names, scope.annee),
        annee: scope.annee,
        date: PartialDate::day(scope.date),
        etabli_le: PartialDate::day(today),
        textes: Textes::from_markdown(texte),
        synthese: Synthese {
            actions_engagees: engaged.len(),
            pistes: repo.actions.len() - engaged.len(),
            par_statut: by_statut(&names, repo.actions.iter()),
            evenements: year_events.len(),
            participants: year_events.iter().filter_map(|e| e.participants).sum(),
            sans_decompte: year_events.iter().filter(|e| e.participants.is_none()).count(),
            indicateurs_mesures: indicateurs.len(),
        },
        faits_marquants,
        axes,
        instances,
        sism: year_events.iter().copied().filter(|e| is_sism(e)).map(EvenementResume::of).collect(),
        indicateurs,
        sans_mesure: others.into_iter().map(without_measure).collect(),
        budget: report::budget(&names, engaged.into_iter()),
    }
}

fn without_measure(i: IndicateurEtat) -> SansMesure {
    SansMesure { id: i.id, libelle: i.libelle, unite: i.unite, derniere: i.derniere }
}

/// The most entries one section of the bilan's PDF lays out in one document: the
/// actions of the year, the indicators (measured, then without a measure) or the
/// lines of the budget. A section longer than that goes into annexes of at most as
/// many entries, and the bilan itself says which annex holds what. An entry takes
/// about 100 Ko while its document is laid out.
pub const ENTREES_PAR_ANNEXE: usize = 1000;

/// What one annex of the bilan holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contenu {
    /// The actions of the year, axis by axis: group `g` is the axis `g`.
    Actions,
    /// Group 0, the indicators measured in the year; group 1, the others.
    Indicateurs,
    /// Group 0, the lines of the budget.
    Budget,
}

/// One annex of a bilan whose PDF would be too long: `bilan-2024-annexe-1.pdf`.
pub type Annexe = parts::Annexe<Contenu>;

/// The annexes of `bilan` when one of its sections holds more than `max` entries
/// (none otherwise), named after `stem`, the bilan's file name without `.pdf` or
/// `.html`, with `extension`: the PDF's and the site's page are cut alike.
pub fn annexes(bilan: &Bilan, max: usize, stem: &str, extension: &str) -> Vec<Annexe> {
    let section = |contenu, groupes| parts::Section { contenu, max, groupes };
    let sections = vec![
        section(Contenu::Actions, bilan.axes.iter().map(|a| (a.id.clone(), a.actions.len())).collect()),
        section(
            Contenu::Indicateurs,
            vec![("mesures".into(), bilan.indicateurs.len()), ("sans_mesure".into(), bilan.sans_mesure.len())],
        ),
        section(Contenu::Budget, vec![("lignes".into(), bilan.budget.par_action.len())]),
    ];
    parts::annexes(sections, stem, extension)
}

/// An annex, named by its number and its file, where a section of the bilan went.
#[derive(Debug, Serialize)]
pub struct Renvoi<'a> {
    pub numero: usize,
    pub fichier: &'a str,
}

/// The annexes among `annexes` that hold `contenu` (and, for the actions, some of
/// axis `group`).
pub fn renvois(annexes: &[Annexe], contenu: Contenu, group: Option<usize>) -> Vec<Renvoi<'_>> {
    annexes
        .iter()
        .filter(|a| a.contenu == contenu && group.is_none_or(|g| a.pieces.iter().any(|p| p.group == g)))
        .map(|a| Renvoi { numero: a.numero, fichier: &a.fichier })
        .collect()
}

/// The bilan without the entries its `annexes` hold, for its PDF and its page: the
/// fields of [`Bilan`], the annexed lists empty, and each axis with the number of
/// its actions and the annexes that hold them.
#[derive(Debug, Serialize)]
pub struct BilanSansAnnexes<'a> {
    pub produit_par: &'static str,
    pub contrat: &'a Contrat,
    pub annee: i32,
    pub date: PartialDate,
    pub etabli_le: PartialDate,
    pub textes: &'a Textes,
    pub synthese: &'a Synthese,
    pub faits_marquants: &'a [FaitMarquant],
    pub axes: Vec<AxeSansAnnexes<'a>>,
    pub instances: &'a [EvenementsAnnee],
    pub sism: &'a [EvenementResume],
    pub indicateurs: &'a [IndicateurEtat],
    pub sans_mesure: &'a [SansMesure],
    pub budget: BudgetEnPartie<'a>,
    /// Where each section went: empty lists for the sections the bilan keeps.
    pub renvois: Renvois<'a>,
}

/// An axis of [`BilanSansAnnexes`].
#[derive(Debug, Serialize)]
pub struct AxeSansAnnexes<'a> {
    pub id: &'a Text,
    pub titre: &'a Text,
    pub actions: &'a [ActionBilan],
    pub pistes: usize,
    pub nombre_actions: usize,
    pub annexes: Vec<Renvoi<'a>>,
}

/// The annexes each section of the bilan went to.
#[derive(Debug, Serialize)]
pub struct Renvois<'a> {
    pub actions: Vec<Renvoi<'a>>,
    pub indicateurs: Vec<Renvoi<'a>>,
    pub budget: Vec<Renvoi<'a>>,
}

/// Lines of the budget, with the totals of the whole budget.
#[derive(Debug, Serialize)]
pub struct BudgetEnPartie<'a> {
    pub prevu: &'a Somme,
    pub acquis: &'a Somme,
    pub pressenti: &'a Somme,
    pub reste_a_financer: &'a Reste,
    pub par_action: &'a [BudgetAction],
}

impl<'a> BudgetEnPartie<'a> {
    fn of(budget: &'a Budget, lines: &'a [BudgetAction]) -> Self {
        let Budget { prevu, acquis, pressenti, reste_a_financer, par_action: _ } = budget;
        BudgetEnPartie { prevu, acquis, pressenti, reste_a_financer, par_action: lines }
    }
}

/// `bilan` without what its `annexes` hold (see [`BilanSansAnnexes`]).
pub fn without_annexed<'a>(bilan: &'a Bilan, annexes: &'a [Annexe]) -> BilanSansAnnexes<'a> {
    let annexed = |contenu| annexes.iter().any(|a| a.contenu == contenu);
    let (actions, indicators) = (annexed(Contenu::Actions), annexed(Contenu::Indicateurs));
    // Every field named: one added to `Bilan` must be placed here too.
    let Bilan {
        produit_par,
        contrat,
        annee,
        date,
        etabli_le,
        textes,
        synthese,
        faits_marquants,
        axes,
        instances,
        sism,
        indicateurs,
        sans_mesure,
        budget,
    } = bilan;
    let axes = axes
        .iter()
        .enumerate()
        .map(|(g, axe)| AxeSansAnnexes {
            id: &axe.id,
            titre: &axe.titre,
            actions: if actions { &[] } else { &axe.actions },
            pistes: axe.pistes,
            nombre_actions: axe.actions.len(),
            annexes: renvois(annexes, Contenu::Actions, Some(g)),
        })
        .collect();
    let lines: &[BudgetAction] = if annexed(Contenu::Budget) { &[] } else { &budget.par_action };
    BilanSansAnnexes {
        produit_par,
        contrat,
        annee: *annee,
        date: *date,
        etabli_le: *etabli_le,
        textes,
        synthese,
        faits_marquants: if actions { &[] } else { faits_marquants },
        axes,
        instances,
        sism,
        indicateurs: if indicators { &[] } else { indicateurs },
        sans_mesure: if indicators { &[] } else { sans_mesure },
        budget: BudgetEnPartie::of(budget, lines),
        renvois: Renvois {
            actions: renvois(annexes, Contenu::Actions, None),
            indicateurs: renvois(annexes, Contenu::Indicateurs, None),
            budget: renvois(annexes, Contenu::Budget, None),
        },
    }
}

/// The actions of one axis that an annex holds.
#[derive(Debug, Serialize)]
pub struct AxeEnAnnexe<'a> {
    pub id: &'a Text,
    pub titre: &'a Text,
    /// The axis began in the annex before.
    pub suite: bool,
    /// The axis goes on in the annex after.
    pub a_suivre: bool,
    pub actions: &'a [ActionBilan],
}

/// What one annex of the bilan holds, for its PDF and its page: the part of its
/// section given by its pieces (the other fields stay empty).
#[derive(Debug, Serialize)]
pub struct PartieAnnexe<'a> {
    /// Not the first annex of its section: its heading says « (suite) ».
    pub suite: bool,
    /// The actions, axis by axis.
    pub axes: Vec<AxeEnAnnexe<'a>>,
    /// The indicators measured in the year, then some of the others.
    pub indicateurs: &'a [IndicateurEtat],
    pub sans_mesure: &'a [SansMesure],
    /// The list of the indicators without a measure began in the annex before.
    pub sans_mesure_suite: bool,
    /// The lines of budget, and the totals of the whole budget.
    pub budget: Option<BudgetEnPartie<'a>>,
    /// The lines of budget go on in the annex after.
    pub a_suivre: bool,
}

/// What `annexe`, one of `annexes`, holds of `bilan`.
pub fn annex_part<'a>(bilan: &'a Bilan, annexes: &[Annexe], annexe: &Annexe) -> PartieAnnexe<'a> {
    let pieces = &annexe.pieces;
    let of = |group| pieces.iter().find(|p| p.group == group);
    let mut part = PartieAnnexe {
        suite: annexes.iter().any(|a| a.contenu == annexe.contenu && a.numero < annexe.numero),
        axes: Vec::new(),
        indicateurs: &[],
        sans_mesure: &[],
        sans_mesure_suite: false,
        budget: None,
        a_suivre: false,
    };
    match annexe.contenu {
        Contenu::Actions => {
            part.axes = pieces
                .iter()
                .map(|p| {
                    let axe = &bilan.axes[p.group];
                    AxeEnAnnexe {
                        id: &axe.id,
                        titre: &axe.titre,
                        suite: p.suite,
                        a_suivre: p.a_suivre,
                        actions: &axe.actions[p.range.clone()],
                    }
                })
                .collect();
        }
        Contenu::Indicateurs => {
            part.indicateurs = of(0).map_or(&[][..], |p| &bilan.indicateurs[p.range.clone()]);
            part.sans_mesure = of(1).map_or(&[][..], |p| &bilan.sans_mesure[p.range.clone()]);
            part.sans_mesure_suite = of(1).is_some_and(|p| p.suite);
        }
        Contenu::Budget => {
            let lines = of(0).map_or(&[][..], |p| &bilan.budget.par_action[p.range.clone()]);
            part.budget = Some(BudgetEnPartie::of(&bilan.budget, lines));
            part.a_suivre = of(0).is_some_and(|p| p.a_suivre);
        }
    }
    part
}

/// An indicator over the years of a period.
#[derive(Debug, Clone, Serialize)]
pub struct Serie {
    /// Its state at the end of the period, its measures those of the period.
    pub indicateur: IndicateurEtat,
    /// The figure of each year of the period (`None`: not measured): its latest
    /// measure, or the sum of its measures when each counts its own period.
    pub par_annee: Vec<Option<Point>>,
}

/// How an action went through the period.
#[derive(Debug, Clone, Serialize)]
pub struct Trajectoire {
    pub action: Lien,
    pub axe: Text,
    /// Its statut when the period began (the last change before), if recorded.
    pub statut_debut: Option<Mot>,
    pub statut_fin: Option<Mot>,
    /// Its changes of statut during the period.
    pub changements: Vec<Entree>,
    /// How many progress entries it has in the period.
    pub entrees: usize,
}

/// The activity of one year of the period.
#[derive(Debug, Clone, Serialize)]
pub struct Annee {
    pub annee: i32,
    pub avancements: usize,
    pub evenements: usize,
    pub participants: u64,
    pub sans_decompte: usize,
}

/// `clsm bilan --periode`: the end-of-contract evaluation.
#[derive(Debug, Serialize)]
pub struct Evaluation {
    pub produit_par: &'static str,
    pub contrat: Contrat,
    pub debut: i32,
    pub fin: i32,
    pub annees: Vec<i32>,
    pub date: PartialDate,
    pub etabli_le: PartialDate,
    pub textes: Textes,
    pub par_statut: Vec<Compte>,
    pub actions_engagees: usize,
    pub pistes: usize,
    pub trajectoires: Vec<Trajectoire>,
    pub indicateurs: Vec<Serie>,
    pub activite: Vec<Annee>,
    /// The same, over the whole period.
    pub total: Annee,
    pub sism: Vec<EvenementResume>,
    pub budget: Budget,
}

/// The statut an action had on `day`: its last change by then.
fn statut_on(names: &Names, a: &Action, day: NaiveDate) -> Option<Mot> {
    let change = a.avancement.iter().rev().find(|e| e.date.first_day() <= day && e.statut.is_some())?;
    names.word(&vocab::STATUT, &change.statut)
}

/// Builds the evaluation of the years `debut` to `fin`, seen from `today` (a period
/// not over yet is seen as it stands today); `texte` is `bilans/DEBUT-FIN.md`.
pub fn evaluation(repo: &Repository, debut: i32, fin: i32, today: NaiveDate, texte: Option<&str>) -> Evaluation {
    let names = Names::new(repo);
    let end = Scope::year(fin, today);
    let start = NaiveDate::from_ymd_opt(debut, 1, 1).unwrap_or(end.date);
    let annees: Vec<i32> = (debut..=fin).collect();
    let within = |d: &PartialDate| (debut..=fin).contains(&d.year) && d.first_day() <= end.date;
    let engaged = engaged(repo);
    let trajectoires = engaged
        .iter()
        .map(|(ix, a)| {
            let period: Vec<Entree> =
                a.avancement.iter().filter(|e| within(&e.date)).map(|e| entry(&names, e)).collect();
            Trajectoire {
                action: names.action(*ix),
                axe: repo.axe(a.axe).id.clone(),
                statut_debut: start.pred_opt().and_then(|day| statut_on(&names, a, day)),
                statut_fin: names.word(&vocab::STATUT, &a.statut),
                changements: period.iter().filter(|e| e.statut.is_some()).cloned().collect(),
                entrees: period.len(),
            }
        })
        .collect();
    let indicateurs = repo.indicateurs.iter().map(|i| series(&names, i, end, &annees, &within)).collect();
    let year = |annee: i32| {
        let events: Vec<&Evenement> =
            repo.evenements.iter().filter(|e| e.date.year == annee && e.date.first_day() <= end.date).collect();
        Annee {
            annee,
            avancements: engaged
                .iter()
                .flat_map(|(_, a)| &a.avancement)
                .filter(|e| e.date.year == annee && e.date.first_day() <= end.date)
                .count(),
            evenements: events.len(),
            participants: events.iter().filter_map(|e| e.participants).sum(),
            sans_decompte: events.iter().filter(|e| e.participants.is_none()).count(),
        }
    };
    let activite: Vec<Annee> = annees.iter().map(|a| year(*a)).collect();
    let total = Annee {
        annee: fin,
        avancements: activite.iter().map(|a| a.avancements).sum(),
        evenements: activite.iter().map(|a| a.evenements).sum(),
        participants: activite.iter().map(|a| a.participants).sum(),
        sans_decompte: activite.iter().map(|a| a.sans_decompte).sum(),
    };
    Evaluation {
        produit_par: "clsm",
        contrat: contract_in(&names, debut),
        debut,
        fin,
        annees,
        date: PartialDate::day(end.date),
        etabli_le: PartialDate::day(today),
        textes: Textes::from_markdown(texte),
        par_statut: by_statut(&names, repo.actions.iter()),
        actions_engagees: engaged.len(),
        pistes: repo.actions.len() - engaged.len(),
        trajectoires,
        indicateurs,
        activite,
        total,
        sism: repo.evenements.iter().filter(|e| is_sism(e) && within(&e.date)).map(EvenementResume::of).collect(),
        budget: report::budget(&names, engaged.into_iter()),
    }
}

fn series(names: &Names, i: &Indicateur, end: Scope, annees: &[i32], within: &dyn Fn(&PartialDate) -> bool) -> Serie {
    let mut indicateur = indicator_state(names, i, end);
    indicateur.mesures.retain(|p| within(&p.date));
    let par_annee = annees.iter().map(|a| indicators::of_year(i, *a, end.date)).collect();
    Serie { indicateur, par_annee }
}

/// The latest year up to `today`'s with something to report: a progress entry, an
/// event or a measure. The bilan the site publishes is that year's.
pub fn latest_active_year(repo: &Repository, today: NaiveDate) -> Option<i32> {
    use chrono::Datelike;
    let progress = repo.actions.iter().flat_map(|a| a.avancement.iter().map(|e| e.date.year));
    let events = repo.evenements.iter().map(|e| e.date.year);
    let measures = repo.indicateurs.iter().flat_map(|i| i.mesures.iter().map(|m| m.date.year));
    progress.chain(events).chain(measures).filter(|y| *y <= today.year()).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Repository {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rapport");
        Repository::from_loaded(crate::load::load(&root).expect("the fixture loads").repo).expect("checked")
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn annual_report_of_a_year() {
        let b = bilan(&fixture(), Scope::year(2026, day("2026-11-22")), day("2026-11-22"), None);
        assert_eq!((b.synthese.actions_engagees, b.synthese.pistes), (3, 1));
        let highlights: Vec<(String, &str)> =
            b.faits_marquants.iter().map(|f| (f.date.to_string(), &*f.action.id)).collect();
        assert_eq!(highlights, [("2026-06-10".to_string(), "active")]);
        let b = bilan(&fixture(), Scope::year(2023, day("2026-11-22")), day("2026-11-22"), None);
        let done = b.axes.iter().flat_map(|a| &a.actions).find(|a| &*a.action.id == "faite").unwrap();
        assert_eq!(done.changements.len(), 1);
        assert_eq!(&*done.changements[0].statut.as_ref().unwrap().mot, "realisee");
    }

    #[test]
    fn every_axis_appears_with_its_pistes() {
        let b = bilan(&fixture(), Scope::year(2026, day("2026-11-22")), day("2026-11-22"), None);
        let axes: Vec<(&str, usize, usize)> = b.axes.iter().map(|a| (&*a.id, a.actions.len(), a.pistes)).collect();
        assert_eq!(axes, [("1", 2, 0), ("2", 1, 1)]);
    }

    #[test]
    fn sism_weeks_stand_apart_from_the_meetings() {
        let b = bilan(&fixture(), Scope::year(2026, day("2026-11-22")), day("2026-11-22"), None);
        assert_eq!(b.sism.len(), 1);
        assert_eq!(b.instances.iter().map(|e| &*e.r#type.mot).collect::<Vec<_>>(), ["copil"]);
        // The June meeting counted nobody: its participants are unknown, not zero.
        assert_eq!((b.synthese.evenements, b.synthese.participants, b.synthese.sans_decompte), (3, 214, 1));
    }

    #[test]
    fn the_coordinators_words_take_their_places() {
        let t = Textes::from_markdown(Some(
            "Une année de travail.\n\n## Faits marquants\n\nLa convention.\n\n## Remerciements\n\nÀ tous.\n\n## Perspectives\n\n2026.\n\n## Signature\n\nLe coordonnateur.\n",
        ));
        assert_eq!(t.edito.as_deref(), Some("Une année de travail."));
        assert_eq!(t.marquants.as_deref(), Some("La convention."));
        assert_eq!(t.perspectives.as_deref(), Some("2026."));
        assert_eq!(t.signature.as_deref(), Some("Le coordonnateur."));
        assert_eq!(t.autres.iter().map(|s| s.titre.as_str()).collect::<Vec<_>>(), ["Remerciements"]);
        let mixed = Textes::from_markdown(Some(
            "Édito.\n\n## Faits marquants\n\nA.\n\n# Titre\n\nB.\n\n## Perspectives\n\nC.\n",
        ));
        assert_eq!((mixed.edito.as_deref(), mixed.marquants.as_deref()), (Some("Édito."), Some("A.")));
        assert_eq!(mixed.perspectives.as_deref(), Some("C."), "a `#` title in the middle cancels no section");
        assert_eq!(mixed.autres.iter().map(|s| s.titre.as_str()).collect::<Vec<_>>(), ["Titre"]);
        let titled = Textes::from_markdown(Some("## Édito\n\nBonjour.\n"));
        assert_eq!(titled.edito.as_deref(), Some("Bonjour."));
        assert_eq!(Textes::from_markdown(Some("## Perspectives\n\n")).perspectives, None, "no empty heading");
        assert!(Textes::from_markdown(Some("## Autre\n\n## \n")).autres.is_empty(), "nor an empty section");
        assert_eq!(Textes::from_markdown(None), Textes::default());
    }

    #[test]
    fn evaluation_follows_each_action_and_indicator_across_the_years() {
        let e = evaluation(&fixture(), 2023, 2026, day("2026-11-22"), None);
        assert_eq!(e.annees, [2023, 2024, 2025, 2026]);
        let faite = e.trajectoires.iter().find(|t| &*t.action.id == "faite").unwrap();
        assert_eq!(faite.changements.len(), 1);
        assert_eq!(faite.statut_fin.as_ref().map(|m| &*m.mot), Some("realisee"));
        let up = e.indicateurs.iter().find(|s| &*s.indicateur.id == "ind-hausse").unwrap();
        let by_year: Vec<Option<f64>> = up.par_annee.iter().map(|p| p.map(|p| p.valeur)).collect();
        assert_eq!(by_year.len(), 4);
        assert_eq!(by_year[3], Some(60.0));
        assert_eq!(e.total.evenements, e.activite.iter().map(|a| a.evenements).sum::<usize>());
    }
}
