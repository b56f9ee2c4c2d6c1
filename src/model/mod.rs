//! The typed records of a data repository and their vocabularies. No I/O here.
//!
//! Every key of the file format (see the README) is a field of one of these records.
//! All fields are optional at the type level: which keys are required is part of each
//! record's declaration, checked while reading, so that a record missing its `titre`
//! is still read and its other problems still reported.

pub mod checked;
pub mod config;
pub mod date;
pub mod money;
pub mod schema;
pub mod ventilation;
pub mod vocab;
pub mod yaml;

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

pub use config::{Axe, Config, ContratParent, Thematique};
pub use date::{PartialDate, Periode};
pub use money::Montant;
pub use vocab::{Sens, Statut, StatutFinancement, TypeIndicateur, Unite};
use yaml::record;

/// The four kinds of record a repository holds, one folder each under `fiches/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Action,
    Partenaire,
    Indicateur,
    Evenement,
}

impl Kind {
    /// Every kind, in folder order.
    pub const ALL: [Kind; 4] = [Kind::Action, Kind::Partenaire, Kind::Indicateur, Kind::Evenement];

    /// The folder under `fiches/` that holds this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Action => "actions",
            Kind::Partenaire => "partenaires",
            Kind::Indicateur => "indicateurs",
            Kind::Evenement => "evenements",
        }
    }

    /// The kind whose folder is `folder`.
    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    /// The French noun for one record of this kind ("partenaire").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Action => "action",
            Kind::Partenaire => "partenaire",
            Kind::Indicateur => "indicateur",
            Kind::Evenement => "événement",
        }
    }
}

impl Kind {
    /// "du partenaire", "de l'action", for help lines.
    pub fn of_the(self) -> &'static str {
        match self {
            Kind::Action => "de l'action",
            Kind::Partenaire => "du partenaire",
            Kind::Indicateur => "de l'indicateur",
            Kind::Evenement => "de l'événement",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// The bounds of the values `check` accepts, shared with the JSON Schemas
/// ([`schema`]), so that editors and `check` refuse the same numbers.
pub mod bounds {
    use std::ops::RangeInclusive;

    /// The most participants one entry or one event may count: more than a large city.
    pub const MAX_PARTICIPANTS: u64 = 10_000_000;
    /// A latitude, in decimal degrees.
    pub const LATITUDES: RangeInclusive<f64> = -90.0..=90.0;
    /// A longitude, in decimal degrees.
    pub const LONGITUDES: RangeInclusive<f64> = -180.0..=180.0;
    /// A percentage.
    pub const PERCENT: RangeInclusive<f64> = 0.0..=100.0;

    /// The years a date may have: a contract's documents never reach further, and
    /// `0202` or `2205` are typing slips.
    pub const YEARS: RangeInclusive<i32> = 1900..=2200;

    /// The lists that name each thing once: `(record, key)`.
    pub const DISTINCT: &[(&str, &str)] = &[
        ("Action", "partenaires"),
        ("Action", "thematiques"),
        ("Action", "indicateurs"),
        ("Action", "duree"),
        ("Action", "territoire"),
        ("Action", "public"),
        ("Action", "champ"),
        ("Indicateur", "ventilation"),
        ("Partenaire", "secteurs"),
        ("Partenaire", "instances"),
        ("Evenement", "actions"),
        ("Evenement", "partenaires"),
    ];
}

/// The longest id: ids name files and pages, and systems refuse names past 255
/// bytes (a page's name adds `.html`, a fiche's PDF `.pdf`).
pub const MAX_ID: usize = 80;

/// True when `id` is a valid record id: `[a-z0-9][a-z0-9._-]*`, at most
/// [`MAX_ID`] characters.
pub fn is_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    id.len() <= MAX_ID
        && matches!(bytes.next(), Some(b'a'..=b'z' | b'0'..=b'9'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-'))
}

/// What is wrong with an id that is not one, in French: "doit être…".
pub fn id_problem(id: &str) -> &'static str {
    let allowed = |b: u8| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-');
    if id.len() > MAX_ID && id.bytes().all(allowed) {
        "est trop long (80 caractères au plus)"
    } else {
        "doit être en minuscules, sans espace ni accent"
    }
}

/// The id a coordinator probably meant: lowercase, accents dropped, spaces as `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'œ' | 'Œ' => {
                out.push_str("oe");
                continue;
            }
            c => c.to_ascii_lowercase(),
        };
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let short = &trimmed[..trimmed.len().min(MAX_ID)];
    short.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()).to_string()
}

