//! Reading typed records out of a parsed YAML front matter.
//!
//! serde_yaml parses the text into a [`Value`]; this module turns that value into the
//! typed records of [`crate::model`]. A derived `Deserialize` would stop at the first
//! problem and speak English; a coordinator needs every problem of a file at once, in
//! French, with the nearest known key suggested. So each record type lists its keys
//! once (the [`record!`] macro), unknown keys are refused like serde's
//! `deny_unknown_fields`, and every bad value becomes a [`Diagnostic`] pointing at its
//! path while the rest of the file is still read.

use std::collections::HashMap;

use serde_yaml::Value;

use crate::diag::{At, Code, Diagnostic, Seg, YamlPath};
use crate::model::date::PartialDate;
use crate::model::money::{Montant, Reading, read_amount};
use crate::suggest;

/// The text of unquoted values as written, by path, for the values YAML reads as
/// numbers: `180.000` is the number 180 to YAML, `0x10` is 16, `1e-400` is 0.
pub type RawScalars = HashMap<YamlPath, String>;

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
    raw: Option<&'a RawScalars>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Cx<'a> {
    /// A context for the file at `file` (relative to the repository root).
    pub fn new(file: &'a str) -> Self {
        Cx { file, steps: Vec::new(), raw: None, diagnostics: Vec::new() }
    }

    /// The same, with the numbers of the file as they are written.
    pub fn with_raw(mut self, raw: &'a RawScalars) -> Self {
        self.raw = Some(raw);
        self
    }

    /// The value at the current path as written, when it is an unquoted number.
    fn raw(&self) -> Option<&'a str> {
        let raw = self.raw.filter(|r| !r.is_empty())?;
        raw.get(&self.path()).map(String::as_str)
    }

    /// Whether the file is `clsm.toml`, whose lines are written `clé = valeur`.
    fn toml(&self) -> bool {
        is_toml(self.file)
    }

    /// `key: value` as the file needs it (see [`assign`]).
    fn assign(&self, key: &str, value: &str) -> String {
        assign(self.file, key, value)
    }

    /// The key the current value belongs to (`statut` in `avancement[2].statut`).
    pub(crate) fn key(&self) -> &'a str {
        self.steps
            .iter()
            .rev()
            .find_map(|s| match s {
                Step::Key(k) => Some(*k),
                Step::Index(_) => None,
            })
            .unwrap_or("valeur")
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
    pub(crate) fn type_error<T>(&mut self, value: &Value, expected: &str, help: Option<String>) -> Option<T> {
        let found = match (value, self.raw()) {
            (Value::Number(_), Some(raw)) => format!("le nombre `{raw}`"),
            _ => describe(value),
        };
        let message = format!("type invalide : il faut {expected}, pas {found}");
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
            // `- poste:Salle`: a key glued to its value makes the whole item one text.
            Value::String(text) if let Some((key, rest)) = glued_key(text, keys) => {
                let message = format!("il manque une espace après `{key}:`");
                let value = rest.split_whitespace().take_while(|w| !w.contains(':')).collect::<Vec<_>>().join(" ");
                self.error(Code::YamlSyntaxe, message, Some(format!("écrivez `{key}: {value}`")));
                return None;
            }
            other => {
                let help = match period_in(other) {
                    Some((debut, fin)) if keys.contains(&"debut") && keys.contains(&"fin") => {
                        let period = if self.toml() {
                            format!("{{ debut = {debut}, fin = {fin} }}")
                        } else {
                            format!("{{ debut: {debut}, fin: {fin} }}")
                        };
                        format!("écrivez `{}`", self.assign(self.key(), &period))
                    }
                    _ => {
                        let example = required.first().unwrap_or(&"cle");
                        format!("écrivez des lignes `clé: valeur`, par exemple `{example}: …`")
                    }
                };
                return self.type_error(other, "un tableau de clés", Some(help));
            }
        };
        let mut suggested: Vec<&str> = Vec::new();
        for (key, val) in map {
            let Some(key) = key.as_str() else {
                // `{ lat: 49,12 }`: the comma ends the value, and `12` reads as a key.
                let help = match key {
                    Value::Number(_) => {
                        "entre `{ }`, la virgule sépare les clés : un nombre décimal s'écrit avec un point, `49.12`"
                    }
                    _ => "une clé est un mot suivi de `: `, par exemple `titre: …`",
                };
                self.error(Code::TypeInvalide, format!("clé invalide : {}", describe(key)), Some(help.into()));
                continue;
            };
            if let Value::Tagged(tagged) = val {
                // `pilote: !important`: YAML reads a tag, and the text is lost.
                let tag = tagged.tag.to_string();
                let text = match &tagged.value {
                    Value::String(rest) => format!("{tag} {rest}"),
                    _ => tag.clone(),
                };
                let message = format!("`{tag}` en début de valeur : YAML y lit une étiquette, et le texte est perdu");
                let help = format!(
                    "écrivez le texte entre guillemets : `{key}: {}`",
                    serde_json::to_string(&text).unwrap_or_default()
                );
                self.within(Step::Key(key), |cx| cx.error(Code::TypeInvalide, message, Some(help)));
                continue;
            }
            if !keys.contains(&key) {
                let near = suggest::nearest(key, keys.iter().copied());
                suggested.extend(near);
                let help = near
                    .map(|s| format!("vouliez-vous dire `{s}` ?"))
                    .unwrap_or_else(|| format!("clés possibles : {}", quoted_list(keys)));
                self.key_error(key, Code::CleInconnue, format!("clé inconnue `{key}`"), Some(help));
            } else if val.is_null() || (required.contains(&key) && is_blank(val)) {
                // Nothing to read; a required key left blank is reported once, below.
            } else {
                read(self, key, val);
            }
        }
        for key in required {
            match map.get(*key) {
                // `début:` is reported as an unknown key with `debut` suggested: once.
                None if suggested.contains(key) => {}
                Some(v) if !v.is_null() && !is_blank(v) => {}
                // Written but empty: the key is where to look.
                Some(_) => {
                    let message = format!("la clé obligatoire `{key}` est vide");
                    self.key_error(
                        key,
                        Code::CleManquante,
                        message,
                        Some(format!("écrivez une valeur : `{}`", self.assign(key, "…"))),
                    );
                }
                None => {
                    let message = format!("la clé obligatoire `{key}` manque");
                    self.error(Code::CleManquante, message, Some(format!("ajoutez `{}`", self.assign(key, "…"))));
                }
            }
        }
        Some(())
    }
}

