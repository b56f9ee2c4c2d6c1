//! One module per subcommand. Each returns whether the repository passed.

pub mod build;
pub mod check;

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;

use crate::check::{Format, Summary};
use crate::diag::Severity;
use crate::load::{self, Loaded};

/// What a command concluded about the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything is in order.
    Clean,
    /// The repository has problems (exit code 1).
    Problems,
}

/// Loads and checks the repository for a command that renders it. Documents are
/// only made from a repository without errors: when it has some, they are printed
/// as `clsm check` would and `None` is returned. Warnings are counted and let pass.
pub fn load_checked(repo: Option<&Path>) -> Result<Option<Loaded>> {
    let root = load::find_root(repo)?;
    let mut loaded = load::load(&root)?;
    let today = chrono::Local::now().date_naive();
    let diagnostics = crate::check::check(&mut loaded, today);
    let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    if errors {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        eprint!("{}", crate::check::render(Format::Human, &diagnostics, &loaded, Summary::of(&loaded), color));
        eprintln!("aucun document produit : corrigez d'abord les erreurs ci-dessus");
        return Ok(None);
    }
    if !diagnostics.is_empty() {
        let n = diagnostics.len();
        eprintln!("{n} avertissement{} : `clsm check` les détaille", if n > 1 { "s" } else { "" });
    }
    Ok(Some(loaded))
}
