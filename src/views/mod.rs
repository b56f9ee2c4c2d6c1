//! Views: pure functions from a checked repository to the structures that templates
//! and exports show. Every grouping, count, total and attainment is computed here;
//! nothing here formats text (that is the render layer's filters) and nothing reads
//! or writes files.

pub mod changes;
pub mod indicators;
pub mod report;
pub mod site;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::model::vocab::{self, Vocab, Vocabularies};

/// Shared text: the same name or label appears on many pages, and cloning an
/// `Arc<str>` shares it instead of copying it (10,000 fiches would otherwise hold
/// hundreds of thousands of copies of the same partner names and labels).
pub type Text = Arc<str>;

/// A link to a record: its id and what to show for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lien {
    pub id: Text,
    pub titre: Text,
}

/// A vocabulary word with its French label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mot {
    pub mot: Text,
    pub libelle: Text,
}

impl Mot {
    /// A word outside any vocabulary (such as "not filled in"), labelled.
    pub fn other(mot: &str, libelle: &str) -> Self {
        Mot { mot: mot.into(), libelle: libelle.into() }
    }
}

/// One box of a paper form's checkbox field: every word of a vocabulary is shown,
/// the chosen ones ticked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub mot: Text,
    pub libelle: Text,
    pub coche: bool,
}

/// The words of every vocabulary, labelled once and shared by all views.
pub struct Lexicon {
    words: HashMap<&'static str, Vec<Mot>>,
}

impl Lexicon {
    /// Every vocabulary of the format, with a repository's extensions.
    pub fn new(vocab: &Vocabularies) -> Self {
        let all = vocab::EXTENSIBLE.iter().copied().chain([&vocab::TYPE_CONTRAT]);
        let words = all
            .map(|of| {
                let words = vocab.words(of);
                let words = words.iter().map(|w| Mot { mot: w.as_str().into(), libelle: vocab.label(of, w).into() });
                (of.name, words.collect())
            })
            .collect();
        Lexicon { words }
    }

    /// The word `word` of `of`; a word outside the vocabulary is its own label.
    pub fn word(&self, of: &Vocab, word: &str) -> Mot {
        self.words
            .get(of.name)
            .and_then(|words| words.iter().find(|m| &*m.mot == word))
            .cloned()
            .unwrap_or_else(|| Mot::other(word, word))
    }

    /// Every word of `of`, in order.
    pub fn all(&self, of: &Vocab) -> &[Mot] {
        self.words.get(of.name).map_or(&[], Vec::as_slice)
    }

    /// Every word of `of`, ticked when it is in `chosen`.
    pub fn cases(&self, of: &Vocab, chosen: &Option<Vec<String>>) -> Vec<Case> {
        let chosen = chosen.as_deref().unwrap_or_default();
        self.all(of)
            .iter()
            .map(|m| Case {
                mot: m.mot.clone(),
                libelle: m.libelle.clone(),
                coche: chosen.iter().any(|c| **c == *m.mot),
            })
            .collect()
    }
}

/// A web address safe to put in a link: `http` or `https` only. Anything else
/// (`javascript:`, `data:`…) is shown as text, never linked.
pub fn web_url(text: &str) -> Option<String> {
    let t = text.trim();
    let scheme_ok = t.starts_with("https://") || t.starts_with("http://");
    let clean = !t.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>'));
    (scheme_ok && clean).then(|| t.to_string())
}

/// A `mailto:` link for an address that looks like one, and nothing else.
pub fn mail_url(text: &str) -> Option<String> {
    let t = text.trim();
    let (local, domain) = t.split_once('@')?;
    let allowed = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    let ok = !local.is_empty() && domain.contains('.') && local.chars().all(allowed) && domain.chars().all(allowed);
    ok.then(|| format!("mailto:{t}"))
}

/// Compares official numbers in natural order: `1.1.2` < `1.1.10` < `2`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn parts(s: &str) -> Vec<(u64, String)> {
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
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_addresses_become_links() {
        assert_eq!(web_url("https://exemple.fr/a?b=1").as_deref(), Some("https://exemple.fr/a?b=1"));
        assert_eq!(web_url("javascript:alert(1)"), None);
        assert_eq!(web_url("JAVASCRIPT:alert(1)"), None);
        assert_eq!(web_url("https://x\" onclick=\"a"), None);
        assert_eq!(mail_url("contact@ville.fr").as_deref(), Some("mailto:contact@ville.fr"));
        assert_eq!(mail_url("x@y.fr\" onclick=\"a"), None);
        assert_eq!(mail_url("pas une adresse"), None);
    }

    #[test]
    fn official_numbers_sort_naturally() {
        let mut numbers = vec!["1.1.10", "2", "1.1.2", "10", "1.2", "1.1.2a"];
        numbers.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(numbers, ["1.1.2", "1.1.2a", "1.1.10", "1.2", "2", "10"]);
    }
}
