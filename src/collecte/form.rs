//! The form of one porteur for one year: which actions, objectives and indicators
//! it reports on, laid out as the workbook's sheets. The reader of returned
//! workbooks finds its columns by the same headers.

use chrono::Datelike;

use crate::collecte::workbook::{Cell, Rule, Sheet, Style, Value, Workbook};
use crate::model::checked::{Action, Indicateur, Ix, Partenaire, Repository};
use crate::model::vocab::{STATUT, UNITE};
use crate::model::{PartialDate, Statut, Unite};
use crate::views::indicators;

/// The names of the three sheets: the actions, the indicators, the notice.
pub const ACTIONS: &str = "Actions";
/// See [`ACTIONS`].
pub const INDICATEURS: &str = "Indicateurs";
/// See [`ACTIONS`].
pub const NOTICE: &str = "À lire";

// The headers of the actions' sheet, after its key column; the reader of returned
// workbooks finds each column by them.

pub const H_NUMERO: &str = "Numéro";
pub const H_ACTION: &str = "Action ou objectif opérationnel";
pub const H_STATUT: &str = "Statut actuel";
pub const H_NOUVEAU: &str = "Nouveau statut";
pub const H_TEXTE: &str = "Ce qui s'est passé dans l'année";
pub const H_PARTICIPANTS: &str = "Participants dans l'année";

// The headers of the indicators' sheet, after its key column; then one column
// per category of the dimensions its indicators are broken down by.
pub const H_ACTIONS: &str = "Action";
pub const H_INDICATEUR: &str = "Indicateur";
pub const H_UNITE: &str = "Unité";
pub const H_PERIODE: &str = "Période";
pub const H_CIBLE: &str = "Cible de la période";
pub const H_DERNIERE: &str = "Dernière valeur connue";
pub const H_VALEUR: &str = "Valeur";
pub const H_NUMERATEUR: &str = "Numérateur";
pub const H_DENOMINATEUR: &str = "Dénominateur";
pub const H_COMMENTAIRE: &str = "Commentaire";
pub const H_SOURCE: &str = "Source";

/// Which round a workbook belongs to: the year, the porteur and the contract. It
/// heads the hidden key column of each sheet, so that a sheet saved alone as CSV
/// still says where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub annee: i32,
    pub porteur: String,
    pub contrat: String,
}

const TAG: &str = "clsm collecte";

impl Round {
    /// `clsm collecte 2025 · ch-jury · Conseil local de santé mentale de Metz`.
    pub fn tag(&self) -> String {
        format!("{TAG} {} · {} · {}", self.annee, self.porteur, self.contrat)
    }

    /// The round a key column's header names.
    pub fn parse(tag: &str) -> Option<Round> {
        let rest = tag.trim().strip_prefix(TAG)?.trim_start();
        let (annee, rest) = rest.split_once(" · ")?;
        let (porteur, contrat) = rest.split_once(" · ")?;
        Some(Round {
            annee: annee.trim().parse().ok()?,
            porteur: porteur.trim().into(),
            contrat: contrat.trim().into(),
        })
    }
}

/// The key of an objective's row: `fiche-15#2.5e1a0c` for its second objective,
/// followed by a digest of its title and comment, by which the import finds it
/// again even if objectives were added or moved in the fiche since.
pub fn objective_key(action: &str, index: usize, titre: &str, comment: Option<&str>) -> String {
    format!("{action}#{}.{}", index + 1, objective_digest(titre, comment))
}

/// Six hexadecimal digits that change with an objective's title or comment
/// (FNV-1a): what identifies it in a workbook.
pub fn objective_digest(titre: &str, comment: Option<&str>) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in titre.bytes().chain([0x1f]).chain(comment.unwrap_or("").bytes()) {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{:06x}", hash & 0xff_ffff)
}

/// The key of an indicator's row for one period: `participants@2025-06`.
pub fn measure_key(indicator: &str, date: &PartialDate) -> String {
    format!("{indicator}@{date}")
}

