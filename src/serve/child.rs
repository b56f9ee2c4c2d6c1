//! The builds of `clsm serve`, each in a process of its own: `clsm __apercu`.
//!
//! A repository's templates are code that clsm runs, and neither Tera nor Typst can
//! be stopped from outside: a template that loops would hold the preview until the
//! watchdog ended it. Each build and each document made on demand is therefore a
//! child process, bounded by `--delai` and `--memoire` like any command, and stopped
//! at once when a newer save makes it useless; the preview itself only serves.
//!
//! The child writes what it made on its standard output, after a first line
//! `clsm-apercu 1`, as records `KIND\tNAME\tLENGTH\n` each followed by LENGTH bytes:
//! `page` (a page of the site, by its path), `avertissements` (their count as NAME),
//! `erreurs` (the problems, in JSON), `document` (a document asked for) or
//! `absent` (no such document). A failure that is not a problem of the repository
//! (a template that does not render) is said on its standard error, code 2.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use chrono::{Datelike, NaiveDate};

use crate::check::Shown;
use crate::cmd::{Checked, Verdict};
use crate::diag::Severity;
use crate::files::write::Destination;
use crate::render::{self, Renderer};
use crate::views;

/// The first line of what a child says.
const HEADER: &str = "clsm-apercu 1\n";

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

/// What a build made.
#[derive(Debug)]
pub enum Built {
    /// The pages of the site, by path, and how many warnings the repository has.
    Site { pages: HashMap<String, Arc<[u8]>>, warnings: usize },
    /// The repository has errors: every one.
    Errors(Vec<Shown>),
}

/// The checked repository at `root`, or its errors.
fn checked(root: &Path, today: NaiveDate) -> Result<Result<(Checked, usize), Vec<Shown>>> {
    Ok(match crate::cmd::verdict(root, today)? {
        Verdict::Errors(problems) => Err(problems.into_iter().filter(|p| p.severity == Severity::Error).collect()),
        Verdict::Checked(checked, warnings) => Ok((*checked, warnings.len())),
    })
}

/// The site of the repository at `root`, made as `clsm build --sans-pdf` makes it,
/// its PDFs linked (they are made on demand).
pub fn site(root: &Path, today: NaiveDate) -> Result<Built> {
    let (checked, warnings) = match checked(root, today)? {
        Ok(found) => found,
        Err(problems) => return Ok(Built::Errors(problems)),
    };
    let bilan = crate::cmd::build::published_bilan(&checked, today);
    let documents =
        views::site::Documents { pdf: cfg!(feature = "pdf"), bilan: bilan.as_ref().map(|b| b.annee), carte: 0 };
    let (site, renderer) = crate::cmd::build::site_and_renderer(&checked, false, documents)?;
    let memory = Memory::default();
    // Given, the bilan is freed once its pages are made.
    render::site::write(&site, bilan, crate::views::bilan::ENTREES_PAR_ANNEXE, &renderer, &memory, &|| ())?;
    let pages = memory.0.into_inner().map_err(|_| anyhow!("construction interrompue"))?;
    Ok(Built::Site { pages, warnings })
}

/// The year of `bilan-ANNEE` followed by `extension` (`.html`, `.pdf`).
pub fn bilan_year(name: &str, extension: &str) -> Option<i32> {
    let year = name.strip_prefix("bilan-")?.strip_suffix(extension)?;
    (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())).then(|| year.parse().ok())?
}

/// The bilan of `annee` if `clsm bilan` would make it: a year begun.
fn bilan(checked: &Checked, annee: i32, today: NaiveDate) -> Option<views::bilan::Bilan> {
    (crate::model::bounds::YEARS.contains(&annee) && annee <= today.year())
        .then(|| crate::cmd::build::bilan_of(checked, annee, today))
}

