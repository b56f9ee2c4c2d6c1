//! The rows of each export, computed from the repository.

use std::collections::BTreeMap;

use crate::export::{Cell, Table};
use crate::model::vocab::{self, Vocabularies};
use crate::model::{Montant, Repository};
use crate::views::indicators::measure_value;
use crate::views::site::ordered_actions;

fn joined<'a>(items: impl IntoIterator<Item = &'a String>) -> Cell {
    let list: Vec<&str> = items.into_iter().map(String::as_str).collect();
    if list.is_empty() { Cell::Empty } else { Cell::Text(list.join(", ")) }
}

fn labels(vocab: &Vocabularies, of: &vocab::Vocab, words: &Option<Vec<String>>) -> Cell {
    let list: Vec<String> = words.iter().flatten().map(|w| vocab.label(of, w).to_string()).collect();
    joined(&list)
}

fn text(v: &Option<String>) -> Cell {
    v.clone().into()
}

fn date(d: Option<crate::model::PartialDate>) -> Cell {
    d.map(|d| d.to_string()).into()
}

/// The header of `clsm export indicateurs`, as DESIGN fixes it.
pub const INDICATOR_HEADER: [&str; 12] = [
    "indicateur",
    "libelle",
    "type",
    "unite",
    "actions",
    "date",
    "valeur",
    "numerateur",
    "denominateur",
    "cible",
    "echeance",
    "commentaire",
];

