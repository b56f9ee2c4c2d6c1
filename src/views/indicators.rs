//! Indicator figures, for every document: the series of measures, the latest one,
//! attainment and trajectory. One home for each of these rules.

use chrono::NaiveDate;
use serde::Serialize;

use crate::views::Text;

use crate::model::checked::{Cumul, Indicateur, Mesure, PartCategorie, Repartition, Repository};
use crate::model::{PartialDate, Sens, Unite};

/// A dated value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub date: PartialDate,
    pub valeur: f64,
}

/// The measures known on `day` (those that began by then), oldest first, stable for
/// equal dates.
pub fn series(indicator: &Indicateur, day: NaiveDate) -> Vec<Point> {
    let mut points: Vec<Point> = indicator
        .mesures
        .iter()
        .filter(|m| m.date.first_day() <= day)
        .map(|m| Point { date: m.date, valeur: m.valeur })
        .collect();
    points.sort_by_key(|p| p.date.first_day());
    points
}

/// The latest measure known on `day`.
pub fn latest(indicator: &Indicateur, day: NaiveDate) -> Option<Point> {
    series(indicator, day).last().copied()
}

/// Where the whole series stands on `day`: the sum of the measures known by then
/// when each counts its own period (`cumul: false`), dated as the latest of them,
/// those of a target's periods only when it has some (from the contract's `start`
/// to the last deadline); otherwise the latest measure.
pub fn total(indicator: &Indicateur, start: Option<PartialDate>, day: NaiveDate) -> Option<Point> {
    let mut points = series(indicator, day);
    if indicator.cumul == Cumul::Periode && !indicator.cibles.is_empty() {
        points.retain(|p| period_of(indicator, start, p.date).is_some());
    }
    let last = *points.last()?;
    Some(match indicator.cumul {
        Cumul::Periode => Point { date: last.date, valeur: points.iter().map(|p| p.valeur).sum() },
        Cumul::Etat | Cumul::Total => last,
    })
}

/// Where an indicator stands against the target of the whole contract on `day`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// The figure compared with the target (see [`total`]).
    pub total: Option<Point>,
    /// Percent of the way to the target (see [`attainment`]).
    pub atteinte: Option<f64>,
    pub cible_atteinte: bool,
}

/// The one rule for an indicator against the target of the whole contract, from
/// the contract's `start`, on `day`. A count that should stay low (`sens: baisse`)
/// and adds up period after period is only judged once its last period is over:
/// before that, its partial sum is below any target.
pub fn standing(indicator: &Indicateur, start: Option<PartialDate>, day: NaiveDate) -> Standing {
    let total = total(indicator, start, day);
    let last_deadline = indicator.cibles.last().and_then(|c| c.echeance);
    let too_soon = indicator.cumul == Cumul::Periode
        && indicator.sens == Sens::Baisse
        && last_deadline.is_some_and(|e| day <= e.last_day());
    if too_soon {
        return Standing { total, atteinte: None, cible_atteinte: false };
    }
    Standing { total, atteinte: attainment(indicator, total), cible_atteinte: target_reached(indicator, total) }
}

/// The figure of year `year` known on `day`: the sum of the year's measures when
/// each counts its own period, otherwise the latest one dated in the year.
pub fn of_year(indicator: &Indicateur, year: i32, day: NaiveDate) -> Option<Point> {
    let points: Vec<Point> = series(indicator, day).into_iter().filter(|p| p.date.year == year).collect();
    let last = *points.last()?;
    Some(match indicator.cumul {
        Cumul::Periode if points.len() > 1 => {
            Point { date: PartialDate::year(year), valeur: points.iter().map(|p| p.valeur).sum() }
        }
        _ => last,
    })
}

/// The dated baseline, when the baseline has a date.
pub fn baseline(indicator: &Indicateur) -> Option<Point> {
    let initial = indicator.valeur_initiale?;
    Some(Point { date: initial.date?, valeur: initial.valeur })
}

/// How far `latest` has gone towards the target, in percent. With a baseline:
/// `(latest − initial) / (target − initial) × 100`, 0 % at the start and 100 % at the
/// target. Without one, as funders read it: `latest / target × 100` (`target /
/// latest × 100` when lower is better). `None` without a target or a measure, or
/// when the ratio has no meaning (a target equal to the baseline, a zero divisor).
///
/// When each measure counts its own period (`cumul: false`), a count starts from
/// zero: the baseline does not apply, and `latest` is the [`total`].
pub fn attainment(indicator: &Indicateur, latest: Option<Point>) -> Option<f64> {
    attainment_of(indicator, latest?.valeur, indicator.cible?.valeur)
}

