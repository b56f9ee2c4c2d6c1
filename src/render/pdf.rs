//! PDF documents, made in-process by Typst: no browser, no network, no system font.
//!
//! The `.typ` templates of `templates/` (overridable by a repository like the HTML
//! ones) receive the same view data as the HTML pages, as JSON in `sys.inputs`: user
//! text stays data. Markdown bodies are turned into Typst markup by walking comrak's
//! tree with every text escaped, and the templates evaluate that markup only. The
//! `World` given to Typst holds the templates and the embedded fonts, nothing else.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate};
use comrak::nodes::{AstNode, ListType, NodeValue};
use comrak::{Arena, parse_document};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, Duration, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::render::Renderer;
use crate::views::affiche::Affiche;
use crate::views::bilan::{Annexe, Bilan, Contenu, Evaluation};
use crate::views::report::IndicateurEtat;
use crate::views::site::volumes::{self, Volume};
use crate::views::site::{ActionView, Site};

/// The stack of the threads that lay documents out: Typst's layout is recursive, and
/// a contract of hundreds of fiches goes deeper than a default thread allows.
pub const STACK: usize = 64 << 20;

/// What Typst may see: the templates, the data, the fonts.
struct ClsmWorld {
    library: LazyHash<Library>,
    main: FileId,
    sources: HashMap<FileId, Source>,
    /// The images a document may show, `/assets/NAME`.
    files: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
}

impl World for ClsmWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &crate::fonts::embedded().0
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| FileError::AccessDenied)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        crate::fonts::embedded().1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn file_id(name: &str) -> Result<FileId> {
    let path =
        VirtualPath::new(format!("/{name}")).map_err(|e| anyhow!("chemin de modèle invalide `{name}` : {e:?}"))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, path)))
}

/// Compiles the template `main` (with the other `.typ` templates importable) on
/// `data`, into PDF bytes. `ident` identifies the document, for stable output, and
/// `document` names it in messages (`fiches/fiche-15.pdf`); `today` is the date
/// Typst's `datetime.today()` gives, and the document's date.
pub fn compile(
    templates: &[(String, String)],
    files: &[(String, Bytes)],
    main: &str,
    data: &serde_json::Value,
    ident: &str,
    document: &str,
    today: NaiveDate,
) -> Result<Vec<u8>> {
    let _doing = crate::limits::activity(format!("document `{document}` (modèle `{main}`)"));
    let mut inputs = Dict::new();
    inputs.insert("donnees".into(), serde_json::to_string(data)?.into_value());
    // `pdf.header-cell` marks the headings of a fiche's rows as row headers.
    let features = [typst::Feature::A11yExtras].into_iter().collect();
    let library = Library::builder().with_inputs(inputs).with_features(features).build();
    let mut sources = HashMap::new();
    for (name, text) in templates {
        let id = file_id(name)?;
        sources.insert(id, Source::new(id, text.clone()));
    }
    let files = files.iter().map(|(name, bytes)| Ok((file_id(name)?, bytes.clone()))).collect::<Result<_>>()?;
    let main = file_id(main)?;
    let today = Datetime::from_ymd(today.year(), today.month() as u8, today.day() as u8);
    let world = ClsmWorld { library: LazyHash::new(library), main, sources, files, today };
    // Laying out a long document recurses deeply: Typst gets a thread with room.
    let compiled = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("typst".into())
            .stack_size(STACK)
            .spawn_scoped(scope, || typst::compile::<PagedDocument>(&world).output)
            .map(|handle| handle.join())
    });
    // Typst memoizes across compilations; one fiche after another, its cache would
    // keep every one of them: keep only what the last one could reuse. With one
    // volume at a time, a build of 400 actions peaked at 0.93 Go; it took 1.3 Go
    // with two volumes at a time and the last eight compilations kept.
    typst::comemo::evict(1);
    let compiled = match compiled {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => {
            let what = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("sans message");
            return Err(anyhow!(
                "document `{document}` (modèle `{}`) : Typst s'est arrêté sur une erreur interne ({})\n\
                 aide : une valeur démesurée dans un modèle du dépôt (dossier `templates/`) en est souvent la cause",
                main_name(&world),
                crate::terminal::one_line(what)
            ));
        }
        Err(e) => return Err(anyhow!("impossible de lancer la composition du PDF : {e}")),
    };
    let paged: PagedDocument = compiled.map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(|e| typst_error(&world, e.span, &e.message)).collect();
        anyhow!("document `{document}`, modèle PDF `{}` : {}", main_name(&world), messages.join(" ; "))
    })?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(ident.to_string()),
        creator: typst::foundations::Smart::Custom(Some("clsm".into())),
        standards: standards()?,
        // PDF/A asks for a date: the day of the build, the same for every document.
        timestamp: today.map(typst_pdf::Timestamp::new_utc),
        ..typst_pdf::PdfOptions::default()
    };
    match typst_pdf::pdf(&paged, &options) {
        Ok(bytes) => Ok(bytes),
        Err(failures) => {
            // The text of a fiche (an emoji, an ideogram no embedded font has) or a
            // template of the repository (an image without `alt`) breaks the
            // standards: the document is still made, without them, and says why.
            let plain = typst_pdf::PdfOptions { standards: typst_pdf::PdfStandards::default(), ..options };
            let bytes = typst_pdf::pdf(&paged, &plain).map_err(|errors| {
                let messages: Vec<String> = errors.iter().map(|e| typst_error(&world, e.span, &e.message)).collect();
                anyhow!("document `{document}` : export PDF impossible : {}", messages.join(" ; "))
            })?;
            crate::note!("{}", not_conforming(&world, document, &failures));
            Ok(bytes)
        }
    }
}

