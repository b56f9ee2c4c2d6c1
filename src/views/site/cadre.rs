//! The cadre logique: one row per action, as in seed 003's table, under its
//! strategic then its specific objective.

use serde::Serialize;

use crate::model::checked::{Action, Ix};
use crate::model::vocab;
use crate::views::{Lien, Names, Text};

/// The actions under one strategic objective, by specific objective.
#[derive(Debug, Serialize)]
pub struct ObjectifStrategique {
    pub objectif: Option<String>,
    pub specifiques: Vec<ObjectifSpecifique>,
}

/// The actions under one specific objective.
#[derive(Debug, Serialize)]
pub struct ObjectifSpecifique {
    pub objectif: Option<String>,
    pub lignes: Vec<LigneCadre>,
}

/// An indicator of a row with its own sources of verification.
#[derive(Debug, Serialize)]
pub struct IndicateurCadre {
    pub indicateur: Lien,
    pub sources: Vec<Text>,
}

/// One row of the cadre logique.
#[derive(Debug, Serialize)]
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

/// The first paragraph of a Markdown body, as plain text, for table cells.
fn first_paragraph(body: &str) -> Option<String> {
    let paragraph: Vec<&str> = body
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty() || l.starts_with('#'))
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.trim_start_matches(['-', '*', '+']).trim())
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
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
        // The Description section's first paragraph, or else the body's.
        description: crate::views::site::sections::split(&a.corps)
            .description
            .and_then(|d| first_paragraph(&d.corps))
            .or_else(|| first_paragraph(&a.corps)),
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

/// Rows by strategic then specific objective, each group where its first row is:
/// consecutive rows with the same objective share its heading.
pub(super) fn grouped(rows: Vec<LigneCadre>) -> Vec<ObjectifStrategique> {
    let mut out: Vec<ObjectifStrategique> = Vec::new();
    for row in rows {
        let strategic = row.objectif_strategique.clone();
        if out.last().is_none_or(|g| g.objectif != strategic) {
            out.push(ObjectifStrategique { objectif: strategic, specifiques: Vec::new() });
        }
        let Some(group) = out.last_mut() else { continue };
        let specific = row.objectif_specifique.clone();
        match group.specifiques.last_mut() {
            Some(g) if g.objectif == specific => g.lignes.push(row),
            _ => group.specifiques.push(ObjectifSpecifique { objectif: specific, lignes: vec![row] }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_paragraph_skips_headings_and_list_marks() {
        assert_eq!(
            first_paragraph("\n## Contexte\n\nLes aidants\nont demandé.\n\nSuite"),
            Some("Les aidants ont demandé.".into())
        );
        assert_eq!(first_paragraph("- Un\n- Deux\n"), Some("Un Deux".into()));
        assert_eq!(first_paragraph("## Titre seul\n"), None);
    }
}
