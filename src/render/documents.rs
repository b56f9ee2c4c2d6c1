//! Single-file documents: the progress report (HTML, Markdown) and the annual
//! report (HTML). They carry their stylesheet inline, so they can be sent by mail or
//! attached to a pull request as they are.

use anyhow::Result;
use serde::Serialize;
use tera::Context;

use crate::render::Renderer;
use crate::render::chart::{self, Graphique};
use crate::views::affiche::Affiche;
use crate::views::bilan::{Annexe, Bilan, Evaluation};
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
    renderer.render(BILAN_PAGE, &bilan_page_context(renderer, bilan, &[]))
}

/// The template of the bilan page: [`bilan_html`], and the site's page of the
/// bilan, all of it or, when its long sections are in `annexes` (see
/// [`crate::views::bilan::annexes`]), the rest of it with a link to each annex
/// where each section was.
pub const BILAN_PAGE: &str = "bilan.html";

/// What the template of the bilan page receives.
pub fn bilan_page_context(renderer: &Renderer, bilan: &Bilan, annexes: &[Annexe]) -> Context {
    let mut cx = context(renderer, &bilan.contrat.titre);
    let view = crate::views::bilan::without_annexed(bilan, annexes);
    let figures: Vec<Figure> = view.indicateurs.iter().map(Figure::of).collect();
    cx.insert("renvois", &view.renvois);
    cx.insert("bilan", &view);
    cx.insert("graphiques", &figures);
    cx.insert("logos", &inline_logos(renderer));
    cx
}

/// The template of one annex page of the bilan page, `annexe.fichier`: its part
/// of the actions, the indicators or the budget, with links to the bilan and to
/// the annexes before and after it.
pub const BILAN_ANNEXE_PAGE: &str = "bilan-annexe.html";

/// What the template of an annex page of the bilan receives (see
/// [`BILAN_ANNEXE_PAGE`]).
pub fn bilan_annexe_context(renderer: &Renderer, bilan: &Bilan, annexes: &[Annexe], annexe: &Annexe) -> Context {
    let part = crate::views::bilan::annex_part(bilan, annexes, annexe);
    let mut cx = context(renderer, &bilan.contrat.titre);
    cx.insert("bilan", &serde_json::json!({ "contrat": &bilan.contrat, "annee": bilan.annee }));
    cx.insert("annexe", annexe);
    cx.insert("bilan_fichier", &format!("bilan-{}.html", bilan.annee));
    let neighbour = |numero: usize| annexes.iter().find(|a| a.numero == numero).map(|a| a.fichier.as_str());
    cx.insert("precedente", &annexe.numero.checked_sub(1).and_then(neighbour));
    cx.insert("suivante", &neighbour(annexe.numero + 1));
    cx.insert("suite", &part.suite);
    cx.insert("axes", &part.axes);
    let figures: Vec<Figure> = part.indicateurs.iter().map(Figure::of).collect();
    cx.insert("graphiques", &figures);
    cx.insert("sans_mesure", &part.sans_mesure);
    cx.insert("sans_mesure_suite", &part.sans_mesure_suite);
    cx.insert("budget", &part.budget);
    cx.insert("a_suivre", &part.a_suivre);
    cx
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
