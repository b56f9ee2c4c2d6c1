//! Writing a generated folder safely.
//!
//! `clsm build --out DIR` owns its folder, so it must never be pointed at something a
//! person owns. A folder clsm creates holds a marker file, `.clsm-site`, which also
//! lists the files the last build wrote; an existing folder without it is refused
//! unless it is empty, and the repository itself, its `fiches/` and their parents
//! are always refused.
//!
//! Each file is written to a temporary name and renamed, so no reader ever sees half
//! a file; a file whose content has not changed is left alone (rebuilding a site
//! after editing one fiche rewrites that fiche's page, not ten thousand pages). When
//! the build is finished, the files the previous build wrote and this one did not
//! (the page of a deleted action) are removed. Files that other commands put there
//! (`bilan-2026.html`) are not in that list and stay.

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
    /// Files the previous build wrote, from the marker.
    previous: HashSet<String>,
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
        let marker = fs::read_to_string(target.join(MARKER)).unwrap_or_default();
        let previous = marker.lines().skip(1).map(str::to_string).collect();
        Ok(OutputDir { root: target.to_path_buf(), previous, written: Mutex::default(), folders: Mutex::default() })
    }

    /// Opens `target` to add one document to it, without claiming the other files.
    pub fn for_document(target: &Path, repo_root: &Path) -> Result<Self> {
        let out = Self::new(target, repo_root)?;
        if !target.join(MARKER).is_file() {
            out.write_marker(&HashSet::new())?;
        }
        Ok(out)
    }

    fn write_marker(&self, files: &HashSet<String>) -> Result<()> {
        let mut list: Vec<&String> = files.iter().filter(|f| *f != MARKER).collect();
        list.sort();
        let mut text = String::from("Dossier produit par clsm. Fichiers de la dernière construction :\n");
        for f in list {
            text.push_str(f);
            text.push('\n');
        }
        self.write(MARKER, text.as_bytes())
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

    /// Removes the files of the previous build that this one did not write, and
    /// records the files of this one.
    pub fn finish(self) -> Result<usize> {
        let written = self.written.lock().map(|w| w.clone()).unwrap_or_default();
        let mut removed = 0;
        let mut emptied = Vec::new();
        for stale in self.previous.difference(&written) {
            // The list comes from a file anyone could edit: stay inside the folder.
            if stale.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
                continue;
            }
            let path = self.root.join(stale);
            if path.is_file() {
                fs::remove_file(&path).with_context(|| format!("impossible de supprimer `{}`", path.display()))?;
                removed += 1;
                emptied.extend(path.parent().map(Path::to_path_buf));
            }
        }
        for folder in emptied {
            if folder != self.root {
                // Only succeeds when the folder is empty.
                let _ = fs::remove_dir(&folder);
            }
        }
        self.write_marker(&written)?;
        Ok(removed)
    }
}

/// Writes one document (`--out FILE` of `report` or `bilan`), atomically. An
/// existing file is replaced only if clsm made it (it carries `marker`).
pub fn write_document(path: &Path, content: &[u8], marker: &str) -> Result<()> {
    if path.is_dir() {
        bail!("`{}` est un dossier : indiquez un nom de fichier", path.display());
    }
    if path.exists() {
        let existing = fs::read(path).unwrap_or_default();
        if !String::from_utf8_lossy(&existing).contains(marker) {
            bail!(
                "`{}` existe et n'a pas été produit par clsm : il n'est pas remplacé\n\
                 aide : choisissez un autre nom de fichier",
                path.display()
            );
        }
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("impossible de créer `{}`", parent.display()))?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.clsm-tmp"));
    fs::write(&temporary, content).with_context(|| format!("impossible d'écrire `{}`", temporary.display()))?;
    fs::rename(&temporary, path).with_context(|| format!("impossible d'écrire `{}`", path.display()))
}

/// Creates `path` with `content`, atomically, and only if it does not exist yet: the
/// content goes to a temporary file first, which is then linked under its name
/// (linking fails when the name is taken, where renaming would replace the file).
pub fn create_new(path: &Path, content: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).with_context(|| format!("impossible de créer `{}`", parent.display()))?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.clsm-tmp"));
    fs::write(&temporary, content).with_context(|| format!("impossible d'écrire `{}`", temporary.display()))?;
    let linked = fs::hard_link(&temporary, path);
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("`{}` existe déjà : il n'est pas remplacé", path.display())
        }
        Err(e) => Err(e).with_context(|| format!("impossible de créer `{}`", path.display())),
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
    fn create_new_never_replaces_a_file() {
        let dir = temp("create-new");
        let path = dir.join("a/fiche.md");
        create_new(&path, b"1").unwrap();
        assert!(create_new(&path, b"2").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"1");
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1, "no temporary file left");
    }

    #[test]
    fn documents_replace_only_what_clsm_made() {
        let dir = temp("documents");
        let path = dir.join("rapport.html");
        write_document(&path, b"<meta name=\"generator\" content=\"clsm\"> 1", "content=\"clsm\"").unwrap();
        write_document(&path, b"<meta name=\"generator\" content=\"clsm\"> 2", "content=\"clsm\"").unwrap();
        assert!(fs::read_to_string(&path).unwrap().ends_with('2'));
        let mine = dir.join("notes.html");
        fs::write(&mine, "mes notes").unwrap();
        assert!(write_document(&mine, b"x", "content=\"clsm\"").is_err());
        assert_eq!(fs::read_to_string(&mine).unwrap(), "mes notes");
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
        fs::write(out.join("bilan-2026.html"), "d'une autre commande").unwrap();
        assert_eq!(second.finish().unwrap(), 1);
        assert!(!out.join("a").exists(), "the emptied folder is gone");
        assert!(out.join("bilan-2026.html").exists(), "files of other commands stay");
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
