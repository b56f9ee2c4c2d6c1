//! The rules of an indicator's targets and measures as funders count them: a
//! target per period (`cibles`), running totals (`cumul`), and breakdowns by the
//! dimensions of `clsm.toml` (`ventilation`).

use crate::check::Context;
use crate::check::rules::{agrees, at, number};
use crate::diag::{At, Code, Diagnostic, YamlPath};
use crate::load::CONFIG_FILE;
use crate::model::bounds::PERCENT;
use crate::model::ventilation::{Dimension, Part};
use crate::model::yaml::quoted_list;
use crate::model::{Indicateur, Mesure, Unite, is_id, slugify};
use crate::suggest;

/// A diagnostic pointing at a key rather than at its value.
fn at_key(code: Code, file: &str, path: YamlPath, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, file, At::Path { path, key: true }, message)
}

/// `[dimensions.NOM]`: a name and categories that are ids, and at least one category.
pub fn dimensions(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (name, dimension) in cx.repo.config.dimensions.iter().flatten() {
        let path = YamlPath::key("dimensions").with_key(name);
        if !is_id(name) {
            let message = format!("nom de dimension invalide `{name}` : minuscules, sans espace ni accent");
            out.push(at_key(Code::IdInvalide, CONFIG_FILE, path.clone(), message).help(format!(
                "écrivez `[dimensions.{}]`, et ce nom dans la `ventilation` des indicateurs",
                slugify(name)
            )));
        }
        let Some(categories) = &dimension.categories else { continue };
        if categories.0.is_empty() {
            let message = format!("la dimension `{name}` n'a aucune catégorie");
            let help = "écrivez ses catégories et leur libellé : `categories = { oui = \"Oui\", non = \"Non\" }`";
            out.push(at(Code::CleManquante, CONFIG_FILE, path.with_key("categories"), message).help(help));
        }
        for (id, _) in &categories.0 {
            if !is_id(id) {
                let message = format!("catégorie invalide `{id}` : minuscules, chiffres et `-`, sans espace ni accent");
                let path = path.with_key("categories").with_key(id);
                let help =
                    format!("écrivez `{} = \"…\"` : le libellé garde les majuscules et les accents", slugify(id));
                out.push(at_key(Code::IdInvalide, CONFIG_FILE, path, message).help(help));
            }
        }
    }
}

/// `cible` or `cibles`, not both; the deadline of each period after the one
/// before, and within the contract's period.
pub fn targets(cx: &Context, out: &mut Vec<Diagnostic>) {
    let contract = cx.repo.config.periode.as_ref().and_then(|p| p.periode());
    for r in &cx.repo.indicateurs {
        let (ind, f) = (&r.data, r.file.as_str());
        if ind.cible.is_some() && ind.cibles.is_some() {
            let message = "`cible` et `cibles` à la fois : la cible serait écrite deux fois";
            let help = "gardez `cibles`, une cible par période, et retirez `cible` (ou l'inverse)";
            out.push(at_key(Code::CleDupliquee, f, YamlPath::key("cibles"), message).help(help));
        }
        let mut previous: Option<crate::model::PartialDate> = None;
        for (k, cible) in ind.cibles.iter().flatten().enumerate() {
            let path = YamlPath::key("cibles").with_index(k);
            let Some(echeance) = cible.echeance else {
                if !cx.failed(f, &path) {
                    let help = "chaque période a son échéance : `- { echeance: 2026, valeur: … }`";
                    out.push(at(Code::CleManquante, f, path, "cible sans échéance").help(help));
                }
                continue;
            };
            let path = path.with_key("echeance");
            if let Some(before) = previous
                && echeance.last_day() <= before.last_day()
            {
                let (message, help) = if echeance.last_day() == before.last_day() {
                    (
                        format!("deux cibles pour l'échéance {echeance}"),
                        "gardez une cible par période : retirez l'une des deux, ou corrigez son échéance".to_string(),
                    )
                } else {
                    (
                        format!(
                            "échéance {echeance} écrite après l'échéance {before} : les cibles ne sont pas dans l'ordre"
                        ),
                        "rangez les cibles de la plus proche à la plus lointaine échéance".to_string(),
                    )
                };
                out.push(at(Code::CiblesDesordre, f, path.clone(), message).help(help));
            }
            if let Some(period) = contract
                && (echeance.last_day() < period.debut.first_day() || echeance.first_day() > period.fin.last_day())
            {
                let message =
                    format!("échéance {echeance} hors de la période du contrat ({} – {})", period.debut, period.fin);
                let help = format!(
                    "une cible par période du contrat : une échéance entre {} et {}, ou corrigez la période de clsm.toml",
                    period.debut, period.fin
                );
                out.push(at(Code::CibleHorsPeriode, f, path, message).help(help));
            }
            previous = Some(echeance);
        }
    }
}

