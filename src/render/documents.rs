//! Single-file documents: the progress report (HTML, Markdown) and the annual
//! report (HTML). They carry their stylesheet inline, so they can be sent by mail or
//! attached to a pull request as they are.

use anyhow::Result;
use serde::Serialize;
use tera::Context;

use crate::render::Renderer;
use crate::render::chart::{self, Graphique};
use crate::views::affiche::Affiche;
use crate::views::bilan::{Bilan, Evaluation};
use crate::views::report::{IndicateurEtat, Report};

fn context(renderer: &Renderer, titre: &str) -> Context {
    let mut cx = Context::new();
    cx.insert("titre", titre);
    cx.insert("css", &renderer.stylesheet);
    cx
}

/// The progress report as a standalone HTML page.
pub fn report_html(renderer: &Renderer, report: &Report) -> Result<String> {
    let mut cx = context(renderer, &report.titre);
    cx.insert("rapport", report);
    renderer.render("rapport.html", &cx)
}

/// The progress report in Markdown, for a pull-request comment or a wiki.
pub fn report_markdown(renderer: &Renderer, report: &Report) -> Result<String> {
    let mut cx = Context::new();
    cx.insert("rapport", report);
    renderer.render("rapport.md", &cx)
}

/// An indicator, its chart and its breakdowns.
#[derive(Serialize)]
struct Figure<'a> {
    indicateur: &'a IndicateurEtat,
    graphique: Option<Graphique>,
    ventilations: Vec<chart::FigureVentilation<'a>>,
}

impl<'a> Figure<'a> {
    fn of(i: &'a IndicateurEtat) -> Self {
        let ventilations = chart::breakdowns(&i.id, &i.libelle, i.unite.as_deref(), &i.ventilation);
        Figure { indicateur: i, graphique: chart::indicator(i), ventilations }
    }
}

/// The logos of `assets/` as `data:` addresses: a standalone page carries its images.
fn inline_logos(renderer: &Renderer) -> Vec<String> {
    use base64::Engine;
    renderer
        .images
        .iter()
        .map(|i| {
            let kind = match i.name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).as_deref() {
                Some("svg") => "svg+xml",
                Some("jpg" | "jpeg") => "jpeg",
                Some("gif") => "gif",
                _ => "png",
            };
            format!("data:image/{kind};base64,{}", base64::engine::general_purpose::STANDARD.encode(&i.bytes))
        })
        .collect()
}

/// The annual report as a standalone HTML page with its charts.
pub fn bilan_html(renderer: &Renderer, bilan: &Bilan) -> Result<String> {
    let mut cx = context(renderer, &bilan.contrat.titre);
    cx.insert("bilan", bilan);
    let figures: Vec<Figure> = bilan.indicateurs.iter().map(Figure::of).collect();
    cx.insert("graphiques", &figures);
    cx.insert("logos", &inline_logos(renderer));
    renderer.render("bilan.html", &cx)
}

/// The end-of-contract evaluation as a standalone HTML page with its charts.
pub fn evaluation_html(renderer: &Renderer, evaluation: &Evaluation) -> Result<String> {
    let mut cx = context(renderer, &evaluation.contrat.titre);
    cx.insert("evaluation", evaluation);
    let figures: Vec<Figure> = evaluation.indicateurs.iter().map(|s| Figure::of(&s.indicateur)).collect();
    cx.insert("graphiques", &figures);
    cx.insert("logos", &inline_logos(renderer));
    renderer.render("evaluation.html", &cx)
}

/// The "Avancée des projets" poster as a standalone HTML page.
pub fn affiche_html(renderer: &Renderer, affiche: &Affiche) -> Result<String> {
    let mut cx = context(renderer, &affiche.contrat.titre);
    cx.insert("affiche", affiche);
    cx.insert("logos", &inline_logos(renderer));
    renderer.render("affiche.html", &cx)
}
