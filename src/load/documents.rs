//! What the coordinator adds to the documents besides the fiches: the contract's
//! preamble and signatories page (`contrat/preambule.md`, `contrat/signataires.md`),
//! the words of each annual bilan (`bilans/ANNEE.md`) and the images of `assets/`,
//! whose `logo*` files go on the covers.
//!
//! These are read like every file of the repository, while loading it, so that
//! `clsm check` reports their problems as it does a fiche's: regular files only,
//! never through a link, each within a bound. An image must be a PNG, JPEG, GIF or
//! SVG file of reasonable size that loads nothing from elsewhere; other files of
//! `assets/` are not the documents' concern and are left alone.

use std::path::Path;

use crate::diag::{At, Code, Diagnostic};
use crate::files::read::{ReadError, read_regular, read_text, real_dir};
use crate::load::unreadable;

/// The folder of the contract's own texts.
pub const TEXTS_FOLDER: &str = "contrat";

/// The folder of the coordinator's texts for the annual bilans, one per year.
pub const BILANS_FOLDER: &str = "bilans";

/// The most files `bilans/` is read for: a century of bilans.
const MAX_BILANS: usize = 100;

/// The folder of images.
pub const ASSETS_FOLDER: &str = "assets";

/// The most one text may weigh.
const TEXT_LIMIT: u64 = 1 << 20;

/// The most one image may weigh, how many pixels it may hold once decoded, and how
/// many images are read.
const IMAGE_LIMIT: u64 = 8 << 20;
const MAX_PIXELS: u64 = 25_000_000;
const MAX_IMAGES: usize = 64;

/// The extensions of the images the documents can show.
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "svg"];

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

/// The texts and images of a repository.
#[derive(Debug, Default, Clone)]
pub struct Documents {
    pub texts: Texts,
    /// `bilans/ANNEE.md` and `bilans/DEBUT-FIN.md`, by their name without `.md`.
    pub bilans: std::collections::BTreeMap<String, String>,
    pub images: Vec<Image>,
}

impl Documents {
    /// The images that go on the cover, in name order.
    pub fn logos(&self) -> impl Iterator<Item = &Image> {
        self.images.iter().filter(|i| i.is_logo())
    }
}

/// Reads `contrat/` and `assets/`; every problem is a diagnostic.
pub fn load(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Documents {
    Documents { texts: texts(root, diagnostics), bilans: bilans(root, diagnostics), images: images(root, diagnostics) }
}

/// A folder that must be a real one, or be absent.
fn folder(root: &Path, name: &str, diagnostics: &mut Vec<Diagnostic>) -> bool {
    match real_dir(&root.join(name)) {
        Ok(found) => found,
        Err(ReadError::Special(_)) => {
            let message = format!("`{name}` n'est pas un dossier : son contenu n'est pas lu");
            let help = format!("rangez ces fichiers dans un dossier `{name}/`, ou renommez ce fichier");
            diagnostics.push(Diagnostic::new(Code::FichierIllisible, name, At::File, message).help(help));
            false
        }
        Err(e) => {
            diagnostics.push(unreadable(name, &e));
            false
        }
    }
}

/// `contrat/preambule.md` and `contrat/signataires.md`, when they exist.
fn texts(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Texts {
    if !folder(root, TEXTS_FOLDER, diagnostics) {
        return Texts::default();
    }
    let mut read = |name: &str| text(root, &format!("{TEXTS_FOLDER}/{name}"), diagnostics);
    Texts { preambule: read("preambule.md"), signataires: read("signataires.md") }
}

/// One Markdown text at `rel`, if it exists: a regular file, within bounds.
fn text(root: &Path, rel: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let path = root.join(rel);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            diagnostics.push(unreadable(rel, &ReadError::Io(e)));
            return None;
        }
        Ok(_) => {}
    }
    let text = match read_text(&path, TEXT_LIMIT) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(&text).replace("\r\n", "\n"),
        Err(e) => {
            diagnostics.push(unreadable(rel, &e));
            return None;
        }
    };
    // The same bounds as a fiche's text: the documents lay it out.
    if let Err(out) = crate::load::body::check(&text) {
        let at = At::Pos { line: out.line, column: out.column, width: 1 };
        diagnostics.push(Diagnostic::new(Code::TexteHorsLimites, rel, at, out.message).help(out.help));
        return None;
    }
    Some(text)
}

/// Whether `stem` names a year (`2025`) or a period of years (`2022-2026`).
fn names_years(stem: &str) -> bool {
    let year = |y: &str| y.len() == 4 && y.parse::<i32>().is_ok_and(|y| (1900..=2200).contains(&y));
    match stem.split_once('-') {
        Some((a, b)) => year(a) && year(b) && a <= b,
        None => year(stem),
    }
}

