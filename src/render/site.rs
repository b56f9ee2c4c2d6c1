//! The HTML site: one page per action and per axis, the directory, the indicators,
//! the cadre logique, the pistes, the calendar, and the partners' map as GeoJSON.
//!
//! Every link is relative (`racine` is `""` or `"../"`), so the site works opened
//! from disk or served under any sub-path, and nothing is fetched from elsewhere.

use std::borrow::Borrow;
use std::sync::Mutex;

use anyhow::Result;
use serde::Serialize;
use serde_json::json;
use tera::Context;

use crate::files::write::Destination;
use crate::limits;
use crate::render::outbox::{Closing, Failing, Outbox};
use crate::render::{Renderer, documents};
use crate::views::bilan::{Annexe, Bilan};
use crate::views::site::{AxeView, Site, map_points};

/// What was written.
#[derive(Debug, Default)]
pub struct Written {
    pub pages: usize,
}

/// What every page's context holds: the contract, whether the site is internal, and
/// the documents beside it. Made once: Tera's values share their contents, so each
/// page gets a copy for the price of a few counters, where making them again took
/// 2 µs a page.
fn common(site: &Site) -> Context {
    let mut cx = Context::new();
    cx.insert("contrat", &site.contrat);
    cx.insert("interne", &site.interne);
    cx.insert("documents", &site.documents);
    cx
}

/// A page's context: [`common`], the way back to the root, the page's name, and the
/// page's own data under `key`.
fn context<T: Serialize + ?Sized>(common: &Context, racine: &str, page: &str, key: &'static str, data: &T) -> Context {
    let mut cx = common.clone();
    cx.insert("racine", racine);
    cx.insert("page", page);
    cx.insert(key, data);
    cx
}

/// One page of the site.
enum Page<'a> {
    Home,
    Directory,
    Indicators,
    Logframe,
    Pistes,
    Calendar,
    /// The accessibility statement, which every footer links.
    Accessibility,
    Axis(&'a AxeView),
    /// The fiche of the `n`th action, made when its turn comes.
    Action(usize),
    /// The bilan of the year, a standalone page, and its annexes, if any.
    Bilan(&'a Bilan, &'a [Annexe]),
    /// One annex of the bilan's page.
    BilanAnnexe(&'a Bilan, &'a [Annexe], &'a Annexe),
}

/// A page ready to render: where it goes, its template, and what the template
/// receives.
struct Ready {
    path: String,
    template: &'static str,
    cx: Context,
}

impl Ready {
    /// Renders the page into `out`, as it goes.
    fn write(&self, renderer: &Renderer, out: &dyn Destination) -> Result<()> {
        let _doing = limits::activity(format!("modèle `{}` pour `{}`", self.template, self.path));
        out.write_with(&self.path, &mut |file| renderer.render_to(self.template, &self.cx, file))
    }

    /// Renders the page into memory.
    fn render(self, renderer: &Renderer) -> Result<(String, Vec<u8>)> {
        let _doing = limits::activity(format!("modèle `{}` pour `{}`", self.template, self.path));
        // Room for a fiche's page at once: grown from Tera's guess, the page was
        // copied over and over.
        let mut html = Vec::with_capacity(SHORT_PAGE);
        renderer.render_to(self.template, &self.cx, &mut html)?;
        Ok((self.path, html))
    }
}

impl Page<'_> {
    /// Where the page goes, which template renders it, and with what.
    fn prepare(&self, site: &Site, common: &Context, renderer: &Renderer) -> Ready {
        let (path, template, cx) = match self {
            Page::Bilan(bilan, annexes) => (
                format!("bilan-{}.html", bilan.annee),
                documents::BILAN_PAGE,
                documents::bilan_page_context(renderer, bilan, annexes),
            ),
            Page::BilanAnnexe(bilan, annexes, annexe) => (
                annexe.fichier.clone(),
                documents::BILAN_ANNEXE_PAGE,
                documents::bilan_annexe_context(renderer, bilan, annexes, annexe),
            ),
            Page::Home => {
                let mut cx = context(common, "", "accueil", "axes", &site.axes);
                cx.insert("chiffres", &site.chiffres);
                cx.insert("textes", &site.textes);
                ("index.html".to_string(), "index.html", cx)
            }
            Page::Directory => {
                ("annuaire.html".into(), "annuaire.html", context(common, "", "annuaire", "annuaire", &site.annuaire))
            }
            Page::Indicators => {
                let mut cx = context(common, "", "indicateurs", "indicateurs", &site.indicateurs);
                // Each indicator's breakdowns, with their charts, by its id.
                let figures: std::collections::BTreeMap<&str, Vec<crate::render::chart::FigureVentilation>> = site
                    .indicateurs
                    .iter()
                    .map(|i| {
                        let figures =
                            crate::render::chart::breakdowns(&i.id, &i.libelle, i.unite.as_deref(), &i.ventilation);
                        (&*i.id, figures)
                    })
                    .collect();
                cx.insert("ventilations", &figures);
                ("indicateurs.html".into(), "indicateurs.html", cx)
            }
            Page::Logframe => (
                "cadre-logique.html".into(),
                "cadre-logique.html",
                context(common, "", "cadre-logique", "lignes", &site.cadre_logique),
            ),
            Page::Pistes => {
                ("pistes.html".into(), "pistes.html", context(common, "", "pistes", "pistes", &site.pistes))
            }
            Page::Calendar => (
                "calendrier.html".into(),
                "calendrier.html",
                context(common, "", "calendrier", "annees", &site.calendrier),
            ),
            Page::Accessibility => (
                "accessibilite.html".into(),
                "accessibilite.html",
                context(common, "", "accessibilite", "accessibilite", &site.contrat.accessibilite),
            ),
            Page::Axis(axe) => {
                (format!("axes/{}.html", axe.id), "axe.html", context(common, "../", "axe", "axe", *axe))
            }
            Page::Action(n) => {
                let action = site.action(*n);
                (
                    format!("actions/{}.html", action.id),
                    "action.html",
                    context(common, "../", "action", "action", &action),
                )
            }
        };
        Ready { path, template, cx }
    }

    /// Whether the page grows with the repository: a list of every action, every
    /// indicator or every partner, the bilan and its annexes. At 10,000 actions
    /// each weighs megabytes, and its context as much again.
    fn is_long(&self) -> bool {
        matches!(
            self,
            Page::Bilan(..)
                | Page::BilanAnnexe(..)
                | Page::Home
                | Page::Directory
                | Page::Indicators
                | Page::Logframe
                | Page::Calendar
                | Page::Pistes
        )
    }
}

