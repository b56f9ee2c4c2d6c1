//! Breakdowns of a measure (*ventilation*): the dimensions a contract declares in
//! `clsm.toml` (`[dimensions.sexe]` with its categories), and the figure each
//! measure gives for each category of the dimensions its indicator is broken down
//! by.
//!
//! ```yaml
//! ventilation:
//!   sexe: { femme: 70, homme: 48, non_renseigne: 2 }
//!   qpv: { oui: 55, non: 65 }
//! ```
//!
//! For a percentage, a category may give its own ratio:
//! `femme: { numerateur: 7, denominateur: 14 }`.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::json;
use serde_yaml::Value;

use crate::diag::Code;
use crate::model::schema::{Schema, SchemaCx};
use crate::model::yaml::{Cx, FromYaml, record};

/// The dimensions a new repository declares (`clsm init`): those a CLS reports by
/// to the ARS. Their categories of age are those of the `public` vocabulary.
pub const USUAL_DIMENSIONS: &str = r#"# Les dimensions selon lesquelles une mesure peut être ventilée : un indicateur
# les nomme dans sa clé `ventilation`, et chacune de ses mesures donne alors le
# nombre de chaque catégorie (voir le README de clsm).
[dimensions.sexe]
titre = "Sexe"
categories = { femme = "Femmes", homme = "Hommes", non_renseigne = "Non renseigné" }

[dimensions.tranche_age]
titre = "Tranche d'âge"
categories = { "0-15" = "0 à 15 ans", "16-25" = "16 à 25 ans", "26-65" = "26 à 65 ans", "plus-65" = "Plus de 65 ans", non_renseigne = "Non renseigné" }

[dimensions.qpv]
titre = "Quartier prioritaire de la politique de la ville"
categories = { oui = "Habitants d'un QPV", non = "Hors QPV", non_renseigne = "Non renseigné" }

[dimensions.public]
titre = "Public"
categories = { professionnels = "Professionnels", elus = "Élus", benevoles = "Bénévoles", aidants = "Aidants", usagers = "Usagers", grand_public = "Grand public" }
"#;

/// Whether the categories' figures, summing to `sum`, make the measure's `total`:
/// the one rule of `check` and of `clsm collecte`.
pub fn adds_up(sum: f64, total: f64) -> bool {
    (sum - total).abs() <= 0.005 + total.abs() * 1e-9
}

/// Whether a rate lies between the lowest and the highest rate of its categories
/// (it is an average of theirs), to half a point.
pub fn framed(rate: f64, low: f64, high: f64) -> bool {
    low - 0.5 <= rate && rate <= high + 0.5
}

record! {
    /// A dimension results are broken down by (`[dimensions.sexe]`).
    pub struct Dimension required [titre, categories] {
        titre: String,
        categories: Categories,
    }
}

/// The categories of a dimension, `id = "Libellé"`, in the order written: the
/// order of every table and chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Categories(pub Vec<(String, String)>);

impl Categories {
    /// The ids of the categories, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(id, _)| id.as_str())
    }

    /// The label of category `id`.
    pub fn label(&self, id: &str) -> Option<&str> {
        self.0.iter().find(|(c, _)| c == id).map(|(_, label)| label.as_str())
    }
}

/// The keys of a mapping, each read as a `T`, in the order written; `what` names
/// the mapping in the help of a value that is not one.
fn ordered<'a, T: FromYaml>(value: &'a Value, cx: &mut Cx<'a>, help: &str) -> Option<Vec<(String, T)>> {
    let Value::Mapping(map) = value else {
        return cx.type_error(value, "un tableau de clés", Some(help.to_string()));
    };
    let mut out = Vec::with_capacity(map.len());
    for (key, val) in map {
        match key {
            Value::String(key) => {
                if let Some(v) = cx.field(key, val) {
                    out.push((key.clone(), v));
                }
            }
            // `{ 1: 4, 2: 6 }`: numbers as names, as clsm.toml's `{ 1 = "…" }` reads
            // them. A problem of its value is then said at the mapping.
            Value::Number(n) if n.is_u64() => {
                if let Some(v) = T::from_yaml(val, cx) {
                    out.push((n.to_string(), v));
                }
            }
            _ => {
                let message = "clé invalide : un nom de catégorie est un mot".to_string();
                let help = "écrivez le nom entre guillemets : `\"16-25\": …`";
                cx.error(Code::TypeInvalide, message, Some(help.into()));
            }
        }
    }
    Some(out)
}

impl FromYaml for Categories {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        let help = "écrivez `categories = { femme = \"Femmes\", homme = \"Hommes\" }`";
        ordered(value, cx, help).map(Categories)
    }
}

impl Schema for Categories {
    fn schema(_: &SchemaCx) -> serde_json::Value {
        json!({ "type": "object", "additionalProperties": { "type": "string" }, "minProperties": 1 })
    }
}

/// The figure of one category in a measure: a number, or for a percentage the
/// category's own ratio.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Part {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valeur: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerateur: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denominateur: Option<f64>,
}

impl Part {
    /// The keys of a category written as a ratio.
    const KEYS: &'static [&'static str] = &["valeur", "numerateur", "denominateur"];
}

