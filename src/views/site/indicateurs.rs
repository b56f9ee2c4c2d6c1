//! The indicators page: every indicator with all its measures.

use serde::Serialize;

use crate::model::PartialDate;
use crate::model::checked::{Indicateur, Mesure};
use crate::model::vocab;
use crate::views::indicators::{self, Point};
use crate::views::{Lien, Mot, Names, Text};

/// An indicator with all its measures.
#[derive(Debug, Serialize)]
pub struct IndicateurView {
    pub id: Text,
    pub libelle: Text,
    pub r#type: Mot,
    /// The unit's word (`pourcentage`…), for the `valeur` filter.
    pub unite: Option<String>,
    pub unite_libelle: Option<String>,
    pub sens: Mot,
    pub valeur_initiale: Option<Point>,
    pub valeur_initiale_sans_date: Option<f64>,
    pub cible: Option<f64>,
    pub echeance: Option<PartialDate>,
    pub numerateur: Option<String>,
    pub denominateur: Option<String>,
    pub sources: Vec<Text>,
    pub frequence: Option<String>,
    pub mesures: Vec<Mesure>,
    pub derniere: Option<Point>,
    /// Percent of the way to the target (see [`indicators::attainment`]).
    pub atteinte: Option<f64>,
    /// The latest value is at or past the target.
    pub cible_atteinte: bool,
    /// The actions that cite it, in official order.
    pub actions: Vec<Lien>,
}

fn indicator_view(names: &Names, i: &Indicateur) -> IndicateurView {
    let derniere = indicators::latest(i, chrono::NaiveDate::MAX);
    let lexicon = &names.lexicon;
    IndicateurView {
        id: i.id.clone(),
        libelle: i.libelle.clone(),
        r#type: lexicon.word(&vocab::TYPE_INDICATEUR, i.r#type.mot()),
        unite: i.unite.as_ref().map(|u| u.mot().to_string()),
        unite_libelle: names.word(&vocab::UNITE, &i.unite).map(|m| m.libelle.to_string()),
        sens: lexicon.word(&vocab::SENS, i.sens.mot()),
        valeur_initiale: indicators::baseline(i),
        valeur_initiale_sans_date: i.valeur_initiale.filter(|v| v.date.is_none()).map(|v| v.valeur),
        cible: i.cible.map(|c| c.valeur),
        echeance: i.cible.and_then(|c| c.echeance),
        numerateur: i.numerateur.clone(),
        denominateur: i.denominateur.clone(),
        sources: i.sources.clone(),
        frequence: i.frequence.clone(),
        mesures: i.mesures.clone(),
        derniere,
        atteinte: indicators::attainment(i, derniere),
        cible_atteinte: indicators::target_reached(i, derniere),
        actions: i.actions.iter().map(|a| names.action(*a)).collect(),
    }
}

/// Every indicator, by id.
pub(super) fn indicator_views(names: &Names) -> Vec<IndicateurView> {
    names.repo.indicateurs.iter().map(|i| indicator_view(names, i)).collect()
}
