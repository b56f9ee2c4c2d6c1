//! Writing a generated folder safely.
//!
//! `clsm build --out DIR` replaces the whole folder, so it must never be pointed at
//! something a person owns. A folder clsm creates holds a marker file; an existing
//! folder without it is refused unless it is empty, and the repository itself, its
//! `fiches/` and their parents are always refused. The new folder is written beside
//! the old one and swapped in at the end, so a failed build leaves the previous site
//! untouched and no reader ever sees half a file.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The file that marks a folder as written by clsm.
pub const MARKER: &str = ".clsm-site";

/// A folder being written, to be swapped into place by [`Staging::commit`].
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Refuses output folders that clsm must not replace.
fn check_target(target: &Path, repo_root: &Path) -> Result<()> {
    let target_abs = absolute(target);
    let root = absolute(repo_root);
    let fiches = root.join("fiches");
    if root.starts_with(&target_abs) {
        bail!(
            "le dossier de sortie `{}` contient le dépôt lui-même : il serait effacé\n\
             aide : choisissez un dossier à part, par exemple `--out _site`",
            target.display()
        );
    }
    if target_abs.starts_with(&fiches) || target_abs.starts_with(root.join("templates")) {
        bail!("le dossier de sortie `{}` est dans les fiches ou les modèles du dépôt", target.display());
    }
    if target.exists() {
        if !target.is_dir() {
            bail!("`{}` existe et n'est pas un dossier", target.display());
        }
        let empty = fs::read_dir(target)
            .with_context(|| format!("impossible de lire `{}`", target.display()))?
            .next()
            .is_none();
        if !empty && !target.join(MARKER).is_file() {
            bail!(
                "le dossier `{}` n'est pas vide et n'a pas été créé par clsm : il n'est pas remplacé\n\
                 aide : choisissez un dossier vide ou nouveau",
                target.display()
            );
        }
    }
    Ok(())
}

impl Staging {
    /// Prepares to replace `target` (checked against `repo_root`).
    pub fn new(target: &Path, repo_root: &Path) -> Result<Self> {
        check_target(target, repo_root)?;
        let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "site".into());
        let parent = absolute(target).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent).with_context(|| format!("impossible de créer `{}`", parent.display()))?;
        let staging = parent.join(format!(".{name}.clsm-en-cours"));
        if staging.exists() {
            fs::remove_dir_all(&staging).with_context(|| format!("impossible de vider `{}`", staging.display()))?;
        }
        fs::create_dir_all(&staging).with_context(|| format!("impossible de créer `{}`", staging.display()))?;
        fs::write(staging.join(MARKER), "Dossier produit par clsm : il est remplacé à chaque construction.\n")
            .with_context(|| format!("impossible d'écrire dans `{}`", staging.display()))?;
        Ok(Staging { target: target.to_path_buf(), staging })
    }

    /// Writes `content` at `relative` (with `/`) inside the new folder.
    pub fn write(&self, relative: &str, content: &[u8]) -> Result<()> {
        let path = self.staging.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("impossible de créer `{}`", parent.display()))?;
        }
        fs::write(&path, content).with_context(|| format!("impossible d'écrire `{}`", path.display()))
    }

    /// Puts the new folder in place of the old one.
    pub fn commit(self) -> Result<()> {
        let old = self.staging.with_extension("ancien");
        if self.target.exists() {
            if old.exists() {
                fs::remove_dir_all(&old).with_context(|| format!("impossible de supprimer `{}`", old.display()))?;
            }
            fs::rename(&self.target, &old)
                .with_context(|| format!("impossible de déplacer `{}`", self.target.display()))?;
        }
        fs::rename(&self.staging, &self.target)
            .with_context(|| format!("impossible de créer `{}`", self.target.display()))?;
        if old.exists() {
            fs::remove_dir_all(&old).with_context(|| format!("impossible de supprimer `{}`", old.display()))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that failed leaves no half-written folder behind.
    fn drop(&mut self) {
        if self.staging.exists() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("clsm-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn refuses_the_repository_and_its_parents() {
        let repo = temp("repo");
        assert!(Staging::new(&repo, &repo).is_err());
        assert!(Staging::new(repo.parent().unwrap(), &repo).is_err());
        assert!(Staging::new(&repo.join("fiches/actions"), &repo).is_err());
    }

    #[test]
    fn refuses_a_folder_someone_else_filled() {
        let repo = temp("repo2");
        let home = temp("home");
        fs::write(home.join("lettre.odt"), "précieux").unwrap();
        let err = Staging::new(&home, &repo).err().unwrap().to_string();
        assert!(err.contains("n'a pas été créé par clsm"), "{err}");
        assert!(home.join("lettre.odt").exists());
    }

    #[test]
    fn replaces_its_own_folder_and_drops_stale_files() {
        let repo = temp("repo3");
        let out = repo.join("_site");
        let first = Staging::new(&out, &repo).unwrap();
        first.write("a/ancienne.html", b"1").unwrap();
        first.commit().unwrap();
        let second = Staging::new(&out, &repo).unwrap();
        second.write("index.html", b"2").unwrap();
        second.commit().unwrap();
        assert!(out.join("index.html").exists());
        assert!(!out.join("a/ancienne.html").exists());
        assert!(out.join(MARKER).exists());
    }

    #[test]
    fn a_failed_build_leaves_the_old_site() {
        let repo = temp("repo4");
        let out = repo.join("_site");
        let first = Staging::new(&out, &repo).unwrap();
        first.write("index.html", b"1").unwrap();
        first.commit().unwrap();
        let failed = Staging::new(&out, &repo).unwrap();
        failed.write("index.html", b"2").unwrap();
        drop(failed);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"1");
    }
}
