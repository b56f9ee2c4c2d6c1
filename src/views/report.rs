//! Where the contract stands: the figures of `clsm report` and `clsm bilan`.
//!
//! Everything is computed for a reference date (today by default) and, for the
//! annual report, a year. Dates written with a month or a year only cover their whole
//! period: an action whose calendar ends in `2025` is late from 1 January 2026.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::model::vocab;
use crate::model::{Action, Indicateur, PartialDate, Record, Repository};
use crate::views::indicators::{self, Point};
use crate::views::site::Names;
use crate::views::{Lien, Mot};

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
    pub id: String,
    pub numero: Option<String>,
    pub titre: String,
    pub axe: Option<String>,
    pub statut: Option<Mot>,
    pub porteur: Option<Lien>,
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
    pub texte: String,
    pub statut: Option<Mot>,
    pub participants: Option<u64>,
}

/// Actions by statut on one axis.
#[derive(Debug, Clone, Serialize)]
pub struct AxeEtat {
    pub id: String,
    pub titre: String,
    pub par_statut: Vec<super::site::Compte>,
    pub actions: Vec<ActionEtat>,
}

/// An indicator on the reference date.
#[derive(Debug, Clone, Serialize)]
pub struct IndicateurEtat {
    pub id: String,
    pub libelle: String,
    pub r#type: Option<Mot>,
    pub unite: Option<String>,
    pub valeur_initiale: Option<Point>,
    pub derniere: Option<Point>,
    /// The latest measure dated in the year of the scope.
    pub valeur_annee: Option<Point>,
    pub cible: Option<f64>,
    pub echeance: Option<PartialDate>,
    /// Percent of the way from the baseline to the target.
    pub atteinte: Option<f64>,
    /// Whether the latest value is at least where a straight line from the baseline
    /// to the target would be on its date. `None` without baseline date or deadline.
    pub en_bonne_voie: Option<bool>,
    /// Every dated measure up to the reference date, oldest first.
    pub mesures: Vec<Point>,
}

/// Events of one type in the year.
#[derive(Debug, Clone, Serialize)]
pub struct EvenementsAnnee {
    pub r#type: Mot,
    pub nombre: usize,
    pub participants: u64,
    pub evenements: Vec<EvenementResume>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvenementResume {
    pub id: String,
    pub date: PartialDate,
    pub titre: String,
    pub participants: Option<u64>,
}

/// Money planned and raised.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Budget {
    pub prevu: f64,
    pub acquis: f64,
    pub pressenti: f64,
    pub par_action: Vec<BudgetAction>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BudgetAction {
    pub action: Lien,
    pub prevu: f64,
    pub acquis: f64,
    pub pressenti: f64,
}

/// `clsm report`: where the contract stands on a date.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Marks the JSON as made by clsm (so `--out` may replace it).
    pub produit_par: &'static str,
    pub titre: String,
    pub date: PartialDate,
    pub annee: i32,
    pub par_statut: Vec<super::site::Compte>,
    pub en_retard: Vec<ActionEtat>,
    pub sans_nouvelles: Vec<ActionEtat>,
    pub axes: Vec<AxeEtat>,
    pub indicateurs: Vec<IndicateurEtat>,
    pub hors_trajectoire: Vec<IndicateurEtat>,
    pub evenements: Vec<EvenementsAnnee>,
    pub reunions: usize,
    pub participants: u64,
    pub budget: Budget,
}