/// Why `document` is not PDF/UA-1 nor PDF/A-2a, from what Typst said, and how to
/// make it so.
fn not_conforming(world: &ClsmWorld, document: &str, failures: &[typst::diag::SourceDiagnostic]) -> String {
    let mut characters: Vec<String> = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    let mut help: Vec<&str> = Vec::new();
    for failure in failures {
        let message = failure.message.as_str();
        // `…error: the text `"🙂"` could not be displayed with font …`
        let glyph = message.split_once("the text `").and_then(|(_, rest)| rest.split_once('`')).map(|(text, _)| text);
        if let Some(text) = glyph.filter(|_| message.contains("could not be displayed")) {
            let text = text.trim_matches('"').to_string();
            if !characters.contains(&text) {
                characters.push(text);
            }
        } else if message.ends_with("missing alt text") {
            reasons.push(format!(
                "une image sans texte de remplacement{}",
                place(world, failure.span).unwrap_or_default()
            ));
            help.push(
                "donnez à l'image du modèle sa description, `image(\"…\", alt: \"Logo de la ville\")`, \
                 ou marquez-la décorative, `pdf.artifact(image(\"…\"))`",
            );
        } else {
            let typst = message.split_once(" error: ").map_or(message, |(_, what)| what);
            let reason =
                format!("« {} »{}", crate::terminal::one_line(typst), place(world, failure.span).unwrap_or_default());
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
    }
    if !characters.is_empty() {
        reasons.insert(0, format!("aucune police des PDF n'a {}", characters.join(" ")));
        help.insert(
            0,
            "remplacez ces caractères (un émoji, un idéogramme, un symbole rare) dans le texte des fiches ; \
             le PDF les montre en cases vides",
        );
    }
    help.dedup();
    let mut text = format!(
        "attention : `{}` n'est ni accessible (PDF/UA-1) ni archivable (PDF/A-2a) : {}",
        crate::terminal::one_line(document),
        reasons.join(" ; ")
    );
    for line in help {
        text.push_str("\naide : ");
        text.push_str(line);
    }
    text
}

/// The standards every PDF of `clsm` conforms to: PDF/UA-1, so that a screen reader
/// reads it (tags, table headers, alternatives, the title shown rather than the file
/// name; RGAA criterion 13.3 asks it of downloadable documents), and PDF/A-2a, so
/// that a funder's archive keeps it readable. Typst checks both as it writes, and
/// refuses a document that breaks them (an image without `alt`).
fn standards() -> Result<typst_pdf::PdfStandards> {
    use typst_pdf::PdfStandard;
    typst_pdf::PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
        .map_err(|e| anyhow!("normes PDF incompatibles : {}", e.message()))
}

/// ` (`fiche.typ`, ligne 4)`: the template and line `span` points at, if any.
fn place(world: &ClsmWorld, span: typst::syntax::DiagSpan) -> Option<String> {
    use typst::syntax::DiagSpanKind;
    match span.get() {
        DiagSpanKind::Detached => None,
        DiagSpanKind::Number { id, num, sub_range } => world.source(id).ok().and_then(|source| {
            let start = source.range(num, sub_range)?.start;
            Some((id, source.lines().byte_to_line(start)? + 1))
        }),
        DiagSpanKind::Range { id, range } => {
            world.source(id).ok().and_then(|source| Some((id, source.lines().byte_to_line(range.start)? + 1)))
        }
    }
    .map(|(id, line)| format!(" (`{}`, ligne {line})", id.vpath().get_without_slash()))
}

/// A Typst error in French, with the file and line of the template it points at.
fn typst_error(world: &ClsmWorld, span: typst::syntax::DiagSpan, message: &str) -> String {
    let place = place(world, span);
    let quoted = |prefix: &str| message.strip_prefix(prefix).map(|rest| rest.trim().trim_matches('"').to_string());
    let text = if let Some(name) = quoted("unknown variable:") {
        format!("variable inconnue `{name}`")
    } else if let Some(what) = quoted("expected") {
        let missing = match what.as_str() {
            "expression" => "une expression manque",
            "closing paren" => "une parenthèse fermante manque",
            "closing bracket" => "un crochet fermant manque",
            "closing brace" => "une accolade fermante manque",
            "identifier" => "un nom manque",
            _ => "syntaxe Typst incomplète",
        };
        missing.to_string()
    } else if let Some(what) = quoted("unexpected").filter(|w| w.chars().count() <= 3) {
        format!("`{what}` inattendu")
    } else if message.starts_with("unexpected") {
        "élément inattendu".to_string()
    } else if message.contains("unclosed") {
        "délimiteur non fermé".to_string()
    } else if message.contains("file not found") {
        "fichier introuvable".to_string()
    } else {
        // Typst's own words, in English, are better than none.
        format!("erreur du modèle Typst : « {} »", crate::terminal::one_line(message))
    };
    format!("{text}{}", place.unwrap_or_default())
}

fn main_name(world: &ClsmWorld) -> String {
    world.main.get().vpath().get_without_slash().to_string()
}

/// Text for Typst markup, as one string value (`#"…"`): no text can become code,
/// and Typst lays out one text run instead of one escape per punctuation mark
/// (which made long paragraphs take quadratic time).
pub fn escape(text: &str) -> String {
    format!("#{}", literal(text))
}

/// A string literal for Typst code: `\`, `"` and control characters escaped the
/// way Typst reads them (`\u{1b}`, not JSON's `\u001b`).
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Markdown turned into Typst markup: headings (shifted to start at `level`),
/// paragraphs, emphasis, lists, tables, links, quotes and code. Raw HTML is dropped.
pub fn markdown_to_typst(markdown: &str, level: usize) -> String {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &crate::load::markdown_options());
    let top = root
        .descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::Heading(h) => Some(h.level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut out = String::new();
    block(root, &mut out, level as isize - top as isize, 0, 0);
    out.trim().to_string()
}

fn children<'a>(node: &'a AstNode<'a>, out: &mut String, shift: isize, indent: usize, depth: usize) {
    for child in node.children() {
        block(child, out, shift, indent, depth + 1);
    }
}

