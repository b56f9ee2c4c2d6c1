//! `clsm bilan`: the annual report for the funders, or with `--periode` the
//! end-of-contract evaluation.

use std::path::Path;

use anyhow::Result;

use crate::cli::{BilanArgs, BilanFormat};
use crate::cmd::{Checked, Outcome, emit, load_checked, reference_date, signature};
use crate::files::write::{Signature, write_document, write_into_site};
use crate::render;
use crate::render::Renderer;
use crate::terminal::clean;
use crate::views::bilan::{self, Bilan, Evaluation};
use crate::views::report::Scope;

/// What the command makes: a year's bilan or a period's evaluation.
enum Document {
    Annuel(Bilan),
    Periode(Evaluation),
}

pub fn run(repo: Option<&Path>, args: &BilanArgs) -> Result<Outcome> {
    let today = reference_date(args.date);
    let Some(loaded) = load_checked(repo, today)? else { return Ok(Outcome::Problems) };
    // A bilan is made during or after its year: seen from before, it would count
    // nothing and say it was made before what it tells.
    let first_year =
        args.periode.map_or_else(|| args.annee.unwrap_or_else(|| Scope::on(today).annee), |(debut, _)| debut);
    if today < chrono::NaiveDate::from_ymd_opt(first_year, 1, 1).unwrap_or(today) {
        anyhow::bail!(
            "la date du bilan, {}, précède {first_year} : un bilan s'établit pendant ou après son année\n\
             aide : retirez `--date`, ou donnez une date à partir du 1er janvier {first_year}",
            crate::format::date(&crate::model::PartialDate::day(today))
        );
    }
    let (name, document) = match args.periode {
        Some((debut, fin)) => {
            let key = format!("{debut}-{fin}");
            let texte = loaded.documents.bilans.get(&key).map(String::as_str);
            (key, Document::Periode(bilan::evaluation(&loaded.repo, debut, fin, today, texte)))
        }
        None => {
            let annee = args.annee.unwrap_or_else(|| Scope::on(today).annee);
            let texte = loaded.documents.bilans.get(&annee.to_string()).map(String::as_str);
            (annee.to_string(), Document::Annuel(bilan::bilan(&loaded.repo, Scope::year(annee, today), today, texte)))
        }
    };
    let renderer = || -> Result<Renderer> { Ok(Renderer::new(&loaded.root)?.with_images(logos(&loaded))) };
    match args.format {
        BilanFormat::Json => {
            let mut json = match &document {
                Document::Annuel(b) => serde_json::to_string_pretty(b)?,
                Document::Periode(e) => serde_json::to_string_pretty(e)?,
            };
            json.push('\n');
            emit(args.out.as_deref(), &json, signature::JSON, &loaded.root)?;
        }
        BilanFormat::Pdf => {
            let renderer = renderer()?;
            let (file, written) = match &args.out {
                Some(path) => {
                    // The annexes go beside the bilan, named after it.
                    let file = path
                        .file_name()
                        .and_then(|f| f.to_str())
                        .map_or_else(|| format!("bilan-{name}.pdf"), str::to_string);
                    let sink = |n: &str, pdf: Vec<u8>| {
                        write_document(&path.with_file_name(n), &pdf, &Signature::Pdf, &loaded.root)
                    };
                    (
                        path.display().to_string(),
                        pdf_documents(&renderer, &document, &file, args.entrees_par_annexe, today, &sink)?,
                    )
                }
                None => {
                    let site = loaded.root.join("_site");
                    let file = format!("bilan-{name}.pdf");
                    let sink = |n: &str, pdf: Vec<u8>| write_into_site(&site, &loaded.root, n, &pdf).map(drop);
                    (
                        site.join(&file).display().to_string(),
                        pdf_documents(&renderer, &document, &file, args.entrees_par_annexe, today, &sink)?,
                    )
                }
            };
            let annexes = match written - 1 {
                0 => String::new(),
                1 => ", avec son annexe".to_string(),
                n => format!(", avec ses {n} annexes"),
            };
            crate::note!("bilan {name} écrit dans `{}`{annexes}", clean(&file));
        }
        BilanFormat::Html => {
            let html = match &document {
                Document::Annuel(b) => render::documents::bilan_html(&renderer()?, b)?,
                Document::Periode(e) => render::documents::evaluation_html(&renderer()?, e)?,
            };
            match &args.out {
                Some(path) => emit(Some(path), &html, signature::COMMENT, &loaded.root)?,
                None => into_site(&loaded.root, &format!("bilan-{name}.html"), html.as_bytes(), &name)?,
            }
        }
    }
    Ok(Outcome::Clean)
}

/// The logos of `assets/`, for the covers.
pub(crate) fn logos(loaded: &Checked) -> Vec<crate::load::documents::Image> {
    loaded.documents.logos().cloned().collect()
}

/// Adds the bilan to the repository's `_site/`, beside the built site.
fn into_site(root: &Path, name: &str, content: &[u8], of: &str) -> Result<()> {
    let path = write_into_site(&root.join("_site"), root, name, content)?;
    crate::note!("bilan {of} écrit dans `{}`", clean(&path.display().to_string()));
    Ok(())
}

/// The PDF of `document` as `file`, with its annexes beside it if it has some, each
/// given to `sink` as soon as it is made. Returns how many documents.
#[cfg(feature = "pdf")]
fn pdf_documents(
    renderer: &Renderer,
    document: &Document,
    file: &str,
    per_annex: usize,
    today: chrono::NaiveDate,
    sink: render::pdf::Sink,
) -> Result<usize> {
    match document {
        Document::Annuel(b) => {
            let stem = file.strip_suffix(".pdf").unwrap_or(file);
            let annexes = bilan::annexes(b, per_annex, stem, "pdf");
            for job in render::pdf::bilan_documents(renderer, b, &annexes, file, today)? {
                job(sink)?;
            }
            Ok(1 + annexes.len())
        }
        Document::Periode(e) => {
            sink(file, render::pdf::evaluation(renderer, e, today)?)?;
            Ok(1)
        }
    }
}

#[cfg(not(feature = "pdf"))]
fn pdf_documents(
    _: &Renderer,
    _: &Document,
    _: &str,
    _: usize,
    _: chrono::NaiveDate,
    _: &(dyn Fn(&str, Vec<u8>) -> Result<()> + Sync),
) -> Result<usize> {
    anyhow::bail!("cette version de clsm est construite sans les PDF")
}
