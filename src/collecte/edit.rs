//! Editing a fiche's front matter in place: a list item added, a key set, and every
//! other byte of the file left as it was (comments, key order, quoting, line
//! endings, the byte-order mark), so that a pull request shows only the new lines.
//!
//! The front matter is read as a stream of YAML events (saphyr-parser) to find
//! where each node starts and ends; an edit is then a few lines inserted, or a few
//! characters replaced on one line. Every edit is verified: the edited front matter
//! is read again and must be, value for value, the old one with exactly the
//! intended change. When it is not (a layout this module does not know how to
//! extend), the edit is refused and the file is left alone.

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_yaml::Value;

use crate::diag::{Seg, YamlPath};
use crate::load::frontmatter;
use crate::load::text;

/// A value to write: a scalar or a mapping of them, in key order.
#[derive(Debug, Clone, PartialEq)]
pub enum New {
    /// Written plain (`12`, `2025`, `realisee`): numbers, dates, words.
    Plain(String),
    /// Free text, quoted when YAML would read it otherwise.
    Text(String),
    /// A mapping, keys in order.
    Map(Vec<(String, New)>),
}

/// One change to a front matter.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Adds `item` to the list at `list` (created when missing), before the item
    /// of index `at`, or last when `at` is the list's length.
    Insert { list: YamlPath, at: usize, item: New },
    /// Sets the key `key` of the mapping at `map` to `value`, replacing a scalar
    /// written on one line, or adding the key after the mapping's last one.
    Set { map: YamlPath, key: String, value: New },
}

impl Change {
    /// What the change writes, as a person would copy it into the fiche by hand:
    /// `avancement : { date: 2026, texte: … }`, `statut: realisee`.
    pub fn by_hand(&self) -> String {
        match self {
            Change::Insert { list, item, .. } => format!("ajoutez à `{list}` : {}", item.inline(true)),
            Change::Set { map, key, value } if map.0.is_empty() => format!("écrivez `{key}: {}`", value.inline(false)),
            Change::Set { map, key, value } => format!("écrivez `{key}: {}` dans `{map}`", value.inline(false)),
        }
    }
}

/// Why an edit could not be made, in French.
#[derive(Debug, Clone, PartialEq)]
pub struct EditError(pub String);

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A position in the front matter: 1-based line of the YAML, 0-based column in
/// characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct At {
    line: usize,
    col: usize,
}

#[derive(Debug)]
enum Kind {
    Scalar {
        text: String,
        style: ScalarStyle,
    },
    /// Each entry: its key, where the key is, its value.
    Map {
        entries: Vec<(String, At, Node)>,
        flow: bool,
    },
    Seq {
        items: Vec<Node>,
        flow: bool,
    },
    Other,
}

/// A node of the front matter and where it lies.
#[derive(Debug)]
struct Node {
    kind: Kind,
    start: At,
    /// The last line holding any of the node's own characters.
    last_line: usize,
    /// For a flow collection: where its closing bracket is.
    close: Option<At>,
}