/// How deep the conversion goes: `clsm check` refuses bodies nested deeper than
/// [`crate::load::MAX_BODY_DEPTH`], and past that bound the text is kept, flattened.
const MAX_DEPTH: usize = crate::load::MAX_BODY_DEPTH + 8;

/// The text of every descendant of `node`, without recursion.
fn plain_text<'a>(node: &'a AstNode<'a>) -> String {
    node.descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::Text(t) => Some(t.to_string()),
            NodeValue::Code(c) => Some(c.literal.clone()),
            NodeValue::SoftBreak | NodeValue::LineBreak => Some(" ".into()),
            _ => None,
        })
        .collect()
}

/// [`plain_text`] as Typst markup.
fn flat_text<'a>(node: &'a AstNode<'a>) -> String {
    escape(&plain_text(node))
}

/// How many styled pieces (emphasis, code, links) one paragraph keeps: Typst lays a
/// paragraph of thousands of them out in quadratic time, so past this the text is
/// kept, plain. A fiche's paragraph has a handful.
const MAX_STYLED: usize = 200;

/// Typst markup being written, runs of plain text kept together in one string:
/// one text node where Markdown has many (thousands of them slow Typst down).
#[derive(Default)]
struct Markup {
    out: String,
    text: String,
}

impl Markup {
    fn text(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn code(&mut self, markup: &str) {
        self.flush();
        self.out.push_str(markup);
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.out.push_str(&escape(&std::mem::take(&mut self.text)));
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

/// The inline content of `node` (a paragraph, a heading, a cell) as Typst markup.
fn inline_at<'a>(node: &'a AstNode<'a>, depth: usize) -> String {
    let mut budget = MAX_STYLED;
    styled(node, depth, &mut budget)
}

fn styled<'a>(node: &'a AstNode<'a>, depth: usize, budget: &mut usize) -> String {
    if depth > MAX_DEPTH {
        return flat_text(node);
    }
    let mut out = Markup::default();
    for child in node.children() {
        let value = child.data().value.clone();
        let plain = matches!(value, NodeValue::Text(_) | NodeValue::SoftBreak | NodeValue::LineBreak);
        if !plain && *budget == 0 {
            out.text(&plain_text(child));
            continue;
        }
        if !plain {
            *budget -= 1;
        }
        let mut inner = || styled(child, depth + 1, budget);
        match value {
            NodeValue::Text(t) => out.text(&t),
            NodeValue::SoftBreak => out.text(" "),
            NodeValue::LineBreak => out.code("\\\n"),
            NodeValue::Code(c) => out.code(&format!("#raw({})", literal(&c.literal))),
            NodeValue::Emph => out.code(&format!("#emph[{}]", inner())),
            NodeValue::Strong => out.code(&format!("#strong[{}]", inner())),
            NodeValue::Strikethrough => out.code(&format!("#strike[{}]", inner())),
            NodeValue::Link(link) => {
                let text = inner();
                let safe = crate::views::web_url(&link.url).or_else(|| crate::views::mail_url(&link.url));
                match safe {
                    Some(url) => out.code(&format!("#link({})[{text}]", literal(&url))),
                    None => out.code(&text),
                }
            }
            NodeValue::HtmlInline(_) => {}
            _ => out.code(&inner()),
        }
    }
    out.finish()
}

fn block<'a>(node: &'a AstNode<'a>, out: &mut String, shift: isize, indent: usize, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str(&flat_text(node));
        out.push_str("\n\n");
        return;
    }
    let inline = |node| inline_at(node, depth + 1);
    let pad = " ".repeat(indent);
    let value = node.data().value.clone();
    match value {
        NodeValue::Document => children(node, out, shift, indent, depth),
        NodeValue::Paragraph => {
            out.push_str(&inline(node));
            out.push_str("\n\n");
        }
        NodeValue::Heading(h) => {
            let level = (h.level as isize + shift).clamp(1, 6) as usize;
            out.push_str(&format!("#heading(level: {level}, outlined: false)[{}]\n\n", inline(node)));
        }
        NodeValue::List(list) => {
            for item in node.children() {
                let mark = if list.list_type == ListType::Ordered { "+" } else { "-" };
                let mut content = String::new();
                for part in item.children() {
                    match &part.data().value {
                        NodeValue::Paragraph => content.push_str(&inline(part)),
                        _ => {
                            content.push('\n');
                            block(part, &mut content, shift, indent + 2, depth + 2);
                        }
                    }
                }
                out.push_str(&format!("{pad}{mark} {}\n", content.trim_end()));
            }
            out.push('\n');
        }
        NodeValue::BlockQuote => {
            let mut inner = String::new();
            children(node, &mut inner, shift, 0, depth);
            out.push_str(&format!("#quote(block: true)[{}]\n\n", inner.trim()));
        }
        NodeValue::CodeBlock(code) => out.push_str(&format!("#raw(block: true, {})\n\n", literal(&code.literal))),
        NodeValue::ThematicBreak => out.push_str("#line(length: 100%)\n\n"),
        NodeValue::Table(table) => {
            let columns = table.alignments.len().max(1);
            let cells: Vec<String> = node
                .descendants()
                .filter(|n| matches!(n.data().value, NodeValue::TableCell))
                .map(|c| format!("[{}]", inline(c)))
                .collect();
            out.push_str(&format!("#table(columns: {columns}, {})\n\n", cells.join(", ")));
        }
        NodeValue::HtmlBlock(_) => {}
        _ => children(node, out, shift, indent, depth),
    }
}

