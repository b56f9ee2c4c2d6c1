//! `clsm export`: tables for Excel and for open data.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

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
    // The table, and its name in a data package.
    let (table, name) = match args.kind {
        ExportKind::Indicateurs => (export::indicators(&site), "indicateurs"),
        ExportKind::Actions => (export::actions(&site), "actions"),
        ExportKind::Partenaires => (export::partners(&site), "partenaires"),
        ExportKind::Evenements => (export::events(&site), "evenements"),
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
            // The description of an open data table goes beside it; not that of the
            // partners' contacts, which are not to be published. Made first: a
            // package that cannot be replaced leaves the CSV file unwritten too.
            let package = (profile.data && args.format == ExportFormat::Csv && !interne)
                .then(|| describe(path, name, &table, profile, &loaded))
                .transpose()?;
            write_document(path, &bytes, &signature, &loaded.root)?;
            crate::note!("{} lignes écrites dans `{}`", table.rows.len(), clean(&path.display().to_string()));
            if let Some((package_path, text)) = package {
                let signature = Signature::prefix(export::schema::PACKAGE_START);
                write_document(&package_path, text.as_bytes(), &signature, &loaded.root)?;
                crate::note!("décrit dans `{}`", clean(&package_path.display().to_string()));
            }
        }
        None => crate::cmd::print(&bytes)?,
    }
    if args.interne && args.kind == ExportKind::Partenaires {
        eprintln!("attention : cet export contient les contacts des partenaires ; ne le publiez pas");
    }
    Ok(Outcome::Clean)
}

/// The `datapackage.json` beside the CSV file `path` that describes it as the table
/// `name` (a Table Schema of its columns), keeping what an earlier one said of the
/// other tables of the folder: its path and its text. An earlier package clsm did
/// not write, or cannot read, is an error: it is not replaced.
fn describe(
    path: &Path,
    name: &str,
    table: &export::Table,
    profile: Profile,
    loaded: &crate::cmd::Checked,
) -> Result<(PathBuf, String)> {
    use crate::files::read::{ReadError, read_regular};
    use export::schema;
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let package_path = path.with_file_name(schema::PACKAGE_FILE);
    let shown = clean(&package_path.display().to_string()).into_owned();
    if file == schema::PACKAGE_FILE {
        bail!(
            "`{}` est le nom de la description des tableaux : le tableau ne peut pas le prendre\n\
             aide : écrivez par exemple `--out {}`",
            clean(&path.display().to_string()),
            path.with_file_name(format!("{name}.csv")).display()
        );
    }
    let previous = match read_regular(&package_path, 4 << 20) {
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
        Ok(bytes) if bytes.starts_with(schema::PACKAGE_START.as_bytes()) => {
            Some(serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|e| {
                anyhow!(
                    "`{shown}` est abîmé ({e}) : il n'est pas remplacé, pour ne pas perdre la description des autres tableaux\n\
                     aide : supprimez-le, puis exportez à nouveau chaque tableau de ce dossier"
                )
            })?)
        }
        Ok(_) => bail!(
            "`{shown}` existe et n'a pas été produit par clsm : il n'est pas remplacé\n\
             aide : exportez les tableaux dans un autre dossier"
        ),
        Err(e) => bail!("`{shown}` n'est pas remplacé : {e}\naide : exportez les tableaux dans un autre dossier"),
    };
    let repo = &loaded.repo;
    let resource = schema::resource(name, &file, &table.header, profile.delimiter, &repo.vocab);
    let text = schema::package(&crate::model::slugify(&repo.titre), &repo.titre, previous.as_ref(), resource);
    Ok((package_path, text))
}
