//! Loading a data repository: find it, read `clsm.toml`, walk `fiches/`, split each
//! file's front matter and read it into typed records.
//!
//! Loading never stops at a bad file: every problem becomes a [`Diagnostic`] and the
//! walk goes on, so that `clsm check` reports them all at once. Only failures of the
//! machine itself (an unreadable folder, a missing `clsm.toml`) are errors here.

mod body;
pub mod documents;
pub mod frontmatter;
#[cfg(feature = "pdf")]
mod glyphs;
mod spans;
pub mod text;
pub mod yaml_subset;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde_yaml::Value;
use walkdir::WalkDir;

use crate::diag::{At, Code, Diagnostic, YamlPath};
use crate::files::read::{ReadError, read_head, read_regular, real_dir, special_kind};
use crate::model::yaml::{Cx, FromYaml, glued};
use crate::model::{Config, Kind, Record, Repository, id_problem, is_id, slugify};
pub use body::{MAX_BODY_DEPTH, options as markdown_options};
pub use spans::{LineIndex, NodePos, Pos, SpanIndex, Written, written};

/// The name of the file that makes a folder a data repository.
pub const CONFIG_FILE: &str = "clsm.toml";

/// The most a fiche may weigh: its front matter is bounded to 1 Mo, its body to
/// 256 ko ([`body::MAX_BODY_BYTES`]).
pub const FICHE_LIMIT: u64 = 4 << 20;

/// The most `clsm.toml` may weigh.
pub const CONFIG_LIMIT: u64 = 4 << 20;

/// A diagnostic for a file of the repository that is not read.
pub fn unreadable(file: &str, e: &ReadError) -> Diagnostic {
    Diagnostic::new(Code::FichierIllisible, file, At::File, e.to_string()).help(e.help())
}

/// Finds the repository: `explicit` if given, else the first folder holding a
/// `clsm.toml` from the current folder upwards.
pub fn find_root(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        if !dir.join(CONFIG_FILE).is_file() {
            bail!("aucun fichier {CONFIG_FILE} dans `{}` : ce n'est pas un dépôt clsm", dir.display());
        }
        return Ok(dir.to_path_buf());
    }
    let cwd = std::env::current_dir().context("impossible de lire le dossier courant")?;
    match cwd.ancestors().find(|d| d.join(CONFIG_FILE).is_file()) {
        Some(dir) => Ok(dir.to_path_buf()),
        None => bail!(
            "aucun fichier {CONFIG_FILE} dans `{}` ni dans ses dossiers parents\n\
             aide : placez-vous dans un dépôt clsm ou indiquez-le avec `--repo DOSSIER`",
            cwd.display()
        ),
    }
}

/// The text of one file, kept to resolve and quote diagnostics.
#[derive(Debug)]
pub struct Source {
    /// The decoded text; empty when the file could not be decoded.
    pub text: String,
    format: Format,
    spans: OnceLock<SpanIndex>,
    /// Where each line starts, computed on first use: quoting thousands of lines
    /// of one file then costs one pass over it, not one per line.
    lines: OnceLock<Vec<usize>>,
}

#[derive(Debug)]
enum Format {
    /// A fiche: its YAML is `text[yaml]` and starts on file line `first_line`.
    Fiche { yaml: std::ops::Range<usize>, first_line: usize },
    /// `clsm.toml`, indexed when read.
    Toml,
    /// Anything unreadable.
    Raw,
}

impl Source {
    fn raw(text: String) -> Self {
        Source { text, format: Format::Raw, spans: OnceLock::new(), lines: OnceLock::new() }
    }

    /// The positions of the file's keys and values, computed on first use.
    pub fn spans(&self) -> &SpanIndex {
        self.spans.get_or_init(|| match &self.format {
            Format::Fiche { yaml, first_line } => spans::index_yaml(&self.text[yaml.clone()], *first_line),
            Format::Toml | Format::Raw => SpanIndex::default(),
        })
    }

    /// Line `n` (1-based) of the file, without its line break.
    pub fn line(&self, n: usize) -> Option<&str> {
        let starts = self
            .lines
            .get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect());
        let start = *starts.get(n.checked_sub(1)?)?;
        let end = starts.get(n).map_or(self.text.len(), |next| next - 1);
        if start >= self.text.len() {
            return None;
        }
        Some(self.text[start..end].trim_end_matches('\r'))
    }

    /// The position a path points at, or its nearest enclosing node.
    fn locate(&self, path: &YamlPath, want_key: bool) -> Pos {
        let spans = self.spans();
        let mut segs = path.0.clone();
        let mut exact = true;
        loop {
            let here = YamlPath(segs.clone());
            if let Some(NodePos { key, value }) = spans.get(&here) {
                return match key {
                    Some(k) if want_key || !exact => k,
                    _ => value,
                };
            }
            if segs.pop().is_none() {
                break;
            }
            exact = false;
        }
        // The document itself: its opening `---` (or line 1 of clsm.toml).
        Pos { line: 1, column: 1, width: if matches!(self.format, Format::Fiche { .. }) { 3 } else { 1 } }
    }
}

/// A loaded repository with everything `check` found while loading it.
#[derive(Debug)]
pub struct Loaded {
    pub root: PathBuf,
    pub repo: Repository,
    /// The text of the files that have something to report, by path relative to the
    /// root. Valid files are not kept: on 10,000 fiches that would double the memory.
    pub sources: BTreeMap<String, Source>,
    pub diagnostics: Vec<Diagnostic>,
    /// The contract's own texts and the images of `assets/`.
    pub documents: documents::Documents,
}

/// The text of every file a diagnostic points into, read once: the files the
/// loader kept, and the valid ones that a rule reports on, read again on demand
/// (through the same bounded, link-refusing reads). Positions are resolved here,
/// when diagnostics are printed.
pub struct Files<'a> {
    loaded: &'a Loaded,
    reread: BTreeMap<String, Source>,
}