/// The keys whose text is Markdown: a body, a section of one, and the fields of the
/// cadre logique, which spreadsheets fill with bold and lists.
const MARKDOWN_KEYS: &[&str] = &[
    "corps",
    "edito",
    "marquants",
    "perspectives",
    "signature",
    "resume",
    "introduction",
    "description",
    "prerequis",
    "dispositifs_existants",
    "resultats_attendus",
    "moyens_mobilisables",
    "moyens_a_rechercher",
];

/// Adds, beside each Markdown text of `data` (see [`MARKDOWN_KEYS`]), the same
/// text as escaped Typst markup under `KEY_typst`, its headings from `level` on:
/// the only markup the templates evaluate.
pub fn add_markup(data: &mut serde_json::Value, level: usize) {
    use serde_json::Value;
    match data {
        Value::Object(map) => {
            let added: Vec<(String, Value)> = map
                .iter()
                .filter(|(key, _)| MARKDOWN_KEYS.contains(&key.as_str()))
                .filter_map(|(key, v)| {
                    Some((format!("{key}_typst"), Value::String(markdown_to_typst(v.as_str()?, level))))
                })
                .collect();
            for v in map.values_mut() {
                add_markup(v, level);
            }
            map.extend(added);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| add_markup(v, level)),
        _ => {}
    }
}

/// View data ready for the `.typ` templates: French spellings, and each Markdown
/// text as escaped Typst markup with its headings from `level` on.
fn typst_data(view: &impl serde::Serialize, level: usize) -> Result<serde_json::Value> {
    Ok(typst_ready(serde_json::to_value(view)?, level))
}

/// [`typst_data`] of data already made into JSON.
fn typst_ready(mut data: serde_json::Value, level: usize) -> serde_json::Value {
    add_markup(&mut data, level);
    crate::format::add_spellings(&mut data);
    data
}

/// Where each PDF goes as soon as it is made, by its path in the site
/// (`fiches/fiche-15.pdf`): nothing is kept in memory until the end.
pub type Sink<'a> = &'a (dyn Fn(&str, Vec<u8>) -> Result<()> + Sync);

/// A document to make, once: it is given to the sink it receives.
pub type Job<'a> = Box<dyn Fn(Sink) -> Result<()> + Sync + 'a>;

/// Whether Typst can decode an image: a file with the right first bytes may still
/// be broken, and would stop the contract with an obscure error.
fn decodable(bytes: &Bytes) -> Result<(), String> {
    use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};
    match ExchangeFormat::detect(bytes) {
        Some(format) => RasterImage::plain(bytes.clone(), format).map(|_| ()).map_err(|_| "image endommagée".into()),
        None => SvgImage::new(bytes.clone()).map(|_| ()).map_err(|_| "SVG mal formé".into()),
    }
}