/// Whether `file` is `clsm.toml`, whose lines are written `clé = valeur`.
fn is_toml(file: &str) -> bool {
    file.ends_with(".toml")
}

/// `key: value` as `file` needs it: YAML in a fiche, `key = value` in `clsm.toml`.
/// `value` is written as it is (`…`, a table).
pub fn assign(file: &str, key: &str, value: &str) -> String {
    if is_toml(file) { format!("{key} = {value}") } else { format!("{key}: {value}") }
}

/// The same for a text value, which TOML writes between quotes.
pub fn assign_text(file: &str, key: &str, text: &str) -> String {
    if is_toml(file) { assign(file, key, &format!("\"{text}\"")) } else { assign(file, key, text) }
}

/// `statut:mise_en_oeuvre`: a word glued to the text after its colon, as
/// `(key, text)`. A non-breaking space glues too: YAML only parts on a real space.
/// A URL (`https://`) or a time (`10:30`) is not one.
pub fn glued(text: &str) -> Option<(&str, &str)> {
    let (key, rest) = text.split_once(':')?;
    let word = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let numeric = key.bytes().all(|b| b.is_ascii_digit());
    let stuck = rest.starts_with(|c: char| !c.is_ascii_whitespace() && c != '/' && c != ':');
    (word && !numeric && stuck).then_some((key, rest))
}

/// A type that can be read from a YAML value, reporting problems to the context.
pub trait FromYaml: Sized {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self>;

    /// How a list of these is written, for a value given where the list belongs.
    fn list_help(written: &str) -> String {
        format!("écrivez une liste : `[{written}]`")
    }
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

/// True for a text with nothing visible in it: spaces, or invisible characters only.
fn is_blank(value: &Value) -> bool {
    matches!(value, Value::String(s) if s.chars().all(|c| c.is_whitespace() || is_invisible(c)))
}

/// Characters that take no room on the screen: a title made of them looks empty,
/// a key holding one is another key. The joiners of emoji sequences (U+200C, U+200D)
/// are not among them.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}' | '\u{180e}')
}

