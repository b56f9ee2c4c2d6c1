//! Reading typed records out of a parsed YAML front matter.
//!
//! serde_yaml parses the text into a [`Value`]; this module turns that value into the
//! typed records of [`crate::model`]. A derived `Deserialize` would stop at the first
//! problem and speak English; a coordinator needs every problem of a file at once, in
//! French, with the nearest known key suggested. So each record type lists its keys
//! once (the [`record!`] macro), unknown keys are refused like serde's
//! `deny_unknown_fields`, and every bad value becomes a [`Diagnostic`] pointing at its
//! path while the rest of the file is still read.

use serde_yaml::Value;

use crate::diag::{At, Code, Diagnostic, Seg, YamlPath};
use crate::model::date::PartialDate;
use crate::model::money::{Montant, number_in_text};
use crate::suggest;

/// One step down a document, borrowed from the value being read: paths are only
/// turned into owned [`YamlPath`]s when there is a problem to report.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Collects the problems found while reading one file.
pub struct Cx<'a> {
    file: &'a str,
    steps: Vec<Step<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Cx<'a> {
    /// A context for the file at `file` (relative to the repository root).
    pub fn new(file: &'a str) -> Self {
        Cx { file, steps: Vec::new(), diagnostics: Vec::new() }
    }

    fn path(&self) -> YamlPath {
        YamlPath(
            self.steps
                .iter()
                .map(|s| match s {
                    Step::Key(k) => Seg::Key(k.to_string()),
                    Step::Index(i) => Seg::Index(*i),
                })
                .collect(),
        )
    }

    /// Records a problem about the value at the current path.
    pub fn error(&mut self, code: Code, message: String, help: Option<String>) {
        let at = At::Path { path: self.path(), key: false };
        self.diagnostics.push(Diagnostic::new(code, self.file, at, message).maybe_help(help));
    }

    fn key_error(&mut self, key: &str, code: Code, message: String, help: Option<String>) {
        let at = At::Path { path: self.path().with_key(key), key: true };
        self.diagnostics.push(Diagnostic::new(code, self.file, at, message).maybe_help(help));
    }

    /// Reads `value` as a `T` one level down the path, at `key`.
    pub fn field<T: FromYaml>(&mut self, key: &'a str, value: &'a Value) -> Option<T> {
        self.within(Step::Key(key), |cx| T::from_yaml(value, cx))
    }

    fn item<T: FromYaml>(&mut self, index: usize, value: &'a Value) -> Option<T> {
        self.within(Step::Index(index), |cx| T::from_yaml(value, cx))
    }

    /// Runs `f` one step further down the document.
    fn within<R>(&mut self, step: Step<'a>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.steps.push(step);
        let out = f(self);
        self.steps.pop();
        out
    }

    /// Records a value of the wrong type; always `None`, for `return`.
    fn type_error<T>(&mut self, value: &Value, expected: &str, help: Option<String>) -> Option<T> {
        let message = format!("type invalide : il faut {expected}, pas {}", describe(value));
        self.error(Code::TypeInvalide, message, help);
        None
    }

    /// Reads a mapping of known keys, calling `read` for each key that is in `keys`.
    pub fn mapping(
        &mut self,
        value: &'a Value,
        keys: &'static [&'static str],
        required: &'static [&'static str],
        mut read: impl FnMut(&mut Self, &'a str, &'a Value),
    ) -> Option<()> {
        let map = match value {
            Value::Mapping(map) => map,
            other => {
                let example = required.first().unwrap_or(&"cle");
                let help = Some(format!("écrivez des lignes `clé: valeur`, par exemple `{example}: …`"));
                return self.type_error(other, "un tableau de clés", help);
            }
        };
        for (key, val) in map {
            let Some(key) = key.as_str() else {
                self.error(Code::TypeInvalide, format!("clé {} invalide", describe(key)), None);
                continue;
            };
            if !keys.contains(&key) {
                let help = suggest::nearest(key, keys.iter().copied())
                    .map(|s| format!("vouliez-vous dire `{s}` ?"))
                    .unwrap_or_else(|| format!("clés possibles : {}", quoted_list(keys)));
                self.key_error(key, Code::CleInconnue, format!("clé inconnue `{key}`"), Some(help));
            } else if !val.is_null() {
                read(self, key, val);
            }
        }
        for key in required {
            let present = map.get(*key).is_some_and(|v| !v.is_null());
            if !present {
                let what = if map.contains_key(*key) { "est vide" } else { "manque" };
                let message = format!("la clé obligatoire `{key}` {what}");
                self.error(Code::CleManquante, message, Some(format!("ajoutez `{key}: …`")));
            }
        }
        Some(())
    }
}

/// A type that can be read from a YAML value, reporting problems to the context.
pub trait FromYaml: Sized {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self>;
}

