//! The pistes d'actions of the groupes projets, by axis then by theme (seed 002).

use serde::Serialize;

use crate::model::checked::{Action, Ix, Thematique};
use crate::views::{Lien, Names, Text};

/// The pistes of one axis, by theme.
#[derive(Debug, Serialize)]
pub struct PistesAxe {
    pub axe: Lien,
    pub thematiques: Vec<PistesThematique>,
}

#[derive(Debug, Serialize)]
pub struct PistesThematique {
    /// `None` for pistes without a theme.
    pub thematique: Option<Lien>,
    pub pistes: Vec<PisteView>,
}

#[derive(Debug, Serialize)]
pub struct PisteView {
    pub id: Text,
    pub titre: Text,
    pub objectif_specifique: Option<String>,
    pub partenaires: Vec<Lien>,
    pub corps: String,
}

fn piste_view(names: &Names, a: &Action) -> PisteView {
    PisteView {
        id: a.id.clone(),
        titre: a.titre.clone(),
        objectif_specifique: a.objectif_specifique.clone(),
        partenaires: a.partenaires.iter().map(|p| names.partner(*p)).collect(),
        corps: a.corps.clone(),
    }
}

/// Pistes by axis, then by theme (a piste is filed under its first one) in the
/// contract's order, the pistes without a theme last.
pub(super) fn pistes(names: &Names) -> Vec<PistesAxe> {
    let repo = names.repo;
    let mut themes: Vec<Option<(Ix<Thematique>, &Thematique)>> = repo.thematiques_indexed().map(Some).collect();
    themes.push(None);
    repo.axes_indexed()
        .filter_map(|(axe, _)| {
            let of_axis: Vec<&Action> = repo.actions_of(axe).filter(|a| a.est_piste()).collect();
            let thematiques: Vec<PistesThematique> = themes
                .iter()
                .filter_map(|theme| {
                    let ix = theme.map(|(ix, _)| ix);
                    let pistes: Vec<PisteView> = of_axis
                        .iter()
                        .filter(|a| a.thematiques.first().copied() == ix)
                        .map(|a| piste_view(names, a))
                        .collect();
                    (!pistes.is_empty()).then(|| PistesThematique { thematique: ix.map(|t| names.theme(t)), pistes })
                })
                .collect();
            (!thematiques.is_empty()).then(|| PistesAxe { axe: names.axis(axe), thematiques })
        })
        .collect()
}
