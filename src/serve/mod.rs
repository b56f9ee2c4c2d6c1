//! The live preview of `clsm serve`: the site built in memory, built again when a
//! source changes, and served on the loopback address with a script that reloads
//! the open pages.
//!
//! A [`Preview`] holds the latest [`Snapshot`]: the pages of the last build without
//! errors, and the problems of the latest one. A build with errors keeps the pages
//! of the one before and shows its problems at the top of every page, until a build
//! is clean again. PDFs are made when first asked for and kept with their snapshot:
//! a new build starts with none.
//!
//! Nothing of this reaches the disk: the site folder `_site/` is neither read nor
//! written, and the published site stays free of any script.

pub mod http;
pub mod watch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock, RwLock};
use std::time::Duration;

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate};

use crate::check::Shown;
use crate::cmd::{Checked, Verdict};
use crate::diag::Severity;
use crate::files::write::Destination;
use crate::render::{self, Renderer};
use crate::views;

/// The built-in banner that shows the problems of the repository on every page.
const BANNER: &str = include_str!("../../templates/apercu.html");

/// The script that reloads a page when the site is built again.
pub const SCRIPT: &str = include_str!("../../templates/apercu.js");

/// How the PDFs of the preview are cut: as `clsm build` cuts them by default.
#[cfg(feature = "pdf")]
const PARTS: (usize, usize) = (views::site::volumes::FICHES_PAR_VOLUME, views::bilan::ENTREES_PAR_ANNEXE);

/// A site written in memory.
#[derive(Default)]
struct Memory(Mutex<HashMap<String, Arc<[u8]>>>);

impl Destination for Memory {
    fn write(&self, relative: &str, content: &[u8]) -> Result<()> {
        let mut pages = self.0.lock().map_err(|_| anyhow!("construction interrompue"))?;
        pages.insert(relative.to_string(), Arc::from(content));
        Ok(())
    }
}

/// What the documents made on demand are made from: the views of the last build
/// without errors.
pub struct Sources {
    checked: Checked,
    // The PDFs are made from it.
    #[cfg_attr(not(feature = "pdf"), allow(dead_code))]
    site: views::site::Site,
    bilan: Option<views::bilan::Bilan>,
    renderer: Renderer,
    today: NaiveDate,
}

/// A document made on demand: its bytes, none for a name the site does not have,
/// or why it could not be made.
type Made = Result<Option<Arc<[u8]>>, String>;

/// One build of the preview, and what it shows.
pub struct Snapshot {
    /// Counts the builds: a page says which one it comes from.
    pub generation: u64,
    /// The pages of the last build without errors, by path (`actions/x.html`).
    pages: Arc<HashMap<String, Arc<[u8]>>>,
    /// What those pages were made from, for the documents made on demand.
    sources: Option<Arc<Sources>>,
    /// The errors of this build, if it has some: shown on every page.
    pub problems: Vec<Shown>,
    /// A failure that is not a problem of a fiche (a template that does not
    /// render, a folder that cannot be read): shown on every page too.
    pub failure: Option<String>,
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
    /// The site could not be built.
    Failed,
}

impl Snapshot {
    /// The page at `path`, if the site has it.
    pub fn page(&self, path: &str) -> Option<Arc<[u8]>> {
        self.pages.get(path).cloned()
    }

    /// Whether a build without errors has been made yet.
    pub fn has_pages(&self) -> bool {
        !self.pages.is_empty()
    }

    /// The banner to put at the top of every page, when there is something to show.
    pub fn banner(&self) -> Option<String> {
        if self.problems.is_empty() && self.failure.is_none() {
            return None;
        }
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html"]);
        let mut cx = tera::Context::new();
        let errors = self.problems.iter().filter(|p| p.severity == Severity::Error).count();
        cx.insert("erreurs", &errors);
        cx.insert("problemes", &self.problems);
        cx.insert("erreur", &self.failure);
        cx.insert("ancien", &self.has_pages());
        // The built-in banner renders, or clsm is broken: it says so on the page.
        let rendered = tera.add_raw_template("apercu.html", BANNER).and_then(|()| tera.render("apercu.html", &cx));
        Some(rendered.unwrap_or_else(|e| format!("<p>erreur interne de clsm : {e}</p>")))
    }

