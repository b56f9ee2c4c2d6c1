//! The rows of each export, read from the same views as the pages: what a CSV says
//! is what the site shows.

use crate::export::{Cell, Table};
use crate::model::checked::Cumul;
use crate::model::{Montant, PartialDate};
use crate::views::site::{ActionView, MesureView, PartenaireView, Site};
use crate::views::{Case, Lien, Mot};

fn joined<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Cell {
    let list: Vec<String> = items.into_iter().map(|s| s.as_ref().to_string()).collect();
    if list.is_empty() { Cell::Empty } else { Cell::List(list) }
}

fn ids(links: &[Lien]) -> Cell {
    joined(links.iter().map(|l| &*l.id))
}

fn words<'a>(words: impl IntoIterator<Item = &'a Mot>) -> Cell {
    let list: Vec<(String, String)> = words.into_iter().map(|m| (m.mot.to_string(), m.libelle.to_string())).collect();
    if list.is_empty() { Cell::Empty } else { Cell::Words(list) }
}

fn word(word: Option<&Mot>) -> Cell {
    word.map_or(Cell::Empty, |m| Cell::Word { code: m.mot.to_string(), label: m.libelle.to_string() })
}

fn verbatim(v: Option<&str>) -> Cell {
    v.map_or(Cell::Empty, |s| Cell::Verbatim(s.to_string()))
}

fn ticked(cases: &[Case]) -> impl Iterator<Item = Mot> + '_ {
    cases.iter().filter(|c| c.coche).map(|c| Mot { mot: c.mot.clone(), libelle: c.libelle.clone() })
}

fn text(v: &Option<String>) -> Cell {
    v.clone().into()
}

fn date(d: Option<PartialDate>) -> Cell {
    d.map(|d| d.to_string()).into()
}

fn money(m: Montant) -> Cell {
    if m.cents == 0 { Cell::Empty } else { Cell::Number(m.euros()) }
}

/// The header of `clsm export indicateurs`: DESIGN's, with each measure's
/// breakdown (`dimension`, `categorie`) and the target of its period.
pub const INDICATOR_HEADER: [&str; 17] = [
    "indicateur",
    "libelle",
    "type",
    "unite",
    "cumul",
    "actions",
    "date",
    "dimension",
    "categorie",
    "valeur",
    "numerateur",
    "denominateur",
    "cible",
    "echeance",
    "cible_periode",
    "echeance_periode",
    "commentaire",
];