/// What is made one at a time, beside the short pages: the long pages, and the
/// files that are not pages.
enum Long<'a> {
    /// A long page of the site (see [`Page::is_long`]).
    Page(Page<'a>),
    /// The `k`th page of the bilan: its own first, then its annexes.
    Bilan(usize),
    /// The partners' map, `ressources.geojson`.
    Map,
    /// The calendar's events, `calendrier.ics`.
    Ics,
}

/// The pages [`write`] makes: one per action and per axis, the lists, and the
/// bilan with its annexes if there is one.
pub fn page_count(site: &Site, bilan: Option<&Bilan>, per_annex: usize) -> usize {
    let bilan = bilan.map_or(0, |b| bilan_page_count(&bilan_annexes(b, per_annex)));
    LISTS + site.axes.len() + site.action_count() + bilan
}

/// The bilan's pages: its own, and one per annex.
fn bilan_page_count(annexes: &[Annexe]) -> usize {
    1 + annexes.len()
}

/// The annex pages of the bilan's page: its sections of more than `per_annex`
/// entries (the actions, the indicators, the lines of budget), cut as its PDF's.
/// A page of thousands of entries weighs tens of megabytes: no browser shows it
/// well, and it takes as much memory to make.
fn bilan_annexes(bilan: &Bilan, per_annex: usize) -> Vec<Annexe> {
    crate::views::bilan::annexes(bilan, per_annex, &format!("bilan-{}", bilan.annee), "html")
}

/// What a short page weighs at most, most of the time: a fiche's page is 9 to 12 kB.
const SHORT_PAGE: usize = 16 << 10;

/// The home page, the directory, the indicators, the cadre logique, the pistes, the
/// calendar and the accessibility statement.
const LISTS: usize = 7;