    /// The document `name` (`contrat.pdf`, `fiches/x.pdf`, `bilan-2024.pdf`,
    /// `bilan-2024.html`) made from this build, the first time it is asked for;
    /// `None` when there is no such document.
    pub fn document(&self, name: &str) -> Result<Option<Arc<[u8]>>, String> {
        let Some(sources) = &self.sources else { return Ok(None) };
        if !is_document(name) {
            return Ok(None);
        }
        let cell = {
            let mut made = self.made.lock().map_err(|_| "aperçu interrompu".to_string())?;
            made.entry(name.to_string()).or_default().clone()
        };
        // Two requests for the same document wait for one making of it.
        cell.get_or_init(|| {
            let _work = crate::limits::work();
            make_document(sources, name).map(|d| d.map(Arc::from)).map_err(|e| format!("{e:#}"))
        })
        .clone()
    }
}

/// Whether `name` is a document made on demand: a PDF, or the HTML bilan of a year.
fn is_document(name: &str) -> bool {
    name.ends_with(".pdf") || bilan_year(name, ".html").is_some()
}

/// The year of `bilan-ANNEE` followed by `extension`.
fn bilan_year(name: &str, extension: &str) -> Option<i32> {
    let year = name.strip_prefix("bilan-")?.strip_suffix(extension)?;
    (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())).then(|| year.parse().ok())?
}

/// Calls `with` on the bilan of `annee`: the site's own, or one made for that year
/// if `clsm bilan` would make it (the year has begun), `None` otherwise.
fn with_bilan<T>(sources: &Sources, annee: i32, with: impl FnOnce(Option<&views::bilan::Bilan>) -> T) -> T {
    if let Some(b) = sources.bilan.as_ref().filter(|b| b.annee == annee) {
        return with(Some(b));
    }
    let made = (crate::model::bounds::YEARS.contains(&annee) && annee <= sources.today.year())
        .then(|| crate::cmd::build::bilan_of(&sources.checked, annee, sources.today));
    with(made.as_ref())
}

/// Makes the document `name` from `sources`.
fn make_document(sources: &Sources, name: &str) -> Result<Option<Vec<u8>>> {
    if let Some(annee) = bilan_year(name, ".html") {
        return with_bilan(sources, annee, |bilan| {
            bilan.map(|b| render::documents::bilan_html(&sources.renderer, b).map(String::into_bytes)).transpose()
        });
    }
    pdf(sources, name)
}

#[cfg(feature = "pdf")]
fn pdf(sources: &Sources, name: &str) -> Result<Option<Vec<u8>>> {
    let make = |bilan: Option<&views::bilan::Bilan>| {
        render::pdf::one_document(&sources.renderer, &sources.site, bilan, PARTS, name, sources.today)
    };
    // `bilan-2024.pdf` and its annexes `bilan-2024-annexe-1.pdf`.
    match name.strip_prefix("bilan-").and_then(|n| n.get(..4)).and_then(|y| y.parse().ok()) {
        Some(annee) => with_bilan(sources, annee, make),
        None => make(None),
    }
}

#[cfg(not(feature = "pdf"))]
fn pdf(_: &Sources, _: &str) -> Result<Option<Vec<u8>>> {
    anyhow::bail!("cette version de clsm est construite sans les PDF")
}

/// The preview: the latest snapshot, and a way to wait for the next one.
pub struct Preview {
    root: PathBuf,
    latest: RwLock<Arc<Snapshot>>,
    /// The latest generation, for the pages waiting to reload.
    generation: Mutex<u64>,
    changed: Condvar,
}

