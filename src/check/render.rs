//! Printing diagnostics: for a person (with the offending line quoted), as JSON, or
//! as GitHub annotations for pull-request review.

use std::fmt::Write as _;

use serde::Serialize;

use crate::diag::{At, Diagnostic, Severity};
use crate::load::{Files, Loaded};
use crate::terminal;

/// The output formats of `clsm check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For a person: the file, the line quoted, the fix.
    Texte,
    /// One JSON object, for tools.
    Json,
    /// GitHub Actions annotations (`::error file=…`).
    Github,
    /// A GitLab Code Quality report (JSON), for merge requests.
    Gitlab,
}

/// Counts shown in the final line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub actions: usize,
    pub partenaires: usize,
    pub indicateurs: usize,
    pub evenements: usize,
}

impl Summary {
    /// The counts of a loaded repository.
    pub fn of(loaded: &Loaded) -> Self {
        let repo = &loaded.repo;
        Summary {
            actions: repo.actions.len(),
            partenaires: repo.partenaires.len(),
            indicateurs: repo.indicateurs.len(),
            evenements: repo.evenements.len(),
        }
    }
}

/// Renders `diagnostics` in `format`, their positions resolved in the files of
/// `loaded` and sorted. `color` adds ANSI colours (`texte` only).
pub fn render(
    format: Format,
    diagnostics: Vec<Diagnostic>,
    loaded: &Loaded,
    summary: Option<Summary>,
    color: bool,
) -> String {
    let mut files = Files::new(loaded);
    let diagnostics = files.resolve(diagnostics);
    match format {
        Format::Texte => human(&diagnostics, &files, summary, color),
        Format::Json => json(&diagnostics),
        Format::Github => github(&diagnostics, &loaded.root),
        Format::Gitlab => gitlab(&diagnostics, &loaded.root),
    }
}

/// The diagnostics as GitHub Actions shows them in a job's summary
/// (`$GITHUB_STEP_SUMMARY`, Markdown): the count, then every problem, since the
/// annotations of a step stop at ten errors and ten warnings.
pub fn github_summary(diagnostics: Vec<Diagnostic>, loaded: &Loaded) -> String {
    let mut files = Files::new(loaded);
    let diagnostics = files.resolve(diagnostics);
    let prefix = repo_prefix(&loaded.root);
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    let cell = |s: &str| terminal::one_line(s).replace('|', "\\|").replace('<', "&lt;");
    let mut out = format!(
        "## clsm check : {}, {}\n\n",
        plural(errors, "erreur", "erreurs"),
        plural(warnings, "avertissement", "avertissements")
    );
    if diagnostics.is_empty() {
        out.push_str("Aucun problème.\n");
        return out;
    }
    out.push_str("| Où | Gravité | Code | Problème | Aide |\n|---|---|---|---|---|\n");
    for d in &diagnostics {
        let (line, column) = d.line_column();
        let gravity = if d.severity == Severity::Error { "erreur" } else { "avertissement" };
        let _ = writeln!(
            out,
            "| `{}{}:{line}:{column}` | {gravity} | `{}` | {} | {} |",
            prefix.as_deref().map(|p| format!("{p}/")).unwrap_or_default(),
            cell(&d.file),
            d.code,
            cell(&d.message),
            d.help.as_deref().map(cell).unwrap_or_default()
        );
    }
    out
}

/// The repository's folder relative to the current one (`contrat`), when it is
/// below it: GitHub and GitLab name files from the root of the git repository.
fn repo_prefix(root: &std::path::Path) -> Option<String> {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| root.canonicalize().ok()?.strip_prefix(cwd.canonicalize().ok()?).ok().map(|p| p.to_path_buf()))
        .map(|p| p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
        .filter(|p| !p.is_empty())
}

#[derive(Serialize)]
struct CodeQuality {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: CodeQualityLocation,
}

#[derive(Serialize)]
struct CodeQualityLocation {
    path: String,
    lines: CodeQualityLines,
}

#[derive(Serialize)]
struct CodeQualityLines {
    begin: usize,
}

