//! Rendering: the Tera environment (built-in templates, overridden by a repository's
//! own `templates/`), the French formatting filters, Markdown, and the HTML site.
//!
//! Built-in templates are embedded in the binary under the reserved prefix
//! `__clsm/`, which Tera uses as a fallback: a template the repository defines with
//! the same name (`templates/action.html`) wins, and built-in templates that extend or
//! include it get the repository's version too.

pub mod changes;
pub mod chart;
pub mod documents;
pub mod ics;
pub mod markdown;
pub mod outbox;
pub mod parallel;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod site;
pub mod text;

use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use tera::{Kwargs, State, Tera, Value};

use crate::format;

use crate::files::read::{read_text, real_dir};

/// The prefix of the built-in templates.
const BUILTIN: &str = "__clsm/";

/// The built-in templates and assets, as `(name, content)`.
pub const TEMPLATES: &[(&str, &str)] = &[
    // Included by others: known to Tera before them.
    ("couverture.html", include_str!("../../templates/couverture.html")),
    ("graphique.html", include_str!("../../templates/graphique.html")),
    ("periodes.html", include_str!("../../templates/periodes.html")),
    ("ventilation.html", include_str!("../../templates/ventilation.html")),
    ("renvoi-annexes.html", include_str!("../../templates/renvoi-annexes.html")),
    ("budget.html", include_str!("../../templates/budget.html")),
    ("bilan-action.html", include_str!("../../templates/bilan-action.html")),
    ("bilan-indicateur.html", include_str!("../../templates/bilan-indicateur.html")),
    ("signature.html", include_str!("../../templates/signature.html")),
    ("suite-bilan.html", include_str!("../../templates/suite-bilan.html")),
    ("projets.html", include_str!("../../templates/projets.html")),
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("axe.html", include_str!("../../templates/axe.html")),
    ("action.html", include_str!("../../templates/action.html")),
    ("annuaire.html", include_str!("../../templates/annuaire.html")),
    ("indicateurs.html", include_str!("../../templates/indicateurs.html")),
    ("cadre-logique.html", include_str!("../../templates/cadre-logique.html")),
    ("pistes.html", include_str!("../../templates/pistes.html")),
    ("calendrier.html", include_str!("../../templates/calendrier.html")),
    ("accessibilite.html", include_str!("../../templates/accessibilite.html")),
    ("document.html", include_str!("../../templates/document.html")),
    ("rapport.html", include_str!("../../templates/rapport.html")),
    ("rapport.md", include_str!("../../templates/rapport.md")),
    ("bilan.html", include_str!("../../templates/bilan.html")),
    ("bilan-annexe.html", include_str!("../../templates/bilan-annexe.html")),
    ("evaluation.html", include_str!("../../templates/evaluation.html")),
    ("affiche.html", include_str!("../../templates/affiche.html")),
    ("nouveau-action.md", include_str!("../../templates/nouveau-action.md")),
    ("nouveau-partenaire.md", include_str!("../../templates/nouveau-partenaire.md")),
    ("nouveau-indicateur.md", include_str!("../../templates/nouveau-indicateur.md")),
    ("nouveau-evenement.md", include_str!("../../templates/nouveau-evenement.md")),
    ("style.css", include_str!("../../templates/style.css")),
    ("pdf-commun.typ", include_str!("../../templates/pdf-commun.typ")),
    ("contrat.typ", include_str!("../../templates/contrat.typ")),
    ("contrat-volume.typ", include_str!("../../templates/contrat-volume.typ")),
    ("contrat-annexe.typ", include_str!("../../templates/contrat-annexe.typ")),
    ("fiche.typ", include_str!("../../templates/fiche.typ")),
    ("bilan.typ", include_str!("../../templates/bilan.typ")),
    ("bilan-annexe.typ", include_str!("../../templates/bilan-annexe.typ")),
    ("evaluation.typ", include_str!("../../templates/evaluation.typ")),
    ("affiche.typ", include_str!("../../templates/affiche.typ")),
];