/// Whether a front matter names an anchor or uses an alias: a value written once
/// and read in several places, which an edit could change everywhere.
fn has_anchors(yaml: &str) -> bool {
    let mut parser = Parser::new_from_str(yaml);
    while let Some(Ok((event, _))) = parser.next_event() {
        match event {
            Event::Alias(_) => return true,
            Event::Scalar(_, _, anchor, _) | Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _)
                if anchor > 0 =>
            {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// Reads the node tree of a front matter, or `None` when it does not parse.
fn tree(yaml: &str) -> Option<Node> {
    let lines: Vec<&str> = yaml.lines().collect();
    let blank = |line: usize| lines.get(line.wrapping_sub(1)).is_none_or(|l| l.trim().is_empty());
    let mut parser = Parser::new_from_str(yaml);
    let mut stack: Vec<(Node, Option<String>)> = Vec::new();
    let mut pending_key: Vec<Option<(String, At)>> = Vec::new();
    let mut root = None;
    let flow_at = |at: At, open: char| lines.get(at.line - 1).and_then(|l| l.chars().nth(at.col)) == Some(open);
    loop {
        let (event, span) = parser.next_event()?.ok()?;
        let start = At { line: span.start.line(), col: span.start.col() };
        let finished = match event {
            Event::StreamEnd => break,
            Event::Scalar(text, style, ..) => {
                let mut last = span.end.line();
                if span.end.col() == 0 && last > start.line {
                    last -= 1;
                }
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    // A block scalar ends at the next token, which may be on the line
                    // of the next item (`  - titre:`): its own lines are the ones
                    // indented as far as its first.
                    let indent = |line: usize| {
                        lines.get(line.wrapping_sub(1)).map_or(0, |l| l.chars().take_while(|c| *c == ' ').count())
                    };
                    while last > start.line && (blank(last) || indent(last) < start.col) {
                        last -= 1;
                    }
                }
                Some(Node {
                    kind: Kind::Scalar { text: text.into_owned(), style },
                    start,
                    last_line: last,
                    close: None,
                })
            }
            Event::Alias(_) => Some(Node { kind: Kind::Other, start, last_line: start.line, close: None }),
            Event::MappingStart(..) => {
                let flow = flow_at(start, '{');
                let node =
                    Node { kind: Kind::Map { entries: Vec::new(), flow }, start, last_line: start.line, close: None };
                stack.push((node, None));
                pending_key.push(None);
                None
            }
            Event::SequenceStart(..) => {
                let flow = flow_at(start, '[');
                let node =
                    Node { kind: Kind::Seq { items: Vec::new(), flow }, start, last_line: start.line, close: None };
                stack.push((node, None));
                pending_key.push(None);
                None
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (mut node, _) = stack.pop()?;
                pending_key.pop();
                let flow = matches!(node.kind, Kind::Map { flow: true, .. } | Kind::Seq { flow: true, .. });
                if flow {
                    node.close = Some(start);
                    node.last_line = start.line;
                }
                Some(node)
            }
            _ => None,
        };
        let Some(node) = finished else { continue };
        let Some((parent, _)) = stack.last_mut() else {
            root = Some(node);
            continue;
        };
        parent.last_line = parent.last_line.max(node.last_line);
        let key = pending_key.last_mut()?;
        match &mut parent.kind {
            Kind::Map { entries, .. } => match key.take() {
                None => match node.kind {
                    Kind::Scalar { text, .. } => *key = Some((text, node.start)),
                    _ => return None,
                },
                Some((k, at)) => entries.push((k, at, node)),
            },
            Kind::Seq { items, .. } => items.push(node),
            _ => return None,
        }
    }
    root
}

impl Node {
    fn child(&self, seg: &Seg) -> Option<&Node> {
        match (&self.kind, seg) {
            (Kind::Map { entries, .. }, Seg::Key(k)) => entries.iter().find(|(key, ..)| key == k).map(|(.., n)| n),
            (Kind::Seq { items, .. }, Seg::Index(i)) => items.get(*i),
            _ => None,
        }
    }

    fn at(&self, path: &YamlPath) -> Option<&Node> {
        path.0.iter().try_fold(self, |node, seg| node.child(seg))
    }

    fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, style: ScalarStyle::Plain } if text.is_empty() || text == "~" || text == "null")
    }
}

/// A text edit: lines inserted before a line, or characters replaced on a line.
/// Lines are 0-based lines of the file; since the YAML starts on the file's second
/// line, the 1-based line `L` of the YAML is the file's line `L` counted from 0.
#[derive(Debug, Clone)]
enum TextEdit {
    /// Before the 0-based line `before` of the file.
    Lines { before: usize, lines: Vec<String> },
    /// On the 0-based line `line`, characters `from..to` replaced.
    Within { line: usize, from: usize, to: usize, text: String },
}

/// Applies `changes` to the fiche `bytes`, returning the new bytes; every byte not
/// part of a change is kept. Fails without a partial result.
pub fn apply(bytes: &[u8], changes: &[Change]) -> Result<Vec<u8>, EditError> {
    let mut current = bytes.to_vec();
    for change in changes {
        current = apply_one(&current, change)?;
    }
    Ok(current)
}

fn front_matter(bytes: &[u8]) -> Result<(String, Value), EditError> {
    let text = text::decode(bytes).map_err(|e| EditError(e.message))?;

    let split = frontmatter::split(&text).map_err(|e| EditError(e.message.to_string()))?;
    let yaml = split.yaml.to_string();
    let value = if yaml.trim().is_empty() {
        Value::Mapping(Default::default())
    } else {
        serde_yaml::from_str(&yaml).map_err(|_| EditError("la fiche ne se relirait pas après l'ajout".into()))?
    };
    Ok((yaml, value))
}