impl<'a> Files<'a> {
    pub fn new(loaded: &'a Loaded) -> Self {
        Files { loaded, reread: BTreeMap::new() }
    }

    fn source(&self, file: &str) -> Option<&Source> {
        self.loaded.sources.get(file).or_else(|| self.reread.get(file))
    }

    /// Line `n` (1-based) of `file`, when its text is known.
    pub fn line(&self, file: &str, n: usize) -> Option<&str> {
        self.source(file)?.line(n)
    }

    /// Turns every path-based position into a line and column of the file on disk,
    /// then sorts the diagnostics by file and position and drops duplicates.
    pub fn resolve(&mut self, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        for diag in &diagnostics {
            // A repository loaded from memory has no folder to read from, and a file
            // that is not read, or not a fiche, has nothing to quote.
            let whole_file = matches!(diag.code, Code::FichierIllisible | Code::FichierInattendu | Code::FicheIgnoree);
            let root = &self.loaded.root;
            if !whole_file && self.source(&diag.file).is_none() && !root.as_os_str().is_empty() {
                self.reread.insert(diag.file.clone(), reread(root, &diag.file));
            }
        }
        for diag in &mut diagnostics {
            let pos = match (&diag.at, self.source(&diag.file)) {
                (At::Pos { .. }, _) => continue,
                (At::Path { path, key }, Some(source)) => source.locate(path, *key),
                _ => Pos { line: 1, column: 1, width: 1 },
            };
            diag.at = At::Pos { line: pos.line, column: pos.column, width: pos.width };
        }
        crate::diag::sort(&mut diagnostics);
        diagnostics.dedup();
        diagnostics
    }
}

/// Loads the repository at `root`.
pub fn load(root: &Path) -> Result<Loaded> {
    let mut diagnostics = Vec::new();
    let mut sources = BTreeMap::new();
    let (config, source) = read_config(root, &mut diagnostics);
    sources.insert(CONFIG_FILE.to_string(), source);

    let files = walk_fiches(root, &mut diagnostics)?;
    diagnostics.extend(case_collisions(&files));
    let results: Vec<FileResult> = files.par_iter().map(|f| read_fiche(root, f)).collect();
    let repo = assemble(config, results, &mut sources, &mut diagnostics);
    let documents = documents::load(root, &mut diagnostics);
    Ok(Loaded { root: root.to_path_buf(), repo, sources, diagnostics, documents })
}

/// Loads a repository held in memory: `clsm.toml`'s bytes and `(path, bytes)` for
/// each fiche (`fiches/actions/x.md`). No file is read; used by tests and fuzzing.
pub fn load_from_memory(config: &[u8], fiches: &[(String, Vec<u8>)]) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut sources = BTreeMap::new();
    let (config, source) = parse_config(config, &mut diagnostics);
    sources.insert(CONFIG_FILE.to_string(), source);
    let mut results = Vec::new();
    for (rel, bytes) in fiches {
        let mut parts = rel.split('/');
        let (Some("fiches"), Some(folder), Some(name), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Some(kind), Some(id)) = (Kind::from_folder(folder), name.strip_suffix(".md")) else { continue };
        let fiche = FicheFile { kind, rel: rel.clone(), id: id.to_string() };
        let mut result = parse_fiche(&fiche, bytes);
        // Nothing to read again later: keep every text for the diagnostics.
        if result.source.is_none()
            && let Ok(text) = text::decode(bytes)
        {
            result.source = Some(reparse(text));
        }
        results.push(result);
    }
    results.sort_unstable_by(|a, b| a.file.cmp(&b.file));
    results.dedup_by(|a, b| a.file == b.file);
    let repo = assemble(config, results, &mut sources, &mut diagnostics);
    Loaded { root: PathBuf::new(), repo, sources, diagnostics, documents: documents::Documents::default() }
}