/// The document `name` of the repository at `root`: `bilan-2024.html`, or a PDF of
/// the site (`contrat.pdf`, `fiches/x.pdf`, `bilan-2024.pdf`…). `None` when there is
/// no such document, or the repository has errors (its pages say so).
pub fn document(root: &Path, today: NaiveDate, name: &str) -> Result<Option<Vec<u8>>> {
    let Ok((checked, _)) = checked(root, today)? else { return Ok(None) };
    if let Some(annee) = bilan_year(name, ".html") {
        let Some(b) = bilan(&checked, annee, today) else { return Ok(None) };
        let logos = checked.documents.logos().cloned().collect();
        let renderer = Renderer::new(&checked.root)?.with_images(logos);
        return render::documents::bilan_html(&renderer, &b).map(|html| Some(html.into_bytes()));
    }
    pdf(&checked, today, name)
}

#[cfg(feature = "pdf")]
fn pdf(checked: &Checked, today: NaiveDate, name: &str) -> Result<Option<Vec<u8>>> {
    // `bilan-2024.pdf` and its annexes `bilan-2024-annexe-1.pdf`.
    let annee = name.strip_prefix("bilan-").and_then(|n| n.get(..4)).and_then(|y| y.parse().ok());
    let b = annee.and_then(|annee| bilan(checked, annee, today));
    let documents = views::site::Documents { pdf: true, bilan: None, carte: 0 };
    let (site, renderer) = crate::cmd::build::site_and_renderer(checked, false, documents)?;
    render::pdf::one_document(&renderer, &site, b.as_ref(), PARTS, name, today)
}

#[cfg(not(feature = "pdf"))]
fn pdf(_: &Checked, _: NaiveDate, _: &str) -> Result<Option<Vec<u8>>> {
    Ok(None)
}

/// Writes one record of what a child says.
fn record(out: &mut impl Write, kind: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    writeln!(out, "{kind}\t{name}\t{}", bytes.len())?;
    out.write_all(bytes)
}

/// The child's side: builds the site, or the document `name`, and says it.
pub fn run(root: &Path, document: Option<&str>, out: &mut impl Write) -> Result<()> {
    let today = crate::cmd::today();
    out.write_all(HEADER.as_bytes())?;
    match document {
        Some(name) => match self::document(root, today, name)? {
            Some(bytes) => record(out, "document", name, &bytes)?,
            None => record(out, "absent", name, b"")?,
        },
        None => match site(root, today)? {
            Built::Site { pages, warnings } => {
                record(out, "avertissements", &warnings.to_string(), b"")?;
                let mut paths: Vec<&String> = pages.keys().collect();
                paths.sort();
                for path in paths {
                    record(out, "page", path, &pages[path])?;
                }
            }
            Built::Errors(problems) => record(out, "erreurs", "", &serde_json::to_vec(&problems)?)?,
        },
    }
    out.flush()?;
    Ok(())
}

/// What a child said, read back.
#[derive(Debug, Default)]
pub struct Said {
    pub pages: HashMap<String, Arc<[u8]>>,
    pub warnings: Option<usize>,
    pub problems: Option<Vec<Shown>>,
    pub document: Option<Vec<u8>>,
    pub absent: bool,
}

/// Reads what a child wrote on its standard output.
pub fn read(mut bytes: &[u8]) -> Result<Said> {
    let broken = || anyhow!("réponse illisible du processus de construction de l'aperçu");
    bytes = bytes.strip_prefix(HEADER.as_bytes()).ok_or_else(broken)?;
    let mut said = Said::default();
    while !bytes.is_empty() {
        let end = bytes.iter().position(|b| *b == b'\n').ok_or_else(broken)?;
        let line = std::str::from_utf8(&bytes[..end]).map_err(|_| broken())?;
        let mut fields = line.splitn(3, '\t');
        let (Some(kind), Some(name), Some(length)) = (fields.next(), fields.next(), fields.next()) else {
            bail!(broken())
        };
        let length: usize = length.parse().map_err(|_| broken())?;
        let content = bytes.get(end + 1..end + 1 + length).ok_or_else(broken)?;
        bytes = &bytes[end + 1 + length..];
        match kind {
            "page" => {
                said.pages.insert(name.to_string(), Arc::from(content));
            }
            "avertissements" => said.warnings = Some(name.parse().map_err(|_| broken())?),
            "erreurs" => said.problems = Some(serde_json::from_slice(content)?),
            "document" => said.document = Some(content.to_vec()),
            "absent" => said.absent = true,
            _ => bail!(broken()),
        }
    }
    Ok(said)
}

