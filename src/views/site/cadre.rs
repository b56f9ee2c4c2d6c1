//! The cadre logique: one row per action, as in seed 003's table.

use serde::Serialize;

use crate::model::checked::{Action, Ix};
use crate::model::vocab;
use crate::views::{Lien, Names, Text};

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
    pub indicateurs: Vec<Lien>,
    pub sources: Vec<Text>,
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
        description: first_paragraph(&a.corps),
        prerequis: a.prerequis.clone(),
        public,
        dispositifs_existants: a.dispositifs_existants.clone(),
        resultats_attendus: a.resultats_attendus.clone(),
        indicateurs: a.indicateurs.iter().map(|i| names.indicator(*i)).collect(),
        sources: a.sources.clone(),
        moyens_mobilisables: a.moyens_mobilisables.clone(),
        moyens_a_rechercher: a.moyens_a_rechercher.clone(),
    }
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
