//! Whether a row's cells are in their columns.
//!
//! A cadre logique numbers its three levels: `1. Développer…` (strategic objective),
//! `Objectif spécifique 1.2 …` (specific objective), `Action 1.2.1 …`. Those numbers
//! say which column a cell belongs to, so a row whose cells slid one or two columns
//! to the side (an empty cell too many at its start, as in lines 12 to 14 of seed
//! 003) is recognised, and refused, instead of being read into the wrong keys.
//!
//! A number alone is weaker evidence than a word: `1.2 Créer…` may be an action
//! numbered on two levels, `3. Former…` a specific objective numbered on one. Such a
//! cell counts as misplaced only when another misplaced cell of the row moved the
//! same way, or when its column is numbered otherwise everywhere else in the sheet.

use crate::import::normalize;

/// The three levels of a cadre logique, from the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Strategique,
    Specifique,
    Action,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Strategique, Level::Specifique, Level::Action];

    /// `un objectif stratégique`…
    pub fn article(self) -> &'static str {
        match self {
            Level::Strategique => "un objectif stratégique",
            Level::Specifique => "un objectif spécifique",
            Level::Action => "une action",
        }
    }
}

/// A cell's text read as a numbered item: `Objectif spécifique 1.2 Sensibiliser…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    /// The level its first words name (`Action 1.1.1`, `Objectif spécifique`, `Axe 2`).
    pub word: Option<Level>,
    /// `1.2`, without its trailing dot.
    pub number: Option<String>,
    /// What follows the words and the number; the whole text when nothing does.
    pub title: String,
    /// Whether the number was closed by `.` or `)`: `3. Disposer`, `3) Disposer`.
    closed: bool,
}

impl Numbered {
    /// The parts of the number: `["1", "2"]`.
    pub fn parts(&self) -> Vec<&str> {
        self.number.as_deref().map(|n| n.split('.').collect()).unwrap_or_default()
    }

    /// The level the cell belongs to, and whether a word says so (or a number on
    /// three levels, which only actions have). `None` for an unnumbered text.
    pub fn level(&self) -> Option<(Level, bool)> {
        if let Some(word) = self.word {
            return Some((word, true));
        }
        let parts = self.parts();
        match parts.len() {
            0 => None,
            1 => (self.closed && parts[0].len() <= 2).then_some((Level::Strategique, false)),
            2 => Some((Level::Specifique, false)),
            _ => Some((Level::Action, true)),
        }
    }
}

/// The first word of `text` and what follows it.
fn first_word(text: &str) -> (&str, &str) {
    let end = text.find(|c: char| c.is_whitespace() || c == ':').unwrap_or(text.len());
    (&text[..end], text[end..].trim_start())
}

/// The level named by the first words of `text`, what follows them, and whether
/// the words alone say it (`Objectif spécifique`) or need a number (`Action 1.1`).
fn leading_words(text: &str) -> Option<(Level, &str, bool)> {
    let (first, after_first) = first_word(text);
    let (second, after_second) = first_word(after_first);
    match normalize(first).as_str() {
        "action" => Some((Level::Action, after_first, false)),
        "axe" => Some((Level::Strategique, after_first, false)),
        "objectif" | "objectifs" => match normalize(second).as_str() {
            "specifique" | "specifiques" => Some((Level::Specifique, after_second, true)),
            "strategique" | "strategiques" => Some((Level::Strategique, after_second, true)),
            _ => None,
        },
        _ => None,
    }
}