/// How the preview starts its children: the binary, the repository and the
/// bounds of each one.
#[derive(Debug, Clone)]
pub struct Launcher {
    pub exe: PathBuf,
    pub root: PathBuf,
    pub delai: u64,
    pub memoire: Option<u64>,
}

/// How a child ended.
#[derive(Debug)]
pub enum Ended {
    /// It said what it made.
    Said(Said),
    /// It failed: what it said on its standard error.
    Failed(String),
    /// It was stopped: a newer save made it useless.
    Stopped,
}

/// The most a child's standard error is read: its message, not a flood.
const STDERR_LIMIT: u64 = 64 << 10;

impl Launcher {
    /// Runs a child for the site (`None`) or a document, polling `stop` meanwhile.
    pub fn run(&self, document: Option<&str>, stop: &mut dyn FnMut() -> bool) -> Result<Ended> {
        let mut command = Command::new(&self.exe);
        command.arg("--repo").arg(&self.root).arg("--delai").arg(self.delai.to_string());
        if let Some(mo) = self.memoire {
            command.arg("--memoire").arg(mo.to_string());
        }
        command.arg("__apercu");
        if let Some(name) = document {
            command.arg("--document").arg(name);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| anyhow!("impossible de lancer la construction de l'aperçu : {e}"))?;
        let (mut stdout, stderr) = (child.stdout.take(), child.stderr.take());
        // Read while it runs: a full pipe would block it.
        let out = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            stdout.as_mut().map(|s| s.read_to_end(&mut bytes));
            bytes
        });
        let err = std::thread::spawn(move || {
            let mut text = String::new();
            stderr.map(|s| s.take(STDERR_LIMIT).read_to_string(&mut text));
            text
        });
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if stop() {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let (bytes, text) = (out.join().unwrap_or_default(), err.join().unwrap_or_default());
        let Some(status) = status else { return Ok(Ended::Stopped) };
        if !status.success() {
            let text = text.trim().strip_prefix("erreur : ").unwrap_or(text.trim());
            let text = if text.is_empty() { "la construction s'est arrêtée sans rien dire" } else { text };
            return Ok(Ended::Failed(text.to_string()));
        }
        Ok(Ended::Said(read(&bytes)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_child_says_reads_back_whole() {
        let mut out = Vec::new();
        out.extend_from_slice(HEADER.as_bytes());
        record(&mut out, "avertissements", "2", b"").unwrap();
        record(&mut out, "page", "actions/a b.html", b"<p>\n\tdeux lignes</p>").unwrap();
        record(&mut out, "page", "index.html", b"").unwrap();
        let said = read(&out).unwrap();
        assert_eq!(said.warnings, Some(2));
        assert_eq!(&*said.pages["actions/a b.html"], b"<p>\n\tdeux lignes</p>");
        assert_eq!(said.pages.len(), 2);
        for broken in [&b"autre chose"[..], &out[..out.len() - 3], b"clsm-apercu 1\npage\tx\t99\nabc"] {
            assert!(read(broken).is_err());
        }
    }

    #[test]
    fn bilan_names_give_their_year() {
        assert_eq!(bilan_year("bilan-2024.html", ".html"), Some(2024));
        assert_eq!(bilan_year("bilan-2024.pdf", ".html"), None);
        assert_eq!(bilan_year("bilan-20x4.html", ".html"), None);
        assert_eq!(bilan_year("bilan-12024.html", ".html"), None);
    }
}
