//! The help in every form: `clsm help [COMMANDE]`, the completions of a shell
//! (`clsm completions bash`) and the manual page (`clsm man`).

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, HelpArgs, ManArgs, Shell, french_headings};
use crate::cmd::Outcome;

/// `clsm help`: the help of clsm, or of one command (named or by its alias).
pub fn run(args: &HelpArgs) -> Result<Outcome> {
    let mut root = Cli::command();
    // The general options (`--repo`, `-h`…) reach each command's help only once
    // the whole command line is built.
    root.build();
    let mut command = match &args.commande {
        None => root,
        Some(name) => {
            let found = root.find_subcommand_mut(name).filter(|c| !c.is_hide_set()).cloned();
            match found {
                Some(command) => {
                    let full = format!("clsm {}", command.get_name());
                    command.bin_name(full)
                }
                None => {
                    let everything = Cli::command();
                    let names: Vec<&str> =
                        everything.get_subcommands().filter(|c| !c.is_hide_set()).map(|c| c.get_name()).collect();
                    let help = crate::suggest::did_you_mean(name, names.iter().copied())
                        .unwrap_or_else(|| format!("commandes : {}", names.join(", ")));
                    bail!("commande inconnue `{}`\naide : {help}", crate::terminal::one_line(name));
                }
            }
        }
    };
    let terminal = std::io::stdout().is_terminal();
    let help = command.render_help();
    let text = if terminal { help.ansi().to_string() } else { help.to_string() };
    crate::cmd::print(french_headings(&text).as_bytes())?;
    Ok(Outcome::Clean)
}

/// `clsm completions SHELL`: the completion script, on standard output.
pub fn completions(args: &CompletionsArgs) -> Result<Outcome> {
    use clap_complete::{Shell as S, generate};
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut out = Vec::new();
    generate(shell, &mut Cli::command(), "clsm", &mut out);
    std::io::stdout().write_all(&out).context("impossible d'écrire le script de complétion")?;
    Ok(Outcome::Clean)
}

/// A manual page with the French names of its sections.
fn french_sections(page: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&page)
        .replace(".SH NAME", ".SH NOM")
        .replace(".SH SUBCOMMANDS", ".SH COMMANDES")
        .replace(".SH EXTRA", ".SH COMPLÉMENTS");
    text.into_bytes()
}

/// `clsm man`: the manual page of clsm on standard output, or with `--out` one page
/// per command in a folder.
pub fn man(args: &ManArgs) -> Result<Outcome> {
    let root = Cli::command();
    match &args.out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(root).render(&mut page).context("impossible de faire la page de manuel")?;
            std::io::stdout().write_all(&french_sections(page)).context("impossible d'écrire la page de manuel")?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("impossible de créer `{}`", dir.display()))?;
            write_page(dir, "clsm", root.clone())?;
            for sub in root.get_subcommands().filter(|c| !c.is_hide_set()) {
                let name = format!("clsm-{}", sub.get_name());
                write_page(dir, &name, sub.clone().bin_name(format!("clsm {}", sub.get_name())))?;
            }
            crate::note!("pages de manuel écrites dans `{}`", crate::terminal::clean(&dir.display().to_string()));
        }
    }
    Ok(Outcome::Clean)
}

/// Writes the manual page `name` (`clsm-check`) of `command` as `dir/name.1`,
/// replacing only a page of clsm.
fn write_page(dir: &Path, name: &str, command: clap::Command) -> Result<()> {
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(command).title(name.to_uppercase());
    man.render(&mut page).context("impossible de faire la page de manuel")?;
    let signature = crate::files::write::Signature::prefix(".ie \\n(.g .ds Aq \\(aq");
    crate::files::write::write_document(&dir.join(format!("{name}.1")), &french_sections(page), &signature, dir)
}