/// `Action 1.1.2 Déployer…` → word `Action`, number `1.1.2`, title `Déployer…`.
pub fn numbered(text: &str) -> Numbered {
    let text = text.trim();
    let words = leading_words(text);
    let rest = match words {
        Some((_, rest, _)) => {
            let rest = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
            ["n°", "N°"].iter().find_map(|p| rest.strip_prefix(p)).unwrap_or(rest).trim_start()
        }
        None => text,
    };
    let raw: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let after = &rest[raw.len()..];
    let number = raw.trim_end_matches('.');
    let well_formed = !number.is_empty()
        && number.split('.').all(|p| !p.is_empty() && p.len() <= 3)
        && after.chars().next().is_none_or(|c| c.is_whitespace() || ":-–—)".contains(c));
    // `Action de prévention` and `Axe de travail` name no level: a number must follow.
    let word = words.filter(|(_, _, explicit)| *explicit || well_formed).map(|(level, _, _)| level);
    if !well_formed {
        let title = match word {
            Some(_) => rest.trim_start_matches(|c: char| c.is_whitespace() || ":-–—".contains(c)).to_string(),
            None => text.to_string(),
        };
        return Numbered { word, number: None, title: nonempty_or(title, text), closed: false };
    }
    let closed = raw.ends_with('.') || after.starts_with(')');
    let title = after.trim_start_matches(|c: char| c.is_whitespace() || ":-–—).".contains(c)).trim();
    Numbered { word, number: Some(number.to_string()), title: nonempty_or(title.to_string(), text), closed }
}

fn nonempty_or(title: String, whole: &str) -> String {
    if title.trim().is_empty() { whole.to_string() } else { title }
}

/// The columns of the three levels in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub strategique: Option<usize>,
    pub specifique: Option<usize>,
    pub action: usize,
}

impl Layout {
    /// The column where `level` is expected.
    pub fn column(&self, level: Level) -> Option<usize> {
        match level {
            Level::Strategique => self.strategique,
            Level::Specifique => self.specifique,
            Level::Action => Some(self.action),
        }
    }

    /// The level expected in column `j`, if it is one of theirs.
    fn level_of(&self, j: usize) -> Option<Level> {
        Level::ALL.into_iter().find(|l| self.column(*l) == Some(j))
    }
}

/// A cell found outside its level's column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misplaced {
    pub level: Level,
    /// The column (0-based) it is in.
    pub found: usize,
    /// The column it belongs to.
    pub expected: usize,
    pub text: String,
}

/// Where a row's cells are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// In their columns (or unnumbered, which tells nothing).
    Fine,
    /// The cells from column `from` on all slid `by` columns (to the right when
    /// positive): deleting (or inserting) that many cells just before `from`
    /// puts them back.
    Shifted { by: isize, from: usize, cells: Vec<Misplaced> },
    /// Cells out of place in different ways: each one is to be moved.
    Scattered(Vec<Misplaced>),
}

/// How the columns of the three levels are numbered across a sheet: for each
/// column, how many cells of each level it holds.
#[derive(Debug, Clone, Default)]
pub struct Census {
    counts: std::collections::BTreeMap<(usize, Level), usize>,
}

impl Census {
    /// Counts the levels of every row's cells.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a [String]>) -> Self {
        let mut counts = std::collections::BTreeMap::new();
        for cells in rows {
            for (j, cell) in cells.iter().enumerate() {
                if let Some((level, _)) = numbered(cell).level() {
                    *counts.entry((j, level)).or_default() += 1;
                }
            }
        }
        Census { counts }
    }

    fn count(&self, j: usize, level: Level) -> usize {
        self.counts.get(&(j, level)).copied().unwrap_or(0)
    }

    /// Whether column `j`, a level's column, holds its own level more often than
    /// `other`: then a cell of `other` there is out of place.
    fn numbered_as_its_own(&self, layout: &Layout, j: usize, other: Level) -> bool {
        layout.level_of(j).is_some_and(|own| self.count(j, own) > self.count(j, other))
    }
}

/// How far from its column a misplaced cell is looked for.
const REACH: isize = 2;