/// One row per measure (long format); an indicator without measure has one row with
/// empty measure cells, so that every indicator is listed.
pub fn indicators(repo: &Repository) -> Table {
    let mut citing: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in ordered_actions(repo) {
        for id in r.data.indicateurs.iter().flatten() {
            citing.entry(id.as_str()).or_default().push(r.id.clone());
        }
    }
    let mut rows = Vec::new();
    for r in &repo.indicateurs {
        let i = &r.data;
        let fixed = |rows: &mut Vec<Vec<Cell>>, measure: [Cell; 5]| {
            let [date, valeur, numerateur, denominateur, commentaire] = measure;
            rows.push(vec![
                r.id.as_str().into(),
                text(&i.libelle),
                text(&i.r#type),
                text(&i.unite),
                joined(citing.get(r.id.as_str()).into_iter().flatten()),
                date,
                valeur,
                numerateur,
                denominateur,
                i.cible.as_ref().and_then(|c| c.valeur).into(),
                self::date(i.cible.as_ref().and_then(|c| c.echeance)),
                commentaire,
            ]);
        };
        let measures = i.mesures.as_deref().unwrap_or_default();
        if measures.is_empty() {
            fixed(&mut rows, [Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
        }
        for m in measures {
            fixed(
                &mut rows,
                [
                    date(m.date),
                    measure_value(i, m).into(),
                    m.numerateur.into(),
                    m.denominateur.into(),
                    text(&m.commentaire),
                ],
            );
        }
    }
    Table { header: INDICATOR_HEADER.to_vec(), rows }
}

/// One row per action, with the columns of the cadre logique.
pub fn actions(repo: &Repository) -> Table {
    let vocab = repo.config.vocabularies();
    let header = vec![
        "action",
        "numero",
        "titre",
        "axe",
        "statut",
        "porteur",
        "pilote",
        "partenaires",
        "thematiques",
        "objectif_strategique",
        "objectif_specifique",
        "prerequis",
        "public",
        "public_precision",
        "dispositifs_existants",
        "resultats_attendus",
        "indicateurs",
        "sources",
        "moyens_mobilisables",
        "moyens_a_rechercher",
        "calendrier_debut",
        "calendrier_fin",
        "budget",
        "financements_acquis",
        "financements_pressentis",
    ];
    let sources_of = |ids: &Option<Vec<String>>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in ids.iter().flatten() {
            if let Some(i) = repo.indicateurs.iter().find(|r| &r.id == id) {
                for s in i.data.sources.iter().flatten() {
                    if !out.contains(s) {
                        out.push(s.clone());
                    }
                }
            }
        }
        out
    };
    let money = |m: Montant| if m.cents == 0 { Cell::Empty } else { Cell::Number(m.euros()) };
    let rows = ordered_actions(repo)
        .into_iter()
        .map(|r| {
            let a = &r.data;
            vec![
                r.id.as_str().into(),
                text(&a.numero),
                text(&a.titre),
                text(&a.axe),
                text(&a.statut),
                text(&a.porteur),
                text(&a.pilote),
                joined(a.partenaires.iter().flatten()),
                joined(a.thematiques.iter().flatten()),
                text(&a.objectif_strategique),
                text(&a.objectif_specifique),
                text(&a.prerequis),
                labels(&vocab, &vocab::PUBLIC, &a.public),
                text(&a.public_precision),
                text(&a.dispositifs_existants),
                text(&a.resultats_attendus),
                joined(a.indicateurs.iter().flatten()),
                joined(&sources_of(&a.indicateurs)),
                text(&a.moyens_mobilisables),
                text(&a.moyens_a_rechercher),
                date(a.calendrier.as_ref().and_then(|c| c.debut)),
                date(a.calendrier.as_ref().and_then(|c| c.fin)),
                money(a.budget_total()),
                money(a.funding("acquis")),
                money(a.funding("pressenti")),
            ]
        })
        .collect();
    Table { header, rows }
}

/// One row per partner; the personal `contacts` only when `interne`.
pub fn partners(repo: &Repository, interne: bool) -> Table {
    let vocab = repo.config.vocabularies();
    let mut header = vec![
        "partenaire",
        "nom",
        "sigle",
        "type",
        "secteurs",
        "adresse",
        "commune",
        "latitude",
        "longitude",
        "site",
        "telephone",
        "email",
        "fondateur",
        "instances",
        "porte",
        "participe",
    ];
    if interne {
        header.push("contacts");
    }
    let actions = ordered_actions(repo);
    let rows = repo
        .partenaires
        .iter()
        .map(|r| {
            let p = &r.data;
            let leads: Vec<String> = actions
                .iter()
                .filter(|a| a.data.porteur.as_deref() == Some(r.id.as_str()))
                .map(|a| a.id.clone())
                .collect();
            let joins: Vec<String> = actions
                .iter()
                .filter(|a| a.data.porteur.as_deref() != Some(r.id.as_str()))
                .filter(|a| {
                    let d = &a.data;
                    d.partenaires.iter().flatten().any(|x| x == &r.id)
                        || d.financements.iter().flatten().any(|f| f.financeur.as_deref() == Some(r.id.as_str()))
                        || d.objectifs_operationnels
                            .iter()
                            .flatten()
                            .flat_map(|o| o.qui.iter().flatten())
                            .any(|q| q == &r.id)
                })
                .map(|a| a.id.clone())
                .collect();
            let mut row = vec![
                r.id.as_str().into(),
                text(&p.nom),
                text(&p.sigle),
                p.r#type.as_deref().map(|t| vocab.label(&vocab::TYPE_PARTENAIRE, t).to_string()).into(),
                labels(&vocab, &vocab::SECTEURS, &p.secteurs),
                text(&p.adresse),
                text(&p.commune),
                p.coordonnees.as_ref().and_then(|c| c.lat).into(),
                p.coordonnees.as_ref().and_then(|c| c.lon).into(),
                text(&p.site),
                text(&p.telephone),
                text(&p.email),
                p.fondateur.map(|f| if f { "oui" } else { "non" }).into(),
                labels(&vocab, &vocab::INSTANCES, &p.instances),
                joined(&leads),
                joined(&joins),
            ];
            if interne {
                let contacts: Vec<String> = p
                    .contacts
                    .iter()
                    .flatten()
                    .map(|c| {
                        let details: Vec<&str> =
                            [&c.fonction, &c.email, &c.telephone].into_iter().filter_map(|x| x.as_deref()).collect();
                        let nom = c.nom.clone().unwrap_or_default();
                        if details.is_empty() { nom } else { format!("{nom} ({})", details.join(", ")) }
                    })
                    .collect();
                row.push(if contacts.is_empty() { Cell::Empty } else { Cell::Text(contacts.join(" ; ")) });
            }
            row
        })
        .collect();
    Table { header, rows }
}