/// One of the long documents, made one at a time.
enum Big<'a> {
    Contrat,
    Volume(&'a Volume),
    Annexe(&'a volumes::Annexe),
    Other(Job<'a>),
}

/// `contrat.pdf`, each of its `volumes` and `annexes`, the `others` long documents
/// (the bilan and its annexes) and one fiche per action (`fiches/ID.pdf`), each given to `sink` as
/// soon as it is made, on every core: the long documents one at a time, since each
/// takes hundreds of Mo while it is laid out, and the fiches on the other cores
/// meanwhile. Each fiche's data is made when its turn comes.
pub fn contract_and_fiches(
    renderer: &Renderer,
    site: &Site,
    volumes: &[Volume],
    annexes: &[volumes::Annexe],
    others: Vec<Job>,
    today: NaiveDate,
    sink: Sink,
) -> Result<()> {
    let logos = logo_files(renderer)?;
    let today = data_day(site, today);
    let positions = site.action_positions();
    let big: Vec<Big> = std::iter::once(Big::Contrat)
        .chain(volumes.iter().map(Big::Volume))
        .chain(annexes.iter().map(Big::Annexe))
        .chain(others.into_iter().map(Big::Other))
        .collect();
    let contract = contract_data(site)?;
    let fiches: Vec<usize> = (0..site.action_count()).collect();
    crate::render::parallel::on_every_core(
        &big,
        |part| match part {
            Big::Contrat => whole_contract(renderer, &logos, site, volumes, annexes, today, sink),
            Big::Volume(v) => volume(renderer, &logos, site, &positions, v, today, sink),
            Big::Annexe(a) => contract_annexe(renderer, &logos, site, annexes, a, today, sink),
            Big::Other(job) => job(sink),
        },
        &fiches,
        |n| {
            let action = site.action(*n);
            let data = fiche_data(&contract, &action)?;
            let pdf = fiche(renderer, &data, &action, today)?;
            drop(data);
            sink(&fiche_path(&action), pdf)
        },
    )
}

/// The one PDF of the document set named `name`, made alone: `contrat.pdf`, one of
/// its volumes (`contrat-2.pdf`) or annexes (`contrat-annexe-1.pdf`), a fiche
/// (`fiches/ID.pdf`), the `bilan`'s PDF (`bilan-2024.pdf`) or one of its annexes,
/// cut as `clsm build` cuts them with `fiches_par_volume` and `entrees_par_annexe`.
/// `None` when the set has no document of that name. For `clsm serve`, which makes
/// each document when it is first asked for.
pub fn one_document(
    renderer: &Renderer,
    site: &Site,
    bilan: Option<&Bilan>,
    (fiches_par_volume, entrees_par_annexe): (usize, usize),
    name: &str,
    today: NaiveDate,
) -> Result<Option<Vec<u8>>> {
    let made = std::sync::Mutex::new(None);
    let keep = |made_name: &str, pdf: Vec<u8>| {
        if made_name == name {
            *made.lock().map_err(|_| anyhow!("document interrompu"))? = Some(pdf);
        }
        Ok(())
    };
    let sink: Sink = &keep;
    let volumes = volumes::volumes(&site.axes, fiches_par_volume);
    let annexes = volumes::annexes(site, entrees_par_annexe);
    let fiche_id = name.strip_prefix("fiches/").and_then(|n| n.strip_suffix(".pdf"));
    // The bilan is dated by the day it is made; the contract and its fiches by
    // their data.
    let (made_on, today) = (today, data_day(site, today));
    if name == "contrat.pdf" {
        whole_contract(renderer, &logo_files(renderer)?, site, &volumes, &annexes, today, sink)?;
    } else if let Some(v) = volumes.iter().find(|v| v.fichier == name) {
        volume(renderer, &logo_files(renderer)?, site, &site.action_positions(), v, today, sink)?;
    } else if let Some(a) = annexes.iter().find(|a| a.fichier == name) {
        contract_annexe(renderer, &logo_files(renderer)?, site, &annexes, a, today, sink)?;
    } else if let Some(n) = fiche_id.and_then(|id| site.action_positions().get(id).copied()) {
        let action = site.action(n);
        let data = fiche_data(&contract_data(site)?, &action)?;
        sink(name, fiche(renderer, &data, &action, today)?)?;
    } else if let Some(b) = bilan {
        let stem = format!("bilan-{}", b.annee);
        let file = format!("{stem}.pdf");
        let annexes = crate::views::bilan::annexes(b, entrees_par_annexe, &stem, "pdf");
        let index = if name == file { Some(0) } else { annexes.iter().position(|a| a.fichier == name).map(|i| i + 1) };
        if let Some(index) = index {
            let mut jobs = bilan_documents(renderer, b, &annexes, &file, made_on)?;
            jobs.swap_remove(index)(sink)?;
        }
    }
    made.into_inner().map_err(|_| anyhow!("document interrompu"))
}

/// The date of the contract's PDFs (PDF/A asks for one): the day of the latest
/// fact up to `today` the repository records, a progress entry, a measure or an
/// event, so that a build on another day gives the same bytes; `today` when it
/// records none.
fn data_day(site: &Site, today: NaiveDate) -> NaiveDate {
    let progress = site.progress_dates();
    let measures = site.indicateurs.iter().flat_map(|i| i.mesures.iter().map(|m| m.date));
    let events = site.evenements().into_iter().map(|e| e.date);
    progress.chain(measures).chain(events).map(|d| d.first_day()).filter(|d| *d <= today).max().unwrap_or(today)
}

/// `contrat.pdf`: all of it, or without the fiches when they are in `volumes`, and
/// without what its `annexes` hold.
fn whole_contract(
    renderer: &Renderer,
    logos: &[(String, Bytes)],
    site: &Site,
    volumes: &[Volume],
    annexes: &[volumes::Annexe],
    today: NaiveDate,
    sink: Sink,
) -> Result<()> {
    use serde_json::json;
    let annexed = |contenu| annexes.iter().any(|a| a.contenu == contenu);
    // The fiches and their cadre logique in the volumes when there are some, the
    // long annexes in annexes: the contract itself holds the rest, and says where
    // they are.
    let fiches_apart = !volumes.is_empty();
    let actions: Vec<ActionView> = if fiches_apart { Vec::new() } else { site.actions().collect() };
    let main = json!({
        "contrat": &site.contrat,
        "chiffres": &site.chiffres,
        "axes": &site.axes,
        "actions": actions,
        "annuaire": if annexed(volumes::Contenu::Annuaire) { json!([]) } else { json!(&site.annuaire) },
        "indicateurs": if annexed(volumes::Contenu::Indicateurs) { json!([]) } else { json!(&site.indicateurs) },
        "cadre_logique": if fiches_apart { json!([]) } else { json!(&site.cadre_logique) },
        "pistes": &site.pistes,
        "calendrier": &site.calendrier,
        "textes": &site.textes,
        "logos": &site.logos,
        "interne": site.interne,
        "documents": &site.documents,
        "volumes": volumes,
        "annexes": annexes,
    });
    drop(actions);
    let mut data = typst_ready(main, 3);
    // The coordinator's texts are Markdown too, their headings under the contract's.
    for key in ["preambule", "signataires"] {
        if let Some(text) = site.textes_markdown(key) {
            data["textes"][format!("{key}_typst")] = serde_json::Value::String(markdown_to_typst(text, 2));
        }
    }
    let ident = format!("clsm-contrat-{}", site.contrat.titre);
    let pdf = compile(&renderer.typst, logos, "contrat.typ", &data, &ident, "contrat.pdf", today)?;
    drop(data);
    sink("contrat.pdf", pdf)
}

/// One annex of the contract: its part of the annuaire or of the indicators.
fn contract_annexe(
    renderer: &Renderer,
    logos: &[(String, Bytes)],
    site: &Site,
    annexes: &[volumes::Annexe],
    annexe: &volumes::Annexe,
    today: NaiveDate,
    sink: Sink,
) -> Result<()> {
    use serde_json::json;
    let mut data = json!({
        "contrat": &site.contrat,
        "annexe": annexe,
        "logos": &site.logos,
        "suite": annexes.iter().any(|a| a.contenu == annexe.contenu && a.numero < annexe.numero),
        // The next annex goes on with the same list.
        "a_suivre": annexes.iter().any(|a| a.contenu == annexe.contenu && a.numero == annexe.numero + 1),
    });
    match annexe.contenu {
        volumes::Contenu::Annuaire => {
            let groups: Vec<_> = annexe
                .pieces
                .iter()
                .map(|p| {
                    let g = &site.annuaire[p.group];
                    json!({ "type": &g.r#type, "suite": p.suite, "partenaires": &g.partenaires[p.range.clone()] })
                })
                .collect();
            data["annuaire"] = json!(groups);
        }
        volumes::Contenu::Indicateurs => {
            let range = annexe.pieces.first().map_or(0..0, |p| p.range.clone());
            data["indicateurs"] = json!(&site.indicateurs[range]);
        }
    }
    let data = typst_ready(data, 3);
    let ident = format!("clsm-contrat-{}-annexe-{}", site.contrat.titre, annexe.numero);
    let pdf = compile(&renderer.typst, logos, "contrat-annexe.typ", &data, &ident, &annexe.fichier, today)?;
    drop(data);
    sink(&annexe.fichier, pdf)
}

/// One volume of the contract's fiches, with their cadre logique.
fn volume(
    renderer: &Renderer,
    logos: &[(String, Bytes)],
    site: &Site,
    positions: &HashMap<&str, usize>,
    v: &Volume,
    today: NaiveDate,
    sink: Sink,
) -> Result<()> {
    let fiches: Vec<ActionView> =
        v.axes.iter().flat_map(|a| &a.actions).filter_map(|a| positions.get(&*a.id)).map(|n| site.action(*n)).collect();
    let data = serde_json::json!({
        "contrat": &site.contrat,
        "volume": v,
        "logos": &site.logos,
        "actions": fiches,
        "cadre_logique": volumes::logframe_of(&site.cadre_logique, v),
    });
    let data = typst_ready(data, 3);
    let ident = format!("clsm-contrat-{}-volume-{}", site.contrat.titre, v.numero);
    let pdf = compile(&renderer.typst, logos, "contrat-volume.typ", &data, &ident, &v.fichier, today)?;
    drop(data);
    sink(&v.fichier, pdf)
}

/// The logos of `assets/`, as files of the Typst world, each one Typst can decode.
fn logo_files(renderer: &Renderer) -> Result<Vec<(String, Bytes)>> {
    renderer
        .images
        .iter()
        .map(|i| {
            let name = format!("{}/{}", crate::load::documents::ASSETS_FOLDER, i.name);
            let bytes = Bytes::new(i.bytes.clone());
            decodable(&bytes).map_err(|why| {
                anyhow!(
                    "l'image `{}` est illisible ({why})\naide : remplacez-la par une image PNG, JPEG, GIF ou SVG valide, ou retirez-la du dossier `assets`",
                    crate::terminal::one_line(&name)
                )
            })?;
            Ok((name, bytes))
        })
        .collect()
}

/// The data of a bilan or an evaluation for its template: the view, the charts of
/// its indicators, the logos of the cover, French spellings and Typst markup.
fn report_data(
    renderer: &Renderer,
    key: &str,
    view: &impl serde::Serialize,
    charts: Vec<serde_json::Value>,
) -> Result<serde_json::Value> {
    let logos: Vec<String> =
        renderer.images.iter().map(|i| format!("{}/{}", crate::load::documents::ASSETS_FOLDER, i.name)).collect();
    let mut data = serde_json::json!({ key: view, "graphiques": charts, "logos": logos });
    crate::format::add_spellings(&mut data);
    add_markup(&mut data, 2);
    Ok(data)
}

/// What `fiche.typ` receives for `action`, beside `contract`, the contract's data
/// made once for all fiches (see [`contract_data`]).
pub fn fiche_data(contract: &serde_json::Value, action: &ActionView) -> Result<serde_json::Value> {
    Ok(serde_json::json!({ "contrat": contract, "action": typst_data(action, 2)? }))
}

/// The contract's data that each fiche shows (its title, its dates, its logos).
pub fn contract_data(site: &Site) -> Result<serde_json::Value> {
    typst_data(&site.contrat, 2)
}

/// The PDF of `action`, made from its [`fiche_data`].
pub fn fiche(renderer: &Renderer, data: &serde_json::Value, action: &ActionView, today: NaiveDate) -> Result<Vec<u8>> {
    let ident = format!("clsm-fiche-{}", action.id);
    compile(&renderer.typst, &[], "fiche.typ", data, &ident, &fiche_path(action), today)
}

/// Where the fiche of `action` goes in the site.
fn fiche_path(action: &ActionView) -> String {
    format!("fiches/{}.pdf", action.id)
}

/// The charts of `indicators`, each beside its indicator, for the templates.
fn charts(indicators: &[IndicateurEtat]) -> Vec<serde_json::Value> {
    indicators
        .iter()
        .map(|i| serde_json::json!({ "indicateur": i, "graphique": crate::render::chart::indicator(i) }))
        .collect()
}

/// The annual report with its charts, as `name` (`bilan-2024.pdf`), and its
/// `annexes` (see [`crate::views::bilan::annexes`]), each one a document to make, in this order.
pub fn bilan_documents<'a>(
    renderer: &'a Renderer,
    bilan: &'a Bilan,
    annexes: &'a [Annexe],
    name: &'a str,
    today: NaiveDate,
) -> Result<Vec<Job<'a>>> {
    let logos = std::sync::Arc::new(logo_files(renderer)?);
    let mut jobs: Vec<Job<'a>> = Vec::new();
    let main_logos = logos.clone();
    jobs.push(Box::new(move |sink: Sink| {
        let pdf = bilan_main(renderer, &main_logos, bilan, annexes, name, today)?;
        sink(name, pdf)
    }));
    for annexe in annexes {
        let logos = logos.clone();
        jobs.push(Box::new(move |sink: Sink| {
            let pdf = bilan_annexe(renderer, &logos, bilan, annexes, annexe, name, today)?;
            sink(&annexe.fichier, pdf)
        }));
    }
    Ok(jobs)
}

/// The bilan itself: all of it, or without what its `annexes` hold.
fn bilan_main(
    renderer: &Renderer,
    logos: &[(String, Bytes)],
    bilan: &Bilan,
    annexes: &[Annexe],
    name: &str,
    today: NaiveDate,
) -> Result<Vec<u8>> {
    let view = crate::views::bilan::without_annexed(bilan, annexes);
    let charts = charts(view.indicateurs);
    let mut data = report_data(renderer, "bilan", &view, charts)?;
    data["annexes"] = serde_json::to_value(annexes)?;
    let ident = format!("clsm-bilan-{}-{}", bilan.contrat.titre, bilan.annee);
    compile(&renderer.typst, logos, "bilan.typ", &data, &ident, name, today)
}

/// One annex of the bilan `name`: its part of the actions, the indicators or the
/// budget.
fn bilan_annexe(
    renderer: &Renderer,
    logos: &[(String, Bytes)],
    bilan: &Bilan,
    annexes: &[Annexe],
    annexe: &Annexe,
    name: &str,
    today: NaiveDate,
) -> Result<Vec<u8>> {
    use serde_json::json;
    let logo_names: Vec<&str> = logos.iter().map(|(n, _)| n.as_str()).collect();
    let part = crate::views::bilan::annex_part(bilan, annexes, annexe);
    let mut data = json!({
        "bilan": { "contrat": &bilan.contrat, "annee": bilan.annee },
        "annexe": annexe,
        "bilan_fichier": name,
        "logos": logo_names,
        "suite": part.suite,
    });
    match annexe.contenu {
        Contenu::Actions => data["axes"] = json!(part.axes),
        Contenu::Indicateurs => {
            data["graphiques"] = json!(charts(part.indicateurs));
            data["sans_mesure"] = json!(part.sans_mesure);
            data["sans_mesure_suite"] = json!(part.sans_mesure_suite);
        }
        Contenu::Budget => {
            data["budget"] = json!(part.budget);
            data["a_suivre"] = json!(part.a_suivre);
        }
    }
    crate::format::add_spellings(&mut data);
    add_markup(&mut data, 2);
    let ident = format!("clsm-bilan-{}-{}-annexe-{}", bilan.contrat.titre, bilan.annee, annexe.numero);
    compile(&renderer.typst, logos, "bilan-annexe.typ", &data, &ident, &annexe.fichier, today)
}

/// The "Avancée des projets" poster: one A3 page.
pub fn affiche(renderer: &Renderer, affiche: &Affiche, today: NaiveDate) -> Result<Vec<u8>> {
    let data = report_data(renderer, "affiche", affiche, Vec::new())?;
    let ident = format!("clsm-affiche-{}-{}", affiche.contrat.titre, affiche.date);
    let name = format!("affiche-{}.pdf", affiche.date);
    compile(&renderer.typst, &logo_files(renderer)?, "affiche.typ", &data, &ident, &name, today)
}

/// The end-of-contract evaluation.
pub fn evaluation(renderer: &Renderer, evaluation: &Evaluation, today: NaiveDate) -> Result<Vec<u8>> {
    let charts = evaluation
        .indicateurs
        .iter()
        .map(|s| serde_json::json!({ "indicateur": s.indicateur, "graphique": crate::render::chart::indicator(&s.indicateur) }))
        .collect();
    let data = report_data(renderer, "evaluation", evaluation, charts)?;
    let ident = format!("clsm-evaluation-{}-{}-{}", evaluation.contrat.titre, evaluation.debut, evaluation.fin);
    let name = format!("bilan-{}-{}.pdf", evaluation.debut, evaluation.fin);
    compile(&renderer.typst, &logo_files(renderer)?, "evaluation.typ", &data, &ident, &name, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether Typst makes a PDF/UA-1 document of `text` in the body font.
    fn conforms(text: &str) -> bool {
        let source = format!(
            "#set document(title: \"t\")\n#set text(lang: \"fr\", font: \"Libertinus Serif\")\nAvant {text} après\n"
        );
        let templates = [("t.typ".to_string(), source)];
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let pdf = compile(&templates, &[], "t.typ", &serde_json::json!({}), "t", "t.pdf", day).unwrap();
        String::from_utf8_lossy(&pdf).contains("pdfuaid")
    }

    #[test]
    fn check_and_typst_agree_on_the_characters_a_pdf_can_show() {
        // Not `℡`, `✨`, `✖` or `⁃`: New Computer Modern has them, but Typst does not
        // write them in a PDF/UA, and only the build reports them.
        for c in ['é', '’', '→', '✓', '℃', '½', '•', '≤', '★', 'Ω', '⚠', '\u{fe0f}', '\u{202a}', '🙂', '中']
        {
            assert_eq!(crate::fonts::shows(c), conforms(&c.to_string()), "U+{:04X} {c}", c as u32);
        }
    }

    #[test]
    fn text_can_never_become_code() {
        assert_eq!(escape("#let x = 1"), "#\"#let x = 1\"");
        assert_eq!(escape("fin\" + read(\"/etc/passwd\") + \""), "#\"fin\\\" + read(\\\"/etc/passwd\\\") + \\\"\"");
        assert_eq!(escape("a\\b\n\u{1b}"), "#\"a\\\\b\\n\\u{1b}\"");
        assert_eq!(escape("Œuvre à 5 %"), "#\"Œuvre à 5 %\"");
    }

    #[test]
    fn markdown_becomes_escaped_typst_markup() {
        let typst = markdown_to_typst(
            "## Contexte\n\nUn *mot* et `#code`.\n\n- un\n- deux\n\n<script>x</script>\n\n[site](https://exemple.fr) [mal](javascript:alert(1))",
            3,
        );
        assert!(typst.starts_with("#heading(level: 3, outlined: false)[#\"Contexte\"]"), "{typst}");
        assert!(typst.contains("#\"Un \"#emph[#\"mot\"]#\" et \"#raw(\"#code\")#\".\""), "{typst}");
        assert!(typst.contains("- #\"un\"\n- #\"deux\""), "{typst}");
        assert!(!typst.contains("script"), "{typst}");
        assert!(typst.contains("#link(\"https://exemple.fr\")[#\"site\"]"), "{typst}");
        assert!(!typst.contains("javascript"), "{typst}");
    }

    #[test]
    fn a_paragraph_keeps_a_bounded_number_of_styled_pieces() {
        let typst = markdown_to_typst(&"`a` ".repeat(1000), 2);
        assert_eq!(typst.matches("#raw(").count(), MAX_STYLED);
        let rest = format!("#\" {}\"", "a ".repeat(1000 - MAX_STYLED).trim_end());
        assert!(typst.ends_with(&rest), "the rest is kept as one text: {}", &typst[typst.len() - 40..]);
    }
}
