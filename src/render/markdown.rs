//! Markdown bodies to HTML, with comrak. Partners write these bodies: raw HTML is
//! shown as text, never interpreted, and dangerous links (`javascript:`…) lose their
//! target, so nothing in a fiche can run in the published site.

use comrak::nodes::NodeValue;
use comrak::{Arena, Options, format_html, parse_document};

fn options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
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
    let mut html = String::new();
    // Writing into a String cannot fail.
    let _ = format_html(root, &options, &mut html);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

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