fn apply_one(bytes: &[u8], change: &Change) -> Result<Vec<u8>, EditError> {
    let (yaml, before) = front_matter(bytes)?;
    if has_anchors(&yaml) {
        return Err(EditError(
            "la fiche utilise une ancre ou un alias YAML (`&nom`, `*nom`) : l'import ne la modifie pas".into(),
        ));
    }
    let root = if yaml.trim().is_empty() { None } else { tree(&yaml) };
    let root = root.ok_or_else(|| {
        EditError(
            "l'import ne sait pas relire cette fiche pour y ajouter une ligne (une tabulation après « : », peut-être)"
                .into(),
        )
    })?;
    let edit = plan(&root, &yaml, change)?;
    let out = splice(bytes, &edit);
    let (_, after) = front_matter(&out)?;
    let mut expected = before;
    expect(&mut expected, change)?;
    if after != expected {
        return Err(EditError(
            "la modification ne donnerait pas exactement la valeur voulue dans cette mise en forme".into(),
        ));
    }
    Ok(out)
}

/// The values `change` should leave in the front matter `value`.
fn expect(value: &mut Value, change: &Change) -> Result<(), EditError> {
    let lost = || EditError("chemin absent du front matter".into());
    match change {
        Change::Insert { list, at, item } => {
            let item = item.value()?;
            let (last, parent) = list.0.split_last().ok_or_else(lost)?;
            let container = walk(value, parent).ok_or_else(lost)?;
            let Seg::Key(key) = last else { return Err(lost()) };
            let map = container.as_mapping_mut().ok_or_else(lost)?;
            let key = Value::String(key.clone());
            match map.get_mut(&key) {
                Some(Value::Sequence(items)) if *at <= items.len() => items.insert(*at, item),
                Some(Value::Null) | None => {
                    map.insert(key, Value::Sequence(vec![item]));
                }
                _ => return Err(lost()),
            }
        }
        Change::Set { map, key, value: new } => {
            let container = walk(value, &map.0).ok_or_else(lost)?;
            let mapping = container.as_mapping_mut().ok_or_else(lost)?;
            mapping.insert(Value::String(key.clone()), new.value()?);
        }
    }
    Ok(())
}

fn walk<'a>(value: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, seg| match seg {
        Seg::Key(k) => v.as_mapping_mut()?.get_mut(k.as_str()),
        Seg::Index(i) => v.as_sequence_mut()?.get_mut(*i),
    })
}

impl New {
    /// The value YAML reads from what [`New::block`] or [`New::flow`] writes.
    fn value(&self) -> Result<Value, EditError> {
        Ok(match self {
            New::Plain(s) => serde_yaml::from_str(s).map_err(|_| EditError(format!("valeur illisible `{s}`")))?,
            New::Text(s) => Value::String(s.clone()),
            New::Map(entries) => {
                let mut map = serde_yaml::Mapping::new();
                for (k, v) in entries {
                    map.insert(Value::String(k.clone()), v.value()?);
                }
                Value::Mapping(map)
            }
        })
    }

    /// The scalar as written on one line (inside brackets when `flow`).
    fn inline(&self, flow: bool) -> String {
        match self {
            New::Plain(s) => s.clone(),
            New::Text(s) => quoted(s, flow),
            New::Map(entries) => {
                let parts: Vec<String> =
                    entries.iter().map(|(k, v)| format!("{}: {}", quoted(k, true), v.inline(true))).collect();
                format!("{{ {} }}", parts.join(", "))
            }
        }
    }

    /// `key: value` written in block style at `indent`, as lines.
    fn block_entry(&self, key: &str, indent: usize) -> Vec<String> {
        let pad = " ".repeat(indent);
        let key = quoted(key, false);
        match self {
            New::Text(s) if s.contains('\n') => {
                let mut lines = vec![format!("{pad}{key}: |-")];
                lines.extend(s.lines().map(|l| if l.is_empty() { String::new() } else { format!("{pad}  {l}") }));
                lines
            }
            New::Map(entries) => {
                let mut lines = vec![format!("{pad}{key}:")];
                for (k, v) in entries {
                    lines.extend(v.block_entry(k, indent + 2));
                }
                lines
            }
            _ => vec![format!("{pad}{key}: {}", self.inline(false))],
        }
    }