/// Compares official numbers in natural order: `1.1.2` < `1.1.10` < `2`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_parts(a).cmp(&natural_parts(b)).then_with(|| a.cmp(b))
}

/// What [`natural_cmp`] compares first: the runs of digits of `s` as numbers, and
/// its letters between them. Kept beside a string, it sorts many without being
/// made again at each comparison.
pub fn natural_parts(s: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                out.push((u64::MAX, std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((digits.parse().unwrap_or(u64::MAX), String::new()));
                digits.clear();
            }
            if c.is_alphanumeric() {
                text.push(c);
            }
        }
    }
    if !digits.is_empty() {
        out.push((digits.parse().unwrap_or(u64::MAX), String::new()));
    }
    if !text.is_empty() {
        out.push((u64::MAX, text));
    }
    out
}

record! {
    /// One line of the seeds' "Comment ? Qui ? Quand ?" table.
    pub struct ObjectifOperationnel required [titre] {
        titre: String,
        comment: String,
        /// Ids of partners (references) or free text ("Coordonnateur CLSM").
        qui: Vec<String>,
        quand: String,
        statut: Statut,
    }
}

record! {
    /// A budget line.
    pub struct LigneBudget required [poste, montant] {
        poste: String,
        montant: Montant,
    }
}

record! {
    /// A funding line: who pays, how much, whether it is secured.
    pub struct Financement required [financeur, statut] {
        financeur: String,
        montant: Montant,
        statut: StatutFinancement,
    }
}

record! {
    /// One entry of an action's progress log.
    pub struct Avancement required [date, texte] {
        date: PartialDate,
        texte: String,
        /// The end of an entry that lasts (`2017-05` to `2017-07`).
        fin: PartialDate,
        /// A change of the action's statut on that date.
        statut: Statut,
        participants: u64,
    }
}

record! {
    /// A planned period `{ debut, fin }`.
    pub struct PeriodeFields required [debut, fin] {
        debut: PartialDate,
        fin: PartialDate,
    }
}

impl PeriodeFields {
    /// The period, when both ends were read.
    pub fn periode(&self) -> Option<Periode> {
        Some(Periode { debut: self.debut?, fin: self.fin? })
    }
}

record! {
    /// A fiche-action (`fiches/actions/*.md`).
    pub struct Action required [titre, axe, porteur] {
        numero: String,
        titre: String,
        axe: String,
        axe_parent: String,
        statut: Statut,
        porteur: String,
        objectif_strategique: String,
        objectif_specifique: String,
        objectifs_operationnels: Vec<ObjectifOperationnel>,
        pilote: String,
        partenaires: Vec<String>,
        thematiques: Vec<String>,
        typologie: String,
        duree: Vec<String>,
        territoire: Vec<String>,
        lieux: String,
        public: Vec<String>,
        public_precision: String,
        calendrier: PeriodeFields,
        budget: Vec<LigneBudget>,
        financements: Vec<Financement>,
        indicateurs: Vec<String>,
        determinants: Vec<String>,
        politiques_publiques: Vec<String>,
        inegalites_sociales: bool,
        demarche_participative: bool,
        participation: String,
        champ: Vec<String>,
        prerequis: String,
        dispositifs_existants: String,
        resultats_attendus: String,
        moyens_mobilisables: String,
        moyens_a_rechercher: String,
        suivi: String,
        evaluation: String,
        avancement: Vec<Avancement>,
    }
}