/// The known key a text starts with, glued to its value (`poste:Salle`).
fn glued_key<'t>(text: &'t str, keys: &[&'static str]) -> Option<(&'static str, &'t str)> {
    let (key, rest) = glued(text)?;
    Some((keys.iter().copied().find(|k| *k == key)?, rest))
}

/// The two ends of a period written as one value: `2025-2027`, `2025 à 2027`.
fn period_in(value: &Value) -> Option<(String, String)> {
    let text = match value {
        Value::String(s) => s.as_str(),
        _ => return None,
    };
    let (debut, fin) = [" à ", " au ", "–", "—", "/", " - ", "-"]
        .iter()
        .find_map(|sep| text.split_once(sep).filter(|(a, b)| a.trim().len() == 4 && b.trim().len() == 4))?;
    let year = |s: &str| s.trim().parse::<u16>().ok().filter(|y| (1000..=9999).contains(y));
    Some((year(debut)?.to_string(), year(fin)?.to_string()))
}

/// The text inside typographic quotes, when a whole value that is not prose is
/// wrapped in them (`“2.2”`, `« piste »`): YAML keeps them as part of the text. The
/// rules that read ids, words and numbers ask; prose keeps its quotes.
pub fn curly_quoted(text: &str) -> Option<&str> {
    let text = text.trim();
    let pairs = [('“', '”'), ('”', '”'), ('„', '“'), ('«', '»'), ('‘', '’'), ('’', '’')];
    let inner = pairs.iter().find_map(|(open, close)| text.strip_prefix(*open)?.strip_suffix(*close))?;
    let inner = inner.trim_matches(|c: char| c.is_whitespace());
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    (!inner.is_empty() && inner.chars().all(plain)).then_some(inner)
}

/// How an unquoted number was written, when YAML reads it otherwise than a person
/// would: in another base, with an exponent.
enum Odd {
    Base(&'static str, &'static str),
    Exponent,
}

fn odd(raw: &str) -> Option<Odd> {
    // A number starts with a digit (after its sign): `de` or `e5` are words.
    let number_like = raw.trim_start_matches(['+', '-']).starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if !number_like
        || !raw.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, 'x' | 'X' | 'o' | 'O' | '+' | '-' | '.' | '_'))
    {
        return None;
    }
    let digits = raw.trim_start_matches(['+', '-']);
    let base = match digits.get(..2) {
        Some("0x" | "0X") => Some(Odd::Base("hexadécimal", "0x")),
        Some("0o" | "0O") => Some(Odd::Base("octal", "0o")),
        Some("0b" | "0B") => Some(Odd::Base("binaire", "0b")),
        _ => None,
    };
    base.or_else(|| raw.contains(['e', 'E']).then_some(Odd::Exponent))
}

impl<'a> Cx<'a> {
    /// Refuses a number written in another base or with an exponent; true when it did.
    fn odd_number(&mut self, code: Code, value: &Value) -> bool {
        let Some(raw) = self.raw() else { return false };
        let Some(odd) = odd(raw) else { return false };
        let read = match value {
            Value::Number(n) => n.as_f64().unwrap_or(0.0),
            _ => 0.0,
        };
        let (message, help) = match odd {
            Odd::Base(base, prefix) => (
                format!("`{raw}` est un nombre {base} : YAML le lit {}", decimal(read)),
                format!("écrivez le nombre en chiffres ordinaires, sans `{prefix}` ; par exemple `{}`", decimal(read)),
            ),
            Odd::Exponent if read == 0.0 && raw.trim_start_matches(['+', '-']).starts_with(|c: char| c != '0') => (
                format!("`{raw}` est en notation scientifique, et trop petit : YAML le lit 0"),
                "écrivez le nombre en chiffres ordinaires, sans `e`".into(),
            ),
            Odd::Exponent => (
                format!("`{raw}` est en notation scientifique"),
                format!("écrivez le nombre en chiffres ordinaires, sans `e` : `{}`", decimal(read)),
            ),
        };
        self.error(code, message, Some(help));
        true
    }
}