impl Preview {
    /// A preview of the repository at `root`, not built yet.
    pub fn new(root: &Path) -> Self {
        let empty = Snapshot {
            generation: 0,
            pages: Arc::default(),
            sources: None,
            problems: Vec::new(),
            failure: None,
            made: Mutex::default(),
        };
        Preview {
            root: root.to_path_buf(),
            latest: RwLock::new(Arc::new(empty)),
            generation: Mutex::new(0),
            changed: Condvar::new(),
        }
    }

    /// The latest snapshot.
    pub fn latest(&self) -> Arc<Snapshot> {
        self.latest.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Builds the site again and makes it the latest snapshot; says what it found.
    pub fn rebuild(&self, today: NaiveDate) -> Rebuilt {
        let _work = crate::limits::work();
        let previous = self.latest();
        let generation = previous.generation + 1;
        let (snapshot, verdict) = match build(&self.root, today) {
            Ok(Built::Site { pages, sources, warnings }) => {
                let snapshot = Snapshot {
                    generation,
                    pages: Arc::new(pages),
                    sources: Some(Arc::from(sources)),
                    problems: Vec::new(),
                    failure: None,
                    made: Mutex::default(),
                };
                (snapshot, Rebuilt::Built { warnings })
            }
            Ok(Built::Errors(problems)) => {
                let errors = problems.len();
                (Snapshot { problems, ..kept(&previous, generation) }, Rebuilt::Errors(errors))
            }
            Err(e) => (Snapshot { failure: Some(format!("{e:#}")), ..kept(&previous, generation) }, Rebuilt::Failed),
        };
        *self.latest.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(snapshot);
        *self.generation.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = generation;
        self.changed.notify_all();
        verdict
    }

    /// Waits until a build newer than `seen` is made, or `timeout` passes; returns
    /// the latest generation.
    pub fn wait_newer(&self, seen: u64, timeout: Duration) -> u64 {
        let generation = self.generation.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (generation, _) = self
            .changed
            .wait_timeout_while(generation, timeout, |g| *g <= seen)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *generation
    }
}

/// A new snapshot that keeps the pages of `previous` and their documents.
fn kept(previous: &Snapshot, generation: u64) -> Snapshot {
    Snapshot {
        generation,
        pages: previous.pages.clone(),
        sources: previous.sources.clone(),
        problems: Vec::new(),
        failure: None,
        made: Mutex::default(),
    }
}

/// What a build made.
enum Built {
    Site { pages: HashMap<String, Arc<[u8]>>, sources: Box<Sources>, warnings: usize },
    Errors(Vec<Shown>),
}

/// Loads, checks and renders the site of the repository at `root` in memory, as
/// `clsm build --sans-pdf` does, with the PDFs linked (they are made on demand).
fn build(root: &Path, today: NaiveDate) -> Result<Built> {
    let (checked, warnings) = match crate::cmd::verdict(root, today)? {
        Verdict::Errors(problems) => {
            return Ok(Built::Errors(problems.into_iter().filter(|p| p.severity == Severity::Error).collect()));
        }
        Verdict::Checked(checked, warnings) => (*checked, warnings.len()),
    };
    let bilan = crate::cmd::build::published_bilan(&checked, today);
    let documents =
        views::site::Documents { pdf: cfg!(feature = "pdf"), bilan: bilan.as_ref().map(|b| b.annee), carte: 0 };
    let (site, renderer) = crate::cmd::build::site_and_renderer(&checked, false, documents)?;
    let memory = Memory::default();
    render::site::write(&site, bilan.as_ref(), &renderer, &memory, &|| ())?;
    let pages = memory.0.into_inner().map_err(|_| anyhow!("construction interrompue"))?;
    Ok(Built::Site { pages, sources: Box::new(Sources { checked, site, bilan, renderer, today }), warnings })
}
