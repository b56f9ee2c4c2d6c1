//! `clsm`: the command line. Parse, dispatch, map the outcome to an exit code:
//! 0 when all is well, 1 when the repository has problems, 2 for usage or I/O errors.

use std::process::ExitCode;

/// Loading allocates many small strings and YAML values, rendering many small
/// template values: at 10,000 actions, mimalloc (its version 2, see Cargo.toml)
/// makes `check` a fifth faster than the system allocator, and `build` a tenth.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

use clsm::cli::{Cli, Command};
use clsm::cmd::{self, Outcome};

fn main() -> ExitCode {
    // Typst lays pages out on the global thread pool too: give its threads the stack
    // a long document needs (the default 2 MiB overflows on hundreds of fiches).
    let _ = rayon::ThreadPoolBuilder::new().stack_size(32 << 20).build_global();
    // Typst's panics are turned into an error naming the document (render::pdf); any
    // other would be a bug of clsm's own, said once, in French.
    std::panic::set_hook(Box::new(|info| {
        if std::thread::current().name() != Some("typst") {
            eprintln!("erreur interne de clsm : {info}\n  aide : signalez-la, avec le dépôt qui la provoque");
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // `--help` and `--version` arrive here too, as "errors" for stdout.
        Err(e) if !e.use_stderr() => {
            use std::io::{IsTerminal, Write};
            let rendered = e.render();
            let text = if std::io::stdout().is_terminal() { rendered.ansi().to_string() } else { rendered.to_string() };
            let _ = std::io::stdout().write_all(clsm::cli::french_headings(&text).as_bytes());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprint!("{}", clsm::cli::french_error(&e));
            return ExitCode::from(2);
        }
    };
    clsm::progress::set_quiet(cli.quiet);
    clsm::limits::watch(clsm::limits::Limits {
        delai: std::time::Duration::from_secs(cli.delai),
        memoire: cli.memoire.map(|mo| mo << 20).or_else(clsm::limits::Limits::default_memory),
    });
    // A panic is a bug of clsm's, said by the hook; it still exits with 2.
    let result = std::panic::catch_unwind(|| dispatch(&cli))
        .unwrap_or_else(|_| Err(anyhow::anyhow!("arrêt sur une erreur interne")));
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(e) => {
            // Messages quote file names and text from the repository: shown, never
            // obeyed, and every line after the first indented, so that a line break
            // in a name cannot start a line of its own (a CI command, say).
            let indented = |text: String| clsm::terminal::clean(&text).replace('\n', "\n  ");
            eprintln!("erreur : {}", indented(e.to_string()));
            for cause in e.chain().skip(1) {
                let text = match cause.downcast_ref::<std::io::Error>() {
                    Some(io) => clsm::files::io_message(io),
                    None => cause.to_string(),
                };
                eprintln!("  cause : {}", indented(text));
            }
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: &Cli) -> anyhow::Result<Outcome> {
    match &cli.command {
        Command::Check(args) => cmd::check::run(cli.repo.as_deref(), args),
        Command::Serve(args) => {
            let bounds = cmd::serve::Bounds { delai: cli.delai, memoire: cli.memoire };
            cmd::serve::run(cli.repo.as_deref(), args, bounds)
        }
        Command::Apercu(args) => cmd::serve::run_child(cli.repo.as_deref(), args),
        Command::Build(args) => cmd::build::run(cli.repo.as_deref(), args),
        Command::Report(args) => cmd::report::run(cli.repo.as_deref(), args),
        Command::Bilan(args) => cmd::bilan::run(cli.repo.as_deref(), args),
        Command::Affiche(args) => cmd::affiche::run(cli.repo.as_deref(), args),
        Command::Export(args) => cmd::export::run(cli.repo.as_deref(), args),
        Command::New(args) => cmd::new::run(cli.repo.as_deref(), args),
        Command::Init(args) => cmd::init::run(args),
        Command::Schema(args) => cmd::schema::run(cli.repo.as_deref(), args),
        Command::Import(args) => cmd::import::run(cli.repo.as_deref(), args),
        Command::Diff(args) => cmd::diff::run(cli.repo.as_deref(), args),
        Command::Collecte(args) => cmd::collecte::run(cli.repo.as_deref(), args),
        Command::Help(args) => cmd::help::run(args),
        Command::Completions(args) => cmd::help::completions(args),
        Command::Man(args) => cmd::help::man(args),
    }
}
