//! clsm: a French local health contract (CLS) or local mental-health council (CLSM)
//! kept as a plain-text repository of Markdown fiches with YAML front matter.
//!
//! One pipeline, one direction: [`load`] finds and reads the repository into the
//! typed records of [`model`], [`check`] runs every rule and returns [`diag`]nostics,
//! and the commands of [`cmd`] print or render the result. `main.rs` only parses the
//! command line and maps outcomes to exit codes.

pub mod check;
pub mod cli;
pub mod cmd;
pub mod collecte;
pub mod diag;
pub mod export;
pub mod files;
#[cfg(feature = "pdf")]
pub mod fonts;
pub mod format;
pub mod history;
pub mod import;
pub mod limits;
pub mod load;
pub mod model;
pub mod progress;
pub mod render;
pub mod serve;
pub mod suggest;
pub mod terminal;
pub mod views;
