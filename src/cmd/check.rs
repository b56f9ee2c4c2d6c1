//! `clsm check`: load, validate, print every diagnostic.

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};

use crate::check::{self, Format, Summary};
use crate::cli::CheckArgs;
use crate::cmd::Outcome;
use crate::diag::Severity;
use crate::load;

pub fn run(repo: Option<&std::path::Path>, args: &CheckArgs) -> Result<Outcome> {
    let root = load::find_root(repo)?;
    let loaded = load::load(&root)?;
    let mut diagnostics = check::check(&loaded, crate::cmd::today());
    let fails = diagnostics.iter().any(|d| d.severity == Severity::Error || args.strict);
    // `--quiet`: the errors only (and the warnings `--strict` makes fail), without the closing count, for a person; tools
    // still get everything they asked for.
    let quiet = crate::progress::quiet() && args.format == Format::Texte;
    if quiet {
        diagnostics.retain(|d| d.severity == Severity::Error || args.strict);
    }
    let summary = (!quiet).then(|| Summary::of(&loaded));

    let color = crate::cmd::color(args.format == Format::Texte && std::io::stderr().is_terminal());
    if args.format == Format::Github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
    {
        let text = check::github_summary(diagnostics.clone(), &loaded);
        append(std::path::Path::new(&summary), &text)?;
    }
    let text = check::render(args.format, diagnostics, &loaded, summary, color);
    // People read diagnostics on stderr; tools read JSON and annotations on stdout.
    match args.format {
        Format::Texte => std::io::stderr().write_all(text.as_bytes()).context("impossible d'écrire le résultat")?,
        Format::Json | Format::Github | Format::Gitlab => crate::cmd::print(text.as_bytes())?,
    }

    // The process ends right after: freeing thousands of records one by one would
    // only delay the exit (by a tenth of the run on 10,000 fiches).
    std::mem::forget(loaded);
    Ok(if fails { Outcome::Problems } else { Outcome::Clean })
}

/// Appends `text` to the job summary file GitHub gives (`$GITHUB_STEP_SUMMARY`),
/// never through a link.
fn append(path: &std::path::Path, text: &str) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let mut file =
        options.open(path).with_context(|| format!("impossible d'écrire le résumé dans `{}`", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("impossible d'écrire le résumé dans `{}`", path.display()))
}
