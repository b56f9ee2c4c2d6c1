//! Where each key and value of a document is, so diagnostics can point at them.
//!
//! serde_yaml gives values without positions. When a file has something to report,
//! its front matter is read a second time as a stream of YAML events (saphyr-parser),
//! and every key and value is recorded under its path. Valid files never pay for it;
//! they pay only for [`written`], and only when they hold a number written otherwise
//! than as a plain integer, or a `#`.
//! `clsm.toml` gets the same index from the spans of the TOML parser.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::diag::YamlPath;
use crate::model::yaml::RawScalars;

/// A position in a file: 1-based line and column (in characters), and a width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub width: usize,
}

/// The position of one node: its key (for mapping entries) and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodePos {
    pub key: Option<Pos>,
    pub value: Pos,
}

/// Positions by path, plus the keys written twice in one mapping.
#[derive(Debug, Default)]
pub struct SpanIndex {
    nodes: HashMap<YamlPath, NodePos>,
    /// `(path of the repeated key, position of its second occurrence)`.
    pub duplicates: Vec<(YamlPath, Pos)>,
}

impl SpanIndex {
    /// The position of a node, if the document has it.
    pub fn get(&self, path: &YamlPath) -> Option<NodePos> {
        self.nodes.get(path).copied()
    }

    /// Records a node's position (first occurrence wins).
    pub fn insert(&mut self, path: YamlPath, pos: NodePos) {
        self.nodes.entry(path).or_insert(pos);
    }
}

enum Frame {
    Map { path: YamlPath, key: Option<(String, Pos)> },
    Seq { path: YamlPath, next: usize },
}