/// A period to report: the first date it covers, the date its measure takes (its
/// end), and how it is named.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub debut: PartialDate,
    pub date: PartialDate,
    pub label: String,
}

impl Period {
    /// Whether a measure dated `date` falls in this period.
    pub fn holds(&self, date: &PartialDate) -> bool {
        self.debut.first_day() <= date.first_day() && date.last_day() <= self.date.last_day()
    }
}

/// How many months apart an indicator is measured, from its `frequence` (free
/// text): `mensuelle`, `trimestrielle`, `tous les 6 mois`…; a year otherwise.
fn months_between(frequence: &str) -> u32 {
    let f = frequence.to_lowercase();
    let every = f.split_once("tous les").and_then(|(_, rest)| {
        let mut words = rest.split_whitespace();
        let n: u32 = words.next()?.parse().ok()?;
        words.next().filter(|w| w.starts_with("mois")).map(|_| n)
    });
    match every {
        Some(n) if n > 0 && 12 % n == 0 => n,
        Some(_) => 12,
        None if f.contains("semest") => 6,
        None if f.contains("trimest") => 3,
        None if f.contains("bimest") => 2,
        None if f.contains("mensuel") => 1,
        None => 12,
    }
}

/// The periods of year `annee` an indicator is measured for, from its `frequence`.
pub fn periods(frequence: Option<&str>, annee: i32) -> Vec<Period> {
    let step = months_between(frequence.unwrap_or(""));
    let month = |m: u32| PartialDate { year: annee, month: Some(m), day: None };
    if step == 12 {
        let year = PartialDate::year(annee);
        return vec![Period { debut: year, date: year, label: annee.to_string() }];
    }
    (1..=12 / step)
        .map(|k| {
            let (first, last) = (month((k - 1) * step + 1), month(k * step));
            let label = match step {
                1 => crate::format::date(&last),
                6 => format!("{} semestre {annee}", if k == 1 { "1er" } else { "2e" }),
                3 => format!("{} trimestre {annee}", if k == 1 { "1er".to_string() } else { format!("{k}e") }),
                _ => format!("{} à {}", crate::format::date(&first), crate::format::date(&last)),
            };
            Period { debut: first, date: last, label }
        })
        .collect()
}

/// How an objective's row names it: the issue's own words, so that an import can
/// tell when the fiche's objectives changed since the workbook was made.
pub fn objective_title(titre: &str, comment: Option<&str>) -> String {
    match comment {
        Some(c) => format!("↳ Objectif : {titre} — {c}"),
        None => format!("↳ Objectif : {titre}"),
    }
}

/// The actions a porteur reports on for year `annee`: those it carries, except
/// those closed before that year.
pub fn actions_of(repo: &Repository, porteur: Ix<Partenaire>, annee: i32) -> Vec<Ix<Action>> {
    repo.actions_indexed()
        .filter(|(_, a)| a.porteur == porteur)
        .filter(|(_, a)| {
            let closed = a.statut.as_ref().is_some_and(Statut::est_close);
            let closed_in = a.avancement.iter().rev().find(|e| e.statut.is_some()).map(|e| e.date.last_day().year());
            !closed || closed_in.is_some_and(|y| y >= annee)
        })
        .map(|(ix, _)| ix)
        .collect()
}

/// The indicators of `actions`, each once, in the order they are first cited.
pub fn indicators_of(repo: &Repository, actions: &[Ix<Action>]) -> Vec<Ix<Indicateur>> {
    let mut out: Vec<Ix<Indicateur>> = Vec::new();
    for ix in actions.iter().flat_map(|a| &repo.action(*a).indicateurs) {
        if !out.contains(ix) {
            out.push(*ix);
        }
    }
    out
}

/// The labels of the statut vocabulary, in order: the drop-down list.
pub fn statut_labels(repo: &Repository) -> Vec<String> {
    repo.vocab.words(&STATUT).iter().map(|w| repo.vocab.label(&STATUT, w).to_string()).collect()
}

