//! Writing outputs: never through a symbolic link, never half a file, never over a
//! file clsm did not make.
//!
//! - Every output path is first [`resolve`]d: made absolute, `.` and `..` folded,
//!   existing links resolved, and a link inside the repository refused. What is
//!   checked is then exactly what is written.
//! - A folder (`clsm build`) is written into a fresh staging folder beside the target
//!   ([`SiteWriter`]) and swapped into place, whole, when it is complete; the old
//!   folder goes only if it carries clsm's marker, checked by its exact first line,
//!   and nothing of it is kept (its marker can be forged). A build that
//!   fails or is stopped leaves the previous folder as it was; a build that was killed
//!   leaves a staging folder that the next build removes. Two builds into one folder
//!   swap one after the other, under a lock.
//! - A single file ([`write_document`], [`create_new`], [`write_into_site`]) goes to
//!   a unique temporary name in its folder, then is renamed. An existing file is
//!   replaced only when it starts with clsm's exact signature for that kind of
//!   document; [`create_new`] never replaces anything.

use std::collections::{BTreeSet, HashSet};
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, anyhow, bail};

use crate::files::read::{ReadError, read_head, read_regular, special_kind};
use crate::limits;

/// The file that marks a folder as written by clsm, and lists the files of its build.
pub const MARKER: &str = ".clsm-site";

/// The first line of [`MARKER`], compared exactly.
const MARKER_SIGNATURE: &str = "Dossier produit par clsm. Fichiers de la dernière construction :";

/// The most a marker may weigh (ten thousand pages list in about 400 ko).
const MARKER_LIMIT: u64 = 64 << 20;

/// The most of an existing PDF that is read to find its signature.
const DOCUMENT_LIMIT: u64 = 256 << 20;

/// The bytes of an existing document read to find a signature at its start.
const SIGNATURE_HEAD: u64 = 64 << 10;

/// The folders of a repository that no output may go into.
const SOURCE_FOLDERS: &[&str] = &["fiches", "templates", "assets", "bilans", "contrat", ".git"];

/// `path` made absolute with `.` and `..` folded and its existing symbolic links
/// resolved. A link inside `repo` (canonical), or a link as the last component, is
/// refused: clsm never writes through one.
pub fn resolve(path: &Path, repo: &Path) -> Result<PathBuf> {
    let absolute =
        std::path::absolute(path).with_context(|| format!("chemin impossible à lire `{}`", path.display()))?;
    let mut resolved = PathBuf::new();
    let mut exists = true;
    let count = absolute.components().count();
    for (n, component) in absolute.components().enumerate() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            // `resolved` holds no link: removing its last name is what the system does.
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                let next = resolved.join(name);
                if !exists {
                    resolved = next;
                    continue;
                }
                match fs::symlink_metadata(&next) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        exists = false;
                        resolved = next;
                    }
                    Err(e) => return Err(e).with_context(|| format!("impossible de lire `{}`", next.display())),
                    Ok(m) if m.file_type().is_symlink() => {
                        if resolved.starts_with(repo) || n + 1 == count {
                            bail!(
                                "`{}` est un lien symbolique : clsm n'écrit jamais à travers un lien\n\
                                 aide : remplacez le lien par un vrai dossier, ou choisissez un autre chemin",
                                next.display()
                            );
                        }
                        // A link of the user's own, outside the repository (`/tmp` on macOS).
                        resolved = next
                            .canonicalize()
                            .with_context(|| format!("impossible de suivre `{}`", next.display()))?;
                    }
                    Ok(_) => resolved = next,
                }
            }
        }
    }
    Ok(resolved)
}

/// The repository's root, canonical, for comparisons.
fn canonical_repo(repo_root: &Path) -> Result<PathBuf> {
    repo_root.canonicalize().with_context(|| format!("impossible de lire `{}`", repo_root.display()))
}

/// The parent folder and the name of a resolved path.
fn split(path: &Path) -> Result<(&Path, OsString)> {
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => Ok((parent, name.to_os_string())),
        _ => bail!("`{}` ne peut pas recevoir de fichiers : choisissez un sous-dossier", path.display()),
    }
}