/// How far `value` has gone towards `target`, in percent, as [`attainment`] says.
fn attainment_of(indicator: &Indicateur, value: f64, target: f64) -> Option<f64> {
    let baseline = indicator.valeur_initiale.filter(|_| indicator.cumul != Cumul::Periode);
    let (num, den) = match (baseline, &indicator.sens) {
        (Some(initial), _) => (value - initial.valeur, target - initial.valeur),
        (None, Sens::Baisse) => (target, value),
        (None, _) => (value, target),
    };
    (den.abs() >= f64::EPSILON && (num / den).is_finite()).then(|| num / den * 100.0)
}

/// Whether `latest` is at or past the target, in the direction that is better.
pub fn target_reached(indicator: &Indicateur, latest: Option<Point>) -> bool {
    let (Some(cible), Some(latest)) = (indicator.cible, latest) else { return false };
    reached(indicator, latest.valeur, cible.valeur)
}

fn reached(indicator: &Indicateur, value: f64, target: f64) -> bool {
    match indicator.sens {
        Sens::Baisse => value <= target,
        _ => value >= target,
    }
}

/// A period of an indicator's targets (`cibles`), and where the indicator stands
/// in it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PeriodeCible {
    /// Its first date: the one after the previous deadline, or the contract's start
    /// for the first period (`None` when the contract has no period).
    pub debut: Option<PartialDate>,
    /// Its deadline: the last date it covers (`None`: a single target without one,
    /// which covers everything).
    pub echeance: Option<PartialDate>,
    pub cible: f64,
    /// Its value on the day: the sum of its measures when each counts its own
    /// period, its latest measure otherwise; `None` before any.
    pub valeur: Option<f64>,
    /// How many measures fall in it.
    pub mesures: usize,
    /// Percent of the way to its target (see [`attainment`]).
    pub atteinte: Option<f64>,
    pub cible_atteinte: bool,
    /// The day falls in it.
    pub en_cours: bool,
}

/// The date just after `date`, at the same precision: after `2024` comes `2025`.
fn after(date: PartialDate) -> PartialDate {
    let next = date.last_day().succ_opt().unwrap_or(NaiveDate::MAX);
    use chrono::Datelike;
    match (date.month, date.day) {
        (None, _) => PartialDate::year(next.year()),
        (Some(_), None) => PartialDate { year: next.year(), month: Some(next.month()), day: None },
        (Some(_), Some(_)) => PartialDate::day(next),
    }
}

/// Which of the indicator's periods `date` falls in: the first whose deadline is
/// not before it. `None` before the contract's `start` and after the last deadline.
pub fn period_of(indicator: &Indicateur, start: Option<PartialDate>, date: PartialDate) -> Option<usize> {
    if start.is_some_and(|s| date.last_day() < s.first_day()) {
        return None;
    }
    indicator.cibles.iter().position(|c| c.echeance.is_none_or(|e| date.last_day() <= e.last_day()))
}

/// The indicator's periods with their targets, from `start` (the contract's
/// start), as they stand on `day`.
pub fn periods(indicator: &Indicateur, start: Option<PartialDate>, day: NaiveDate) -> Vec<PeriodeCible> {
    let points = series(indicator, day);
    let mut debut = start;
    let mut out = Vec::with_capacity(indicator.cibles.len());
    for (k, cible) in indicator.cibles.iter().enumerate() {
        let inside: Vec<f64> =
            points.iter().filter(|p| period_of(indicator, start, p.date) == Some(k)).map(|p| p.valeur).collect();
        let valeur = match indicator.cumul {
            _ if inside.is_empty() => None,
            Cumul::Periode => Some(inside.iter().sum()),
            Cumul::Etat | Cumul::Total => inside.last().copied(),
        };
        let began = debut.is_none_or(|d| d.first_day() <= day);
        out.push(PeriodeCible {
            debut,
            echeance: cible.echeance,
            cible: cible.valeur,
            valeur,
            mesures: inside.len(),
            atteinte: valeur.and_then(|v| attainment_of(indicator, v, cible.valeur)),
            cible_atteinte: valeur.is_some_and(|v| reached(indicator, v, cible.valeur)),
            en_cours: began && cible.echeance.is_none_or(|e| day <= e.last_day()),
        });
        debut = cible.echeance.map(after);
    }
    out
}