/// The header of a category's column: `Sexe : Femmes`.
pub fn category_header(dimension: &str, category: &str) -> String {
    format!("{dimension} : {category}")
}

/// The dimensions of `indicators`, in the order of `clsm.toml`.
fn dimensions_of<'a>(repo: &'a Repository, indicators: &[Ix<Indicateur>]) -> Vec<&'a crate::model::checked::Dimension> {
    repo.dimensions
        .iter()
        .filter(|d| indicators.iter().any(|i| repo.indicateur(*i).ventilation.contains(&d.id)))
        .collect()
}

/// A porteur's workbook, and how many actions and indicators it asks about.
pub struct Prepared {
    pub book: Workbook,
    pub actions: usize,
    pub indicators: usize,
}

/// The workbook of porteur `porteur` for year `annee`, to be returned by `retour`
/// (a date in words); `None` when it carries no action to report on.
pub fn workbook(repo: &Repository, porteur: Ix<Partenaire>, annee: i32, retour: &str) -> Option<Prepared> {
    let partner = repo.partenaire(porteur);
    let round = Round { annee, porteur: partner.id.to_string(), contrat: repo.titre.to_string() };
    let actions = actions_of(repo, porteur, annee);
    if actions.is_empty() {
        return None;
    }
    let indicators = indicators_of(repo, &actions);
    let book = Workbook {
        sheets: vec![
            notice(repo, partner, annee, retour),
            actions_sheet(repo, &round, &actions),
            indicators_sheet(repo, &round, &actions, &indicators),
        ],
    };
    Some(Prepared { book, actions: actions.len(), indicators: indicators.len() })
}

fn notice(repo: &Repository, partner: &Partenaire, annee: i32, retour: &str) -> Sheet {
    let who = match repo.coordination.as_deref() {
        Some(who) => format!("à la coordination ({who})"),
        None => "à la coordination du contrat".to_string(),
    };
    let lines = [
        format!(
            "1. Onglet « {ACTIONS} » : pour chacune de vos actions, choisissez le nouveau statut s'il a changé en {annee}, décrivez ce qui s'est passé et indiquez le nombre de participants ; pour chaque objectif opérationnel atteint, choisissez « Réalisée » sur sa ligne."
        ),
        format!(
            "2. Onglet « {INDICATEURS} » : écrivez la valeur {annee} (ou celle de chaque période, une ligne chacune) de chaque indicateur que vous connaissez (un pourcentage entre 0 et 100, sans « % »), sa source, et sa répartition là où des colonnes de catégories sont ouvertes (le nombre de chaque catégorie, ou son taux pour un pourcentage)."
        ),
        format!(
            "3. Seules les cellules jaunes se remplissent ; laissez vide ce que vous ne savez pas. Renvoyez ce fichier {who} avant le {retour}, sans le renommer ni changer ses onglets."
        ),
    ];
    let mut rows = vec![
        vec![Cell::text(format!("{} — évaluation {annee}", repo.titre), Style::Title)],
        vec![Cell::text(format!("Pour : {}", partner.nom), Style::Note)],
        vec![],
    ];
    rows.extend(lines.into_iter().map(|l| vec![Cell::text(l, Style::Note)]));
    Sheet { name: NOTICE.into(), widths: vec![110.0], hidden: vec![], frozen_rows: 0, frozen_cols: 0, rows }
}

fn header(round: &Round, names: &[&str]) -> Vec<Cell> {
    let mut row = vec![Cell::text(round.tag(), Style::Header)];
    row.extend(names.iter().map(|n| Cell::text(*n, Style::Header)));
    row
}