/// Whether an action is late on `day`: its calendar ended on `fin` (a partial date
/// covers its whole period) and its `statut` says neither done nor abandoned. The
/// one rule for the `action-en-retard` warning and for every report.
pub fn en_retard(fin: Option<PartialDate>, statut: Option<&Statut>, day: chrono::NaiveDate) -> bool {
    fin.is_some_and(|fin| fin.last_day() < day) && !statut.is_some_and(Statut::est_close)
}

impl Action {
    /// Whether the action is late on `day` (see [`en_retard`]).
    pub fn en_retard(&self, day: chrono::NaiveDate) -> bool {
        en_retard(self.calendrier.as_ref().and_then(|c| c.fin), self.statut.as_ref(), day)
    }

    /// Every partner id the action names besides its porteur, in file order:
    /// its partners, its funders and the ids among its objectives' `qui` (free text
    /// there names nobody). Who "joins" an action, for every document.
    pub fn autres_partenaires(&self) -> impl Iterator<Item = &str> {
        let partners = self.partenaires.iter().flatten().map(String::as_str);
        let funders = self.financements.iter().flatten().filter_map(|f| f.financeur.as_deref());
        let qui = self.objectifs_operationnels.iter().flatten().flat_map(|o| o.qui.iter().flatten());
        partners.chain(funders).chain(qui.map(String::as_str))
    }
}

record! {
    /// A person to contact at a partner: personal data, never published by default.
    pub struct Contact required [nom] {
        nom: String,
        fonction: String,
        email: String,
        telephone: String,
    }
}

record! {
    /// A point on the map.
    pub struct Coordonnees required [lat, lon] {
        lat: f64,
        lon: f64,
    }
}

record! {
    /// A partner organisation (`fiches/partenaires/*.md`).
    pub struct Partenaire required [nom] {
        nom: String,
        sigle: String,
        r#type: String,
        secteurs: Vec<String>,
        adresse: String,
        commune: String,
        coordonnees: Coordonnees,
        site: String,
        telephone: String,
        email: String,
        fondateur: bool,
        instances: Vec<String>,
        contacts: Vec<Contact>,
    }
}

record! {
    /// The starting value of an indicator.
    pub struct ValeurInitiale required [valeur] {
        date: PartialDate,
        valeur: f64,
    }
}

record! {
    /// The value an indicator should reach, and by when.
    pub struct Cible required [valeur] {
        valeur: f64,
        echeance: PartialDate,
    }
}

record! {
    /// One measure of an indicator.
    pub struct Mesure required [date] {
        date: PartialDate,
        valeur: f64,
        numerateur: f64,
        denominateur: f64,
        /// The figure of each category of the indicator's dimensions.
        ventilation: ventilation::Ventilation,
        commentaire: String,
        source: String,
    }
}

/// What a numerator and a denominator give: their ratio, × 100 for a percentage.
pub fn ratio(unite: Option<&Unite>, numerateur: f64, denominateur: f64) -> f64 {
    let ratio = numerateur / denominateur;
    if unite == Some(&Unite::Pourcentage) { ratio * 100.0 } else { ratio }
}

record! {
    /// An indicator (`fiches/indicateurs/*.md`).
    pub struct Indicateur required [libelle, r#type] {
        libelle: String,
        r#type: TypeIndicateur,
        unite: Unite,
        sens: Sens,
        valeur_initiale: ValeurInitiale,
        cible: Cible,
        /// A target per period, each with its deadline, in order.
        cibles: Vec<Cible>,
        /// `true`: each measure is a running total since the start; `false`: each
        /// counts its own period; absent: each is a state (a rate, a stock).
        cumul: bool,
        /// The dimensions of `clsm.toml` its measures are broken down by.
        ventilation: Vec<String>,
        numerateur: String,
        denominateur: String,
        sources: Vec<String>,
        frequence: String,
        mesures: Vec<Mesure>,
    }
}

