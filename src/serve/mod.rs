//! The live preview of `clsm serve`: the site built in memory, built again when a
//! source changes, and served on the loopback address with a script that reloads
//! the open pages.
//!
//! A [`Preview`] holds the latest [`Snapshot`]: the pages of the last build without
//! errors, and the problems of the latest one. A build with errors keeps the pages
//! of the one before and shows its problems at the top of every page, until a build
//! is clean again. Each build, and each document made on demand (the PDFs, the
//! bilan of a year), is a process of its own ([`child`]), which a looping template
//! cannot turn into a frozen preview. Documents are kept with their snapshot: a
//! new build starts with none.
//!
//! Nothing of this reaches the disk: the site folder `_site/` is neither read nor
//! written, and the published site stays free of any script.

pub mod child;
pub mod http;
pub mod watch;

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, OnceLock, RwLock};
use std::time::Duration;

use crate::check::Shown;
use crate::diag::Severity;
use child::{Ended, Launcher};

/// The built-in banner that shows the problems of the repository on every page.
const BANNER: &str = include_str!("../../templates/apercu.html");

/// The script that reloads a page when the site is built again.
pub const SCRIPT: &str = include_str!("../../templates/apercu.js");

/// The most problems the banner lists: the others are counted, `clsm check` lists them.
const BANNER_PROBLEMS: usize = 20;

/// A document made on demand: its bytes, or why it could not be made.
type Made = Result<Arc<[u8]>, String>;

/// One build of the preview, and what it shows.
pub struct Snapshot {
    /// Which build it is, `SESSION-N`: a page says which it comes from, and a
    /// preview started again has another session.
    pub generation: String,
    /// The pages of the last build without errors, by path (`actions/x.html`).
    pages: Arc<HashMap<String, Arc<[u8]>>>,
    /// The errors of this build, if it has some: shown on every page.
    pub problems: Vec<Shown>,
    /// A failure that is not a problem of a fiche (a template that does not
    /// render, a build past its time): shown on every page too.
    pub failure: Option<String>,
    /// The banner of every page, made once.
    banner: Option<String>,
    /// The documents made on demand since this build.
    made: Mutex<HashMap<String, Arc<OnceLock<Made>>>>,
}

/// What one build found, for the line the terminal shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuilt {
    /// The site is built; with this many warnings.
    Built { warnings: usize },
    /// The repository has this many errors.
    Errors(usize),
    /// The site could not be built, for this reason.
    Failed(String),
}

impl Snapshot {
    fn new(
        generation: String,
        pages: Arc<HashMap<String, Arc<[u8]>>>,
        problems: Vec<Shown>,
        failure: Option<String>,
    ) -> Self {
        let mut snapshot = Snapshot { generation, pages, problems, failure, banner: None, made: Mutex::default() };
        snapshot.banner = snapshot.make_banner();
        snapshot
    }

    /// The page at `path`, if the site has it.
    pub fn page(&self, path: &str) -> Option<Arc<[u8]>> {
        self.pages.get(path).cloned()
    }

    /// Whether a build without errors has been made yet.
    pub fn has_pages(&self) -> bool {
        !self.pages.is_empty()
    }

    /// The banner to put at the top of every page, when there is something to show.
    pub fn banner(&self) -> Option<&str> {
        self.banner.as_deref()
    }

