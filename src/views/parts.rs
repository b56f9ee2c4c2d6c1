//! Long documents in parts. Laying a PDF out takes memory in proportion to its
//! length, and a document of thousands of entries would take more than a machine
//! has: its entries go into parts of a bounded size, each a PDF of its own.

use std::ops::Range;

use serde::Serialize;

use crate::views::Text;

/// The entries `range` of group `group` (an axis, a type of partner) in one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub group: usize,
    pub range: Range<usize>,
    /// The group began in the part before.
    pub suite: bool,
    /// The group goes on in the part after.
    pub a_suivre: bool,
}

/// Packs groups of `sizes` entries, in their order, into parts of at most `max`
/// entries. A group that fits in what is left of a part goes there whole; one that
/// does not starts a new part, and one longer than a part is cut into as many full
/// parts as it needs: a group that does not fit always starts at the top of a part.
/// Empty groups are in no part.
pub fn pack(sizes: &[usize], max: usize) -> Vec<Vec<Piece>> {
    let max = max.max(1);
    let mut done: Vec<Vec<Piece>> = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    let mut room = max;
    for (group, &size) in sizes.iter().enumerate().filter(|(_, size)| **size > 0) {
        if size > room && room < max {
            done.push(std::mem::take(&mut current));
            room = max;
        }
        let mut start = 0;
        while start < size {
            if room == 0 {
                done.push(std::mem::take(&mut current));
                room = max;
            }
            let end = (start + room).min(size);
            current.push(Piece { group, range: start..end, suite: start > 0, a_suivre: end < size });
            room -= end - start;
            start = end;
        }
    }
    if !current.is_empty() {
        done.push(current);
    }
    done
}

/// One annex of a long document: `bilan-2024-annexe-1.pdf`, `contrat-annexe-2.pdf`.
#[derive(Debug, Clone, Serialize)]
pub struct Annexe<C> {
    /// From 1, across the sections.
    pub numero: usize,
    /// How many annexes the document has.
    pub total: usize,
    /// Its file, beside the document's.
    pub fichier: String,
    /// The section it holds a part of.
    pub contenu: C,
    /// How many entries it holds.
    pub entrees: usize,
    /// The groups of the section (axes, types of partner) it holds some of.
    pub groupes: Vec<Groupe>,
    /// Which entries of the section: group `g` is the section's group `g`.
    #[serde(skip)]
    pub pieces: Vec<Piece>,
}

/// How many entries of one group an annex holds.
#[derive(Debug, Clone, Serialize)]
pub struct Groupe {
    pub id: Text,
    pub entrees: usize,
}

/// A section of a long document: its groups, each with its id and number of
/// entries, and the most entries it lays out in one document.
pub struct Section<C> {
    pub contenu: C,
    pub max: usize,
    pub groupes: Vec<(Text, usize)>,
}

/// The annexes of a document named `stem` (its file name without `.pdf` or
/// `.html`) whose `sections` hold more entries than their `max`: the long sections
/// in the order given, each packed as [`pack`] says; the sections that fit stay in
/// the document. Their files end with `extension` (`pdf`, `html`).
pub fn annexes<C: Copy>(sections: Vec<Section<C>>, stem: &str, extension: &str) -> Vec<Annexe<C>> {
    let mut annexes: Vec<Annexe<C>> = Vec::new();
    for Section { contenu, max, groupes: groups } in sections {
        let max = max.max(1);
        if groups.iter().map(|(_, n)| n).sum::<usize>() <= max {
            continue;
        }
        let sizes: Vec<usize> = groups.iter().map(|(_, n)| *n).collect();
        for pieces in pack(&sizes, max) {
            annexes.push(Annexe {
                numero: annexes.len() + 1,
                total: 0,
                fichier: String::new(),
                contenu,
                entrees: pieces.iter().map(|p| p.range.len()).sum(),
                groupes: pieces
                    .iter()
                    .map(|p| Groupe { id: groups[p.group].0.clone(), entrees: p.range.len() })
                    .collect(),
                pieces,
            });
        }
    }
    let total = annexes.len();
    for a in &mut annexes {
        a.total = total;
        a.fichier = format!("{stem}-annexe-{}.{extension}", a.numero);
    }
    annexes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(parts: &[Vec<Piece>]) -> Vec<Vec<(usize, usize, bool, bool)>> {
        parts.iter().map(|p| p.iter().map(|x| (x.group, x.range.len(), x.suite, x.a_suivre)).collect()).collect()
    }

    #[test]
    fn groups_stay_whole_when_they_fit_and_long_ones_are_cut() {
        let parts = pack(&[60, 30, 50, 0, 230, 10], 100);
        assert_eq!(
            shape(&parts),
            vec![
                vec![(0, 60, false, false), (1, 30, false, false)],
                vec![(2, 50, false, false)],
                vec![(4, 100, false, true)],
                vec![(4, 100, true, true)],
                vec![(4, 30, true, false), (5, 10, false, false)],
            ]
        );
        assert_eq!(parts[3][0].range, 100..200);
    }

    #[test]
    fn one_group_is_cut_into_full_parts() {
        let parts = pack(&[250], 100);
        let ranges: Vec<_> = parts.iter().map(|p| p[0].range.clone()).collect();
        assert_eq!(ranges, [0..100, 100..200, 200..250]);
        assert!(pack(&[0, 0], 100).is_empty());
        assert_eq!(
            shape(&pack(&[3], 0)),
            vec![vec![(0, 1, false, true)], vec![(0, 1, true, true)], vec![(0, 1, true, false)]]
        );
    }

    #[test]
    fn only_the_long_sections_go_into_annexes_numbered_across_them() {
        let section = |contenu, groups: &[(&str, usize)]| Section {
            contenu,
            max: 5,
            groupes: groups.iter().map(|(id, n)| (Text::from(*id), *n)).collect(),
        };
        let sections = vec![
            section("actions", &[("1", 3), ("2", 4)]),
            section("indicateurs", &[("mesures", 2)]),
            section("budget", &[("lignes", 6)]),
        ];
        let annexes = annexes(sections, "bilan-2024", "pdf");
        let seen: Vec<_> = annexes
            .iter()
            .map(|a| (a.numero, a.total, a.fichier.as_str(), a.contenu, a.entrees, a.groupes.len()))
            .collect();
        assert_eq!(
            seen,
            [
                (1, 4, "bilan-2024-annexe-1.pdf", "actions", 3, 1),
                (2, 4, "bilan-2024-annexe-2.pdf", "actions", 4, 1),
                (3, 4, "bilan-2024-annexe-3.pdf", "budget", 5, 1),
                (4, 4, "bilan-2024-annexe-4.pdf", "budget", 1, 1),
            ]
        );
        assert_eq!(&*annexes[1].groupes[0].id, "2");
        assert_eq!(annexes[3].pieces[0].range, 5..6);
    }
}
