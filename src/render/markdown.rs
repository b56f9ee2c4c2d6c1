//! Markdown bodies to HTML, with comrak. Partners write these bodies: raw HTML is
//! shown as text, never interpreted, dangerous links (`javascript:`…) lose their
//! target, and an image from another site becomes a link to it (a published page
//! loads nothing from elsewhere, which would tell that site who reads it), so
//! nothing in a fiche can run in, or watch, the published site.

use comrak::nodes::NodeValue;
use comrak::{Arena, Options, format_html, parse_document};

fn options() -> Options<'static> {
    // The options `clsm check` parsed the body with, to bound its depth.
    let mut options = crate::load::markdown_options();
    // Raw HTML is escaped, not dropped: the reader sees what the author typed.
    options.render.escape = true;
    options.render.r#unsafe = false;
    options
}

/// Renders `markdown` to HTML, its headings shifted so that the highest one is at
/// `level` (a body under a page's `h2` sections starts at `h3`, say).
pub fn to_html(markdown: &str, level: u8) -> String {
    let arena = Arena::new();
    let options = options();
    let root = parse_document(&arena, markdown, &options);
    let top = root
        .descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::Heading(h) => Some(h.level),
            _ => None,
        })
        .min();
    if let Some(top) = top {
        let shift = i16::from(level.clamp(1, 6)) - i16::from(top);
        for node in root.descendants() {
            if let NodeValue::Heading(h) = &mut node.data_mut().value {
                h.level = (i16::from(h.level) + shift).clamp(1, 6) as u8;
            }
        }
    }
    for node in root.descendants() {
        let outside = match &node.data().value {
            NodeValue::Image(image) => is_outside(&image.url).then(|| image.clone()),
            _ => None,
        };
        if let Some(image) = outside {
            node.data_mut().value = NodeValue::Link(image);
        }
    }
    let mut html = String::new();
    // Writing into a String cannot fail.
    let _ = format_html(root, &options, &mut html);
    html
}

/// Text from a fiche as Markdown text that shows it and does nothing else: on one
/// line, with every character that could open markup escaped (raw HTML, images,
/// links, emphasis, code, table cells), and a zero-width space after `@` (no
/// mention on GitHub or GitLab) and inside bare addresses (no autolink).
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '|' | '~' | '&' | '#' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@&#8203;"),
            c if c.is_control() || crate::terminal::acts(c) => out.push(' '),
            c => out.push(c),
        }
    }
    // A bare address would become a link in a pull-request comment.
    out.replace("://", ":&#8203;//").replace("www.", "www&#8203;.")
}

/// Whether a URL points at another site (`https://…`, `//host/…`) rather than at a
/// file of this one.
fn is_outside(url: &str) -> bool {
    let url = url.trim();
    let scheme = url.split_once(':').is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
    (scheme && !url.starts_with("data:")) || url.starts_with("//") || url.starts_with("\\\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_shows_markup_without_running_it() {
        assert_eq!(
            markdown_text("<img src=x> ![i](https://p.example/i.png) | @equipe\n**gras**"),
            "\\<img src=x\\> \\!\\[i\\](https:&#8203;//p.example/i.png) \\| @&#8203;equipe \\*\\*gras\\*\\*"
        );
        // A bare address is not made a link either.
        let html = to_html(&markdown_text("voir https://piege.invalid et www.piege.invalid"), 2);
        assert!(!html.contains("<a "), "{html}");
        // Rendered again, the text reads as written, and nothing else appears.
        let html = to_html(&markdown_text("<b>x</b> ![i](https://p.example/i.png) `code` | @equipe"), 2);
        assert!(!html.contains("<b>") && !html.contains("<img") && !html.contains("<code>"), "{html}");
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt; ![i]("), "{html}");
        assert!(html.contains(") `code` | @\u{200b}equipe"), "{html}");
    }

    #[test]
    fn images_from_elsewhere_become_links() {
        let html = to_html("![Logo](https://pisteur.example/p.png) ![](//pisteur.example/q.png)", 2);
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("<a href=\"https://pisteur.example/p.png\">Logo</a>"), "{html}");
        let html = to_html("![Carte](carte.png)", 2);
        assert!(html.contains("<img src=\"carte.png\" alt=\"Carte\""), "{html}");
    }

    #[test]
    fn escapes_raw_html_and_neutralizes_script_links() {
        let html = to_html("<script>alert(1)</script>\n\n[clic](javascript:alert(1)) <img src=x onerror=alert(1)>", 2);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn shifts_headings_under_the_page_structure() {
        let html = to_html("## Contexte\n\n### Détail\n", 3);
        assert!(html.contains("<h3>Contexte</h3>") && html.contains("<h4>Détail</h4>"), "{html}");
        let html = to_html("# Un\n", 2);
        assert!(html.contains("<h2>Un</h2>"), "{html}");
    }

    #[test]
    fn renders_lists_and_emphasis() {
        assert_eq!(
            to_html("- **un**\n- *deux*\n", 2),
            "<ul>\n<li><strong>un</strong></li>\n<li><em>deux</em></li>\n</ul>\n"
        );
    }
}