/// How a value looks, in French, for "expected X, found Y" messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "une valeur vide".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("le nombre `{n}`"),
        Value::String(s) => format!("le texte `{}`", shorten(s)),
        Value::Sequence(_) => "une liste".into(),
        Value::Mapping(_) => "un tableau de clés".into(),
        Value::Tagged(t) => format!("une étiquette YAML `{}`", t.tag),
    }
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// `a`, `b`, `c` for help lines.
pub fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    items.iter().map(|s| format!("`{}`", s.as_ref())).collect::<Vec<_>>().join(", ")
}

impl FromYaml for String {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        match value {
            Value::String(s) => Some(s.clone()),
            // `numero: 15` or `axe: 2` are what anyone would write: integers are exact.
            Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
            Value::Number(_) => {
                let help = "mettez la valeur entre guillemets pour la garder telle qu'écrite, par exemple `\"1.10\"`"
                    .to_string();
                cx.type_error(value, "un texte", Some(help))
            }
            Value::Bool(b) => {
                cx.type_error(value, "un texte", Some(format!("mettez la valeur entre guillemets : `\"{b}\"`")))
            }
            _ => cx.type_error(value, "un texte", None),
        }
    }
}

impl FromYaml for bool {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::String(s) if matches!(s.to_lowercase().as_str(), "oui" | "yes" | "vrai") => {
                cx.type_error(value, "`true` ou `false`", Some("écrivez `true` pour oui".into()))
            }
            Value::String(s) if matches!(s.to_lowercase().as_str(), "non" | "no" | "faux") => {
                cx.type_error(value, "`true` ou `false`", Some("écrivez `false` pour non".into()))
            }
            _ => {
                let help = Some("écrivez `true` (oui) ou `false` (non)".into());
                cx.type_error(value, "`true` ou `false`", help)
            }
        }
    }
}

impl FromYaml for f64 {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        match value {
            // `.inf` and `.nan` are YAML numbers, but no count or rate.
            Value::Number(n) if n.as_f64().is_some_and(|f| !f.is_finite()) => {
                cx.type_error(value, "un nombre", Some("écrivez un nombre, par exemple `42` ou `12.5`".into()))
            }
            Value::Number(n) => n.as_f64(),
            Value::String(s) => {
                let normalized = s.trim().replace([' ', '\u{a0}', '\u{202f}'], "").replace(',', ".");
                let help = normalized
                    .parse::<f64>()
                    .ok()
                    .map(|n| format!("écrivez le nombre sans guillemets ni espaces : `{n}`"));
                cx.type_error(value, "un nombre", help)
            }
            _ => cx.type_error(value, "un nombre", None),
        }
    }
}

impl FromYaml for u64 {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        match value {
            Value::Number(n) if n.is_u64() => n.as_u64(),
            Value::Number(_) => cx.type_error(value, "un nombre entier positif", None),
            Value::String(s) => {
                let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                let help = digits.parse::<u64>().ok().map(|n| format!("écrivez `{n}` sans guillemets"));
                cx.type_error(value, "un nombre entier positif", help)
            }
            _ => cx.type_error(value, "un nombre entier positif", None),
        }
    }
}

impl FromYaml for PartialDate {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        let parsed = match value {
            // YAML reads `2018` as a number: that is a year.
            Value::Number(n) => match n.as_u64() {
                Some(y) if (1000..=9999).contains(&y) => Ok(PartialDate::year(y as i32)),
                _ => PartialDate::parse(&n.to_string()),
            },
            Value::String(s) => PartialDate::parse(s),
            _ => {
                let help = Some("écrivez `2018`, `2018-06` ou `2018-06-15`".into());
                return cx.type_error(value, "une date", help);
            }
        };
        match parsed {
            Ok(date) => Some(date),
            Err(e) => {
                cx.error(Code::DateInvalide, e.message, Some(e.help));
                None
            }
        }
    }
}

impl FromYaml for Montant {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        match value {
            Value::Number(n) => {
                let amount = n.as_f64().and_then(Montant::from_f64);
                if amount.is_none() {
                    let message = format!("montant invalide `{n}`");
                    let help = "un montant est positif, au centime près : `1250.50`".to_string();
                    cx.error(Code::MontantInvalide, message, Some(help));
                }
                amount
            }
            Value::String(s) => {
                let help = match number_in_text(s) {
                    Some(n) => format!("écrivez le nombre seul, en euros : `{n}`"),
                    None => "écrivez un nombre en euros, par exemple `5000` ou `1250.50`".into(),
                };
                let message = format!("montant invalide `{}` : un nombre est attendu", shorten(s));
                cx.error(Code::MontantInvalide, message, Some(help));
                None
            }
            _ => cx.type_error(value, "un montant en euros", Some("par exemple `5000`".into())),
        }
    }
}

