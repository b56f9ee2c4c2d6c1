//! The fonts embedded for the PDFs, and which characters they can show.
//!
//! A character that no embedded font has is drawn as an empty box, and the PDF can
//! then be neither accessible (PDF/UA-1) nor archivable (PDF/A-2a): `clsm check`
//! warns about it where it is written, before any PDF is made.

use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// The embedded fonts, loaded once, and their book for Typst.
pub fn embedded() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static FONTS: OnceLock<(LazyHash<FontBook>, Vec<Font>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
    })
}

/// Characters every fiche is full of, which the embedded fonts all have (a test
/// proves it): the fonts are only loaded for a character outside them.
fn common(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a0}'..='\u{17f}' | '\u{2013}' | '\u{2014}' | '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' | '\u{2026}' | '\u{202f}' | '\u{20ac}')
}

/// Whether a PDF can show `c`: some embedded font has it. Spaces, line breaks,
/// controls, and what Typst leaves aside when it picks a font (the variation
/// selector after `⚠`, direction marks pasted from Word) show nothing and are left
/// to other checks. A few rare symbols that only New Computer Modern has (`℡`,
/// `✨`, `✖`, `⁃`) pass here but are still reported by the build.
pub fn shows(c: char) -> bool {
    common(c)
        || c.is_whitespace()
        || c.is_control()
        || typst::text::is_default_ignorable(c)
        || embedded().1.iter().any(|f| f.info().coverage.contains(c as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fonts_have_every_common_character() {
        let fonts = &embedded().1;
        for c in (' '..='\u{20ac}').filter(|&c| common(c)) {
            assert!(fonts.iter().any(|f| f.info().coverage.contains(c as u32)), "U+{:04X} is in no font", c as u32);
        }
    }

    #[test]
    fn emoji_and_ideograms_are_in_no_font() {
        assert!(shows('é') && shows('’') && shows('€') && shows('\n') && shows('Ω') && shows('\u{fe0f}'));
        assert!(!shows('🙂') && !shows('中'));
    }
}
