//! The indicators page: every indicator with all its measures.

use serde::Serialize;

use crate::model::PartialDate;
use crate::model::checked::{Cumul, Indicateur, Mesure, Repartition};
use crate::model::vocab;
use crate::views::indicators::{self, PeriodeCible, Point, VentilationVue};
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
    pub mesures: Vec<MesureView>,
    pub derniere: Option<Point>,
    /// Percent of the way to the target (see [`indicators::attainment`]).
    pub atteinte: Option<f64>,
    /// The latest value is at or past the target.
    pub cible_atteinte: bool,
    /// How its measures add up.
    pub cumul: Cumul,
    /// When each measure counts its period: the sum of them all.
    pub total: Option<Point>,
    /// The target of each period and where the indicator stands in it, when it has
    /// more than one.
    pub periodes: Vec<PeriodeCible>,
    /// The dimensions its measures are broken down by: their titles.
    pub dimensions: Vec<Text>,
    /// The breakdowns of its latest measure that has some.
    pub ventilation: Vec<VentilationVue>,
    /// The actions that cite it, in official order.
    pub actions: Vec<Lien>,
}

/// A measure, with the target of the period it falls in: the fields of
/// [`Mesure`], then those two. Written out rather than `#[serde(flatten)]`, which
/// made each measure a map built key by key for the templates.
#[derive(Debug, Serialize)]
pub struct MesureView {
    pub date: PartialDate,
    pub valeur: f64,
    pub numerateur: Option<f64>,
    pub denominateur: Option<f64>,
    pub ventilation: Vec<Repartition>,
    pub commentaire: Option<String>,
    pub source: Option<String>,
    /// The target of its period, and that period's deadline.
    pub cible_periode: Option<f64>,
    pub echeance_periode: Option<PartialDate>,
}

fn measure_view(i: &Indicateur, start: Option<PartialDate>, m: &Mesure) -> MesureView {
    let period = indicators::period_of(i, start, m.date).map(|k| i.cibles[k]);
    let Mesure { date, valeur, numerateur, denominateur, ventilation, commentaire, source } = m.clone();
    MesureView {
        date,
        valeur,
        numerateur,
        denominateur,
        ventilation,
        commentaire,
        source,
        cible_periode: period.map(|c| c.valeur),
        echeance_periode: period.and_then(|c| c.echeance),
    }
}

fn indicator_view(names: &Names, i: &Indicateur) -> IndicateurView {
    let always = chrono::NaiveDate::MAX;
    let derniere = indicators::latest(i, always);
    let lexicon = &names.lexicon;
    let repo = names.repo;
    let start = repo.periode.map(|p| p.debut);
    let standing = indicators::standing(i, start, always);
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
        mesures: i.mesures.iter().map(|m| measure_view(i, start, m)).collect(),
        derniere,
        atteinte: standing.atteinte,
        cible_atteinte: standing.cible_atteinte,
        cumul: i.cumul,
        total: standing.total.filter(|_| i.cumul == Cumul::Periode),
        periodes: if i.cibles.len() > 1 { indicators::periods(i, start, always) } else { Vec::new() },
        dimensions: i.ventilation.iter().filter_map(|d| repo.dimension(d)).map(|d| d.titre.clone()).collect(),
        ventilation: indicators::latest_breakdowns(repo, i, always, None),
        actions: i.actions.iter().map(|a| names.action(*a)).collect(),
    }
}

/// Every indicator, by id.
pub(super) fn indicator_views(names: &Names) -> Vec<IndicateurView> {
    names.repo.indicateurs.iter().map(|i| indicator_view(names, i)).collect()
}
