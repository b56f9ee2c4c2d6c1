//! The command line. Doc comments here are the `--help` text, in French.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::check::Format;

const TEMPLATE: &str = "\
{before-help}{about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

/// clsm : le contrat local de santé (CLS) ou le conseil local de santé mentale (CLSM)
/// tenu dans un dépôt de fichiers texte.
#[derive(Debug, Parser)]
#[command(name = "clsm", version, help_template = TEMPLATE, disable_help_subcommand = true)]
#[command(disable_help_flag = true, disable_version_flag = true)]
#[command(subcommand_help_heading = "Commandes", subcommand_value_name = "COMMANDE")]
#[command(override_usage = "clsm [--repo DOSSIER] <COMMANDE> [OPTIONS]")]
pub struct Cli {
    /// Dossier du dépôt (par défaut : le premier dossier contenant un clsm.toml,
    /// en partant du dossier courant)
    #[arg(long, global = true, value_name = "DOSSIER")]
    pub repo: Option<PathBuf>,

    /// Durée maximale de la commande, en secondes (par défaut : 300) ; au-delà, clsm
    /// s'arrête (code 2) en nommant le modèle ou le document en cours, et les
    /// documents déjà publiés restent intacts
    #[arg(long, global = true, value_name = "SECONDES", default_value_t = 300, hide_default_value = true)]
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    pub delai: u64,

    /// Mémoire maximale, en Mo (par défaut : les trois quarts de celle de la machine) ;
    /// au-delà, clsm s'arrête de même
    #[arg(long, global = true, value_name = "MO")]
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    pub memoire: Option<u64>,

    /// Affiche l'aide
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,

    /// Affiche la version
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Vérifie tout le dépôt : valeurs, références, dates, avec fichier et ligne
    #[command(visible_alias = "verifier", help_template = TEMPLATE)]
    #[command(override_usage = "clsm check [--format human|json|github] [--strict]")]
    Check(CheckArgs),

    /// Construit le site HTML et les PDF du contrat dans `_site/`
    #[command(visible_alias = "construire", help_template = TEMPLATE)]
    #[command(override_usage = "clsm build [--out DOSSIER] [--interne] [--sans-pdf]")]
    Build(BuildArgs),

    /// Où en est le contrat : actions en retard ou sans nouvelles, indicateurs, réunions
    #[command(visible_alias = "rapport", help_template = TEMPLATE)]
    #[command(
        override_usage = "clsm report [--format terminal|md|html|json] [--annee N] [--axe ID] [--date AAAA-MM-JJ] [--out FICHIER]"
    )]
    Report(ReportArgs),

    /// Le bilan annuel, pour les financeurs (HTML, ou JSON)
    #[command(help_template = TEMPLATE)]
    #[command(override_usage = "clsm bilan [--annee N] [--format html|pdf|json] [--out FICHIER]")]
    Bilan(BilanArgs),

    /// Exporte les indicateurs, les actions ou les partenaires en CSV (Excel) ou JSON
    #[command(visible_alias = "exporter", help_template = TEMPLATE)]
    #[command(
        override_usage = "clsm export indicateurs|actions|partenaires [--profil excel|opendata] [--format csv|json] [--out FICHIER]"
    )]
    Export(ExportArgs),

    /// Crée une fiche (action, partenaire ou indicateur) à partir d'un modèle commenté
    #[command(visible_alias = "nouveau", help_template = TEMPLATE)]
    #[command(override_usage = "clsm new action|partenaire|indicateur ID")]
    New(NewArgs),

    /// Crée un nouveau dépôt de contrat, prêt à être vérifié
    #[command(help_template = TEMPLATE)]
    #[command(override_usage = "clsm init [DOSSIER] [--force] [--templates]")]
    Init(InitArgs),

    /// Schéma JSON des clés de chaque type de fiche, pour l'éditeur
    #[command(help_template = TEMPLATE)]
    #[command(override_usage = "clsm schema [action|partenaire|indicateur|evenement|config]")]
    Schema(SchemaArgs),

    /// Crée des fiches-actions à partir d'un cadre logique enregistré en CSV
    #[command(visible_alias = "importer", help_template = TEMPLATE)]
    #[command(override_usage = "clsm import FICHIER.csv [--dry-run]")]
    Import(ImportArgs),

    /// Ce qui a changé entre deux révisions git, fiche par fiche et champ par champ
    #[command(help_template = TEMPLATE)]
    #[command(override_usage = "clsm diff [RÉVISION] [RÉVISION] [--format texte|md|json] [--interne]")]
    Diff(DiffArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Texte,
    Md,
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Aucune : HEAD comparé à la copie de travail ; une : cette révision comparée à
    /// la copie de travail ; deux : la première comparée à la seconde
    #[arg(value_name = "RÉVISION", num_args = 0..=2)]
    pub revisions: Vec<String>,

    /// `texte` (par défaut), `md` (commentaire de pull request) ou `json`
    #[arg(long, value_enum, default_value = "texte", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: DiffFormat,

    /// Montre aussi les changements des contacts personnels des partenaires (à ne
    /// pas publier : sans cette option, ils sont seulement signalés)
    #[arg(long)]
    pub interne: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Le tableau du cadre logique, enregistré en CSV (séparateur `;`, `,` ou tabulation)
    #[arg(value_name = "FICHIER.csv")]
    pub file: PathBuf,

    /// Montre les fiches qui seraient créées, sans rien écrire
    #[arg(long)]
    pub dry_run: bool,
}

