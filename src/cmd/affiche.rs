//! `clsm affiche`: the "Avancée des projets" poster, one A3 page, on a date.

use std::path::Path;

use anyhow::Result;

use crate::cli::{AfficheArgs, BilanFormat};
use crate::cmd::{Outcome, emit, load_checked, reference_date, signature};
use crate::files::write::{Signature, write_document, write_into_site};
use crate::render;
use crate::render::Renderer;
use crate::terminal::clean;
use crate::views::affiche::{self, Affiche};

pub fn run(repo: Option<&Path>, args: &AfficheArgs) -> Result<Outcome> {
    let day = reference_date(args.date);
    let Some(loaded) = load_checked(repo, day)? else { return Ok(Outcome::Problems) };
    let poster = affiche::affiche(&loaded.repo, day);
    let name = format!("affiche-{}", poster.date);
    let renderer =
        || -> Result<Renderer> { Ok(Renderer::new(&loaded.root)?.with_images(crate::cmd::bilan::logos(&loaded))) };
    let (bytes, extension, sign) = match args.format {
        BilanFormat::Json => {
            let mut json = serde_json::to_string_pretty(&poster)?;
            json.push('\n');
            emit(args.out.as_deref(), &json, signature::JSON, &loaded.root)?;
            return Ok(Outcome::Clean);
        }
        BilanFormat::Pdf => (poster_pdf(&renderer()?, &poster, day)?, "pdf", Signature::Pdf),
        BilanFormat::Html => {
            let html = render::documents::affiche_html(&renderer()?, &poster)?;
            if let Some(path) = &args.out {
                emit(Some(path), &html, signature::COMMENT, &loaded.root)?;
                return Ok(Outcome::Clean);
            }
            (html.into_bytes(), "html", Signature::prefix(signature::COMMENT))
        }
    };
    match &args.out {
        Some(path) => {
            write_document(path, &bytes, &sign, &loaded.root)?;
            crate::note!("écrit dans `{}`", clean(&path.display().to_string()));
        }
        None => {
            let path =
                write_into_site(&loaded.root.join("_site"), &loaded.root, &format!("{name}.{extension}"), &bytes)?;
            crate::note!("affiche écrite dans `{}`", clean(&path.display().to_string()));
        }
    }
    Ok(Outcome::Clean)
}

#[cfg(feature = "pdf")]
fn poster_pdf(renderer: &Renderer, poster: &Affiche, day: chrono::NaiveDate) -> Result<Vec<u8>> {
    render::pdf::affiche(renderer, poster, day)
}

#[cfg(not(feature = "pdf"))]
fn poster_pdf(_: &Renderer, _: &Affiche, _: chrono::NaiveDate) -> Result<Vec<u8>> {
    anyhow::bail!("cette version de clsm est construite sans les PDF\naide : ajoutez `--format html`")
}