/// Refuses an output folder that would hold or replace the repository's sources.
fn check_not_sources(target: &Path, repo: &Path, shown: &Path) -> Result<()> {
    if repo.starts_with(target) {
        bail!(
            "la sortie `{}` contient le dépôt lui-même : il serait remplacé\n\
             aide : écrivez dans le dépôt, par exemple `--out _site` pour un site, `--out bilan.html` pour un document",
            shown.display()
        );
    }
    // `FICHES/` is `fiches/` on a disk that ignores case, and a folder the
    // repository reads everywhere else.
    let inside = target.strip_prefix(repo).ok().and_then(|rest| rest.components().next());
    let first = inside.map(|c| c.as_os_str().to_string_lossy().to_lowercase());
    if SOURCE_FOLDERS.iter().any(|f| first.as_deref() == Some(&f.to_lowercase())) {
        bail!(
            "la sortie `{}` est dans les sources du dépôt (fiches, modèles, images, textes, bilans ou `.git`)\n\
             aide : écrivez hors des sources, par exemple `--out _site` pour un site, `--out bilan.html` pour un document",
            shown.display()
        );
    }
    Ok(())
}

/// What is at a resolved output path.
enum Existing {
    Nothing,
    /// An empty folder.
    Empty,
    /// A folder with clsm's marker: the files its last build wrote.
    Site(BTreeSet<String>),
}

/// Looks at the folder `target`, refusing anything clsm must not replace.
fn existing_folder(target: &Path, shown: &Path) -> Result<Existing> {
    let metadata = match fs::symlink_metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(e) => return Err(e).with_context(|| format!("impossible de lire `{}`", shown.display())),
        Ok(m) => m,
    };
    if !metadata.is_dir() {
        bail!("`{}` existe et n'est pas un dossier : il n'est pas remplacé", shown.display());
    }
    let mut entries = fs::read_dir(target).with_context(|| format!("impossible de lire `{}`", shown.display()))?;
    if entries.next().is_none() {
        return Ok(Existing::Empty);
    }
    match read_marker(target) {
        Some(files) => Ok(Existing::Site(files)),
        None => bail!(
            "le dossier `{}` n'est pas vide et n'a pas été produit par clsm : il n'est pas remplacé\n\
             aide : choisissez un dossier vide ou nouveau",
            shown.display()
        ),
    }
}

/// The files listed by the marker of `folder`, if it has clsm's exact marker.
fn read_marker(folder: &Path) -> Option<BTreeSet<String>> {
    let bytes = read_regular(&folder.join(MARKER), MARKER_LIMIT).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut lines = text.lines();
    (lines.next()? == MARKER_SIGNATURE).then(|| lines.map(str::to_string).collect())
}

/// A lock on a folder, held until dropped (nothing when locks are not available).
struct FolderLock {
    _held: Option<File>,
}

impl FolderLock {
    /// Opens `folder` without following a link.
    fn open(folder: &Path) -> Option<File> {
        let mut options = fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW | libc::O_DIRECTORY);
        }
        options.open(folder).ok()
    }

    /// Waits for the lock on `folder`.
    fn wait(folder: &Path) -> Self {
        let file = Self::open(folder);
        if let Some(f) = &file {
            let _ = f.lock();
        }
        FolderLock { _held: file }
    }

    /// Takes the lock on `folder` if nobody holds it.
    fn try_take(folder: &Path) -> Option<Self> {
        let file = Self::open(folder)?;
        file.try_lock().ok()?;
        Some(FolderLock { _held: Some(file) })
    }
}

/// The prefix of the staging folders of `name`: `.NAME.clsm-`.
fn staging_prefix(name: &OsString) -> String {
    format!(".{}.clsm-", name.to_string_lossy())
}