/// Where the cells of one row are, given the sheet's layout and numbering.
pub fn placement(cells: &[String], layout: &Layout, census: &Census) -> Placement {
    let levels: Vec<Option<(Level, bool)>> = cells.iter().map(|c| numbered(c).level()).collect();
    let at = |j: isize| -> Option<(Level, bool)> { usize::try_from(j).ok().and_then(|j| *levels.get(j)?) };
    let mut placed = Vec::new();
    let mut claims: Vec<(Misplaced, bool)> = Vec::new();
    for level in Level::ALL {
        let Some(expected) = layout.column(level) else { continue };
        if at(expected as isize).is_some_and(|(l, _)| l == level) {
            placed.push(expected);
            continue;
        }
        // The nearest columns first, the right side before the left.
        let near = (1..=REACH).flat_map(|d| [d, -d]).map(|d| expected as isize + d);
        if let Some((j, strong)) = near.filter_map(|j| at(j).filter(|(l, _)| *l == level).map(|(_, s)| (j, s))).next() {
            let found = j as usize;
            let text = cells[found].clone();
            claims.push((Misplaced { level, found, expected, text }, strong));
        }
    }
    let offset = |m: &Misplaced| m.found as isize - m.expected as isize;
    // A strategic number (`3. Disposer…`) where the specific objectives are
    // numbered on two levels, under an empty strategic cell, is one that slid.
    let slid_strategic = |m: &Misplaced| {
        m.level == Level::Strategique
            && Some(m.found) == layout.specifique
            && layout.strategique.is_some_and(|s| blank(cells, s as isize))
            && census.numbered_as_its_own(layout, m.found, m.level)
    };
    let kept: Vec<Misplaced> = claims
        .iter()
        .filter(|(m, strong)| {
            *strong || claims.iter().any(|(o, _)| o.level != m.level && offset(o) == offset(m)) || slid_strategic(m)
        })
        .map(|(m, _)| m.clone())
        .collect();
    if kept.is_empty() {
        return Placement::Fine;
    }
    let by = offset(&kept[0]);
    let from = kept.iter().map(|m| m.found).min().unwrap_or(0);
    let uniform = kept.iter().all(|m| offset(m) == by)
        && placed.iter().all(|&j| j < from)
        && (by < 0 || (from as isize - by..from as isize).all(|j| blank(cells, j)));
    if uniform { Placement::Shifted { by, from, cells: kept } } else { Placement::Scattered(kept) }
}

/// Whether the cell at `j` is empty (or beyond the row's end).
fn blank(cells: &[String], j: isize) -> bool {
    usize::try_from(j).is_ok_and(|j| cells.get(j).is_none_or(|c| c.trim().is_empty()))
}

