//! Characters of a fiche that no font of the PDFs has (an emoji, an ideogram): the
//! PDF would show an empty box and could be neither accessible nor archivable.

use crate::diag::{At, Code, Diagnostic};

/// How many such characters of one fiche are named; the fix is the same for all.
const MAX_NAMED: usize = 3;

/// A warning for each character of `text` (a fiche's whole text) that no embedded
/// font has, at its first place. Comments are scanned too: telling them apart
/// from text (a `#` line inside a `|` text is text) is not worth a missed warning.
pub fn missing(file: &str, text: &str) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut seen: Vec<char> = Vec::new();
    if text.is_ascii() {
        return found;
    }
    for (n, line) in text.lines().enumerate() {
        if line.is_ascii() {
            continue;
        }
        for (column, c) in line.chars().enumerate() {
            if seen.contains(&c) || crate::fonts::shows(c) {
                continue;
            }
            seen.push(c);
            let message = format!(
                "caractère « {c} » (U+{:04X}) absent des polices des PDF : il y apparaîtra en case vide, \
                 et le PDF ne sera ni accessible (PDF/UA-1) ni archivable (PDF/A-2a)",
                c as u32
            );
            let at = At::Pos { line: n + 1, column: column + 1, width: 1 };
            let help = "remplacez-le par un mot ou par un caractère courant (un émoji par un mot, par exemple)";
            found.push(Diagnostic::new(Code::CaractereSansPolice, file, at, message).help(help));
            if found.len() == MAX_NAMED {
                return found;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_character_no_font_has_once_at_its_first_place() {
        let text = "---\ntitre: Écoute 🙂\nsuivi: |\n  # Titre ⚠\u{fe0f}\n---\nTexte 中 et 🙂 encore.\n";
        let found = missing("a.md", text);
        let places: Vec<(At, bool)> = found.iter().map(|d| (d.at.clone(), d.message.contains("U+1F642"))).collect();
        assert_eq!(
            places,
            [(At::Pos { line: 2, column: 15, width: 1 }, true), (At::Pos { line: 6, column: 7, width: 1 }, false)]
        );
        assert!(found[1].message.contains("« 中 » (U+4E2D)"));
        assert!(missing("a.md", "---\ntitre: Écoute – « bien » l’été, 10 € ⚠\u{fe0f}\n---\n").is_empty());
        let commented = missing("a.md", "---\nsuivi: |\n  # Objectifs 😀\n---\n");
        assert_eq!(commented.len(), 1, "a `#` line of a text is text");
    }
}