/// Removes the staging folders that a killed build of `name` left in `parent`: the
/// ones nobody holds a lock on, empty or marked by clsm.
fn remove_stale_staging(parent: &Path, name: &OsString) {
    let prefix = staging_prefix(name);
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir || !entry.file_name().to_string_lossy().starts_with(&prefix) {
            continue;
        }
        let path = entry.path();
        let Some(_lock) = FolderLock::try_take(&path) else { continue };
        let empty = fs::read_dir(&path).is_ok_and(|mut e| e.next().is_none());
        if empty || read_marker(&path).is_some() {
            // Never follows a link: only the folder's own entries go.
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Checks that `relative` (with `/`) stays inside its folder.
fn check_relative(relative: &str) -> Result<()> {
    let fine = !relative.is_empty()
        && relative.split('/').all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
    if fine { Ok(()) } else { Err(anyhow!("chemin de sortie invalide `{relative}`")) }
}

/// Writes `content` to a new file at `path`, which must not exist.
fn write_new_file(path: &Path, content: &[u8]) -> Result<()> {
    let mut file = File::create_new(path).with_context(|| format!("impossible de créer `{}`", path.display()))?;
    file.write_all(content).with_context(|| format!("impossible d'écrire `{}`", path.display()))
}

/// The most one page written as it renders may weigh. A page of the site at
/// 10,000 actions weighs 9 Mo at most; a template of the repository that loops
/// would otherwise fill the disk until the command's time runs out, where a page
/// held in memory stopped at the memory limit.
const PAGE_LIMIT: u64 = 1 << 30;

/// A file being written, whose errors name it: they may come back through a
/// template's rendering, which knows nothing of the file. It refuses to grow
/// beyond `left` more bytes.
struct Named<'a, W> {
    inner: W,
    path: &'a Path,
    left: u64,
}

impl<W: Write> Named<'_, W> {
    fn named(&self, e: std::io::Error) -> std::io::Error {
        std::io::Error::new(e.kind(), format!("impossible d'écrire `{}` : {e}", self.path.display()))
    }
}

impl<W: Write> Write for Named<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() as u64 > self.left {
            let too_big = std::io::Error::other(format!(
                "la page dépasse {} Go\naide : un modèle du dépôt (dossier `templates/`) écrit-il sans fin ?",
                PAGE_LIMIT >> 30
            ));
            return Err(self.named(too_big));
        }
        let written = self.inner.write(buf).map_err(|e| self.named(e))?;
        self.left -= written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().map_err(|e| self.named(e))
    }
}

/// Where a document set goes: a folder on disk ([`SiteWriter`], `clsm build`) or
/// memory (`clsm serve`).
pub trait Destination: Sync {
    /// Writes `content` at `relative` (with `/`).
    fn write(&self, relative: &str, content: &[u8]) -> Result<()>;

    /// Writes at `relative` what `fill` writes, as it writes it where the
    /// destination allows: a page of megabytes need not be held whole.
    fn write_with(&self, relative: &str, fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()> {
        let mut content = Vec::new();
        fill(&mut content)?;
        self.write(relative, &content)
    }
}

impl Destination for SiteWriter {
    fn write(&self, relative: &str, content: &[u8]) -> Result<()> {
        SiteWriter::write(self, relative, content)
    }

    fn write_with(&self, relative: &str, fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()> {
        SiteWriter::write_with(self, relative, fill)
    }
}

/// A folder of outputs being written (`clsm build`).
pub struct SiteWriter {
    /// The resolved target.
    target: PathBuf,
    /// How the target was named on the command line, for messages.
    shown: PathBuf,
    staging: tempfile::TempDir,
    /// Held while the staging folder is in use, so that no other build removes it.
    _staging_lock: FolderLock,
    _cleanup: limits::Cleanup,
    written: Mutex<BTreeSet<String>>,
    folders: Mutex<HashSet<PathBuf>>,
}

impl SiteWriter {
    /// Prepares to write the folder `out` of the repository at `repo_root`.
    pub fn new(out: &Path, repo_root: &Path) -> Result<Self> {
        let repo = canonical_repo(repo_root)?;
        let target = resolve(out, &repo)?;
        check_not_sources(&target, &repo, out)?;
        existing_folder(&target, out)?;
        let (parent, name) = split(&target)?;
        fs::create_dir_all(parent).with_context(|| format!("impossible de créer `{}`", parent.display()))?;
        // Under the parent's lock, so that no other build takes this new, still
        // unlocked staging folder for a stale one and removes it.
        let parent_lock = FolderLock::wait(parent);
        remove_stale_staging(parent, &name);
        let prefix = staging_prefix(&name);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        // The published folder is readable by all (`rwxr-xr-x` under the usual umask).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
        let staging = builder
            .tempdir_in(parent)
            .with_context(|| format!("impossible de créer un dossier dans `{}`", parent.display()))?;
        let staging_lock = FolderLock::try_take(staging.path()).unwrap_or(FolderLock { _held: None });
        let cleanup = limits::remove_on_abort(staging.path().to_path_buf());
        write_new_file(&staging.path().join(MARKER), format!("{MARKER_SIGNATURE}\n").as_bytes())?;
        drop(parent_lock);
        Ok(SiteWriter {
            target,
            shown: out.to_path_buf(),
            staging,
            _staging_lock: staging_lock,
            _cleanup: cleanup,
            written: Mutex::default(),
            folders: Mutex::default(),
        })
    }