/// `cumul`: never on a percentage (a rate does not add up), and a running total
/// (`cumul: true`) that never goes down.
pub fn running_totals(cx: &Context, out: &mut Vec<Diagnostic>) {
    for r in &cx.repo.indicateurs {
        let (ind, f) = (&r.data, r.file.as_str());
        match ind.cumul {
            Some(_) if ind.unite == Some(Unite::Pourcentage) => {
                let message = "`cumul` ne s'applique pas à un pourcentage : un taux ne s'additionne pas";
                let help = "retirez `cumul` : chaque mesure d'un pourcentage est le taux à sa date";
                out.push(at(Code::TypeInvalide, f, YamlPath::key("cumul"), message).help(help));
            }
            Some(true) => {
                decreasing(ind, f, out);
                decreasing_targets(ind, f, out);
            }
            _ => {}
        }
    }
}

/// Reports each measure of a running total lower than the one before it in time.
fn decreasing(ind: &Indicateur, file: &str, out: &mut Vec<Diagnostic>) {
    let mut measures: Vec<(usize, &Mesure, f64)> = ind
        .mesures
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, m)| Some((i, m, ind.valeur(m)?)))
        .filter(|(_, m, _)| m.date.is_some())
        .collect();
    // A running total of a year is the figure at its end: dates by their last day.
    measures.sort_by_key(|(_, m, _)| m.date.map(|d| d.last_day()));
    for pair in measures.windows(2) {
        let [(_, before, was), (i, now, is)] = pair else { continue };
        if *is < was - 1e-9 {
            let (when, then) = (now.date.map(|d| d.to_string()), before.date.map(|d| d.to_string()));
            let message = format!(
                "total cumulé en baisse : {} en {} après {} en {}",
                number(*is),
                when.unwrap_or_default(),
                number(*was),
                then.unwrap_or_default()
            );
            let help = "avec `cumul: true`, chaque mesure est le total depuis le début et ne peut que croître ; \
                        si chaque mesure compte sa seule période, écrivez `cumul: false`";
            let path = YamlPath::key("mesures").with_index(*i);
            let path = if now.valeur.is_some() { path.with_key("valeur") } else { path };
            out.push(at(Code::CumulDecroissant, file, path, message).help(help));
        }
    }
}

/// Reports each target of a running total (`cibles` with `cumul: true`) lower than
/// the one before: a total since the start cannot be asked to go down.
fn decreasing_targets(ind: &Indicateur, file: &str, out: &mut Vec<Diagnostic>) {
    let targets: Vec<(usize, f64)> =
        ind.cibles.iter().flatten().enumerate().filter_map(|(k, c)| Some((k, c.valeur?))).collect();
    for pair in targets.windows(2) {
        let [(_, was), (k, is)] = pair else { continue };
        if is < was {
            let message = format!("cible cumulée en baisse : {} après {}", number(*is), number(*was));
            let help = "avec `cumul: true`, chaque cible est un total depuis le début : elle ne peut pas être plus \
                        petite que la précédente ; si chaque cible vaut pour sa seule période, écrivez `cumul: false`";
            let path = YamlPath::key("cibles").with_index(*k).with_key("valeur");
            out.push(at(Code::CumulDecroissant, file, path, message).help(help));
        }
    }
}

/// Breakdowns: dimensions declared in `clsm.toml` and by the indicator, categories
/// of their dimension, figures within bounds and adding up to the measure.
pub fn breakdowns(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.repo.config_unreadable {
        return;
    }
    let declared = cx.repo.config.dimensions.as_ref();
    let names: Vec<&str> = declared.iter().flat_map(|d| d.keys()).map(String::as_str).collect();
    let unknown = |name: &str| {
        let message = format!("dimension inconnue `{name}`");
        let help = suggest::nearest(name, names.iter().copied())
            .map(|near| format!("vouliez-vous dire `{near}` ?"))
            .unwrap_or_else(|| {
                format!("déclarez-la dans clsm.toml : `[dimensions.{name}]`, avec son `titre` et ses `categories`")
            });
        (message, help)
    };
    for r in &cx.repo.indicateurs {
        let (ind, f) = (&r.data, r.file.as_str());
        let own = ind.ventilation.iter().flatten();
        for (k, name) in own.clone().enumerate().filter(|(_, n)| !names.contains(&n.as_str())) {
            let (message, help) = unknown(name);
            out.push(at(Code::DimensionInconnue, f, YamlPath::key("ventilation").with_index(k), message).help(help));
        }
        for (i, m) in ind.mesures.iter().flatten().enumerate() {
            for (name, parts) in m.ventilation.iter().flat_map(|v| &v.0) {
                let path = YamlPath::key("mesures").with_index(i).with_key("ventilation").with_key(name);
                let Some(dimension) = declared.and_then(|d| d.get(name)) else {
                    let (message, help) = unknown(name);
                    out.push(at_key(Code::DimensionInconnue, f, path, message).help(help));
                    continue;
                };
                if !own.clone().any(|d| d == name) {
                    let message = format!("mesure ventilée par `{name}`, que l'indicateur ne déclare pas");
                    let mut listed: Vec<&str> = own.clone().map(String::as_str).collect();
                    listed.push(name);
                    let help = format!("ajoutez-la à l'indicateur : `ventilation: [{}]`", listed.join(", "));
                    out.push(at_key(Code::VentilationNonDeclaree, f, path.clone(), message).help(help));
                }
                let breakdown = Breakdown { cx, ind, file: f, path, name, dimension, parts };
                breakdown.check(m, out);
            }
        }
    }
}

