//! The changes between two revisions, in French, for a person or a pull request.

use std::fmt::Write as _;

use serde_json::Value;

use crate::format;
use crate::model::Kind;
use crate::render::markdown::markdown_text;
use crate::views::changes::{Changes, Etat, FieldChange, Morceau, RecordChange, Sort};

/// What one item of a list is called.
fn item_name(key: &str) -> &str {
    match key {
        "avancement" => "avancement",
        "mesures" => "mesure",
        "partenaires" => "partenaire",
        "thematiques" => "thématique",
        "indicateurs" => "indicateur",
        "budget" => "ligne de budget",
        "financements" => "financement",
        "objectifs_operationnels" => "objectif",
        "determinants" => "déterminant",
        "politiques_publiques" => "politique publique",
        "sources" => "source",
        "contacts" => "contact",
        "actions" => "action",
        "axes" => "axe",
        other => other,
    }
}

fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

/// A value as a person reads it.
fn show(key: &str, value: &Value) -> String {
    let text = |v: Option<&Value>| v.map(|v| show("", v)).unwrap_or_default();
    match value {
        Value::String(s) if s.contains(' ') => format!("« {} »", shorten(s, 80)),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map(|f| format::number(f, 2)).unwrap_or_else(|| n.to_string()),
        Value::Bool(true) => "oui".into(),
        Value::Bool(false) => "non".into(),
        Value::Null => "—".into(),
        Value::Array(items) => items.iter().map(|v| show(key, v)).collect::<Vec<_>>().join(", "),
        Value::Object(_) => match key {
            "avancement" => {
                let mut details = Vec::new();
                if let Some(s) = field(value, "statut") {
                    details.push(format!("statut {}", show("", s)));
                }
                if let Some(p) = field(value, "participants") {
                    details.push(format!("{} participants", show("", p)));
                }
                let details = if details.is_empty() { String::new() } else { format!(" ({})", details.join(", ")) };
                format!("{} {}{details}", text(field(value, "date")), text(field(value, "texte")))
            }
            "mesures" => {
                let figure = match (field(value, "valeur"), field(value, "numerateur"), field(value, "denominateur")) {
                    (None, Some(n), Some(d)) => format!("{} / {}", text(Some(n)), text(Some(d))),
                    (v, ..) => text(v),
                };
                let details: Vec<String> = [("commentaire", ""), ("source", "source ")]
                    .iter()
                    .filter_map(|(key, prefix)| field(value, key).map(|v| format!("{prefix}{}", show("", v))))
                    .collect();
                let details = if details.is_empty() { String::new() } else { format!(" ({})", details.join(", ")) };
                format!("{} = {figure}{details}", text(field(value, "date")))
            }
            "budget" => format!("{} : {} €", text(field(value, "poste")), text(field(value, "montant"))),
            "financements" => format!("{} ({})", text(field(value, "financeur")), text(field(value, "statut"))),
            "objectifs_operationnels" | "axes" | "thematiques" => text(field(value, "titre")),
            "contacts" => text(field(value, "nom")),
            "calendrier" | "periode" => format!("{} – {}", text(field(value, "debut")), text(field(value, "fin"))),
            "cible" => format!("{} en {}", text(field(value, "valeur")), text(field(value, "echeance"))),
            "valeur_initiale" => format!("{} en {}", text(field(value, "valeur")), text(field(value, "date"))),
            _ => {
                let Value::Object(map) = value else { return String::new() };
                map.iter().map(|(k, v)| format!("{k} {}", show(k, v))).collect::<Vec<_>>().join(", ")
            }
        },
    }
}

fn describe(change: &FieldChange) -> Vec<String> {
    match change {
        FieldChange::Ajout { cle, valeur } => vec![format!("{cle} {}", show(cle, valeur))],
        FieldChange::Retrait { cle, valeur } => vec![format!("− {cle} {}", show(cle, valeur))],
        FieldChange::Modification { cle, avant, apres } => {
            vec![format!("{cle} {} → {}", show(cle, avant), show(cle, apres))]
        }
        FieldChange::Liste { cle, ajouts, retraits } => {
            let name = item_name(cle);
            // An item removed and one added under the same name: the item changed,
            // and only what changed in it is said (an objective's new statut).
            let mut retraits: Vec<&Value> = retraits.iter().collect();
            let mut out = Vec::new();
            let mut added = Vec::new();
            for v in ajouts {
                let same = retraits.iter().position(|r| r.is_object() && v.is_object() && show(cle, r) == show(cle, v));
                match same {
                    Some(k) => out.push(format!("{name} {} : {}", show(cle, v), item_changes(retraits.remove(k), v))),
                    None => added.push(format!("+ {name} {}", show(cle, v))),
                }
            }
            added.extend(retraits.iter().map(|v| format!("− {name} {}", show(cle, v))));
            out.extend(added);
            out
        }
        FieldChange::Masque { cle } => vec![format!("{cle} modifiés (non affichés sans `--interne`)")],
    }
}

