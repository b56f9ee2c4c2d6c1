//! Views: pure functions from a checked repository to the structures that templates
//! and exports show. Every grouping, count, total and attainment is computed here;
//! nothing here formats text (that is the render layer's filters) and nothing reads
//! or writes files.

pub mod affiche;
pub mod bilan;
pub mod changes;
pub mod indicators;
pub mod parts;
pub mod report;
pub mod site;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::Montant;
use crate::model::checked::{Action, Axe, Indicateur, Ix, Partenaire, Repository, Thematique};
use crate::model::vocab::{self, Vocab, Vocabularies, Word};

pub use crate::model::checked::Text;

/// The budget against the funding, acquired and expected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "cas", rename_all = "snake_case")]
pub enum Reste {
    /// No budget line: nothing to compare.
    SansBudget,
    /// A funding line has no amount: the rest is unknown.
    Inconnu,
    /// The funding covers the budget exactly.
    Finance,
    /// What remains to be found.
    AFinancer { montant: Montant },
    /// The funding passes the budget by this much.
    Depasse { montant: Montant },
}

/// What remains to finance: only when every funding line says how much.
pub fn rest(a: &Action) -> Reste {
    if a.budget.is_empty() {
        return Reste::SansBudget;
    }
    if a.financements.iter().any(|f| f.montant.is_none()) {
        return Reste::Inconnu;
    }
    let funded = a.acquis.plus(a.pressenti);
    match (a.budget_total.remainder(funded), funded.remainder(a.budget_total)) {
        (Some(montant), _) => Reste::AFinancer { montant },
        (None, Some(montant)) => Reste::Depasse { montant },
        (None, None) => Reste::Finance,
    }
}

impl Reste {
    /// What several actions leave to finance together: the sum of what each still
    /// needs (one action's surplus funds no other); unknown if one is unknown.
    pub fn total<'a>(restes: impl Iterator<Item = &'a Reste>) -> Reste {
        let mut total: Option<Montant> = None;
        for r in restes {
            match r {
                Reste::Inconnu => return Reste::Inconnu,
                Reste::AFinancer { montant } => total = Some(total.unwrap_or_default().plus(*montant)),
                Reste::Finance | Reste::Depasse { .. } => total = Some(total.unwrap_or_default()),
                Reste::SansBudget => {}
            }
        }
        match total {
            None => Reste::SansBudget,
            Some(m) if m.cents > 0 => Reste::AFinancer { montant: m },
            Some(_) => Reste::Finance,
        }
    }
}

/// A link to a record: its id and what to show for it (an action's official
/// number apart from its title: templates put them together).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lien {
    pub id: Text,
    pub titre: Text,
    pub numero: Option<Text>,
    /// A partner's acronym, shown with its name: "Instance régionale… (IREPS)".
    pub sigle: Option<Text>,
}

/// A vocabulary word with its French label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mot {
    pub mot: Text,
    pub libelle: Text,
}

impl Mot {
    /// A word outside any vocabulary, labelled.
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
        let all = vocab::EXTENSIBLE.iter().chain(vocab::CLOSED).copied();
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

    /// The word `word` of `of`, or, when there is none, the empty word labelled as
    /// the vocabulary says an absent word is ("Statut non renseigné").
    pub fn word_or_absent(&self, of: &Vocab, word: Option<&str>) -> Mot {
        match word {
            Some(w) if !w.is_empty() => self.word(of, w),
            _ => Mot::other("", vocab::absent_label(of)),
        }
    }

    /// Every word of `of`, in order.
    pub fn all(&self, of: &Vocab) -> &[Mot] {
        self.words.get(of.name).map_or(&[], Vec::as_slice)
    }