/// Categories that are their own rates (a percentage): the measure's rate is an
/// average of theirs, so it lies between the lowest and the highest when every
/// category is given; and when each gives its ratio, the pooled ratio is the
/// measure's.
impl Breakdown<'_> {
    fn rate_within(&self, measure: &Mesure, values: &[(&str, f64)], missing: &[&str], out: &mut Vec<Diagnostic>) {
        let Some(rate) = self.ind.valeur(measure) else { return };
        let ratios: Option<Vec<(f64, f64)>> =
            self.parts.iter().map(|(_, p)| Some((p.numerateur?, p.denominateur?))).collect();
        if let Some(ratios) = ratios.filter(|r| !r.is_empty()) {
            let (n, d) = ratios.iter().fold((0.0, 0.0), |(a, b), (n, d)| (a + n, b + d));
            if measure.numerateur.is_none() && d > 0.0 && !agrees(rate, self.ind.ratio(n, d), true) {
                let pooled = self.ind.ratio(n, d);
                let message = format!(
                    "la ventilation par `{}` donne {} / {} = {} %, pas {} % comme la mesure",
                    self.name,
                    number(n),
                    number(d),
                    number(pooled),
                    number(rate)
                );
                let help = format!(
                    "corrigez une catégorie, ou donnez à la mesure son numérateur et son dénominateur ({} et {})",
                    number(n),
                    number(d)
                );
                out.push(at_key(Code::VentilationIncoherente, self.file, self.path.clone(), message).help(help));
                return;
            }
        }
        let (low, high) = values.iter().fold((f64::MAX, f64::MIN), |(l, h), (_, v)| (l.min(*v), h.max(*v)));
        if missing.is_empty() && !values.is_empty() && !crate::model::ventilation::framed(rate, low, high) {
            let message = format!(
                "le taux {} % de la mesure n'est pas entre ceux de ses catégories par `{}` ({} % à {} %)",
                number(rate),
                self.name,
                number(low),
                number(high)
            );
            let help =
                "le taux d'ensemble est une moyenne de ceux des catégories : corrigez la mesure ou une catégorie";
            out.push(at_key(Code::VentilationIncoherente, self.file, self.path.clone(), message).help(help));
        }
    }
}

/// One dimension of one measure, being checked.
struct Breakdown<'a> {
    cx: &'a Context<'a>,
    ind: &'a Indicateur,
    file: &'a str,
    path: YamlPath,
    name: &'a str,
    dimension: &'a Dimension,
    parts: &'a [(String, Part)],
}

