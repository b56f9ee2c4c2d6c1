//! The contract's PDF in volumes. Laying a document out takes memory in proportion to
//! its length, and a contract of thousands of fiches would take more than a machine
//! has: beyond [`FICHES_PAR_VOLUME`] fiches, `contrat.pdf` keeps the cover, the
//! preamble, the summary of the axes and the annexes, and the fiches go, axis after
//! axis, into volumes `contrat-1.pdf`, `contrat-2.pdf`… of at most that many fiches,
//! each with the cadre logique of its own fiches.

use serde::Serialize;

use crate::model::checked::Text;
use crate::views::parts;
use crate::views::site::{ActionResume, AxeView, ObjectifSpecifique, ObjectifStrategique, Site};

/// The most fiches one PDF document holds. A fiche takes about 2 Mo while it is laid
/// out; a hundred keep a volume near 250 Mo.
pub const FICHES_PAR_VOLUME: usize = 100;

/// The most partners the annuaire of `contrat.pdf` lays out in one document, each
/// with the actions it carries and joins: beyond that, the annuaire goes into
/// annexes `contrat-annexe-1.pdf`… of at most as many, that `contrat.pdf` names.
pub const PARTENAIRES_PAR_ANNEXE: usize = 250;

/// The same for the table of the indicators, one line each.
pub const INDICATEURS_PAR_ANNEXE: usize = 1000;

/// What one annex of the contract holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contenu {
    /// The partners, group `g` being the type `g` of the annuaire.
    Annuaire,
    /// Group 0, the indicators.
    Indicateurs,
}

/// One annex of the contract: `contrat-annexe-1.pdf`.
pub type Annexe = parts::Annexe<Contenu>;

/// The annexes of the contract whose annuaire, or table of indicators, holds more
/// entries than [`PARTENAIRES_PAR_ANNEXE`] or [`INDICATEURS_PAR_ANNEXE`] (or than
/// `max`, if fewer); none when each fits in `contrat.pdf`.
pub fn annexes(site: &Site, max: usize) -> Vec<Annexe> {
    let sections = vec![
        parts::Section {
            contenu: Contenu::Annuaire,
            max: max.min(PARTENAIRES_PAR_ANNEXE),
            groupes: site.annuaire.iter().map(|g| (g.r#type.mot.clone(), g.partenaires.len())).collect(),
        },
        parts::Section {
            contenu: Contenu::Indicateurs,
            max: max.min(INDICATEURS_PAR_ANNEXE),
            groupes: vec![("indicateurs".into(), site.indicateurs.len())],
        },
    ];
    parts::annexes(sections, "contrat", "pdf")
}

/// One volume of the contract.
#[derive(Debug, Clone, Serialize)]
pub struct Volume {
    /// From 1.
    pub numero: usize,
    /// How many volumes the contract has.
    pub total: usize,
    /// Its file, beside `contrat.pdf`: `contrat-2.pdf`.
    pub fichier: String,
    /// The axes whose fiches it holds, in the contract's order.
    pub axes: Vec<VolumeAxe>,
    /// How many fiches it holds.
    pub fiches: usize,
}

/// The fiches of one axis in one volume.
#[derive(Debug, Clone, Serialize)]
pub struct VolumeAxe {
    pub id: Text,
    pub titre: Text,
    pub description: Option<String>,
    pub actions: Vec<ActionResume>,
    /// The axis began in the volume before.
    pub suite: bool,
    /// The axis goes on in the volume after.
    pub a_suivre: bool,
}

/// The volumes of a contract whose axes hold more than `max` fiches in all; none
/// when they fit in one document. The axes are packed as [`pack`](crate::views::parts::pack)
/// says: an axis that does not fit in what is left of a volume starts the next one.
pub fn volumes(axes: &[AxeView], max: usize) -> Vec<Volume> {
    if axes.iter().map(|a| a.actions.len()).sum::<usize>() <= max.max(1) {
        return Vec::new();
    }
    let sizes: Vec<usize> = axes.iter().map(|a| a.actions.len()).collect();
    let parts = crate::views::parts::pack(&sizes, max);
    let total = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, pieces)| {
            let axes: Vec<VolumeAxe> = pieces
                .into_iter()
                .map(|piece| {
                    let axe = &axes[piece.group];
                    VolumeAxe {
                        id: axe.id.clone(),
                        titre: axe.titre.clone(),
                        description: axe.description.clone(),
                        actions: axe.actions[piece.range].to_vec(),
                        suite: piece.suite,
                        a_suivre: piece.a_suivre,
                    }
                })
                .collect();
            Volume {
                numero: i + 1,
                total,
                fichier: format!("contrat-{}.pdf", i + 1),
                fiches: axes.iter().map(|a| a.actions.len()).sum(),
                axes,
            }
        })
        .collect()
}

/// The cadre logique of one volume: the rows of its own fiches, under their
/// objectives.
pub fn logframe_of<'r>(cadre: &[ObjectifStrategique<'r>], volume: &Volume) -> Vec<ObjectifStrategique<'r>> {
    let ids: std::collections::HashSet<&str> =
        volume.axes.iter().flat_map(|a| a.actions.iter()).map(|a| &*a.id).collect();
    cadre
        .iter()
        .filter_map(|s| {
            let specifiques: Vec<ObjectifSpecifique> = s
                .specifiques
                .iter()
                .filter_map(|sp| {
                    let lignes: Vec<_> = sp.lignes.iter().filter(|l| ids.contains(&*l.action.id)).cloned().collect();
                    (!lignes.is_empty()).then_some(ObjectifSpecifique { objectif: sp.objectif, lignes })
                })
                .collect();
            (!specifiques.is_empty()).then_some(ObjectifStrategique { objectif: s.objectif, specifiques })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::Lien;

    fn axe(id: &str, fiches: usize) -> AxeView {
        AxeView {
            id: id.into(),
            titre: format!("Axe {id}").into(),
            description: None,
            actions: (0..fiches)
                .map(|i| ActionResume {
                    id: format!("{id}-{i}").into(),
                    numero: None,
                    titre: format!("Fiche {i}").into(),
                    statut: None,
                    porteur: Lien { id: "p".into(), titre: "P".into(), numero: None, sigle: None },
                    calendrier: None,
                })
                .collect(),
            pistes: Vec::new(),
            par_statut: Vec::new(),
        }
    }

    fn shape(volumes: &[Volume]) -> Vec<Vec<(String, usize, bool, bool)>> {
        volumes
            .iter()
            .map(|v| v.axes.iter().map(|a| (a.id.to_string(), a.actions.len(), a.suite, a.a_suivre)).collect())
            .collect()
    }

    #[test]
    fn a_contract_that_fits_has_no_volume() {
        assert!(volumes(&[axe("1", 60), axe("2", 40)], 100).is_empty());
    }

    #[test]
    fn axes_stay_whole_when_they_fit_and_long_ones_are_cut() {
        let v = volumes(&[axe("1", 60), axe("2", 30), axe("3", 50), axe("4", 0), axe("5", 230)], 100);
        assert_eq!(
            shape(&v),
            vec![
                vec![("1".into(), 60, false, false), ("2".into(), 30, false, false)],
                vec![("3".into(), 50, false, false)],
                vec![("5".into(), 100, false, true)],
                vec![("5".into(), 100, true, true)],
                vec![("5".into(), 30, true, false)],
            ]
        );
        assert_eq!(v.iter().map(|v| v.fiches).collect::<Vec<_>>(), [90, 50, 100, 100, 30]);
        assert_eq!(v[4].fichier, "contrat-5.pdf");
        assert!(v.iter().all(|v| v.total == 5));
    }
}
