//! What the text of a cell holds: a list written with `*` bullets, an indicator
//! written as a ratio.
//!
//! Spreadsheet users write lists in a cell with `*` (or `•`) before each item, and
//! an export to CSV often loses the line breaks between them: `*60% des acteurs…
//! *50% des acteurs…`. A bullet is a `*` at the start of the cell or after a space,
//! so that a `*` glued to a word (a footnote mark) stays text.

use crate::import::normalize;
use crate::model::{MAX_ID, is_id, slugify};

/// Whether the character at byte `i` of `text` starts a list item.
fn is_bullet(text: &str, i: usize, c: char) -> bool {
    matches!(c, '*' | '•') && text[..i].chars().next_back().is_none_or(char::is_whitespace)
}

/// Whether a cell is written as a list: with bullets, or on several lines.
pub fn is_list(text: &str) -> bool {
    let bullets = text.char_indices().any(|(i, c)| is_bullet(text, i, c));
    (bullets || text.trim().contains('\n')) && !items(text).is_empty()
}

/// The items of a cell: what each bullet introduces, and each line; the text
/// before the first bullet is an item of its own.
pub fn items(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("- ").unwrap_or(line);
        let mut start = 0;
        for (i, c) in line.char_indices() {
            if is_bullet(line, i, c) {
                out.push(line[start..i].to_string());
                start = i + c.len_utf8();
            }
        }
        out.push(line[start..].to_string());
    }
    out.into_iter().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty()).collect()
}

/// Text as Markdown that shows it as it is: `*`, `_`, `\` and raw HTML are escaped.
pub fn escaped(text: &str) -> String {
    text.replace('\\', "\\\\").replace('*', "\\*").replace('<', "&lt;").replace('_', "\\_")
}

/// A line of text as Markdown that does not start a heading, a list, a quote or a
/// rule (`# …`, `- …`, `1. …`, `> …`, `---`): escaped, and its first mark too.
fn escaped_line(line: &str) -> String {
    let text = escaped(line);
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after_digits = text[digits..].chars().next();
    match text.chars().next() {
        Some(c @ ('#' | '-' | '+' | '>' | '=' | '|' | '~' | '`')) => format!("\\{c}{}", &text[c.len_utf8()..]),
        Some(_) if digits > 0 && matches!(after_digits, Some('.' | ')')) => {
            format!("{}\\{}", &text[..digits], &text[digits..])
        }
        _ => text,
    }
}

/// A cell as the Markdown of a fiche's body: a list when it is one, else its
/// text, each line shown as written.
pub fn as_markdown(text: &str) -> String {
    if is_list(text) {
        items(text).iter().map(|item| format!("- {}", escaped_line(item))).collect::<Vec<_>>().join("\n")
    } else {
        text.lines().map(|l| escaped_line(l.trim())).collect::<Vec<_>>().join("\n")
    }
}

/// Text on one line: every run of blanks, line breaks included, one space.
pub fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A cell as the value of a text key rendered through Markdown (`resultats_attendus`):
/// a Markdown list, one item a line, when it is one; else its text.
pub fn as_text_value(text: &str) -> String {
    if is_list(text) {
        items(text).iter().map(|item| format!("- {item}")).collect::<Vec<_>>().join("\n")
    } else {
        text.trim().to_string()
    }
}

/// What an indicator's wording says about how it is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    pub libelle: String,
    /// `pourcentage` for `Nombre de X / nombre de Y`, `nombre` for `Nombre de X`.
    pub unite: Option<&'static str>,
    pub numerateur: Option<String>,
    pub denominateur: Option<String>,
}

/// What starts a count: `Nombre de…`, `nombre d'…`.
fn is_count(text: &str) -> bool {
    normalize(text).starts_with("nombre ")
}