fn actions_sheet(repo: &Repository, round: &Round, actions: &[Ix<Action>]) -> Sheet {
    let statuts = statut_labels(repo);
    let label =
        |s: Option<&Statut>| s.map_or("non renseigné".to_string(), |s| repo.vocab.label(&STATUT, s.mot()).to_string());
    let mut rows = vec![header(round, &[H_NUMERO, H_ACTION, H_STATUT, H_NOUVEAU, H_TEXTE, H_PARTICIPANTS])];
    for ix in actions {
        let a = repo.action(*ix);
        let numero = a.numero.as_deref().unwrap_or("");
        rows.push(vec![
            Cell::text(a.id.to_string(), Style::Shown),
            Cell::text(numero, Style::Shown),
            Cell::text(a.titre.to_string(), Style::Lead),
            Cell::text(label(a.statut.as_ref()), Style::Shown),
            Cell::input(Some(Rule::List(statuts.clone()))),
            Cell::input(None),
            Cell::input(Some(Rule::Whole)),
        ]);
        for (k, o) in a.objectifs.iter().enumerate() {
            let title = objective_title(&o.titre, o.comment.as_deref());
            rows.push(vec![
                Cell::text(objective_key(&a.id, k, &o.titre, o.comment.as_deref()), Style::Shown),
                Cell::text(numero, Style::Shown),
                Cell::text(title, Style::Shown),
                Cell::text(label(o.statut.as_ref()), Style::Shown),
                Cell::input(Some(Rule::List(statuts.clone()))),
                Cell::unused(),
                Cell::unused(),
            ]);
        }
    }
    Sheet {
        name: ACTIONS.into(),
        widths: vec![20.0, 9.0, 60.0, 16.0, 18.0, 60.0, 14.0],
        hidden: vec![0],
        frozen_rows: 1,
        frozen_cols: 3,
        rows,
    }
}

fn indicators_sheet(repo: &Repository, round: &Round, actions: &[Ix<Action>], indicators: &[Ix<Indicateur>]) -> Sheet {
    let dimensions = dimensions_of(repo, indicators);
    let mut names = vec![
        H_ACTIONS,
        H_INDICATEUR,
        H_UNITE,
        H_PERIODE,
        H_CIBLE,
        H_DERNIERE,
        H_VALEUR,
        H_NUMERATEUR,
        H_DENOMINATEUR,
        H_COMMENTAIRE,
        H_SOURCE,
    ];
    let categories: Vec<(String, &str, String)> = dimensions
        .iter()
        .flat_map(|d| {
            d.categories.iter().map(|(id, label)| (d.id.to_string(), &**id, category_header(&d.titre, label)))
        })
        .collect();
    names.extend(categories.iter().map(|(_, _, h)| h.as_str()));
    let mut rows = vec![header(round, &names)];
    let start = repo.periode.map(|p| p.debut);
    for ix in indicators {
        let ind = repo.indicateur(*ix);
        let cited: Vec<String> = actions
            .iter()
            .filter(|a| repo.action(**a).indicateurs.contains(ix))
            .map(|a| {
                let a = repo.action(*a);
                a.numero.as_ref().map_or_else(|| a.titre.to_string(), |n| format!("{n}. {}", a.titre))
            })
            .collect();
        let percent = ind.unite == Some(Unite::Pourcentage);
        let ratio = percent || ind.numerateur.is_some() || ind.denominateur.is_some();
        let value_rule = Rule::Decimal { min: 0.0, max: percent.then_some(100.0) };
        for period in periods(ind.frequence.as_deref(), round.annee) {
            // A target says its deadline: a yearly target is not one per quarter.
            let target = if ind.cibles.is_empty() {
                ind.cible
            } else {
                indicators::period_of(ind, start, period.date).map(|k| ind.cibles[k])
            };
            let target = target.map_or(String::new(), |c| match c.echeance {
                Some(e) => format!("{} d'ici {}", crate::format::number(c.valeur, 2), crate::format::date(&e)),
                None => crate::format::number(c.valeur, 2),
            });
            let mut row = vec![
                Cell::text(measure_key(&ind.id, &period.date), Style::Shown),
                Cell::text(cited.join("\n"), Style::Shown),
                Cell::text(ind.libelle.to_string(), Style::Shown),
                Cell::text(ind.unite.as_ref().map_or("", |u| repo.vocab.label(&UNITE, u.mot())), Style::Shown),
                Cell::text(period.label, Style::Shown),
                Cell::text(target, Style::Shown),
                Cell::text(last_value(ind, &period.date), Style::Shown),
                Cell::input(Some(value_rule.clone())),
            ];
            for _ in 0..2 {
                row.push(if ratio { Cell::input(Some(Rule::Decimal { min: 0.0, max: None })) } else { Cell::unused() });
            }
            row.push(Cell::input(None));
            row.push(Cell::input(None));
            for (dimension, _, _) in &categories {
                row.push(if ind.ventilation.iter().any(|d| **d == **dimension) {
                    Cell::input(Some(value_rule.clone()))
                } else {
                    Cell::unused()
                });
            }
            rows.push(row);
        }
    }
    let mut widths = vec![22.0, 28.0, 50.0, 12.0, 16.0, 12.0, 22.0, 12.0, 12.0, 12.0, 40.0, 28.0];
    widths.extend(categories.iter().map(|_| 14.0));
    Sheet { name: INDICATEURS.into(), widths, hidden: vec![0], frozen_rows: 1, frozen_cols: 3, rows }
}

