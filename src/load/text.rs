//! Turning a file's bytes into text: UTF-8 only, BOM and CRLF accepted.

/// Why bytes are not text we can read, in French, with the byte offset.
#[derive(Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: String,
}

const SAVE_AS_UTF8: &str = "réenregistrez le fichier en UTF-8 (dans votre éditeur : Enregistrer sous → Encodage UTF-8)";

/// Decodes `bytes` as UTF-8, dropping a BOM and turning CRLF into LF.
///
/// Line numbers are unchanged by the CRLF conversion, and columns are counted in
/// characters, so positions still match the file on disk.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(DecodeError {
            line: 1,
            column: 1,
            message: "le fichier est en UTF-16, pas en UTF-8".into(),
            help: SAVE_AS_UTF8.into(),
        });
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    // Text never holds a zero byte; images, PDF and office documents do, early on.
    if let Some(offset) = bytes.iter().take(4096).position(|&b| b == 0) {
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(DecodeError {
            line,
            column: 1,
            message: format!(
                "le fichier n'est pas un texte (octet nul à l'octet {offset}) : image, PDF ou document bureautique ?"
            ),
            help: "une fiche est un fichier texte Markdown ; retirez ce fichier de `fiches/`".into(),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        let byte = bytes[offset];
        let hint = if (0x80..=0xFF).contains(&byte) {
            " (sans doute un accent en Windows-1252, d'un ancien export Word ou Excel)"
        } else {
            ""
        };
        DecodeError {
            line,
            column,
            message: format!("le fichier n'est pas en UTF-8 : octet 0x{byte:02X} à l'octet {offset}{hint}"),
            help: SAVE_AS_UTF8.into(),
        }
    })?;
    if text.contains('\0') {
        let offset = text.find('\0').unwrap_or(0);
        let line = text[..offset].matches('\n').count() + 1;
        return Err(DecodeError {
            line,
            column: 1,
            message: format!("le fichier contient un octet nul à l'octet {offset} : ce n'est pas un fichier texte"),
            help: "une fiche est un fichier texte Markdown ; retirez ce fichier de `fiches/`".into(),
        });
    }
    // Every editor shows a lone CR (old Mac files) as a line break, and so does YAML:
    // counting it as one keeps line numbers the same for the coordinator and the parser.
    Ok(if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_string() })
}

/// The name of a character that has no place in a front matter, and whether it is
/// refused anywhere (controls, which YAML refuses or takes for line breaks) or only in
/// a key (invisible marks pasted from Word or the web, which turn `titre` into another
/// key; inside a value they change nothing that shows).
fn stray_name(c: char) -> Option<(&'static str, bool)> {
    Some(match c {
        '\t' | '\n' => return None,
        '\u{2028}' => ("séparateur de ligne", true),
        '\u{2029}' => ("séparateur de paragraphe", true),
        '\u{85}' => ("passage à la ligne (NEL)", true),
        c if c.is_control() => ("caractère de contrôle", true),
        '\u{feff}' => ("marque d'ordre des octets, BOM", false),
        '\u{200b}' => ("espace sans largeur", false),
        '\u{2060}' => ("gluon de mots", false),
        c if crate::model::yaml::is_invisible(c) => ("caractère invisible", false),
        _ => return None,
    })
}

/// Whether `yaml` holds a character [`stray_name`] names. Printable ASCII, most of
/// a fiche, is passed over byte by byte; only the other characters are decoded.
fn has_stray(yaml: &str) -> bool {
    yaml.bytes().enumerate().any(|(i, b)| match b {
        b'\t' | b'\n' | 0x20..=0x7E => false,
        0..=0x1F | 0x7F => true,
        // The inside of a character: its first byte decided.
        0x80..=0xBF => false,
        _ => yaml[i..].chars().next().is_some_and(|c| stray_name(c).is_some()),
    })
}

/// The first character of `yaml` that [`stray_name`] refuses where it is, with its
/// line (1-based in `yaml`) and column.
pub fn stray_character(yaml: &str) -> Option<DecodeError> {
    // Almost every fiche has none: one pass over the bytes settles it.
    if !has_stray(yaml) {
        return None;
    }
    for (n, line) in yaml.lines().enumerate() {
        // The key is what comes before the first `: ` (or the whole line).
        let key_end = line.find(": ").or_else(|| line.strip_suffix(':').map(str::len)).unwrap_or(line.len());
        let found = line.char_indices().find_map(|(i, c)| {
            let (name, anywhere) = stray_name(c)?;
            (anywhere || i < key_end).then_some((i, c, name, anywhere))
        });
        if let Some((i, c, name, anywhere)) = found {
            let place = if anywhere { "dans le bloc de clés" } else { "dans le nom d'une clé" };
            return Some(DecodeError {
                line: n + 1,
                column: line[..i].chars().count() + 1,
                message: format!("caractère invisible U+{:04X} ({name}) {place}", c as u32),
                help: "supprimez-le (il vient souvent d'un copier-coller) : placez le curseur juste après et effacez"
                    .into(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_pass_finds_what_the_character_pass_finds() {
        let specials = ['\u{2028}', '\u{2029}', '\u{85}', '\u{feff}', '\u{200b}', '\u{2060}', '\u{7f}', '\u{9f}'];
        let every = (0..0x3000u32).filter_map(char::from_u32).chain(specials).chain(['\u{e0001}', '😀']);
        for c in every {
            let text = format!("titre: é{c}à\n");
            let expected = text.chars().any(|c| stray_name(c).is_some());
            assert_eq!(has_stray(&text), expected, "U+{:04X}", c as u32);
        }
        assert!(has_stray("\u{feff}titre: x"));
        assert!(!has_stray("titre: « Été »\tà Metz\n"));
    }

    #[test]
    fn strips_bom_and_crlf() {
        assert_eq!(decode(b"\xEF\xBB\xBF---\r\ntitre: x\r\n").unwrap(), "---\ntitre: x\n");
    }

    #[test]
    fn a_lone_cr_is_a_line_break() {
        assert_eq!(decode(b"---\rtitre: x\r---\r").unwrap(), "---\ntitre: x\n---\n");
    }

    #[test]
    fn finds_invisible_characters_in_keys() {
        let e = stray_character("titre: x\n\u{feff}axe: 1\n").unwrap();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("U+FEFF"), "{}", e.message);
        let e = stray_character("titre: a\u{1b}b\n").unwrap();
        assert_eq!((e.line, e.column), (1, 9));
        assert!(stray_character("titre: \"a\tb\" 👩\u{200d}⚕️\n").is_none());
        // In a value, an invisible mark changes nothing that shows.
        assert!(stray_character("titre: Santé\u{200b}mentale\n").is_none());
        assert!(stray_character("titre: a\u{2028}b\n").is_some());
    }

    #[test]
    fn names_the_byte_offset_of_windows_1252_text() {
        // "é" in Windows-1252 is the single byte 0xE9.
        let err = decode(b"---\ntitre: caf\xE9\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 11));
        assert!(err.message.contains("octet 0xE9 à l'octet 14"), "{}", err.message);
    }

    #[test]
    fn refuses_utf16_and_binary() {
        assert!(decode(b"\xFF\xFE-\0-\0").unwrap_err().message.contains("UTF-16"));
        assert!(decode(b"---\n\0\0").unwrap_err().message.contains("octet nul à l'octet 4"));
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err().message.contains("pas un texte"));
    }
}