/// Gathers the files read into a repository.
fn assemble(
    config: Option<Config>,
    results: Vec<FileResult>,
    sources: &mut BTreeMap<String, Source>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Repository {
    let config_unreadable = config.is_none();
    let mut repo = Repository { config: config.unwrap_or_default(), config_unreadable, ..Repository::default() };
    // Room for every record at once: grown as they came, the records were copied
    // into twice as much new memory.
    let count = |kind: fn(&AnyRecord) -> bool| results.iter().filter(|r| kind(&r.record)).count();
    let mut actions = Vec::with_capacity(count(|r| matches!(r, AnyRecord::Action(..))));
    let mut partenaires = Vec::with_capacity(count(|r| matches!(r, AnyRecord::Partenaire(..))));
    let mut indicateurs = Vec::with_capacity(count(|r| matches!(r, AnyRecord::Indicateur(..))));
    let mut evenements = Vec::with_capacity(count(|r| matches!(r, AnyRecord::Evenement(..))));
    for result in results {
        let FileResult { file, id, record, source, diagnostics: diags } = result;
        if let Some(source) = source {
            sources.insert(file.clone(), source);
        }
        diagnostics.extend(diags);
        match record {
            AnyRecord::Action(data, body) => actions.push(Boxed { id, file, data, body }),
            AnyRecord::Partenaire(data, body) => partenaires.push(Boxed { id, file, data, body }),
            AnyRecord::Indicateur(data, body) => indicateurs.push(Boxed { id, file, data, body }),
            AnyRecord::Evenement(data, body) => evenements.push(Boxed { id, file, data, body }),
            AnyRecord::Unreadable(kind) => repo.unreadable.push((kind, id)),
        }
    }
    repo.actions = unboxed(actions);
    repo.partenaires = unboxed(partenaires);
    repo.indicateurs = unboxed(indicateurs);
    repo.evenements = unboxed(evenements);
    repo
}

/// A record as parsed, its data still in the box that kept [`FileResult`] small.
struct Boxed<T> {
    id: String,
    file: String,
    data: Box<T>,
    body: String,
}

/// The records out of their boxes, in their order, each kind in one allocation of
/// its exact size, written on every core: the 9 MB of 10,000 actions' records,
/// written by one thread, kept it waiting on the kernel for each new page.
fn unboxed<T: Send>(records: Vec<Boxed<T>>) -> Vec<Record<T>> {
    records.into_par_iter().map(|Boxed { id, file, data, body }| Record { id, file, data: *data, body }).collect()
}

/// Reads a fiche's text again to show and position a diagnostic.
fn reread(root: &Path, rel: &str) -> Source {
    let text = read_regular(&root.join(rel), FICHE_LIMIT).ok().and_then(|bytes| text::decode(&bytes).ok());
    let Some(text) = text else { return Source::raw(String::new()) };
    reparse(text)
}

/// A fiche's text, split so that its positions can be found.
fn reparse(text: String) -> Source {
    match frontmatter::split(&text) {
        Ok(s) => {
            let format = Format::Fiche { yaml: s.yaml_range, first_line: s.yaml_line };
            Source { text, format, spans: OnceLock::new(), lines: OnceLock::new() }
        }
        Err(_) => Source::raw(text),
    }
}

fn read_config(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> (Option<Config>, Source) {
    match read_regular(&root.join(CONFIG_FILE), CONFIG_LIMIT) {
        Ok(bytes) => parse_config(&bytes, diagnostics),
        Err(e) => {
            diagnostics.push(unreadable(CONFIG_FILE, &e));
            (None, Source::raw(String::new()))
        }
    }
}

/// Reads `clsm.toml` from its bytes.
fn parse_config(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> (Option<Config>, Source) {
    let text = match text::decode(bytes) {
        Ok(text) => text,
        Err(e) => {
            diagnostics.push(decode_diagnostic(CONFIG_FILE, e));
            return (None, Source::raw(String::new()));
        }
    };
    let table = match toml::de::DeTable::parse(&text) {
        Ok(table) => table,
        Err(e) => {
            let mut pos = e.span().map_or(Pos { line: 1, column: 1, width: 1 }, |s| LineIndex::new(&text).pos(s));
            // `[axes]` for `[[axes]]`: the next `[[axes]]` is reported, the mistake is above.
            let single = text.lines().position(|l| ["[axes]", "[thematiques]"].contains(&l.trim()));
            if e.message().contains("duplicate key")
                && let Some(n) = single.filter(|n| n + 1 < pos.line)
            {
                pos = Pos { line: n + 1, column: 1, width: text.lines().nth(n).map_or(1, |l| l.trim_end().len()) };
            }
            let line = text.lines().nth(pos.line.saturating_sub(1)).unwrap_or_default();
            let (message, help) = translate_toml_error(e.message(), line);
            let at = At::Pos { line: pos.line, column: pos.column, width: pos.width };
            diagnostics.push(Diagnostic::new(Code::ConfigSyntaxe, CONFIG_FILE, at, message).help(help));
            return (None, Source::raw(text));
        }
    };
    let index = spans::index_toml(table.get_ref(), &text);
    let value = toml_to_yaml(&toml::de::DeValue::Table(table.into_inner()));
    let mut cx = Cx::new(CONFIG_FILE);
    let config = Config::from_yaml(&value, &mut cx).unwrap_or_default();
    diagnostics.extend(cx.diagnostics);
    let spans = OnceLock::new();
    let _ = spans.set(index);
    (Some(config), Source { text, format: Format::Toml, spans, lines: OnceLock::new() })
}

/// French words for the errors of the TOML parser: what is wrong, and the fix.
fn translate_toml_error(raw: &str, line: &str) -> (String, String) {
    let has = |w: &str| raw.contains(w);
    let (message, help): (&str, String) = if has("string values must be quoted") {
        // Only a whole value can be quoted: `titre = Essai`, not `periode = { … }`.
        let quoted = match line.split_once('=') {
            Some((k, v)) if !v.trim_start().starts_with(['{', '[']) => {
                format!("écrivez `{} = {}`", k.trim(), serde_json::to_string(v.trim()).unwrap_or_default())
            }
            _ => "mettez chaque texte entre guillemets : `titre = \"…\"`".into(),
        };
        ("texte sans guillemets", quoted)
    } else if has("duplicate key") && ["[axes]", "[thematiques]"].contains(&line.trim()) {
        let name = line.trim().trim_matches(['[', ']']);
        ("table écrite deux fois", format!("une liste d'éléments s'écrit `[[{name}]]`, avec deux crochets"))
    } else if has("duplicate key") && line.trim_start().starts_with('[') {
        ("table écrite deux fois", "gardez une seule table de ce nom et regroupez-y ses lignes".into())
    } else if has("duplicate key") {
        ("clé écrite deux fois", "gardez une seule ligne pour cette clé (la seconde effacerait la première)".into())
    } else if has("expected `=`") {
        ("`=` manquant", "écrivez `clé = valeur`, par exemple `titre = \"…\"`".into())
    } else if has("unclosed array table") || has("unclosed table") {
        ("crochets de table mal fermés", "écrivez `[[axes]]` ou `[vocabulaire.public]`, crochets fermés".into())
    } else if has("invalid basic string") {
        ("guillemet non fermé", "fermez le texte par un `\"` sur la même ligne".into())
    } else if has("invalid literal string") {
        ("apostrophe non fermée", "fermez le texte par `'`, ou entourez-le de guillemets doubles".into())
    } else if has("escape") {
        (
            "barre oblique inverse `\\` dans un texte entre guillemets doubles",
            "utilisez des guillemets simples (`'C:\\dossier'`) ou doublez la barre (`\\\\`)".into(),
        )
    } else if has("unquoted key") {
        ("nom de clé invalide", "une clé s'écrit sans accent ni espace : lettres, chiffres, `-` et `_`".into())
    } else if has("unclosed array") {
        ("liste entre crochets mal fermée", "séparez les éléments par `,` et fermez la liste par `]`".into())
    } else if has("unclosed inline table") {
        ("accolades mal fermées", "séparez les clés par `,` et fermez par `}`".into())
    } else if has("invalid date") || has("invalid time") {
        (
            "date invalide",
            "écrivez une date qui existe, au format `2025-06-15`, ou entre guillemets : `\"2025-06\"`".into(),
        )
    } else if has("invalid boolean") {
        ("valeur invalide", "écrivez `true` (oui) ou `false` (non)".into())
    } else {
        (
            "syntaxe TOML invalide",
            "vérifiez les guillemets autour des textes et les crochets des tables (`[[axes]]`)".into(),
        )
    };
    (message.to_string(), help)
}

/// TOML values as YAML values, so one reader serves both formats.
fn toml_to_yaml(value: &toml::de::DeValue<'_>) -> Value {
    use toml::de::DeValue;
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            match i64::from_str_radix(&digits, i.radix()) {
                Ok(n) => Value::Number(n.into()),
                Err(_) => Value::String(i.as_str().to_string()),
            }
        }
        DeValue::Float(f) => match f.as_str().replace('_', "").parse::<f64>() {
            Ok(n) => Value::Number(n.into()),
            Err(_) => Value::String(f.as_str().to_string()),
        },
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Sequence(items.iter().map(|v| toml_to_yaml(v.get_ref())).collect()),
        DeValue::Table(t) => Value::Mapping(
            t.iter().map(|(k, v)| (Value::String(k.get_ref().to_string()), toml_to_yaml(v.get_ref()))).collect(),
        ),
    }
}

/// The fiches of the repository at `root`, as `(path relative to the root, bytes)`,
/// found and read as [`load`] does (links, pipes and stray files left out); for the
/// comparison of the working tree with a git revision.
/// A link, a pipe or a device there is an error, as in `clsm check`: its target is
/// never opened.
pub fn fiche_files(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut found = Vec::new();
    let fiches = walk_fiches(root, &mut found)?;
    if let Some(d) = found.iter().find(|d| d.code == Code::FichierIllisible) {
        bail!("`{}` : {}\naide : {}", d.file, d.message, d.help.as_deref().unwrap_or_default());
    }
    let mut out = Vec::new();
    for fiche in fiches {
        let path = root.join(&fiche.rel);
        let bytes =
            read_regular(&path, FICHE_LIMIT).with_context(|| format!("impossible de lire `{}`", path.display()))?;
        out.push((fiche.rel, bytes));
    }
    Ok(out)
}

/// A fiche to read: its kind, its path relative to the root, and its id.
struct FicheFile {
    kind: Kind,
    rel: String,
    id: String,
}

/// Two fiches of one kind whose names differ only by case are one file on Windows
/// and macOS: a partner cloning the repository there would lose one of them.
fn case_collisions(files: &[FicheFile]) -> Vec<Diagnostic> {
    let mut seen: std::collections::HashMap<(Kind, String), &FicheFile> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for f in files {
        if let Some(first) = seen.insert((f.kind, f.id.to_lowercase()), f) {
            let message = format!(
                "`{}` et `{}` ne diffèrent que par les majuscules : c'est le même fichier sous Windows et macOS",
                first.rel, f.rel
            );
            let d = Diagnostic::new(Code::IdDuplique, f.rel.clone(), At::File, message);
            out.push(d.help("gardez un seul de ces deux fichiers, nommé en minuscules"));
        }
    }
    out
}

/// Lists the fiches under `fiches/`, warning about anything else found there.
fn walk_fiches(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Result<Vec<FicheFile>> {
    misplaced_folders(root, diagnostics);
    let fiches = root.join("fiches");
    let mut files = Vec::new();
    match real_dir(&fiches) {
        Ok(true) => {}
        Ok(false) => return Ok(files),
        Err(e) => {
            diagnostics.push(unreadable("fiches", &e));
            return Ok(files);
        }
    }
    let folders: Vec<&str> = Kind::ALL.iter().map(|k| k.folder()).collect();
    let mut walker =
        WalkDir::new(&fiches).follow_links(false).follow_root_links(false).sort_by_file_name().min_depth(1).into_iter();
    while let Some(entry) = walker.next() {
        let entry = entry.map_err(|e| {
            let why = e.io_error().map_or_else(|| "boucle de dossiers".to_string(), crate::files::io_message);
            let at = e.path().unwrap_or(&fiches).display().to_string();
            anyhow::anyhow!("impossible de parcourir `{at}` : {why}")
        })?;
        let name = entry.file_name().to_string_lossy().to_string();
        // Hidden files, editors' backups (`fiche.md~`), Word's lock files (`~$fiche.md`)
        // and README files, which describe their folder, are not fiches and need no word.
        let aside = name.starts_with('.') || name.starts_with("~$") || name.ends_with('~');
        if aside || (is_readme(&name) && !entry.file_type().is_dir()) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let rel = relative(root, entry.path());
        let stray = |message: String, help: String| {
            Diagnostic::new(Code::FichierInattendu, rel.clone(), At::File, message).help(help)
        };
        let ignored = |message: String, help: String| {
            Diagnostic::new(Code::FicheIgnoree, rel.clone(), At::File, message).help(help)
        };
        let kind =
            entry.path().parent().and_then(|p| p.file_name()).and_then(|n| Kind::from_folder(&n.to_string_lossy()));
        let is_file = entry.file_type().is_file();
        // Never opened: a link's target may be anywhere, a pipe would block, a device never end.
        if let Some(kind) = special_kind(entry.file_type()).filter(|_| !entry.file_type().is_dir()) {
            let e = if entry.path_is_symlink() { ReadError::Symlink } else { ReadError::Special(kind) };
            diagnostics.push(unreadable(&rel, &e));
        } else if entry.depth() == 1 && entry.file_type().is_dir() {
            if Kind::from_folder(&name).is_none() {
                walker.skip_current_dir();
                // `fiches/action/`: meant for fiches, whose every one would vanish. A
                // name that only contains a kind's (`actions-2023`) is an archive.
                let lower = name.to_lowercase();
                let near = folders.iter().copied().find(|f| strsim::damerau_levenshtein(&lower, f) <= 2);
                match near {
                    Some(folder) => diagnostics.push(ignored(
                        format!("dossier `{rel}/` mal nommé : ses fiches ne sont pas lues"),
                        format!("renommez le dossier `fiches/{folder}/`"),
                    )),
                    None => diagnostics.push(stray(
                        format!("dossier inconnu `{rel}/` : ses fichiers ne sont pas lus"),
                        format!("dossiers lus : {}", crate::model::yaml::quoted_list(&folders)),
                    )),
                }
            }
        } else if let Some(stem) = name.strip_suffix(".md").filter(|_| is_file && entry.depth() == 2 && kind.is_some())
        {
            files.push(FicheFile { kind: kind.unwrap_or(Kind::Action), rel, id: stem.to_string() });
        } else if entry.file_type().is_dir() {
            walker.skip_current_dir();
            let under = rel.split('/').nth(1).unwrap_or("actions");
            let d = stray(
                format!("dossier `{rel}/` : ses fichiers ne sont pas lus"),
                format!(
                    "les fiches se rangent directement dans `fiches/{under}/` ; rien à faire s'il s'agit d'archives"
                ),
            );
            diagnostics.push(d);
        } else if let Some(stem) = looks_like_fiche(entry.path(), &name) {
            let fixed = format!("{}.md", slugify(stem));
            // The kind's folder it sits under, however deep.
            let under = rel.split('/').nth(1).and_then(Kind::from_folder).filter(|_| entry.depth() > 1);
            let help = match (entry.depth(), under) {
                (2, Some(_)) => format!("renommez le fichier `{fixed}`"),
                (_, Some(kind)) => format!("déplacez le fichier dans `fiches/{}/`, nommé `{fixed}`", kind.folder()),
                _ => format!(
                    "déplacez le fichier dans le dossier qui correspond à son type, nommé `{fixed}` : {}",
                    folders.iter().map(|f| format!("`fiches/{f}/`")).collect::<Vec<_>>().join(", ")
                ),
            };
            diagnostics.push(ignored(format!("fiche ignorée : `{rel}` n'est pas lue"), help));
        } else {
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
            let help = format!("une fiche est un fichier `.md` : renommez-le `{}.md` s'il en est une", slugify(stem));
            diagnostics.push(stray(format!("fichier ignoré : `{rel}` n'est pas une fiche"), help));
        }
    }
    Ok(files)
}

/// Folders at the root of the repository that were meant to hold fiches: `Fiches/`
/// (its case differs on Linux, where CI runs), or a kind's folder outside `fiches/`.
fn misplaced_folders(root: &Path, diagnostics: &mut Vec<Diagnostic>) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for name in names {
        let help = if name != "fiches" && name.eq_ignore_ascii_case("fiches") {
            "renommez le dossier `fiches/`, en minuscules : clsm ne lit que lui".to_string()
        } else if let Some(kind) = Kind::from_folder(&name) {
            format!("déplacez le dossier dans `fiches/` : `fiches/{}/`", kind.folder())
        } else {
            continue;
        };
        let message = format!("dossier `{name}/` : ses fiches ne sont pas lues");
        diagnostics.push(Diagnostic::new(Code::FicheIgnoree, name, At::File, message).help(help));
    }
}

/// The stem of a file that was meant to be a fiche but would not be read: a
/// Markdown name spelt otherwise (`x.MD`, `x.markdown`, `x.md.txt` from Notepad), a
/// `.md` out of place, or any text file that starts like a fiche (`---`). README
/// files describe a folder and are left alone.
fn looks_like_fiche<'n>(path: &Path, name: &'n str) -> Option<&'n str> {
    if is_readme(name) {
        return None;
    }
    let mut stem = name;
    let mut markdown = false;
    for _ in 0..2 {
        let Some((s, ext)) = stem.rsplit_once('.') else { break };
        match ext.to_lowercase().as_str() {
            "md" | "markdown" | "mdown" | "mkd" => markdown = true,
            "txt" | "text" => {}
            _ => break,
        }
        stem = s;
    }
    if stem.is_empty() {
        return None;
    }
    let head = read_head(path, 8).unwrap_or_default();
    let starts_like_fiche = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head).starts_with(b"---");
    if starts_like_fiche && !markdown {
        // `x.docx` that starts with `---`: the fiche is `x`, whatever the extension.
        stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    }
    (markdown || starts_like_fiche).then_some(stem)
}