    /// Every word of `of`, ticked when it is in `chosen`.
    pub fn cases(&self, of: &Vocab, chosen: &[String]) -> Vec<Case> {
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

/// What the views share: the repository, the labels of its words, and a link to
/// each record, made once and shared by every view that shows it.
pub struct Names<'a> {
    pub repo: &'a Repository,
    pub lexicon: Lexicon,
    partners: Vec<Lien>,
    actions: Vec<Lien>,
    indicators: Vec<Lien>,
    axes: Vec<Lien>,
    themes: Vec<Lien>,
}

fn link(id: &Text, titre: &Text) -> Lien {
    Lien { id: id.clone(), titre: titre.clone(), numero: None, sigle: None }
}

impl<'a> Names<'a> {
    pub fn new(repo: &'a Repository) -> Self {
        Names {
            repo,
            lexicon: Lexicon::new(&repo.vocab),
            partners: repo
                .partenaires
                .iter()
                .map(|p| Lien { sigle: p.sigle.as_deref().map(Text::from), ..link(&p.id, &p.nom) })
                .collect(),
            actions: repo.actions.iter().map(|a| Lien { numero: a.numero.clone(), ..link(&a.id, &a.titre) }).collect(),
            indicators: repo.indicateurs.iter().map(|i| link(&i.id, &i.libelle)).collect(),
            axes: repo.axes.iter().map(|a| link(&a.id, &a.titre)).collect(),
            themes: repo.thematiques.iter().map(|t| link(&t.id, &t.titre)).collect(),
        }
    }

    pub fn partner(&self, ix: Ix<Partenaire>) -> Lien {
        self.partners[ix.index()].clone()
    }

    pub fn action(&self, ix: Ix<Action>) -> Lien {
        self.actions[ix.index()].clone()
    }

    pub fn indicator(&self, ix: Ix<Indicateur>) -> Lien {
        self.indicators[ix.index()].clone()
    }

    pub fn axis(&self, ix: Ix<Axe>) -> Lien {
        self.axes[ix.index()].clone()
    }

    pub fn theme(&self, ix: Ix<Thematique>) -> Lien {
        self.themes[ix.index()].clone()
    }

    /// The labelled word, when there is one.
    pub fn word(&self, of: &Vocab, word: &Option<impl Word>) -> Option<Mot> {
        word.as_ref().map(|w| self.lexicon.word(of, w.word()))
    }

    /// The labelled words of a list.
    pub fn words(&self, of: &Vocab, words: &[String]) -> Vec<Mot> {
        words.iter().map(|w| self.lexicon.word(of, w)).collect()
    }
}

/// A number of actions with one statut.
#[derive(Debug, Clone, Serialize)]
pub struct Compte {
    pub mot: String,
    pub libelle: String,
    pub nombre: usize,
}

/// Actions by statut, in vocabulary order; statuts with no action are left out.
pub fn by_statut<'a>(names: &Names, actions: impl Iterator<Item = &'a Action>) -> Vec<Compte> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for a in actions {
        *counts.entry(a.statut.as_ref().map_or("", |s| s.mot()).to_string()).or_default() += 1;
    }
    let vocab = &names.repo.vocab;
    let mut out: Vec<Compte> = vocab
        .words(&vocab::STATUT)
        .into_iter()
        .filter_map(|w| {
            let nombre = counts.get(&w).copied()?;
            Some(Compte { libelle: vocab.label(&vocab::STATUT, &w).to_string(), mot: w, nombre })
        })
        .collect();
    if let Some(&nombre) = counts.get("") {
        let absent = names.lexicon.word_or_absent(&vocab::STATUT, None);
        out.push(Compte { mot: String::new(), libelle: absent.libelle.to_string(), nombre });
    }
    out
}

/// The longest address made a link; longer ones are shown as text (browsers and
/// PDF readers refuse them, or choke).
const MAX_URL: usize = 2000;

/// A web address safe to put in a link: `http` or `https` only, and not absurdly
/// long. Anything else (`javascript:`, `data:`…) is shown as text, never linked.
pub fn web_url(text: &str) -> Option<String> {
    let t = text.trim();
    let scheme_ok = (t.starts_with("https://") || t.starts_with("http://")) && t.len() <= MAX_URL;
    let clean = !t.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>'));
    (scheme_ok && clean).then(|| t.to_string())
}

/// A `mailto:` link for an address that looks like one, and nothing else.
pub fn mail_url(text: &str) -> Option<String> {
    let t = text.trim();
    if t.len() > MAX_URL {
        return None;
    }
    let (local, domain) = t.split_once('@')?;
    let allowed = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    let ok = !local.is_empty() && domain.contains('.') && local.chars().all(allowed) && domain.chars().all(allowed);
    ok.then(|| format!("mailto:{t}"))
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
}