/// The state of one action on `scope.date`.
pub(crate) fn action_state(names: &Names, r: &Record<Action>, scope: Scope) -> ActionEtat {
    let a = &r.data;
    let closed = matches!(a.statut.as_deref(), Some("realisee" | "abandonnee"));
    let fin = a.calendrier.as_ref().and_then(|c| c.fin);
    let known: Vec<Entree> = a
        .avancement
        .iter()
        .flatten()
        .filter_map(|e| {
            let date = e.date?;
            (date.first_day() <= scope.date).then(|| Entree {
                date,
                texte: e.texte.clone().unwrap_or_default(),
                statut: names.word(&vocab::STATUT, &e.statut),
                participants: e.participants,
            })
        })
        .collect();
    let last = known.iter().max_by_key(|e| e.date.last_day()).cloned();
    let year_ago = scope.date.checked_sub_months(Months::new(12)).unwrap_or(NaiveDate::MIN);
    let in_progress = a.statut.as_deref() == Some("mise_en_oeuvre");
    let objectives = a.objectifs_operationnels.as_deref().unwrap_or_default();
    ActionEtat {
        id: r.id.clone(),
        numero: a.numero.clone(),
        titre: a.titre.clone().unwrap_or_else(|| r.id.clone()),
        axe: a.axe.clone(),
        statut: names.word(&vocab::STATUT, &a.statut),
        porteur: a.porteur.as_deref().map(|p| names.partner(p)),
        en_retard: !closed && fin.is_some_and(|f| f.last_day() < scope.date),
        sans_nouvelles: in_progress && last.as_ref().is_none_or(|e| e.date.last_day() < year_ago),
        fin,
        dernier_avancement: last,
        objectifs_realises: objectives.iter().filter(|o| o.statut.as_deref() == Some("realisee")).count(),
        objectifs_total: objectives.len(),
    }
}

/// The state of one indicator on `scope`.
pub(crate) fn indicator_state(names: &Names, r: &Record<Indicateur>, scope: Scope) -> IndicateurEtat {
    let i = &r.data;
    let mesures: Vec<Point> = indicators::series(i).into_iter().filter(|p| p.date.first_day() <= scope.date).collect();
    let derniere = mesures.last().copied();
    let valeur_initiale = i.valeur_initiale.as_ref().and_then(|v| Some(Point { date: v.date?, valeur: v.valeur? }));
    let cible = i.cible.as_ref().and_then(|c| c.valeur);
    let echeance = i.cible.as_ref().and_then(|c| c.echeance);
    let initial = i.valeur_initiale.as_ref().and_then(|v| v.valeur);
    let atteinte = match (initial, cible, derniere) {
        (Some(a), Some(b), Some(l)) if (b - a).abs() > f64::EPSILON => Some((l.valeur - a) / (b - a) * 100.0),
        _ => None,
    };
    IndicateurEtat {
        id: r.id.clone(),
        libelle: i.libelle.clone().unwrap_or_else(|| r.id.clone()),
        r#type: names.word(&vocab::TYPE_INDICATEUR, &i.r#type),
        unite: i.unite.clone(),
        valeur_initiale,
        derniere,
        valeur_annee: mesures.iter().rev().find(|p| p.date.year == scope.annee).copied(),
        cible,
        echeance,
        atteinte,
        en_bonne_voie: on_track(valeur_initiale, derniere, cible, echeance),
        mesures,
    }
}

/// Compares the share of the way done (value) with the share of the time elapsed,
/// both from the baseline to the target, dates taken at their first day.
pub fn on_track(
    initial: Option<Point>,
    latest: Option<Point>,
    target: Option<f64>,
    deadline: Option<PartialDate>,
) -> Option<bool> {
    let (initial, latest, target, deadline) = (initial?, latest?, target?, deadline?);
    let span = (target - initial.valeur).abs();
    let duration = (deadline.first_day() - initial.date.first_day()).num_days();
    if span < f64::EPSILON || duration <= 0 {
        return None;
    }
    let done = (latest.valeur - initial.valeur) / (target - initial.valeur);
    let elapsed = (latest.date.first_day() - initial.date.first_day()).num_days() as f64 / duration as f64;
    Some(done + 1e-9 >= elapsed.clamp(0.0, 1.0))
}

