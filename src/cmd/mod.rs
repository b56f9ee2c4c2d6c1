//! One module per subcommand. Each returns whether the repository passed.

pub mod check;

/// What a command concluded about the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything is in order.
    Clean,
    /// The repository has problems (exit code 1).
    Problems,
}
