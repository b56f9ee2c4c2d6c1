//! One module per subcommand. Each returns whether the repository passed.

pub mod affiche;
pub mod bilan;
pub mod build;
pub mod check;
pub mod collecte;
pub mod diff;
pub mod export;
pub mod help;
pub mod import;
pub mod init;
pub mod new;
pub mod report;
pub mod schema;
pub mod serve;

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;

use crate::check::{Format, Summary};
use crate::diag::Severity;
use crate::load;

/// What a command concluded about the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything is in order.
    Clean,
    /// The repository has problems (exit code 1).
    Problems,
}

/// Colours on a terminal only, and never when `NO_COLOR` is set.
pub fn color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A repository that passed `check`, ready for the views.
pub struct Checked {
    /// The repository's folder.
    pub root: std::path::PathBuf,
    pub repo: crate::model::checked::Repository,
    /// The contract's own texts and images.
    pub documents: crate::load::documents::Documents,
}

/// Loads and checks the repository for a command that renders it. Documents are
/// only made from a repository without errors: when it has some, they are printed
/// as `clsm check` would and `None` is returned. Warnings are counted and let pass.
pub fn load_checked(repo: Option<&Path>, today: chrono::NaiveDate) -> Result<Option<Checked>> {
    let root = load::find_root(repo)?;
    let loaded = load::load(&root)?;
    let diagnostics = crate::check::check(&loaded, today);
    let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    if errors {
        let color = color(std::io::stderr().is_terminal());
        eprint!("{}", crate::check::render(Format::Texte, diagnostics, &loaded, Some(Summary::of(&loaded)), color));
        eprintln!("aucun document produit : corrigez d'abord les erreurs ci-dessus");
        return Ok(None);
    }
    proven(root, loaded, &diagnostics).map(Some)
}

/// What loading and checking a repository found, nothing printed.
pub enum Verdict {
    /// No error: the checked repository, and its warnings.
    Checked(Box<Checked>, Vec<crate::check::Shown>),
    /// Errors: every problem, ready to be shown.
    Errors(Vec<crate::check::Shown>),
}

/// Loads and checks the repository at `root`, printing nothing (`clsm serve`).
pub fn verdict(root: &Path, today: chrono::NaiveDate) -> Result<Verdict> {
    let loaded = load::load(root)?;
    let diagnostics = crate::check::check(&loaded, today);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Ok(Verdict::Errors(crate::check::shown(diagnostics, &loaded)));
    }
    let warnings = crate::check::shown(diagnostics.clone(), &loaded);
    let checked = checked(root.to_path_buf(), loaded, &diagnostics)?;
    Ok(Verdict::Checked(Box::new(checked), warnings))
}

/// The checked repository of a loaded one whose diagnostics hold no error.
fn proven(root: std::path::PathBuf, loaded: load::Loaded, diagnostics: &[crate::diag::Diagnostic]) -> Result<Checked> {
    if !diagnostics.is_empty() {
        let n = diagnostics.len();
        crate::note!("{n} avertissement{} : `clsm check` les détaille", if n > 1 { "s" } else { "" });
    }
    checked(root, loaded, diagnostics)
}

/// [`proven`], without a word.
fn checked(root: std::path::PathBuf, loaded: load::Loaded, diagnostics: &[crate::diag::Diagnostic]) -> Result<Checked> {
    let load::Loaded { repo, documents, .. } = loaded;
    let Some(repo) = crate::check::proven(repo, diagnostics) else {
        anyhow::bail!(
            "erreur interne : le dépôt vérifié sans erreur est incomplet\naide : signalez-le avec le dépôt en cause"
        );
    };
    Ok(Checked { root, repo, documents })
}