/// Renders every page of `site`, and `bilan`'s (with its annexes beyond
/// `per_annex` entries a section), into `out`, calling `step` after each.
///
/// Pages are rendered on every core, the long ones one at a time, each written as
/// it is rendered (see [`crate::render::parallel`]): the memory of a build stays
/// that of the longest page, however many there are. The short ones are written
/// by one thread, in batches ([`crate::render::outbox`]), since creating files in
/// one folder does not go faster with more threads: on a disk, they only wait on
/// each other's lock on the folder, and take twice the processor time.
///
/// A bilan given rather than lent (`Bilan`, not `&Bilan`) is freed as soon as its
/// pages are written, first of the long ones: at 10,000 actions it held 15 MiB that
/// the pages after need.
pub fn write<B: Borrow<Bilan> + Send>(
    site: &Site,
    bilan: Option<B>,
    per_annex: usize,
    renderer: &Renderer,
    out: &dyn Destination,
    step: &(dyn Fn() + Sync),
) -> Result<Written> {
    let lists = [
        Page::Logframe,
        Page::Indicators,
        Page::Directory,
        Page::Home,
        Page::Pistes,
        Page::Calendar,
        Page::Accessibility,
    ];
    let bilan = bilan.map(|b| {
        let annexes = bilan_annexes(b.borrow(), per_annex);
        (b, annexes)
    });
    let bilan_pages = bilan.as_ref().map_or(0, |(_, annexes)| bilan_page_count(annexes));
    let mut pages: Vec<Page> = lists.into_iter().collect();
    pages.extend(site.axes.iter().map(Page::Axis));
    pages.extend((0..site.action_count()).map(Page::Action));
    let count = bilan_pages + pages.len();
    let (long, short): (Vec<Page>, Vec<Page>) = pages.into_iter().partition(Page::is_long);
    // The bilan's pages first, then the other long ones; the files that are not
    // pages among them, while the short pages go on: before them, they kept a core
    // waiting.
    let long: Vec<Long> = (0..bilan_pages)
        .map(Long::Bilan)
        .chain(long.into_iter().map(Long::Page))
        .chain([Long::Map, Long::Ics])
        .collect();
    let bilan = Mutex::new(bilan);
    let common = &common(site);
    let outbox = Outbox::default();
    let interrupted = || anyhow::anyhow!("écriture du site interrompue");
    let (rendered, written) = std::thread::scope(|scope| {
        let outbox = &outbox;
        let writer = scope.spawn(move || -> Result<()> {
            // However the writer stops, the renderers are told, and the long pages
            // left are not made.
            let _failing = Failing(outbox);
            out.write("style.css", renderer.stylesheet.as_bytes())?;
            while let Some(batch) = outbox.next() {
                for (path, html) in batch {
                    out.write(&path, &html)?;
                    step();
                }
            }
            Ok(())
        });
        // Whatever happens to the rendering, the writer is told when it ends.
        let closing = Closing(outbox);
        let rendered = crate::render::parallel::on_the_pool(
            &long,
            |long| {
                if outbox.stopped() {
                    return Err(interrupted());
                }
                match long {
                    Long::Page(page) => {
                        page.prepare(site, common, renderer).write(renderer, out)?;
                        step();
                    }
                    Long::Bilan(k) => {
                        let mut held = bilan.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        if let Some((b, annexes)) = held.as_ref() {
                            let b = b.borrow();
                            let page = match k.checked_sub(1) {
                                None => Page::Bilan(b, annexes),
                                Some(a) => Page::BilanAnnexe(b, annexes, &annexes[a]),
                            };
                            page.prepare(site, common, renderer).write(renderer, out)?;
                            step();
                        }
                        // After its last page, the bilan is freed (when it was given).
                        if held.as_ref().is_some_and(|(_, annexes)| *k == annexes.len()) {
                            *held = None;
                        }
                    }
                    Long::Map => out.write("ressources.geojson", geojson(site).as_bytes())?,
                    Long::Ics => {
                        let calendar = crate::render::ics::calendar(site, site.contrat.url.as_deref());
                        out.write("calendrier.ics", calendar.as_bytes())?;
                    }
                }
                Ok(())
            },
            &short,
            |page| {
                let page = page.prepare(site, common, renderer).render(renderer)?;
                // The writer failed: its error is reported below.
                outbox.send(page).map_err(|_| interrupted())
            },
        );
        drop(closing);
        (rendered, writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    written?;
    rendered?;
    Ok(Written { pages: count })
}

/// Every partner with coordinates, as GeoJSON points (`[lon, lat]`), for uMap: its
/// `name`, and a `description` in uMap's own markup (one fact a line, links as
/// `[[adresse|texte]]`), which links its entry in the annuaire: by the site's `url`
/// when `clsm.toml` gives it, else relative to the site.
pub fn geojson(site: &Site) -> String {
    let base = site.contrat.url.as_deref().unwrap_or("");
    // Brackets and braces are uMap's markup: a name holding some stays a name.
    let plain = |s: &str| s.replace(['[', ']', '{', '}'], "");
    let features: Vec<serde_json::Value> = map_points(site)
        .into_iter()
        .filter_map(|p| {
            let (lat, lon) = p.coordonnees?;
            let name = match &p.sigle {
                Some(sigle) => format!("{} ({})", p.nom, sigle),
                None => p.nom.clone(),
            };
            let page = format!("{base}annuaire.html#{}", p.id);
            let mut lines: Vec<String> = Vec::new();
            lines.extend(p.r#type.as_ref().map(|t| plain(&t.libelle)));
            let place: Vec<&str> = [p.adresse.as_deref(), p.commune.as_deref()].into_iter().flatten().collect();
            if !place.is_empty() {
                lines.push(plain(&place.join(", ")));
            }
            if !p.porte.is_empty() {
                let titles: Vec<String> = p.porte.iter().map(|a| plain(&a.titre)).collect();
                lines.push(format!("Porte : {}", titles.join(", ")));
            }
            lines.extend(p.site_url.as_ref().map(|u| format!("[[{}|Site web]]", plain(u))));
            lines.push(format!("[[{page}|Fiche dans l'annuaire]]"));
            Some(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [lon, lat] },
                "properties": {
                    "name": plain(&name),
                    "description": lines.join("\n"),
                    "id": &*p.id,
                    "type": p.r#type.as_ref().map_or("", |t| &*t.libelle),
                    "page": page,
                },
            }))
        })
        .collect();
    let collection = json!({ "type": "FeatureCollection", "features": features });
    let mut text = serde_json::to_string_pretty(&collection).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::checked::Repository;

    /// A destination that fails from its `after`th page on, written in one go or
    /// as it renders.
    struct Failing {
        after: usize,
        written: Mutex<Vec<String>>,
    }

    impl Destination for Failing {
        fn write(&self, relative: &str, _: &[u8]) -> Result<()> {
            let mut written = self.written.lock().unwrap();
            if written.len() >= self.after {
                anyhow::bail!("disque plein : `{relative}`");
            }
            written.push(relative.to_string());
            Ok(())
        }
    }

    fn metz() -> Repository {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        Repository::from_loaded(crate::load::load(root).expect("Metz loads").repo).expect("checked")
    }

    #[test]
    fn a_destination_that_fails_stops_the_pages_with_its_error() {
        let repo = metz();
        let site = crate::views::site::build(&repo, crate::views::site::Options::default());
        let renderer = Renderer::new(std::path::Path::new("/nonexistent")).unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let annee = crate::views::bilan::latest_active_year(&repo, today).expect("Metz has a year to report");
        let bilan = || {
            let scope = crate::views::report::Scope::year(annee, today);
            crate::views::bilan::bilan(&repo, scope, today, None)
        };
        // One entry a section per annex: the bilan's pages are many.
        let all = page_count(&site, Some(&bilan()), 1);
        assert!(all > page_count(&site, None, 1) + 2, "the bilan has annexes");
        for after in [0, 1, 5, all / 2, all - 1] {
            let out = Failing { after, written: Mutex::new(Vec::new()) };
            let error = write(&site, Some(bilan()), 1, &renderer, &out, &|| ()).unwrap_err();
            assert!(error.to_string().starts_with("disque plein : `"), "after {after}: {error:#}");
            assert!(out.written.lock().unwrap().len() <= after);
        }
        // Given or lent, the bilan's pages are all there.
        let lent = bilan();
        for given in [true, false] {
            let out = Failing { after: usize::MAX, written: Mutex::new(Vec::new()) };
            let written = if given {
                write(&site, Some(bilan()), 1, &renderer, &out, &|| ()).unwrap()
            } else {
                write(&site, Some(&lent), 1, &renderer, &out, &|| ()).unwrap()
            };
            assert_eq!(written.pages, all);
            // The pages, the stylesheet, the map and the calendar, each once.
            let written = out.written.lock().unwrap();
            let distinct: std::collections::BTreeSet<&str> = written.iter().map(String::as_str).collect();
            assert_eq!((written.len(), distinct.len()), (all + 3, all + 3));
            for file in ["style.css", "ressources.geojson", "calendrier.ics", "index.html"] {
                assert!(distinct.contains(file), "{file}");
            }
            assert!(distinct.contains(format!("bilan-{annee}-annexe-2.html").as_str()), "{written:?}");
        }
    }
}