/// `README.md`, `LISEZMOI.txt`: a file that describes its folder.
fn is_readme(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_lowercase();
    matches!(stem.as_str(), "readme" | "lisezmoi" | "lisez-moi")
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

enum AnyRecord {
    Action(Box<crate::model::Action>, String),
    Partenaire(Box<crate::model::Partenaire>, String),
    Indicateur(Box<crate::model::Indicateur>, String),
    Evenement(Box<crate::model::Evenement>, String),
    /// The file exists but its front matter could not be read at all.
    Unreadable(Kind),
}

struct FileResult {
    file: String,
    id: String,
    record: AnyRecord,
    /// The file's text, kept only when the file has something to report.
    source: Option<Source>,
    diagnostics: Vec<Diagnostic>,
}

fn read_fiche(root: &Path, fiche: &FicheFile) -> FileResult {
    match read_regular(&root.join(&fiche.rel), FICHE_LIMIT) {
        Ok(bytes) => parse_fiche(fiche, &bytes),
        Err(e) => FileResult {
            file: fiche.rel.clone(),
            id: fiche.id.clone(),
            record: AnyRecord::Unreadable(fiche.kind),
            source: None,
            diagnostics: vec![unreadable(&fiche.rel, &e)],
        },
    }
}

/// Reads one fiche from its bytes: no I/O, so that it can be fuzzed.
fn parse_fiche(fiche: &FicheFile, bytes: &[u8]) -> FileResult {
    let mut diagnostics = Vec::new();
    if !is_id(&fiche.id) {
        let message = format!("nom de fichier invalide : l'identifiant `{}` {}", fiche.id, id_problem(&fiche.id));
        let suggestion = slugify(&fiche.id);
        let help = if is_id(&suggestion) {
            format!("renommez le fichier `{suggestion}.md`")
        } else {
            "renommez le fichier avec des minuscules, chiffres et tirets, par exemple `ch-jury.md`".into()
        };
        diagnostics.push(Diagnostic::new(Code::IdInvalide, fiche.rel.clone(), At::File, message).help(help));
    }
    let unreadable = |source, diagnostics| FileResult {
        file: fiche.rel.clone(),
        id: fiche.id.clone(),
        record: AnyRecord::Unreadable(fiche.kind),
        source: Some(source),
        diagnostics,
    };
    let text = match text::decode(bytes) {
        Ok(text) => text,
        Err(e) => {
            diagnostics.push(decode_diagnostic(&fiche.rel, e));
            return unreadable(Source::raw(String::new()), diagnostics);
        }
    };
    let (yaml_range, first_line, body) = match frontmatter::split(&text) {
        Ok(s) => (s.yaml_range, s.yaml_line, s.body.to_string()),
        Err(e) => {
            let at = At::Pos { line: e.line, column: 1, width: 1 };
            diagnostics.push(Diagnostic::new(Code::FrontMatter, fiche.rel.clone(), at, e.message).help(e.help));
            return unreadable(Source::raw(text), diagnostics);
        }
    };
    if let Err(e) = body::check(&body) {
        let body_line = text[..text.len() - body.len()].matches('\n').count() + 1;
        let at = At::Pos { line: body_line + e.line - 1, column: e.column, width: 1 };
        diagnostics.push(Diagnostic::new(Code::TexteHorsLimites, fiche.rel.clone(), at, e.message).help(e.help));
    }
    let format = Format::Fiche { yaml: yaml_range.clone(), first_line };
    let source = Source { text, format, spans: OnceLock::new(), lines: OnceLock::new() };
    if let Some(e) = text::stray_character(&source.text[yaml_range.clone()]) {
        let at = At::Pos { line: e.line + first_line - 1, column: e.column, width: 1 };
        diagnostics.push(Diagnostic::new(Code::Encodage, fiche.rel.clone(), at, e.message).help(e.help));
        return unreadable(source, diagnostics);
    }
    if let Some((line, column)) = frontmatter::too_deep(&source.text[yaml_range.clone()]) {
        let at = At::Pos { line: line + first_line - 1, column, width: 1 };
        let message = format!("crochets ou accolades imbriqués sur plus de {} niveaux", frontmatter::MAX_FLOW_DEPTH);
        let d = Diagnostic::new(Code::YamlSyntaxe, fiche.rel.clone(), at, message);
        diagnostics.push(d.help("une fiche n'a besoin que de quelques niveaux : vérifiez les `[` et `{`"));
        return unreadable(source, diagnostics);
    }
    let yaml = &source.text[yaml_range.clone()];
    let value = match yaml_subset::read(yaml).map_or_else(|| serde_yaml::from_str::<Value>(yaml), Ok) {
        Ok(Value::Null) => Value::Mapping(Default::default()),
        // `titre:Écoute` alone reads as one text, not as a key.
        Ok(Value::String(_)) if let Some(d) = missing_space(&fiche.rel, &source, first_line, 1..=usize::MAX) => {
            diagnostics.push(d);
            return unreadable(source, diagnostics);
        }
        Ok(value) => value,
        Err(e) => {
            diagnostics.push(yaml_diagnostic(&fiche.rel, &source, first_line, &e));
            return unreadable(source, diagnostics);
        }
    };
    // The numbers as written are needed to read the fiche right.
    let written = spans::written(&source.text[yaml_range.clone()], first_line);
    for (pos, kept) in &written.cut {
        let at = At::Pos { line: pos.line, column: pos.column, width: pos.width };
        let message = format!("`#` commence un commentaire : YAML ne garde que `{kept}`");
        let help = format!(
            "écrivez le texte entre guillemets : `{}`",
            quoted_value(source.line(pos.line).unwrap_or_default())
        );
        diagnostics.push(Diagnostic::new(Code::YamlSyntaxe, fiche.rel.clone(), at, message).help(help));
    }
    let mut cx = Cx::new(&fiche.rel).with_raw(&written.raw);
    let record = match fiche.kind {
        Kind::Action => read_as(&value, &mut cx).map(|r| AnyRecord::Action(Box::new(r), body)),
        Kind::Partenaire => read_as(&value, &mut cx).map(|r| AnyRecord::Partenaire(Box::new(r), body)),
        Kind::Indicateur => read_as(&value, &mut cx).map(|r| AnyRecord::Indicateur(Box::new(r), body)),
        Kind::Evenement => read_as(&value, &mut cx).map(|r| AnyRecord::Evenement(Box::new(r), body)),
    }
    .unwrap_or(AnyRecord::Unreadable(fiche.kind));
    diagnostics.extend(cx.diagnostics);
    #[cfg(feature = "pdf")]
    diagnostics.extend(glyphs::missing(&fiche.rel, &source.text));
    let source = (!diagnostics.is_empty()).then_some(source);
    FileResult { file: fiche.rel.clone(), id: fiche.id.clone(), record, source, diagnostics }
}

fn read_as<'a, T: FromYaml>(value: &'a Value, cx: &mut Cx<'a>) -> Option<T> {
    T::from_yaml(value, cx)
}

