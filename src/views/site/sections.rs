//! A fiche's Markdown body cut into its sections, so that each one takes its row
//! of the official fiche: "Contexte et enjeux locaux" after the porteur, the
//! "Description" after the operational objectives, the others after it.

use comrak::nodes::NodeValue;
use comrak::{Arena, parse_document};
use serde::Serialize;

use crate::model::slugify;

/// A section of the body: its heading and its Markdown text, heading excluded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub titre: String,
    pub corps: String,
}

/// The body of a fiche, in the places the fiche gives it.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Corps {
    /// The text before the first heading.
    pub introduction: Option<String>,
    /// The section whose heading starts with "Contexte".
    pub contexte: Option<Section>,
    /// The section whose heading starts with "Description".
    pub description: Option<Section>,
    /// Every other section, in the order of the file.
    pub autres: Vec<Section>,
}

/// Cuts `body` at its highest headings outside lists, quotes and code.
pub fn split(body: &str) -> Corps {
    split_at(body, &Cuts::of(body))
}

/// Cuts `body` where `cuts`, found in it, says: as [`split`], without parsing it.
pub fn split_at(body: &str, cuts: &Cuts) -> Corps {
    let (introduction, sections) = sections(body, cuts.0.iter().collect());
    let mut corps = Corps { introduction, ..Corps::default() };
    for section in sections {
        let name = slugify(&section.titre);
        if name.starts_with("contexte") && corps.contexte.is_none() {
            corps.contexte = Some(section);
        } else if name.starts_with("description") && corps.description.is_none() {
            corps.description = Some(section);
        } else {
            corps.autres.push(section);
        }
    }
    corps
}

/// A top heading of a Markdown text: its first and last lines (1-based), level and
/// title.
type Heading = (usize, usize, u8, String);

/// Where a body is cut into its sections: its highest headings outside lists,
/// quotes and code, as [`split`] finds them. Found with the body's [`summary`]
/// by [`outline`], and kept for its fiche: one parse for both.
#[derive(Debug)]
pub struct Cuts(Box<[Heading]>);

impl Cuts {
    /// The cuts of `body`.
    pub fn of(body: &str) -> Self {
        Cuts::within(&headings(body))
    }

    fn within(found: &[Heading]) -> Self {
        Cuts(top_cuts(found).into_iter().cloned().collect())
    }
}

/// The [`summary`] of `body` and its [`Cuts`], from one parse.
pub fn outline(body: &str) -> (Option<String>, Cuts) {
    let outline = Outline::of(body);
    let cuts = Cuts::within(&outline.headings());
    (outline.summary(body, &cuts.0), cuts)
}

/// The blocks of a Markdown text outside lists, quotes and code, as comrak reads
/// them: where each starts and ends (1-based lines), and, for a heading, its level
/// and title. One parse gives what [`summary`] needs: the cuts and the first block.
struct Outline {
    blocks: Vec<Block>,
}

/// A block of an [`Outline`]: its first and last lines, and its level and title
/// when it is a heading.
struct Block {
    start: usize,
    end: usize,
    heading: Option<(u8, String)>,
}

impl Outline {
    fn of(body: &str) -> Self {
        let arena = Arena::new();
        let root = parse_document(&arena, body, &crate::load::markdown_options());
        let blocks = root
            .children()
            .map(|n| {
                let data = n.data();
                let heading = match &data.value {
                    NodeValue::Heading(h) => Some((h.level, title(n))),
                    _ => None,
                };
                Block { start: data.sourcepos.start.line, end: data.sourcepos.end.line, heading }
            })
            .collect();
        Outline { blocks }
    }

    /// The headings, in order.
    fn headings(&self) -> Vec<Heading> {
        self.blocks
            .iter()
            .filter_map(|b| b.heading.as_ref().map(|(level, title)| (b.start, b.end, *level, title.clone())))
            .collect()
    }