/// The templates of one repository, ready to render.
pub struct Renderer {
    tera: Tera,
    /// `style.css`: the repository's own, or the built-in one.
    pub stylesheet: String,
    /// The Typst templates of the PDF documents, by name, the repository's first.
    pub typst: Vec<(String, String)>,
    /// The logos of `assets/`, which the contract's cover shows.
    pub images: Vec<crate::load::documents::Image>,
}

impl Renderer {
    /// The built-in templates, overridden by the files of `repo_root/templates/`.
    pub fn new(repo_root: &Path) -> Result<Self> {
        let mut tera = Tera::new();
        tera.set_fallback_prefixes([BUILTIN]).map_err(|e| anyhow!("{e}"))?;
        tera.autoescape_on([".html"]);
        tera.set_escape_fn(escape_html);
        // Filters first: Tera checks, while parsing, that every filter used exists.
        register_filters(&mut tera);
        let mut stylesheet = None;
        let mut typst: Vec<(String, String)> = Vec::new();
        for (name, content) in TEMPLATES {
            if name.ends_with(".html") || name.ends_with(".md") {
                tera.add_raw_template(&format!("{BUILTIN}{name}"), content)
                    .map_err(|e| anyhow!("modèle intégré `{name}` invalide : {e}"))?;
            }
        }
        for (name, text) in own_templates(repo_root)? {
            if name == "style.css" {
                stylesheet = Some(text);
            } else if name.ends_with(".typ") {
                typst.push((name, text));
            } else {
                tera.add_raw_template(&name, &text)
                    .map_err(|e| anyhow!("modèle `templates/{name}` invalide : {}", error_chain(&e)))?;
            }
        }
        let builtin_css = TEMPLATES.iter().find(|(n, _)| *n == "style.css").map_or("", |(_, c)| *c);
        for (name, content) in TEMPLATES.iter().filter(|(n, _)| n.ends_with(".typ")) {
            if !typst.iter().any(|(n, _)| n == name) {
                typst.push((name.to_string(), content.to_string()));
            }
        }
        Ok(Renderer {
            tera,
            stylesheet: stylesheet.unwrap_or_else(|| builtin_css.to_string()),
            typst,
            images: Vec::new(),
        })
    }

    /// The same, with the images of `assets/` for the documents.
    pub fn with_images(self, images: Vec<crate::load::documents::Image>) -> Self {
        Renderer { images, ..self }
    }

    /// Renders the template `name` with `context`.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(name, context)
            .map_err(|e| anyhow!("rendu du modèle `{name}` impossible : {}", error_chain(&e)))
    }

    /// Renders the template `name` with `context` into `out`, as it goes. When
    /// writing fails, the error is the writer's (which names its file), not a
    /// template error.
    pub fn render_to(&self, name: &str, context: &tera::Context, out: &mut dyn std::io::Write) -> Result<()> {
        let mut out = Failing { inner: out, failure: None };
        self.tera.render_to(name, context, &mut out).map_err(|e| match out.failure.take() {
            Some(failure) => anyhow::Error::from(failure),
            None => anyhow!("rendu du modèle `{name}` impossible : {}", error_chain(&e)),
        })
    }
}

/// Tera's escaping of HTML: the same characters (`&`, `<`, `>`, `"`, `'`) become
/// the same entities, but the text between them is written in one piece. Tera's
/// own writes each byte on its own, which took a twentieth of a large site's
/// build.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, byte) in bytes.iter().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

/// A writer that keeps its first error: Tera reports it in its own words only.
struct Failing<'a> {
    inner: &'a mut dyn std::io::Write,
    failure: Option<std::io::Error>,
}

impl Failing<'_> {
    fn keep<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.map_err(|e| {
            // An interrupted write is tried again, by whoever called: not a failure.
            if e.kind() == std::io::ErrorKind::Interrupted {
                return e;
            }
            let again = std::io::Error::new(e.kind(), e.to_string());
            self.failure.get_or_insert(e);
            again
        })
    }
}

impl std::io::Write for Failing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf);
        self.keep(written)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let written = self.inner.write_all(buf);
        self.keep(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.inner.flush();
        self.keep(flushed)
    }
}

/// The most a template may weigh.
const TEMPLATE_LIMIT: u64 = 4 << 20;