impl Breakdown<'_> {
    fn percent(&self) -> bool {
        self.ind.unite == Some(Unite::Pourcentage)
    }

    /// The categories, their figures, and their sum against the measure.
    fn check(&self, measure: &Mesure, out: &mut Vec<Diagnostic>) {
        let known: Vec<&str> = self.dimension.categories.iter().flat_map(|c| c.ids()).collect();
        let mut values = Vec::new();
        let mut whole = true;
        for (category, part) in self.parts {
            let path = self.path.with_key(category);
            if !known.contains(&category.as_str()) {
                let message = format!("catégorie inconnue `{category}` de la dimension `{}`", self.name);
                let help = match suggest::nearest(category, known.iter().copied()) {
                    Some(near) => format!("vouliez-vous dire `{near}` ?"),
                    None if known.is_empty() => {
                        format!("déclarez les catégories de `{}` dans clsm.toml : `categories = {{ … }}`", self.name)
                    }
                    None => format!("catégories de `{}` : {}", self.name, quoted_list(&known)),
                };
                out.push(at_key(Code::CategorieInconnue, self.file, path.clone(), message).help(help));
                whole = false;
            }
            match self.value(category, part, &path, out) {
                Some(v) => values.push((category.as_str(), v)),
                None => whole = false,
            }
        }
        if whole && !self.cx.failed(self.file, &self.path) {
            self.adds_up(measure, &values, &known, out);
        }
    }

    /// A category's figure, stated or computed from its ratio, reported when it is
    /// out of bounds or disagrees with its ratio; `None` when there is none to add.
    fn value(&self, category: &str, part: &Part, path: &YamlPath, out: &mut Vec<Diagnostic>) -> Option<f64> {
        let file = self.file;
        let value = match (part.valeur, part.numerateur, part.denominateur) {
            (_, Some(_), Some(0.0)) => {
                let d = at(Code::RatioIncoherent, file, path.with_key("denominateur"), "dénominateur nul");
                out.push(d.help("le dénominateur compte la population de la catégorie : il ne peut pas valoir 0"));
                return None;
            }
            (stated, Some(n), Some(d)) => {
                let computed = self.ind.ratio(n, d);
                if let Some(v) = stated.filter(|v| !agrees(*v, computed, self.percent())) {
                    let message = format!(
                        "la valeur {} de `{category}` ne correspond pas à {} / {} = {}",
                        number(v),
                        number(n),
                        number(d),
                        number(computed)
                    );
                    let help =
                        format!("écrivez `valeur: {}` ou corrigez le numérateur ou le dénominateur", number(computed));
                    out.push(at(Code::RatioIncoherent, file, path.with_key("valeur"), message).help(help));
                    return None;
                }
                stated.unwrap_or(computed)
            }
            (Some(v), None, None) => v,
            (_, n, _) => {
                if self.cx.failed(file, path) {
                    return None;
                }
                let missing = if n.is_none() { "numerateur" } else { "denominateur" };
                let message = format!("catégorie `{category}` incomplète : `{missing}` manque");
                let help = "donnez le numérateur et le dénominateur de la catégorie, ou seulement son nombre";
                out.push(at(Code::CleManquante, file, path.clone(), message).help(help));
                return None;
            }
        };
        if value < 0.0 || (self.percent() && !PERCENT.contains(&value)) {
            let (message, help) = if self.percent() {
                (
                    format!("pourcentage hors bornes pour `{category}` : {} (attendu entre 0 et 100)", number(value)),
                    "un pourcentage s'écrit sans `%`, entre 0 et 100 : `42.5`",
                )
            } else {
                (
                    format!("nombre négatif pour `{category}` : {}", number(value)),
                    "une catégorie compte des personnes ou des actes : un nombre positif ou nul",
                )
            };
            out.push(at(Code::HorsBornes, file, path.clone(), message).help(help));
            return None;
        }
        Some(value)
    }

    /// The categories add up to the measure: their numbers to its value, or, for a
    /// percentage given as ratios, their numerators and denominators to its own.
    fn adds_up(&self, measure: &Mesure, values: &[(&str, f64)], known: &[&str], out: &mut Vec<Diagnostic>) {
        let missing: Vec<&str> = known.iter().copied().filter(|c| !values.iter().any(|(v, _)| v == c)).collect();
        let completion = if missing.is_empty() {
            String::new()
        } else {
            format!("ajoutez les catégories manquantes ({}), ou ", quoted_list(&missing))
        };
        if self.percent() {
            self.rate_within(measure, values, &missing, out);
            let ratios: Option<Vec<(f64, f64)>> =
                self.parts.iter().map(|(_, p)| Some((p.numerateur?, p.denominateur?))).collect();
            let (Some(ratios), Some(n), Some(d)) = (ratios, measure.numerateur, measure.denominateur) else {
                return;
            };
            let (sn, sd): (f64, f64) = ratios.iter().fold((0.0, 0.0), |(a, b), (n, d)| (a + n, b + d));
            for (what, sum, total) in [("numérateurs", sn, n), ("dénominateurs", sd, d)] {
                if (sum - total).abs() > 1e-6 {
                    let message = format!(
                        "la ventilation par `{}` ne fait pas la mesure : ses {what} font {}, pas {}",
                        self.name,
                        number(sum),
                        number(total)
                    );
                    let help = format!(
                        "{completion}corrigez une catégorie : la somme de leurs {what} doit faire {}",
                        number(total)
                    );
                    out.push(at_key(Code::VentilationIncoherente, self.file, self.path.clone(), message).help(help));
                }
            }
            return;
        }
        let Some(total) = self.ind.valeur(measure) else { return };
        let sum: f64 = values.iter().map(|(_, v)| v).sum();
        if !crate::model::ventilation::adds_up(sum, total) {
            let message = format!(
                "la ventilation par `{}` fait {}, pas {} comme la mesure",
                self.name,
                number(sum),
                number(total)
            );
            let help = if sum > total {
                format!("corrigez une catégorie : leur somme dépasse la mesure ; elle doit faire {}", number(total))
            } else {
                format!("{completion}corrigez une catégorie : leur somme doit faire {}", number(total))
            };
            out.push(at_key(Code::VentilationIncoherente, self.file, self.path.clone(), message).help(help));
        }
    }
}