    /// A list item written in block style, its dash at `indent`.
    fn block_item(&self, indent: usize) -> Vec<String> {
        match self {
            New::Map(entries) if !entries.is_empty() => {
                let mut lines = Vec::new();
                for (k, v) in entries {
                    lines.extend(v.block_entry(k, indent + 2));
                }
                let first = &lines[0][indent + 2..];
                lines[0] = format!("{}- {first}", " ".repeat(indent));
                lines
            }
            other => vec![format!("{}- {}", " ".repeat(indent), other.inline(false))],
        }
    }
}

/// `text` as a YAML scalar that reads back as this very string: plain when it can
/// be, double-quoted otherwise.
pub fn quoted(text: &str, flow: bool) -> String {
    let awkward = text.is_empty() || text.contains('\n') || (flow && text.contains([',', '[', ']', '{', '}']));
    let plain_safe = !awkward
        && serde_yaml::from_str::<Value>(&format!("k: {text}"))
            .ok()
            .and_then(|v| v.get("k").cloned())
            .is_some_and(|v| v == Value::String(text.to_string()));
    // YAML 1.1 readers take these for booleans, numbers, times or dates, or a merge.
    let boolean_like = matches!(text.to_lowercase().as_str(), "yes" | "no" | "on" | "off" | "y" | "n");
    let number_like = text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
        && text.chars().all(|c| c.is_ascii_digit() || matches!(c, '_' | ':' | '.' | '+' | '-' | 'e' | 'E' | ' '));
    if plain_safe && text.trim() == text && !boolean_like && !number_like && text != "<<" {
        text.to_string()
    } else {
        // A JSON string is a YAML double-quoted scalar.
        serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.replace('"', "\\\"")))
    }
}

/// Where and what to write for `change`.
fn plan(root: &Node, yaml: &str, change: &Change) -> Result<TextEdit, EditError> {
    let missing = |what: &str| EditError(format!("{what} introuvable dans le front matter"));
    match change {
        Change::Insert { list, at, item } => {
            let (last, parent_path) = list.0.split_last().ok_or_else(|| missing("liste"))?;
            let Seg::Key(key) = last else { return Err(missing("liste")) };
            let parent = root.at(&YamlPath(parent_path.to_vec())).ok_or_else(|| missing("tableau"))?;
            match parent.child(last) {
                Some(node @ Node { kind: Kind::Seq { items, flow: false }, .. }) if !items.is_empty() => {
                    let indent = dash_column(yaml, node);
                    let lines = item.block_item(indent);
                    let before = match items.get(*at) {
                        Some(next) => {
                            let floor = if *at == 0 { node.start.line } else { items[*at - 1].last_line + 1 };
                            let mut line = next.start.line;
                            while line > floor && is_comment(yaml, line - 1) {
                                line -= 1;
                            }
                            line
                        }
                        None => node.last_line + 1,
                    };
                    Ok(TextEdit::Lines { before, lines })
                }
                Some(Node { kind: Kind::Seq { items, flow: true }, close: Some(close), .. }) => {
                    let text = item.inline(true);
                    let (line, col, text) = match items.get(*at) {
                        Some(next) => (next.start.line, next.start.col, format!("{text}, ")),
                        None if items.is_empty() || char_before(yaml, *close) == Some(',') => {
                            (close.line, close.col, text)
                        }
                        None => (close.line, close.col, format!(", {text}")),
                    };
                    Ok(TextEdit::Within { line, from: col, to: col, text })
                }
                Some(node) if node.is_null() => Err(EditError(format!(
                    "la clé `{key}` n'a pas de valeur : écrivez `{key}: []` ou retirez la ligne"
                ))),
                Some(_) => Err(EditError(format!("`{key}` n'est pas une liste"))),
                None => new_key(parent, yaml, key, &New::Map(vec![]), Some(item))
                    .ok_or_else(|| EditError(format!("impossible d'ajouter la liste `{key}`"))),
            }
        }
        Change::Set { map, key, value } => {
            let parent = root.at(map).ok_or_else(|| missing("tableau"))?;
            match parent.child(&Seg::Key(key.clone())) {
                Some(Node { kind: Kind::Scalar { style, .. }, start, last_line, .. })
                    if *last_line == start.line && !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) =>
                {
                    let line = yaml.lines().nth(start.line - 1).unwrap_or("");
                    let end = scalar_end(line, start.col, style);
                    Ok(TextEdit::Within { line: start.line, from: start.col, to: end, text: value.inline(false) })
                }
                Some(_) => Err(EditError(format!("`{key}` s'étend sur plusieurs lignes : modifiez-le à la main"))),
                None => new_key(parent, yaml, key, value, None)
                    .ok_or_else(|| EditError(format!("impossible d'ajouter la clé `{key}`"))),
            }
        }
    }
}

