//! `clsm build`: the document set (HTML site and PDFs) into `_site/` or `--out`.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use crate::cli::BuildArgs;
use crate::cmd::{Outcome, load_checked};
use crate::files::write::SiteWriter;
use crate::progress::Stage;
use crate::render::Renderer;
use crate::terminal::clean;
use crate::{render, views};

pub fn run(repo: Option<&Path>, args: &BuildArgs) -> Result<Outcome> {
    let started = std::time::Instant::now();
    let today = crate::cmd::today();
    let Some(loaded) = load_checked(repo, today)? else { return Ok(Outcome::Problems) };
    let out = args.out.clone().unwrap_or_else(|| loaded.root.join("_site"));
    let annee = views::bilan::latest_active_year(&loaded.repo, today);
    let documents = views::site::Documents { pdf: !args.sans_pdf, bilan: annee, carte: 0 };
    // The bilan beside the site's lists and the templates: each takes one core for
    // part of its time.
    let (bilan, site) = rayon::join(
        || annee.map(|annee| bilan_of(&loaded, annee, today)),
        || site_and_renderer(&loaded, args.interne, documents),
    );
    let (site, renderer) = site?;
    // Everything is written into a staging folder, put in place of `out` at the end:
    // a build that fails leaves the previous site as it was.
    let folder = SiteWriter::new(&out, &loaded.root)?;
    let stage = Stage::start(
        "pages",
        "pages HTML",
        render::site::page_count(&site, bilan.as_ref(), args.entrees_par_annexe) as u64,
    );
    let step = || stage.step();
    // Without PDFs, the pages are given the bilan, to free it once its own are done.
    let (written, bilan) = if args.sans_pdf {
        (render::site::write(&site, bilan, args.entrees_par_annexe, &renderer, &folder, &step)?, None)
    } else {
        (render::site::write(&site, bilan.as_ref(), args.entrees_par_annexe, &renderer, &folder, &step)?, bilan)
    };
    stage.finish();
    let mut pdfs = 0;
    if !args.sans_pdf {
        pdfs = write_pdfs(&site, &renderer, &folder, bilan.as_ref(), args, today)?;
    }
    folder.finish()?;
    let what = format!("{} pages, {pdfs} PDF", written.pages);
    let took = crate::format::duration(started.elapsed());
    crate::note!("site construit dans `{}` : {what}, en {took}", clean(&out.display().to_string()));
    if args.interne {
        eprintln!("attention : ce site contient les contacts des partenaires ; ne le publiez pas");
    }
    // The process ends right after: freeing the views and the records one by one
    // would only delay it.
    std::mem::forget(site);
    std::mem::forget(loaded);
    Ok(Outcome::Clean)
}

/// The bilan the site publishes: the one of the latest year with something to report.
pub fn published_bilan(loaded: &crate::cmd::Checked, today: NaiveDate) -> Option<views::bilan::Bilan> {
    views::bilan::latest_active_year(&loaded.repo, today).map(|annee| bilan_of(loaded, annee, today))
}

/// The bilan of `annee`, with the coordinator's text of `bilans/ANNEE.md`.
pub fn bilan_of(loaded: &crate::cmd::Checked, annee: i32, today: NaiveDate) -> views::bilan::Bilan {
    let texte = loaded.documents.bilans.get(&annee.to_string()).map(String::as_str);
    views::bilan::bilan(&loaded.repo, views::report::Scope::year(annee, today), today, texte)
}

/// The views of the whole site, and the renderer with the repository's templates
/// and the logos of its cover.
pub fn site_and_renderer(
    loaded: &crate::cmd::Checked,
    interne: bool,
    documents: views::site::Documents,
) -> Result<(views::site::Site<'_>, Renderer)> {
    let logos: Vec<crate::load::documents::Image> = loaded.documents.logos().cloned().collect();
    let names = logos.iter().map(|i| i.name.clone()).collect();
    let options = views::site::Options { interne, textes: loaded.documents.texts.clone(), logos: names, documents };
    // The templates are compiled while the views are made.
    let (site, renderer) = rayon::join(|| views::site::build(&loaded.repo, options), || Renderer::new(&loaded.root));
    Ok((site, renderer?.with_images(logos)))
}

/// `contrat.pdf` (and its volumes), one PDF per fiche in `fiches/`, and the bilan's
/// PDF (and its annexes): each written as soon as it is made. Returns how many.
#[cfg(feature = "pdf")]
fn write_pdfs(
    site: &views::site::Site,
    renderer: &Renderer,
    folder: &SiteWriter,
    bilan: Option<&views::bilan::Bilan>,
    limits: &BuildArgs,
    today: NaiveDate,
) -> Result<usize> {
    let volumes = views::site::volumes::volumes(&site.axes, limits.fiches_par_volume);
    let annexes = views::site::volumes::annexes(site, limits.entrees_par_annexe);
    let name = bilan.map(|b| format!("bilan-{}.pdf", b.annee)).unwrap_or_default();
    let bilan_annexes = bilan.map_or_else(Vec::new, |b| {
        views::bilan::annexes(b, limits.entrees_par_annexe, &format!("bilan-{}", b.annee), "pdf")
    });
    let bilan_documents = match bilan {
        Some(b) => render::pdf::bilan_documents(renderer, b, &bilan_annexes, &name, today)?,
        None => Vec::new(),
    };
    let total = 1 + volumes.len() + annexes.len() + site.action_count() + bilan_documents.len();
    let stage = Stage::start("PDF", "documents", total as u64);
    let sink = |name: &str, pdf: Vec<u8>| {
        folder.write(name, &pdf)?;
        stage.step();
        Ok(())
    };
    render::pdf::contract_and_fiches(renderer, site, &volumes, &annexes, bilan_documents, today, &sink)?;
    stage.finish();
    Ok(total)
}

#[cfg(not(feature = "pdf"))]
fn write_pdfs(
    _: &views::site::Site,
    _: &Renderer,
    _: &SiteWriter,
    _: Option<&views::bilan::Bilan>,
    _: &BuildArgs,
    _: NaiveDate,
) -> Result<usize> {
    anyhow::bail!(
        "cette version de clsm est construite sans les PDF\naide : ajoutez `--sans-pdf`, ou construisez clsm avec sa fonction `pdf`"
    )
}