fn decode_diagnostic(file: &str, e: text::DecodeError) -> Diagnostic {
    let at = At::Pos { line: e.line, column: e.column, width: 1 };
    Diagnostic::new(Code::Encodage, file, at, e.message).help(e.help)
}

/// Turns a serde_yaml error into a French diagnostic at the right line of the file.
fn yaml_diagnostic(file: &str, source: &Source, first_line: usize, e: &serde_yaml::Error) -> Diagnostic {
    let full = e.to_string();
    let raw = full.split(" at line ").next().unwrap_or(&full).trim().to_string();
    if raw.contains("duplicate entry")
        && let Some((path, pos)) = source.spans().duplicates.first()
    {
        let at = At::Pos { line: pos.line, column: pos.column, width: pos.width };
        let key = match path.0.last() {
            Some(crate::diag::Seg::Key(k)) => k.clone(),
            _ => path.to_string(),
        };
        let message = format!("la clé `{key}` est écrite deux fois");
        return Diagnostic::new(Code::CleDupliquee, file, at, message)
            .help("gardez une seule ligne pour cette clé (la seconde effacerait la première)");
    }
    // libyaml reports a glued key or a quote inside quotes on the line after it, or
    // on it: look there.
    let reported = e.location().map_or(first_line, |loc| loc.line() + first_line - 1);
    let near = reported.saturating_sub(2).max(first_line)..=reported;
    if let Some(d) = missing_space(file, source, first_line, near.clone()) {
        return d;
    }
    if let Some(d) = near.clone().rev().find_map(|n| quote_inside(file, n, source.line(n)?)) {
        return d;
    }
    // For an unclosed bracket or quote, libyaml reports the end of the text; the
    // place where the bracket or quote opened ("while parsing … at line L column C")
    // is where the coordinator has to look.
    let (line, column) = match (opening_mark(&full), e.location()) {
        (Some((l, c)), _)
            if ["flow", "end of stream", "quoted", "simple key", "alias"].iter().any(|w| full.contains(w)) =>
        {
            (l + first_line - 1, c)
        }
        (_, Some(loc)) => (loc.line() + first_line - 1, loc.column()),
        _ => (first_line, 1),
    };
    // A quote left open swallows the lines after it; libyaml then complains further
    // down. Point at the line whose quotes do not pair up instead.
    let unpaired = (first_line..=line)
        .rev()
        .take(3)
        .find_map(|n| source.line(n).filter(|l| l.matches('"').count() % 2 == 1).map(|l| (n, l)));
    if let Some((open, text)) = unpaired {
        let column = text.find('"').map_or(1, |i| text[..i].chars().count() + 1);
        let at = At::Pos { line: open, column, width: 1 };
        return Diagnostic::new(Code::YamlSyntaxe, file, at, "guillemet non fermé")
            .help("fermez le texte par un `\"` sur la même ligne");
    }
    let line_text = source.line(line).unwrap_or("");
    let (message, help) = translate_yaml_error(&raw, line_text);
    let at = At::Pos { line, column, width: 1 };
    Diagnostic::new(Code::YamlSyntaxe, file, at, message).help(help)
}

