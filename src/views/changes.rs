//! What changed between two states of a repository, record by record and field by
//! field, for reviewers: lists compare by their items (an entry added to a progress
//! log, not the whole log rewritten), bodies by their words.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::{Kind, Record, Repository};

/// A change of one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum FieldChange {
    /// A value written for the first time.
    Ajout { cle: String, valeur: Value },
    /// A value removed.
    Retrait { cle: String, valeur: Value },
    /// A value replaced.
    Modification { cle: String, avant: Value, apres: Value },
    /// Items added to or removed from a list.
    Liste { cle: String, ajouts: Vec<Value>, retraits: Vec<Value> },
    /// Personal data that changed, shown without its values (without `--interne`).
    Masque { cle: String },
}

/// The keys that hold personal data, shown in a diff only with `--interne`.
const PERSONAL: &[(Kind, &str)] = &[(Kind::Partenaire, "contacts")];

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Etat {
    Ajoute,
    Supprime,
    Modifie,
}

/// The changes of one record (or of the contract, with kind `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordChange {
    pub genre: Option<Kind>,
    pub id: String,
    /// An action's official number, by which people name it.
    pub numero: Option<String>,
    pub etat: Etat,
    pub champs: Vec<FieldChange>,
    /// The body's words removed and added, with some context.
    pub texte: Option<Vec<Morceau>>,
}

/// Every change, the contract first, then records by kind and id.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    pub changements: Vec<RecordChange>,
}

fn to_value<T: Serialize>(data: &T) -> BTreeMap<String, Value> {
    match serde_json::to_value(data) {
        Ok(Value::Object(map)) => map.into_iter().collect(),
        _ => BTreeMap::new(),
    }
}

/// Field-by-field changes between two serialized records.
fn fields(old: &BTreeMap<String, Value>, new: &BTreeMap<String, Value>) -> Vec<FieldChange> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let cle = key.clone();
            match (old.get(key), new.get(key)) {
                (Some(a), Some(b)) if a == b => None,
                (None, Some(b)) => Some(FieldChange::Ajout { cle, valeur: b.clone() }),
                (Some(a), None) => Some(FieldChange::Retrait { cle, valeur: a.clone() }),
                (Some(Value::Array(a)), Some(Value::Array(b))) => Some(FieldChange::Liste {
                    cle,
                    ajouts: b.iter().filter(|x| !a.contains(x)).cloned().collect(),
                    retraits: a.iter().filter(|x| !b.contains(x)).cloned().collect(),
                })
                .filter(|c| !matches!(c, FieldChange::Liste { ajouts, retraits, .. } if ajouts.is_empty() && retraits.is_empty())),
                (Some(a), Some(b)) => Some(FieldChange::Modification { cle, avant: a.clone(), apres: b.clone() }),
                (None, None) => None,
            }
        })
        .collect()
}

/// What happened to a run of words of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Unchanged words kept around a change, for context.
    Garde,
    Retire,
    Ajoute,
    /// Unchanged words left out.
    Coupe,
    /// The whole body rewritten: too long to compare word by word.
    Reecrit,
}

/// A run of words of a body diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Morceau {
    pub sort: Sort,
    /// The words, separated by single spaces (empty for [`Sort::Coupe`] and
    /// [`Sort::Reecrit`]).
    pub mots: String,
}

/// A body rewritten beyond a word diff (more than four million word pairs).
const TOO_LONG: usize = 4_000_000;

/// A short word diff: the words removed and added, with three words of context
/// around each change; `None` when only spaces and line breaks moved.
pub fn word_diff(old: &str, new: &str) -> Option<Vec<Morceau>> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    if a == b {
        return None;
    }
    if a.len().saturating_mul(b.len()) > TOO_LONG {
        return Some(vec![Morceau { sort: Sort::Reecrit, mots: String::new() }]);
    }
    let parts = edit_script(&a, &b);
    // Keep three words of context around each change.
    let changed: Vec<usize> =
        parts.iter().enumerate().filter(|(_, (k, _))| *k != Sort::Garde).map(|(n, _)| n).collect();
    let near = |n: usize| changed.iter().any(|&c| c.abs_diff(n) <= 3);
    let mut out: Vec<Morceau> = Vec::new();
    for (n, (sort, word)) in parts.into_iter().enumerate() {
        let sort = if sort == Sort::Garde && !near(n) { Sort::Coupe } else { sort };
        match out.last_mut() {
            Some(last) if last.sort == sort => {
                if sort != Sort::Coupe {
                    last.mots.push(' ');
                    last.mots.push_str(word);
                }
            }
            _ => out.push(Morceau { sort, mots: if sort == Sort::Coupe { String::new() } else { word.to_string() } }),
        }
    }
    Some(out)
}

/// The longest common subsequence of two word lists, walked into removals first,
/// then additions, with the kept words between.
fn edit_script<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(Sort, &'a str)> {
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut parts = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            parts.push((Sort::Garde, a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            parts.push((Sort::Retire, a[i]));
            i += 1;
        } else {
            parts.push((Sort::Ajoute, b[j]));
            j += 1;
        }
    }
    parts
}

