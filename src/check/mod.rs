//! `clsm check`: every rule of the file format, run over a loaded repository.
//!
//! Loading already reports what concerns one file alone (encoding, front matter, YAML,
//! keys, types, dates, amounts). The rules here look across values and files:
//! vocabularies, references, periods, indicator values, progress logs, and the
//! warnings that point at forgotten work. Each rule is a named function; all of them
//! run, and every diagnostic they produce is returned together, sorted by file and
//! line.

mod measures;
mod render;
mod rules;
mod salvage;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rayon::prelude::*;

pub use render::{Format, Shown, Summary, github_summary, render, shown};
pub use rules::agrees;
pub use salvage::{Salvaged, Unsalvageable, salvage};

use crate::diag::{At, Diagnostic, Severity, YamlPath};
use crate::load::Loaded;
use crate::model::vocab::Vocabularies;
use crate::model::{Kind, Repository, checked, slugify};

/// What the rules share: the repository, its vocabularies and its ids.
pub struct Context<'a> {
    pub repo: &'a Repository,
    pub vocab: Vocabularies,
    pub today: NaiveDate,
    ids: [HashSet<&'a str>; 4],
    /// Each record's id by its names (`nom` and `sigle`, titre, libellé) made into
    /// ids, for references written with the name instead of the id.
    names: [HashMap<String, &'a str>; 4],
    /// Where each file had a value refused while it was read: a rule that reads
    /// such a value finds it absent, and leaves it to the error already given.
    failed: HashMap<&'a str, Vec<&'a YamlPath>>,
}

impl<'a> Context<'a> {
    fn new(repo: &'a Repository, today: NaiveDate, found: &'a [Diagnostic]) -> Self {
        let ids = Kind::ALL.map(|kind| {
            let mut set: HashSet<&str> = repo.ids(kind).into_iter().collect();
            set.extend(repo.unreadable.iter().filter(|(k, _)| *k == kind).map(|(_, id)| id.as_str()));
            set
        });
        let vocab = repo.config.vocabularies();
        let mut names: [HashMap<String, &str>; 4] = Default::default();
        let mut add = |kind: Kind, name: Option<&String>, id: &'a str| {
            if let Some(name) = name.map(|n| slugify(n)).filter(|n| !n.is_empty()) {
                names[kind as usize].entry(name).or_insert(id);
            }
        };
        for r in &repo.partenaires {
            add(Kind::Partenaire, r.data.nom.as_ref(), &r.id);
            add(Kind::Partenaire, r.data.sigle.as_ref(), &r.id);
        }
        for r in &repo.actions {
            add(Kind::Action, r.data.titre.as_ref(), &r.id);
            add(Kind::Action, r.data.numero.as_ref(), &r.id);
        }
        for r in &repo.indicateurs {
            add(Kind::Indicateur, r.data.libelle.as_ref(), &r.id);
        }
        for r in &repo.evenements {
            add(Kind::Evenement, r.data.titre.as_ref(), &r.id);
        }
        let mut failed: HashMap<&str, Vec<&YamlPath>> = HashMap::new();
        for d in found.iter().filter(|d| d.severity == Severity::Error) {
            if let At::Path { path, .. } = &d.at {
                failed.entry(d.file.as_str()).or_default().push(path);
            }
        }
        Context { repo, vocab, today, ids, names, failed }
    }

    /// True when a value at `path` in `file`, or inside it, was refused while the
    /// file was read.
    pub fn failed(&self, file: &str, path: &YamlPath) -> bool {
        self.failed.get(file).is_some_and(|paths| paths.iter().any(|p| p.0.starts_with(&path.0)))
    }

    /// The id of the record of `kind` whose name is `written` (accents, case and
    /// punctuation aside).
    pub fn named(&self, kind: Kind, written: &str) -> Option<&'a str> {
        self.names[kind as usize].get(&slugify(written)).copied()
    }

    /// True when `word` belongs to `vocab` (built-in or added by the repository):
    /// a rule that reads a word's meaning leaves an unknown word to the rule that
    /// reports it.
    pub fn knows(&self, vocab: &crate::model::vocab::Vocab, word: &str) -> bool {
        self.vocab.contains(vocab, word)
    }

    /// True when a record of `kind` has this id.
    pub fn exists(&self, kind: Kind, id: &str) -> bool {
        self.ids[kind as usize].contains(id)
    }

    /// Every id of `kind`, sorted, for suggestions.
    pub fn ids(&self, kind: Kind) -> Vec<&'a str> {
        let mut ids: Vec<&str> = self.ids[kind as usize].iter().copied().collect();
        ids.sort_unstable();
        ids
    }
}

/// The repository as `check` proved it, when `diagnostics` (its own) hold no
/// error: what every view and export reads. `None` when there are errors, or, were
/// `check` to let something through, when a required value is missing after all.
pub fn proven(repo: crate::model::Repository, diagnostics: &[Diagnostic]) -> Option<checked::Repository> {
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return None;
    }
    checked::Repository::from_loaded(repo)
}

/// One named rule.
type Rule = fn(&Context, &mut Vec<Diagnostic>);

/// The rules, in the order they are documented.
const RULES: &[(&str, Rule)] = &[
    ("contrat", rules::contract),
    ("vocabulaires", rules::vocabularies),
    ("references", rules::references),
    ("doublons", rules::repeated_items),
    ("periodes", rules::periods),
    ("indicateurs", rules::indicator_values),
    ("dimensions", measures::dimensions),
    ("cibles", measures::targets),
    ("cumuls", measures::running_totals),
    ("ventilations", measures::breakdowns),
    ("montants", rules::money_totals),
    ("coordonnees", rules::coordinates),
    ("participants", rules::participant_counts),
    ("avancement", rules::progress_logs),
    ("suivi", rules::follow_up_warnings),
];

/// Checks a loaded repository: what the loader found, then every rule. The rules
/// are independent of each other and run in parallel. Positions are resolved when
/// the diagnostics are printed ([`render`]).
pub fn check(loaded: &Loaded, today: NaiveDate) -> Vec<Diagnostic> {
    let mut diagnostics = loaded.diagnostics.clone();
    let cx = Context::new(&loaded.repo, today, &loaded.diagnostics);
    let found: Vec<Vec<Diagnostic>> = RULES
        .par_iter()
        .map(|(_name, rule)| {
            let mut out = Vec::new();
            rule(&cx, &mut out);
            out
        })
        .collect();
    diagnostics.extend(found.into_iter().flatten());
    diagnostics
}
