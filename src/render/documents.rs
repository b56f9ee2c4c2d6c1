//! Single-file documents: the progress report (HTML, Markdown) and the annual
//! report (HTML). They carry their stylesheet inline, so they can be sent by mail or
//! attached to a pull request as they are.

use anyhow::Result;
use serde::Serialize;
use tera::Context;

use crate::render::Renderer;
use crate::render::chart::{self, Graphique};
use crate::views::report::{Bilan, IndicateurEtat, Report};

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

/// An indicator and its chart.
#[derive(Serialize)]
struct Figure<'a> {
    indicateur: &'a IndicateurEtat,
    graphique: Option<Graphique>,
}

/// The annual report as a standalone HTML page with its charts.
pub fn bilan_html(renderer: &Renderer, bilan: &Bilan) -> Result<String> {
    let mut cx = context(renderer, &bilan.titre);
    cx.insert("bilan", bilan);
    let figures: Vec<Figure> =
        bilan.indicateurs.iter().map(|i| Figure { indicateur: i, graphique: chart::indicator(i) }).collect();
    cx.insert("graphiques", &figures);
    renderer.render("bilan.html", &cx)
}
