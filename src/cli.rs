//! The command line. Doc comments here are the `--help` text, in French.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

use crate::check::Format;

/// `clsm check --format`: `texte` for a person (`human` and `terminal`, its former
/// names, still accepted), `json`, `github`.
impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[Format::Texte, Format::Json, Format::Github, Format::Gitlab]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use clap::builder::PossibleValue;
        Some(match self {
            Format::Texte => PossibleValue::new("texte").alias("human").alias("terminal"),
            Format::Json => PossibleValue::new("json"),
            Format::Github => PossibleValue::new("github"),
            Format::Gitlab => PossibleValue::new("gitlab"),
        })
    }
}

/// Reads `--date AAAA-MM-JJ`.
/// Reads `--date`: `AAAA-MM-JJ` exactly, its year in [`YEARS`].
fn date(text: &str) -> Result<chrono::NaiveDate, String> {
    let form = "écrivez la date sous la forme AAAA-MM-JJ, par exemple 2026-11-22";
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = text.trim().split('-').collect();
    if !matches!(parts.as_slice(), [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(form.into());
    }
    let day = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("cette date n'existe pas : {form}"))?;
    if !YEARS.contains(&chrono::Datelike::year(&day)) {
        return Err(format!("une date entre {} et {} est attendue", YEARS.start(), YEARS.end()));
    }
    Ok(day)
}

use crate::model::bounds::YEARS;

/// Reads `--annee`: a year in [`YEARS`].
fn annee(text: &str) -> Result<i32, String> {
    let refused = || format!("une année entre {} et {} est attendue, par exemple `2025`", YEARS.start(), YEARS.end());
    let year: i32 = text.trim().parse().map_err(|_| refused())?;
    if YEARS.contains(&year) { Ok(year) } else { Err(refused()) }
}

/// Reads `--periode`: two years, the first not after the second, at most 30 apart.
fn periode(text: &str) -> Result<(i32, i32), String> {
    let refused = "deux années séparées d'un tiret sont attendues, par exemple `2022-2026`";
    // The en dash is how the documents print a period: « 2022 – 2026 ».
    let (debut, fin) = text.split_once(['-', '–']).ok_or(refused)?;
    let year =
        |t: &str| annee(t).map_err(|e| format!("`{}` : {e} ; une période s'écrit par exemple `2022-2026`", t.trim()));
    let (debut, fin) = (year(debut)?, year(fin)?);
    if debut > fin {
        return Err(format!("la période commence après sa fin : écrivez `{fin}-{debut}`"));
    }
    if fin - debut > 30 {
        return Err("une période de plus de 30 ans n'est pas celle d'un contrat : vérifiez les années".into());
    }
    Ok((debut, fin))
}

/// Reads `--delimiter`: one ASCII character, or `tab`.
fn delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() && !s.chars().any(|c| c.is_alphanumeric() || c == '"' || c == '\n') => {
            Ok(s.as_bytes()[0])
        }
        _ => Err("donnez un seul caractère, par exemple `;` ou `,`, ou `tab`".to_string()),
    }
}

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
pub struct Cli {
    /// Dossier du dépôt (par défaut : le premier dossier contenant un clsm.toml,
    /// en partant du dossier courant)
    #[arg(long, global = true, value_name = "DOSSIER", help_heading = "Options générales")]
    pub repo: Option<PathBuf>,

