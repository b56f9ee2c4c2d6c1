//! The cadre logique: one row per action, as in seed 003's table, under its
//! strategic then its specific objective.

use serde::Serialize;

use crate::model::checked::{Action, Ix};
use crate::model::vocab;
use crate::views::{Lien, Names, Text};

/// The actions under one strategic objective, by specific objective.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectifStrategique<'r> {
    pub objectif: Option<&'r str>,
    pub specifiques: Vec<ObjectifSpecifique<'r>>,
}

/// The actions under one specific objective.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectifSpecifique<'r> {
    pub objectif: Option<&'r str>,
    pub lignes: Vec<LigneCadre<'r>>,
}

/// An indicator of a row with its own sources of verification.
#[derive(Debug, Clone, Serialize)]
pub struct IndicateurCadre<'r> {
    pub indicateur: Lien,
    pub sources: &'r [Text],
}

/// One row of the cadre logique. It borrows its action's texts from the
/// repository, `'r`: copied, the rows held 10,000 actions' texts a second time.
#[derive(Debug, Clone, Serialize)]
pub struct LigneCadre<'r> {
    pub objectif_strategique: Option<&'r str>,
    pub objectif_specifique: Option<&'r str>,
    pub action: Lien,
    pub description: Option<String>,
    pub prerequis: Option<&'r str>,
    pub public: Vec<&'r str>,
    pub dispositifs_existants: Option<&'r str>,
    pub resultats_attendus: Option<&'r str>,
    pub indicateurs: Vec<IndicateurCadre<'r>>,
    pub moyens_mobilisables: Option<&'r str>,
    pub moyens_a_rechercher: Option<&'r str>,
}

/// The row of action `ix`, whose body's [`super::sections::summary`] is `description`.
pub(super) fn logframe_row<'r>(names: &Names<'r>, ix: Ix<Action>, description: Option<String>) -> LigneCadre<'r> {
    let repo = names.repo;
    let a = repo.action(ix);
    let vocab = &repo.vocab;
    let mut public: Vec<&str> = a.public.iter().map(|w| vocab.label(&vocab::PUBLIC, w)).collect();
    public.extend(a.public_precision.as_deref());
    LigneCadre {
        objectif_strategique: a.objectif_strategique.as_deref(),
        objectif_specifique: a.objectif_specifique.as_deref(),
        action: names.action(ix),
        description,
        prerequis: a.prerequis.as_deref(),
        public,
        dispositifs_existants: a.dispositifs_existants.as_deref(),
        resultats_attendus: a.resultats_attendus.as_deref(),
        indicateurs: a
            .indicateurs
            .iter()
            .map(|i| IndicateurCadre { indicateur: names.indicator(*i), sources: &repo.indicateur(*i).sources })
            .collect(),
        moyens_mobilisables: a.moyens_mobilisables.as_deref(),
        moyens_a_rechercher: a.moyens_a_rechercher.as_deref(),
    }
}

/// Rows by strategic then specific objective, each group where its first row is
/// and every row with the same objective in it (the rows without one together).
pub(super) fn grouped(rows: Vec<LigneCadre<'_>>) -> Vec<ObjectifStrategique<'_>> {
    let mut out: Vec<ObjectifStrategique> = Vec::new();
    // Where each row goes first, then each group's room at once: grown a row at a
    // time, the rows of 10,000 actions were copied into twice as much new memory.
    let mut places = Vec::with_capacity(rows.len());
    let mut sizes: Vec<Vec<usize>> = Vec::new();
    for row in &rows {
        let at = match out.iter().position(|g| g.objectif == row.objectif_strategique) {
            Some(at) => at,
            None => {
                out.push(ObjectifStrategique { objectif: row.objectif_strategique, specifiques: Vec::new() });
                sizes.push(Vec::new());
                out.len() - 1
            }
        };
        let group = &mut out[at].specifiques;
        let within = match group.iter().position(|g| g.objectif == row.objectif_specifique) {
            Some(within) => within,
            None => {
                group.push(ObjectifSpecifique { objectif: row.objectif_specifique, lignes: Vec::new() });
                sizes[at].push(0);
                group.len() - 1
            }
        };
        sizes[at][within] += 1;
        places.push((at, within));
    }
    for (strategic, sizes) in out.iter_mut().zip(&sizes) {
        for (specific, size) in strategic.specifiques.iter_mut().zip(sizes) {
            specific.lignes.reserve_exact(*size);
        }
    }
    for (row, (at, within)) in rows.into_iter().zip(places) {
        out[at].specifiques[within].lignes.push(row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'r>(id: &str, strategic: Option<&'r str>, specific: Option<&'r str>) -> LigneCadre<'r> {
        LigneCadre {
            objectif_strategique: strategic,
            objectif_specifique: specific,
            action: Lien { id: id.into(), titre: id.into(), numero: None, sigle: None },
            description: None,
            prerequis: None,
            public: Vec::new(),
            dispositifs_existants: None,
            resultats_attendus: None,
            indicateurs: Vec::new(),
            moyens_mobilisables: None,
            moyens_a_rechercher: None,
        }
    }

    #[test]
    fn rows_with_the_same_objective_share_one_heading_wherever_they_are() {
        let groups = grouped(vec![
            row("a", None, None),
            row("b", Some("S"), Some("x")),
            row("c", None, None),
            row("d", Some("S"), Some("x")),
            row("e", Some("S"), Some("y")),
            row("f", Some("T"), Some("x")),
            row("g", Some("S"), Some("x")),
        ]);
        let ids: Vec<Vec<Vec<&str>>> = groups
            .iter()
            .map(|g| g.specifiques.iter().map(|s| s.lignes.iter().map(|l| &*l.action.id).collect()).collect())
            .collect();
        assert_eq!(ids, vec![vec![vec!["a", "c"]], vec![vec!["b", "d", "g"], vec!["e"]], vec![vec!["f"]]]);
    }
}
