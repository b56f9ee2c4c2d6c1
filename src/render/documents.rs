//! Single-file documents: the progress report (HTML, Markdown) and the annual
//! report (HTML). They carry their stylesheet inline, so they can be sent by mail or
//! attached to a pull request as they are.

use anyhow::Result;
use serde::Serialize;
use tera::Context;

use crate::render::Renderer;
use crate::render::chart::{self, Graphique};
use crate::views::affiche::Affiche;
use crate::views::bilan::{Annexe, Bilan, Contenu, Evaluation};
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
    bilan_page(renderer, bilan, &[])
}

/// An annex of the bilan page, named by its number and its file.
#[derive(Serialize)]
struct Renvoi<'a> {
    numero: usize,
    fichier: &'a str,
}

/// Where the bilan page sends the reader, section by section, for what its annexes
/// hold (empty lists when the page holds it all).
#[derive(Serialize)]
struct Renvois<'a> {
    actions: Vec<Renvoi<'a>>,
    indicateurs: Vec<Renvoi<'a>>,
    budget: Vec<Renvoi<'a>>,
}

/// The annexes among `annexes` that hold `contenu` (and, for the actions, some of
/// axis `group`).
fn renvois(annexes: &[Annexe], contenu: Contenu, group: Option<usize>) -> Vec<Renvoi<'_>> {
    annexes
        .iter()
        .filter(|a| a.contenu == contenu && group.is_none_or(|g| a.pieces.iter().any(|p| p.group == g)))
        .map(|a| Renvoi { numero: a.numero, fichier: &a.fichier })
        .collect()
}

/// The bilan page of the site: all of it, or, when its long sections are in
/// `annexes` (see [`crate::views::bilan::annexes`]), the rest of it with a link
/// to each annex where each section was.
pub fn bilan_page(renderer: &Renderer, bilan: &Bilan, annexes: &[Annexe]) -> Result<String> {
    let mut cx = context(renderer, &bilan.contrat.titre);
    let annexed = |contenu| annexes.iter().any(|a| a.contenu == contenu);
    if annexes.is_empty() {
        cx.insert("bilan", bilan);
    } else {
        cx.insert("bilan", &without_annexed(bilan, annexes)?);
    }
    cx.insert(
        "renvois",
        &Renvois {
            actions: renvois(annexes, Contenu::Actions, None),
            indicateurs: renvois(annexes, Contenu::Indicateurs, None),
            budget: renvois(annexes, Contenu::Budget, None),
        },
    );
    let figures: Vec<Figure> =
        if annexed(Contenu::Indicateurs) { Vec::new() } else { bilan.indicateurs.iter().map(Figure::of).collect() };
    cx.insert("graphiques", &figures);
    cx.insert("logos", &inline_logos(renderer));
    renderer.render("bilan.html", &cx)
}

/// `bilan` without the entries its `annexes` hold: each axis whose actions are
/// there gives their number and its annexes instead.
fn without_annexed(bilan: &Bilan, annexes: &[Annexe]) -> Result<serde_json::Value> {
    use serde_json::{json, to_value};
    let annexed = |contenu| annexes.iter().any(|a| a.contenu == contenu);
    let (actions, indicators) = (annexed(Contenu::Actions), annexed(Contenu::Indicateurs));
    let axes: Vec<serde_json::Value> = bilan
        .axes
        .iter()
        .enumerate()
        .map(|(g, axe)| {
            let shown: &[_] = if actions { &[] } else { &axe.actions };
            json!({ "id": axe.id, "titre": axe.titre, "pistes": axe.pistes, "actions": shown,
                    "nombre_actions": axe.actions.len(), "annexes": renvois(annexes, Contenu::Actions, Some(g)) })
        })
        .collect();
    let b = &bilan.budget;
    let budget = if annexed(Contenu::Budget) {
        json!({ "prevu": b.prevu, "acquis": b.acquis, "pressenti": b.pressenti,
                "reste_a_financer": b.reste_a_financer, "par_action": [] })
    } else {
        to_value(b)?
    };
    let none = json!([]);
    Ok(json!({
        "produit_par": bilan.produit_par, "contrat": bilan.contrat, "annee": bilan.annee, "date": bilan.date,
        "etabli_le": bilan.etabli_le, "textes": bilan.textes, "synthese": bilan.synthese,
        "faits_marquants": if actions { none.clone() } else { to_value(&bilan.faits_marquants)? },
        "axes": axes, "instances": bilan.instances, "sism": bilan.sism,
        "indicateurs": if indicators { none.clone() } else { to_value(&bilan.indicateurs)? },
        "sans_mesure": if indicators { none } else { to_value(&bilan.sans_mesure)? },
        "budget": budget,
    }))
}

/// One annex page of the bilan page, `annexe.fichier`: its part of the actions,
/// the indicators or the budget, with links to the bilan and to the annexes
/// before and after it.
pub fn bilan_annexe_page(renderer: &Renderer, bilan: &Bilan, annexes: &[Annexe], annexe: &Annexe) -> Result<String> {
    use serde_json::json;
    let mut cx = context(renderer, &bilan.contrat.titre);
    cx.insert("bilan", &json!({ "contrat": &bilan.contrat, "annee": bilan.annee }));
    cx.insert("annexe", annexe);
    cx.insert("bilan_fichier", &format!("bilan-{}.html", bilan.annee));
    let neighbour = |numero: usize| annexes.iter().find(|a| a.numero == numero).map(|a| a.fichier.as_str());
    cx.insert("precedente", &annexe.numero.checked_sub(1).and_then(neighbour));
    cx.insert("suivante", &neighbour(annexe.numero + 1));
    // Not the first annex of its section: its heading says « (suite) ».
    cx.insert("suite", &annexes.iter().any(|a| a.contenu == annexe.contenu && a.numero < annexe.numero));
    let pieces = &annexe.pieces;
    match annexe.contenu {
        Contenu::Actions => cx.insert("axes", &crate::views::bilan::annex_axes(bilan, annexe)),
        Contenu::Indicateurs => {
            let of = |group| pieces.iter().find(|p| p.group == group);
            let measured = of(0).map_or(&[][..], |p| &bilan.indicateurs[p.range.clone()]);
            let figures: Vec<Figure> = measured.iter().map(Figure::of).collect();
            cx.insert("graphiques", &figures);
            cx.insert("sans_mesure", &of(1).map_or(&[][..], |p| &bilan.sans_mesure[p.range.clone()]));
            cx.insert("sans_mesure_suite", &of(1).is_some_and(|p| p.suite));
        }
        Contenu::Budget => {
            let piece = pieces.first();
            let lines = piece.map_or(&[][..], |p| &bilan.budget.par_action[p.range.clone()]);
            let b = &bilan.budget;
            cx.insert(
                "budget",
                &json!({ "par_action": lines, "prevu": b.prevu, "acquis": b.acquis,
                         "pressenti": b.pressenti, "reste_a_financer": b.reste_a_financer }),
            );
            cx.insert("a_suivre", &piece.is_some_and(|p| p.a_suivre));
        }
    }
    renderer.render("bilan-annexe.html", &cx)
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
