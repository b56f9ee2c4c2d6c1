//! The cadre logique: one row per action, as in seed 003's table, under its
//! strategic then its specific objective.

use serde::Serialize;

use crate::model::checked::{Action, Ix};
use crate::model::vocab;
use crate::views::site::sections;
use crate::views::{Lien, Names, Text};

/// The actions under one strategic objective, by specific objective.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectifStrategique {
    pub objectif: Option<String>,
    pub specifiques: Vec<ObjectifSpecifique>,
}

/// The actions under one specific objective.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectifSpecifique {
    pub objectif: Option<String>,
    pub lignes: Vec<LigneCadre>,
}

/// An indicator of a row with its own sources of verification.
#[derive(Debug, Clone, Serialize)]
pub struct IndicateurCadre {
    pub indicateur: Lien,
    pub sources: Vec<Text>,
}

/// One row of the cadre logique.
#[derive(Debug, Clone, Serialize)]
pub struct LigneCadre {
    pub objectif_strategique: Option<String>,
    pub objectif_specifique: Option<String>,
    pub action: Lien,
    pub description: Option<String>,
    pub prerequis: Option<String>,
    pub public: Vec<String>,
    pub dispositifs_existants: Option<String>,
    pub resultats_attendus: Option<String>,
    pub indicateurs: Vec<IndicateurCadre>,
    pub moyens_mobilisables: Option<String>,
    pub moyens_a_rechercher: Option<String>,
}

pub(super) fn logframe_row(names: &Names, ix: Ix<Action>) -> LigneCadre {
    let a = names.repo.action(ix);
    let vocab = &names.repo.vocab;
    let mut public: Vec<String> = a.public.iter().map(|w| vocab.label(&vocab::PUBLIC, w).to_string()).collect();
    public.extend(a.public_precision.clone());
    LigneCadre {
        objectif_strategique: a.objectif_strategique.clone(),
        objectif_specifique: a.objectif_specifique.clone(),
        action: names.action(ix),
        description: sections::summary(&a.corps),
        prerequis: a.prerequis.clone(),
        public,
        dispositifs_existants: a.dispositifs_existants.clone(),
        resultats_attendus: a.resultats_attendus.clone(),
        indicateurs: a
            .indicateurs
            .iter()
            .map(|i| IndicateurCadre {
                indicateur: names.indicator(*i),
                sources: names.repo.indicateur(*i).sources.clone(),
            })
            .collect(),
        moyens_mobilisables: a.moyens_mobilisables.clone(),
        moyens_a_rechercher: a.moyens_a_rechercher.clone(),
    }
}

/// Rows by strategic then specific objective, each group where its first row is
/// and every row with the same objective in it (the rows without one together).
pub(super) fn grouped(rows: Vec<LigneCadre>) -> Vec<ObjectifStrategique> {
    let mut out: Vec<ObjectifStrategique> = Vec::new();
    for row in rows {
        let strategic = row.objectif_strategique.clone();
        let at = match out.iter().position(|g| g.objectif == strategic) {
            Some(at) => at,
            None => {
                out.push(ObjectifStrategique { objectif: strategic, specifiques: Vec::new() });
                out.len() - 1
            }
        };
        let specific = row.objectif_specifique.clone();
        let group = &mut out[at].specifiques;
        match group.iter_mut().find(|g| g.objectif == specific) {
            Some(g) => g.lignes.push(row),
            None => group.push(ObjectifSpecifique { objectif: specific, lignes: vec![row] }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, strategic: Option<&str>, specific: Option<&str>) -> LigneCadre {
        LigneCadre {
            objectif_strategique: strategic.map(str::to_string),
            objectif_specifique: specific.map(str::to_string),
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
        ]);
        let ids: Vec<Vec<Vec<&str>>> = groups
            .iter()
            .map(|g| g.specifiques.iter().map(|s| s.lignes.iter().map(|l| &*l.action.id).collect()).collect())
            .collect();
        assert_eq!(ids, vec![vec![vec!["a", "c"]], vec![vec!["b", "d"]]]);
    }
}
