//! Where the contract stands: the figures of `clsm report` and `clsm bilan`.
//!
//! Everything is computed for a reference date (today by default) and, for the
//! annual report, a year. Dates written with a month or a year only cover their whole
//! period: an action whose calendar ends in `2025` is late from 1 January 2026.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::model::checked::{Action, Avancement, Cumul, Evenement, Indicateur, Ix, Repository};
use crate::model::vocab;
use crate::model::{Montant, PartialDate, StatutFinancement};
use crate::views::indicators::{self, PeriodeCible, Point, VentilationVue};
use crate::views::{Compte, Lien, Mot, Names, Reste, Text, by_statut, rest};

/// What the figures are computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// The reference date: late and stale are judged on it.
    pub date: NaiveDate,
    /// The year of the annual figures (events, progress, value of the year).
    pub annee: i32,
}

impl Scope {
    /// For the year `annee` seen from `today`: a past year is seen from its last day.
    pub fn year(annee: i32, today: NaiveDate) -> Self {
        let end = NaiveDate::from_ymd_opt(annee, 12, 31).unwrap_or(today);
        Scope { date: end.min(today), annee }
    }

    /// For `date`, the year being the one it falls in.
    pub fn on(date: NaiveDate) -> Self {
        Scope { date, annee: date.year() }
    }
}

/// An action's state on the reference date.
#[derive(Debug, Clone, Serialize)]
pub struct ActionEtat {
    pub id: Text,
    pub numero: Option<Text>,
    pub titre: Text,
    pub axe: Text,
    pub statut: Option<Mot>,
    pub est_piste: bool,
    pub porteur: Lien,
    /// The calendar has ended and the action is neither done nor abandoned.
    pub en_retard: bool,
    /// In progress, but no progress entry in the last 12 months.
    pub sans_nouvelles: bool,
    pub fin: Option<PartialDate>,
    pub dernier_avancement: Option<Entree>,
    pub objectifs_realises: usize,
    pub objectifs_total: usize,
}

/// A dated progress entry.
#[derive(Debug, Clone, Serialize)]
pub struct Entree {
    pub date: PartialDate,
    pub fin: Option<PartialDate>,
    pub texte: String,
    pub statut: Option<Mot>,
    pub participants: Option<u64>,
}

/// Actions by statut on one axis.
#[derive(Debug, Clone, Serialize)]
pub struct AxeEtat {
    pub id: Text,
    pub titre: Text,
    pub par_statut: Vec<Compte>,
    /// The actions engaged (pistes aside), in official order.
    pub actions: Vec<ActionEtat>,
    /// Pistes are ideas, not work in progress: counted, not listed.
    pub pistes: usize,
}

/// An indicator on the reference date.
#[derive(Debug, Clone, Serialize)]
pub struct IndicateurEtat {
    pub id: Text,
    pub libelle: Text,
    pub r#type: Mot,
    pub unite: Option<String>,
    pub valeur_initiale: Option<Point>,
    pub derniere: Option<Point>,
    /// The latest measure dated in the year of the scope.
    pub valeur_annee: Option<Point>,
    pub cible: Option<f64>,
    pub echeance: Option<PartialDate>,
    /// Percent of the way to the target (see [`indicators::attainment`]).
    pub atteinte: Option<f64>,
    /// The latest value is at or past the target.
    pub cible_atteinte: bool,
    /// Whether the latest value is at least where a straight line from the baseline
    /// to the target would be on its date. `None` without baseline date or deadline.
    pub en_bonne_voie: Option<bool>,
    /// Every dated measure up to the reference date, oldest first.
    pub mesures: Vec<Point>,
    /// How its measures add up.
    pub cumul: Cumul,
    /// When each measure counts its period: the sum of the measures known, which
    /// `atteinte` measures against the sum of the targets.
    pub total: Option<Point>,
    /// The target of each period, and where the indicator stands in it.
    pub periodes: Vec<PeriodeCible>,
    /// The breakdowns of the latest measure of the year that has some.
    pub ventilation: Vec<VentilationVue>,
}