/// A number in plain decimal digits, as YAML would need it: `1000`, `0.5`.
fn decimal(value: f64) -> String {
    crate::format::plain(value)
}

impl FromYaml for String {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        match value {
            Value::String(s) => Some(s.clone()),
            // `axe: 2` is what anyone would write: integers are exact, and kept as
            // written when written otherwise (`0x10`).
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                Some(cx.raw().map_or_else(|| n.to_string(), str::to_string))
            }
            Value::Number(_) => {
                let help = "mettez la valeur entre guillemets pour la garder telle qu'écrite, par exemple `\"1.10\"`"
                    .to_string();
                cx.type_error(value, "un texte", Some(help))
            }
            Value::Bool(b) => {
                cx.type_error(value, "un texte", Some(format!("mettez la valeur entre guillemets : `\"{b}\"`")))
            }
            // `statut: [realisee]`: one value in brackets.
            Value::Sequence(items) if items.len() == 1 && items[0].as_str().is_some() => {
                let help = format!("écrivez `{}: {}`, sans crochets", cx.key(), items[0].as_str().unwrap_or_default());
                cx.type_error(value, "un texte", Some(help))
            }
            Value::Sequence(_) => {
                cx.type_error(value, "un texte", Some("une seule valeur est attendue ici, sans crochets".into()))
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

/// The number at the start of a text (`14 personnes`, `80%`, `12,5`), and whether
/// anything but a `%` follows it.
fn leading_number(text: &str) -> Option<(String, &str)> {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\u{202f}')))
        .map_or(text.len(), |(i, _)| i);
    let number = text[..end].trim().replace([' ', '\u{a0}', '\u{202f}'], "").replace(',', ".");
    let value = number.parse::<f64>().ok()?;
    Some((decimal(value), text[end..].trim()))
}

impl FromYaml for f64 {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        match value {
            // `.inf` and `.nan` are YAML numbers, but no count or rate.
            Value::Number(n) if n.as_f64().is_some_and(|f| !f.is_finite()) => {
                cx.type_error(value, "un nombre", Some("écrivez un nombre, par exemple `42` ou `12.5`".into()))
            }
            Value::Number(_) if cx.odd_number(Code::TypeInvalide, value) => None,
            // `valeur: 1.500` is 1.5 to YAML and fifteen hundred to a French reader.
            // Coordinates have three decimals as a matter of course.
            Value::Number(_)
                if !matches!(cx.key(), "lat" | "lon")
                    && cx.raw().is_some_and(|r| matches!(read_amount(r), Reading::Ambiguous { .. })) =>
            {
                let raw = cx.raw().unwrap_or_default();
                let whole = raw.replace('.', "");
                // The decimal reading written so that it no longer looks like thousands.
                let trimmed = raw.trim_end_matches('0').trim_end_matches('.');
                let decimal = if trimmed.len() < raw.len() { trimmed.to_string() } else { format!("{raw}0") };
                let message = format!("nombre ambigu `{raw}` : des milliers ou des décimales ?");
                let help = format!(
                    "écrivez `{whole}` pour des milliers, ou `{decimal}` pour des décimales : en YAML le point marque les décimales, jamais les milliers"
                );
                cx.error(Code::TypeInvalide, message, Some(help));
                None
            }
            Value::Number(n) => n.as_f64(),
            Value::String(s) => {
                let help = match leading_number(s) {
                    Some((n, "")) => format!("écrivez le nombre sans guillemets ni espaces, avec un point : `{n}`"),
                    Some((n, "%")) => format!("écrivez `{n}` sans le signe `%` : l'unité est celle de l'indicateur"),
                    Some((n, _)) => format!("écrivez le nombre seul : `{n}`"),
                    None => "écrivez un nombre, par exemple `42` ou `12.5`".into(),
                };
                cx.type_error(value, "un nombre", Some(help))
            }
            _ => cx.type_error(value, "un nombre", None),
        }
    }
}

impl FromYaml for u64 {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        const WHOLE: &str = "un nombre entier positif";
        match value {
            Value::Number(_) if cx.odd_number(Code::TypeInvalide, value) => None,
            Value::Number(n) if n.is_u64() => n.as_u64(),
            // `1.500` is a decimal number to YAML and fifteen hundred to a French reader.
            Value::Number(_) if cx.raw().is_some_and(|r| matches!(read_amount(r), Reading::Ambiguous { .. })) => {
                let raw = cx.raw().unwrap_or_default();
                let whole = raw.replace('.', "");
                let help = format!("écrivez `{whole}` : en YAML, le point marque les décimales, jamais les milliers");
                cx.type_error(value, WHOLE, Some(help))
            }
            Value::Number(_) => cx.type_error(value, WHOLE, None),
            Value::String(s) => {
                let help = leading_number(s)
                    .filter(|(n, _)| n.parse::<u64>().is_ok())
                    .map(|(n, _)| format!("écrivez le nombre seul, sans guillemets : `{n}`"));
                cx.type_error(value, WHOLE, help)
            }
            _ => cx.type_error(value, WHOLE, None),
        }
    }
}