impl FromYaml for Part {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        match value {
            Value::Mapping(_) => {
                let mut part = Part::default();
                cx.mapping(value, Part::KEYS, &[], |cx, key, val| {
                    let read = cx.field(key, val);
                    match key {
                        "valeur" => part.valeur = read,
                        "numerateur" => part.numerateur = read,
                        _ => part.denominateur = read,
                    }
                })?;
                Some(part)
            }
            _ => f64::from_yaml(value, cx).map(|v| Part { valeur: Some(v), ..Part::default() }),
        }
    }
}

/// A measure's breakdown: for each dimension, the figure of each category, in the
/// order written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ventilation(pub Vec<(String, Vec<(String, Part)>)>);

impl FromYaml for Ventilation {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        let help = "écrivez une ligne par dimension : `sexe: { femme: 70, homme: 50 }`";
        let dimensions: Vec<(String, Categorized)> = ordered(value, cx, help)?;
        Some(Ventilation(dimensions.into_iter().map(|(d, c)| (d, c.0)).collect()))
    }
}

/// The categories of one dimension in a measure.
struct Categorized(Vec<(String, Part)>);

impl FromYaml for Categorized {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        let help = "écrivez chaque catégorie et son nombre : `{ femme: 70, homme: 50 }`";
        ordered(value, cx, help).map(Categorized)
    }
}

impl Serialize for Ventilation {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Parts<'a>(&'a [(String, Part)]);
        impl Serialize for Parts<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (category, part) in self.0 {
                    map.serialize_entry(category, part)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (dimension, parts) in &self.0 {
            map.serialize_entry(dimension, &Parts(parts))?;
        }
        map.end()
    }
}

impl Schema for Ventilation {
    fn schema(_: &SchemaCx) -> serde_json::Value {
        let ratio = json!({
            "type": "object",
            "properties": {
                "valeur": { "type": "number", "minimum": 0, "description": "Taux de la catégorie (ou numérateur et dénominateur)" },
                "numerateur": { "type": "number", "minimum": 0, "description": "Numérateur de la catégorie" },
                "denominateur": { "type": "number", "exclusiveMinimum": 0, "description": "Dénominateur de la catégorie, jamais nul" }
            },
            "additionalProperties": false
        });
        let part = json!({ "anyOf": [{ "type": "number", "minimum": 0 }, ratio] });
        json!({ "type": "object", "additionalProperties": { "type": "object", "additionalProperties": part } })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: FromYaml>(yaml: &str) -> (Option<T>, Vec<String>) {
        let value: Value = serde_yaml::from_str(yaml).unwrap();
        let mut cx = Cx::new("f.md");
        let out = T::from_yaml(&value, &mut cx);
        (out, cx.diagnostics.iter().map(|d| format!("{} {}", d.code, d.message)).collect())
    }

    #[test]
    fn categories_keep_the_order_written() {
        let (categories, problems) = read::<Categories>("{ homme: Hommes, femme: Femmes, \"16-25\": 16 à 25 ans }");
        assert!(problems.is_empty(), "{problems:?}");
        let categories = categories.unwrap();
        assert_eq!(categories.ids().collect::<Vec<_>>(), ["homme", "femme", "16-25"]);
        assert_eq!(categories.label("16-25"), Some("16 à 25 ans"));
    }

    #[test]
    fn a_breakdown_reads_numbers_and_ratios() {
        let yaml = "sexe: { femme: 70, homme: { numerateur: 4, denominateur: 8 } }\nqpv: { oui: 55 }";
        let (v, problems) = read::<Ventilation>(yaml);
        assert!(problems.is_empty(), "{problems:?}");
        let v = v.unwrap();
        assert_eq!(v.0[0].0, "sexe");
        assert_eq!(v.0[0].1[0], ("femme".into(), Part { valeur: Some(70.0), ..Part::default() }));
        assert_eq!(v.0[0].1[1].1, Part { valeur: None, numerateur: Some(4.0), denominateur: Some(8.0) });
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"sexe":{"femme":{"valeur":70.0},"homme":{"numerateur":4.0,"denominateur":8.0}},"qpv":{"oui":{"valeur":55.0}}}"#
        );
    }

    #[test]
    fn categories_named_by_numbers_are_read_as_their_digits() {
        let (v, problems) = read::<Ventilation>("rang: { 1: 4, 2: 6 }");
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = v.as_ref().unwrap().0[0].1.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(names, ["1", "2"]);
        let (_, problems) = read::<Ventilation>("rang: { true: 4 }");
        assert_eq!(problems, ["type-invalide clé invalide : un nom de catégorie est un mot"]);
    }

    #[test]
    fn a_breakdown_written_as_a_list_or_with_words_is_refused_with_the_form() {
        let (_, problems) = read::<Ventilation>("[femme, homme]");
        assert_eq!(problems, ["type-invalide type invalide : il faut un tableau de clés, pas une liste"]);
        let (_, problems) = read::<Ventilation>("sexe: { femme: beaucoup }");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("type-invalide"), "{problems:?}");
        let (_, problems) = read::<Ventilation>("sexe: { femme: { valeurs: 3 } }");
        assert_eq!(problems, ["cle-inconnue clé inconnue `valeurs`"]);
    }
}