/// Events of one type in the year.
#[derive(Debug, Clone, Serialize)]
pub struct EvenementsAnnee {
    pub r#type: Mot,
    pub nombre: usize,
    /// The participants of the events that counted them…
    pub participants: u64,
    /// …and how many did not: their participants are unknown, not zero.
    pub sans_decompte: usize,
    pub evenements: Vec<EvenementResume>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvenementResume {
    pub id: Text,
    pub date: PartialDate,
    pub fin: Option<PartialDate>,
    pub titre: String,
    pub theme: Option<String>,
    pub participants: Option<u64>,
    /// The partners it counted, or else the number it names.
    pub nombre_partenaires: Option<u64>,
    pub nombre_evenements: Option<u64>,
    /// The first paragraph of its text, in Markdown.
    pub resume: Option<String>,
}

impl EvenementResume {
    pub(crate) fn of(e: &Evenement) -> Self {
        let named = (!e.partenaires.is_empty()).then_some(e.partenaires.len() as u64);
        EvenementResume {
            id: e.id.clone(),
            date: e.date,
            fin: e.fin,
            titre: e.titre.clone().unwrap_or_else(|| e.id.to_string()),
            theme: e.theme.clone(),
            participants: e.participants,
            nombre_partenaires: e.nombre_partenaires.or(named),
            nombre_evenements: e.nombre_evenements,
            resume: crate::views::site::sections::first_block(&e.corps),
        }
    }
}

/// A sum of amounts, some of which may be unknown: the lines without an amount are
/// counted apart, never taken for zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Somme {
    /// The sum of the amounts given.
    pub montant: Montant,
    /// How many lines it sums…
    pub lignes: usize,
    /// …and how many of them give no amount.
    pub sans_montant: usize,
}

impl Somme {
    fn of<'a>(amounts: impl Iterator<Item = Option<&'a Montant>>) -> Self {
        amounts.fold(Somme::default(), |sum, m| {
            sum.plus(Somme {
                montant: m.copied().unwrap_or_default(),
                lignes: 1,
                sans_montant: usize::from(m.is_none()),
            })
        })
    }

    /// `check` refused any total that cannot be exact, so the sums cannot overflow.
    pub fn plus(self, other: Somme) -> Somme {
        Somme {
            montant: self.montant.plus(other.montant),
            lignes: self.lignes + other.lignes,
            sans_montant: self.sans_montant + other.sans_montant,
        }
    }
}

/// Money planned and raised, in exact cents.
#[derive(Debug, Clone, Serialize)]
pub struct Budget {
    pub prevu: Somme,
    pub acquis: Somme,
    pub pressenti: Somme,
    /// What the actions' budgets ask beyond their funding, added up.
    pub reste_a_financer: Reste,
    pub par_action: Vec<BudgetAction>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BudgetAction {
    pub action: Lien,
    pub prevu: Somme,
    pub acquis: Somme,
    pub pressenti: Somme,
    pub reste_a_financer: Reste,
}

/// `clsm report`: where the contract stands on a date.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Marks the JSON as made by clsm (so `--out` may replace it).
    pub produit_par: &'static str,
    /// The fiches left out because they have errors: named first, so that no
    /// figure is read without knowing what it leaves out.
    pub en_erreur: Vec<crate::model::checked::Omission>,
    pub titre: Text,
    pub date: PartialDate,
    pub annee: i32,
    pub par_statut: Vec<Compte>,
    pub en_retard: Vec<ActionEtat>,
    pub sans_nouvelles: Vec<ActionEtat>,
    pub axes: Vec<AxeEtat>,
    pub indicateurs: Vec<IndicateurEtat>,
    pub hors_trajectoire: Vec<IndicateurEtat>,
    pub evenements: Vec<EvenementsAnnee>,
    pub reunions: usize,
    pub participants: u64,
    /// The meetings that did not count their participants.
    pub sans_decompte: usize,
    pub budget: Budget,
}

/// A progress entry as the reports show it.
pub(crate) fn entry(names: &Names, e: &Avancement) -> Entree {
    Entree {
        date: e.date,
        fin: e.fin,
        texte: e.texte.clone(),
        statut: names.word(&vocab::STATUT, &e.statut),
        participants: e.participants,
    }
}