/// `bilans/ANNEE.md` (and `bilans/DEBUT-FIN.md` for an evaluation over a period):
/// the coordinator's words for a bilan. Any other file there is named, so that a
/// misnamed bilan is not silently left out.
fn bilans(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    if !folder(root, BILANS_FOLDER, diagnostics) {
        return out;
    }
    let entries = match std::fs::read_dir(root.join(BILANS_FOLDER)) {
        Ok(entries) => entries,
        Err(e) => {
            diagnostics.push(unreadable(BILANS_FOLDER, &ReadError::Io(e)));
            return out;
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    for name in names {
        let rel = format!("{BILANS_FOLDER}/{}", crate::terminal::one_line(&name));
        let Some(stem) = name.strip_suffix(".md").filter(|stem| names_years(stem)) else {
            let message = "fichier inattendu dans `bilans` : seuls les textes `ANNEE.md` ou `DEBUT-FIN.md` y sont lus";
            let help = "nommez le texte d'après l'année de son bilan, par exemple `bilans/2025.md`";
            diagnostics.push(Diagnostic::new(Code::FichierInattendu, rel, At::File, message).help(help));
            continue;
        };
        if out.len() == MAX_BILANS {
            let message = format!("plus de {MAX_BILANS} bilans dans `{BILANS_FOLDER}` : les suivants ne sont pas lus");
            let help = "gardez dans `bilans` les textes des bilans du contrat";
            diagnostics.push(Diagnostic::new(Code::FichierIllisible, rel, At::File, message).help(help));
            break;
        }
        if let Some(text) = text(root, &rel, diagnostics) {
            out.insert(stem.to_string(), text);
        }
    }
    out
}

/// What an image's first bytes say it is, if it is one the documents can show.
fn image_format(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_string();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        let xml = head.starts_with("<svg") || head.starts_with("<?xml") || head.starts_with("<!--");
        (xml && head.contains("<svg")).then_some("svg")
    }
}

/// Width and height of a raster image, read from its header.
fn dimensions(format: &str, bytes: &[u8]) -> Option<(u64, u64)> {
    let be32 = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as u64);
    let be16 = |at: usize| bytes.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]) as u64);
    let le16 = |at: usize| bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as u64);
    match format {
        "png" => Some((be32(16)?, be32(20)?)),
        "gif" => Some((le16(6)?, le16(8)?)),
        "jpg" => {
            // The frame header (SOFn) gives them, after any number of other segments.
            let mut i = 2;
            while i + 9 < bytes.len() {
                if bytes[i] != 0xff {
                    return None;
                }
                let marker = bytes[i + 1];
                let length = be16(i + 2)? as usize;
                if matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc) {
                    return Some((be16(i + 7)?, be16(i + 5)?));
                }
                i += 2 + length;
            }
            None
        }
        _ => None,
    }
}

/// Whether an SVG refers to anything outside itself: a link, an image or a style
/// from a file or a site. Only `#fragment` and `data:` references are allowed.
fn svg_reaches_out(text: &str) -> bool {
    let lower = text.to_lowercase();
    let outside = |value: &str| {
        let v = value.trim_start_matches(['"', '\'', ' ']);
        !(v.starts_with('#') || v.starts_with("data:"))
    };
    let attributes = lower.match_indices("href").any(|(i, _)| {
        let rest = lower[i + 4..].trim_start();
        rest.strip_prefix('=').is_some_and(outside)
    });
    attributes || lower.match_indices("url(").any(|(i, _)| outside(&lower[i + 4..])) || lower.contains("@import")
}

/// Why an image cannot go into the documents, if it cannot.
fn refusal(bytes: &[u8]) -> Option<(String, &'static str)> {
    let help = "remplacez-la par une image PNG, JPEG, GIF ou SVG ordinaire, ou retirez-la du dossier `assets`";
    let Some(format) = image_format(bytes) else {
        return Some(("ce n'est ni une image PNG, JPEG, GIF ni SVG".into(), help));
    };
    if format == "svg" {
        let text = String::from_utf8_lossy(bytes);
        if svg_reaches_out(&text) {
            return Some((
                "l'image SVG fait référence à un autre fichier ou à un site, que les documents ne chargent pas".into(),
                "intégrez ces éléments à l'image elle-même (ou exportez-la en PNG)",
            ));
        }
        return None;
    }
    match dimensions(format, bytes) {
        None => Some(("son en-tête est illisible : l'image est endommagée".into(), help)),
        Some((w, h)) if w.saturating_mul(h) > MAX_PIXELS || w == 0 || h == 0 => Some((
            format!("l'image mesure {w} × {h} pixels : c'est plus que les 25 millions qu'un document accepte"),
            "réduisez-la : un logo de quelques centaines de pixels de large suffit",
        )),
        Some(_) => None,
    }
}

