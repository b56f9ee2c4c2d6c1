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