/// `statut:mise_en_oeuvre`: a key glued to its value. YAML reads the whole line as
/// one text and reports the line after it; the fix is one space, on this line.
/// A non-breaking space there (from Word) is not a space to YAML either. Only the
/// file lines in `near` are looked at.
fn missing_space(
    file: &str,
    source: &Source,
    first_line: usize,
    near: std::ops::RangeInclusive<usize>,
) -> Option<Diagnostic> {
    let Format::Fiche { yaml, .. } = &source.format else { return None };
    let (n, key, column, value, nbsp) = source.text[yaml.clone()].lines().enumerate().find_map(|(n, line)| {
        if !near.contains(&(n + first_line)) {
            return None;
        }
        let start = line.len() - line.trim_start_matches([' ', '-']).len();
        let rest = &line[start..];
        let (key, value) = glued(rest)?;
        let nbsp = value.starts_with(['\u{a0}', '\u{202f}']);
        Some((n, key, start + key.len() + 2, value, nbsp))
    })?;
    let column = source.line(n + first_line).map_or(column, |l| l[..column - 1].chars().count() + 1);
    let at = At::Pos { line: n + first_line, column, width: 1 };
    let value = value.trim_start_matches(['\u{a0}', '\u{202f}']).trim_end();
    let message = if nbsp {
        format!("espace insécable après `{key}:` : YAML n'y voit pas une espace")
    } else {
        format!("il manque une espace après `{key}:`")
    };
    let help = if nbsp {
        format!("écrivez `{key}: {value}`, avec une espace ordinaire")
    } else {
        format!("écrivez `{key}: {value}`")
    };
    Some(Diagnostic::new(Code::YamlSyntaxe, file, at, message).help(help))
}