/// The state of one action on `scope.date`.
fn action_state(names: &Names, a: &Action, scope: Scope) -> ActionEtat {
    ActionEtat {
        id: a.id.clone(),
        numero: a.numero.clone(),
        titre: a.titre.clone(),
        axe: names.repo.axe(a.axe).id.clone(),
        statut: names.word(&vocab::STATUT, &a.statut),
        est_piste: a.est_piste(),
        porteur: names.partner(a.porteur),
        en_retard: a.en_retard(scope.date),
        sans_nouvelles: a.sans_nouvelles(scope.date),
        fin: a.calendrier.map(|c| c.fin),
        dernier_avancement: a.derniere_nouvelle(scope.date).map(|e| entry(names, e)),
        objectifs_realises: a.objectifs.iter().filter(|o| o.statut == Some(crate::model::Statut::Realisee)).count(),
        objectifs_total: a.objectifs.len(),
    }
}

/// The state of one indicator on `scope`.
pub(crate) fn indicator_state(names: &Names, i: &Indicateur, scope: Scope) -> IndicateurEtat {
    let mesures = indicators::series(i, scope.date);
    let derniere = mesures.last().copied();
    let start = names.repo.periode.map(|p| p.debut);
    let standing = indicators::standing(i, start, scope.date);
    IndicateurEtat {
        id: i.id.clone(),
        libelle: i.libelle.clone(),
        r#type: names.lexicon.word(&vocab::TYPE_INDICATEUR, i.r#type.mot()),
        unite: i.unite.as_ref().map(|u| u.mot().to_string()),
        valeur_initiale: indicators::baseline(i),
        derniere,
        valeur_annee: indicators::of_year(i, scope.annee, scope.date),
        cible: i.cible.map(|c| c.valeur),
        echeance: i.cible.and_then(|c| c.echeance),
        atteinte: standing.atteinte,
        cible_atteinte: standing.cible_atteinte,
        en_bonne_voie: indicators::on_track(i, derniere),
        mesures,
        cumul: i.cumul,
        total: standing.total.filter(|_| i.cumul == Cumul::Periode),
        periodes: if i.cibles.len() > 1 { indicators::periods(i, start, scope.date) } else { Vec::new() },
        ventilation: indicators::latest_breakdowns(names.repo, i, scope.date, Some(scope.annee)),
    }
}

/// Events of the year by type (vocabulary order), with participants.
pub(crate) fn events_of_year(names: &Names, annee: i32) -> Vec<EvenementsAnnee> {
    events_by_type(names, names.repo.evenements.iter().filter(|e| e.date.year == annee))
}

/// Events by type (vocabulary order), each type with its participants.
pub(crate) fn events_by_type<'a>(names: &Names, events: impl Iterator<Item = &'a Evenement>) -> Vec<EvenementsAnnee> {
    let mut by_type: BTreeMap<&str, Vec<EvenementResume>> = BTreeMap::new();
    for e in events {
        by_type.entry(e.r#type.as_deref().unwrap_or_default()).or_default().push(EvenementResume::of(e));
    }
    let mut order: Vec<Text> = names.lexicon.all(&vocab::TYPE_EVENEMENT).iter().map(|m| m.mot.clone()).collect();
    order.push("".into());
    order
        .into_iter()
        .filter_map(|t| {
            let mut evenements = by_type.remove(&*t)?;
            evenements.sort_by_key(|e| (e.date.first_day(), e.id.clone()));
            let r#type = names.lexicon.word_or_absent(&vocab::TYPE_EVENEMENT, Some(&t));
            Some(EvenementsAnnee {
                r#type,
                nombre: evenements.len(),
                participants: evenements.iter().filter_map(|e| e.participants).sum(),
                sans_decompte: evenements.iter().filter(|e| e.participants.is_none()).count(),
                evenements,
            })
        })
        .collect()
}

/// Money planned (budget lines) and raised (funding lines), per action and in total,
/// for the actions with a budget or a funding line.
pub(crate) fn budget<'a>(names: &Names, actions: impl Iterator<Item = (Ix<Action>, &'a Action)>) -> Budget {
    let funding = |a: &'a Action, statut: StatutFinancement| {
        Somme::of(a.financements.iter().filter(move |f| f.statut == statut).map(|f| f.montant.as_ref()))
    };
    let par_action: Vec<BudgetAction> = actions
        .filter(|(_, a)| !a.budget.is_empty() || !a.financements.is_empty())
        .map(|(ix, a)| BudgetAction {
            action: names.action(ix),
            prevu: Somme::of(a.budget.iter().map(|l| Some(&l.montant))),
            acquis: funding(a, StatutFinancement::Acquis),
            pressenti: funding(a, StatutFinancement::Pressenti),
            reste_a_financer: rest(a),
        })
        .collect();
    let sum = |of: fn(&BudgetAction) -> Somme| par_action.iter().map(of).fold(Somme::default(), Somme::plus);
    Budget {
        prevu: sum(|b| b.prevu),
        acquis: sum(|b| b.acquis),
        pressenti: sum(|b| b.pressenti),
        reste_a_financer: Reste::total(par_action.iter().map(|b| &b.reste_a_financer)),
        par_action,
    }
}