impl<T: FromYaml> FromYaml for Vec<T> {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        let Value::Sequence(items) = value else {
            let help = match value {
                Value::String(s) if !s.contains('\n') => Some(format!("écrivez une liste : `[{s}]`")),
                Value::Number(n) => Some(format!("écrivez une liste : `[{n}]`")),
                _ => Some("écrivez une liste : une ligne `- …` par élément".into()),
            };
            return cx.type_error(value, "une liste", help);
        };
        let mut out = Vec::with_capacity(items.len());
        let mut complete = true;
        for (i, item) in items.iter().enumerate() {
            if item.is_null() {
                let help = Some("supprimez le tiret ou écrivez une valeur".into());
                cx.within(Step::Index(i), |cx| cx.error(Code::TypeInvalide, "élément de liste vide".into(), help));
                complete = false;
                continue;
            }
            match cx.item(i, item) {
                Some(v) => out.push(v),
                None => complete = false,
            }
        }
        // A list with a bad item is dropped whole, so that the indices that later rules
        // report always match the file.
        complete.then_some(out)
    }
}

/// Turns `r#type` into `type`, at compile time.
pub const fn key_name(raw: &'static str) -> &'static str {
    let bytes = raw.as_bytes();
    if bytes.len() > 2 && bytes[0] == b'r' && bytes[1] == b'#' {
        let (_, rest) = bytes.split_at(2);
        match std::str::from_utf8(rest) {
            Ok(s) => s,
            Err(_) => raw,
        }
    } else {
        raw
    }
}

/// Declares a record type: its keys (each an optional field), the required ones, and
/// its [`FromYaml`] reader. The key of a field is its name (`r#type` is `type`).
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident required [$($req:ident),*] {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
        pub struct $name {
            $( $(#[$fmeta])* #[serde(skip_serializing_if = "Option::is_none")] pub $field: Option<$ty>, )*
        }

        impl $name {
            /// Every key this record accepts, in the documented order.
            pub const KEYS: &'static [&'static str] = &[$($crate::model::yaml::key_name(stringify!($field))),*];
            /// The keys that must be present.
            pub const REQUIRED: &'static [&'static str] = &[$($crate::model::yaml::key_name(stringify!($req))),*];
        }

        impl $crate::model::schema::Schema for $name {
            fn schema(cx: &$crate::model::schema::SchemaCx) -> serde_json::Value {
                let mut properties = serde_json::Map::new();
                $(
                    let key = $crate::model::yaml::key_name(stringify!($field));
                    let schema = <$ty as $crate::model::schema::Schema>::schema(cx);
                    properties.insert(key.to_string(), $crate::model::schema::describe(cx, stringify!($name), key, schema));
                )*
                $crate::model::schema::object(properties, Self::REQUIRED)
            }
        }

        impl $crate::model::yaml::FromYaml for $name {
            fn from_yaml<'a>(value: &'a serde_yaml::Value, cx: &mut $crate::model::yaml::Cx<'a>) -> Option<Self> {
                let mut out = Self::default();
                cx.mapping(value, Self::KEYS, Self::REQUIRED, |cx, key, val| {
                    $( if key == $crate::model::yaml::key_name(stringify!($field)) {
                        out.$field = cx.field(key, val);
                        return;
                    } )*
                })?;
                Some(out)
            }
        }
    };
}
pub(crate) use record;

#[cfg(test)]
mod tests {
    use super::*;

    record! {
        /// A record for the tests.
        pub struct Sample required [titre] {
            titre: String,
            r#type: String,
            montant: Montant,
            liste: Vec<String>,
        }
    }

    fn read(yaml: &str) -> (Option<Sample>, Vec<Diagnostic>) {
        let value: Value = serde_yaml::from_str(yaml).unwrap();
        let mut cx = Cx::new("f.md");
        let out = Sample::from_yaml(&value, &mut cx);
        (out, cx.diagnostics)
    }

    #[test]
    fn raw_identifiers_become_plain_keys() {
        assert_eq!(Sample::KEYS, &["titre", "type", "montant", "liste"]);
    }

    #[test]
    fn collects_every_problem_of_a_file() {
        let (out, diags) = read("titr: x\nmontant: \"5 000 €\"\nliste: seul\n");
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::CleInconnue, Code::MontantInvalide, Code::TypeInvalide, Code::CleManquante]);
        assert_eq!(diags[0].help.as_deref(), Some("vouliez-vous dire `titre` ?"));
        assert_eq!(diags[1].help.as_deref(), Some("écrivez le nombre seul, en euros : `5000`"));
        assert_eq!(diags[2].help.as_deref(), Some("écrivez une liste : `[seul]`"));
        let out = out.unwrap();
        assert!(out.titre.is_none() && out.montant.is_none() && out.liste.is_none());
    }

    #[test]
    fn points_at_the_bad_list_item() {
        let (_, diags) = read("titre: x\nliste: [a, [b]]\n");
        assert_eq!(diags.len(), 1);
        let At::Path { path, key } = &diags[0].at else { panic!("no path") };
        assert_eq!(path.to_string(), "liste[1]");
        assert!(!key);
    }

    #[test]
    fn integers_are_accepted_as_text() {
        let (out, diags) = read("titre: 15\n");
        assert!(diags.is_empty());
        assert_eq!(out.unwrap().titre.as_deref(), Some("15"));
        let (_, diags) = read("titre: 1.10\n");
        assert_eq!(diags[0].code, Code::TypeInvalide);
        assert!(diags[0].help.as_deref().unwrap().contains("entre guillemets"));
    }
}
