//! The edits that bring a round's entries into the fiches: one list item or one
//! key per value, placed so that every list stays oldest first.

use std::collections::BTreeMap;

use crate::collecte::edit::{Change, New};
use crate::collecte::form;
use crate::collecte::import::{Entry, Fill, Located, MeasureValues, Target};
use crate::diag::YamlPath;
use crate::model::vocab::{STATUT, Vocabularies};
use crate::model::{PartialDate, Repository};

/// The changes to one fiche, each with the cell it comes from and what it adds,
/// in words.
#[derive(Debug, Default)]
pub struct FicheChanges {
    pub changes: Vec<(Change, Located, String)>,
}

impl FicheChanges {
    fn push(&mut self, change: Change, at: &Located, summary: String) {
        self.changes.push((change, at.clone(), summary));
    }
}

/// Where a new dated item goes in a list of dates: after every item not entirely
/// after it, so that the list stays oldest first.
fn position(dates: &[Option<PartialDate>], date: PartialDate) -> usize {
    dates.iter().position(|d| d.is_some_and(|d| date.entirely_before(&d))).unwrap_or(dates.len())
}

fn plain_number(x: f64) -> New {
    New::Plain(crate::format::plain(x))
}

/// The edits that bring `entries` into the fiches, by file. `raw` is the repository
/// as read, whose lists give the positions; `annee` dates the progress entries.
pub fn plan(entries: &[Entry], raw: &Repository, annee: i32) -> BTreeMap<String, FicheChanges> {
    let mut planner = Planner { raw, vocab: raw.config.vocabularies(), out: BTreeMap::new(), lists: BTreeMap::new() };
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by_key(|e| match &e.target {
        Target::Measure { date, .. } => date.first_day(),
        _ => chrono::NaiveDate::MIN,
    });
    for entry in sorted {
        match (&entry.target, &entry.fill) {
            (Target::Measure { indicator, date }, Fill::Measure(values)) => {
                planner.measure(indicator, *date, values, &entry.at)
            }
            (Target::Progress { action }, Fill::Progress { texte, participants, statut }) => {
                let date = PartialDate::year(annee);
                planner.progress(action, date, texte, *participants, statut.as_deref(), entry)
            }
            (Target::Objective { action, index }, Fill::Objective { statut }) => {
                planner.objective(action, *index, statut, entry.cell(form::H_NOUVEAU))
            }
            _ => {}
        }
    }
    planner.out
}

struct Planner<'a> {
    raw: &'a Repository,
    vocab: Vocabularies,
    out: BTreeMap<String, FicheChanges>,
    /// The dates of each list being extended, new items included.
    lists: BTreeMap<(String, &'static str), Vec<Option<PartialDate>>>,
}

impl Planner<'_> {
    fn label(&self, word: &str) -> String {
        self.vocab.label(&STATUT, word).to_string()
    }

    /// The index a new item dated `date` takes in the list `key` of `file`.
    fn place(&mut self, file: &str, key: &'static str, existing: Vec<Option<PartialDate>>, date: PartialDate) -> usize {
        let dates = self.lists.entry((file.to_string(), key)).or_insert(existing);
        let at = position(dates, date);
        dates.insert(at, Some(date));
        at
    }

    fn measure(&mut self, indicator: &str, date: PartialDate, values: &MeasureValues, from: &Located) {
        let Some(record) = self.raw.indicateurs.iter().find(|r| r.id == indicator) else { return };
        let existing = record.data.mesures.iter().flatten().map(|m| m.date).collect();
        let at = self.place(&record.file, "mesures", existing, date);
        let mut item = vec![("date".to_string(), New::Plain(date.to_string()))];
        for (key, value) in
            [("valeur", values.valeur), ("numerateur", values.numerateur), ("denominateur", values.denominateur)]
        {
            if let Some(v) = value {
                item.push((key.into(), plain_number(v)));
            }
        }
        if !values.ventilation.is_empty() {
            let dims = values
                .ventilation
                .iter()
                .map(|(d, cats)| {
                    (d.clone(), New::Map(cats.iter().map(|(c, v)| (c.clone(), plain_number(*v))).collect()))
                })
                .collect();
            item.push(("ventilation".into(), New::Map(dims)));
        }
        for (key, value) in [("commentaire", &values.commentaire), ("source", &values.source)] {
            if let Some(v) = value {
                item.push((key.into(), New::Text(v.clone())));
            }
        }
        let shown = match (values.valeur, values.numerateur, values.denominateur) {
            (Some(v), ..) => crate::format::number(v, 4),
            (None, Some(n), Some(d)) => format!("{} / {}", crate::format::number(n, 4), crate::format::number(d, 4)),
            _ => String::new(),
        };
        let fiche = self.out.entry(record.file.clone()).or_default();
        let change = Change::Insert { list: YamlPath::key("mesures"), at, item: New::Map(item) };
        fiche.push(change, from, format!("mesure {date} : {shown}"));
    }

    fn progress(
        &mut self,
        action: &str,
        date: PartialDate,
        texte: &str,
        participants: Option<u64>,
        statut: Option<&str>,
        from: &Entry,
    ) {
        let Some(record) = self.raw.actions.iter().find(|r| r.id == action) else { return };
        let entries = record.data.avancement.iter().flatten();
        let at = self.place(&record.file, "avancement", entries.clone().map(|e| e.date).collect(), date);
        let mut item =
            vec![("date".to_string(), New::Plain(date.to_string())), ("texte".into(), New::Text(texte.into()))];
        if let Some(s) = statut {
            item.push(("statut".into(), New::Plain(s.into())));
        }
        if let Some(p) = participants {
            item.push(("participants".into(), New::Plain(p.to_string())));
        }
        // A later entry that changes the statut keeps the last word: the action's
        // statut is then left as it is.
        let later_change =
            entries.filter(|e| e.statut.is_some()).any(|e| e.date.is_some_and(|d| date.entirely_before(&d)));
        let label = statut.map(|s| self.label(s));
        let fiche = self.out.entry(record.file.clone()).or_default();
        let change = Change::Insert { list: YamlPath::key("avancement"), at, item: New::Map(item) };
        fiche.push(change, from.cell(form::H_TEXTE), format!("avancement {date}"));
        if let (Some(s), Some(label), false) = (statut, label, later_change) {
            let change = Change::Set { map: YamlPath::default(), key: "statut".into(), value: New::Plain(s.into()) };
            fiche.push(change, from.cell(form::H_NOUVEAU), format!("statut : {label}"));
        }
    }

    fn objective(&mut self, action: &str, index: usize, statut: &str, from: &Located) {
        let Some(record) = self.raw.actions.iter().find(|r| r.id == action) else { return };
        let label = self.label(statut);
        let fiche = self.out.entry(record.file.clone()).or_default();
        let change = Change::Set {
            map: YamlPath::key("objectifs_operationnels").with_index(index),
            key: "statut".into(),
            value: New::Plain(statut.into()),
        };
        fiche.push(change, from, format!("objectif {} : {label}", index + 1));
    }
}