/// Builds the progress report. `axe` keeps one axis only (an id of the contract).
pub fn report(repo: &Repository, scope: Scope, axe: Option<&str>) -> Report {
    let names = Names::new(repo);
    let kept = |a: &Action| axe.is_none_or(|x| *repo.axe(a.axe).id == *x);
    let actions: Vec<(Ix<Action>, &Action)> = repo.actions_indexed().filter(|(_, a)| kept(a)).collect();
    let states: Vec<ActionEtat> = actions.iter().map(|(_, a)| action_state(&names, a, scope)).collect();
    let cited = |i: &Indicateur| i.actions.iter().any(|a| kept(repo.action(*a)));
    let indicateurs: Vec<IndicateurEtat> = repo
        .indicateurs
        .iter()
        .filter(|i| axe.is_none() || cited(i))
        .map(|i| indicator_state(&names, i, scope))
        .collect();
    let axes = repo
        .axes_indexed()
        .filter(|(_, x)| axe.is_none_or(|id| *x.id == *id))
        .map(|(ix, x)| AxeEtat {
            id: x.id.clone(),
            titre: x.titre.clone(),
            par_statut: by_statut(&names, repo.actions_of(ix)),
            actions: states.iter().filter(|s| s.axe == x.id && !s.est_piste).cloned().collect(),
            pistes: states.iter().filter(|s| s.axe == x.id && s.est_piste).count(),
        })
        .collect();
    let evenements = events_of_year(&names, scope.annee);
    Report {
        produit_par: "clsm",
        en_erreur: Vec::new(),
        titre: repo.titre.clone(),
        date: PartialDate::day(scope.date),
        annee: scope.annee,
        par_statut: by_statut(&names, actions.iter().map(|(_, a)| *a)),
        en_retard: states.iter().filter(|s| s.en_retard).cloned().collect(),
        sans_nouvelles: states.iter().filter(|s| s.sans_nouvelles).cloned().collect(),
        axes,
        hors_trajectoire: indicateurs.iter().filter(|i| i.en_bonne_voie == Some(false)).cloned().collect(),
        indicateurs,
        reunions: evenements.iter().map(|e| e.nombre).sum(),
        participants: evenements.iter().map(|e| e.participants).sum(),
        sans_decompte: evenements.iter().map(|e| e.sans_decompte).sum(),
        evenements,
        budget: budget(&names, actions.into_iter()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Repository {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rapport");
        Repository::from_loaded(crate::load::load(&root).expect("the fixture loads").repo).expect("checked")
    }

    fn on(date: &str) -> Scope {
        Scope::on(NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap())
    }

    fn ids(states: &[ActionEtat]) -> Vec<&str> {
        states.iter().map(|s| s.id.as_ref()).collect()
    }

    #[test]
    fn late_and_stale_actions_on_a_date() {
        let r = report(&fixture(), on("2026-11-22"), None);
        assert_eq!(ids(&r.en_retard), ["retard"]);
        assert_eq!(ids(&r.sans_nouvelles), ["retard"]);
        // Before its end, the same action is neither late nor stale (while the other
        // one, whose workshop of 2026 has not happened yet, has had no news since 2024).
        let r = report(&fixture(), on("2025-06-15"), None);
        assert!(r.en_retard.is_empty());
        assert_eq!(ids(&r.sans_nouvelles), ["active"]);
        // A month-precise end covers the whole month.
        let r = report(&fixture(), on("2025-07-01"), None);
        assert_eq!(ids(&r.en_retard), ["retard"]);
    }

    #[test]
    fn stale_means_twelve_months_without_news() {
        let r = report(&fixture(), on("2026-03-31"), None);
        assert!(!ids(&r.sans_nouvelles).contains(&"retard"), "an entry of March 2025 is within twelve months");
        let r = report(&fixture(), on("2026-04-01"), None);
        assert!(ids(&r.sans_nouvelles).contains(&"retard"));
    }

    #[test]
    fn last_entry_and_objectives_done() {
        let r = report(&fixture(), on("2026-11-22"), None);
        let active = r.axes[0].actions.iter().find(|a| &*a.id == "active").unwrap();
        assert_eq!(active.objectifs_realises, 1);
        assert_eq!(active.objectifs_total, 3);
        let last = active.dernier_avancement.as_ref().unwrap();
        assert_eq!(
            (last.date.to_string().as_str(), last.texte.as_str()),
            ("2026-06-10", "Atelier avec les habitants.")
        );
        // Seen from before the workshop, the last entry is the launch.
        let r = report(&fixture(), on("2026-01-01"), None);
        let active = r.axes[0].actions.iter().find(|a| &*a.id == "active").unwrap();
        assert_eq!(active.dernier_avancement.as_ref().unwrap().texte, "Lancement.");
    }

    #[test]
    fn actions_by_statut_per_axis() {
        let r = report(&fixture(), on("2026-11-22"), None);
        let counts = |a: &AxeEtat| a.par_statut.iter().map(|c| (c.mot.clone(), c.nombre)).collect::<Vec<_>>();
        assert_eq!(counts(&r.axes[0]), [("mise_en_oeuvre".to_string(), 2)]);
        assert_eq!(counts(&r.axes[1]), [("piste".to_string(), 1), ("realisee".to_string(), 1)]);
    }

    #[test]
    fn indicators_against_their_targets() {
        let r = report(&fixture(), on("2026-11-22"), None);
        let up = r.indicateurs.iter().find(|i| &*i.id == "ind-hausse").unwrap();
        assert_eq!(up.derniere.map(|p| p.valeur), Some(60.0));
        assert_eq!(up.valeur_annee.map(|p| p.valeur), Some(60.0));
        assert!((up.atteinte.unwrap() - 200.0 / 3.0).abs() < 1e-9);
        // Two thirds of the way while the deadline (2026) has passed: off track.
        assert_eq!(up.en_bonne_voie, Some(false));
        let down = r.indicateurs.iter().find(|i| &*i.id == "ind-baisse").unwrap();
        assert_eq!(down.derniere.map(|p| p.valeur), Some(30.0));
        assert_eq!(down.valeur_annee, None, "its only measure is from 2025");
        assert_eq!(down.atteinte, Some(50.0));
        // Half of the way down after 700 of 1,461 days: on track.
        assert_eq!(down.en_bonne_voie, Some(true));
        assert_eq!(r.hors_trajectoire.iter().map(|i| i.id.as_ref()).collect::<Vec<_>>(), ["ind-hausse"]);
    }

    #[test]
    fn events_of_the_year_by_type() {
        let r = report(&fixture(), on("2026-11-22"), None);
        let by_type: Vec<(&str, usize, u64)> =
            r.evenements.iter().map(|e| (&*e.r#type.mot, e.nombre, e.participants)).collect();
        assert_eq!(by_type, [("copil", 2, 14), ("sism", 1, 200)]);
        assert_eq!((r.reunions, r.participants), (3, 214));
        let r = report(&fixture(), Scope::year(2025, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()), None);
        assert_eq!((r.reunions, r.participants), (1, 80));
        assert_eq!(r.date.to_string(), "2025-12-31");
    }

    #[test]
    fn budget_planned_and_raised() {
        let b = report(&fixture(), on("2026-11-22"), None).budget;
        assert_eq!((b.prevu.montant.cents, b.acquis.montant.cents, b.pressenti.montant.cents), (173050, 100000, 50000));
        assert_eq!(b.par_action.len(), 1);
        assert_eq!(&*b.par_action[0].action.id, "active");
    }

    #[test]
    fn one_axis_only() {
        let r = report(&fixture(), on("2026-11-22"), Some("2"));
        assert_eq!(r.axes.len(), 1);
        assert!(r.en_retard.is_empty());
        assert_eq!(r.indicateurs.iter().map(|i| i.id.as_ref()).collect::<Vec<_>>(), ["ind-hausse"]);
    }
}