/// A spreadsheet's name for the 0-based column `j`: `A`, `Z`, `AA`.
pub fn column_letter(j: usize) -> String {
    let mut n = j + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    const LAYOUT: Layout = Layout { strategique: Some(0), specifique: Some(1), action: 2 };

    #[test]
    fn reads_the_numbers_of_the_three_levels() {
        let n = numbered("Objectif spécifique 1.1 Individualiser les réponses");
        assert_eq!(
            (n.word, n.number.as_deref(), n.title.as_str()),
            (Some(Level::Specifique), Some("1.1"), "Individualiser les réponses")
        );
        assert_eq!(n.level(), Some((Level::Specifique, true)));
        let n = numbered("3. Disposer d'une gouvernance");
        assert_eq!(
            (n.number.as_deref(), n.title.as_str(), n.level()),
            (Some("3"), "Disposer d'une gouvernance", Some((Level::Strategique, false)))
        );
        let n = numbered("Action 1.2.2 Ateliers de sensibilisation en santé mentale: -1 en direction");
        assert_eq!((n.number.as_deref(), n.level()), (Some("1.2.2"), Some((Level::Action, true))));
        assert_eq!(numbered("1.1.1 Ateliers").level(), Some((Level::Action, true)));
        assert_eq!(numbered("1.2 Créer").level(), Some((Level::Specifique, false)));
        assert_eq!(numbered("Axe 2 : Promouvoir").number.as_deref(), Some("2"));
        // Texts that start with a number or a word without being numbered items.
        for text in [
            "240 personnes (enfants)",
            "2/25 ans",
            "Action de prévention",
            "1 atelier pour 20 personnes",
            "2025 : forum",
        ] {
            assert_eq!(numbered(text).level(), None, "{text}");
        }
        assert_eq!(numbered("Créer un répertoire").title, "Créer un répertoire");
    }

    #[test]
    fn finds_the_rows_of_seed_003_that_slid_one_column_right() {
        let good = [
            row(&["1. Développer", "Objectif spécifique 1.1 Individualiser", "Action 1.1.1 Déployer", "Mise en place"]),
            row(&["", "", "Action 1.1.2 Proposer", "Mise en place"]),
            row(&["", "Objectif spécifique 1.2 Sensibiliser", "Action 1.2.1 Groupe", "Création"]),
        ];
        let line_12 = row(&[
            "",
            "3. Disposer d'une gouvernance",
            "Objectif spécifique 3.1 Piloter",
            "Action 3.1.1 Comité",
            "Identification",
        ]);
        let line_13 = row(&["", "", "Objectif spécifique 3.2 Déployer", "Action 3.2.1 Groupes", "Identification"]);
        let all: Vec<&[String]> = good.iter().chain([&line_12, &line_13]).map(Vec::as_slice).collect();
        let census = Census::of(all);
        for r in &good {
            assert_eq!(placement(r, &LAYOUT, &census), Placement::Fine);
        }
        let Placement::Shifted { by: 1, from: 1, cells } = placement(&line_12, &LAYOUT, &census) else { panic!() };
        assert_eq!(
            cells.iter().map(|m| (m.level, m.found)).collect::<Vec<_>>(),
            [(Level::Strategique, 1), (Level::Specifique, 2), (Level::Action, 3)]
        );
        let Placement::Shifted { by: 1, from: 2, .. } = placement(&line_13, &LAYOUT, &census) else { panic!() };
    }

    #[test]
    fn a_number_alone_is_not_enough() {
        let census = Census::default();
        // Actions numbered `1.`, or on two levels, in their own column.
        assert_eq!(placement(&row(&["", "", "1. Créer un répertoire"]), &LAYOUT, &census), Placement::Fine);
        assert_eq!(placement(&row(&["", "", "1.2 Créer un répertoire"]), &LAYOUT, &census), Placement::Fine);
        // An objective written out in the action's column is, alone.
        let Placement::Shifted { by: 1, from: 2, .. } =
            placement(&row(&["", "", "Objectif spécifique 3.2 Déployer"]), &LAYOUT, &census)
        else {
            panic!()
        };
        // A strategic number where the sheet numbers specific objectives on two levels.
        let sheet = [row(&["1. A", "1.1 B", "Action 1.1.1 C"]), row(&["", "1.2 D", "Action 1.2.1 E"])];
        let census = Census::of(sheet.iter().map(Vec::as_slice));
        let lone = row(&["", "3. Disposer", "Piloter le CLSM"]);
        assert!(matches!(placement(&lone, &LAYOUT, &census), Placement::Shifted { by: 1, from: 1, .. }));
        // But an action numbered on two levels among actions numbered on three is one.
        assert_eq!(placement(&row(&["", "", "1.3 Créer un répertoire"]), &LAYOUT, &census), Placement::Fine);
    }

    #[test]
    fn cells_out_of_place_in_different_ways_are_listed() {
        let census = Census::default();
        let r = row(&["1. Prévenir", "", "Former", "Action 1.1.1 Ateliers"]);
        // The strategic objective is in place: only the action moved, and the empty
        // cell before it is not where it should be deleted from.
        assert!(matches!(placement(&r, &LAYOUT, &census), Placement::Scattered(_)));
        let left = row(&["Objectif spécifique 1.1 Informer", "Action 1.1.1 Ateliers", ""]);
        assert!(matches!(placement(&left, &LAYOUT, &census), Placement::Shifted { by: -1, from: 0, .. }));
    }

    #[test]
    fn names_columns_as_a_spreadsheet_does() {
        assert_eq!([0, 1, 25, 26, 27].map(column_letter), ["A", "B", "Z", "AA", "AB"]);
    }
}