/// One category of a breakdown, as documents show it.
#[derive(Debug, Clone, Serialize)]
pub struct CategorieVue {
    pub id: Text,
    pub libelle: Text,
    pub valeur: f64,
    /// Its share of the measure, in percent, for a count (not for a percentage,
    /// whose categories are rates of their own).
    pub part: Option<f64>,
}

/// A measure broken down by one dimension.
#[derive(Debug, Clone, Serialize)]
pub struct VentilationVue {
    /// The dimension's id and title.
    pub dimension: Text,
    pub titre: Text,
    pub date: PartialDate,
    pub categories: Vec<CategorieVue>,
}

/// The breakdowns of `measure`, with the labels of `repo`'s dimensions.
pub fn breakdowns(repo: &Repository, indicator: &Indicateur, measure: &Mesure) -> Vec<VentilationVue> {
    let count = indicator.unite != Some(Unite::Pourcentage);
    measure
        .ventilation
        .iter()
        .filter_map(|r| {
            let dimension = repo.dimension(&r.dimension)?;
            let label = |id: &Text| dimension.categories.iter().find(|(c, _)| c == id).map(|(_, l)| l.clone());
            let categories = r
                .parts
                .iter()
                .map(|p| CategorieVue {
                    id: p.categorie.clone(),
                    libelle: label(&p.categorie).unwrap_or_else(|| p.categorie.clone()),
                    valeur: p.valeur,
                    part: (count && measure.valeur.abs() >= f64::EPSILON).then(|| p.valeur / measure.valeur * 100.0),
                })
                .collect();
            Some(VentilationVue {
                dimension: dimension.id.clone(),
                titre: dimension.titre.clone(),
                date: measure.date,
                categories,
            })
        })
        .collect()
}

/// The latest measure known on `day` that is broken down, and its breakdowns;
/// with `year`, the breakdowns of that year: when each measure counts its own
/// period, the sum of the year's measures, for each dimension that every one of
/// them breaks down; otherwise the latest measure of the year.
pub fn latest_breakdowns(
    repo: &Repository,
    indicator: &Indicateur,
    day: NaiveDate,
    year: Option<i32>,
) -> Vec<VentilationVue> {
    let known = |m: &&Mesure| m.date.first_day() <= day && year.is_none_or(|y| m.date.year == y);
    if let (Some(year), Cumul::Periode) = (year, indicator.cumul) {
        let measures: Vec<&Mesure> = indicator.mesures.iter().filter(known).collect();
        if measures.len() > 1 {
            return year_breakdowns(repo, indicator, year, &measures);
        }
    }
    let broken_down = indicator.mesures.iter().filter(|m| !m.ventilation.is_empty());
    let measure = broken_down.filter(known).max_by_key(|m| m.date.first_day());
    measure.map(|m| breakdowns(repo, indicator, m)).unwrap_or_default()
}

/// The breakdowns of a year's `measures` added up: for each dimension that every
/// measure breaks down, each category's sum.
fn year_breakdowns(repo: &Repository, indicator: &Indicateur, year: i32, measures: &[&Mesure]) -> Vec<VentilationVue> {
    let Some(first) = measures.first() else { return Vec::new() };
    let shared = |d: &Text| measures.iter().all(|m| m.ventilation.iter().any(|r| &r.dimension == d));
    let mut summed: Vec<Repartition> = Vec::new();
    for dimension in first.ventilation.iter().map(|r| &r.dimension).filter(|d| shared(d)) {
        let mut sums: Vec<PartCategorie> = Vec::new();
        let parts = measures.iter().flat_map(|m| &m.ventilation).filter(|r| &r.dimension == dimension);
        for part in parts.flat_map(|r| &r.parts) {
            match sums.iter_mut().find(|s| s.categorie == part.categorie) {
                Some(sum) => sum.valeur += part.valeur,
                None => sums.push(PartCategorie { numerateur: None, denominateur: None, ..part.clone() }),
            }
        }
        if let Some(declared) = repo.dimension(dimension) {
            sums.sort_by_key(|s| declared.categories.iter().position(|(c, _)| *c == s.categorie));
        }
        summed.push(Repartition { dimension: dimension.clone(), parts: sums });
    }
    let year_total = Mesure {
        date: PartialDate::year(year),
        valeur: measures.iter().map(|m| m.valeur).sum(),
        numerateur: None,
        denominateur: None,
        ventilation: summed,
        commentaire: None,
        source: None,
    };
    breakdowns(repo, indicator, &year_total)
}

