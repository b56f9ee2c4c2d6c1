//! `clsm build`: the document set (HTML site) into `_site/` or `--out`.

use std::path::Path;

use anyhow::Result;

use crate::cli::BuildArgs;
use crate::cmd::{Outcome, load_checked};
use crate::render::Renderer;
use crate::render::output::Staging;
use crate::{render, views};

pub fn run(repo: Option<&Path>, args: &BuildArgs) -> Result<Outcome> {
    let Some(loaded) = load_checked(repo)? else { return Ok(Outcome::Problems) };
    let out = args.out.clone().unwrap_or_else(|| loaded.root.join("_site"));
    let site = views::site::build(&loaded.repo, views::site::Options { interne: args.interne });
    let renderer = Renderer::new(&loaded.root)?;
    let staging = Staging::new(&out, &loaded.root)?;
    let written = render::site::write(&site, &renderer, &staging)?;
    staging.commit()?;
    eprintln!("site construit dans `{}` : {} pages", out.display(), written.pages);
    if args.interne {
        eprintln!("attention : ce site contient les contacts des partenaires ; ne le publiez pas");
    }
    std::mem::forget(loaded);
    Ok(Outcome::Clean)
}