    /// Writes `content` at `relative` (with `/`) in the new folder.
    pub fn write(&self, relative: &str, content: &[u8]) -> Result<()> {
        let path = self.place(relative)?;
        write_new_file(&path, content)?;
        self.done(relative)
    }

    /// Writes at `relative` (with `/`) in the new folder what `fill` writes, as it
    /// goes. When `fill` fails, the file is removed: no page is left half written.
    pub fn write_with(&self, relative: &str, fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()> {
        let path = self.place(relative)?;
        let file = File::create_new(&path).with_context(|| format!("impossible de créer `{}`", path.display()))?;
        let mut out = Named { inner: std::io::BufWriter::with_capacity(1 << 16, file), path: &path, left: PAGE_LIMIT };
        if let Err(e) = fill(&mut out).and_then(|()| Ok(out.flush()?)) {
            // What is still in the buffer is not written: the file goes.
            drop(out.inner.into_parts());
            let _ = fs::remove_file(&path);
            return Err(e);
        }
        self.done(relative)
    }

    /// Where `relative` goes in the new folder, its folder made: `relative` must
    /// stay inside it and not be the marker.
    fn place(&self, relative: &str) -> Result<PathBuf> {
        check_relative(relative)?;
        if relative == MARKER {
            bail!("`{MARKER}` est réservé à clsm");
        }
        let path = self.staging.path().join(relative);
        if let Some(parent) = path.parent() {
            let mut folders = self.folders.lock().map_err(|_| anyhow!("écriture interrompue"))?;
            if !folders.contains(parent) {
                fs::create_dir_all(parent).with_context(|| format!("impossible de créer `{}`", parent.display()))?;
                folders.insert(parent.to_path_buf());
            }
        }
        Ok(path)
    }

    /// Counts `relative` among the files written.
    fn done(&self, relative: &str) -> Result<()> {
        self.written.lock().map_err(|_| anyhow!("écriture interrompue"))?.insert(relative.to_string());
        Ok(())
    }

    /// Puts the new folder in place of the old one; returns how many files of the
    /// old build the new one no longer has.
    pub fn finish(self) -> Result<usize> {
        let written = self.written.lock().map_err(|_| anyhow!("écriture interrompue"))?.clone();
        let mut marker = format!("{MARKER_SIGNATURE}\n");
        for file in &written {
            marker.push_str(file);
            marker.push('\n');
        }
        let staged_marker = self.staging.path().join(MARKER);
        let temporary = self.staging.path().join(".clsm-site.nouveau");
        write_new_file(&temporary, marker.as_bytes())?;
        fs::rename(&temporary, &staged_marker)
            .with_context(|| format!("impossible d'écrire `{}`", staged_marker.display()))?;
        let (parent, _) = split(&self.target)?;
        let _lock = FolderLock::wait(parent);
        // Looked at again under the lock: another command may have changed it.
        let dropped = match existing_folder(&self.target, &self.shown)? {
            Existing::Nothing => {
                rename(self.staging.path(), &self.target)?;
                0
            }
            Existing::Empty => {
                exchange(self.staging.path(), &self.target)?;
                0
            }
            // Nothing of the old folder is kept, not even the bilans another command
            // added: a committed `_site/` with a forged marker would otherwise
            // smuggle its own pages into every later site.
            Existing::Site(previous) => {
                exchange(self.staging.path(), &self.target)?;
                previous.difference(&written).count()
            }
        };
        // The staging path now holds the old folder, or nothing: `TempDir` removes it.
        Ok(dropped)
    }
}

/// Renames `from` to `to`, which does not exist.
fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).with_context(|| format!("impossible de mettre `{}` en place", to.display()))
}

/// Swaps the folders `a` and `b`: atomically where the system can, else in two renames.
fn exchange(a: &Path, b: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let (ca, cb) =
            (std::ffi::CString::new(a.as_os_str().as_bytes())?, std::ffi::CString::new(b.as_os_str().as_bytes())?);
        // SAFETY: both paths are valid NUL-terminated strings.
        let done =
            unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
        if done == 0 {
            return Ok(());
        }
    }
    // Without an atomic exchange: the old folder goes aside, then the new one in.
    let mut aside = a.as_os_str().to_os_string();
    aside.push("-ancien");
    let aside = PathBuf::from(aside);
    fs::rename(b, &aside).with_context(|| format!("impossible de déplacer `{}`", b.display()))?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(e).with_context(|| format!("impossible de mettre `{}` en place", b.display()));
    }
    fs::rename(&aside, a).with_context(|| format!("impossible de déplacer `{}`", aside.display()))
}