    /// The [`summary`] of `body`, whose outline this is, cut at `cuts`.
    fn summary(&self, body: &str, cuts: &[Heading]) -> Option<String> {
        let description = cuts.iter().enumerate().find(|(_, h)| slugify(&h.3).starts_with("description")).map(
            |(i, (_, end, _, _))| {
                let before = cuts.get(i + 1).map_or(usize::MAX, |c| c.0);
                self.first_block(body, *end, before)
            },
        );
        description.flatten().or_else(|| self.first_block(body, 0, usize::MAX))
    }

    /// The first block that is not a heading and starts after line `after` and
    /// before line `before`, as the Markdown of `body` written.
    fn first_block(&self, body: &str, after: usize, before: usize) -> Option<String> {
        let block = self.blocks.iter().find(|b| b.heading.is_none() && b.start > after && b.start < before)?;
        let lines: Vec<&str> = body.lines().collect();
        non_blank(lines.get(block.start.saturating_sub(1)..block.end.min(lines.len()))?.join("\n"))
    }
}

/// The text of a heading, its inline code and line breaks included.
fn title<'a>(heading: &'a comrak::nodes::AstNode<'a>) -> String {
    let title: String = heading
        .descendants()
        .filter_map(|d| match &d.data().value {
            NodeValue::Text(t) => Some(t.to_string()),
            NodeValue::Code(c) => Some(c.literal.clone()),
            NodeValue::SoftBreak | NodeValue::LineBreak => Some(" ".into()),
            _ => None,
        })
        .collect();
    title.trim().to_string()
}

/// The headings of `body` outside lists, quotes and code.
fn headings(body: &str) -> Vec<Heading> {
    Outline::of(body).headings()
}

/// The highest headings of `found`, where [`split`] cuts.
fn top_cuts(found: &[Heading]) -> Vec<&Heading> {
    let Some(mut top) = found.iter().map(|h| h.2).min() else { return Vec::new() };
    // A lone title above the sections (`# Ma fiche`, then `## Contexte`…) is not a
    // section: the cut is at the level below, the title stays in the introduction.
    let below = found.iter().map(|h| h.2).filter(|l| *l > top).min();
    if let (1, Some(below)) = (found.iter().filter(|h| h.2 == top).count(), below)
        && found.first().is_some_and(|h| h.2 == top)
    {
        top = below;
    }
    found.iter().filter(|h| h.2 == top).collect()
}

/// What a table cell shows of a fiche's body: the first block of its Description
/// section, else of the whole body ([`first_block`]), as written.
pub fn summary(body: &str) -> Option<String> {
    outline(body).0
}

/// The same, cut at every heading of level 1 or 2 (a lone title at the very top
/// aside): a coordinator's text whose `## Perspectives` must be found wherever a
/// `# Titre` stands.
pub fn cut_at_sections(body: &str) -> (Option<String>, Vec<Section>) {
    let found = headings(body);
    let title_on_top = found.first().is_some_and(|h| h.2 == 1) && found.iter().filter(|h| h.2 == 1).count() == 1;
    let cuts =
        found.iter().enumerate().filter(|(i, h)| h.2 <= 2 && !(title_on_top && *i == 0)).map(|(_, h)| h).collect();
    sections(body, cuts)
}

/// The text before the first cut, then the section each cut opens.
fn sections(body: &str, cuts: Vec<&Heading>) -> (Option<String>, Vec<Section>) {
    let lines: Vec<&str> = body.lines().collect();
    let text = |from: usize, to: usize| non_blank(lines.get(from..to.min(lines.len())).unwrap_or_default().join("\n"));
    let Some(first) = cuts.first() else { return (non_blank(body.to_string()), Vec::new()) };
    let sections = cuts
        .iter()
        .enumerate()
        .map(|(i, (_, end, _, titre))| {
            let next = cuts.get(i + 1).map_or(lines.len(), |c| c.0 - 1);
            Section { titre: titre.clone(), corps: text(*end, next).unwrap_or_default() }
        })
        .collect();
    (text(0, first.0 - 1), sections)
}