    fn make_banner(&self) -> Option<String> {
        if self.problems.is_empty() && self.failure.is_none() {
            return None;
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html"]);
        let mut cx = tera::Context::new();
        let errors = self.problems.iter().filter(|p| p.severity == Severity::Error).count();
        cx.insert("erreurs", &errors);
        cx.insert("problemes", &self.problems[..self.problems.len().min(BANNER_PROBLEMS)]);
        cx.insert("autres", &self.problems.len().saturating_sub(BANNER_PROBLEMS));
        cx.insert("erreur", &self.failure);
        cx.insert("ancien", &self.has_pages());
        // The built-in banner renders, or clsm is broken: it says so on the page.
        let rendered = tera.add_raw_template("apercu.html", BANNER).and_then(|()| tera.render("apercu.html", &cx));
        Some(rendered.unwrap_or_else(|e| format!("<p>erreur interne de clsm : {e}</p>")))
    }

    /// The document `name` (`contrat.pdf`, `fiches/x.pdf`, `bilan-2024.pdf`,
    /// `bilan-2024.html`), made by `launcher` the first time it is asked for;
    /// `None` when there is no such document.
    pub fn document(&self, launcher: &Launcher, name: &str) -> Result<Option<Arc<[u8]>>, String> {
        let wanted = name.ends_with(".pdf") || child::bilan_year(name, ".html").is_some();
        if !wanted || !self.has_pages() || (name.ends_with(".pdf") && !cfg!(feature = "pdf")) {
            return Ok(None);
        }
        let cell = {
            let mut made = self.made.lock().map_err(|_| "aperçu interrompu".to_string())?;
            made.entry(name.to_string()).or_default().clone()
        };
        let mut absent = false;
        // Two requests for the same document wait for one making of it.
        let made = cell
            .get_or_init(|| match launcher.run(Some(name), &mut || false) {
                Ok(Ended::Said(said)) => match said.document {
                    Some(bytes) => Ok(Arc::from(bytes)),
                    None => {
                        absent = true;
                        Err(String::new())
                    }
                },
                Ok(Ended::Failed(why)) => Err(why),
                Ok(Ended::Stopped) => Err("document interrompu".into()),
                Err(e) => Err(format!("{e:#}")),
            })
            .clone();
        if absent {
            // Only the documents the site has are kept: a stranger's names are not.
            if let Ok(mut made) = self.made.lock() {
                made.remove(name);
            }
            return Ok(None);
        }
        made.map(Some)
    }
}

/// The preview: the latest snapshot, and a way to wait for the next one.
pub struct Preview {
    pub launcher: Launcher,
    /// Different at each start of the preview.
    session: String,
    latest: RwLock<Arc<Snapshot>>,
    /// The latest build's number, for the pages waiting to reload.
    built: Mutex<u64>,
    changed: Condvar,
}

impl Preview {
    /// A preview of the repository `launcher` builds, not built yet.
    pub fn new(launcher: Launcher) -> Self {
        let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let session = format!("{:x}{:x}", started.as_micros(), std::process::id());
        let empty = Snapshot::new(format!("{session}-0"), Arc::default(), Vec::new(), None);
        Preview {
            launcher,
            session,
            latest: RwLock::new(Arc::new(empty)),
            built: Mutex::new(0),
            changed: Condvar::new(),
        }
    }

    /// The latest snapshot.
    pub fn latest(&self) -> Arc<Snapshot> {
        self.latest.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Builds the site again and makes it the latest snapshot; says what it found.
    /// `None` when `stop` said to give up (a newer save came), the snapshot unchanged.
    pub fn rebuild(&self, stop: &mut dyn FnMut() -> bool) -> Option<Rebuilt> {
        let previous = self.latest();
        let number = *self.built.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) + 1;
        let generation = format!("{}-{number}", self.session);
        let (snapshot, rebuilt) = match self.launcher.run(None, stop) {
            Ok(Ended::Stopped) => return None,
            Ok(Ended::Said(said)) => match said.problems {
                Some(problems) => {
                    let errors = problems.len();
                    (Snapshot::new(generation, previous.pages.clone(), problems, None), Rebuilt::Errors(errors))
                }
                None => {
                    let warnings = said.warnings.unwrap_or(0);
                    (Snapshot::new(generation, Arc::new(said.pages), Vec::new(), None), Rebuilt::Built { warnings })
                }
            },
            Ok(Ended::Failed(why)) => {
                (Snapshot::new(generation, previous.pages.clone(), Vec::new(), Some(why.clone())), Rebuilt::Failed(why))
            }
            Err(e) => {
                let why = format!("{e:#}");
                (Snapshot::new(generation, previous.pages.clone(), Vec::new(), Some(why.clone())), Rebuilt::Failed(why))
            }
        };
        *self.latest.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(snapshot);
        *self.built.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = number;
        self.changed.notify_all();
        Some(rebuilt)
    }

    /// Whether a page of build `seen` (`SESSION-N`) is behind: a newer build of
    /// this session, or any build of another one (the preview was started again).
    fn behind(&self, seen: &str, latest: u64) -> bool {
        match seen.rsplit_once('-') {
            Some((session, n)) if session == self.session => n.parse::<u64>().map_or(true, |n| n < latest),
            _ => true,
        }
    }

    /// Waits until the site is newer than the page of build `seen`, or `timeout`
    /// passes; says whether it is.
    pub fn wait_newer(&self, seen: &str, timeout: Duration) -> bool {
        let built = self.built.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (built, _) = self
            .changed
            .wait_timeout_while(built, timeout, |n| !self.behind(seen, *n))
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.behind(seen, *built)
    }
}