impl Indicateur {
    /// What a numerator and a denominator give (see [`ratio`]).
    pub fn ratio(&self, numerateur: f64, denominateur: f64) -> f64 {
        ratio(self.unite.as_ref(), numerateur, denominateur)
    }

    /// A measure's value: the one written, or the one its ratio gives.
    pub fn valeur(&self, mesure: &Mesure) -> Option<f64> {
        match (mesure.valeur, mesure.numerateur, mesure.denominateur) {
            (Some(v), _, _) => Some(v),
            (None, Some(n), Some(d)) if d != 0.0 => Some(self.ratio(n, d)),
            _ => None,
        }
    }
}

record! {
    /// A meeting or event (`fiches/evenements/*.md`).
    pub struct Evenement required [date] {
        date: PartialDate,
        /// The end of an event that lasts (a week, a season).
        fin: PartialDate,
        r#type: String,
        titre: String,
        /// Its theme: « Santé mentale et travail » for a SISM week.
        theme: String,
        /// For an event made of several (a SISM week): how many partners took part…
        nombre_partenaires: u64,
        /// …and how many events it held.
        nombre_evenements: u64,
        actions: Vec<String>,
        partenaires: Vec<String>,
        participants: u64,
    }
}

/// One record of a repository: its id (the file stem), where it comes from, its
/// front matter and its Markdown body.
#[derive(Debug, Clone, Serialize)]
pub struct Record<T> {
    pub id: String,
    /// Path relative to the repository root, with `/`.
    pub file: String,
    #[serde(flatten)]
    pub data: T,
    /// The Markdown after the front matter.
    pub body: String,
}

/// Everything a repository holds, sorted by id within each kind.
#[derive(Debug, Default, Clone)]
pub struct Repository {
    pub config: Config,
    pub actions: Vec<Record<Action>>,
    pub partenaires: Vec<Record<Partenaire>>,
    pub indicateurs: Vec<Record<Indicateur>>,
    pub evenements: Vec<Record<Evenement>>,
    /// Files that exist but whose front matter could not be read: their ids still
    /// count as existing, so that references to them are not reported twice.
    pub unreadable: Vec<(Kind, String)>,
    /// True when `clsm.toml` could not be parsed: axes and themes are then unknown.
    pub config_unreadable: bool,
}

impl Repository {
    /// The ids of the records of one kind.
    pub fn ids(&self, kind: Kind) -> Vec<&str> {
        match kind {
            Kind::Action => self.actions.iter().map(|r| r.id.as_str()).collect(),
            Kind::Partenaire => self.partenaires.iter().map(|r| r.id.as_str()).collect(),
            Kind::Indicateur => self.indicateurs.iter().map(|r| r.id.as_str()).collect(),
            Kind::Evenement => self.evenements.iter().map(|r| r.id.as_str()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_slugs() {
        assert!(is_id("ch-jury"));
        assert!(is_id("fiche-15"));
        assert!(is_id("1.1.2"));
        assert!(!is_id("CH-Jury"));
        assert!(!is_id("-x"));
        assert!(!is_id("fiche 15"));
        assert!(!is_id("réseau"));
        assert!(!is_id(""));
        assert!(is_id(&"a".repeat(MAX_ID)) && !is_id(&"a".repeat(MAX_ID + 1)));
        assert_eq!(id_problem(&"a".repeat(300)), "est trop long (80 caractères au plus)");
        assert!(is_id(&slugify(&"Très long titre ".repeat(20))));
    }

    #[test]
    fn official_numbers_sort_naturally() {
        let mut numbers = vec!["1.1.10", "2", "1.1.2", "10", "1.2", "1.1.2a"];
        numbers.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(numbers, ["1.1.2", "1.1.2a", "1.1.10", "1.2", "2", "10"]);
    }

    #[test]
    fn slugify_suggests_a_valid_id() {
        assert_eq!(slugify("Fiche 15"), "fiche-15");
        assert_eq!(slugify("Réseau Santé Œuvre"), "reseau-sante-oeuvre");
        assert!(is_id(&slugify("  GEM L'Albatros ")));
    }
}
