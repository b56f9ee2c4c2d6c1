//! What the coordinator adds to the documents besides the fiches: the contract's
//! preamble and signatories page (`contrat/preambule.md`, `contrat/signataires.md`)
//! and the images of `assets/`, whose `logo*` files go on the cover.
//!
//! These are read like every file of the repository: regular files only, never
//! through a link, each within a bound; an image must be PNG, JPEG, GIF or SVG.

use std::path::Path;

use anyhow::{Result, anyhow, bail};

use crate::files::read::{read_regular, read_text, real_dir};

/// The folder of the contract's own texts.
pub const TEXTS_FOLDER: &str = "contrat";

/// The folder of images.
pub const ASSETS_FOLDER: &str = "assets";

/// The most one text may weigh.
const TEXT_LIMIT: u64 = 1 << 20;

/// The most one image may weigh, and how many are read.
const IMAGE_LIMIT: u64 = 8 << 20;
const MAX_IMAGES: usize = 64;

/// The coordinator's texts, as Markdown.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Texts {
    pub preambule: Option<String>,
    pub signataires: Option<String>,
}

/// An image of `assets/`: its name there and its bytes.
#[derive(Debug, Clone)]
pub struct Image {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Image {
    /// Whether it goes on the cover: its name starts with `logo`.
    pub fn is_logo(&self) -> bool {
        self.name.to_lowercase().starts_with("logo")
    }
}

/// `contrat/preambule.md` and `contrat/signataires.md`, when they exist.
pub fn texts(root: &Path) -> Result<Texts> {
    let folder = root.join(TEXTS_FOLDER);
    match real_dir(&folder) {
        Ok(true) => {}
        Ok(false) => return Ok(Texts::default()),
        Err(e) => bail!("`{TEXTS_FOLDER}` : {e}\naide : {}", e.help()),
    }
    let read = |name: &str| -> Result<Option<String>> {
        let path = folder.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(None);
        }
        read_text(&path, TEXT_LIMIT)
            .map(|text| Some(text.strip_prefix('\u{feff}').unwrap_or(&text).replace("\r\n", "\n")))
            .map_err(|e| anyhow!("`{TEXTS_FOLDER}/{name}` : {e}\naide : {}", e.help()))
    };
    Ok(Texts { preambule: read("preambule.md")?, signataires: read("signataires.md")? })
}

/// What an image's first bytes say it is, if it is one the documents can show.
fn image_format(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(512)];
    let text = String::from_utf8_lossy(head);
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if text.trim_start_matches('\u{feff}').trim_start().starts_with("<svg") || text.contains("<svg") {
        Some("svg")
    } else {
        None
    }
}

/// The images of `assets/`, by name; files that are not images are left out and
/// named in the returned warnings.
pub fn images(root: &Path) -> Result<(Vec<Image>, Vec<String>)> {
    let folder = root.join(ASSETS_FOLDER);
    match real_dir(&folder) {
        Ok(true) => {}
        Ok(false) => return Ok((Vec::new(), Vec::new())),
        Err(e) => bail!("`{ASSETS_FOLDER}` : {e}\naide : {}", e.help()),
    }
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .map_err(|e| anyhow!("impossible de lire `{ASSETS_FOLDER}` ({})", crate::files::io_message(&e)))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().to_string())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    let (mut images, mut warnings) = (Vec::new(), Vec::new());
    for name in names {
        let path = folder.join(&name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        if images.len() == MAX_IMAGES {
            warnings
                .push(format!("`{ASSETS_FOLDER}/{name}` : plus de {MAX_IMAGES} images, les suivantes sont ignorées"));
            break;
        }
        let bytes = read_regular(&path, IMAGE_LIMIT)
            .map_err(|e| anyhow!("`{ASSETS_FOLDER}/{name}` : {e}\naide : {}", e.help()))?;
        let is_named_safely = name.chars().all(|c| c.is_alphanumeric() || "._-".contains(c));
        match image_format(&bytes) {
            Some(_) if is_named_safely => images.push(Image { name, bytes }),
            Some(_) => warnings.push(format!(
                "`{ASSETS_FOLDER}/{}` : renommez l'image avec des lettres, des chiffres, `.`, `_` et `-` seulement",
                crate::terminal::one_line(&name)
            )),
            None => warnings.push(format!(
                "`{ASSETS_FOLDER}/{}` n'est ni une image PNG, JPEG, GIF ni SVG : les documents ne la montrent pas",
                crate::terminal::one_line(&name)
            )),
        }
    }
    Ok((images, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_first_bytes() {
        assert_eq!(image_format(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(image_format(&[0xff, 0xd8, 0xff, 0xe0]), Some("jpg"));
        assert_eq!(image_format(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"\">"), Some("svg"));
        assert_eq!(image_format(b"%PDF-1.7"), None);
        assert_eq!(image_format(b"logo"), None);
    }
}