/// Reads an indicator's wording. A ratio of two counts (`Nombre de participants/au
/// nombre d'acteurs concernés`) is a percentage with its numerator and denominator;
/// anything else that is not a plain count is left without a unit.
pub fn wording(libelle: &str) -> Wording {
    let libelle = libelle.trim().to_string();
    let mut w = Wording { libelle: libelle.clone(), unite: None, numerateur: None, denominateur: None };
    let parts: Vec<&str> = libelle.split('/').collect();
    if let [top, bottom] = parts[..] {
        let bottom = bottom.trim();
        let bottom = ["au ", "aux ", "à ", "sur ", "par "]
            .iter()
            .find_map(|p| bottom.strip_prefix(p))
            .map_or(bottom, str::trim_start);
        if is_count(top) && is_count(bottom) {
            w.unite = Some("pourcentage");
            w.numerateur = Some(capitalized(top.trim()));
            w.denominateur = Some(capitalized(bottom));
        }
    } else if parts.len() == 1 && is_count(&libelle) {
        w.unite = Some("nombre");
    }
    w
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// What makes two indicators' wordings the same: their words, whatever the case
/// and the spaces between them.
pub fn wording_key(libelle: &str) -> String {
    libelle.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The longest an imported indicator's id is made.
const ID_LENGTH: usize = 50;

/// The id an indicator's wording suggests: its words made an id, cut between two
/// words at [`ID_LENGTH`] characters.
pub fn indicator_id(libelle: &str) -> String {
    let slug = slugify(libelle);
    let mut id = String::new();
    for word in slug.split('-').filter(|w| !w.is_empty()) {
        if !id.is_empty() && id.len() + 1 + word.len() > ID_LENGTH {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(word);
    }
    id.truncate(ID_LENGTH.min(MAX_ID));
    let id = id.trim_matches(|c| matches!(c, '-' | '.' | '_')).to_string();
    if is_id(&id) { id } else { "indicateur".to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_bullets_of_seed_003() {
        let cell = "*Nombre de participants sur le territoire/au nombre d'acteurs concernés *Nombre d'acteurs ayant modifié leur approche/nombre d'acteurs ayant bénéficié de la formation";
        assert_eq!(
            items(cell),
            [
                "Nombre de participants sur le territoire/au nombre d'acteurs concernés",
                "Nombre d'acteurs ayant modifié leur approche/nombre d'acteurs ayant bénéficié de la formation"
            ]
        );
        assert_eq!(
            items("* Nombre de supports créés * Diversité des canaux"),
            ["Nombre de supports créés", "Diversité des canaux"]
        );
        assert_eq!(items("Questionnaire à faire passer"), ["Questionnaire à faire passer"]);
        // A `*` glued to a word is not a bullet; lines are items.
        assert_eq!(items("Personnes*\nAidants"), ["Personnes*", "Aidants"]);
        assert!(!is_list("Personnes*") && is_list("*Une") && is_list("Une\nDeux"));
    }

    #[test]
    fn lists_become_markdown_lists() {
        assert_eq!(
            as_text_value("*60% des acteurs sensibilisés *50% des acteurs"),
            "- 60% des acteurs sensibilisés\n- 50% des acteurs"
        );
        assert_eq!(as_markdown("*a_b *<script>"), "- a\\_b\n- &lt;script>");
        assert_eq!(as_markdown("Texte simple"), "Texte simple");
        // What would make a heading, a rule or a numbered list stays text.
        assert_eq!(as_markdown("*# titre *--- *1. un"), "- \\# titre\n- \\---\n- 1\\. un");
        assert_eq!([as_markdown("2) deux"), as_markdown("> cité")], ["2\\) deux", "\\> cité"]);
    }

    #[test]
    fn a_ratio_of_two_counts_is_a_percentage() {
        let w = wording("Nombre de participants sur le territoire/au nombre d'acteurs concernés");
        assert_eq!(w.unite, Some("pourcentage"));
        assert_eq!(w.numerateur.as_deref(), Some("Nombre de participants sur le territoire"));
        assert_eq!(w.denominateur.as_deref(), Some("Nombre d'acteurs concernés"));
        assert_eq!(wording("Nombre de supports créés").unite, Some("nombre"));
        for other in ["Existence du répertoire en place", "Nombre de jeunes (2/25 ans)", "Taux a/b/c"] {
            let w = wording(other);
            assert_eq!((w.unite, w.numerateur), (None, None), "{other}");
        }
    }

    #[test]
    fn indicator_ids_are_short_slugs() {
        assert_eq!(indicator_id("Nombre de supports créés"), "nombre-de-supports-crees");
        let long = indicator_id("Nombre de participants sur le territoire/au nombre d'acteurs concernés");
        assert_eq!(long, "nombre-de-participants-sur-le-territoire-au-nombre");
        assert!(long.len() <= ID_LENGTH);
        assert_eq!(indicator_id("***"), "indicateur");
    }
}