/// A GitLab Code Quality report: a JSON array, one issue per problem, each with a
/// fingerprint that stays the same while the problem does (its code, file, message
/// and help, not its line), so that GitLab tells new problems from old ones.
fn gitlab(diagnostics: &[Diagnostic], root: &std::path::Path) -> String {
    let prefix = repo_prefix(root);
    let issues: Vec<CodeQuality> = diagnostics
        .iter()
        .map(|d| {
            let (line, _) = d.line_column();
            let path = match &prefix {
                Some(p) => format!("{p}/{}", d.file),
                None => d.file.clone(),
            };
            let mut description = format!("{} [{}]", d.message, d.code);
            if let Some(help) = &d.help {
                description.push_str(&format!(" — aide : {help}"));
            }
            let fingerprint = fingerprint(&[d.code.name(), &path, &d.message, d.help.as_deref().unwrap_or("")]);
            CodeQuality {
                description,
                check_name: d.code.name(),
                fingerprint,
                severity: if d.severity == Severity::Error { "major" } else { "minor" },
                location: CodeQualityLocation { path, lines: CodeQualityLines { begin: line } },
            }
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// A stable hexadecimal fingerprint of `parts` (FNV-1a, 128 bits from two seeds):
/// the same on every machine and every run.
fn fingerprint(parts: &[&str]) -> String {
    let hash = |seed: u64| {
        let mut h = seed;
        for part in parts {
            for b in part.bytes().chain(std::iter::once(0)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        h
    };
    format!("{:016x}{:016x}", hash(0xcbf2_9ce4_8422_2325), hash(0x8422_2325_cbf2_9ce4))
}

/// One diagnostic as a web page shows it (`clsm serve`): where, what, the line
/// quoted with the part to look at, and the fix. Text, escaped by the template.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Shown {
    pub severity: Severity,
    pub code: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    /// The quoted line: before the part to look at, that part, and after.
    pub extrait: Option<[String; 3]>,
}

/// `diagnostics` resolved in the files of `loaded`, sorted, for a web page.
pub fn shown(diagnostics: Vec<Diagnostic>, loaded: &Loaded) -> Vec<Shown> {
    let mut files = Files::new(loaded);
    let diagnostics = files.resolve(diagnostics);
    diagnostics
        .iter()
        .map(|d| {
            let (line, column) = d.line_column();
            let width = match d.at {
                At::Pos { width, .. } => width,
                _ => 1,
            };
            let extrait = files.line(&d.file, line).map(|text| {
                let (text, indent, marks) = excerpt(text, column, width);
                let chars: Vec<char> = text.chars().collect();
                let (at, end) = (indent.min(chars.len()), (indent + marks).min(chars.len()));
                [chars[..at].iter().collect(), chars[at..end].iter().collect(), chars[end..].iter().collect()]
            });
            Shown {
                severity: d.severity,
                code: d.code.name().to_string(),
                file: d.file.clone(),
                line,
                column,
                message: d.message.clone(),
                help: d.help.clone(),
                extrait,
            }
        })
        .collect()
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

fn human(diagnostics: &[Diagnostic], files: &Files, summary: Option<Summary>, color: bool) -> String {
    let style = Style { on: color };
    let mut out = String::new();
    for d in diagnostics {
        let (line, column) = d.line_column();
        let width = match d.at {
            At::Pos { width, .. } => width,
            _ => 1,
        };
        let (label, paint) = match d.severity {
            Severity::Error => ("erreur", "1;31"),
            Severity::Warning => ("avertissement", "1;33"),
        };
        let head = style.paint(paint, &format!("{label}[{}]", d.code));
        // A message is one line: a line break from a fiche would forge another one.
        let (file, message) = (terminal::one_line(&d.file), terminal::one_line(&d.message));
        let _ = writeln!(out, "{file}:{line}:{column}: {head}: {}", style.paint("1", &message));
        if let Some(text) = files.line(&d.file, line) {
            let gutter = " ".repeat(line.to_string().len());
            let (text, indent, marks) = excerpt(text, column, width);
            let (indent, marks) = (" ".repeat(indent), "^".repeat(marks));
            let _ = writeln!(out, " {} {text}", style.paint("34", &format!("{line} |")));
            let _ = writeln!(out, " {gutter} {} {indent}{}", style.paint("34", "|"), style.paint(paint, &marks));
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, " {} {}", style.paint("36", "aide :"), terminal::one_line(help));
        }
        out.push('\n');
    }
    let Some(summary) = summary else { return out };
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    let counts = format!(
        "{}, {}, {}, {}",
        plural(summary.actions, "action", "actions"),
        plural(summary.partenaires, "partenaire", "partenaires"),
        plural(summary.indicateurs, "indicateur", "indicateurs"),
        plural(summary.evenements, "événement", "événements"),
    );
    let verdict = match (errors, warnings) {
        (0, 0) => style.paint("1;32", "aucun problème"),
        (0, w) => style.paint("1;33", &format!("aucune erreur, {}", plural(w, "avertissement", "avertissements"))),
        (e, w) => style.paint(
            "1;31",
            &format!("{}, {}", plural(e, "erreur", "erreurs"), plural(w, "avertissement", "avertissements")),
        ),
    };
    let _ = writeln!(out, "{counts} : {verdict}");
    out
}

/// The most characters of a line quoted under a diagnostic.
const EXCERPT: usize = 100;

/// The part of `line` to quote, how far the caret is indented under it and how many
/// carets: at most [`EXCERPT`] characters around `column`, cut with `…`. The caret
/// stays under the value: a character that would act on the terminal is shown as
/// one `�`, a tab as one space.
fn excerpt(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if terminal::acts(c) => '\u{FFFD}',
            c => c,
        })
        .collect();
    let at = column.saturating_sub(1).min(chars.len());
    let start = if chars.len() <= EXCERPT { 0 } else { at.saturating_sub(EXCERPT / 3) };
    let end = (start + EXCERPT).min(chars.len());
    let mut text: String = chars[start..end].iter().collect();
    let mut indent = at - start;
    if start > 0 {
        text.insert(0, '…');
        indent += 1;
    }
    if end < chars.len() {
        text.push('…');
    }
    let marks = width.clamp(1, end.saturating_sub(at).max(1));
    (text, indent, marks)
}

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'static str,
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
    help: Option<&'a str>,
}

fn json(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let report = JsonReport {
        errors,
        warnings: diagnostics.len() - errors,
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let (line, column) = d.line_column();
                JsonDiagnostic {
                    severity: d.severity,
                    code: d.code.name(),
                    file: &d.file,
                    line,
                    column,
                    message: &d.message,
                    help: d.help.as_deref(),
                }
            })
            .collect(),
    };
    // Serializing plain structs of strings and numbers cannot fail.
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

