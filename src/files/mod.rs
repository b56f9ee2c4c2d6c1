//! The file system, as an untrusted repository meets it.
//!
//! A repository is input written by strangers: CI runs clsm on partners' pull
//! requests, and git stores symbolic links. Everything clsm reads from a repository
//! goes through [`read`]: regular files only, never through a symbolic link, never
//! more than a bound. Everything clsm writes goes through [`write`]: a folder is built
//! in a fresh staging folder and swapped into place, a single file is written to a
//! unique temporary name and renamed, and no symbolic link inside the repository is
//! ever followed on the way.

pub mod read;
pub mod write;

pub use read::{ReadError, read_regular};

/// What the system said, in French: the standard library words it in English.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "fichier ou dossier introuvable",
        K::PermissionDenied => "permission refusée",
        K::AlreadyExists => "le fichier existe déjà",
        K::IsADirectory => "c'est un dossier",
        K::NotADirectory => "ce n'est pas un dossier",
        K::DirectoryNotEmpty => "le dossier n'est pas vide",
        K::ReadOnlyFilesystem => "le disque est en lecture seule",
        K::StorageFull => "le disque est plein",
        K::QuotaExceeded => "quota de disque dépassé",
        K::FileTooLarge => "fichier trop gros",
        K::InvalidData => "données illisibles",
        K::InvalidInput | K::InvalidFilename => "nom ou argument invalide",
        K::UnexpectedEof => "fin de fichier inattendue",
        K::WouldBlock => "le fichier n'est pas prêt (tube ou périphérique)",
        K::Interrupted => "opération interrompue",
        K::BrokenPipe => "la sortie a été fermée",
        K::TimedOut => "délai dépassé",
        K::CrossesDevices => "déplacement entre deux disques impossible",
        K::TooManyLinks => "trop de liens",
        K::ResourceBusy | K::ExecutableFileBusy => "fichier occupé",
        K::Deadlock => "fichier verrouillé",
        K::OutOfMemory => "mémoire insuffisante",
        K::Unsupported => "opération non prise en charge par ce système",
        _ => "erreur du système",
    };
    match e.raw_os_error() {
        Some(code) => format!("{what} (erreur système {code})"),
        None => what.to_string(),
    }
}
