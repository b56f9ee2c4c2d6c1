//! `clsm new`: a new fiche from a template, every key explained, never overwriting.

use std::path::Path;

use anyhow::{Result, bail};
use tera::Context;

use crate::cli::{NewArgs, NewKind};
use crate::cmd::Outcome;
use crate::files::write::create_new;
use crate::load;
use crate::model::{Kind, Repository, is_id, slugify};
use crate::render::Renderer;

/// "groupe-aidants" → "Groupe aidants": a first title that passes `check`.
pub fn title_from_id(id: &str) -> String {
    let words = id.replace(['-', '_', '.'], " ");
    let mut chars = words.trim().chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The text of a new fiche of `kind` named `id` in `repo`.
pub fn fiche_text(renderer: &Renderer, repo: &Repository, kind: NewKind, id: &str) -> Result<String> {
    fiche_text_citing(renderer, repo, kind, id, "")
}

/// The same, for an action that cites the indicators `indicators` (`a, b`).
pub fn fiche_text_citing(
    renderer: &Renderer,
    repo: &Repository,
    kind: NewKind,
    id: &str,
    indicators: &str,
) -> Result<String> {
    let config = &repo.config;
    let mut cx = Context::new();
    cx.insert("id", id);
    let titre = title_from_id(id);
    let template = match kind {
        NewKind::Action => {
            let axes: Vec<&str> = config.axes.iter().flatten().filter_map(|a| a.id.as_deref()).collect();
            let themes: Vec<&str> = config.thematiques.iter().flatten().filter_map(|t| t.id.as_deref()).collect();
            let porteur = config.porteur.clone().or_else(|| repo.ids(Kind::Partenaire).first().map(|s| s.to_string()));
            cx.insert("titre", &titre);
            cx.insert("axe", &axes.first().copied().unwrap_or(""));
            cx.insert("axes", &axes.join(", "));
            cx.insert("thematiques", &themes.join(", "));
            cx.insert("porteur", &porteur.unwrap_or_default());
            cx.insert("indicateurs", indicators);
            "nouveau-action.md"
        }
        NewKind::Partenaire => {
            cx.insert("nom", &titre);
            "nouveau-partenaire.md"
        }
        NewKind::Indicateur => {
            cx.insert("libelle", &titre);
            // Example deadlines within the contract: two years in, and its end.
            let period = config.periode.as_ref().and_then(|p| p.periode());
            let first = period.map_or_else(|| chrono::Datelike::year(&crate::cmd::today()), |p| p.debut.year);
            let last = period.map_or(first + 2, |p| p.fin.year);
            cx.insert("echeance_1", &(first + 2).min(last));
            cx.insert("echeance_2", &last);
            "nouveau-indicateur.md"
        }
        NewKind::Evenement => {
            cx.insert("titre", &titre);
            cx.insert("date", &crate::cmd::today().format("%Y-%m-%d").to_string());
            "nouveau-evenement.md"
        }
    };
    renderer.render(template, &cx)
}

pub fn run(repo: Option<&Path>, args: &NewArgs) -> Result<Outcome> {
    if !is_id(&args.id) {
        let suggestion = slugify(&args.id);
        let help =
            if is_id(&suggestion) { format!("par exemple `{suggestion}`") } else { "par exemple `ch-jury`".into() };
        bail!(
            "identifiant invalide `{}` : minuscules, chiffres, `.`, `_` et `-` seulement, sans espace ni accent\naide : {help}",
            args.id
        );
    }
    let root = load::find_root(repo)?;
    let loaded = load::load(&root)?;
    let kind = match args.kind {
        NewKind::Action => Kind::Action,
        NewKind::Partenaire => Kind::Partenaire,
        NewKind::Indicateur => Kind::Indicateur,
        NewKind::Evenement => Kind::Evenement,
    };
    let relative = format!("fiches/{}/{}.md", kind.folder(), args.id);
    if loaded.repo.ids(kind).contains(&args.id.as_str()) || std::fs::symlink_metadata(root.join(&relative)).is_ok() {
        bail!("`{relative}` existe déjà : choisissez un autre identifiant ou modifiez ce fichier");
    }
    let text = fiche_text(&Renderer::new(&root)?, &loaded.repo, args.kind, &args.id)?;
    create_new(&root.join(&relative), text.as_bytes(), &root)?;
    crate::note!("fiche créée : {relative}");
    crate::note!("ouvrez-la dans votre éditeur, complétez-la, puis lancez `clsm check`");
    Ok(Outcome::Clean)
}
