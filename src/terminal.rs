//! Text for a terminal: what a fiche or a file name says is shown, never obeyed.
//!
//! A title such as `\e]0;…\a` would retitle the coordinator's terminal window, and
//! other escape sequences can rewrite what is on screen, hide a line or, on some
//! terminals, answer back as if typed. Bidirectional overrides (U+202E…) reorder
//! what is displayed. Every such character of user text is shown as `\u{…}` before
//! it reaches a terminal; clsm's own colours are added afterwards.

use std::borrow::Cow;

/// Whether `c` would act on a terminal instead of being shown.
pub fn acts(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `text` with every control character written out as `\u{…}`; line breaks and
/// tabs stay.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`clean`], and line breaks too: for text that must stay on one line.
pub fn one_line(text: &str) -> String {
    clean(text).replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(clean("\x1b]0;pris\x07titre"), "\\u{1b}]0;pris\\u{7}titre");
        assert_eq!(clean("a\u{202E}b"), "a\\u{202e}b");
        assert_eq!(clean("ligne 1\nligne 2\tfin"), "ligne 1\nligne 2\tfin");
        assert!(matches!(clean("Œuvre à 5 %"), Cow::Borrowed(_)));
        assert_eq!(clean("\u{9b}31m"), "\\u{9b}31m");
        // Line and paragraph separators break lines for YAML and some terminals.
        assert_eq!(one_line("a\u{2028}b\u{2029}c\u{85}d"), "a\\u{2028}b\\u{2029}c\\u{85}d");
    }
}
