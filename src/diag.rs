//! Diagnostics: what `clsm check` reports, from every stage of the pipeline.
//!
//! A diagnostic is data, not text: the loader, the model reader and the rules all
//! produce [`Diagnostic`]s, which travel together and are rendered once at the end
//! (human, JSON or GitHub annotations). A diagnostic may first point at a *path* in
//! the front matter (`partenaires[2]`); the loader turns that path into the line and
//! column of the file as it is on disk before anything is printed.

use std::fmt;

use serde::Serialize;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $sev:ident;)*) => {
        /// The stable name of a rule. Each one is documented in the README.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, in the order of the README.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The kebab-case name shown in diagnostics.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            /// The severity a problem of this kind has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev),* }
            }
        }
    };
}

codes! {
    FichierIllisible = "fichier-illisible", Error;
    Encodage = "encodage", Error;
    FrontMatter = "front-matter", Error;
    YamlSyntaxe = "yaml-syntaxe", Error;
    CleDupliquee = "cle-dupliquee", Error;
    ConfigSyntaxe = "config-syntaxe", Error;
    CleInconnue = "cle-inconnue", Error;
    CleManquante = "cle-manquante", Error;
    TypeInvalide = "type-invalide", Error;
    Vocabulaire = "vocabulaire", Error;
    IdInvalide = "id-invalide", Error;
    IdDuplique = "id-duplique", Error;
    RefInconnue = "ref-inconnue", Error;
    DateInvalide = "date-invalide", Error;
    PeriodeInversee = "periode-inversee", Error;
    MontantInvalide = "montant-invalide", Error;
    HorsBornes = "hors-bornes", Error;
    RatioIncoherent = "ratio-incoherent", Error;
    CiblesDesordre = "cibles-desordre", Error;
    CibleHorsPeriode = "cible-hors-periode", Error;
    CumulDecroissant = "cumul-decroissant", Error;
    DimensionInconnue = "dimension-inconnue", Error;
    CategorieInconnue = "categorie-inconnue", Error;
    VentilationNonDeclaree = "ventilation-non-declaree", Error;
    VentilationIncoherente = "ventilation-incoherente", Error;
    AvancementDesordre = "avancement-desordre", Error;
    StatutIncoherent = "statut-incoherent", Error;
    TexteHorsLimites = "texte-hors-limites", Error;
    FicheIgnoree = "fiche-ignoree", Error;
    FichierInattendu = "fichier-inattendu", Warning;
    ActionSansIndicateur = "action-sans-indicateur", Warning;
    IndicateurOrphelin = "indicateur-orphelin", Warning;
    PartenaireInactif = "partenaire-inactif", Warning;
    ActionEnRetard = "action-en-retard", Warning;
    CaractereSansPolice = "caractere-sans-police", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path into a front matter, such as `financements[1].statut`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YamlPath(pub Vec<Seg>);

impl YamlPath {
    /// The path of a top-level key.
    pub fn key(key: &str) -> Self {
        YamlPath(vec![Seg::Key(key.to_string())])
    }

    /// This path extended by a key.
    pub fn with_key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_string()));
        YamlPath(segs)
    }

    /// This path extended by a list index.
    pub fn with_index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        YamlPath(segs)
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Where in its file a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// A line and column (1-based, in characters) and the width to underline.
    Pos { line: usize, column: usize, width: usize },
    /// A value (or, with `key`, the key itself) in the front matter, still to resolve.
    Path { path: YamlPath, key: bool },
    /// The file as a whole: shown at its first line.
    File,
}

/// One problem found in a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// Path relative to the repository root, with `/`.
    pub file: String,
    pub at: At,
    /// Lowercase French sentence without final period.
    pub message: String,
    /// How to fix it, in French.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the default severity of its code.
    pub fn new(code: Code, file: impl Into<String>, at: At, message: impl Into<String>) -> Self {
        Diagnostic { severity: code.severity(), code, file: file.into(), at, message: message.into(), help: None }
    }

    /// Adds the fix to suggest.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds the fix to suggest, when there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// The line and column once resolved; `(1, 1)` before.
    pub fn line_column(&self) -> (usize, usize) {
        match self.at {
            At::Pos { line, column, .. } => (line, column),
            _ => (1, 1),
        }
    }
}

/// Sorts diagnostics by file, line and column, errors before warnings at one place.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line_column(), a.severity, a.code, &a.message).cmp(&(
            &b.file,
            b.line_column(),
            b.severity,
            b.code,
            &b.message,
        ))
    });
}
