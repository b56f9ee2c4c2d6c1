//! `clsm bilan`: the annual report for the funders.

use std::path::Path;

use anyhow::Result;

use crate::cli::{BilanArgs, BilanFormat};
use crate::cmd::{Outcome, emit, load_checked, reference_date, signature};
use crate::files::write::{Signature, write_document, write_into_site};
use crate::render;
use crate::render::Renderer;
use crate::terminal::clean;
use crate::views::report::{self, Scope};

pub fn run(repo: Option<&Path>, args: &BilanArgs) -> Result<Outcome> {
    let today = reference_date(args.date);
    let Some(loaded) = load_checked(repo, today)? else { return Ok(Outcome::Problems) };
    let annee = args.annee.unwrap_or_else(|| Scope::on(today).annee);
    let bilan = report::bilan(&loaded.repo, Scope::year(annee, today));
    match args.format {
        BilanFormat::Json => {
            let mut json = serde_json::to_string_pretty(&bilan)?;
            json.push('\n');
            emit(args.out.as_deref(), &json, signature::JSON, &loaded.root)?;
        }
        BilanFormat::Pdf => {
            let pdf = bilan_pdf(&Renderer::new(&loaded.root)?, &bilan, today)?;
            match &args.out {
                Some(path) => {
                    // A PDF made by clsm says so in its metadata.
                    write_document(path, &pdf, &Signature::Pdf, &loaded.root)?;
                    eprintln!("écrit dans `{}`", clean(&path.display().to_string()));
                }
                None => into_site(&loaded.root, &format!("bilan-{annee}.pdf"), &pdf, annee)?,
            }
        }
        BilanFormat::Html => {
            let html = render::documents::bilan_html(&Renderer::new(&loaded.root)?, &bilan)?;
            match &args.out {
                Some(path) => emit(Some(path), &html, signature::COMMENT, &loaded.root)?,
                None => into_site(&loaded.root, &format!("bilan-{annee}.html"), html.as_bytes(), annee)?,
            }
        }
    }
    Ok(Outcome::Clean)
}

/// Adds the bilan to the repository's `_site/`, beside the built site.
fn into_site(root: &Path, name: &str, content: &[u8], annee: i32) -> Result<()> {
    let path = write_into_site(&root.join("_site"), root, name, content)?;
    eprintln!("bilan {annee} écrit dans `{}`", clean(&path.display().to_string()));
    Ok(())
}

#[cfg(feature = "pdf")]
pub(crate) fn bilan_pdf(
    renderer: &Renderer,
    bilan: &crate::views::report::Bilan,
    today: chrono::NaiveDate,
) -> Result<Vec<u8>> {
    render::pdf::bilan(renderer, bilan, today)
}

#[cfg(not(feature = "pdf"))]
pub(crate) fn bilan_pdf(_: &Renderer, _: &crate::views::report::Bilan, _: chrono::NaiveDate) -> Result<Vec<u8>> {
    anyhow::bail!("cette version de clsm est construite sans les PDF")
}