/// What `clsm schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    Action,
    Partenaire,
    Indicateur,
    Evenement,
    Config,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// `action`, `partenaire`, `indicateur`, `evenement` ou `config` (clsm.toml) ;
    /// sans rien : tous, dans un seul objet
    #[arg(value_enum, value_name = "QUOI", hide_possible_values = true)]
    pub kind: Option<SchemaKind>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Le dossier du nouveau dépôt (par défaut : le dossier courant)
    #[arg(value_name = "DOSSIER")]
    pub dir: Option<PathBuf>,

    /// Accepte un dossier qui n'est pas vide (aucun fichier existant n'est remplacé)
    #[arg(long)]
    pub force: bool,

    /// Copie aussi les modèles intégrés dans `templates/`, pour les modifier
    #[arg(long)]
    pub templates: bool,
}

/// What `clsm new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    Action,
    Partenaire,
    Indicateur,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// `action`, `partenaire` ou `indicateur`
    #[arg(value_enum, value_name = "QUOI", hide_possible_values = true)]
    pub kind: NewKind,

    /// L'identifiant, qui sera le nom du fichier : minuscules, chiffres et tirets
    #[arg(value_name = "ID")]
    pub id: String,
}

/// What `clsm export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    Indicateurs,
    Actions,
    Partenaires,
}

/// CSV conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportProfile {
    Excel,
    Opendata,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// `indicateurs` (une ligne par mesure), `actions` ou `partenaires`
    #[arg(value_enum, value_name = "QUOI", hide_possible_values = true)]
    pub kind: ExportKind,

    /// `excel` (par défaut : `;`, UTF-8 avec BOM, virgule décimale) ou `opendata`
    /// (convention Etalab : `,`, sans BOM, point décimal)
    #[arg(long, value_enum, default_value = "excel", value_name = "PROFIL")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub profil: ExportProfile,

    /// `csv` (par défaut) ou `json`
    #[arg(long, value_enum, default_value = "csv", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: ExportFormat,

    /// Séparateur de colonnes : un caractère, ou `tab`
    #[arg(long, value_name = "CARACTÈRE")]
    pub delimiter: Option<String>,

    /// Sans BOM en tête du fichier
    #[arg(long)]
    pub no_bom: bool,

    /// Écrit dans ce fichier au lieu de l'écran
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,

    /// Partenaires : inclut les contacts personnels (à ne pas publier)
    #[arg(long)]
    pub interne: bool,
}