/// The repository's own templates, `(name, text)`, sorted by name: `.html`, `.md`,
/// `.typ` and `style.css` files of `templates/` (other files are not templates).
/// A link, a pipe or a device there is refused, never opened.
fn own_templates(repo_root: &Path) -> Result<Vec<(String, String)>> {
    let folder = repo_root.join("templates");
    match real_dir(&folder) {
        Ok(true) => {}
        Ok(false) => return Ok(Vec::new()),
        Err(e) => bail!("`templates` : {e}\naide : {}", e.help()),
    }
    let mut entries: Vec<_> = fs::read_dir(&folder)
        .with_context(|| format!("impossible de lire `{}`", folder.display()))?
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("impossible de lire `{}`", folder.display()))?;
    entries.sort_by_key(|e| e.file_name());
    let mut templates = Vec::new();
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        let is_template = [".html", ".md", ".typ"].iter().any(|ext| name.ends_with(ext)) || name == "style.css";
        if name.starts_with('.') || !is_template {
            continue;
        }
        let text = read_text(&entry.path(), TEMPLATE_LIMIT)
            .map_err(|e| anyhow!("modèle `templates/{name}` : {e}\naide : {}", e.help()))?;
        templates.push((name, text));
    }
    Ok(templates)
}

/// A Tera error in French: its first line translated, the quoted template lines it
/// shows kept as they are.
fn error_chain(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(&format!(" : {cause}"));
        source = cause.source();
    }
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let first = first.trim_start_matches("error: ");
    let translated = translate_tera(first);
    if rest.is_empty() { translated } else { format!("{translated}\n{rest}") }
}

/// French words for the errors of Tera, the template engine.
fn translate_tera(message: &str) -> String {
    // The names between backquotes, in the order they appear.
    let names: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let name = |i: usize| names.get(i).copied().unwrap_or("?");
    if message.starts_with("Variable") && message.contains("is not defined") {
        let available = message.split("Available variables: ").nth(1).unwrap_or("").trim();
        format!("variable inconnue `{}` ; variables disponibles : {available}", name(0))
    } else if message.starts_with("Found") && message.contains("but expected") {
        format!("`{}` inattendu : il manque une valeur (un nombre, un texte ou une variable)", name(0))
    } else if message.starts_with("Unknown filter") {
        format!("filtre inconnu `{}`", name(0))
    } else if message.starts_with("Unknown function") {
        format!("fonction inconnue `{}`", name(0))
    } else if message.starts_with("Unknown test") {
        format!("test inconnu `{}`", name(0))
    } else if message.starts_with("Unknown template") {
        format!("modèle inconnu `{}`", name(0))
    } else if message.starts_with("Unknown tag") {
        "balise inconnue".to_string()
    } else if message.starts_with("Invalid type") {
        format!("type de valeur inattendu : `{}` au lieu de `{}`", name(1), name(0))
    } else if message.contains("end of") || message.contains("nclosed") {
        "modèle inachevé : une balise n'est pas fermée".to_string()
    } else {
        "erreur de modèle à l'endroit indiqué ci-dessous".to_string()
    }
}

