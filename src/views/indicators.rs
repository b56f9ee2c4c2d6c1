//! Indicator figures, for every document: the series of measures, the latest one,
//! attainment and trajectory. One home for each of these rules.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::checked::Indicateur;
use crate::model::{PartialDate, Sens};

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
pub fn attainment(indicator: &Indicateur, latest: Option<Point>) -> Option<f64> {
    let target = indicator.cible?.valeur;
    let latest = latest?.valeur;
    let (num, den) = match (indicator.valeur_initiale, &indicator.sens) {
        (Some(initial), _) => (latest - initial.valeur, target - initial.valeur),
        (None, Sens::Baisse) => (target, latest),
        (None, _) => (latest, target),
    };
    (den.abs() >= f64::EPSILON && (num / den).is_finite()).then(|| num / den * 100.0)
}

/// Whether `latest` is at or past the target, in the direction that is better.
pub fn target_reached(indicator: &Indicateur, latest: Option<Point>) -> bool {
    let (Some(cible), Some(latest)) = (indicator.cible, latest) else { return false };
    match indicator.sens {
        Sens::Baisse => latest.valeur <= cible.valeur,
        _ => latest.valeur >= cible.valeur,
    }
}

/// Whether `latest` is at least where a straight line from the dated baseline to the
/// target would be on its date: the share of the way done against the share of the
/// time elapsed, dates taken at their first day. `None` without a dated baseline, a
/// deadline or a measure.
pub fn on_track(indicator: &Indicateur, latest: Option<Point>) -> Option<bool> {
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
                    commentaire: None,
                    source: None,
                })
                .collect(),
            corps: String::new(),
            actions: Vec::new(),
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
    fn on_track_is_exactly_on_the_line() {
        let i = indicator((Some("2022"), 20.0), (80.0, Some("2026")), &[]);
        let p = |d: &str, v: f64| Some(Point { date: PartialDate::parse(d).unwrap(), valeur: v });
        assert_eq!(on_track(&i, p("2024", 50.0)), Some(true));
        assert_eq!(on_track(&i, p("2024", 49.0)), Some(false));
        let no_deadline = indicator((Some("2022"), 20.0), (80.0, None), &[]);
        assert_eq!(on_track(&no_deadline, p("2024", 49.0)), None);
    }
}
