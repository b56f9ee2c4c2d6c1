//! What `clsm report` can still show of a repository with errors.
//!
//! The day before a steering committee, one `1 500 €` typed in a fiche must not keep
//! the coordinator from the report. The fiches with errors are set aside, and so are
//! the actions whose figures depend on one of them (a porteur or a funder in error);
//! references from the other fiches to the ones set aside are dropped. What is left
//! passed every rule, and becomes a checked repository like any other. The report
//! names every fiche set aside, first, so that nothing is left out silently.
//! Documents that are published (`build`, `bilan`, `export`) never do this.

use std::collections::{BTreeMap, HashSet};

use crate::diag::{Diagnostic, Severity};
use crate::load::{CONFIG_FILE, Loaded};
use crate::model::checked::{self, Omission};
use crate::model::{self as raw, Kind, Record, is_id};

/// A checked repository without its fiches in error, and what was left out.
pub struct Salvaged {
    pub repo: checked::Repository,
    pub omissions: Vec<Omission>,
}

/// Why nothing could be salvaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsalvageable {
    /// `clsm.toml` has an error: every document depends on it.
    Config,
    /// What is left still lacks something `check` requires: a bug of clsm's.
    Internal,
}

/// The repository without the fiches that have errors in `diagnostics`.
pub fn salvage(loaded: &Loaded, diagnostics: &[Diagnostic]) -> Result<Salvaged, Unsalvageable> {
    let mut errors: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        *errors.entry(d.file.as_str()).or_default() += 1;
    }
    let source = &loaded.repo;
    if source.config_unreadable || errors.contains_key(CONFIG_FILE) {
        return Err(Unsalvageable::Config);
    }
    let mut omissions = Vec::new();
    let mut omit = |file: &str, kind: Option<Kind>, id: Option<&str>, titre: Option<&String>, cause: Option<String>| {
        omissions.push(Omission {
            fichier: file.to_string(),
            genre: kind,
            id: id.map(Into::into),
            titre: titre.filter(|t| !t.trim().is_empty()).map(|t| t.as_str().into()),
            erreurs: errors.get(file).copied().unwrap_or(0),
            cause,
        });
    };
    let sound = |file: &str| !errors.contains_key(file);

    let partenaires: Vec<Record<raw::Partenaire>> = keep(&source.partenaires, sound, |r| {
        omit(&r.file, Some(Kind::Partenaire), Some(&r.id), r.data.nom.as_ref(), None)
    });
    let indicateurs: Vec<Record<raw::Indicateur>> = keep(&source.indicateurs, sound, |r| {
        omit(&r.file, Some(Kind::Indicateur), Some(&r.id), r.data.libelle.as_ref(), None)
    });
    let partners: HashSet<&str> = partenaires.iter().map(|r| r.id.as_str()).collect();
    let indicators: HashSet<&str> = indicateurs.iter().map(|r| r.id.as_str()).collect();

    let mut actions = Vec::new();
    for r in &source.actions {
        if !sound(&r.file) {
            omit(&r.file, Some(Kind::Action), Some(&r.id), r.data.titre.as_ref(), None);
            continue;
        }
        // Its porteur and its funders make its figures: without them, it is set aside too.
        let a = &r.data;
        let funders = a.financements.iter().flatten().filter_map(|f| f.financeur.as_ref());
        if let Some(missing) = a.porteur.iter().chain(funders).find(|id| !partners.contains(id.as_str())) {
            let cause = format!("dépend du partenaire `{missing}`, en erreur");
            omit(&r.file, Some(Kind::Action), Some(&r.id), a.titre.as_ref(), Some(cause));
            continue;
        }
        let mut r = r.clone();
        let a = &mut r.data;
        retain(&mut a.partenaires, |id| partners.contains(id));
        retain(&mut a.indicateurs, |id| indicators.contains(id));
        for o in a.objectifs_operationnels.iter_mut().flatten() {
            // Free text there names nobody and stays.
            retain(&mut o.qui, |q| !is_id(q) || partners.contains(q));
        }
        actions.push(r);
    }
    let kept_actions: HashSet<&str> = actions.iter().map(|r| r.id.as_str()).collect();
    let mut evenements = Vec::new();
    for r in &source.evenements {
        if !sound(&r.file) {
            omit(&r.file, Some(Kind::Evenement), Some(&r.id), r.data.titre.as_ref(), None);
            continue;
        }
        let mut r = r.clone();
        retain(&mut r.data.actions, |id| kept_actions.contains(id));
        retain(&mut r.data.partenaires, |id| partners.contains(id));
        evenements.push(r);
    }
    // Files that are not records at all: unreadable fiches, fiches that would not be read.
    let records: HashSet<&str> = source
        .actions
        .iter()
        .map(|r| r.file.as_str())
        .chain(source.partenaires.iter().map(|r| r.file.as_str()))
        .chain(source.indicateurs.iter().map(|r| r.file.as_str()))
        .chain(source.evenements.iter().map(|r| r.file.as_str()))
        .collect();
    for file in errors.keys().filter(|f| !records.contains(*f)) {
        let kind = file.split('/').nth(1).and_then(Kind::from_folder);
        let id = file.rsplit('/').next().and_then(|n| n.strip_suffix(".md"));
        omit(file, kind, id, None, None);
    }
    // The fiches with errors first, then those set aside because of them.
    omissions.sort_by(|a, b| (a.cause.is_some(), &a.fichier).cmp(&(b.cause.is_some(), &b.fichier)));

    let pruned = raw::Repository {
        config: source.config.clone(),
        actions,
        partenaires,
        indicateurs,
        evenements,
        unreadable: Vec::new(),
        config_unreadable: false,
    };
    let repo = checked::Repository::from_loaded(pruned).ok_or(Unsalvageable::Internal)?;
    Ok(Salvaged { repo, omissions })
}

/// The records whose file is sound, calling `left_out` for each of the others.
fn keep<T: Clone>(
    records: &[Record<T>],
    sound: impl Fn(&str) -> bool,
    mut left_out: impl FnMut(&Record<T>),
) -> Vec<Record<T>> {
    let mut kept = Vec::new();
    for r in records {
        if sound(&r.file) {
            kept.push(r.clone());
        } else {
            left_out(r);
        }
    }
    kept
}

fn retain(list: &mut Option<Vec<String>>, keep: impl Fn(&str) -> bool) {
    if let Some(list) = list {
        list.retain(|id| keep(id));
    }
}