/// How an existing document shows that clsm made it.
#[derive(Debug, Clone)]
pub enum Signature {
    /// The document starts with one of these texts (after a UTF-8 BOM, for CSV).
    Prefix(Vec<String>),
    /// A PDF whose creator is clsm.
    Pdf,
}

impl Signature {
    /// A document that starts with `prefix`.
    pub fn prefix(prefix: impl Into<String>) -> Self {
        Signature::Prefix(vec![prefix.into()])
    }

    /// Whether `bytes` carry this signature.
    fn matches(&self, bytes: &[u8]) -> bool {
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        match self {
            Signature::Prefix(prefixes) => prefixes.iter().any(|p| bytes.starts_with(p.as_bytes())),
            Signature::Pdf => bytes.starts_with(b"%PDF-") && pdf_creator_is_clsm(bytes),
        }
    }
}

/// Whether a PDF's information dictionary names clsm as its creator.
fn pdf_creator_is_clsm(bytes: &[u8]) -> bool {
    let needle = b"/Creator(clsm)";
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// Writes one document at `path`, replacing an existing file only if it starts with
/// `signature`. Links inside `repo_root` are never followed.
pub fn write_document(path: &Path, content: &[u8], signature: &Signature, repo_root: &Path) -> Result<()> {
    // `--out _site/` names a folder: a document is one file.
    let text = path.to_string_lossy();
    if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || path.is_dir() {
        bail!(
            "`{}` est un dossier : `--out` attend un nom de fichier\n\
             aide : écrivez par exemple `--out {}`",
            crate::terminal::clean(&text),
            Path::new(text.trim_end_matches(['/', std::path::MAIN_SEPARATOR])).join("document.html").display()
        );
    }
    let repo = canonical_repo(repo_root)?;
    let resolved = resolve(path, &repo)?;
    check_not_sources(&resolved, &repo, path)?;
    // A prefix is in the first bytes; a PDF says who made it near its end.
    let existing = match &signature {
        Signature::Prefix(_) => read_head(&resolved, SIGNATURE_HEAD),
        Signature::Pdf => read_regular(&resolved, DOCUMENT_LIMIT),
    };
    match existing {
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
        Ok(existing) if signature.matches(&existing) => {}
        Err(ReadError::Special(kind)) => bail!("`{}` est un {kind} : indiquez un nom de fichier", path.display()),
        _ => bail!(
            "`{}` existe et n'a pas été produit par clsm : il n'est pas remplacé\n\
             aide : choisissez un autre nom de fichier",
            path.display()
        ),
    }
    let (parent, _) = split(&resolved)?;
    fs::create_dir_all(parent).with_context(|| format!("impossible de créer `{}`", parent.display()))?;
    let (temporary, _cleanup) = temporary_in(parent, content)?;
    temporary.persist(&resolved).map_err(|e| anyhow!("impossible d'écrire `{}` : {}", path.display(), e.error))?;
    Ok(())
}

/// A new temporary file in `folder` holding `content`, removed if clsm stops before
/// the guard is dropped.
fn temporary_in(folder: &Path, content: &[u8]) -> Result<(tempfile::NamedTempFile, limits::Cleanup)> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".clsm-").suffix(".tmp");
    // As any file the user creates (`rw-r--r--` under the usual umask), not `rw-------`.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file = builder
        .tempfile_in(folder)
        .with_context(|| format!("impossible de créer un fichier dans `{}`", folder.display()))?;
    let cleanup = limits::remove_on_abort(file.path().to_path_buf());
    file.write_all(content).with_context(|| format!("impossible d'écrire dans `{}`", folder.display()))?;
    Ok((file, cleanup))
}

