//! `clsm init`: a new data repository that passes `check`, and `--templates` to copy
//! the built-in templates for editing. Never replaces a file.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::Datelike;

use crate::cli::{InitArgs, NewKind};
use crate::cmd::Outcome;
use crate::cmd::new::fiche_text_citing;
use crate::files::write::create_new;
use crate::load::{self, CONFIG_FILE};
use crate::model::config::PLACEHOLDER_AXES;
use crate::render::{Renderer, TEMPLATES};

/// The contract of a new repository, for the year `year`.
fn config(year: i32) -> String {
    format!(
        r#"# Le contrat : son titre, son territoire, sa période, ses axes et ses thématiques.
# Voir le README de clsm pour toutes les clés.
titre = "Contrat local de santé"
type = "CLS"                      # CLS ou CLSM
territoire = "Nom du territoire"
periode = {{ debut = {year}, fin = {end} }}
porteur = "porteur"               # l'identifiant d'un fichier de fiches/partenaires/
coordination = "Coordination du contrat"

[[axes]]
id = "{a1}"
titre = "{t1}"

[[axes]]
id = "{a2}"
titre = "{t2}"

[[thematiques]]
id = "sante-mentale"
titre = "Santé mentale"

{dimensions}"#,
        dimensions = crate::model::ventilation::USUAL_DIMENSIONS,
        end = year + 4,
        a1 = PLACEHOLDER_AXES[0].0,
        t1 = PLACEHOLDER_AXES[0].1,
        a2 = PLACEHOLDER_AXES[1].0,
        t2 = PLACEHOLDER_AXES[1].1,
    )
}

/// Creates `relative` under `dir` unless it exists; says what it did.
fn create(dir: &Path, relative: &str, content: &str, created: &mut Vec<String>) -> Result<()> {
    let path = dir.join(relative);
    if fs::symlink_metadata(&path).is_ok() {
        crate::note!("conservé : {relative} (existe déjà)");
        return Ok(());
    }
    create_new(&path, content.as_bytes(), dir)?;
    created.push(relative.to_string());
    Ok(())
}

fn copy_templates(dir: &Path, created: &mut Vec<String>) -> Result<()> {
    for (name, content) in TEMPLATES {
        create(dir, &format!("templates/{name}"), content, created)?;
    }
    Ok(())
}

pub fn run(args: &InitArgs) -> Result<Outcome> {
    let dir: PathBuf = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut created = Vec::new();
    if dir.join(CONFIG_FILE).is_file() {
        if !args.templates {
            bail!("`{}` est déjà un dépôt clsm (il a un {CONFIG_FILE})", dir.display());
        }
        copy_templates(&dir, &mut created)?;
    } else {
        let non_empty = dir.is_dir()
            && fs::read_dir(&dir).with_context(|| format!("impossible de lire `{}`", dir.display()))?.next().is_some();
        if non_empty && !args.force {
            bail!(
                "le dossier `{}` n'est pas vide\naide : choisissez un dossier vide, ou ajoutez `--force` (aucun fichier existant ne sera remplacé)",
                dir.display()
            );
        }
        fs::create_dir_all(&dir).with_context(|| format!("impossible de créer `{}`", dir.display()))?;
        let year = crate::cmd::today().year();
        create(&dir, CONFIG_FILE, &config(year), &mut created)?;
        create(&dir, ".gitignore", "# Les documents produits par clsm build et clsm bilan.\n_site/\n", &mut created)?;
        // The fiches are written from the same templates as `clsm new`, in a repository
        // that already has its contract, so that they reference its axis and porteur.
        let repo = load::load(&dir)?.repo;
        let renderer = Renderer::new(&dir)?;
        let fiches = [
            (NewKind::Partenaire, "porteur", "fiches/partenaires/porteur.md", ""),
            (NewKind::Indicateur, "reunions-organisees", "fiches/indicateurs/reunions-organisees.md", ""),
            (NewKind::Action, "premiere-action", "fiches/actions/premiere-action.md", "reunions-organisees"),
        ];
        for (kind, id, path, cites) in fiches {
            let text = fiche_text_citing(&renderer, &repo, kind, id, cites)?;
            create(&dir, path, &text, &mut created)?;
        }
        if args.templates {
            copy_templates(&dir, &mut created)?;
        }
    }
    for path in &created {
        crate::note!("créé : {path}");
    }
    crate::note!("prochaine étape : `clsm check` dans `{}`", dir.display());
    Ok(Outcome::Clean)
}
