//! Bar charts of indicators, as geometry for the SVG of `templates/bilan.html`.
//!
//! Each bar carries its value written on it and its label under it; the baseline
//! and the target are drawn differently from the measures (outlined, hatched), so
//! the chart reads without colour. The description is the chart in words, for
//! screen readers and for print in black and white.

use serde::Serialize;

use crate::format;
use crate::views::report::IndicateurEtat;

/// Drawing size, in SVG units.
const HEIGHT: f64 = 200.0;
const TOP: f64 = 24.0;
const BAR: f64 = 56.0;
const GAP: f64 = 28.0;
const LEFT: f64 = 12.0;
/// How many measures at most: the latest ones.
const MAX_MEASURES: usize = 6;

/// One bar.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Barre {
    /// `depart`, `mesure` or `cible`: how it is drawn.
    pub genre: &'static str,
    pub x: f64,
    pub y: f64,
    pub largeur: f64,
    pub hauteur: f64,
    /// Centre of the bar, for its texts, and where its value is written.
    pub milieu: f64,
    pub y_valeur: f64,
    pub valeur: String,
    pub libelle: String,
}

/// A chart, ready for the template.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Graphique {
    pub id: String,
    pub largeur: f64,
    pub hauteur: f64,
    /// The baseline of the bars (y of value 0), and where the labels go under it.
    pub base: f64,
    pub y_libelles: f64,
    pub barres: Vec<Barre>,
    pub description: String,
    /// How to read the bars drawn, and only those: "Barres pleines : les mesures."
    pub legende: String,
}

/// The chart of an indicator: baseline, latest measures, target. `None` when there
/// is nothing to draw or a value is negative (bars start at zero).
pub fn indicator(i: &IndicateurEtat) -> Option<Graphique> {
    let unit = i.unite.as_deref();
    let mut bars: Vec<(&'static str, f64, String)> = Vec::new();
    if let Some(p) = i.valeur_initiale {
        bars.push(("depart", p.valeur, format!("Départ {}", p.date.year)));
    }
    let skip = i.mesures.len().saturating_sub(MAX_MEASURES);
    for p in &i.mesures[skip..] {
        bars.push(("mesure", p.valeur, format::short_date(&p.date)));
    }
    if let Some(c) = i.cible {
        let label = i.echeance.map_or("Cible".to_string(), |e| format!("Cible {}", e.year));
        bars.push(("cible", c, label));
    }
    if !bars.iter().any(|(g, _, _)| *g == "mesure") || bars.iter().any(|(_, v, _)| *v < 0.0 || !v.is_finite()) {
        return None;
    }
    let max = bars.iter().map(|(_, v, _)| *v).fold(0.0_f64, f64::max);
    let scale_max = if unit == Some("pourcentage") { max.max(100.0) } else { max * 1.1 };
    let scale = if scale_max > 0.0 { (HEIGHT - TOP) / scale_max } else { 0.0 };
    let base = HEIGHT;
    let barres: Vec<Barre> = bars
        .iter()
        .enumerate()
        .map(|(n, (genre, value, label))| {
            let x = LEFT + n as f64 * (BAR + GAP);
            let h = (value * scale).max(1.0);
            Barre {
                genre,
                x: round(x),
                y: round(base - h),
                largeur: BAR,
                hauteur: round(h),
                milieu: round(x + BAR / 2.0),
                y_valeur: round(base - h - 6.0),
                valeur: format::value(*value, unit),
                libelle: label.clone(),
            }
        })
        .collect();
    let words: Vec<String> = barres.iter().map(|b| format!("{} : {}", b.libelle, b.valeur)).collect();
    let drawn = |genre: &str| barres.iter().any(|b| b.genre == genre);
    let legend: Vec<&str> = [
        ("depart", "barre encadrée : la valeur de départ"),
        ("mesure", "barres pleines : les mesures"),
        ("cible", "barre hachurée : la cible"),
    ]
    .into_iter()
    .filter(|(genre, _)| drawn(genre))
    .map(|(_, words)| words)
    .collect();
    let legende = format!("{}.", crate::format::capitalized(&legend.join(" ; ")));
    Some(Graphique {
        id: format!("graphique-{}", i.id),
        largeur: round(LEFT * 2.0 + barres.len() as f64 * (BAR + GAP) - GAP),
        hauteur: HEIGHT + 40.0,
        base,
        y_libelles: base + 18.0,
        description: format!("{} — {}.", i.libelle, words.join(" ; ")),
        legende,
        barres,
    })
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PartialDate;
    use crate::views::indicators::Point;

    fn state(initial: Option<f64>, measures: &[(&str, f64)], target: Option<f64>, unit: &str) -> IndicateurEtat {
        let point = |d: &str, v: f64| Point { date: PartialDate::parse(d).unwrap(), valeur: v };
        IndicateurEtat {
            id: "i".into(),
            libelle: "Participants".into(),
            r#type: crate::views::Mot::other("resultat", "Indicateur de résultat"),
            unite: Some(unit.into()),
            valeur_initiale: initial.map(|v| point("2022", v)),
            derniere: None,
            valeur_annee: None,
            cible: target,
            echeance: PartialDate::parse("2026").ok(),
            atteinte: None,
            cible_atteinte: false,
            en_bonne_voie: None,
            mesures: measures.iter().map(|(d, v)| point(d, *v)).collect(),
        }
    }

    #[test]
    fn bars_scale_to_the_highest_value_and_carry_their_values() {
        let chart = indicator(&state(Some(100.0), &[("2024", 200.0)], Some(400.0), "nombre")).unwrap();
        let heights: Vec<f64> = chart.barres.iter().map(|b| b.hauteur).collect();
        // 400 × 1.1 fills the drawing height (176): 100 → 40, 200 → 80, 400 → 160.
        assert_eq!(heights, [40.0, 80.0, 160.0]);
        let kinds: Vec<&str> = chart.barres.iter().map(|b| b.genre).collect();
        assert_eq!(kinds, ["depart", "mesure", "cible"]);
        assert_eq!(
            chart.legende,
            "Barre encadrée : la valeur de départ ; barres pleines : les mesures ; barre hachurée : la cible."
        );
        let measures_only = indicator(&state(None, &[("2019", 5.0), ("2020", 4.0)], None, "nombre")).unwrap();
        assert_eq!(measures_only.legende, "Barres pleines : les mesures.", "only what is drawn");
        assert_eq!(chart.barres[2].valeur, "400");
        assert_eq!(chart.description, "Participants — Départ 2022 : 100 ; 2024 : 200 ; Cible 2026 : 400.");
    }

    #[test]
    fn percentages_are_drawn_on_a_0_to_100_scale() {
        let chart = indicator(&state(None, &[("2025", 50.0)], None, "pourcentage")).unwrap();
        assert_eq!(chart.barres[0].hauteur, 88.0);
        assert_eq!(chart.barres[0].valeur, "50\u{a0}%");
    }

    #[test]
    fn nothing_to_draw_without_a_measure() {
        assert!(indicator(&state(Some(1.0), &[], Some(2.0), "nombre")).is_none());
    }
}