/// Formats of `clsm report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Terminal,
    Md,
    Html,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Format : `terminal` (par défaut), `md` (Markdown), `html` ou `json`
    #[arg(long, value_enum, default_value = "terminal", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: ReportFormat,

    /// L'année des réunions et des valeurs d'indicateurs (par défaut : celle de la date)
    #[arg(long, value_name = "N")]
    pub annee: Option<i32>,

    /// Un seul axe, par son identifiant
    #[arg(long, value_name = "ID")]
    pub axe: Option<String>,

    /// La date de référence, AAAA-MM-JJ (par défaut : aujourd'hui ; pour une année
    /// passée, son dernier jour)
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub date: Option<String>,

    /// Écrit dans ce fichier au lieu de l'écran
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,
}

/// Formats of `clsm bilan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BilanFormat {
    Html,
    Pdf,
    Json,
}

#[derive(Debug, Args)]
pub struct BilanArgs {
    /// L'année du bilan (par défaut : l'année en cours)
    #[arg(long, value_name = "N")]
    pub annee: Option<i32>,

    /// Format : `html` (par défaut, dans `_site/bilan-N.html`), `pdf` (dans
    /// `_site/bilan-N.pdf`) ou `json` (à l'écran)
    #[arg(long, value_enum, default_value = "html", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: BilanFormat,

    /// Écrit dans ce fichier
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,

    /// La date à laquelle le bilan est établi, AAAA-MM-JJ (par défaut : aujourd'hui)
    #[arg(long, value_name = "AAAA-MM-JJ")]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Dossier de sortie (par défaut : `_site` dans le dépôt). Un dossier existant
    /// n'est remplacé que s'il est vide ou s'il a été produit par clsm
    #[arg(long, value_name = "DOSSIER")]
    pub out: Option<PathBuf>,

    /// Inclut les contacts personnels des partenaires (document interne, à ne pas publier)
    #[arg(long)]
    pub interne: bool,

    /// Sans les PDF (contrat.pdf et une fiche par action) : plus rapide
    #[arg(long)]
    pub sans_pdf: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Format de sortie : `human` (par défaut, pour une personne), `json` (pour les
    /// outils) ou `github` (annotations de pull request)
    #[arg(long, value_enum, default_value = "human", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: Format,

    /// Les avertissements font aussi échouer la vérification (code de sortie 1)
    #[arg(long)]
    pub strict: bool,
}

/// A clap error in French: what was wrong, the nearest valid word, where to look.
pub fn french_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    let quoted = |kind| get(kind).map(|s| format!("`{s}`")).unwrap_or_default();
    let mut message = match e.kind() {
        ErrorKind::InvalidSubcommand => format!("commande inconnue {}", quoted(ContextKind::InvalidSubcommand)),
        ErrorKind::UnknownArgument => format!("option inconnue {}", quoted(ContextKind::InvalidArg)),
        ErrorKind::InvalidValue => {
            format!("valeur invalide {} pour {}", quoted(ContextKind::InvalidValue), quoted(ContextKind::InvalidArg))
        }
        ErrorKind::MissingRequiredArgument => format!("argument manquant {}", quoted(ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "indiquez une commande, par exemple `clsm check`".to_string()
        }
        ErrorKind::ArgumentConflict => format!("option incompatible {}", quoted(ContextKind::InvalidArg)),
        ErrorKind::TooManyValues => format!("valeur en trop pour {}", quoted(ContextKind::InvalidArg)),
        _ => return e.to_string(),
    };
    message = format!("erreur : {message}\n");
    if let Some(s) = get(ContextKind::SuggestedSubcommand).or_else(|| get(ContextKind::SuggestedArg)) {
        message.push_str(&format!("aide : vouliez-vous dire `{s}` ?\n"));
    }
    if let Some(values) = get(ContextKind::ValidValue) {
        message.push_str(&format!("aide : valeurs possibles : {values}\n"));
    }
    message.push_str("aide : `clsm --help` liste les commandes et leurs options\n");
    message
}
