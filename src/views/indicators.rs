//! Indicator figures: the value of a measure, the latest one, attainment.

use serde::Serialize;

use crate::model::{Indicateur, Mesure, PartialDate};

/// A measure's value: the one written, or the one its ratio gives.
pub fn measure_value(indicator: &Indicateur, mesure: &Mesure) -> Option<f64> {
    if let Some(v) = mesure.valeur {
        return Some(v);
    }
    match (mesure.numerateur, mesure.denominateur) {
        (Some(n), Some(d)) if d != 0.0 => {
            let ratio = n / d;
            Some(if indicator.unite.as_deref() == Some("pourcentage") { ratio * 100.0 } else { ratio })
        }
        _ => None,
    }
}

/// A dated value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub date: PartialDate,
    pub valeur: f64,
}

/// The measures that have a date and a value, oldest first (stable for equal dates).
pub fn series(indicator: &Indicateur) -> Vec<Point> {
    let mut points: Vec<Point> = indicator
        .mesures
        .iter()
        .flatten()
        .filter_map(|m| Some(Point { date: m.date?, valeur: measure_value(indicator, m)? }))
        .collect();
    points.sort_by_key(|p| p.date.first_day());
    points
}

/// The latest measure.
pub fn latest(indicator: &Indicateur) -> Option<Point> {
    series(indicator).last().copied()
}

/// How far the latest value has gone from the baseline towards the target, in percent:
/// `(latest − initial) / (target − initial) × 100`. `None` unless there is a baseline,
/// a target different from it, and a measure.
pub fn attainment(indicator: &Indicateur) -> Option<f64> {
    let initial = indicator.valeur_initiale.as_ref()?.valeur?;
    let target = indicator.cible.as_ref()?.valeur?;
    let latest = latest(indicator)?.valeur;
    if (target - initial).abs() < f64::EPSILON {
        return None;
    }
    Some((latest - initial) / (target - initial) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cible, ValeurInitiale};

    fn indicator(unite: &str, initial: f64, target: f64, measures: &[(&str, f64)]) -> Indicateur {
        Indicateur {
            unite: Some(unite.into()),
            valeur_initiale: Some(ValeurInitiale { date: None, valeur: Some(initial) }),
            cible: Some(Cible { valeur: Some(target), echeance: None }),
            mesures: Some(
                measures
                    .iter()
                    .map(|(d, v)| Mesure { date: PartialDate::parse(d).ok(), valeur: Some(*v), ..Mesure::default() })
                    .collect(),
            ),
            ..Indicateur::default()
        }
    }

    #[test]
    fn attainment_measures_progress_from_baseline_to_target() {
        let i = indicator("nombre", 10.0, 30.0, &[("2024", 15.0), ("2025", 25.0)]);
        assert_eq!(attainment(&i), Some(75.0));
    }

    #[test]
    fn attainment_works_for_indicators_that_should_fall() {
        let i = indicator("pourcentage", 40.0, 20.0, &[("2025", 35.0)]);
        assert_eq!(attainment(&i), Some(25.0));
    }

    #[test]
    fn no_attainment_without_baseline_or_when_target_equals_it() {
        let mut i = indicator("nombre", 10.0, 10.0, &[("2025", 12.0)]);
        assert_eq!(attainment(&i), None);
        i.valeur_initiale = None;
        assert_eq!(attainment(&i), None);
    }

    #[test]
    fn latest_is_the_most_recent_date_not_the_last_line() {
        let i = indicator("nombre", 0.0, 10.0, &[("2025", 8.0), ("2024-06", 3.0)]);
        assert_eq!(latest(&i).map(|p| p.valeur), Some(8.0));
    }

    #[test]
    fn computes_percentages_from_ratios() {
        let i = Indicateur { unite: Some("pourcentage".into()), ..Indicateur::default() };
        let m = Mesure { numerateur: Some(9.0), denominateur: Some(20.0), ..Mesure::default() };
        assert_eq!(measure_value(&i, &m), Some(45.0));
        let m = Mesure { numerateur: Some(9.0), denominateur: Some(0.0), ..Mesure::default() };
        assert_eq!(measure_value(&i, &m), None);
    }
}
