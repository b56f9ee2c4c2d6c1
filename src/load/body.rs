//! The bounds of a fiche's Markdown body, checked when it is loaded so that
//! `clsm check` refuses what the HTML and PDF renderers could not lay out: a body of
//! several megabytes, or emphasis, quotes and lists nested so deep that laying them
//! out would exhaust the stack or Typst's own limits.

use comrak::arena_tree::NodeEdge;
use comrak::{Arena, Options, parse_document};

/// The longest body, in bytes: a fiche's text takes a few kilobytes (256 ko is
/// some 40,000 words), and every one is laid out in the PDFs.
pub const MAX_BODY_BYTES: usize = 256 << 10;

/// The deepest nesting of blocks and inline elements in a body. A fiche needs four
/// or five levels (a list in a quote, a bold word in a link); Typst gives up near 100.
pub const MAX_BODY_DEPTH: usize = 24;

/// Why a body is out of bounds: where (1-based, in the body) and what.
#[derive(Debug, PartialEq, Eq)]
pub struct OutOfBounds {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: &'static str,
}

/// The Markdown options the renderers use, so that the check sees the same tree.
pub fn options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options
}

/// Whether no element of `body` can nest deeper than [`MAX_BODY_DEPTH`], without
/// parsing it: a block level (quote, list, item) needs at least one character of its
/// line's leading markers and indentation, an inline level (emphasis, link) one of
/// `*`, `_`, `~` or `[` in its paragraph, and a few levels are fixed (document,
/// paragraph or table, row, cell, text). Most fiches stop here.
fn obviously_shallow(body: &str) -> bool {
    let block = body
        .lines()
        .map(|line| {
            line.chars()
                .take_while(|c| matches!(c, ' ' | '>' | '*' | '+' | '-' | '.' | ')' | '0'..='9') || *c == '\t')
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0);
    let inline = body
        .split("\n\n")
        .map(|paragraph| paragraph.bytes().filter(|b| matches!(b, b'*' | b'_' | b'~' | b'[')).count())
        .max()
        .unwrap_or(0);
    block + inline + 5 <= MAX_BODY_DEPTH
}

/// Checks that `body` is within bounds.
pub fn check(body: &str) -> Result<(), OutOfBounds> {
    if body.len() > MAX_BODY_BYTES {
        return Err(OutOfBounds {
            line: 1,
            column: 1,
            message: format!("le texte de la fiche dépasse {}", crate::files::read::size(MAX_BODY_BYTES as u64)),
            help: "une fiche tient en quelques pages : publiez les longs documents à part et donnez-en le lien",
        });
    }
    if obviously_shallow(body) {
        return Ok(());
    }
    let arena = Arena::new();
    let root = parse_document(&arena, body, &options());
    let mut depth = 0usize;
    for edge in root.traverse() {
        match edge {
            NodeEdge::Start(node) => {
                depth += 1;
                if depth > MAX_BODY_DEPTH + 1 {
                    let start = node.data().sourcepos.start;
                    let line_text = body.lines().nth(start.line.saturating_sub(1)).unwrap_or("");
                    let column = line_text.get(..start.column.saturating_sub(1)).map_or(1, |s| s.chars().count() + 1);
                    return Err(OutOfBounds {
                        line: start.line.max(1),
                        column,
                        message: format!(
                            "texte imbriqué sur plus de {MAX_BODY_DEPTH} niveaux (emphases, citations ou listes)"
                        ),
                        help: "simplifiez la mise en forme : quelques niveaux de listes ou d'emphase suffisent",
                    });
                }
            }
            NodeEdge::End(_) => depth -= 1,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_text() {
        let body = "## Contexte\n\nUn **mot** et *un autre*.\n\n- un\n  - deux\n    - trois\n\n> citation\n";
        assert_eq!(check(body), Ok(()));
        let many_words = "**gras** ".repeat(500);
        assert_eq!(check(&many_words), Ok(()), "many markers side by side are not nesting");
    }

    #[test]
    fn refuses_deep_emphasis_quotes_and_lists() {
        let emphasis = format!("{}x{}", "*a ".repeat(30_000), " b*".repeat(30_000));
        assert!(check(&emphasis).unwrap_err().message.contains("24 niveaux"));
        let quotes = format!("\n{}citation\n", "> ".repeat(100));
        let err = check(&quotes).unwrap_err();
        assert_eq!(err.line, 2);
        let lists = (0..100).map(|n| format!("{}- niveau {n}\n", "  ".repeat(n))).collect::<String>();
        assert!(check(&lists).is_err());
    }

    #[test]
    fn refuses_a_body_of_megabytes() {
        let body = "x".repeat(MAX_BODY_BYTES + 1);
        assert!(check(&body).unwrap_err().message.contains("dépasse 256 ko"));
    }
}