impl FromYaml for PartialDate {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        let parsed = match value {
            // YAML reads `2018` as a number: that is a year.
            Value::Number(n) => match n.as_u64() {
                Some(y) if (1000..=9999).contains(&y) && cx.raw().is_none_or(|r| r.len() == 4) => {
                    Ok(PartialDate::year(y as i32))
                }
                _ => PartialDate::parse(cx.raw().unwrap_or(&n.to_string())),
            },
            Value::String(s) => PartialDate::parse(s),
            _ => {
                let help = Some("écrivez `2018`, `2018-06` ou `2018-06-15`".into());
                return cx.type_error(value, "une date", help);
            }
        };
        match parsed {
            Ok(date) if !crate::model::bounds::YEARS.contains(&date.year) => {
                let (first, last) = (crate::model::bounds::YEARS.start(), crate::model::bounds::YEARS.end());
                let message = format!("année invraisemblable dans la date `{date}`");
                cx.error(Code::DateInvalide, message, Some(format!("vérifiez l'année : entre {first} et {last}")));
                None
            }
            Ok(date) => Some(date),
            Err(e) => {
                cx.error(Code::DateInvalide, e.message, Some(e.help));
                None
            }
        }
    }
}

impl<'a> Cx<'a> {
    /// Reports an amount that reads two ways, with both readings.
    fn ambiguous_amount(&mut self, written: &str, decimal: Montant, thousands: Montant) {
        let (d, t) = (crate::format::montant(decimal), crate::format::montant(thousands));
        let message = format!("montant ambigu `{written}` : {d} ou {t} ?");
        let help = format!(
            "écrivez `{thousands}` pour {t}, ou `{decimal}` pour {d} : en YAML le point marque les centimes, jamais les milliers"
        );
        self.error(Code::MontantInvalide, message, Some(help));
    }
}

impl FromYaml for Montant {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        match value {
            Value::Number(_) if cx.odd_number(Code::MontantInvalide, value) => None,
            Value::Number(n) => {
                // The text as written tells `180.000` (ambiguous) from `180.0`.
                let reading = cx.raw().map(|raw| (raw, read_amount(raw)));
                match reading {
                    Some((raw, Reading::Ambiguous { decimal, thousands })) => {
                        cx.ambiguous_amount(raw, decimal, thousands);
                        return None;
                    }
                    Some((raw, Reading::One(m))) if n.as_f64().and_then(Montant::from_f64) != Some(m) => {
                        let message = format!("montant invalide `{raw}` : plus de deux décimales");
                        let help =
                            format!("écrivez `{m}` pour {} : le point marque les centimes", crate::format::montant(m));
                        cx.error(Code::MontantInvalide, message, Some(help));
                        return None;
                    }
                    _ => {}
                }
                let amount = n.as_f64().and_then(Montant::from_f64);
                if amount.is_none() {
                    let message = format!("montant invalide `{n}`");
                    let help = "un montant est positif, au centime près : `1250.50`".to_string();
                    cx.error(Code::MontantInvalide, message, Some(help));
                }
                amount
            }
            Value::String(s) => {
                let help = match read_amount(s) {
                    Reading::One(m) => format!("écrivez le nombre seul, en euros : `{m}`"),
                    Reading::Ambiguous { decimal, thousands } => {
                        cx.ambiguous_amount(s, decimal, thousands);
                        return None;
                    }
                    Reading::Unknown if let Some(kind) = odd(s) => {
                        let (how, without) = match kind {
                            Odd::Exponent => ("en notation scientifique".to_string(), "`e`".to_string()),
                            Odd::Base(base, prefix) => (format!("écrit en {base}"), format!("`{prefix}`")),
                        };
                        let message = format!("montant invalide `{}` : {how}", shorten(s));
                        let help =
                            format!("écrivez le montant en chiffres ordinaires, sans {without}, par exemple `5000`");
                        cx.error(Code::MontantInvalide, message, Some(help));
                        return None;
                    }
                    Reading::Unknown => "écrivez un nombre en euros, par exemple `5000` ou `1250.50`".into(),
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
                Value::String(s) if !s.contains('\n') => Some(T::list_help(s)),
                Value::Number(n) => Some(T::list_help(&n.to_string())),
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
                    let required = Self::REQUIRED.contains(&key);
                    let schema = $crate::model::schema::describe(cx, stringify!($name), key, required, schema);
                    properties.insert(key.to_string(), schema);
                )*
                $crate::model::schema::object(stringify!($name), properties, Self::REQUIRED)
            }
        }

