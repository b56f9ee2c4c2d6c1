//! Reading a repository's files: regular files only, never through a symbolic link,
//! never more than a bound.
//!
//! A link in `fiches/` or `templates/` could point at `/etc/passwd` or at
//! `/proc/self/environ` and have CI publish it; a named pipe would block a read
//! forever and `/dev/zero` would fill the memory. So a file is opened without
//! following a final link (`O_NOFOLLOW`) and without waiting for a writer
//! (`O_NONBLOCK`), what was opened is checked to be a regular file before a byte is
//! read, and the read stops one byte past the bound.

use std::fmt;
use std::fs::{File, FileType, OpenOptions};
use std::io::Read;
use std::path::Path;

/// Why a file of the repository is not read.
#[derive(Debug)]
pub enum ReadError {
    /// A symbolic link: its target is never opened.
    Symlink,
    /// Not a regular file: what it is (a folder, a named pipe, a device…).
    Special(&'static str),
    /// Larger than the bound, in bytes.
    TooBig(u64),
    /// Not UTF-8 text: the offset of the first byte that is not.
    NotUtf8(usize),
    /// The system refused it (permissions, a file removed meanwhile…).
    Io(std::io::Error),
}

impl ReadError {
    /// How to fix it, in French.
    pub fn help(&self) -> &'static str {
        match self {
            ReadError::Symlink => "remplacez le lien par une copie du fichier lui-même, rangée dans le dépôt",
            ReadError::Special(_) => "retirez-le du dépôt : seuls des fichiers ordinaires sont lus",
            ReadError::TooBig(_) => "une fiche ou un modèle tient en quelques kilo-octets : vérifiez ce fichier",
            ReadError::NotUtf8(_) => {
                "réenregistrez le fichier en UTF-8 (dans votre éditeur : Enregistrer sous → Encodage UTF-8)"
            }
            ReadError::Io(_) => "vérifiez que le fichier existe et peut être lu",
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Symlink => f.write_str("lien symbolique : sa cible n'est pas lue"),
            ReadError::Special(kind) => write!(f, "{kind} : ce n'est pas un fichier ordinaire, il n'est pas lu"),
            ReadError::TooBig(limit) => write!(f, "le fichier dépasse {} : il n'est pas lu", size(*limit)),
            ReadError::NotUtf8(offset) => write!(f, "le fichier n'est pas en UTF-8 (octet {offset})"),
            ReadError::Io(e) => write!(f, "lecture impossible ({})", super::io_message(e)),
        }
    }
}

impl std::error::Error for ReadError {}

/// A size in French: `1 Mo`, `512 ko`.
pub fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 { format!("{} Mo", bytes >> 20) } else { format!("{} ko", (bytes >> 10).max(1)) }
}

/// What a file that is not a regular file is, in French; `None` for a regular file.
pub fn special_kind(file_type: FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("dossier");
    }
    if file_type.is_symlink() {
        return Some("lien symbolique");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("tube nommé");
        }
        if file_type.is_socket() {
            return Some("socket");
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some("périphérique");
        }
    }
    Some("fichier spécial")
}

/// Opens `path` for reading without following a final symbolic link and without
/// blocking on a named pipe.
fn open(path: &Path) -> Result<File, ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(ReadError::Symlink);
    }
    options.open(path).map_err(|e| {
        // O_NOFOLLOW fails with ELOOP (EMLINK on some BSDs) on a link.
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            ReadError::Symlink
        } else {
            ReadError::Io(e)
        }
    })
}

/// The bytes of the regular file at `path`, at most `limit` of them.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open(path)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = special_kind(metadata.file_type()) {
        return Err(ReadError::Special(kind));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooBig(limit));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // The file may grow while it is read: never take more than the bound.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooBig(limit));
    }
    Ok(bytes)
}

/// The first bytes (at most `limit`) of the regular file at `path`.
pub fn read_head(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open(path)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = special_kind(metadata.file_type()) {
        return Err(ReadError::Special(kind));
    }
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    Ok(bytes)
}

/// The text of the regular file at `path`, at most `limit` bytes, in UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_regular(path, limit)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}

/// Whether `path` is a real folder: `Ok(false)` when it does not exist, an error
/// when it is a symbolic link or not a folder.
pub fn real_dir(path: &Path) -> Result<bool, ReadError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(ReadError::Io(e)),
        Ok(m) if m.file_type().is_symlink() => Err(ReadError::Symlink),
        Ok(m) if m.is_dir() => Ok(true),
        Ok(m) => Err(ReadError::Special(special_kind(m.file_type()).unwrap_or("fichier"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("clsm-read-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_a_regular_file_within_its_bound() {
        let dir = temp("regular");
        std::fs::write(dir.join("a.md"), "texte").unwrap();
        assert_eq!(read_regular(&dir.join("a.md"), 5).unwrap(), b"texte");
        assert!(matches!(read_regular(&dir.join("a.md"), 4), Err(ReadError::TooBig(4))));
    }

    #[cfg(unix)]
    #[test]
    fn never_opens_the_target_of_a_link() {
        let dir = temp("link");
        std::fs::write(dir.join("secret"), "secret").unwrap();
        std::os::unix::fs::symlink(dir.join("secret"), dir.join("lien.md")).unwrap();
        assert!(matches!(read_regular(&dir.join("lien.md"), 100), Err(ReadError::Symlink)));
        assert!(matches!(real_dir(&dir.join("lien.md")), Err(ReadError::Symlink)));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_devices_and_pipes_without_blocking() {
        assert!(matches!(read_regular(Path::new("/dev/zero"), 100), Err(ReadError::Special("périphérique"))));
        let dir = temp("fifo");
        let fifo = dir.join("tube.md");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_regular(&fifo, 100), Err(ReadError::Special("tube nommé"))));
        assert!(matches!(read_regular(&dir, 100), Err(ReadError::Special("dossier"))));
    }

    #[test]
    fn sizes_read_in_french() {
        assert_eq!(size(1 << 20), "1 Mo");
        assert_eq!(size(16 << 20), "16 Mo");
        assert_eq!(size(4096), "4 ko");
    }
}
