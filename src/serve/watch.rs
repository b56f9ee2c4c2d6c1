//! Watching the sources of a repository for `clsm serve`: `clsm.toml`, `fiches/`,
//! `templates/`, `assets/` and `bilans/`, links never followed.
//!
//! An editor saves a file in several steps (a temporary file, a rename, a change
//! of attributes), and a `git checkout` changes many at once: a change is reported
//! once the sources have been quiet for a moment, with every file it touched. A
//! change that comes while the site is being built is kept for the next build.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use notify::event::Flag;
use notify::{Event, EventKind, RecursiveMode, Watcher as _};

use crate::files::read::real_dir;
use crate::load::CONFIG_FILE;

/// The folders of a repository whose files the site is made from.
const FOLDERS: [&str; 4] = ["fiches", "templates", "assets", "bilans"];

/// What is said of a change too large for the system to list file by file.
pub const EVERYTHING: &str = "tous les fichiers";

/// How long the sources must stay quiet before a change is reported.
const QUIET: Duration = Duration::from_millis(25);

/// The longest a change waits for the sources to be quiet: a stream of changes
/// (a long `git checkout`) still shows something every half second.
const LONGEST: Duration = Duration::from_millis(500);

/// How often a wait looks whether the preview is stopping.
const TICK: Duration = Duration::from_millis(200);

/// The watch on one repository's sources.
pub struct Watcher {
    /// The root as given, and as the system names it (links resolved): events may
    /// name it either way.
    roots: Vec<PathBuf>,
    inner: notify::RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    /// The folders of [`FOLDERS`] watched now.
    watched: BTreeSet<&'static str>,
    /// Changes seen and not reported yet.
    pending: BTreeSet<String>,
}

impl Watcher {
    /// Starts watching the repository at `root` (an absolute path).
    pub fn new(root: &Path) -> Result<Self> {
        let (sender, events) = channel();
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut inner = notify::RecommendedWatcher::new(sender, config)
            .map_err(|e| anyhow!("impossible de surveiller les fichiers du dépôt : {e}"))?;
        // The root alone, for `clsm.toml` and for the folders that appear or go.
        inner
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| anyhow!("impossible de surveiller `{}` : {e}", root.display()))?;
        let mut roots = vec![root.to_path_buf()];
        roots.extend(std::fs::canonicalize(root).ok().filter(|c| c != root));
        let mut watcher = Watcher { roots, inner, events, watched: BTreeSet::new(), pending: BTreeSet::new() };
        for name in FOLDERS {
            watcher.follow(name)?;
        }
        Ok(watcher)
    }

    /// Watches the folder `name` of [`FOLDERS`] afresh if it is a real folder: one
    /// removed and made again is a new folder, which the old watch does not see.
    fn follow(&mut self, name: &'static str) -> Result<()> {
        let path = self.roots[0].join(name);
        if self.watched.remove(name) {
            // Already gone with its folder, or not: either way no longer watched.
            let _ = self.inner.unwatch(&path);
        }
        if matches!(real_dir(&path), Ok(true)) {
            self.inner
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| anyhow!("impossible de surveiller `{}` : {e}", path.display()))?;
            self.watched.insert(name);
        }
        Ok(())
    }

    /// Takes the changes that came since the last look, without waiting; true when
    /// there are some to report.
    pub fn poll(&mut self) -> bool {
        while let Ok(event) = self.events.try_recv() {
            self.collect(event);
        }
        !self.pending.is_empty()
    }

    /// Waits for the next change of the sources, then for them to be quiet; returns
    /// the files changed, relative to the root, sorted. `None` when `stop` is set,
    /// or the watch has ended.
    pub fn next_change(&mut self, stop: &AtomicBool) -> Option<Vec<String>> {
        // The first change, unless one is waiting already.
        self.poll();
        while self.pending.is_empty() {
            match self.events.recv_timeout(TICK) {
                Ok(event) => self.collect(event),
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
                Ok(event) => self.collect(event),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        let changed = std::mem::take(&mut self.pending);
        for name in FOLDERS.into_iter().filter(|name| changed.contains(*name) || changed.contains(EVERYTHING)) {
            // A folder appeared, went or came back: the watch follows. Failing that,
            // the preview still works, each change then seen by the root alone.
            if let Err(e) = self.follow(name) {
                crate::note!("{e:#}");
            }
        }
        // What is gone without an extension was a tool's scratch file (`sed -i`
        // writes `sedX4kL2` beside the fiche): not worth naming.
        let root = &self.roots[0];
        let named = changed.into_iter().filter(|path| {
            path == EVERYTHING || Path::new(path).extension().is_some() || root.join(path).symlink_metadata().is_ok()
        });
        Some(named.collect())
    }

    /// Adds the sources that `event` changed to what is pending.
    fn collect(&mut self, event: notify::Result<Event>) {
        let event = match event {
            Ok(event) => event,
            Err(_) => {
                self.pending.insert(EVERYTHING.to_string());
                return;
            }
        };
        // Too many changes at once for the system to list: build all the same.
        if event.flag() == Some(Flag::Rescan) {
            self.pending.insert(EVERYTHING.to_string());
            return;
        }
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in &event.paths {
            if let Some(relative) = self.roots.iter().find_map(|root| source(root, path)) {
                self.pending.insert(relative);
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