/// Indexes a YAML text whose first line is line `first_line` of its file.
///
/// Parsing stops quietly at the first syntax error: the index then holds what came
/// before it, which is all a diagnostic can use anyway.
pub fn index_yaml(yaml: &str, first_line: usize) -> SpanIndex {
    let mut index = SpanIndex::default();
    let mut stack: Vec<Frame> = Vec::new();
    let to_pos = |span: &Span, len: usize| Pos {
        line: span.start.line() + first_line - 1,
        column: span.start.col() + 1,
        width: len.max(1),
    };
    let scalar_width = |span: &Span, text: &str| {
        if span.end.line() == span.start.line() && span.end.col() > span.start.col() {
            span.end.col() - span.start.col()
        } else {
            text.lines().next().map_or(1, |l| l.chars().count())
        }
    };
    let mut parser = Parser::new_from_str(yaml);
    while let Some(Ok((event, span))) = parser.next_event() {
        match event {
            Event::Scalar(text, ..) => {
                let pos = to_pos(&span, scalar_width(&span, &text));
                if let Some(Frame::Map { key: key @ None, path }) = stack.last_mut() {
                    let key_path = path.with_key(&text);
                    if index.nodes.contains_key(&key_path) {
                        index.duplicates.push((key_path, pos));
                    }
                    *key = Some((text.into_owned(), pos));
                } else {
                    place(&mut stack, &mut index, pos);
                }
            }
            Event::Alias(_) => place(&mut stack, &mut index, to_pos(&span, 1)),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let pos = to_pos(&span, 1);
                let path = match stack.last() {
                    None => YamlPath::default(),
                    Some(_) => {
                        let path = child_path(&stack).unwrap_or_default();
                        place(&mut stack, &mut index, pos);
                        path
                    }
                };
                if path.0.is_empty() {
                    index.insert(path.clone(), NodePos { key: None, value: pos });
                }
                stack.push(if is_map { Frame::Map { path, key: None } } else { Frame::Seq { path, next: 0 } });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    index
}

/// How some values of a front matter are written, where YAML reads them otherwise
/// than a person would.
#[derive(Debug, Default)]
pub struct Written {
    /// The text of the unquoted values that YAML reads as numbers, as written:
    /// `180.000` and `0x10` are numbers to YAML, but not what a person meant.
    pub raw: RawScalars,
    /// Unquoted texts that a `#` cut short (`titre: Action #3 jeunes` is `Action`
    /// to YAML, the rest a comment): the position of the value and what YAML keeps.
    pub cut: Vec<(Pos, String)>,
}

/// Whether `yaml` may hold a value that [`written`] looks for: a number that YAML
/// reads otherwise than a person (three decimals, an exponent, `0x`, a `+`), or a `#`.
/// Most fiches hold neither, and skip the second reading.
fn may_be_written_otherwise(yaml: &str) -> bool {
    let b = yaml.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    // `numero: "5.182"`: a number between quotes is text, read as written.
    let quoted = |i: usize| {
        let start = b[..i].iter().rposition(|c| !(c.is_ascii_digit() || *c == b'.')).map_or(0, |p| p + 1);
        start > 0 && matches!(b[start - 1], b'"' | b'\'')
    };
    (0..b.len()).any(|i| match b[i] {
        b'#' => true,
        // Three decimals exactly: `180.000` may mean thousands. Other decimals read
        // as written (`1250.50` is 1250.5).
        b'.' => i > 0 && digit(i - 1) && (1..=3).all(|k| digit(i + k)) && !digit(i + 4) && !quoted(i),
        b'e' | b'E' => i > 0 && digit(i - 1) && (digit(i + 1) || matches!(b.get(i + 1), Some(b'+' | b'-'))),
        b'0' => matches!(b.get(i + 1), Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B')),
        b'+' => digit(i + 1),
        _ => false,
    })
}

/// A container being read by [`written`]: a mapping and its current key, or a
/// sequence and its current index. Keys stay borrowed from the text when they can.
enum Open<'a> {
    Map(Option<std::borrow::Cow<'a, str>>),
    Seq(usize),
}

/// Reads how the values of a YAML text are written (see [`Written`]), the text's
/// first line being line `first_line` of its file. A path is only made for what is
/// recorded, so that the fiches of a large repository pay little for it.
pub fn written(yaml: &str, first_line: usize) -> Written {
    let mut out = Written::default();
    if !may_be_written_otherwise(yaml) {
        return out;
    }
    // The lines are only needed to see what follows a value: a `#`.
    let lines: Vec<&str> = if yaml.contains('#') { yaml.lines().collect() } else { Vec::new() };
    let mut stack: Vec<Open> = Vec::new();
    let advance = |stack: &mut Vec<Open>| match stack.last_mut() {
        Some(Open::Map(key)) => *key = None,
        Some(Open::Seq(n)) => *n += 1,
        None => {}
    };
    let mut parser = Parser::new_from_str(yaml);
    while let Some(Ok((event, span))) = parser.next_event() {
        match event {
            Event::Scalar(text, style, ..) => {
                if let Some(Open::Map(key @ None)) = stack.last_mut() {
                    *key = Some(text);
                    continue;
                }
                if style == ScalarStyle::Plain {
                    let width =
                        if span.end.line() == span.start.line() { span.end.col() - span.start.col() } else { 1 };
                    let pos = Pos {
                        line: span.start.line() + first_line - 1,
                        column: span.start.col() + 1,
                        width: width.max(1),
                    };
                    if span.start.line() == span.end.line()
                        && let Some(rest) = lines.get(span.end.line().wrapping_sub(1)).map(|l| after(l, span.end.col()))
                        && let Some(comment) = rest.strip_prefix([' ', '\t']).map(str::trim_start)
                        && let Some(tail) = comment.strip_prefix('#')
                        && (tail.starts_with(|c: char| c.is_ascii_digit())
                            || (tail.starts_with(char::is_alphabetic) && text.contains(' ')))
                    {
                        // `Action #3`, `Mme X #coordination`: a number or a hashtag in
                        // prose, not a comment (`statut: piste #à revoir` may be one).
                        out.cut.push((pos, text.to_string()));
                    }
                    if text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
                        out.raw.insert(path_of(&stack), text.to_string());
                    }
                }
                advance(&mut stack);
            }
            Event::Alias(_) => advance(&mut stack),
            Event::MappingStart(..) => stack.push(Open::Map(None)),
            Event::SequenceStart(..) => stack.push(Open::Seq(0)),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                advance(&mut stack);
            }
            _ => {}
        }
    }
    out
}

/// The path of the value about to be read.
fn path_of(stack: &[Open]) -> YamlPath {
    YamlPath(
        stack
            .iter()
            .filter_map(|open| match open {
                Open::Map(Some(key)) => Some(crate::diag::Seg::Key(key.to_string())),
                Open::Map(None) => None,
                Open::Seq(n) => Some(crate::diag::Seg::Index(*n)),
            })
            .collect(),
    )
}

/// What follows column `col` (in characters) of `line`.
fn after(line: &str, col: usize) -> &str {
    line.char_indices().nth(col).map_or("", |(i, _)| &line[i..])
}

/// The path of the node about to be placed in the innermost container.
fn child_path(stack: &[Frame]) -> Option<YamlPath> {
    match stack.last()? {
        Frame::Map { path, key: Some((k, _)) } => Some(path.with_key(k)),
        Frame::Map { .. } => None,
        Frame::Seq { path, next } => Some(path.with_index(*next)),
    }
}

/// Records a value at the current place and advances the container.
fn place(stack: &mut [Frame], index: &mut SpanIndex, pos: Pos) {
    match stack.last_mut() {
        Some(Frame::Map { path, key }) => {
            if let Some((k, key_pos)) = key.take() {
                index.insert(path.with_key(&k), NodePos { key: Some(key_pos), value: pos });
            }
        }
        Some(Frame::Seq { path, next }) => {
            index.insert(path.with_index(*next), NodePos { key: None, value: pos });
            *next += 1;
        }
        None => index.insert(YamlPath::default(), NodePos { key: None, value: pos }),
    }
}

/// Indexes `clsm.toml` from the spans of the TOML parser.
pub fn index_toml(table: &toml::de::DeTable<'_>, text: &str) -> SpanIndex {
    let mut index = SpanIndex::default();
    let lines = LineIndex::new(text);
    index.insert(YamlPath::default(), NodePos { key: None, value: Pos { line: 1, column: 1, width: 1 } });
    toml_table(table, &YamlPath::default(), &lines, &mut index);
    index
}

fn toml_table(table: &toml::de::DeTable<'_>, path: &YamlPath, lines: &LineIndex, index: &mut SpanIndex) {
    for (key, value) in table {
        let child = path.with_key(key.get_ref());
        index.insert(child.clone(), NodePos { key: Some(lines.pos(key.span())), value: lines.pos(value.span()) });
        toml_value(value.get_ref(), &child, lines, index);
    }
}

fn toml_value(value: &toml::de::DeValue<'_>, path: &YamlPath, lines: &LineIndex, index: &mut SpanIndex) {
    match value {
        toml::de::DeValue::Table(t) => toml_table(t, path, lines, index),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let child = path.with_index(i);
                index.insert(child.clone(), NodePos { key: None, value: lines.pos(item.span()) });
                toml_value(item.get_ref(), &child, lines, index);
            }
        }
        _ => {}
    }
}

