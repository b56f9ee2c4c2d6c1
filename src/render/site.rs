//! The HTML site: one page per action and per axis, the directory, the indicators,
//! the cadre logique, the pistes, the calendar, and the partners' map as GeoJSON.
//!
//! Every link is relative (`racine` is `""` or `"../"`), so the site works opened
//! from disk or served under any sub-path, and nothing is fetched from elsewhere.

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use tera::Context;

use crate::render::Renderer;
use crate::render::output::Staging;
use crate::views::site::{Site, map_points};

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    pub pages: usize,
}

/// A page's context: the contract, the way back to the root, the page's name, and
/// the page's own data under `key`.
fn context<T: Serialize + ?Sized>(site: &Site, racine: &str, page: &str, key: &'static str, data: &T) -> Context {
    let mut cx = Context::new();
    cx.insert("contrat", &site.contrat);
    cx.insert("racine", racine);
    cx.insert("page", page);
    cx.insert("interne", &site.interne);
    cx.insert(key, data);
    cx
}

/// Renders every page of `site` into `out`.
pub fn write(site: &Site, renderer: &Renderer, out: &Staging) -> Result<Written> {
    let mut pages = 0;
    let mut page = |path: &str, template: &str, cx: Context| -> Result<()> {
        out.write(path, renderer.render(template, &cx)?.as_bytes())?;
        pages += 1;
        Ok(())
    };
    let mut home = context(site, "", "accueil", "axes", &site.axes);
    home.insert("chiffres", &site.chiffres);
    page("index.html", "index.html", home)?;
    page("annuaire.html", "annuaire.html", context(site, "", "annuaire", "annuaire", &site.annuaire))?;
    page("indicateurs.html", "indicateurs.html", context(site, "", "indicateurs", "indicateurs", &site.indicateurs))?;
    let cadre = context(site, "", "cadre-logique", "lignes", &site.cadre_logique);
    page("cadre-logique.html", "cadre-logique.html", cadre)?;
    page("pistes.html", "pistes.html", context(site, "", "pistes", "pistes", &site.pistes))?;
    page("calendrier.html", "calendrier.html", context(site, "", "calendrier", "annees", &site.calendrier))?;
    for axe in &site.axes {
        page(&format!("axes/{}.html", axe.id), "axe.html", context(site, "../", "axe", "axe", axe))?;
    }
    // Action pages are most of the site: render them on every core.
    let actions: Result<Vec<()>> = site
        .actions
        .par_iter()
        .map(|action| {
            let cx = context(site, "../", "action", "action", action);
            out.write(&format!("actions/{}.html", action.id), renderer.render("action.html", &cx)?.as_bytes())
        })
        .collect();
    actions?;
    pages += site.actions.len();
    out.write("style.css", renderer.stylesheet.as_bytes())?;
    out.write("ressources.geojson", geojson(site).as_bytes())?;
    Ok(Written { pages })
}

/// Every partner with coordinates, as GeoJSON points (`[lon, lat]`), for uMap.
pub fn geojson(site: &Site) -> String {
    let features: Vec<serde_json::Value> = map_points(site)
        .into_iter()
        .map(|(id, nom, kind, lat, lon)| {
            json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [lon, lat] },
                "properties": { "id": id, "nom": nom, "type": kind, "page": format!("annuaire.html#{id}") },
            })
        })
        .collect();
    let collection = json!({ "type": "FeatureCollection", "features": features });
    let mut text = serde_json::to_string_pretty(&collection).unwrap_or_default();
    text.push('\n');
    text
}