/// The filters templates use for French formatting and Markdown.
fn register_filters(tera: &mut Tera) {
    // The French spellings, the same for the HTML as for the PDF (format::Spelling).
    for (name, spelling) in format::Spelling::ALL {
        tera.register_filter(name, move |v: &Value, kwargs: Kwargs, _: &State| {
            let unit: Option<String> = kwargs.get("unite").ok().flatten();
            let number = v.as_f64().or_else(|| v.as_i64().map(|i| i as f64));
            spelling.spell(number, v.as_str(), unit.as_deref()).unwrap_or_default()
        });
    }
    // "en juin 2025", "de mai à juillet 2017": a date (and its end) in a sentence.
    tera.register_filter("quand", |v: &str, kwargs: Kwargs, _: &State| {
        let fin: Option<String> = kwargs.get("fin").ok().flatten();
        let fin = fin.and_then(|f| crate::model::PartialDate::parse(&f).ok());
        crate::model::PartialDate::parse(v).map(|d| format::when_span(&d, fin.as_ref())).unwrap_or_default()
    });
    // "mai à juillet 2017": the same as a label.
    tera.register_filter("periode", |v: &str, kwargs: Kwargs, _: &State| {
        let fin: Option<String> = kwargs.get("fin").ok().flatten();
        let fin = fin.and_then(|f| crate::model::PartialDate::parse(&f).ok());
        crate::model::PartialDate::parse(v).map(|d| format::span(&d, fin.as_ref())).unwrap_or_default()
    });
    // "1 réunion", "2 réunions".
    tera.register_filter("compte", |v: &Value, kwargs: Kwargs, _: &State| {
        let un: String = kwargs.get("un").ok().flatten().unwrap_or_default();
        let plusieurs: String = kwargs.get("plusieurs").ok().flatten().unwrap_or_else(|| format!("{un}s"));
        let n = v.as_f64().or_else(|| v.as_i64().map(|i| i as f64)).unwrap_or(0.0);
        format::count(n, &un, &plusieurs)
    });
    // A sum of amounts (`Somme`): "non renseigné" rather than 0 € when unknown.
    tera.register_filter("somme", |v: &Value, _: Kwargs, _: &State| {
        let field = |k: &str| v.get_from_path(k).and_then(|x| x.as_u64()).unwrap_or(0) as usize;
        let cents = v.get_from_path("montant").and_then(|m| m.as_f64()).map_or(0, |e| (e * 100.0).round() as i64);
        format::sum(crate::model::Montant { cents }, field("lignes"), field("sans_montant"))
    });
    // Participants over meetings, some of which did not count them.
    tera.register_filter("participants", |v: &Value, kwargs: Kwargs, _: &State| {
        let sans: usize = kwargs.get("sans_decompte").ok().flatten().unwrap_or(0);
        let sur: usize = kwargs.get("sur").ok().flatten().unwrap_or(0);
        let cellule: bool = kwargs.get("cellule").ok().flatten().unwrap_or(false);
        let n = v.as_u64().unwrap_or(0);
        if cellule { format::participants_cell(n, sans, sur) } else { format::participants(n, sans, sur) }
    });
    // A value for a YAML file: double-quoted, escaped, so that any text stays data.
    tera.register_filter("yaml", |v: &str, _: Kwargs, _: &State| serde_json::to_string(v).unwrap_or_default());
    // Text from a fiche in a Markdown document: shown, never markup (a table cell, a
    // pull-request comment).
    tera.register_filter("cellule", |v: &str, _: Kwargs, _: &State| markdown::markdown_text(v));
    tera.register_filter("markdown", |v: &str, kwargs: Kwargs, _: &State| {
        let level: i64 = kwargs.get("niveau").ok().flatten().unwrap_or(2);
        Value::safe_string(&markdown::to_html(v, level.clamp(1, 6) as u8))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that cannot be written, as a full disk makes it.
    struct Full;

    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("impossible d'écrire `_site/indicateurs.html` : plus de place"))
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn html_is_escaped_as_tera_escapes_it() {
        let escaped = |text: &str, escape: tera::EscapeFn| {
            let mut out = Vec::new();
            escape(text, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let samples = ["", "L'atteinte", "<script>alert(\"x\")</script>", "a & b > c < d", "''\"\"&&", "é’🙂\u{0}"];
        for text in samples {
            assert_eq!(escaped(text, escape_html), escaped(text, tera::escape_html), "{text:?}");
        }
        // Every string of up to three characters from a set holding each special one.
        let alphabet = ['a', '&', '<', '>', '"', '\'', 'é', ' '];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    let text: String = [a, b, c].iter().collect();
                    assert_eq!(escaped(&text, escape_html), escaped(&text, tera::escape_html), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn a_page_that_cannot_be_written_says_so_rather_than_blame_its_template() {
        let renderer = Renderer::new(Path::new("/nonexistent")).unwrap();
        // The template's first words fail to be written, before any of its
        // variables (absent here) is looked at.
        let error = renderer.render_to("rapport.md", &tera::Context::new(), &mut Full).unwrap_err();
        assert_eq!(error.to_string(), "impossible d'écrire `_site/indicateurs.html` : plus de place");
    }
}
