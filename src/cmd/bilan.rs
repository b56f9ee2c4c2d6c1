//! `clsm bilan`: the annual report for the funders.

use std::path::Path;

use anyhow::Result;

use crate::cli::{BilanArgs, BilanFormat};
use crate::cmd::{Outcome, emit, load_checked, reference_date};
use crate::render;
use crate::render::Renderer;
use crate::render::output::OutputDir;
use crate::views::report::{self, Scope};

pub fn run(repo: Option<&Path>, args: &BilanArgs) -> Result<Outcome> {
    let today = reference_date(args.date.as_deref())?;
    let Some(loaded) = load_checked(repo)? else { return Ok(Outcome::Problems) };
    let annee = args.annee.unwrap_or_else(|| Scope::on(today).annee);
    let bilan = report::bilan(&loaded.repo, Scope::year(annee, today));
    match args.format {
        BilanFormat::Json => {
            let mut json = serde_json::to_string_pretty(&bilan)?;
            json.push('\n');
            emit(args.out.as_deref(), &json, "\"produit_par\": \"clsm\"")?;
        }
        BilanFormat::Pdf => {
            let pdf = bilan_pdf(&Renderer::new(&loaded.root)?, &bilan)?;
            match &args.out {
                Some(path) => {
                    // A PDF made by clsm says so in its metadata.
                    crate::render::output::write_document(path, &pdf, "clsm")?;
                    eprintln!("écrit dans `{}`", path.display());
                }
                None => {
                    let site = loaded.root.join("_site");
                    let name = format!("bilan-{annee}.pdf");
                    OutputDir::for_document(&site, &loaded.root)?.write(&name, &pdf)?;
                    eprintln!("bilan {annee} écrit dans `{}`", site.join(&name).display());
                }
            }
        }
        BilanFormat::Html => {
            let html = render::documents::bilan_html(&Renderer::new(&loaded.root)?, &bilan)?;
            match &args.out {
                Some(path) => emit(Some(path), &html, "content=\"clsm\"")?,
                None => {
                    let site = loaded.root.join("_site");
                    let name = format!("bilan-{annee}.html");
                    OutputDir::for_document(&site, &loaded.root)?.write(&name, html.as_bytes())?;
                    eprintln!("bilan {annee} écrit dans `{}`", site.join(&name).display());
                }
            }
        }
    }
    Ok(Outcome::Clean)
}

#[cfg(feature = "pdf")]
fn bilan_pdf(renderer: &Renderer, bilan: &crate::views::report::Bilan) -> Result<Vec<u8>> {
    render::pdf::bilan(renderer, bilan)
}

#[cfg(not(feature = "pdf"))]
fn bilan_pdf(_: &Renderer, _: &crate::views::report::Bilan) -> Result<Vec<u8>> {
    anyhow::bail!("cette version de clsm est construite sans les PDF")
}
