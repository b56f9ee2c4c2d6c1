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
    Ok(if text.contains('\r') { text.replace("\r\n", "\n") } else { text.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_crlf() {
        assert_eq!(decode(b"\xEF\xBB\xBF---\r\ntitre: x\r\n").unwrap(), "---\ntitre: x\n");
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
