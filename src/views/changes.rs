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
    /// How a person names it: "fiche 15", "indicateur participants-sism".
    pub nom: String,
    pub etat: Etat,
    pub champs: Vec<FieldChange>,
    /// The body's words removed and added, in a short form.
    pub texte: Option<String>,
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

/// A short word diff: `[-ancien-] {+nouveau+}` with a few words of context.
pub fn word_diff(old: &str, new: &str) -> Option<String> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    // Line breaks and spaces moved around are not a change of the text.
    if a == b {
        return None;
    }
    if a.len() * b.len() > 4_000_000 {
        return Some("texte entièrement modifié".into());
    }
    // Longest common subsequence, then a walk that marks removals and additions.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut parts: Vec<(char, &str)> = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            parts.push(('=', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            parts.push(('-', a[i]));
            i += 1;
        } else {
            parts.push(('+', b[j]));
            j += 1;
        }
    }
    // Keep three words of context around each change.
    let changed: Vec<usize> = parts.iter().enumerate().filter(|(_, (k, _))| *k != '=').map(|(n, _)| n).collect();
    let near = |n: usize| changed.iter().any(|&c| c.abs_diff(n) <= 3);
    let mut out = String::new();
    let mut skipped = false;
    let mut current: Option<char> = None;
    for (n, (kind, word)) in parts.iter().enumerate() {
        if *kind == '=' && !near(n) {
            skipped = true;
            continue;
        }
        if skipped {
            close(&mut out, &mut current);
            out.push_str(if out.is_empty() { "…" } else { " …" });
        }
        skipped = false;
        if current != Some(*kind) {
            close(&mut out, &mut current);
            if !out.is_empty() {
                out.push(' ');
            }
            match kind {
                '-' => out.push_str("[-"),
                '+' => out.push_str("{+"),
                _ => {}
            }
            current = Some(*kind);
        } else {
            out.push(' ');
        }
        out.push_str(word);
    }
    close(&mut out, &mut current);
    if skipped {
        out.push_str(" …");
    }
    Some(out)
}

fn close(out: &mut String, current: &mut Option<char>) {
    match current.take() {
        Some('-') => out.push_str("-]"),
        Some('+') => out.push_str("+}"),
        _ => {}
    }
}

fn name(kind: Kind, id: &str, numero: Option<&str>) -> String {
    match (kind, numero) {
        (Kind::Action, Some(n)) => format!("fiche {n}"),
        (kind, _) => format!("{} {id}", kind.noun()),
    }
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
        let numero = b.or(a).and_then(|r| numero(&r.data));
        out.push(RecordChange {
            genre: Some(kind),
            id: id.to_string(),
            nom: name(kind, id, numero.as_deref()),
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
            nom: "contrat (clsm.toml)".into(),
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
    fn word_diff_shows_removed_and_added_words_with_context() {
        let d = word_diff(
            "Le groupe se réunit chaque mois à la mairie.",
            "Le groupe se réunit chaque semaine à la mairie.",
        );
        assert_eq!(d.as_deref(), Some("… se réunit chaque [-mois-] {+semaine+} à la mairie."));
        let d = word_diff(
            "un deux trois quatre cinq six sept huit neuf dix",
            "un deux trois quatre cinq SIX sept huit neuf dix",
        );
        assert_eq!(d.as_deref(), Some("… trois quatre cinq [-six-] {+SIX+} sept huit neuf …"));
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