/// Replaces a file the user keeps (`clsm.toml`), at their request, by `content`:
/// only if it still holds exactly `before` (nobody changed it in the meantime),
/// never through a link, whole or not at all, with the permissions it had.
pub fn replace_edited(path: &Path, before: &[u8], content: &[u8], repo_root: &Path) -> Result<()> {
    let repo = canonical_repo(repo_root)?;
    let resolved = resolve(path, &repo)?;
    let limit = u64::try_from(before.len()).unwrap_or(u64::MAX).saturating_add(1);
    let current = read_regular(&resolved, limit).map_err(|e| anyhow!("`{}` : {e}", path.display()))?;
    if current != before {
        bail!("`{}` a changé pendant la commande : il n'est pas modifié\naide : relancez la commande", path.display());
    }
    let (parent, _) = split(&resolved)?;
    let (temporary, _cleanup) = temporary_in(parent, content)?;
    if let Ok(metadata) = fs::metadata(&resolved) {
        let _ = fs::set_permissions(temporary.path(), metadata.permissions());
    }
    temporary.persist(&resolved).map_err(|e| anyhow!("impossible d'écrire `{}` : {}", path.display(), e.error))?;
    Ok(())
}

/// Creates an output `path` with `content` only if nothing is there yet, and never
/// among the repository's sources.
pub fn create_output(path: &Path, content: &[u8], repo_root: &Path) -> Result<()> {
    let repo = canonical_repo(repo_root)?;
    let resolved = resolve(path, &repo)?;
    check_not_sources(&resolved, &repo, path)?;
    create_new(path, content, repo_root)
}

/// Creates `path` with `content` only if nothing is there yet, not even a link.
pub fn create_new(path: &Path, content: &[u8], repo_root: &Path) -> Result<()> {
    let repo = canonical_repo(repo_root)?;
    let resolved = resolve(path, &repo)?;
    if fs::symlink_metadata(&resolved).is_ok() {
        bail!("`{}` existe déjà : il n'est pas remplacé", path.display());
    }
    let (parent, _) = split(&resolved)?;
    fs::create_dir_all(parent).with_context(|| format!("impossible de créer `{}`", parent.display()))?;
    let (temporary, _cleanup) = temporary_in(parent, content)?;
    match temporary.persist_noclobber(&resolved) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("`{}` existe déjà : il n'est pas remplacé", path.display())
        }
        Err(e) => Err(anyhow!("impossible de créer `{}` : {}", path.display(), e.error)),
    }
}

