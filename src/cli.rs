//! The command line. Doc comments here are the `--help` text, in French.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::check::Format;

const TEMPLATE: &str = "\
{before-help}{about-with-newline}
{usage-heading} {usage}

{all-args}{after-help}";

/// clsm : le contrat local de santé (CLS) ou le conseil local de santé mentale (CLSM)
/// tenu dans un dépôt de fichiers texte.
#[derive(Debug, Parser)]
#[command(name = "clsm", version, help_template = TEMPLATE, disable_help_subcommand = true)]
#[command(next_help_heading = "Options")]
pub struct Cli {
    /// Dossier du dépôt (par défaut : le premier dossier contenant un clsm.toml,
    /// en partant du dossier courant)
    #[arg(long, global = true, value_name = "DOSSIER")]
    pub repo: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Vérifie tout le dépôt : valeurs, références, dates, avec fichier et ligne
    #[command(visible_alias = "verifier", help_template = TEMPLATE)]
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Format de sortie
    #[arg(long, value_enum, default_value = "human", value_name = "FORMAT")]
    pub format: Format,

    /// Les avertissements font aussi échouer la vérification
    #[arg(long)]
    pub strict: bool,
}
