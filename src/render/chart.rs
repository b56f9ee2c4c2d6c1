//! Bar charts of indicators, as geometry for the SVG of `templates/bilan.html`.
//!
//! Each bar carries its value written on it and its label under it; the baseline
//! and the target are drawn differently from the measures (outlined, hatched), so
//! the chart reads without colour. The description is the chart in words, for
//! screen readers and for print in black and white.

use serde::Serialize;

use crate::format;
use crate::views::indicators::{CategorieVue, VentilationVue};
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

/// The chart of an indicator: baseline, latest measures, target; or, for an
/// indicator with a target per period, each period's figure beside its target.
/// `None` when there is nothing to draw or a value is negative (bars start at zero).
pub fn indicator(i: &IndicateurEtat) -> Option<Graphique> {
    let mut bars: Vec<(&'static str, f64, String)> = Vec::new();
    // How the description names each bar, when it says more than its label.
    let mut words: Vec<String> = Vec::new();
    if i.periodes.is_empty() {
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
    } else {
        for p in &i.periodes {
            let span = match (p.debut, p.echeance) {
                (Some(d), Some(e)) if d.year != e.year => format!("{}–{}", d.year, e.year),
                (_, Some(e)) => e.year.to_string(),
                (_, None) => "Contrat".to_string(),
            };
            // Each period's target beside its figure: its label says which, the
            // description says it in full.
            if let Some(v) = p.valeur {
                bars.push(("mesure", v, span.clone()));
                words.push(span.clone());
                bars.push(("cible", p.cible, "cible".to_string()));
            } else {
                bars.push(("cible", p.cible, format!("cible {span}")));
            }
            words.push(format!("cible {span}"));
        }
    }
    if !bars.iter().any(|(g, _, _)| *g == "mesure") || bars.iter().any(|(_, v, _)| *v < 0.0 || !v.is_finite()) {
        return None;
    }
    draw(i, &bars, &words)
}

/// Lays out `bars` (how each is drawn, its value, its label) for indicator `i`,
/// the description naming them as `words` does, when given, or by their labels.
fn draw(i: &IndicateurEtat, bars: &[(&'static str, f64, String)], words: &[String]) -> Option<Graphique> {
    let unit = i.unite.as_deref();
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
    let words: Vec<String> = barres
        .iter()
        .enumerate()
        .map(|(n, b)| format!("{} : {}", words.get(n).unwrap_or(&b.libelle), b.valeur))
        .collect();
    let drawn = |genre: &str| barres.iter().any(|b| b.genre == genre);
    let by_period = !i.periodes.is_empty();
    let legend: Vec<&str> = [
        ("depart", "barre encadrée : la valeur de départ"),
        (
            "mesure",
            if by_period {
                "barres pleines : ce qui a été mesuré dans chaque période"
            } else {
                "barres pleines : les mesures"
            },
        ),
        (
            "cible",
            if by_period { "barres hachurées : la cible de chaque période" } else { "barre hachurée : la cible" },
        ),
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

/// One row of a breakdown's chart: a category, its bar and its value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Ligne {
    pub y: f64,
    /// Where the texts of the row sit (their baseline).
    pub y_texte: f64,
    pub largeur: f64,
    /// Where the value is written, after the bar.
    pub x_valeur: f64,
    pub libelle: String,
    pub valeur: String,
}

/// A breakdown's chart: a horizontal bar per category, in the dimension's order.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GraphiqueVentilation {
    pub id: String,
    pub titre: String,
    pub largeur: f64,
    pub hauteur: f64,
    /// Where the bars start, and where the labels end, just before.
    pub x_barres: f64,
    pub x_libelles: f64,
    pub lignes: Vec<Ligne>,
    /// The chart in words, for screen readers and print in black and white.
    pub description: String,
}

/// Size of a breakdown's chart, in SVG units.
const ROW: f64 = 26.0;
const ROW_BAR: f64 = 16.0;
const ROW_WIDTH: f64 = 260.0;
/// About the width of a character of the labels, at their size.
const CHAR: f64 = 6.6;

/// The chart of the breakdown `v` of indicator `id` (`libelle`), values in `unit`.
/// `None` when a value is negative or not a number.
pub fn breakdown(
    id: &str,
    k: usize,
    libelle: &str,
    v: &VentilationVue,
    unit: Option<&str>,
) -> Option<GraphiqueVentilation> {
    if v.categories.is_empty() || v.categories.iter().any(|c| c.valeur < 0.0 || !c.valeur.is_finite()) {
        return None;
    }
    let max = v.categories.iter().map(|c| c.valeur).fold(0.0_f64, f64::max);
    let scale_max = if unit == Some("pourcentage") { max.max(100.0) } else { max };
    let scale = if scale_max > 0.0 { ROW_WIDTH / scale_max } else { 0.0 };
    let longest = v.categories.iter().map(|c| c.libelle.chars().count()).max().unwrap_or(0);
    let x_barres = round(longest as f64 * CHAR + 12.0);
    let written = |c: &CategorieVue| {
        let value = format::value(c.valeur, unit);
        match c.part {
            Some(part) => format!("{value} ({})", format::percent(part)),
            None => value,
        }
    };
    let lignes: Vec<Ligne> = v
        .categories
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let y = 4.0 + n as f64 * ROW;
            let largeur = round((c.valeur * scale).max(1.0));
            Ligne {
                y: round(y),
                y_texte: round(y + ROW_BAR - 3.0),
                largeur,
                x_valeur: round(x_barres + largeur + 6.0),
                libelle: c.libelle.to_string(),
                valeur: written(c),
            }
        })
        .collect();
    let words: Vec<String> = lignes.iter().map(|l| format!("{} : {}", l.libelle, l.valeur)).collect();
    Some(GraphiqueVentilation {
        // The dimension by its rank: an id cannot end in `-` and digits of another.
        id: format!("ventilation-{id}-{k}"),
        titre: format!("{} : {libelle}", v.titre),
        largeur: round(x_barres + ROW_WIDTH + 110.0),
        hauteur: round(8.0 + lignes.len() as f64 * ROW),
        x_barres,
        x_libelles: round(x_barres - 6.0),
        description: format!("{} ({}) — {}.", libelle, format::date(&v.date), words.join(" ; ")),
        lignes,
    })
}

/// A breakdown as a page shows it: a table, and its chart when it has one.
#[derive(Debug, Clone, Serialize)]
pub struct FigureVentilation<'a> {
    /// Unique in the page, for the table's caption.
    pub id: String,
    pub ventilation: &'a VentilationVue,
    pub graphique: Option<GraphiqueVentilation>,
}

/// The breakdowns of indicator `id` (`libelle`, values in `unit`), ready for
/// `templates/ventilation.html`.
pub fn breakdowns<'a>(
    id: &str,
    libelle: &str,
    unit: Option<&str>,
    list: &'a [VentilationVue],
) -> Vec<FigureVentilation<'a>> {
    list.iter()
        .enumerate()
        .map(|(k, v)| FigureVentilation {
            id: format!("tableau-ventilation-{id}-{k}"),
            ventilation: v,
            graphique: breakdown(id, k, libelle, v, unit),
        })
        .collect()
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
            cumul: crate::model::checked::Cumul::Etat,
            total: None,
            periodes: Vec::new(),
            ventilation: Vec::new(),
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
