//! A data repository as it was at a git revision, read with gix (no `git` program),
//! or as it is in the working tree. The data folder may be anywhere inside the git
//! repository.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};

use crate::files::read_regular;
use crate::load::{self, CONFIG_FILE, Loaded};

/// The files of a data repository: `clsm.toml` and every `fiches/*/*.md`.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub config: Vec<u8>,
    pub fiches: Vec<(String, Vec<u8>)>,
}

impl Snapshot {
    /// Reads the snapshot as a repository.
    pub fn load(&self) -> Loaded {
        load::load_from_memory(&self.config, &self.fiches)
    }
}

/// Is `path` (relative to the data folder, with `/`) a file the format reads?
fn is_data_file(path: &str) -> bool {
    if path == CONFIG_FILE {
        return true;
    }
    let parts: Vec<&str> = path.split('/').collect();
    matches!(parts.as_slice(), ["fiches", folder, name] if crate::model::Kind::from_folder(folder).is_some() && name.ends_with(".md"))
}

/// The data folder's path inside the git repository, with `/` (empty at the root).
fn prefix(repo: &gix::Repository, data_root: &Path) -> Result<String> {
    let workdir = repo.workdir().ok_or_else(|| anyhow!("le dépôt git n'a pas de copie de travail"))?;
    let workdir = workdir.canonicalize().with_context(|| format!("impossible de lire `{}`", workdir.display()))?;
    let data = data_root.canonicalize().with_context(|| format!("impossible de lire `{}`", data_root.display()))?;
    let relative =
        data.strip_prefix(&workdir).map_err(|_| anyhow!("`{}` n'est pas dans le dépôt git", data.display()))?;
    Ok(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

/// The data repository at `data_root` as it was at `revision` (`HEAD`, `main~2`, a tag…).
pub fn at_revision(data_root: &Path, revision: &str) -> Result<Snapshot> {
    // gix says why in English: the French sentence is the whole message.
    let repo = gix::discover(data_root).map_err(|_| {
        anyhow!(
            "`{}` n'est pas dans un dépôt git\naide : `clsm diff` compare avec une révision git ; lancez-le dans le dossier cloné",
            data_root.display()
        )
    })?;
    let prefix = prefix(&repo, data_root)?;
    let id = repo.rev_parse_single(revision).map_err(|_| unknown_revision(&repo, revision))?;
    let root = id
        .object()
        .context("objet git illisible")?
        .peel_to_tree()
        .context("la révision n'a pas d'arbre de fichiers")?;
    let tree = if prefix.is_empty() {
        root
    } else {
        match root.lookup_entry_by_path(&prefix).context("arbre git illisible")? {
            Some(entry) => {
                entry.object().context("objet git illisible")?.peel_to_tree().context("arbre git illisible")?
            }
            None => bail!("le dossier `{prefix}` n'existe pas à la révision `{revision}`"),
        }
    };
    let mut snapshot = Snapshot::default();
    let entries = tree.traverse().breadthfirst.files().context("arbre git illisible")?;
    for entry in entries {
        let path = entry.filepath.to_string();
        let in_data =
            is_data_file(&path) || path == "fiches" || path.split('/').count() == 2 && path.starts_with("fiches/");
        if entry.mode.is_link() && in_data {
            bail!(
                "`{path}` est un lien symbolique à la révision `{revision}` : il n'est pas suivi\n\
                 aide : un dépôt de contrat ne contient que des fichiers ordinaires"
            );
        }
        if !entry.mode.is_blob() || !is_data_file(&path) {
            continue;
        }
        // The same bound as on disk: a blob of gigabytes is not read into memory.
        let limit = if path == CONFIG_FILE { load::CONFIG_LIMIT } else { load::FICHE_LIMIT };
        let size = repo.find_header(entry.oid).context("objet git illisible")?.size();
        if size > limit {
            bail!("`{path}` dépasse {} à la révision `{revision}` : il n'est pas lu", crate::files::read::size(limit));
        }
        let data = repo.find_object(entry.oid).context("objet git illisible")?.detach().data;
        if path == CONFIG_FILE {
            snapshot.config = data;
        } else {
            snapshot.fiches.push((path, data));
        }
    }
    if snapshot.config.is_empty() {
        bail!(
            "pas de {CONFIG_FILE} dans `{}` à la révision `{revision}`",
            if prefix.is_empty() { "." } else { &prefix }
        );
    }
    snapshot.fiches.sort();
    Ok(snapshot)
}

/// Why `revision` names no commit, in French (gix says it in English): how far the
/// history goes back, and the branches there are.
fn unknown_revision(repo: &gix::Repository, revision: &str) -> anyhow::Error {
    let branches: Vec<String> = repo
        .references()
        .ok()
        .and_then(|r| r.local_branches().ok().map(|b| b.flatten().map(|r| r.name().shorten().to_string()).collect()))
        .unwrap_or_default();
    let depth = repo
        .head_commit()
        .ok()
        .and_then(|c| c.ancestors().all().ok())
        .map(|walk| walk.take(100_000).filter(Result::is_ok).count());
    let help = if revision.contains(['~', '^']) {
        let shallow = if repo.is_shallow().unwrap_or(false) {
            " ; ce clone est partiel : en CI, récupérez tout l'historique (`fetch-depth: 0` avec actions/checkout)"
        } else {
            ""
        };
        let depth = match depth {
            Some(1) => "l'historique ne compte qu'un commit : comparez avec `HEAD`".to_string(),
            Some(n) if n > 1 => format!("l'historique ne compte que {n} commits : le plus ancien est `HEAD~{}`", n - 1),
            _ => "le dépôt n'a encore aucun commit lisible".to_string(),
        };
        format!("{depth}{shallow}")
    } else {
        let named = crate::model::yaml::quoted_list(&branches);
        match crate::suggest::did_you_mean(revision, branches.iter().map(String::as_str)) {
            Some(near) if !branches.is_empty() => format!("{near} branches : {named}"),
            _ if !branches.is_empty() => {
                format!("par exemple `HEAD`, `HEAD~1`, une branche ({named}) ou un identifiant de commit")
            }
            _ => "par exemple `HEAD`, `HEAD~1` ou un identifiant de commit".to_string(),
        }
    };
    anyhow!("révision inconnue `{revision}`\naide : {help}")
}

/// The data repository as it is on disk.
pub fn working_tree(data_root: &Path) -> Result<Snapshot> {
    let config = data_root.join(CONFIG_FILE);
    // The same bounds as `clsm check`: regular files only, never through a link.
    let config = read_regular(&config, load::CONFIG_LIMIT)
        .with_context(|| format!("impossible de lire `{}`", config.display()))?;
    Ok(Snapshot { config, fiches: load::fiche_files(data_root)? })
}
