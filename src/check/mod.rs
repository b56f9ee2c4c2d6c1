//! `clsm check`: every rule of the file format, run over a loaded repository.
//!
//! Loading already reports what concerns one file alone (encoding, front matter, YAML,
//! keys, types, dates, amounts). The rules here look across values and files:
//! vocabularies, references, periods, indicator values, progress logs, and the
//! warnings that point at forgotten work. Each rule is a named function; all of them
//! run, and every diagnostic they produce is returned together, sorted by file and
//! line.

mod render;
mod rules;

use std::collections::HashSet;

use chrono::NaiveDate;
use rayon::prelude::*;

pub use render::{Format, Summary, render};

use crate::diag::{Diagnostic, Severity};
use crate::load::Loaded;
use crate::model::vocab::Vocabularies;
use crate::model::{Kind, Repository, checked};

/// What the rules share: the repository, its vocabularies and its ids.
pub struct Context<'a> {
    pub repo: &'a Repository,
    pub vocab: Vocabularies,
    pub today: NaiveDate,
    ids: [HashSet<&'a str>; 4],
}

impl<'a> Context<'a> {
    fn new(repo: &'a Repository, today: NaiveDate) -> Self {
        let ids = Kind::ALL.map(|kind| {
            let mut set: HashSet<&str> = repo.ids(kind).into_iter().collect();
            set.extend(repo.unreadable.iter().filter(|(k, _)| *k == kind).map(|(_, id)| id.as_str()));
            set
        });
        let vocab = repo.config.vocabularies();
        Context { repo, vocab, today, ids }
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
pub fn proven(loaded: &Loaded, diagnostics: &[Diagnostic]) -> Option<checked::Repository> {
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return None;
    }
    checked::Repository::from_loaded(&loaded.repo)
}

/// One named rule.
type Rule = fn(&Context, &mut Vec<Diagnostic>);

/// The rules, in the order they are documented.
const RULES: &[(&str, Rule)] = &[
    ("contrat", rules::contract),
    ("vocabulaires", rules::vocabularies),
    ("references", rules::references),
    ("periodes", rules::periods),
    ("indicateurs", rules::indicator_values),
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
    let cx = Context::new(&loaded.repo, today);
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
