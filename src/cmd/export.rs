//! `clsm export`: tables for Excel and for open data.

use std::path::Path;

use anyhow::Result;

use crate::cli::{ExportArgs, ExportFormat, ExportKind, ExportProfile};
use crate::cmd::{Outcome, load_checked};
use crate::export::{self, Profile};
use crate::files::write::{Signature, write_document};
use crate::terminal::clean;

pub fn run(repo: Option<&Path>, args: &ExportArgs) -> Result<Outcome> {
    let mut profile = match args.profil {
        ExportProfile::Excel => Profile::EXCEL,
        ExportProfile::Opendata => Profile::OPENDATA,
    };
    if let Some(d) = args.delimiter {
        profile.delimiter = d;
    }
    if args.no_bom {
        profile.bom = false;
    }
    let Some(loaded) = load_checked(repo, crate::cmd::today())? else { return Ok(Outcome::Problems) };
    // The tables read the views of the site: an export says what the pages say.
    let interne = args.interne && args.kind == ExportKind::Partenaires;
    let site = crate::views::site::build(&loaded.repo, crate::views::site::Options { interne, ..Default::default() });
    let table = match args.kind {
        ExportKind::Indicateurs => export::indicators(&site),
        ExportKind::Actions => export::actions(&site),
        ExportKind::Partenaires => export::partners(&site),
        ExportKind::Evenements => export::events(&site),
    };
    // An earlier export of the same table starts like this one: it may be replaced.
    let (bytes, signature) = match args.format {
        ExportFormat::Csv => {
            let header = table.header.join(&(profile.delimiter as char).to_string());
            (export::to_csv(&table, profile)?, Signature::prefix(format!("{header}\r\n")))
        }
        ExportFormat::Json => {
            let first = format!("[\n  {{\n    \"{}\": ", table.header[0]);
            (export::to_json(&table)?, Signature::Prefix(vec![first, "[]\n".into()]))
        }
    };
    match &args.out {
        Some(path) => {
            write_document(path, &bytes, &signature, &loaded.root)?;
            crate::note!("{} lignes écrites dans `{}`", table.rows.len(), clean(&path.display().to_string()));
            if profile.data && args.format == ExportFormat::Csv {
                describe(path, &table, profile, &loaded)?;
            }
        }
        None => crate::cmd::print(&bytes)?,
    }
    if args.interne && args.kind == ExportKind::Partenaires {
        eprintln!("attention : cet export contient les contacts des partenaires ; ne le publiez pas");
    }
    Ok(Outcome::Clean)
}

/// The name of the table `kind` in a data package.
fn table_name(table: &export::Table) -> &'static str {
    match table.header.first().copied() {
        Some("indicateur") => "indicateurs",
        Some("action") => "actions",
        Some("partenaire") => "partenaires",
        _ => "evenements",
    }
}

/// Writes, beside the CSV file `path`, the `datapackage.json` that describes it
/// (a Table Schema of its columns), keeping what an earlier one said of the other
/// tables of the folder.
fn describe(path: &Path, table: &export::Table, profile: Profile, loaded: &crate::cmd::Checked) -> Result<()> {
    use export::schema;
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let package_path = path.with_file_name("datapackage.json");
    let previous = crate::files::read::read_regular(&package_path, 4 << 20)
        .ok()
        .filter(|bytes| bytes.starts_with(schema::PACKAGE_START.as_bytes()))
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    let repo = &loaded.repo;
    let resource = schema::resource(table_name(table), &file, &table.header, profile.delimiter, &repo.vocab);
    let text = schema::package(&crate::model::slugify(&repo.titre), &repo.titre, previous.as_ref(), vec![resource]);
    let signature = Signature::prefix(schema::PACKAGE_START);
    write_document(&package_path, text.as_bytes(), &signature, &loaded.root)?;
    crate::note!("décrit dans `{}`", clean(&package_path.display().to_string()));
    Ok(())
}