/// Events of the year by type (vocabulary order), with participants.
pub(crate) fn events_of_year(names: &Names, repo: &Repository, annee: i32) -> Vec<EvenementsAnnee> {
    let mut by_type: BTreeMap<String, Vec<EvenementResume>> = BTreeMap::new();
    for r in &repo.evenements {
        let Some(date) = r.data.date.filter(|d| d.year == annee) else { continue };
        by_type.entry(r.data.r#type.clone().unwrap_or_default()).or_default().push(EvenementResume {
            id: r.id.clone(),
            date,
            titre: r.data.titre.clone().unwrap_or_else(|| r.id.clone()),
            participants: r.data.participants,
        });
    }
    let mut order: Vec<String> = names.lexicon.all(&vocab::TYPE_EVENEMENT).iter().map(|m| m.mot.to_string()).collect();
    order.push(String::new());
    order
        .into_iter()
        .filter_map(|t| {
            let mut evenements = by_type.remove(&t)?;
            evenements.sort_by_key(|e| (e.date.first_day(), e.id.clone()));
            let r#type = if t.is_empty() {
                Mot::other("", "Autres rendez-vous")
            } else {
                names.lexicon.word(&vocab::TYPE_EVENEMENT, &t)
            };
            Some(EvenementsAnnee {
                r#type,
                nombre: evenements.len(),
                participants: evenements.iter().filter_map(|e| e.participants).sum(),
                evenements,
            })
        })
        .collect()
}

/// Money planned (budget lines) and raised (funding lines), per action and in total.
pub(crate) fn budget(names: &Names, actions: &[&Record<Action>]) -> Budget {
    let mut total = Budget::default();
    for r in actions {
        let a = &r.data;
        let (prevu, acquis, pressenti) = (a.budget_total(), a.funding("acquis"), a.funding("pressenti"));
        if prevu.cents == 0 && acquis.cents == 0 && pressenti.cents == 0 {
            continue;
        }
        total.prevu += prevu.euros();
        total.acquis += acquis.euros();
        total.pressenti += pressenti.euros();
        total.par_action.push(BudgetAction {
            action: names.action(&r.id),
            prevu: prevu.euros(),
            acquis: acquis.euros(),
            pressenti: pressenti.euros(),
        });
    }
    total
}

/// Actions in official order (axis, number, id).
pub fn ordered(repo: &Repository) -> Vec<&Record<Action>> {
    super::site::ordered_actions(repo)
}

/// Builds the progress report. `axe` keeps one axis only.
pub fn report(repo: &Repository, scope: Scope, axe: Option<&str>) -> Report {
    let names = Names::new(repo);
    let actions: Vec<&Record<Action>> =
        ordered(repo).into_iter().filter(|r| axe.is_none_or(|x| r.data.axe.as_deref() == Some(x))).collect();
    let states: Vec<ActionEtat> = actions.iter().map(|r| action_state(&names, r, scope)).collect();
    let cited: Vec<&str> =
        actions.iter().flat_map(|r| r.data.indicateurs.iter().flatten()).map(String::as_str).collect();
    let indicateurs: Vec<IndicateurEtat> = repo
        .indicateurs
        .iter()
        .filter(|r| axe.is_none() || cited.contains(&r.id.as_str()))
        .map(|r| indicator_state(&names, r, scope))
        .collect();
    let axes = repo
        .config
        .axes
        .iter()
        .flatten()
        .filter_map(|x| {
            let id = x.id.clone()?;
            let of_axis: Vec<ActionEtat> =
                states.iter().filter(|s| s.axe.as_deref() == Some(id.as_str())).cloned().collect();
            if axe.is_some() && axe != Some(id.as_str()) {
                return None;
            }
            let members = actions.iter().filter(|r| r.data.axe.as_deref() == Some(id.as_str())).map(|r| &r.data);
            Some(AxeEtat {
                titre: x.titre.clone().unwrap_or_else(|| id.clone()),
                par_statut: super::site::by_statut(&names, members),
                actions: of_axis,
                id,
            })
        })
        .collect();
    let evenements = events_of_year(&names, repo, scope.annee);
    Report {
        produit_par: "clsm",
        titre: repo.config.titre.clone().unwrap_or_default(),
        date: PartialDate::day(scope.date),
        annee: scope.annee,
        par_statut: super::site::by_statut(&names, actions.iter().map(|r| &r.data)),
        en_retard: states.iter().filter(|s| s.en_retard).cloned().collect(),
        sans_nouvelles: states.iter().filter(|s| s.sans_nouvelles).cloned().collect(),
        axes,
        hors_trajectoire: indicateurs.iter().filter(|i| i.en_bonne_voie == Some(false)).cloned().collect(),
        indicateurs,
        reunions: evenements.iter().map(|e| e.nombre).sum(),
        participants: evenements.iter().map(|e| e.participants).sum(),
        evenements,
        budget: budget(&names, &actions),
    }
}