    /// Durée maximale de la commande, en secondes (par défaut : 300) ; au-delà, clsm
    /// s'arrête (code 2) en nommant le modèle ou le document en cours, et les
    /// documents déjà publiés restent intacts
    #[arg(
        long,
        global = true,
        help_heading = "Options générales",
        value_name = "SECONDES",
        default_value_t = crate::limits::Limits::DEFAULT_DELAI.as_secs(),
        hide_default_value = true
    )]
    #[arg(value_parser = clap::value_parser!(u64).range(1..=1 << 30))]
    pub delai: u64,

    /// Mémoire maximale, en Mo (par défaut : les trois quarts de celle de la machine) ;
    /// au-delà, clsm s'arrête de même
    #[arg(long, global = true, help_heading = "Options générales", value_name = "MO")]
    #[arg(value_parser = clap::value_parser!(u64).range(1..=1 << 30))]
    pub memoire: Option<u64>,

    /// N'affiche que les erreurs : ni barre de progression, ni ligne de bilan, ni
    /// avertissement
    #[arg(
        short = 'q',
        long = "quiet",
        visible_alias = "silencieux",
        global = true,
        help_heading = "Options générales"
    )]
    pub quiet: bool,

    /// Affiche l'aide
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true, help_heading = "Options générales")]
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
    #[command(visible_alias = "verifier", help_template = TEMPLATE, disable_help_flag = true)]
    Check(CheckArgs),

    /// Aperçu du site dans le navigateur, mis à jour à chaque enregistrement
    #[command(visible_alias = "apercu", help_template = TEMPLATE, disable_help_flag = true)]
    Serve(ServeArgs),

    /// Une construction de l'aperçu, pour `clsm serve` seulement
    #[command(name = "__apercu", hide = true)]
    Apercu(ApercuArgs),

    /// Construit le site HTML et les PDF du contrat dans `_site/`
    #[command(visible_alias = "construire", help_template = TEMPLATE, disable_help_flag = true)]
    Build(BuildArgs),

    /// Où en est le contrat : actions en retard ou sans nouvelles, indicateurs, réunions
    #[command(visible_alias = "rapport", help_template = TEMPLATE, disable_help_flag = true)]
    Report(ReportArgs),

    /// Le bilan annuel, pour les financeurs (HTML, PDF ou JSON)
    #[command(help_template = TEMPLATE, disable_help_flag = true)]
    Bilan(BilanArgs),

    /// L'affiche « Avancée des projets » : une page A3 (PDF ou HTML) à une date
    #[command(visible_alias = "poster", help_template = TEMPLATE, disable_help_flag = true)]
    Affiche(AfficheArgs),

    /// Exporte les indicateurs, les actions, les partenaires ou les événements en CSV (Excel) ou JSON
    #[command(visible_alias = "exporter", help_template = TEMPLATE, disable_help_flag = true)]
    Export(ExportArgs),

    /// Crée une fiche (action, partenaire, indicateur ou événement) à partir d'un modèle commenté
    #[command(visible_alias = "nouveau", help_template = TEMPLATE, disable_help_flag = true)]
    New(NewArgs),

    /// Crée un nouveau dépôt de contrat, prêt à être vérifié
    #[command(help_template = TEMPLATE, disable_help_flag = true)]
    Init(InitArgs),

    /// Schéma JSON des clés de chaque type de fiche, pour l'éditeur
    #[command(help_template = TEMPLATE, disable_help_flag = true)]
    Schema(SchemaArgs),

    /// Crée des fiches-actions et leurs indicateurs à partir d'un cadre logique enregistré en CSV
    #[command(visible_alias = "importer", help_template = TEMPLATE, disable_help_flag = true)]
    Import(ImportArgs),

    /// L'évaluation annuelle : un classeur à remplir par porteur, puis leurs valeurs dans les fiches
    #[command(help_template = TEMPLATE, disable_help_flag = true)]
    Collecte(CollecteArgs),

    /// Ce qui a changé entre deux révisions git, fiche par fiche et champ par champ
    #[command(help_template = TEMPLATE, disable_help_flag = true)]
    Diff(DiffArgs),

    /// L'aide de clsm, ou celle d'une commande : `clsm help check`
    #[command(visible_alias = "aide", help_template = TEMPLATE, disable_help_flag = true)]
    Help(HelpArgs),

    /// La complétion des commandes et des options pour le terminal (bash, zsh, fish, powershell)
    #[command(help_template = TEMPLATE, disable_help_flag = true)]
    Completions(CompletionsArgs),

    /// La page de manuel de clsm (`man clsm`), au format roff
    #[command(help_template = TEMPLATE, disable_help_flag = true)]
    Man(ManArgs),
}

/// The workbook formats of `clsm collecte`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WorkbookFormat {
    /// Excel.
    Xlsx,
    /// LibreOffice (OpenDocument).
    Ods,
}

#[derive(Debug, Args)]
pub struct CollecteArgs {
    /// L'année évaluée : `clsm collecte --annee 2025` écrit un classeur par porteur ;
    /// avec `--importer`, l'année que les classeurs doivent porter
    #[arg(long, value_name = "ANNÉE")]
    pub annee: Option<i32>,

