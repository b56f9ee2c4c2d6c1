//! `clsm diff`: what changed between two git revisions, per record and field.

use std::path::Path;

use anyhow::Result;

use crate::cli::{DiffArgs, DiffFormat};
use crate::cmd::Outcome;
use crate::render::changes;
use crate::views::changes::compare;
use crate::{history, load};

pub fn run(repo: Option<&Path>, args: &DiffArgs) -> Result<Outcome> {
    let root = load::find_root(repo)?;
    let (old_name, old, new_name, new) = match args.revisions.as_slice() {
        [] => (
            "HEAD".to_string(),
            history::at_revision(&root, "HEAD")?,
            "copie de travail".to_string(),
            history::working_tree(&root)?,
        ),
        [a] => {
            (a.clone(), history::at_revision(&root, a)?, "copie de travail".to_string(), history::working_tree(&root)?)
        }
        [a, b, ..] => (a.clone(), history::at_revision(&root, a)?, b.clone(), history::at_revision(&root, b)?),
    };
    let changes = compare(&old.load().repo, &new.load().repo, args.interne);
    let text = match args.format {
        DiffFormat::Texte => changes::to_text(&changes),
        DiffFormat::Md => changes::to_markdown(&changes, &old_name, &new_name),
        DiffFormat::Json => {
            let mut json = serde_json::to_string_pretty(&changes)?;
            json.push('\n');
            json
        }
    };
    crate::cmd::print(text.as_bytes())?;
    if args.interne {
        eprintln!("attention : ces changements montrent les contacts des partenaires ; ne les publiez pas");
    }
    Ok(Outcome::Clean)
}