/// A progress entry of the year, for the highlights.
#[derive(Debug, Clone, Serialize)]
pub struct FaitMarquant {
    pub date: PartialDate,
    pub action: Lien,
    pub texte: String,
    pub participants: Option<u64>,
}

/// One action in the annual report: its year's progress and changes of statut.
#[derive(Debug, Clone, Serialize)]
pub struct ActionBilan {
    pub action: Lien,
    pub statut: Option<Mot>,
    pub changements: Vec<Entree>,
    pub entrees: Vec<Entree>,
    pub en_retard: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AxeBilan {
    pub id: String,
    pub titre: String,
    pub actions: Vec<ActionBilan>,
}

/// `clsm bilan`: the annual report for the funders.
#[derive(Debug, Serialize)]
pub struct Bilan {
    /// Marks the JSON as made by clsm (so `--out` may replace it).
    pub produit_par: &'static str,
    pub titre: String,
    pub territoire: Option<String>,
    pub annee: i32,
    pub date: PartialDate,
    pub par_statut: Vec<super::site::Compte>,
    pub actions_engagees: usize,
    pub pistes: usize,
    pub faits_marquants: Vec<FaitMarquant>,
    pub axes: Vec<AxeBilan>,
    /// Indicators with a measure in the year, then the others.
    pub indicateurs: Vec<IndicateurEtat>,
    pub evenements: Vec<EvenementsAnnee>,
    pub reunions: usize,
    pub participants: u64,
    pub budget: Budget,
}

/// Builds the annual report of `scope.annee`.
pub fn bilan(repo: &Repository, scope: Scope) -> Bilan {
    let names = Names::new(repo);
    let actions = ordered(repo);
    let is_piste = |r: &&Record<Action>| r.data.statut.as_deref() == Some("piste");
    let engaged: Vec<&Record<Action>> = actions.iter().copied().filter(|r| !is_piste(r)).collect();
    let mut faits_marquants = Vec::new();
    let mut by_axis: BTreeMap<String, Vec<ActionBilan>> = BTreeMap::new();
    for r in &engaged {
        let state = action_state(&names, r, scope);
        let entrees: Vec<Entree> = r
            .data
            .avancement
            .iter()
            .flatten()
            .filter(|e| e.date.is_some_and(|d| d.year == scope.annee))
            .filter_map(|e| {
                Some(Entree {
                    date: e.date?,
                    texte: e.texte.clone().unwrap_or_default(),
                    statut: names.word(&vocab::STATUT, &e.statut),
                    participants: e.participants,
                })
            })
            .collect();
        for e in &entrees {
            faits_marquants.push(FaitMarquant {
                date: e.date,
                action: names.action(&r.id),
                texte: e.texte.clone(),
                participants: e.participants,
            });
        }
        by_axis.entry(r.data.axe.clone().unwrap_or_default()).or_default().push(ActionBilan {
            action: names.action(&r.id),
            statut: state.statut,
            changements: entrees.iter().filter(|e| e.statut.is_some()).cloned().collect(),
            entrees,
            en_retard: state.en_retard,
        });
    }
    faits_marquants.sort_by_key(|f| f.date.first_day());
    let axes = repo
        .config
        .axes
        .iter()
        .flatten()
        .filter_map(|x| {
            let id = x.id.clone()?;
            Some(AxeBilan { titre: x.titre.clone().unwrap_or_else(|| id.clone()), actions: by_axis.remove(&id)?, id })
        })
        .collect();
    let mut indicateurs: Vec<IndicateurEtat> =
        repo.indicateurs.iter().map(|r| indicator_state(&names, r, scope)).collect();
    indicateurs.sort_by_key(|i| i.valeur_annee.is_none());
    let evenements = events_of_year(&names, repo, scope.annee);
    Bilan {
        produit_par: "clsm",
        titre: repo.config.titre.clone().unwrap_or_default(),
        territoire: repo.config.territoire.clone(),
        annee: scope.annee,
        date: PartialDate::day(scope.date),
        par_statut: super::site::by_statut(&names, actions.iter().map(|r| &r.data)),
        actions_engagees: engaged.len(),
        pistes: actions.len() - engaged.len(),
        faits_marquants,
        axes,
        indicateurs,
        reunions: evenements.iter().map(|e| e.nombre).sum(),
        participants: evenements.iter().map(|e| e.participants).sum(),
        evenements,
        budget: budget(&names, &engaged),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Repository {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rapport");
        crate::load::load(&root).expect("the fixture loads").repo
    }

    fn on(date: &str) -> Scope {
        Scope::on(NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap())
    }

    fn ids(states: &[ActionEtat]) -> Vec<&str> {
        states.iter().map(|s| s.id.as_str()).collect()
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
        let active = r.axes[0].actions.iter().find(|a| a.id == "active").unwrap();
        assert_eq!(active.objectifs_realises, 1);
        assert_eq!(active.objectifs_total, 3);
        let last = active.dernier_avancement.as_ref().unwrap();
        assert_eq!(
            (last.date.to_string().as_str(), last.texte.as_str()),
            ("2026-06-10", "Atelier avec les habitants.")
        );
        // Seen from before the workshop, the last entry is the launch.
        let r = report(&fixture(), on("2026-01-01"), None);
        let active = r.axes[0].actions.iter().find(|a| a.id == "active").unwrap();
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
        let up = r.indicateurs.iter().find(|i| i.id == "ind-hausse").unwrap();
        assert_eq!(up.derniere.map(|p| p.valeur), Some(60.0));
        assert_eq!(up.valeur_annee.map(|p| p.valeur), Some(60.0));
        assert!((up.atteinte.unwrap() - 200.0 / 3.0).abs() < 1e-9);
        // Two thirds of the way while the deadline (2026) has passed: off track.
        assert_eq!(up.en_bonne_voie, Some(false));
        let down = r.indicateurs.iter().find(|i| i.id == "ind-baisse").unwrap();
        assert_eq!(down.derniere.map(|p| p.valeur), Some(30.0));
        assert_eq!(down.valeur_annee, None, "its only measure is from 2025");
        assert_eq!(down.atteinte, Some(50.0));
        // Half of the way down after 700 of 1,461 days: on track.
        assert_eq!(down.en_bonne_voie, Some(true));
        assert_eq!(r.hors_trajectoire.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["ind-hausse"]);
    }

    #[test]
    fn on_track_is_exactly_on_the_line() {
        let p = |d: &str, v: f64| Some(Point { date: PartialDate::parse(d).unwrap(), valeur: v });
        let deadline = PartialDate::parse("2026").ok();
        assert_eq!(on_track(p("2022", 20.0), p("2024", 50.0), Some(80.0), deadline), Some(true));
        assert_eq!(on_track(p("2022", 20.0), p("2024", 49.0), Some(80.0), deadline), Some(false));
        assert_eq!(on_track(p("2022", 20.0), p("2024", 49.0), Some(80.0), None), None);
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
        assert_eq!((b.prevu, b.acquis, b.pressenti), (1730.5, 1000.0, 500.0));
        assert_eq!(b.par_action.len(), 1);
        assert_eq!(&*b.par_action[0].action.id, "active");
    }

    #[test]
    fn one_axis_only() {
        let r = report(&fixture(), on("2026-11-22"), Some("2"));
        assert_eq!(r.axes.len(), 1);
        assert!(r.en_retard.is_empty());
        assert_eq!(r.indicateurs.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["ind-hausse"]);
    }

    #[test]
    fn annual_report_of_a_year() {
        let b = bilan(&fixture(), Scope::year(2026, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()));
        assert_eq!((b.actions_engagees, b.pistes), (3, 1));
        let highlights: Vec<(String, &str)> =
            b.faits_marquants.iter().map(|f| (f.date.to_string(), &*f.action.id)).collect();
        assert_eq!(highlights, [("2026-06-10".to_string(), "active")]);
        let b = bilan(&fixture(), Scope::year(2023, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()));
        let done = b.axes.iter().flat_map(|a| &a.actions).find(|a| &*a.action.id == "faite").unwrap();
        assert_eq!(done.changements.len(), 1);
        assert_eq!(&*done.changements[0].statut.as_ref().unwrap().mot, "realisee");
    }
}