/// Adds the document `name` to the output folder `site` (`_site/bilan-2026.pdf`),
/// creating the folder if needed, without touching its other files.
pub fn write_into_site(site: &Path, repo_root: &Path, name: &str, content: &[u8]) -> Result<PathBuf> {
    check_relative(name)?;
    let repo = canonical_repo(repo_root)?;
    let target = resolve(site, &repo)?;
    check_not_sources(&target, &repo, site)?;
    if matches!(existing_folder(&target, site)?, Existing::Nothing | Existing::Empty) {
        SiteWriter::new(site, repo_root)?.finish()?;
    }
    let (parent, _) = split(&target)?;
    let _lock = FolderLock::wait(parent);
    let path = target.join(name);
    if let Ok(m) = fs::symlink_metadata(&path)
        && let Some(kind) = special_kind(m.file_type()).filter(|_| !m.file_type().is_symlink())
    {
        bail!("`{}` est un {kind} : il n'est pas remplacé", path.display());
    }
    // Renaming replaces a link itself, never its target.
    let (temporary, _cleanup) = temporary_in(&target, content)?;
    temporary.persist(&path).map_err(|e| anyhow!("impossible d'écrire `{}` : {}", path.display(), e.error))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("clsm-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir.canonicalize().unwrap()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        names.sort();
        names
    }

    #[test]
    fn resolve_folds_dots_and_refuses_links_inside_the_repository() {
        let repo = temp("resolve");
        fs::create_dir_all(repo.join("docs")).unwrap();
        assert_eq!(resolve(&repo.join("docs/../_site/./x"), &repo).unwrap(), repo.join("_site/x"));
        #[cfg(unix)]
        {
            let elsewhere = temp("resolve-elsewhere");
            std::os::unix::fs::symlink(&elsewhere, repo.join("lien")).unwrap();
            let err = resolve(&repo.join("lien/x"), &repo).unwrap_err().to_string();
            assert!(err.contains("lien symbolique"), "{err}");
            assert!(resolve(&repo.join("lien"), &elsewhere).is_err(), "a link as the target itself");
        }
    }

    #[test]
    fn refuses_the_repository_and_its_parents() {
        let repo = temp("repo");
        assert!(SiteWriter::new(&repo, &repo).is_err());
        assert!(SiteWriter::new(repo.parent().unwrap(), &repo).is_err());
        assert!(SiteWriter::new(&repo.join("_site/.."), &repo).is_err());
        assert!(SiteWriter::new(&repo.join("fiches/actions"), &repo).is_err());
    }

    #[test]
    fn refuses_a_folder_someone_else_filled() {
        let repo = temp("repo2");
        let home = temp("home");
        fs::write(home.join("lettre.odt"), "précieux").unwrap();
        fs::write(home.join(MARKER), "Dossier produit par clsm, ou presque\n").unwrap();
        let err = SiteWriter::new(&home, &repo).err().unwrap().to_string();
        assert!(err.contains("n'a pas été produit par clsm"), "{err}");
        assert!(home.join("lettre.odt").exists());
    }

    #[test]
    fn swaps_a_complete_folder_in_and_keeps_nothing_of_the_old_one() {
        let repo = temp("swap");
        let out = repo.join("_site");
        let first = SiteWriter::new(&out, &repo).unwrap();
        first.write("a/ancienne.html", b"1").unwrap();
        first.write("index.html", b"1").unwrap();
        assert!(!out.exists(), "nothing in place before the build is complete");
        assert_eq!(first.finish().unwrap(), 0);
        fs::write(out.join("evil.html"), "<script>déposé dans un _site/ commité</script>").unwrap();
        let second = SiteWriter::new(&out, &repo).unwrap();
        second.write("index.html", b"2").unwrap();
        second.write("b/nouvelle.html", b"3").unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"1", "the old site stays until the end");
        assert_eq!(second.finish().unwrap(), 1);
        assert_eq!(names(&out), [MARKER, "b", "index.html"]);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"2");
        assert_eq!(names(&repo), ["_site"], "no staging folder left");
    }

    #[test]
    fn a_failed_build_leaves_the_old_folder_and_nothing_else() {
        let repo = temp("failed");
        let out = repo.join("_site");
        let first = SiteWriter::new(&out, &repo).unwrap();
        first.write("index.html", b"1").unwrap();
        first.finish().unwrap();
        let second = SiteWriter::new(&out, &repo).unwrap();
        second.write("index.html", b"2").unwrap();
        drop(second);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"1");
        assert_eq!(names(&repo), ["_site"]);
    }

    #[test]
    fn a_page_written_as_it_is_rendered_is_whole_and_named_in_the_marker() {
        let repo = temp("streamed");
        let out = repo.join("_site");
        let writer = SiteWriter::new(&out, &repo).unwrap();
        writer
            .write_with("indicateurs.html", &mut |file| {
                for n in 0..10_000 {
                    write!(file, "<p>{n}</p>")?;
                }
                Ok(())
            })
            .unwrap();
        // A page whose rendering fails is an error, the page's own.
        let failed = writer.write_with("cadre-logique.html", &mut |file| {
            file.write_all(b"<p>le d\xc3\xa9but</p>")?;
            Err(anyhow!("rendu du modèle `cadre-logique.html` impossible"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "rendu du modèle `cadre-logique.html` impossible");
        assert!(writer.write_with("../dehors.html", &mut |_| Ok(())).is_err());
        writer.finish().unwrap();
        let page = fs::read_to_string(out.join("indicateurs.html")).unwrap();
        assert!(page.starts_with("<p>0</p><p>1</p>") && page.ends_with("<p>9999</p>"), "{}", page.len());
        let marker = fs::read_to_string(out.join(MARKER)).unwrap();
        assert!(marker.lines().any(|l| l == "indicateurs.html"), "{marker}");
        assert!(!marker.lines().any(|l| l == "cadre-logique.html"), "a failed page is not counted as written");
        assert!(!out.join("cadre-logique.html").exists(), "no page is left half written");
    }

    #[test]
    fn a_page_stops_at_its_limit_with_an_error_naming_it() {
        let path = Path::new("_site/indicateurs.html");
        let mut out = Named { inner: Vec::new(), path, left: 10 };
        out.write_all(b"0123456789").unwrap();
        let error = out.write_all(b"x").unwrap_err().to_string();
        assert!(error.starts_with("impossible d'écrire `_site/indicateurs.html` : la page dépasse 1 Go"), "{error}");
        assert!(error.contains("aide : un modèle du dépôt"), "{error}");
        assert_eq!(out.inner, b"0123456789");
    }

    #[test]
    fn a_killed_build_is_cleaned_up_by_the_next() {
        let repo = temp("killed");
        let out = repo.join("_site");
        let killed = SiteWriter::new(&out, &repo).unwrap();
        killed.write("index.html", b"1").unwrap();
        let left = killed.staging.path().to_path_buf();
        let _ = killed.staging.keep();
        drop(killed._staging_lock);
        let next = SiteWriter::new(&out, &repo).unwrap();
        assert!(!left.exists(), "the killed build's staging folder is gone");
        next.finish().unwrap();
        assert_eq!(names(&repo), ["_site"]);
    }

    #[test]
    fn rejects_paths_leaving_the_folder() {
        let repo = temp("relative");
        let out = SiteWriter::new(&repo.join("_site"), &repo).unwrap();
        for bad in ["../x", "a/../../x", "/etc/x", "", "a//b", MARKER] {
            assert!(out.write(bad, b"x").is_err(), "{bad}");
        }
    }

    #[test]
    fn documents_replace_only_what_clsm_made() {
        let dir = temp("documents");
        let path = dir.join("rapport.md");
        let sig = Signature::prefix("<!-- produit par clsm -->\n");
        write_document(&path, b"<!-- produit par clsm -->\n1", &sig, &dir).unwrap();
        write_document(&path, b"<!-- produit par clsm -->\n2", &sig, &dir).unwrap();
        assert!(fs::read_to_string(&path).unwrap().ends_with('2'));
        let mine = dir.join("notes.md");
        fs::write(&mine, "mes notes, situation au 1er mai <!-- produit par clsm -->").unwrap();
        assert!(write_document(&mine, b"x", &sig, &dir).is_err());
        assert_eq!(fs::read_to_string(&mine).unwrap(), "mes notes, situation au 1er mai <!-- produit par clsm -->");
        assert_eq!(names(&dir), ["notes.md", "rapport.md"], "no temporary file left");
    }

    #[test]
    fn replace_edited_replaces_only_what_it_read_and_never_a_link() {
        let dir = temp("replace-edited");
        let path = dir.join("clsm.toml");
        fs::write(&path, "titre = \"A\"\n").unwrap();
        replace_edited(&path, b"titre = \"A\"\n", b"titre = \"B\"\n", &dir).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "titre = \"B\"\n");
        // Changed since it was read: kept.
        assert!(replace_edited(&path, b"titre = \"A\"\n", b"titre = \"C\"\n", &dir).is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "titre = \"B\"\n");
        assert_eq!(names(&dir), ["clsm.toml"], "no temporary file left");
        #[cfg(unix)]
        {
            let outside = temp("replace-edited-outside").join("victime");
            fs::write(&outside, "x").unwrap();
            std::os::unix::fs::symlink(&outside, dir.join("lien.toml")).unwrap();
            assert!(replace_edited(&dir.join("lien.toml"), b"x", b"y", &dir).is_err());
            assert_eq!(fs::read_to_string(&outside).unwrap(), "x");
        }
    }

    #[test]
    fn create_new_never_replaces_a_file_or_a_link() {
        let dir = temp("create-new");
        let path = dir.join("a/fiche.md");
        create_new(&path, b"1", &dir).unwrap();
        assert!(create_new(&path, b"2", &dir).is_err());
        assert_eq!(fs::read(&path).unwrap(), b"1");
        assert_eq!(names(&dir.join("a")), ["fiche.md"], "no temporary file left");
        #[cfg(unix)]
        {
            let outside = temp("create-new-outside").join("victime");
            std::os::unix::fs::symlink(&outside, dir.join("a/lien.md")).unwrap();
            assert!(create_new(&dir.join("a/lien.md"), b"x", &dir).is_err());
            assert!(!outside.exists());
        }
    }
}