/// `pilote: 'L'équipe'` or `pilote: "Le "CLSM""`: the quote that opens the text
/// appears inside it, and ends it there.
fn quote_inside(file: &str, n: usize, line: &str) -> Option<Diagnostic> {
    let (key, value) = line.split_once(": ")?;
    let value = value.trim();
    let quote = value.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let inner = value.strip_prefix(quote)?.strip_suffix(quote)?;
    let stray =
        if quote == '\'' { inner.replace("''", "").contains('\'') } else { inner.replace("\\\"", "").contains('"') };
    if !stray {
        return None;
    }
    let key = key.trim().trim_start_matches("- ");
    let (message, help) = if quote == '\'' {
        (
            "apostrophe dans un texte entre apostrophes",
            format!("écrivez `{key}: \"{inner}\"`, entre guillemets doubles"),
        )
    } else {
        ("guillemets dans un texte entre guillemets", format!("écrivez `{key}: '{inner}'`, entre apostrophes"))
    };
    let column = line.find(value).map_or(1, |i| line[..i].chars().count() + 1);
    let at = At::Pos { line: n, column, width: 1 };
    Some(Diagnostic::new(Code::YamlSyntaxe, file, at, message).help(help))
}

/// The `line L column C` of the context libyaml gives after `while parsing …`.
fn opening_mark(message: &str) -> Option<(usize, usize)> {
    let context = message.split(", while parsing").nth(1).or_else(|| message.split(", while scanning").nth(1))?;
    let rest = context.split(" at line ").nth(1)?;
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// French words for the errors libyaml reports most often.
fn translate_yaml_error(raw: &str, line: &str) -> (String, String) {
    let tab = raw.contains("tab character") || (line.contains('\t') && raw.contains("cannot start any token"));
    let (message, help): (&str, &str) = if tab {
        (
            "tabulation dans l'indentation",
            "YAML n'accepte que des espaces pour indenter : remplacez les tabulations par deux espaces",
        )
    } else if raw.contains("mapping values are not allowed") {
        return (
            "deux-points inattendu".into(),
            format!("un texte qui contient `: ` s'écrit entre guillemets : `{}`", quoted_value(line)),
        );
    } else if raw.contains("did not find expected key") || raw.contains("did not find expected '-' indicator") {
        ("indentation incohérente", "alignez les clés d'un même niveau sur la même colonne, avec des espaces")
    } else if raw.contains("did not find expected ',' or ']'") {
        ("liste entre crochets mal fermée", "séparez les éléments par `,` et fermez la liste par `]`")
    } else if raw.contains("did not find expected ',' or '}'") {
        ("accolades mal fermées", "séparez les clés par `,` et fermez par `}`")
    } else if raw.contains("found unexpected end of stream") || raw.contains("found unexpected end") {
        ("fin de texte inattendue", "un guillemet, un crochet ou une accolade n'est pas fermé")
    } else if raw.contains("repetition limit exceeded") || raw.contains("recursion limit exceeded") {
        ("document trop imbriqué ou trop d'alias YAML", "écrivez les valeurs directement, sans ancres `&` ni alias `*`")
    } else if raw.contains("unknown anchor") || raw.contains("undefined alias") {
        ("alias YAML vers une ancre inconnue", "écrivez la valeur directement au lieu de `*nom`")
    } else if raw.contains("while scanning a tag") {
        let help = format!("un texte qui commence par `!` s'écrit entre guillemets : `{}`", quoted_value(line));
        return ("`!` en début de valeur : YAML y voit une étiquette".into(), help);
    } else if raw.contains("alphabetic or numeric character") {
        // `titre: *Bien-être*`: Markdown emphasis, which YAML reads as an alias.
        let help = format!("un texte qui commence par `*` ou `&` s'écrit entre guillemets : `{}`", quoted_value(line));
        return ("`*` ou `&` en début de valeur : YAML y voit un alias".into(), help);
    } else if raw.contains("cannot start any token") {
        let first = line.split_once(':').map_or("", |(_, v)| v).trim_start().chars().next().unwrap_or('@');
        // A backquote cannot be shown between backquotes.
        let named = if first == '`' { "l'accent grave".to_string() } else { format!("`{first}`") };
        let help = format!("un texte qui commence par {named} s'écrit entre guillemets : `{}`", quoted_value(line));
        return (format!("{named} ne peut pas commencer une valeur YAML"), help);
    } else if raw.contains("unknown escape character") {
        (
            "barre oblique inverse `\\` dans un texte entre guillemets doubles",
            "utilisez des guillemets simples (`'C:\\dossier'`) ou doublez la barre (`\\\\`)",
        )
    } else if raw.contains("could not find expected ':'") {
        (
            "ligne sans `:` : chaque ligne du bloc de clés s'écrit `clé: valeur`",
            "ajoutez `: ` après la clé ; si la ligne continue le texte de la précédente, indentez-la de deux espaces",
        )
    } else if raw.contains("more than one document") {
        ("second bloc de clés", "une fiche n'a qu'un bloc de clés, entre deux lignes `---`")
    } else if raw.contains("did not find expected node content") {
        ("valeur manquante", "écrivez une valeur après `:`, ou supprimez la ligne")
    } else if raw.contains("block sequence entries are not allowed") {
        ("tiret inattendu", "une liste commence à la ligne après sa clé, chaque élément sur sa ligne `  - …`")
    } else {
        ("syntaxe YAML invalide", "comparez avec l'exemple de fiche du README : `clé: valeur`, une clé par ligne")
    };
    (message.to_string(), help.to_string())
}

/// `titre: "*Bien-être*"`: the line with its value between double quotes.
fn quoted_value(line: &str) -> String {
    match line.split_once(':') {
        Some((key, value)) => {
            let value = value.trim();
            format!("{}: {}", key.trim(), serde_json::to_string(value).unwrap_or_default())
        }
        None => format!("\"{}\"", line.trim()),
    }
}