/// Loads and checks the repository for `clsm report`, which still runs when some
/// fiches have errors: the problems are printed first, as `clsm check` prints them,
/// and the report is made without the fiches in error, which it names. `None` when
/// even that is impossible (`clsm.toml` has an error). The `bool` says whether
/// errors were found.
pub fn load_for_report(
    repo: Option<&Path>,
    today: chrono::NaiveDate,
) -> Result<Option<(Checked, Vec<crate::model::checked::Omission>, bool)>> {
    let root = load::find_root(repo)?;
    let loaded = load::load(&root)?;
    let diagnostics = crate::check::check(&loaded, today);
    if !diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Ok(Some((proven(root, loaded, &diagnostics)?, Vec::new(), false)));
    }
    let salvaged = crate::check::salvage(&loaded, &diagnostics);
    let color = color(std::io::stderr().is_terminal());
    eprint!("{}", crate::check::render(Format::Texte, diagnostics, &loaded, Some(Summary::of(&loaded)), color));
    let salvaged = match salvaged {
        Ok(salvaged) => salvaged,
        Err(crate::check::Unsalvageable::Config) => {
            eprintln!("aucun rapport produit : corrigez d'abord les erreurs de {}", load::CONFIG_FILE);
            return Ok(None);
        }
        Err(crate::check::Unsalvageable::Internal) => anyhow::bail!(
            "erreur interne : le dépôt sans ses fiches en erreur est incomplet\naide : signalez-le avec le dépôt en cause"
        ),
    };
    let broken = salvaged.omissions.iter().filter(|o| o.cause.is_none()).count();
    let aside = salvaged.omissions.len() - broken;
    let (fiches, them) = if broken > 1 { ("fiches", "elles") } else { ("fiche", "elle") };
    let also = match aside {
        0 => String::new(),
        1 => " et sans 1 action qui en dépend".to_string(),
        n => format!(" et sans {n} actions qui en dépendent"),
    };
    eprintln!("{broken} {fiches} en erreur : le rapport ci-dessous est établi sans {them}{also}");
    Ok(Some((Checked { root, repo: salvaged.repo, documents: loaded.documents.clone() }, salvaged.omissions, true)))
}

/// Today: the date of `SOURCE_DATE_EPOCH` when it is set (reproducible builds: the
/// same sources give the same bytes, whatever the day), else the local date.
pub fn today() -> chrono::NaiveDate {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|t| t.date_naive())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Today, or the date given with `--date`.
pub fn reference_date(given: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    given.unwrap_or_else(today)
}

/// The first line clsm gives each kind of document it writes to a file, so that a
/// later run may replace that file, and no other.
pub mod signature {
    /// HTML and Markdown: a comment, invisible once rendered.
    pub const COMMENT: &str = "<!-- produit par clsm -->\n";
    /// The JSON of `report` and `bilan`: their first key.
    pub const JSON: &str = "{\n  \"produit_par\": \"clsm\",\n";
    /// The terminal report, written to a file.
    pub const TEXT: &str = "Produit par clsm\n";
}

/// Writes `bytes` on standard output: as they are into a pipe or a file, and with
/// every character that would act on a terminal shown escaped when it is one (the
/// colours of the terminal report are added after that, by the report itself).
pub fn print(bytes: &[u8]) -> Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;
    let mut stdout = std::io::stdout();
    let written = if stdout.is_terminal() {
        stdout.write_all(crate::terminal::clean(&String::from_utf8_lossy(bytes)).as_bytes())
    } else {
        stdout.write_all(bytes)
    };
    written.context("impossible d'écrire le résultat")
}

/// Writes a document to `out` (starting with `signature`, which it then carries), or
/// to standard output as it is.
pub fn emit(out: Option<&Path>, content: &str, signature: &str, repo_root: &Path) -> Result<()> {
    match out {
        Some(path) => {
            let signed = if content.starts_with(signature) {
                std::borrow::Cow::Borrowed(content)
            } else {
                std::borrow::Cow::Owned(format!("{signature}{content}"))
            };
            let sig = crate::files::write::Signature::prefix(signature);
            crate::files::write::write_document(path, signed.as_bytes(), &sig, repo_root)?;
            crate::note!("écrit dans `{}`", crate::terminal::clean(&path.display().to_string()));
            Ok(())
        }
        None => print(content.as_bytes()),
    }
}