/// What changed inside one item of a list: `statut — → realisee`.
fn item_changes(before: &Value, after: &Value) -> String {
    let empty = serde_json::Map::new();
    let (a, b) = (before.as_object().unwrap_or(&empty), after.as_object().unwrap_or(&empty));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let shown = |v: Option<&Value>| v.filter(|v| !v.is_null()).map_or("—".to_string(), |v| show("", v));
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| format!("{k} {} → {}", shown(a.get(k)), shown(b.get(k))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A body diff as reviewers read it: `… se réunit chaque [-mois-] {+semaine+} à la mairie.`
fn word_diff(parts: &[Morceau]) -> String {
    let mut out: Vec<String> = Vec::new();
    for m in parts {
        out.push(match m.sort {
            Sort::Garde => m.mots.clone(),
            Sort::Retire => format!("[-{}-]", m.mots),
            Sort::Ajoute => format!("{{+{}+}}", m.mots),
            Sort::Coupe => "…".into(),
            Sort::Reecrit => "entièrement modifié".into(),
        });
    }
    out.join(" ")
}

/// How a person names a record: "fiche 15", "indicateur participants-sism",
/// "contrat (clsm.toml)".
fn name(r: &RecordChange) -> String {
    match (r.genre, &r.numero) {
        (None, _) => "contrat (clsm.toml)".into(),
        (Some(Kind::Action), Some(n)) => format!("fiche {n}"),
        (Some(kind), _) => format!("{} {}", kind.noun(), r.id),
    }
}

/// One line per record: "fiche 15 : statut conception → mise_en_oeuvre ; + avancement …".
fn line(r: &RecordChange) -> String {
    let verb = match r.etat {
        Etat::Ajoute => " (nouveau)",
        Etat::Supprime => " (supprimé)",
        Etat::Modifie => "",
    };
    let mut parts: Vec<String> = r.champs.iter().flat_map(describe).collect();
    if let Some(t) = &r.texte {
        parts.push(format!("texte : {}", word_diff(t)));
    }
    let nom = name(r);
    if parts.is_empty() { format!("{nom}{verb}") } else { format!("{nom}{verb} : {}", parts.join(" ; ")) }
}

/// For a person, one line per record.
pub fn to_text(changes: &Changes) -> String {
    if changes.changements.is_empty() {
        return "aucun changement\n".into();
    }
    let mut out = String::new();
    for r in &changes.changements {
        let _ = writeln!(out, "{}", crate::terminal::one_line(&line(r)));
    }
    out
}

/// For a pull-request comment.
pub fn to_markdown(changes: &Changes, from: &str, to: &str) -> String {
    let mut out = format!("### Changements du contrat ({from} → {to})\n\n");
    if changes.changements.is_empty() {
        out.push_str("Aucun changement dans les fiches ni dans `clsm.toml`.\n");
        return out;
    }
    for r in &changes.changements {
        // What a fiche says is shown in the comment, never run as Markdown or HTML.
        let _ = writeln!(out, "- {}", markdown_text(&line(r)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diffs_read_as_removed_then_added_words() {
        let parts = crate::views::changes::word_diff(
            "Le groupe se réunit chaque mois à la mairie.",
            "Le groupe se réunit chaque semaine à la mairie.",
        )
        .unwrap();
        assert_eq!(word_diff(&parts), "… se réunit chaque [-mois-] {+semaine+} à la mairie.");
        let long = "mot ".repeat(3000);
        let parts = crate::views::changes::word_diff(&long, &format!("{long} fin")).unwrap();
        assert_eq!(word_diff(&parts), "entièrement modifié");
    }
}