/// The first block of `body` that is not a heading (a paragraph, a list, a
/// quote…), as the Markdown written: what a table cell shows of a longer text.
pub fn first_block(body: &str) -> Option<String> {
    Outline::of(body).first_block(body, 0, usize::MAX)
}

fn non_blank(text: String) -> Option<String> {
    let trimmed = text.trim_matches('\n');
    (!trimmed.trim().is_empty()).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(titre: &str, corps: &str) -> Section {
        Section { titre: titre.into(), corps: corps.into() }
    }

    #[test]
    fn known_sections_take_their_place_and_the_others_follow() {
        let body = "Avant.\n\n## Contexte et enjeux locaux\n\nLe CLSM.\n\n## Description\n\n### Nouvelles actions\n\n- Une.\n\n## Calendrier\n\nEn 2024.\n";
        assert_eq!(
            split(body),
            Corps {
                introduction: Some("Avant.".into()),
                contexte: Some(section("Contexte et enjeux locaux", "Le CLSM.")),
                description: Some(section("Description", "### Nouvelles actions\n\n- Une.")),
                autres: vec![section("Calendrier", "En 2024.")],
            }
        );
    }

    #[test]
    fn headings_in_code_or_lists_do_not_cut_and_setext_headings_do() {
        let body = "```\n## pas un titre\n```\n\n- ## dans une liste\n\nContexte\n--------\n\nTexte.\n";
        let corps = split(body);
        assert_eq!(corps.introduction.as_deref(), Some("```\n## pas un titre\n```\n\n- ## dans une liste"));
        assert_eq!(corps.contexte, Some(section("Contexte", "Texte.")));
    }

    #[test]
    fn the_first_block_keeps_its_markdown() {
        assert_eq!(
            first_block("## Titre\n\n**Gras** au début\nsuite.\n\nAutre.").as_deref(),
            Some("**Gras** au début\nsuite.")
        );
        assert_eq!(first_block("- un\n- deux\n\nfin").as_deref(), Some("- un\n- deux"));
        assert_eq!(first_block("## Seul\n"), None);
    }

    #[test]
    fn the_summary_is_the_description_s_first_block_or_the_body_s() {
        let bodies = [
            "Avant.\n\n## Contexte\n\nLe CLSM.\n\n## Description\n\n### Détail\n\n- Une.\n- Deux.\n\n## Calendrier\n\nEn 2024.\n",
            "## Description\n\n## Autre\n\nTexte.\n",
            "## Description\n\n### Seul titre\n",
            "Intro seule.\n",
            "# Ma fiche\n\n## Description\n\n> Citation\n> longue.\n\n## Suite\n",
            "Description\n-----------\n\n```\n## code\n```\n\n## Description bis\n\nAutre.\n",
            "## Contexte\n\n<!--\n## Description\n-->\n\n## Description\n\n    indenté\n",
            "## Description\n\n[a]: https://exemple.fr\n\nTexte [a].\n",
            "",
            "\n\n",
        ];
        for body in bodies {
            let by_parts = split(body).description.and_then(|d| first_block(&d.corps)).or_else(|| first_block(body));
            assert_eq!(summary(body), by_parts, "{body:?}");
        }
        assert_eq!(summary(bodies[0]).as_deref(), Some("- Une.\n- Deux."));
        assert_eq!(summary(bodies[1]).as_deref(), Some("Texte."));
        assert_eq!(summary(bodies[6]).as_deref(), Some("    indenté"));
    }

    #[test]
    fn a_lone_title_above_the_sections_stays_in_the_introduction() {
        let corps = split("# Ma fiche\n\n## Contexte\n\nTexte.\n\n## Description\n\nAutre.\n");
        assert_eq!(corps.introduction.as_deref(), Some("# Ma fiche"));
        assert_eq!(corps.contexte, Some(section("Contexte", "Texte.")));
        assert_eq!(corps.description, Some(section("Description", "Autre.")));
    }

    #[test]
    fn a_body_without_headings_is_an_introduction() {
        assert_eq!(split("Un texte.\n").introduction.as_deref(), Some("Un texte."));
        assert_eq!(split("\n\n"), Corps::default());
    }
}
