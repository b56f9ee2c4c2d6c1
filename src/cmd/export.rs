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
        }
        None => crate::cmd::print(&bytes)?,
    }
    if args.interne && args.kind == ExportKind::Partenaires {
        eprintln!("attention : cet export contient les contacts des partenaires ; ne le publiez pas");
    }
    Ok(Outcome::Clean)
}