    /// `xlsx` (par défaut, Excel) ou `ods` (LibreOffice)
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "importer")]
    #[arg(hide_possible_values = true)]
    pub format: Option<WorkbookFormat>,

    /// Le dossier des classeurs (par défaut `collecte-ANNÉE` dans le dépôt)
    #[arg(long, value_name = "DOSSIER", conflicts_with = "importer")]
    pub out: Option<PathBuf>,

    /// La date de retour écrite dans les classeurs, `2026-01-31` (par défaut le
    /// 31 janvier qui suit l'année)
    #[arg(long, value_name = "DATE", conflicts_with = "importer")]
    pub retour: Option<String>,

    /// Importe les classeurs renvoyés (xlsx, ods, ou une feuille enregistrée en CSV)
    /// dans les fiches
    #[arg(long, value_name = "CLASSEUR", num_args = 1..)]
    pub importer: Vec<PathBuf>,

    /// Avec `--importer` : montre ce qui changerait, sans rien écrire
    #[arg(long, requires = "importer")]
    pub essai: bool,

    /// Avec `--importer` : importe les lignes sans erreur d'un classeur qui en a
    #[arg(long, requires = "importer")]
    pub partiel: bool,
}

#[derive(Debug, Args)]
pub struct HelpArgs {
    /// La commande dont afficher l'aide, par exemple `check`
    #[arg(value_name = "COMMANDE")]
    pub commande: Option<String>,
}

/// The shells `clsm completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Le terminal : `bash`, `zsh`, `fish` ou `powershell`
    #[arg(value_enum, value_name = "TERMINAL", hide_possible_values = true)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Écrit dans ce dossier une page par commande (`clsm.1`, `clsm-check.1`…) plutôt
    /// que la page de clsm à l'écran
    #[arg(long, value_name = "DOSSIER")]
    pub out: Option<PathBuf>,
}

/// The help text with French typography: a space (unbreakable) before the colon of
/// each heading, « Commandes : » where clap writes « Commandes: ».
pub fn french_headings(help: &str) -> String {
    let mut out = help.to_string();
    for heading in ["Commandes", "Options générales", "Options", "Arguments"] {
        out = out.replace(&format!("{heading}:"), &format!("{heading}\u{a0}:"));
    }
    out
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
    #[arg(long, visible_alias = "essai")]
    pub dry_run: bool,

    /// Ajoute à clsm.toml les axes et l'objectif global lus dans le tableau qu'il
    /// n'a pas encore, sans rien changer à ce qu'il contient (sans cette option, ils
    /// sont seulement montrés)
    #[arg(long, visible_alias = "config")]
    pub contrat: bool,
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
    Evenement,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// `action`, `partenaire`, `indicateur` ou `evenement`
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
    Evenements,
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
    /// `indicateurs` (une ligne par mesure), `actions`, `partenaires` ou `evenements`
    #[arg(value_enum, value_name = "QUOI", hide_possible_values = true)]
    pub kind: ExportKind,

    /// `excel` (par défaut : `;`, UTF-8 avec BOM, virgule décimale, libellés) ou
    /// `opendata` (convention Etalab : `,`, sans BOM, point décimal, codes, listes
    /// séparées par `|` ; avec `--out`, un `datapackage.json` à côté les décrit)
    #[arg(long, value_enum, default_value = "excel", value_name = "PROFIL")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub profil: ExportProfile,

    /// `csv` (par défaut) ou `json`
    #[arg(long, value_enum, default_value = "csv", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: ExportFormat,

    /// Séparateur de colonnes : un caractère, ou `tab`
    #[arg(long, value_name = "CARACTÈRE", value_parser = delimiter)]
    pub delimiter: Option<u8>,

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
    /// Pour une personne, au terminal.
    #[value(alias = "terminal", alias = "human")]
    Texte,
    Md,
    Html,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Format : `texte` (par défaut), `md` (Markdown), `html` ou `json`
    #[arg(long, value_enum, default_value = "texte", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: ReportFormat,

    /// L'année des réunions et des valeurs d'indicateurs (par défaut : celle de la date)
    #[arg(long, value_name = "N", value_parser = annee)]
    pub annee: Option<i32>,

    /// Un seul axe, par son identifiant
    #[arg(long, value_name = "ID")]
    pub axe: Option<String>,

    /// La date de référence, AAAA-MM-JJ (par défaut : aujourd'hui ; pour une année
    /// passée, son dernier jour)
    #[arg(long, value_name = "AAAA-MM-JJ", value_parser = date)]
    pub date: Option<chrono::NaiveDate>,

    /// Écrit dans ce fichier au lieu de l'écran
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AfficheArgs {
    /// La date de l'affiche, AAAA-MM-JJ (par défaut : aujourd'hui) : elle montre ce
    /// qui s'est fait jusque-là
    #[arg(long, value_name = "AAAA-MM-JJ", value_parser = date)]
    pub date: Option<chrono::NaiveDate>,

    /// Format : `pdf` (par défaut, dans `_site/affiche-AAAA-MM.pdf`), `html` (dans
    /// `_site/affiche-AAAA-MM.html`) ou `json` (à l'écran)
    #[arg(long, value_enum, default_value = "pdf", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: BilanFormat,

    /// Écrit dans ce fichier
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,
}

/// Formats of `clsm bilan` and `clsm affiche`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BilanFormat {
    Html,
    Pdf,
    Json,
}