/// Whether `latest` is at least where a straight line from the dated baseline to the
/// target would be on its date: the share of the way done against the share of the
/// time elapsed, dates taken at their first day. `None` without a dated baseline, a
/// deadline or a measure.
pub fn on_track(indicator: &Indicateur, latest: Option<Point>) -> Option<bool> {
    if indicator.cumul == Cumul::Periode {
        return None;
    }
    let (initial, latest) = (baseline(indicator)?, latest?);
    let cible = indicator.cible?;
    let (target, deadline) = (cible.valeur, cible.echeance?);
    let span = (target - initial.valeur).abs();
    let duration = (deadline.first_day() - initial.date.first_day()).num_days();
    if span < f64::EPSILON || duration <= 0 {
        return None;
    }
    let done = (latest.valeur - initial.valeur) / (target - initial.valeur);
    let elapsed = (latest.date.first_day() - initial.date.first_day()).num_days() as f64 / duration as f64;
    Some(done + 1e-9 >= elapsed.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::checked::{Cible, Mesure, ValeurInitiale};
    use crate::model::{TypeIndicateur, Unite};

    fn indicator(initial: (Option<&str>, f64), target: (f64, Option<&str>), measures: &[(&str, f64)]) -> Indicateur {
        with_baseline(Some(initial), target, measures)
    }

    fn with_baseline(
        initial: Option<(Option<&str>, f64)>,
        target: (f64, Option<&str>),
        measures: &[(&str, f64)],
    ) -> Indicateur {
        let date = |d: &str| PartialDate::parse(d).unwrap();
        Indicateur {
            id: "i".into(),
            libelle: "I".into(),
            r#type: TypeIndicateur::Resultat,
            unite: Some(Unite::Nombre),
            sens: Sens::Hausse,
            valeur_initiale: initial.map(|(d, v)| ValeurInitiale { date: d.map(date), valeur: v }),
            cible: Some(Cible { valeur: target.0, echeance: target.1.map(date) }),
            cibles: vec![Cible { valeur: target.0, echeance: target.1.map(date) }],
            cumul: Cumul::Etat,
            ventilation: Vec::new(),
            numerateur: None,
            denominateur: None,
            sources: Vec::new(),
            frequence: None,
            mesures: measures
                .iter()
                .map(|(d, v)| Mesure {
                    date: date(d),
                    valeur: *v,
                    numerateur: None,
                    denominateur: None,
                    ventilation: Vec::new(),
                    commentaire: None,
                    source: None,
                })
                .collect(),
            corps: String::new(),
            actions: Vec::new(),
        }
    }

    /// An indicator with a target per period (`cibles`), read as `cumul` says.
    fn by_period(cumul: Cumul, targets: &[(&str, f64)], measures: &[(&str, f64)]) -> Indicateur {
        let date = |d: &str| PartialDate::parse(d).unwrap();
        let cibles: Vec<Cible> = targets.iter().map(|(d, v)| Cible { valeur: *v, echeance: Some(date(d)) }).collect();
        let last = *cibles.last().unwrap();
        let whole = match cumul {
            Cumul::Periode => Cible { valeur: cibles.iter().map(|c| c.valeur).sum(), ..last },
            _ => last,
        };
        Indicateur {
            cible: Some(whole),
            cibles,
            cumul,
            valeur_initiale: None,
            ..with_baseline(None, (0.0, None), measures)
        }
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn attainment_measures_progress_from_baseline_to_target() {
        let i = indicator((None, 10.0), (30.0, None), &[("2024", 15.0), ("2025", 25.0)]);
        assert_eq!(attainment(&i, latest(&i, day("2026-01-01"))), Some(75.0));
        let down = indicator((None, 40.0), (20.0, None), &[("2025", 35.0)]);
        assert_eq!(attainment(&down, latest(&down, day("2026-01-01"))), Some(25.0));
        let flat = indicator((None, 10.0), (10.0, None), &[("2025", 12.0)]);
        assert_eq!(attainment(&flat, latest(&flat, day("2026-01-01"))), None);
    }

    #[test]
    fn attainment_without_baseline_is_the_share_of_the_target() {
        let at = |i: &Indicateur| attainment(i, latest(i, day("2026-01-01")));
        let i = with_baseline(None, (150.0, None), &[("2025", 131.0)]);
        assert!((at(&i).unwrap() - 131.0 / 150.0 * 100.0).abs() < 1e-9);
        assert!(!target_reached(&i, latest(&i, day("2026-01-01"))));
        let pct = with_baseline(None, (80.0, None), &[("2025", 85.4)]);
        assert!((at(&pct).unwrap() - 106.75).abs() < 1e-9);
        assert!(target_reached(&pct, latest(&pct, day("2026-01-01"))), "85.4 % against 80 %: reached");
        let mut down = with_baseline(None, (10.0, None), &[("2025", 20.0)]);
        down.sens = Sens::Baisse;
        assert_eq!(at(&down), Some(50.0));
        assert!(!target_reached(&down, latest(&down, day("2026-01-01"))));
        let zero = with_baseline(None, (0.0, None), &[("2025", 3.0)]);
        assert_eq!(at(&zero), None, "no share of a target of zero");
        let none = with_baseline(None, (150.0, None), &[]);
        assert_eq!(at(&none), None);
    }

    #[test]
    fn latest_is_the_most_recent_date_known_on_the_day() {
        let i = indicator((None, 0.0), (10.0, None), &[("2025", 8.0), ("2024-06", 3.0)]);
        assert_eq!(latest(&i, day("2026-01-01")).map(|p| p.valeur), Some(8.0));
        assert_eq!(latest(&i, day("2024-12-31")).map(|p| p.valeur), Some(3.0));
    }

    #[test]
    fn counts_per_period_add_up_in_their_period_and_over_the_contract() {
        let i = by_period(
            Cumul::Periode,
            &[("2024", 100.0), ("2026", 300.0)],
            &[("2024", 120.0), ("2025", 80.0), ("2026", 150.0)],
        );
        let on = day("2026-12-31");
        let periods = periods(&i, PartialDate::parse("2022").ok(), on);
        let shape: Vec<_> =
            periods.iter().map(|p| (p.debut.map(|d| d.to_string()), p.valeur, p.mesures, p.cible_atteinte)).collect();
        assert_eq!(
            shape,
            [(Some("2022".to_string()), Some(120.0), 1, true), (Some("2025".to_string()), Some(230.0), 2, false)]
        );
        assert_eq!(periods[0].atteinte, Some(120.0));
        assert!((periods[1].atteinte.unwrap() - 230.0 / 300.0 * 100.0).abs() < 1e-9);
        // The contract: the sum of the measures against the sum of the targets.
        assert_eq!(total(&i, None, on).map(|p| p.valeur), Some(350.0));
        assert_eq!(i.cible.map(|c| c.valeur), Some(400.0));
        assert_eq!(attainment(&i, total(&i, None, on)), Some(87.5));
        assert!(!target_reached(&i, total(&i, None, on)));
        assert_eq!(on_track(&i, latest(&i, on)), None, "no straight line for counts per period");
    }

    #[test]
    fn a_running_total_takes_the_latest_value_of_each_period() {
        let i = by_period(
            Cumul::Total,
            &[("2024", 100.0), ("2026", 300.0)],
            &[("2024", 120.0), ("2025", 200.0), ("2026", 280.0)],
        );
        let on = day("2026-12-31");
        let values: Vec<Option<f64>> = periods(&i, None, on).iter().map(|p| p.valeur).collect();
        assert_eq!(values, [Some(120.0), Some(280.0)]);
        assert_eq!(total(&i, None, on).map(|p| p.valeur), Some(280.0));
        assert_eq!(i.cible.map(|c| c.valeur), Some(300.0));
        let attained = attainment(&i, total(&i, None, on)).unwrap();
        assert!((attained - 280.0 / 300.0 * 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_measure_falls_in_the_first_period_whose_deadline_it_does_not_pass() {
        let i = by_period(Cumul::Periode, &[("2024", 100.0), ("2026-06", 300.0)], &[]);
        let of = |d: &str| period_of(&i, None, PartialDate::parse(d).unwrap());
        assert_eq!(of("2023"), Some(0));
        assert_eq!(of("2024-06"), Some(0));
        assert_eq!(of("2024"), Some(0));
        assert_eq!(of("2025"), Some(1));
        assert_eq!(of("2026-06-30"), Some(1));
        assert_eq!(of("2026"), None, "the year 2026 runs past June");
        assert_eq!(of("2027"), None);
        // Its second period starts the year after the first deadline; on a day of 2025
        // it is the one in progress, and nothing is measured in it yet.
        let periods = periods(&i, None, day("2025-03-01"));
        assert_eq!(periods[1].debut.map(|d| d.to_string()).as_deref(), Some("2025"));
        assert_eq!((periods[0].en_cours, periods[1].en_cours), (false, true));
        assert_eq!(periods[1].valeur, None);
    }

    #[test]
    fn a_year_of_counts_is_the_sum_of_its_measures() {
        let i = by_period(Cumul::Periode, &[("2026", 100.0)], &[("2025-03", 10.0), ("2025-09", 15.0), ("2024", 4.0)]);
        let year = of_year(&i, 2025, day("2026-01-01")).unwrap();
        assert_eq!((year.date.to_string(), year.valeur), ("2025".to_string(), 25.0));
        assert_eq!(of_year(&i, 2025, day("2025-06-30")).map(|p| p.valeur), Some(10.0), "only what is known by then");
        let state = Indicateur {
            cumul: Cumul::Etat,
            ..by_period(Cumul::Etat, &[("2026", 100.0)], &[("2025-03", 10.0), ("2025-09", 15.0)])
        };
        assert_eq!(of_year(&state, 2025, day("2026-01-01")).map(|p| p.valeur), Some(15.0));
    }

    #[test]
    fn a_count_that_should_stay_low_is_judged_when_its_last_period_is_over() {
        let mut i = by_period(Cumul::Periode, &[("2027", 50.0), ("2030", 150.0)], &[("2026", 60.0)]);
        i.sens = Sens::Baisse;
        let during = standing(&i, None, day("2026-12-31"));
        assert_eq!((during.atteinte, during.cible_atteinte), (None, false), "60 of a ceiling of 200: too soon to say");
        let periods = periods(&i, None, day("2026-12-31"));
        assert!(!periods[0].cible_atteinte, "60 over the period's ceiling of 50");
        let after = standing(&i, None, day("2031-01-01"));
        assert!(after.cible_atteinte && after.atteinte.is_some(), "60 against 200 once the contract is over");
    }

    #[test]
    fn measures_outside_the_periods_count_in_none() {
        let i = by_period(
            Cumul::Periode,
            &[("2026-06", 10.0), ("2028", 100.0)],
            &[("2020", 500.0), ("2026-03", 5.0), ("2027", 20.0), ("2029", 70.0)],
        );
        let start = PartialDate::parse("2026").ok();
        let on = day("2031-12-31");
        assert_eq!(period_of(&i, start, PartialDate::parse("2020").unwrap()), None, "before the contract");
        assert_eq!(period_of(&i, start, PartialDate::parse("2029").unwrap()), None, "after the last deadline");
        assert_eq!(total(&i, start, on).map(|p| p.valeur), Some(25.0));
        let values: Vec<Option<f64>> = periods(&i, start, on).iter().map(|p| p.valeur).collect();
        assert_eq!(values, [Some(5.0), Some(20.0)]);
    }

    #[test]
    fn counts_per_period_start_from_zero_whatever_the_baseline() {
        let mut i = by_period(Cumul::Periode, &[("2026", 100.0)], &[("2025", 30.0)]);
        i.valeur_initiale = Some(ValeurInitiale { date: None, valeur: 50.0 });
        assert_eq!(attainment(&i, total(&i, None, day("2026-01-01"))), Some(30.0));
    }

    #[test]
    fn on_track_is_exactly_on_the_line() {
        let i = indicator((Some("2022"), 20.0), (80.0, Some("2026")), &[]);
        let p = |d: &str, v: f64| Some(Point { date: PartialDate::parse(d).unwrap(), valeur: v });
        assert_eq!(on_track(&i, p("2024", 50.0)), Some(true));
        assert_eq!(on_track(&i, p("2024", 49.0)), Some(false));
        let no_deadline = indicator((Some("2022"), 20.0), (80.0, None), &[]);
        assert_eq!(on_track(&no_deadline, p("2024", 49.0)), None);
    }
}
