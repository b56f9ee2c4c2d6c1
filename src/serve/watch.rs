//! Watching the sources of a repository for `clsm serve`: `clsm.toml`, `fiches/`,
//! `templates/`, `assets/` and `bilans/`, links never followed.
//!
//! An editor saves a file in several steps (a temporary file, a rename, a change
//! of attributes), and a `git checkout` changes many at once: a change is reported
//! once the sources have been quiet for a moment, with every file it touched.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use notify::{Event, EventKind, RecursiveMode, Watcher as _};

use crate::files::read::real_dir;
use crate::load::CONFIG_FILE;

/// The folders of a repository whose files the site is made from.
const FOLDERS: [&str; 4] = ["fiches", "templates", "assets", "bilans"];

/// How long the sources must stay quiet before a change is reported.
const QUIET: Duration = Duration::from_millis(25);

/// The longest a change waits for the sources to be quiet: a stream of changes
/// (a long `git checkout`) still shows something every half second.
const LONGEST: Duration = Duration::from_millis(500);

/// How often a wait looks whether the preview is stopping.
const TICK: Duration = Duration::from_millis(200);

/// The watch on one repository's sources.
pub struct Watcher {
    root: PathBuf,
    inner: notify::RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    /// The folders of [`FOLDERS`] watched now.
    watched: BTreeSet<&'static str>,
}

impl Watcher {
    /// Starts watching the repository at `root`.
    pub fn new(root: &Path) -> Result<Self> {
        let (sender, events) = channel();
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut inner = notify::RecommendedWatcher::new(sender, config)
            .map_err(|e| anyhow!("impossible de surveiller les fichiers du dépôt : {e}"))?;
        // The root alone, for `clsm.toml` and for the folders that appear or go.
        inner
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| anyhow!("impossible de surveiller `{}` : {e}", root.display()))?;
        let mut watcher = Watcher { root: root.to_path_buf(), inner, events, watched: BTreeSet::new() };
        watcher.follow_folders()?;
        Ok(watcher)
    }

    /// Watches the folders of [`FOLDERS`] that are real folders now; forgets those
    /// that are gone.
    fn follow_folders(&mut self) -> Result<()> {
        for name in FOLDERS {
            let path = self.root.join(name);
            let real = matches!(real_dir(&path), Ok(true));
            if real && !self.watched.contains(name) {
                self.inner
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(|e| anyhow!("impossible de surveiller `{}` : {e}", path.display()))?;
                self.watched.insert(name);
            } else if !real && self.watched.remove(name) {
                // Already gone with its folder, or not: either way no longer watched.
                let _ = self.inner.unwatch(&path);
            }
        }
        Ok(())
    }

    /// Waits for the next change of the sources, then for them to be quiet; returns
    /// the files changed, relative to the root, sorted. `None` when `stop` is set,
    /// or the watch has ended.
    pub fn next_change(&mut self, stop: &AtomicBool) -> Option<Vec<String>> {
        let mut changed = BTreeSet::new();
        // The first change.
        while changed.is_empty() {
            match self.events.recv_timeout(TICK) {
                Ok(event) => self.collect(event, &mut changed),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return None,
            }
            if stop.load(Ordering::Relaxed) {
                return None;
            }
        }
        // Then the quiet.
        let first = Instant::now();
        while first.elapsed() < LONGEST {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => self.collect(event, &mut changed),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        if changed.iter().any(|path| FOLDERS.contains(&path.as_str())) {
            // A folder appeared or went: the watch follows. Failing that, the
            // preview still works, each change then seen by the root alone.
            if let Err(e) = self.follow_folders() {
                crate::note!("{e:#}");
            }
        }
        // What is gone without an extension was a tool's scratch file (`sed -i`
        // writes `sedX4kL2` beside the fiche): not worth naming.
        let named = changed.into_iter().filter(|path| {
            let path = Path::new(path);
            path.extension().is_some() || self.root.join(path).symlink_metadata().is_ok()
        });
        Some(named.collect())
    }

    /// Adds the sources that `event` changed to `changed`.
    fn collect(&self, event: notify::Result<Event>, changed: &mut BTreeSet<String>) {
        let event = match event {
            Ok(event) => event,
            // Too many changes at once for the system to list: rebuild all the same.
            Err(_) => {
                changed.insert(CONFIG_FILE.to_string());
                return;
            }
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in &event.paths {
            if let Some(relative) = source(&self.root, path) {
                changed.insert(relative);
            }
        }
    }
}

/// `path` relative to `root`, with `/`, if it is one of the repository's sources and
/// not an editor's temporary file (`.fiche.md.swp`, `fiche.md~`, `4913`).
fn source(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let (first, name) = (parts.first()?, parts.last()?);
    let ours = first == CONFIG_FILE || FOLDERS.contains(&first.as_str());
    let scratch = name.starts_with('.') || name.ends_with('~') || name == "4913";
    (ours && !scratch).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sources_count_and_editors_scratch_files_do_not() {
        let root = Path::new("/depot");
        let of = |p: &str| source(root, &root.join(p));
        assert_eq!(of("clsm.toml").as_deref(), Some("clsm.toml"));
        assert_eq!(of("fiches/actions/a.md").as_deref(), Some("fiches/actions/a.md"));
        assert_eq!(of("templates/action.html").as_deref(), Some("templates/action.html"));
        assert_eq!(of("bilans/2025.md").as_deref(), Some("bilans/2025.md"));
        assert_eq!(of("fiches").as_deref(), Some("fiches"));
        for other in ["_site/index.html", ".git/index", "README.md", "fiches/actions/.a.md.swp", "fiches/a.md~"] {
            assert_eq!(of(other), None, "{other}");
        }
        assert_eq!(source(root, Path::new("/ailleurs/clsm.toml")), None);
    }
}