/// The latest measure up to `date`'s period, as shown to the porteur: `12 (2024)`.
fn last_value(ind: &Indicateur, date: &PartialDate) -> String {
    let same = ind.mesures.iter().find(|m| m.date == *date);
    if let Some(m) = same {
        return format!(
            "{} ({}) : déjà dans la fiche, inutile de la redonner",
            crate::format::number(m.valeur, 2),
            crate::format::date(&m.date)
        );
    }
    ind.mesures
        .iter()
        .filter(|m| m.date.first_day() <= date.last_day())
        .max_by_key(|m| m.date.last_day())
        .map_or(String::new(), |m| format!("{} ({})", crate::format::number(m.valeur, 2), crate::format::date(&m.date)))
}

/// Whether a cell shown in a form is one the porteur fills.
pub fn is_input(cell: &Cell) -> bool {
    cell.style == Style::Input && cell.value == Value::Empty
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_round_tag_reads_back() {
        let round = Round { annee: 2025, porteur: "ch-jury".into(), contrat: "CLSM de Metz · 2022".into() };
        assert_eq!(Round::parse(&round.tag()), Some(round));
        assert_eq!(Round::parse("Clé"), None);
        assert_eq!(Round::parse("clsm collecte deux · a · b"), None);
    }

    #[test]
    fn periods_follow_the_frequency() {
        let dates = |f: &str| periods(Some(f), 2025).iter().map(|p| p.date.to_string()).collect::<Vec<_>>();
        assert_eq!(periods(None, 2025).iter().map(|p| p.date.to_string()).collect::<Vec<_>>(), ["2025"]);
        assert_eq!(dates("annuelle"), ["2025"]);
        assert_eq!(dates("Semestrielle"), ["2025-06", "2025-12"]);
        assert_eq!(dates("tous les 6 mois"), ["2025-06", "2025-12"]);
        assert_eq!(dates("trimestrielle (tous les 3 mois)"), ["2025-03", "2025-06", "2025-09", "2025-12"]);
        assert_eq!(dates("bimestrielle").len(), 6);
        assert_eq!(dates("tous les 5 mois"), ["2025"]);
        let halves = periods(Some("semestrielle"), 2025);
        assert_eq!(halves[0].label, "1er semestre 2025");
        assert!(
            halves[1].holds(&PartialDate::parse("2025-09-15").unwrap())
                && !halves[1].holds(&PartialDate::parse("2025-03").unwrap())
        );
        assert_eq!(periods(Some("trimestrielle"), 2025)[1].label, "2e trimestre 2025");
        assert_eq!(periods(Some("mensuelle"), 2025)[0].label, "janvier 2025");
        assert!(periods(None, 2025)[0].holds(&PartialDate::parse("2025-12").unwrap()));
    }
}