/// GitHub workflow commands. Paths are made relative to the current folder when the
/// repository lies below it, since annotations name files from the checkout's root.
fn github(diagnostics: &[Diagnostic], root: &std::path::Path) -> String {
    let prefix = repo_prefix(root);
    let mut out = String::new();
    for d in diagnostics {
        let (line, column) = d.line_column();
        let file = match &prefix {
            Some(p) => format!("{p}/{}", d.file),
            None => d.file.clone(),
        };
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = format!("[{}] {}", d.code, d.message);
        if let Some(help) = &d.help {
            message.push_str(&format!("\naide : {help}"));
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={line},col={column},title={}::{}",
            escape_property(&file),
            escape_property(&format!("clsm {}", d.code)),
            escape_data(&message)
        );
    }
    // A step shows ten annotations of each kind: the count says how many there are.
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    if errors > GITHUB_SHOWN || warnings > GITHUB_SHOWN {
        let _ = writeln!(
            out,
            "::notice title=clsm check::{} et {} en tout : GitHub n'en annote que dix de chaque ; le résumé de la tâche les liste toutes",
            plural(errors, "erreur", "erreurs"),
            plural(warnings, "avertissement", "avertissements")
        );
    }
    out
}

/// How many annotations of each kind GitHub shows for a step.
const GITHUB_SHOWN: usize = 10;

/// GitHub's escaping of a workflow command, after the characters that would act on
/// the log's terminal are shown escaped.
fn escape_data(s: &str) -> String {
    terminal::clean(s).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_quoted_around_the_value() {
        assert_eq!(excerpt("statut: en_cours", 9, 8), ("statut: en_cours".to_string(), 8, 8));
        let long = format!("{}valeur{}", "a".repeat(500), "b".repeat(500));
        let (text, indent, marks) = excerpt(&long, 501, 6);
        assert_eq!(text.chars().count(), EXCERPT + 2);
        assert!(text.starts_with('…') && text.ends_with('…'));
        assert_eq!(text.chars().skip(indent).take(6).collect::<String>(), "valeur");
        assert_eq!(marks, 6);
        assert_eq!(excerpt("a\u{1b}b", 3, 1), ("a\u{FFFD}b".to_string(), 2, 1));
    }

    #[test]
    fn github_escapes_newlines_and_separators() {
        assert_eq!(escape_data("a\nb%"), "a%0Ab%25");
        assert_eq!(escape_property("a,b:c"), "a%2Cb%3Ac");
    }
}
