//! `clsm`: the command line. Parse, dispatch, map the outcome to an exit code:
//! 0 when all is well, 1 when the repository has problems, 2 for usage or I/O errors.

use std::process::ExitCode;

use clap::Parser;

use clsm::cli::{Cli, Command};
use clsm::cmd::{self, Outcome};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match &cli.command {
        Command::Check(args) => cmd::check::run(cli.repo.as_deref(), args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(e) => {
            eprintln!("erreur : {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  cause : {cause}");
            }
            ExitCode::from(2)
        }
    }
}