/// Field changes, with personal fields of `kind` masked unless `interne`.
fn masked_fields(
    kind: Kind,
    mut before: BTreeMap<String, Value>,
    mut after: BTreeMap<String, Value>,
    interne: bool,
) -> Vec<FieldChange> {
    let mut masked = Vec::new();
    if !interne {
        for (_, key) in PERSONAL.iter().filter(|(k, _)| *k == kind) {
            if before.remove(*key) != after.remove(*key) {
                masked.push(FieldChange::Masque { cle: key.to_string() });
            }
        }
    }
    let mut changes = fields(&before, &after);
    changes.extend(masked);
    changes
}

fn compare_kind<T: Serialize>(
    kind: Kind,
    old: &[Record<T>],
    new: &[Record<T>],
    numero: impl Fn(&T) -> Option<String>,
    interne: bool,
    out: &mut Vec<RecordChange>,
) {
    let old: BTreeMap<&str, &Record<T>> = old.iter().map(|r| (r.id.as_str(), r)).collect();
    let new: BTreeMap<&str, &Record<T>> = new.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut ids: Vec<&str> = old.keys().chain(new.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let empty = BTreeMap::new();
    for id in ids {
        let (a, b) = (old.get(id), new.get(id));
        let (etat, before, after) = match (a, b) {
            (None, Some(b)) => (Etat::Ajoute, empty.clone(), to_value(&b.data)),
            (Some(a), None) => (Etat::Supprime, to_value(&a.data), empty.clone()),
            (Some(a), Some(b)) => (Etat::Modifie, to_value(&a.data), to_value(&b.data)),
            (None, None) => continue,
        };
        let texte = match (a, b) {
            (Some(a), Some(b)) => word_diff(&a.body, &b.body),
            _ => None,
        };
        let champs = if etat == Etat::Modifie { masked_fields(kind, before, after, interne) } else { Vec::new() };
        if etat == Etat::Modifie && champs.is_empty() && texte.is_none() {
            continue;
        }
        out.push(RecordChange {
            genre: Some(kind),
            id: id.to_string(),
            numero: b.or(a).and_then(|r| numero(&r.data)),
            etat,
            champs,
            texte,
        });
    }
}

/// Everything that changed from `old` to `new`; personal data (the partners'
/// `contacts`) is only said to have changed, unless `interne`.
pub fn compare(old: &Repository, new: &Repository, interne: bool) -> Changes {
    let mut changements = Vec::new();
    let contract = fields(&to_value(&old.config), &to_value(&new.config));
    if !contract.is_empty() {
        changements.push(RecordChange {
            genre: None,
            id: "clsm.toml".into(),
            numero: None,
            etat: Etat::Modifie,
            champs: contract,
            texte: None,
        });
    }
    compare_kind(Kind::Action, &old.actions, &new.actions, |a| a.numero.clone(), interne, &mut changements);
    compare_kind(Kind::Partenaire, &old.partenaires, &new.partenaires, |_| None, interne, &mut changements);
    compare_kind(Kind::Indicateur, &old.indicateurs, &new.indicateurs, |_| None, interne, &mut changements);
    compare_kind(Kind::Evenement, &old.evenements, &new.evenements, |_| None, interne, &mut changements);
    Changes { changements }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_keeps_three_words_of_context_around_each_change() {
        let d = word_diff(
            "un deux trois quatre cinq six sept huit neuf dix",
            "un deux trois quatre cinq SIX sept huit neuf dix",
        )
        .unwrap();
        let shape: Vec<(Sort, &str)> = d.iter().map(|m| (m.sort, m.mots.as_str())).collect();
        assert_eq!(
            shape,
            [
                (Sort::Coupe, ""),
                (Sort::Garde, "trois quatre cinq"),
                (Sort::Retire, "six"),
                (Sort::Ajoute, "SIX"),
                (Sort::Garde, "sept huit neuf"),
                (Sort::Coupe, ""),
            ]
        );
        assert_eq!(word_diff("même texte", " même  texte "), None);
    }

    #[test]
    fn contacts_are_masked_unless_internal() {
        let contact = |email: &str| serde_json::json!([{ "nom": "Camille", "email": email }]);
        let old: BTreeMap<String, Value> = [("contacts".to_string(), contact("a@exemple.invalid"))].into();
        let new: BTreeMap<String, Value> = [("contacts".to_string(), contact("b@exemple.invalid"))].into();
        let masked = masked_fields(Kind::Partenaire, old.clone(), new.clone(), false);
        assert_eq!(masked, [FieldChange::Masque { cle: "contacts".into() }]);
        let shown = masked_fields(Kind::Partenaire, old.clone(), new, true);
        assert!(matches!(&shown[..], [FieldChange::Liste { .. }]), "{shown:?}");
        assert!(masked_fields(Kind::Partenaire, old.clone(), old, false).is_empty());
    }

    #[test]
    fn lists_compare_by_items() {
        let old: BTreeMap<String, Value> = [("partenaires".to_string(), serde_json::json!(["a", "b"]))].into();
        let new: BTreeMap<String, Value> = [("partenaires".to_string(), serde_json::json!(["a", "b", "c"]))].into();
        assert_eq!(
            fields(&old, &new),
            [FieldChange::Liste { cle: "partenaires".into(), ajouts: vec![serde_json::json!("c")], retraits: vec![] }]
        );
    }
}