#[derive(Debug, Args)]
pub struct BilanArgs {
    /// L'année du bilan (par défaut : l'année en cours)
    #[arg(long, value_name = "N", value_parser = annee)]
    pub annee: Option<i32>,

    /// L'évaluation de fin de contrat sur ces années, `2022-2026` : chaque indicateur
    /// année par année, la trajectoire de chaque action, les totaux
    #[arg(long, value_name = "DEBUT-FIN", value_parser = periode, conflicts_with = "annee")]
    pub periode: Option<(i32, i32)>,

    /// Format : `html` (par défaut, dans `_site/bilan-N.html`), `pdf` (dans
    /// `_site/bilan-N.pdf`) ou `json` (à l'écran)
    #[arg(long, value_enum, default_value = "html", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: BilanFormat,

    /// Écrit dans ce fichier
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,

    /// La date à laquelle le bilan est établi, AAAA-MM-JJ (par défaut : aujourd'hui)
    #[arg(long, value_name = "AAAA-MM-JJ", value_parser = date)]
    pub date: Option<chrono::NaiveDate>,

    /// Au-delà de ce nombre d'actions, d'indicateurs ou de lignes de budget (de 1 à
    /// 1000 ; par défaut : 1000), le PDF du bilan les détaille en annexes
    /// bilan-N-annexe-1.pdf…
    #[arg(long, value_name = "N", default_value_t = crate::views::bilan::ENTREES_PAR_ANNEXE)]
    #[arg(hide_default_value = true, value_parser = entrees_par_annexe)]
    pub entrees_par_annexe: usize,
}

#[derive(Debug, Args)]
pub struct ApercuArgs {
    /// Le document à faire (`contrat.pdf`, `fiches/x.pdf`, `bilan-2024.html`…) ; sans
    /// lui, le site
    #[arg(long, value_name = "NOM")]
    pub document: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Le port où écouter (par défaut : 8080 ; `0` : un port libre, choisi par le
    /// système)
    #[arg(long, value_name = "PORT", default_value_t = 8080, hide_default_value = true, value_parser = port)]
    pub port: u16,

    /// L'adresse où écouter (par défaut : 127.0.0.1, cette machine seule). Une autre
    /// adresse, `0.0.0.0` par exemple, rend l'aperçu visible des autres machines du
    /// réseau
    #[arg(long, value_name = "ADRESSE", default_value = "127.0.0.1", hide_default_value = true, value_parser = address)]
    pub adresse: std::net::IpAddr,

    /// Ouvre l'aperçu dans le navigateur
    #[arg(long)]
    pub ouvrir: bool,
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

    /// Au-delà de ce nombre de fiches (de 1 à 100 ; par défaut : 100), les fiches de
    /// contrat.pdf sont publiées en volumes contrat-1.pdf, contrat-2.pdf…
    #[arg(long, value_name = "N", default_value_t = crate::views::site::volumes::FICHES_PAR_VOLUME)]
    #[arg(hide_default_value = true, value_parser = fiches_par_volume)]
    pub fiches_par_volume: usize,

    /// Au-delà de ce nombre d'entrées (de 1 à 1000 ; par défaut : 1000, et 250 pour
    /// l'annuaire), les longues parties des PDF vont en annexes : l'annuaire et les
    /// indicateurs de contrat.pdf dans contrat-annexe-1.pdf… ; les actions, les
    /// indicateurs et le budget du bilan dans bilan-N-annexe-1.pdf…, et sur le site
    /// dans bilan-N-annexe-1.html…
    #[arg(long, value_name = "N", default_value_t = crate::views::bilan::ENTREES_PAR_ANNEXE)]
    #[arg(hide_default_value = true, value_parser = entrees_par_annexe)]
    pub entrees_par_annexe: usize,
}

/// Reads `--fiches-par-volume`: from 1 to [`FICHES_PAR_VOLUME`](crate::views::site::volumes::FICHES_PAR_VOLUME),
/// the most a document lays out in bounded memory.
fn fiches_par_volume(text: &str) -> Result<usize, String> {
    let max = crate::views::site::volumes::FICHES_PAR_VOLUME;
    let refused = || format!("un nombre de fiches entre 1 et {max} est attendu, par exemple `50`");
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(refused()),
    }
}