/// The images of `assets/`, by name.
fn images(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Image> {
    if !folder(root, ASSETS_FOLDER, diagnostics) {
        return Vec::new();
    }
    let entries = match std::fs::read_dir(root.join(ASSETS_FOLDER)) {
        Ok(entries) => entries,
        Err(e) => {
            diagnostics.push(unreadable(ASSETS_FOLDER, &ReadError::Io(e)));
            return Vec::new();
        }
    };
    let mut names: Vec<String> = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(name) = name.to_str().map(str::to_string) else {
            let shown = crate::terminal::one_line(&name.to_string_lossy());
            let message = format!("nom de fichier illisible `{shown}` : il n'est pas en UTF-8");
            let d = Diagnostic::new(Code::FichierIllisible, format!("{ASSETS_FOLDER}/{shown}"), At::File, message);
            diagnostics.push(d.help("renommez le fichier avec des lettres, des chiffres, `.`, `_` et `-`"));
            continue;
        };
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
        if !name.starts_with('.') && IMAGE_EXTENSIONS.contains(&extension.as_str()) {
            names.push(name);
        }
    }
    names.sort();
    let mut images = Vec::new();
    for name in names {
        let rel = format!("{ASSETS_FOLDER}/{name}");
        if images.len() == MAX_IMAGES {
            let message =
                format!("plus de {MAX_IMAGES} images dans `{ASSETS_FOLDER}` : les suivantes ne sont pas lues");
            diagnostics.push(
                Diagnostic::new(Code::FichierIllisible, &rel, At::File, message)
                    .help("gardez dans `assets` les images des documents, et les autres ailleurs"),
            );
            break;
        }
        let bytes = match read_regular(&root.join(&rel), IMAGE_LIMIT) {
            Ok(bytes) => bytes,
            Err(e) => {
                diagnostics.push(unreadable(&rel, &e));
                continue;
            }
        };
        if !name.chars().all(|c| c.is_alphanumeric() || "._-".contains(c)) {
            let message =
                format!("nom d'image `{}` : les documents ne la trouveraient pas", crate::terminal::one_line(&name));
            let d = Diagnostic::new(Code::FichierIllisible, &rel, At::File, message);
            diagnostics.push(d.help("renommez l'image avec des lettres, des chiffres, `.`, `_` et `-` seulement"));
            continue;
        }
        match refusal(&bytes) {
            Some((why, help)) => {
                let message = format!("image illisible pour les documents : {why}");
                diagnostics.push(Diagnostic::new(Code::FichierIllisible, &rel, At::File, message).help(help));
            }
            None => images.push(Image { name, bytes }),
        }
    }
    images
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bytes.extend(width.to_be_bytes());
        bytes.extend(height.to_be_bytes());
        bytes
    }

    #[test]
    fn images_are_known_by_their_first_bytes() {
        assert_eq!(image_format(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(image_format(&[0xff, 0xd8, 0xff, 0xe0]), Some("jpg"));
        assert_eq!(image_format(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"\">"), Some("svg"));
        assert_eq!(image_format(b"<html><body><svg></svg>"), None);
        assert_eq!(image_format(b"%PDF-1.7"), None);
    }

    #[test]
    fn an_image_too_big_once_decoded_is_refused_from_its_header() {
        assert_eq!(dimensions("png", &png(480, 160)), Some((480, 160)));
        assert!(refusal(&png(480, 160)).is_none());
        let (why, _) = refusal(&png(30_000, 30_000)).unwrap();
        assert!(why.contains("30000 × 30000 pixels"), "{why}");
        assert!(refusal(b"\x89PNG\r\n\x1a\n").is_some(), "a header cut short");
        // A JPEG's size is in its frame header, after other segments.
        let jpeg = [0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 200, 1, 44, 3, 0, 0];
        assert_eq!(dimensions("jpg", &jpeg), Some((300, 200)));
    }

    #[test]
    fn an_svg_that_loads_something_from_elsewhere_is_refused() {
        let inside =
            "<svg><defs><g id=\"a\"/></defs><use href=\"#a\"/><image href=\"data:image/png;base64,AA\"/></svg>";
        assert!(!svg_reaches_out(inside));
        for outside in [
            "<svg><image href=\"file:///etc/passwd\"/></svg>",
            "<svg><image xlink:href='/etc/passwd'/></svg>",
            "<svg><image HREF = \"http://exemple.fr/x.png\"/></svg>",
            "<svg><rect style=\"fill: url(http://x/y)\"/></svg>",
        ] {
            assert!(svg_reaches_out(outside), "{outside}");
        }
    }
}
