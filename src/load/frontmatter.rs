//! Splitting a fiche into its YAML front matter and its Markdown body.

/// A fiche split in two. Line numbers are 1-based lines of the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the two `---` lines, and where it is in the text.
    pub yaml: &'a str,
    pub yaml_range: std::ops::Range<usize>,
    /// The file line on which the YAML starts.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
}

/// Why a file has no usable front matter, in French.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    pub line: usize,
    pub message: &'static str,
    pub help: &'static str,
}

/// The longest front matter read: a fiche's keys take a few kilobytes.
pub const MAX_YAML_BYTES: usize = 1 << 20;

/// Splits `text` (BOM removed, `\n` line endings) at its `---` delimiters.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError {
            line: 1,
            message: "le fichier est vide",
            help: "une fiche commence par une ligne `---`, puis ses clés, puis une ligne `---`",
        });
    }
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError {
            line: 1,
            message: "le fichier ne commence pas par la ligne `---` du front matter",
            help: "ajoutez une ligne `---` en tête du fichier, puis les clés, puis une ligne `---`",
        });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let trimmed = text[offset..end].trim_end();
        if offset - yaml_start > MAX_YAML_BYTES {
            return Err(SplitError {
                line: 1,
                message: "le bloc de clés dépasse 1 Mo : ce n'est pas une fiche",
                help: "une fiche tient en quelques Ko ; vérifiez que le fichier n'a pas été remplacé par un autre",
            });
        }
        if trimmed == "---" || trimmed == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_range: yaml_start..offset,
                yaml_line: 2,
                body: &text[body_start..],
            });
        }
        offset = end + 1;
    }
    Err(SplitError {
        line: 1,
        message: "le front matter n'est jamais fermé",
        help: "ajoutez une ligne `---` après la dernière clé, avant le texte",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_body() {
        let s = split("---\ntitre: x\n---\n\n## Contexte\n").unwrap();
        assert_eq!(s.yaml, "titre: x\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "\n## Contexte\n");
    }

    #[test]
    fn accepts_an_empty_front_matter_and_no_body() {
        let s = split("---\n---").unwrap();
        assert_eq!((s.yaml, s.body), ("", ""));
        let s = split("---\ntitre: x\n...\ntexte").unwrap();
        assert_eq!(s.body, "texte");
    }

    #[test]
    fn a_dashed_line_inside_a_value_is_not_a_delimiter() {
        let s = split("---\ntitre: \"---\"\n---\n").unwrap();
        assert_eq!(s.yaml, "titre: \"---\"\n");
    }

    #[test]
    fn tolerates_trailing_spaces_on_delimiters() {
        assert!(split("---  \ntitre: x\n--- \n").is_ok());
    }

    #[test]
    fn refuses_a_front_matter_of_more_than_a_megabyte() {
        let text = format!("---\n{}---\n", "cle: valeur\n".repeat(100_000));
        assert!(split(&text).unwrap_err().message.contains("dépasse 1 Mo"));
    }

    #[test]
    fn refuses_missing_or_unclosed_front_matter() {
        assert_eq!(
            split("titre: x\n").unwrap_err().message,
            "le fichier ne commence pas par la ligne `---` du front matter"
        );
        assert_eq!(split("---\ntitre: x\n").unwrap_err().message, "le front matter n'est jamais fermé");
        assert_eq!(split("").unwrap_err().message, "le fichier est vide");
        assert_eq!(split(" \n\n").unwrap_err().message, "le fichier est vide");
    }
}

/// The deepest nesting of flow brackets (`[`, `{`) a front matter may have.
pub const MAX_FLOW_DEPTH: usize = 32;

/// Finds where a front matter nests brackets deeper than [`MAX_FLOW_DEPTH`], as a
/// line (1-based, in the YAML) and column. libyaml takes time quadratic in that depth,
/// so a hostile file would hang the check before any depth limit is reached.
/// Brackets inside quotes and comments are not counted.
pub fn too_deep(yaml: &str) -> Option<(usize, usize)> {
    // Nesting never goes deeper than the brackets opened: most fiches open a few,
    // and are settled without reading their characters one by one.
    if yaml.bytes().filter(|b| matches!(b, b'[' | b'{')).count() <= MAX_FLOW_DEPTH {
        return None;
    }
    let mut depth = 0usize;
    for (n, line) in yaml.lines().enumerate() {
        let mut quote: Option<char> = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((n + 1, col + 1));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn finds_brackets_nested_too_deep() {
        assert_eq!(too_deep("titre: x\nliste: [a, {b: [c]}]\n"), None);
        let deep = format!("titre: {}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(too_deep(&deep), Some((1, 8 + MAX_FLOW_DEPTH)));
        assert_eq!(too_deep(&format!("titre: \"{}\"", "[".repeat(40))), None);
        assert_eq!(too_deep(&format!("titre: x # {}", "[".repeat(40))), None);
    }
}