/// Reads `--port`: from 0 (any free port) to 65535.
fn port(text: &str) -> Result<u16, String> {
    text.trim().parse().map_err(|_| "un port entre 0 et 65535 est attendu, par exemple `8080`".to_string())
}

/// Reads `--adresse`: an IP address, or `localhost`.
fn address(text: &str) -> Result<std::net::IpAddr, String> {
    match text.trim() {
        "localhost" => Ok(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
        other => other.parse().map_err(|_| {
            "une adresse IP est attendue, par exemple `127.0.0.1` (cette machine) ou `0.0.0.0` (tout le réseau)"
                .to_string()
        }),
    }
}

/// Reads `--entrees-par-annexe`: from 1 to [`ENTREES_PAR_ANNEXE`](crate::views::bilan::ENTREES_PAR_ANNEXE).
fn entrees_par_annexe(text: &str) -> Result<usize, String> {
    let max = crate::views::bilan::ENTREES_PAR_ANNEXE;
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("un nombre entre 1 et {max} est attendu, par exemple `200`")),
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Format de sortie : `texte` (par défaut, pour une personne), `json` (pour les
    /// outils), `github` (annotations de pull request, et le résumé de la tâche dans
    /// `$GITHUB_STEP_SUMMARY`) ou `gitlab` (rapport Code Quality de merge request)
    #[arg(long, value_enum, default_value = "texte", value_name = "FORMAT")]
    #[arg(hide_possible_values = true, hide_default_value = true)]
    pub format: Format,

    /// Les avertissements font aussi échouer la vérification (code de sortie 1)
    #[arg(long)]
    pub strict: bool,
}

/// Why a value was refused, in French: clsm's own parsers say it already; the
/// number parsers of the standard library are named here.
fn value_error(e: &clap::Error) -> String {
    let Some(source) = std::error::Error::source(e) else { return "valeur refusée".into() };
    if source.downcast_ref::<std::num::ParseIntError>().is_some() {
        return "un nombre entier positif est attendu".into();
    }
    let text = source.to_string();
    if text.contains(" is not in ") {
        return "le nombre doit être entre 1 et 1 073 741 824".into();
    }
    text
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
        ErrorKind::UnknownArgument if get(ContextKind::InvalidArg).is_some_and(|a| !a.starts_with('-')) => {
            format!("argument inattendu {}", quoted(ContextKind::InvalidArg))
        }
        ErrorKind::UnknownArgument => format!("option inconnue {}", quoted(ContextKind::InvalidArg)),
        ErrorKind::InvalidValue if get(ContextKind::InvalidValue).is_none_or(|v| v.is_empty()) => {
            format!("valeur manquante pour {}", quoted(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue => {
            format!("valeur invalide {} pour {}", quoted(ContextKind::InvalidValue), quoted(ContextKind::InvalidArg))
        }
        ErrorKind::ValueValidation => {
            let why = value_error(e);
            format!(
                "valeur invalide {} pour {} : {why}",
                quoted(ContextKind::InvalidValue),
                quoted(ContextKind::InvalidArg)
            )
        }
        ErrorKind::MissingRequiredArgument => format!("argument manquant {}", quoted(ContextKind::InvalidArg)),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "indiquez une commande, par exemple `clsm check`".to_string()
        }
        ErrorKind::ArgumentConflict => format!("option incompatible {}", quoted(ContextKind::InvalidArg)),
        ErrorKind::TooManyValues => format!("valeur en trop pour {}", quoted(ContextKind::InvalidArg)),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour {}", quoted(ContextKind::InvalidArg))
        }
        ErrorKind::NoEquals => {
            format!("option mal écrite {}", quoted(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidUtf8 => "un argument n'est pas un texte UTF-8 valide".to_string(),
        // Any other refusal: never clap's English words.
        _ => "ligne de commande invalide".to_string(),
    };
    message = format!("erreur : {message}\n");
    let typed = get(ContextKind::InvalidSubcommand).or_else(|| get(ContextKind::InvalidArg)).unwrap_or_default();
    let suggested = match (e.get(ContextKind::SuggestedSubcommand), e.get(ContextKind::SuggestedArg)) {
        (Some(ContextValue::Strings(v)), _) | (_, Some(ContextValue::Strings(v))) => v.clone(),
        (Some(ContextValue::String(s)), _) | (_, Some(ContextValue::String(s))) => vec![s.clone()],
        _ => Vec::new(),
    };
    if let Some(s) = crate::suggest::did_you_mean(&typed, suggested.iter().map(String::as_str))
        .or_else(|| suggested.first().map(|s| format!("vouliez-vous dire `{s}` ?")))
    {
        message.push_str(&format!("aide : {s}\n"));
    }
    if let Some(values) = get(ContextKind::ValidValue) {
        message.push_str(&format!("aide : valeurs possibles : {values}\n"));
    }
    message.push_str("aide : `clsm --help` liste les commandes et leurs options\n");
    message
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every argument of every command, with the command's name.
    fn arguments() -> Vec<(String, clap::Arg)> {
        let root = Cli::command();
        let mut out: Vec<(String, clap::Arg)> = root.get_arguments().map(|a| ("clsm".to_string(), a.clone())).collect();
        for sub in root.get_subcommands() {
            out.extend(sub.get_arguments().map(|a| (sub.get_name().to_string(), a.clone())));
        }
        out
    }

    #[test]
    fn help_names_every_value_and_default_the_code_accepts() {
        for (command, arg) in arguments().into_iter().filter(|(_, a)| a.get_action().takes_values()) {
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(!help.is_empty() || arg.is_hide_set(), "{command} {}: no help", arg.get_id());
            for value in arg.get_possible_values().iter().filter(|v| !v.is_hide_set()) {
                let name = value.get_name();
                assert!(help.contains(&format!("`{name}`")), "{command} {}: help does not name `{name}`", arg.get_id());
            }
            for default in arg.get_default_values() {
                let default = default.to_string_lossy();
                if default != "false" {
                    let said = [format!("`{default}` (par défaut"), format!("par défaut : {default}")];
                    let id = arg.get_id();
                    assert!(
                        said.iter().any(|s| help.contains(s)),
                        "{command} {id}: the default `{default}` is not said"
                    );
                }
            }
        }
    }

    #[test]
    fn the_human_format_has_one_name_and_keeps_the_old_ones() {
        for old in ["texte", "human", "terminal"] {
            let cli = Cli::try_parse_from(["clsm", "check", "--format", old]).unwrap();
            let Command::Check(args) = cli.command else { panic!("check") };
            assert_eq!(args.format, Format::Texte);
            let cli = Cli::try_parse_from(["clsm", "report", "--format", old]).unwrap();
            let Command::Report(args) = cli.command else { panic!("report") };
            assert_eq!(args.format, ReportFormat::Texte);
        }
    }

    #[test]
    fn dates_and_delimiters_are_parsed_into_types() {
        let cli = Cli::try_parse_from(["clsm", "export", "actions", "--delimiter", "tab"]).unwrap();
        let Command::Export(args) = cli.command else { panic!("export") };
        assert_eq!(args.delimiter, Some(b'\t'));
        assert!(Cli::try_parse_from(["clsm", "export", "actions", "--delimiter", "ab"]).is_err());
        let cli = Cli::try_parse_from(["clsm", "report", "--date", "2026-11-22"]).unwrap();
        let Command::Report(args) = cli.command else { panic!("report") };
        assert_eq!(args.date, chrono::NaiveDate::from_ymd_opt(2026, 11, 22));
        let e = Cli::try_parse_from(["clsm", "report", "--date", "22/11/2026"]).unwrap_err();
        assert!(french_error(&e).contains("écrivez la date sous la forme AAAA-MM-JJ"), "{}", french_error(&e));
    }
}