        impl $crate::model::yaml::FromYaml for $name {
            // `budget: 5000`: a list of records is a line `- clé: …` per element.
            fn list_help(_: &str) -> String {
                let first = Self::REQUIRED.first().or(Self::KEYS.first()).copied().unwrap_or("cle");
                format!("écrivez une liste, un élément par ligne, chacun commençant par `- {first}: …`")
            }

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
        // `titre` is not reported missing: `titr` is, with `titre` suggested (one mistake).
        assert_eq!(codes, [Code::CleInconnue, Code::MontantInvalide, Code::TypeInvalide]);
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
        // A decimal number is no text: `1.10` would lose its zero.
        let (_, diags) = read("titre: 1.10\n");
        assert_eq!(diags[0].code, Code::TypeInvalide);
        assert!(diags[0].help.as_deref().unwrap().contains("entre guillemets"));
    }

    fn read_written(yaml: &str) -> (Option<Sample>, Vec<Diagnostic>) {
        let value: Value = serde_yaml::from_str(yaml).unwrap();
        let written = crate::load::written(yaml, 2);
        let mut cx = Cx::new("f.md").with_raw(&written.raw);
        let out = Sample::from_yaml(&value, &mut cx);
        (out, cx.diagnostics)
    }

    #[test]
    fn numbers_are_read_with_their_text_as_written() {
        let (out, diags) = read_written("titre: 0x10\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(out.unwrap().titre.as_deref(), Some("0x10"));
        let help = |yaml: &str| read_written(yaml).1.first().and_then(|d| d.help.clone()).unwrap_or_default();
        assert!(
            help("titre: x\nmontant: 180.000\n").contains("`180000` pour 180"),
            "{}",
            help("titre: x\nmontant: 180.000\n")
        );
        assert!(help("titre: x\nmontant: 0x10\n").contains("`16`"));
        assert!(help("titre: x\nmontant: 1e3\n").contains("`1000`"));
        assert!(help("titre: x\nmontant: \"180k€\"\n").contains("`180000`"));
        assert!(read_written("titre: x\nmontant: 1250.50\n").1.is_empty());
    }

    #[test]
    fn the_helpers_read_what_people_type() {
        assert_eq!(curly_quoted("“2.2”"), Some("2.2"));
        assert_eq!(curly_quoted("« Bien-être »"), None, "prose keeps its guillemets");
        assert_eq!(leading_number("14 personnes"), Some(("14".to_string(), "personnes")));
        assert_eq!(leading_number("80%"), Some(("80".to_string(), "%")));
        assert_eq!(period_in(&Value::String("2025-2027".into())), Some(("2025".into(), "2027".into())));
        assert_eq!(glued_key("poste:Salle des fêtes", &["poste"]), Some(("poste", "Salle des fêtes")));
        assert!(matches!(odd("0x10"), Some(Odd::Base("hexadécimal", _))));
        assert!(odd("de").is_none() && odd("e5").is_none());
    }
}