/// One row per measure (long format), then, for a measure broken down, one row
/// per category of each dimension, `dimension` and `categorie` named (they are
/// empty on the measure's own row, its total). An indicator without measure has
/// one row with empty measure cells, so that every indicator is listed.
pub fn indicators(site: &Site) -> Table {
    let mut rows = Vec::new();
    for i in &site.indicateurs {
        let row = |m: Option<&MesureView>, dimension: Cell, categorie: Cell, figures: [Cell; 3], commentaire: Cell| {
            let [valeur, numerateur, denominateur] = figures;
            vec![
                (&*i.id).into(),
                (&*i.libelle).into(),
                (&*i.r#type.mot).into(),
                text(&i.unite),
                match i.cumul {
                    Cumul::Etat => Cell::Empty,
                    Cumul::Total => Cell::Bool(true),
                    Cumul::Periode => Cell::Bool(false),
                },
                ids(&i.actions),
                date(m.map(|m| m.date)),
                dimension,
                categorie,
                valeur,
                numerateur,
                denominateur,
                i.cible.into(),
                self::date(i.echeance),
                m.and_then(|m| m.cible_periode).into(),
                date(m.and_then(|m| m.echeance_periode)),
                commentaire,
            ]
        };
        if i.mesures.is_empty() {
            rows.push(row(None, Cell::Empty, Cell::Empty, [Cell::Empty, Cell::Empty, Cell::Empty], Cell::Empty));
        }
        for m in &i.mesures {
            let figures = [m.valeur.into(), m.numerateur.into(), m.denominateur.into()];
            rows.push(row(Some(m), Cell::Empty, Cell::Empty, figures, text(&m.commentaire)));
            for r in &m.ventilation {
                for p in &r.parts {
                    let figures = [p.valeur.into(), p.numerateur.into(), p.denominateur.into()];
                    let categorie = Cell::Verbatim(p.categorie.to_string());
                    rows.push(row(Some(m), (&*r.dimension).into(), categorie, figures, Cell::Empty));
                }
            }
        }
    }
    Table { header: INDICATOR_HEADER.to_vec(), rows }
}

fn action_row(a: &ActionView) -> Vec<Cell> {
    vec![
        (&*a.id).into(),
        verbatim(a.numero.as_deref()),
        (&*a.titre).into(),
        (&*a.axe.id).into(),
        a.appartenance.iter().find(|c| !c.propre).and_then(|c| c.axe.as_ref()).map(|l| &*l.id).into(),
        word(a.statut.as_ref()),
        (&*a.porteur.id).into(),
        text(&a.pilote),
        ids(&a.partenaires),
        ids(&a.thematiques),
        text(&a.objectif_strategique),
        text(&a.objectif_specifique),
        text(&a.prerequis),
        {
            let public: Vec<Mot> = ticked(&a.public.cases).chain(a.public.autres.iter().cloned()).collect();
            words(&public)
        },
        text(&a.public.precision),
        text(&a.dispositifs_existants),
        text(&a.resultats_attendus),
        ids(&a.indicateurs),
        joined(a.sources.iter().map(|s| &**s)),
        text(&a.moyens_mobilisables),
        text(&a.moyens_a_rechercher),
        date(a.calendrier.map(|c| c.debut)),
        date(a.calendrier.map(|c| c.fin)),
        a.budget_total.map_or(Cell::Empty, money),
        money(a.acquis),
        money(a.pressenti),
    ]
}

/// One row per action, in official order, with the columns of the cadre logique.
pub fn actions(site: &Site) -> Table {
    let header = vec![
        "action",
        "numero",
        "titre",
        "axe",
        "axe_parent",
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
    Table { header, rows: site.actions().map(|a| action_row(&a)).collect() }
}

fn partner_row(p: &PartenaireView, interne: bool) -> Vec<Cell> {
    let mut row = vec![
        (&*p.id).into(),
        p.nom.as_str().into(),
        text(&p.sigle),
        word(p.r#type.as_ref()),
        words(&p.secteurs),
        text(&p.adresse),
        text(&p.commune),
        p.coordonnees.map(|c| c.0).into(),
        p.coordonnees.map(|c| c.1).into(),
        text(&p.site),
        verbatim(p.telephone.as_deref()),
        text(&p.email),
        p.fondateur.map_or(Cell::Empty, Cell::Bool),
        words(&p.instances),
        ids(&p.porte),
        ids(&p.participe),
    ];
    if interne {
        let contacts: Vec<String> = p
            .contacts
            .iter()
            .map(|c| {
                let details: Vec<&str> =
                    [&c.fonction, &c.email, &c.telephone].into_iter().filter_map(|x| x.as_deref()).collect();
                if details.is_empty() { c.nom.clone() } else { format!("{} ({})", c.nom, details.join(", ")) }
            })
            .collect();
        row.push(if contacts.is_empty() { Cell::Empty } else { Cell::Text(contacts.join(" ; ")) });
    }
    row
}

/// One row per partner, by id; the personal `contacts` only when the views are
/// internal.
pub fn partners(site: &Site) -> Table {
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
    if site.interne {
        header.push("contacts");
    }
    let mut partners: Vec<&PartenaireView> = site.annuaire.iter().flat_map(|g| &g.partenaires).collect();
    partners.sort_by(|a, b| a.id.cmp(&b.id));
    Table { header, rows: partners.into_iter().map(|p| partner_row(p, site.interne)).collect() }
}

/// One row per event of the calendar, by date.
pub fn events(site: &Site) -> Table {
    let header = vec![
        "evenement",
        "date",
        "fin",
        "type",
        "titre",
        "theme",
        "participants",
        "nombre_partenaires",
        "nombre_evenements",
        "actions",
        "partenaires",
    ];
    let count = |n: Option<u64>| n.map(|n| Cell::Number(n as f64)).unwrap_or(Cell::Empty);
    let rows = site
        .evenements()
        .into_iter()
        .map(|e| {
            vec![
                (&*e.id).into(),
                date(Some(e.date)),
                date(e.fin),
                word(e.r#type.as_ref()),
                e.titre.as_str().into(),
                text(&e.theme),
                count(e.participants),
                count(e.nombre_partenaires),
                count(e.nombre_evenements),
                ids(&e.actions),
                ids(&e.partenaires),
            ]
        })
        .collect();
    Table { header, rows }
}