/// Converts byte offsets into lines and columns.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    /// The position of the byte range `span`.
    pub fn pos(&self, span: std::ops::Range<usize>) -> Pos {
        let start = span.start.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= start);
        let line_start = self.starts[line - 1];
        let column = self.text.get(line_start..start).map_or(1, |s| s.chars().count() + 1);
        let end = span.end.clamp(start, self.text.len());
        let covered = self.text.get(start..end).unwrap_or("");
        let width = covered.lines().next().map_or(1, |l| l.chars().count().max(1));
        Pos { line, column, width }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Seg;

    fn path(s: &[Seg]) -> YamlPath {
        YamlPath(s.to_vec())
    }

    #[test]
    fn finds_keys_and_values_in_block_and_flow_style() {
        let yaml =
            "titre: Bonjour\npartenaires: [ch-jury, ars-grand-es]\nbudget:\n  - poste: Salle\n    montant: 480\n";
        let idx = index_yaml(yaml, 2);
        let titre = idx.get(&YamlPath::key("titre")).unwrap();
        assert_eq!(titre.key, Some(Pos { line: 2, column: 1, width: 5 }));
        assert_eq!(titre.value, Pos { line: 2, column: 8, width: 7 });
        let second = idx.get(&path(&[Seg::Key("partenaires".into()), Seg::Index(1)])).unwrap();
        assert_eq!(second.value, Pos { line: 3, column: 24, width: 12 });
        let montant = idx.get(&path(&[Seg::Key("budget".into()), Seg::Index(0), Seg::Key("montant".into())])).unwrap();
        assert_eq!(montant.value.line, 6);
        assert_eq!(montant.value.column, 14);
    }

    #[test]
    fn written_keeps_the_text_of_numbers_that_yaml_reads_otherwise() {
        let yaml =
            "numero: 0x20\nbudget:\n  - poste: Salle\n    montant: 180.000\nliste: [1, 0x10]\ntitre: Action #3\n";
        let w = written(yaml, 2);
        let at = |p: &[Seg]| w.raw.get(&path(p)).map(String::as_str);
        assert_eq!(at(&[Seg::Key("numero".into())]), Some("0x20"));
        let montant = [Seg::Key("budget".into()), Seg::Index(0), Seg::Key("montant".into())];
        assert_eq!(at(&montant), Some("180.000"));
        assert_eq!(at(&[Seg::Key("liste".into()), Seg::Index(1)]), Some("0x10"));
        assert_eq!(w.cut, [(Pos { line: 7, column: 8, width: 6 }, "Action".to_string())]);
        // Plain integers and dates read as written: no second reading at all.
        assert!(!may_be_written_otherwise("axe: 1\ndate: 2024-03-18\ntexte: En 2020. Fin\nmontant: 1250.50\n"));
        assert!(!may_be_written_otherwise("numero: \"5.182\"\n") && may_be_written_otherwise("valeur: 5.182\n"));
        assert!(written("axe: 1\n", 2).raw.is_empty());
    }

    #[test]
    fn records_duplicate_keys() {
        let idx = index_yaml("titre: a\ntitre: b\n", 2);
        assert_eq!(idx.duplicates.len(), 1);
        assert_eq!(idx.duplicates[0].1.line, 3);
    }

    #[test]
    fn toml_positions_are_lines_of_the_file() {
        let text = "titre = \"X\"\n[[axes]]\nid = \"1\"\n";
        let table = toml::de::DeTable::parse(text).unwrap();
        let idx = index_toml(table.get_ref(), text);
        let id = idx.get(&path(&[Seg::Key("axes".into()), Seg::Index(0), Seg::Key("id".into())])).unwrap();
        assert_eq!(id.value, Pos { line: 3, column: 6, width: 3 });
    }
}
