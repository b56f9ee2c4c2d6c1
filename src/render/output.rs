//! Writing a generated folder safely.
//!
//! `clsm build --out DIR` owns its folder: it removes files it did not write, so it
//! must never be pointed at something a person owns. A folder clsm creates holds a
//! marker file; an existing folder without it is refused unless it is empty, and the
//! repository itself, its `fiches/` and their parents are always refused.
//!
//! Each file is written to a temporary name and renamed, so no reader ever sees half
//! a file; a file whose content has not changed is left alone (rebuilding a site
//! after editing one fiche rewrites that fiche's page, not ten thousand pages). When
//! the build is finished, files of earlier builds that are no longer produced (an
//! action that was deleted) are removed.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};

/// The file that marks a folder as written by clsm.
pub const MARKER: &str = ".clsm-site";

/// An output folder being written.
pub struct OutputDir {
    root: PathBuf,
    /// Paths written (relative, with `/`) and folders known to exist.
    written: Mutex<HashSet<String>>,
    folders: Mutex<HashSet<PathBuf>>,
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Refuses output folders that clsm must not replace.
fn check_target(target: &Path, repo_root: &Path) -> Result<()> {
    let target_abs = absolute(target);
    let root = absolute(repo_root);
    if root.starts_with(&target_abs) {
        bail!(
            "le dossier de sortie `{}` contient le dépôt lui-même : il serait effacé\n\
             aide : choisissez un dossier à part, par exemple `--out _site`",
            target.display()
        );
    }
    if target_abs.starts_with(root.join("fiches")) || target_abs.starts_with(root.join("templates")) {
        bail!("le dossier de sortie `{}` est dans les fiches ou les modèles du dépôt", target.display());
    }
    if target.exists() {
        if !target.is_dir() {
            bail!("`{}` existe et n'est pas un dossier", target.display());
        }
        let mut entries = fs::read_dir(target).with_context(|| format!("impossible de lire `{}`", target.display()))?;
        if entries.next().is_some() && !target.join(MARKER).is_file() {
            bail!(
                "le dossier `{}` n'est pas vide et n'a pas été créé par clsm : il n'est pas remplacé\n\
                 aide : choisissez un dossier vide ou nouveau",
                target.display()
            );
        }
    }
    Ok(())
}

impl OutputDir {
    /// Opens `target` (checked against `repo_root`) for writing, creating it if needed.
    pub fn new(target: &Path, repo_root: &Path) -> Result<Self> {
        check_target(target, repo_root)?;
        fs::create_dir_all(target).with_context(|| format!("impossible de créer `{}`", target.display()))?;
        let out = OutputDir { root: target.to_path_buf(), written: Mutex::default(), folders: Mutex::default() };
        out.write(MARKER, "Dossier produit par clsm : il est réécrit à chaque construction.\n".as_bytes())?;
        Ok(out)
    }

    /// Writes `content` at `relative` (with `/`), atomically, unless it is already there.
    pub fn write(&self, relative: &str, content: &[u8]) -> Result<()> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            let known = self.folders.lock().map(|f| f.contains(parent)).unwrap_or(false);
            if !known {
                fs::create_dir_all(parent).with_context(|| format!("impossible de créer `{}`", parent.display()))?;
                if let Ok(mut folders) = self.folders.lock() {
                    folders.insert(parent.to_path_buf());
                }
            }
        }
        if let Ok(mut written) = self.written.lock() {
            written.insert(relative.to_string());
        }
        if fs::read(&path).is_ok_and(|old| old == content) {
            return Ok(());
        }
        let temporary = path
            .with_file_name(format!(".{}.clsm-tmp", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
        fs::write(&temporary, content).with_context(|| format!("impossible d'écrire `{}`", temporary.display()))?;
        fs::rename(&temporary, &path).with_context(|| format!("impossible d'écrire `{}`", path.display()))
    }

    /// Removes the files of earlier builds that this one did not write.
    pub fn finish(self) -> Result<usize> {
        let written = self.written.into_inner().unwrap_or_default();
        let mut removed = 0;
        let mut folders = Vec::new();
        for entry in walkdir::WalkDir::new(&self.root).min_depth(1).follow_links(false) {
            let entry = entry.with_context(|| format!("impossible de parcourir `{}`", self.root.display()))?;
            let relative = entry.path().strip_prefix(&self.root).unwrap_or(entry.path());
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            if entry.file_type().is_dir() {
                folders.push(entry.path().to_path_buf());
            } else if !written.contains(&relative) {
                fs::remove_file(entry.path())
                    .with_context(|| format!("impossible de supprimer `{}`", entry.path().display()))?;
                removed += 1;
            }
        }
        // Deepest first, so that emptied parents go too; folders still in use stay.
        for folder in folders.iter().rev() {
            let _ = fs::remove_dir(folder);
        }
        Ok(removed)
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
        assert!(OutputDir::new(&repo, &repo).is_err());
        assert!(OutputDir::new(repo.parent().unwrap(), &repo).is_err());
        assert!(OutputDir::new(&repo.join("fiches/actions"), &repo).is_err());
    }

    #[test]
    fn refuses_a_folder_someone_else_filled() {
        let repo = temp("repo2");
        let home = temp("home");
        fs::write(home.join("lettre.odt"), "précieux").unwrap();
        let err = OutputDir::new(&home, &repo).err().unwrap().to_string();
        assert!(err.contains("n'a pas été créé par clsm"), "{err}");
        assert!(home.join("lettre.odt").exists());
    }

    #[test]
    fn drops_stale_files_and_keeps_unchanged_ones() {
        let repo = temp("repo3");
        let out = repo.join("_site");
        let first = OutputDir::new(&out, &repo).unwrap();
        first.write("a/ancienne.html", b"1").unwrap();
        first.write("index.html", b"2").unwrap();
        first.finish().unwrap();
        let modified = fs::metadata(out.join("index.html")).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let second = OutputDir::new(&out, &repo).unwrap();
        second.write("index.html", b"2").unwrap();
        second.write("b/nouvelle.html", b"3").unwrap();
        assert_eq!(second.finish().unwrap(), 1);
        assert!(!out.join("a").exists(), "the emptied folder is gone");
        assert!(out.join("b/nouvelle.html").exists());
        assert!(out.join(MARKER).exists());
        assert_eq!(fs::metadata(out.join("index.html")).unwrap().modified().unwrap(), modified);
        let leftovers: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".clsm-tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