/// The end column (exclusive, in characters) of the scalar starting at `col`.
fn scalar_end(line: &str, col: usize, style: &ScalarStyle) -> usize {
    let chars: Vec<char> = line.chars().collect();
    match style {
        ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => {
            let quote = chars.get(col).copied().unwrap_or('"');
            let mut i = col + 1;
            while i < chars.len() {
                if chars[i] == '\\' && quote == '"' {
                    i += 2;
                    continue;
                }
                if chars[i] == quote {
                    if quote == '\'' && chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            chars.len()
        }
        _ => {
            // A plain scalar ends before ` #`, `,`, `}` or `]` in flow, or the line's end.
            let mut end = col;
            let mut i = col;
            while i < chars.len() {
                let c = chars[i];
                if c == '#' && i > 0 && chars[i - 1].is_whitespace() {
                    break;
                }
                if matches!(c, ',' | '}' | ']') {
                    break;
                }
                if !c.is_whitespace() {
                    end = i + 1;
                }
                i += 1;
            }
            end
        }
    }
}

/// The column of the dashes of a block list: its first item's line starts with
/// one, indented or not (`mesures:` then `- date: 2019` at the key's column).
fn dash_column(yaml: &str, list: &Node) -> usize {
    let line = yaml.lines().nth(list.start.line.saturating_sub(1)).unwrap_or("");
    let indent = line.chars().take_while(|c| *c == ' ').count();
    if line.chars().nth(indent) == Some('-') { indent } else { list.start.col }
}

/// The last character before `at` that is not a space or a line break.
fn char_before(yaml: &str, at: At) -> Option<char> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut line = at.line.checked_sub(1)?;
    let mut col = at.col;
    loop {
        let chars: Vec<char> = lines.get(line)?.chars().take(col).collect();
        if let Some(c) = chars.iter().rev().find(|c| !c.is_whitespace()) {
            return Some(*c);
        }
        line = line.checked_sub(1)?;
        col = usize::MAX;
    }
}

/// Whether YAML line `line` (1-based) holds only a comment.
fn is_comment(yaml: &str, line: usize) -> bool {
    yaml.lines().nth(line.wrapping_sub(1)).is_some_and(|l| l.trim_start().starts_with('#'))
}

/// A new key in mapping `parent`: `key: value`, or `key:` followed by `item` as the
/// first item of a new list.
fn new_key(parent: &Node, yaml: &str, key: &str, value: &New, item: Option<&New>) -> Option<TextEdit> {
    match &parent.kind {
        Kind::Map { flow: true, entries } => {
            let close = parent.close?;
            let written = match item {
                Some(item) => format!("{key}: [{}]", item.inline(true)),
                None => format!("{key}: {}", value.inline(true)),
            };
            let text = if entries.is_empty() { format!(" {written} ") } else { format!(", {written}") };
            let line = yaml.lines().nth(close.line - 1)?;
            // `{ a: 1 }`: the new key goes after `1`, before the space and `}`.
            let chars: Vec<char> = line.chars().collect();
            let mut col = close.col;
            while col > 0 && chars.get(col - 1).is_some_and(|c| c.is_whitespace()) {
                col -= 1;
            }
            Some(TextEdit::Within { line: close.line, from: col, to: col, text })
        }
        Kind::Map { flow: false, entries } => {
            let indent = entries.first().map_or(parent.start.col, |(_, key, _)| key.col);
            let lines = match item {
                Some(item) => {
                    let mut lines = vec![format!("{}{key}:", " ".repeat(indent))];
                    lines.extend(item.block_item(indent + 2));
                    lines
                }
                None => value.block_entry(key, indent),
            };
            Some(TextEdit::Lines { before: parent.last_line + 1, lines })
        }
        _ => None,
    }
}

/// The file's bytes with `edit` made, its line endings and BOM kept.
fn splice(bytes: &[u8], edit: &TextEdit) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let crlf = text.split_inclusive('\n').next().is_some_and(|l| l.ends_with("\r\n"));
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    match edit {
        TextEdit::Lines { before, lines: new } => {
            let at = (*before).min(lines.len());
            // The line before may lack its end of line (it cannot here: the closing
            // `---` follows), but never join two lines.
            if at > 0 && !lines[at - 1].ends_with('\n') {
                lines[at - 1].push_str(eol);
            }
            for (k, l) in new.iter().enumerate() {
                lines.insert(at + k, format!("{l}{eol}"));
            }
        }
        TextEdit::Within { line, from, to, text: new } => {
            if let Some(target) = lines.get_mut(*line) {
                let bom = *line == 0 && target.starts_with('\u{feff}');
                let body: Vec<char> = target.chars().skip(usize::from(bom)).collect();
                let ending_len = body.iter().rev().take_while(|c| **c == '\n' || **c == '\r').count();
                let content = &body[..body.len() - ending_len];
                let from = (*from).min(content.len());
                let to = (*to).clamp(from, content.len());
                let mut out: String = if bom { "\u{feff}".into() } else { String::new() };
                out.extend(&content[..from]);
                out.push_str(new);
                out.extend(&content[to..]);
                out.extend(&body[body.len() - ending_len..]);
                *target = out;
            }
        }
    }
    lines.concat().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(date: &str, valeur: &str) -> New {
        New::Map(vec![("date".into(), New::Plain(date.into())), ("valeur".into(), New::Plain(valeur.into()))])
    }

    fn insert(list: &str, at: usize, item: New) -> Change {
        Change::Insert { list: YamlPath::key(list), at, item }
    }

    fn edited(text: &str, change: Change) -> String {
        String::from_utf8(apply(text.as_bytes(), &[change]).unwrap()).unwrap()
    }

    #[test]
    fn appends_to_a_block_list_after_its_last_line() {
        let text = "---\nlibelle: x\nmesures:\n  - date: 2019\n    commentaire: >-\n      long\n      texte\n\n# après\nsources: [a]\n---\ncorps\n";
        let out = edited(text, insert("mesures", 1, measure("2025", "12")));
        assert_eq!(
            out,
            "---\nlibelle: x\nmesures:\n  - date: 2019\n    commentaire: >-\n      long\n      texte\n  - date: 2025\n    valeur: 12\n\n# après\nsources: [a]\n---\ncorps\n"
        );
    }

    #[test]
    fn inserts_before_a_later_item_and_its_comment() {
        let text = "---\nmesures:\n  - date: 2019\n  # la suivante\n  - date: 2026\n---\n";
        let out = edited(text, insert("mesures", 1, measure("2025", "3")));
        assert_eq!(
            out,
            "---\nmesures:\n  - date: 2019\n  - date: 2025\n    valeur: 3\n  # la suivante\n  - date: 2026\n---\n"
        );
    }

    #[test]
    fn adds_a_missing_list_at_the_end_of_the_front_matter() {
        let text = "---\nlibelle: x # note\ntype: processus\n---\n";
        let out = edited(text, insert("mesures", 0, measure("2025", "3")));
        assert_eq!(out, "---\nlibelle: x # note\ntype: processus\nmesures:\n  - date: 2025\n    valeur: 3\n---\n");
    }

    #[test]
    fn extends_a_flow_list() {
        let out =
            edited("---\nmesures: [{ date: 2019, valeur: 1 }]\n---\n", insert("mesures", 1, measure("2025", "2")));
        assert_eq!(out, "---\nmesures: [{ date: 2019, valeur: 1 }, { date: 2025, valeur: 2 }]\n---\n");
        let out = edited("---\nmesures: []\n---\n", insert("mesures", 0, measure("2025", "2")));
        assert_eq!(out, "---\nmesures: [{ date: 2025, valeur: 2 }]\n---\n");
    }

    #[test]
    fn extends_lists_written_without_indentation_or_with_a_trailing_comma() {
        let text = "---\nmesures:\n- date: 2019\n  valeur: 1\ntype: processus\n---\n";
        let out = edited(text, insert("mesures", 1, measure("2025", "2")));
        assert_eq!(out, "---\nmesures:\n- date: 2019\n  valeur: 1\n- date: 2025\n  valeur: 2\ntype: processus\n---\n");
        let text = "---\nmesures: [\n  { date: 2019, valeur: 1 },\n]\n---\n";
        let out = edited(text, insert("mesures", 1, measure("2025", "2")));
        assert_eq!(out, "---\nmesures: [\n  { date: 2019, valeur: 1 },\n{ date: 2025, valeur: 2 }]\n---\n");
    }

    #[test]
    fn keeps_crlf_endings_and_the_bom() {
        let text = "\u{feff}---\r\nstatut: piste # avant\r\ntitre: x\r\n---\r\n";
        let change =
            Change::Set { map: YamlPath::default(), key: "statut".into(), value: New::Plain("realisee".into()) };
        assert_eq!(edited(text, change), "\u{feff}---\r\nstatut: realisee # avant\r\ntitre: x\r\n---\r\n");
        let out = edited(text, insert("avancement", 0, measure("2025", "1")));
        assert_eq!(
            out,
            "\u{feff}---\r\nstatut: piste # avant\r\ntitre: x\r\navancement:\r\n  - date: 2025\r\n    valeur: 1\r\n---\r\n"
        );
    }

    #[test]
    fn sets_a_key_in_a_list_item_or_adds_it() {
        let text = "---\nobjectifs_operationnels:\n  - titre: A\n    comment: c\n  - { titre: B }\n  - titre: C\n    statut: piste\n---\n";
        let set = |i: usize| Change::Set {
            map: YamlPath::key("objectifs_operationnels").with_index(i),
            key: "statut".into(),
            value: New::Plain("realisee".into()),
        };
        let out = edited(text, set(0));
        assert!(out.contains("  - titre: A\n    comment: c\n    statut: realisee\n  - { titre: B }\n"), "{out}");
        assert!(edited(text, set(1)).contains("  - { titre: B, statut: realisee }\n"));
        assert!(edited(text, set(2)).contains("  - titre: C\n    statut: realisee\n"));
    }

    #[test]
    fn sets_a_key_after_a_folded_text_that_ends_an_item() {
        let text = "---\nobjectifs_operationnels:\n  - titre: A\n    comment: >-\n      Long\n      texte.\n  - titre: B\n---\n";
        let change = Change::Set {
            map: YamlPath::key("objectifs_operationnels").with_index(0),
            key: "statut".into(),
            value: New::Plain("realisee".into()),
        };
        let out = edited(text, change);
        assert_eq!(
            out,
            "---\nobjectifs_operationnels:\n  - titre: A\n    comment: >-\n      Long\n      texte.\n    statut: realisee\n  - titre: B\n---\n"
        );
    }

    #[test]
    fn quotes_only_texts_yaml_would_misread() {
        assert_eq!(quoted("Trois rencontres.", false), "Trois rencontres.");
        assert_eq!(quoted("2025", false), "\"2025\"");
        assert_eq!(quoted("oui", false), "oui");
        assert_eq!(quoted("yes", false), "\"yes\"");
        for ambiguous in ["0123", "1_000", "12:30", "2026-01-01", "<<", "26-65"] {
            assert_eq!(quoted(ambiguous, false), format!("\"{ambiguous}\""));
        }
        assert_eq!(quoted("2 sessions à distance", false), "2 sessions à distance");
        assert_eq!(quoted("true", false), "\"true\"");
        assert_eq!(quoted("Note : à voir # plus tard", false), "\"Note : à voir # plus tard\"");
        assert_eq!(quoted("a, b", true), "\"a, b\"");
        assert_eq!(quoted("- liste", false), "\"- liste\"");
    }

    #[test]
    fn multiline_texts_are_literal_blocks() {
        let item = New::Map(vec![
            ("date".into(), New::Plain("2025".into())),
            ("texte".into(), New::Text("Ligne un.\n\nLigne deux : fin.".into())),
        ]);
        let out = edited("---\ntitre: x\n---\n", insert("avancement", 0, item));
        assert_eq!(
            out,
            "---\ntitre: x\navancement:\n  - date: 2025\n    texte: |-\n      Ligne un.\n\n      Ligne deux : fin.\n---\n"
        );
    }

    #[test]
    fn refuses_rather_than_guessing() {
        let text = "---\nmesures: 3\n---\n";
        assert!(apply(text.as_bytes(), &[insert("mesures", 0, measure("2025", "1"))]).is_err());
        let text = "---\nstatut: &s piste\nsuivi: *s\n---\n";
        let change =
            Change::Set { map: YamlPath::default(), key: "statut".into(), value: New::Plain("realisee".into()) };
        assert!(apply(text.as_bytes(), &[change]).unwrap_err().0.contains("ancre"));
        let text = "---\nstatut: >-\n  piste\n---\n";
        let change =
            Change::Set { map: YamlPath::default(), key: "statut".into(), value: New::Plain("realisee".into()) };
        assert!(apply(text.as_bytes(), &[change]).is_err());
    }
}
