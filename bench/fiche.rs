//! One fiche PDF made by clsm, in-process, against the `typst` command line compiling
//! the same document: the same templates, the same data (`--input donnees=…`), the
//! same embedded fonts. Reports the median of 9 runs of each, measured in one run;
//! clsm's with Typst's cache emptied before each run, as a new fiche finds it.
//!
//! Usage: `cargo bench --bench fiche [-- DÉPÔT [ACTION]]` (by default the repository
//! at the root of the project and its first action). Needs the `typst` command of the
//! same version as the `typst` crate: `cargo install typst-cli --version 0.15.1 --locked`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use clsm::render::pdf;
use clsm::views;

const RUNS: usize = 9;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("erreur : {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<()> {
    // `cargo bench` passes `--bench` to a harness-less bench: not a repository.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let root = PathBuf::from(args.first().map_or(env!("CARGO_MANIFEST_DIR"), String::as_str));
    let today = clsm::cmd::today();
    let loaded = clsm::cmd::load_checked(Some(&root), today)?
        .ok_or_else(|| anyhow!("le dépôt `{}` a des problèmes : lancez `clsm check`", root.display()))?;
    let documents = views::site::Documents { pdf: true, bilan: None, carte: 0 };
    let (site, renderer) = clsm::cmd::build::site_and_renderer(&loaded, false, documents)?;
    let position = match args.get(1) {
        Some(id) => *site.action_positions().get(id.as_str()).ok_or_else(|| anyhow!("pas d'action `{id}`"))?,
        None if site.action_count() > 0 => 0,
        None => return Err(anyhow!("le dépôt n'a aucune action")),
    };
    let action = &site.action(position);
    let data = pdf::fiche_data(&pdf::contract_data(&site)?, action)?;

    let first = Instant::now();
    let made = pdf::fiche(&renderer, &data, action, today)?;
    let first = first.elapsed();
    // Typst memoizes: the same fiche again costs almost nothing. A build makes
    // different fiches, so each run starts from an empty cache, as the command
    // line does; the warm figure is shown beside it.
    let cold = median((0..RUNS).map(|_| {
        typst::comemo::evict(0);
        timed(|| pdf::fiche(&renderer, &data, action, today).map(drop))
    }))?;
    let warm = median((0..RUNS).map(|_| timed(|| pdf::fiche(&renderer, &data, action, today).map(drop))))?;

    let typst = typst_command()?;
    let folder = tempfile::tempdir()?;
    for (name, text) in &renderer.typst {
        std::fs::write(folder.path().join(name), text)?;
    }
    let input = format!("donnees={}", serde_json::to_string(&data)?);
    let output = folder.path().join("fiche.pdf");
    let cli = || cli_compile(&typst, folder.path(), &input, &output);
    cli()?;
    let command_line = median((0..RUNS).map(|_| timed(cli)))?;
    let theirs = std::fs::metadata(&output)?.len();

    println!("fiche `{}` ({}), {} Kio de données JSON", action.id, root.display(), input.len() / 1024);
    println!("{:<42} {:>10}", "", "médiane");
    println!("{:<42} {:>10}", "clsm, dans le processus (1re fiche)", ms(first));
    println!("{:<42} {:>10}", "clsm, dans le processus (cache vidé)", ms(cold));
    println!("{:<42} {:>10}", "clsm, dans le processus (même fiche)", ms(warm));
    println!("{:<42} {:>10}", "typst compile (ligne de commande)", ms(command_line));
    println!("rapport clsm (cache vidé) / typst : {:.2}", cold.as_secs_f64() / command_line.as_secs_f64());
    println!("taille : clsm {} octets, typst {theirs} octets", made.len());
    Ok(())
}

/// `typst` from `$TYPST` or the `PATH`, with its version.
fn typst_command() -> Result<PathBuf> {
    let typst = std::env::var_os("TYPST").map_or_else(|| PathBuf::from("typst"), PathBuf::from);
    let version = Command::new(&typst)
        .arg("--version")
        .output()
        .with_context(|| "la commande `typst` est introuvable : cargo install typst-cli --version 0.15.1 --locked")?;
    eprintln!("{}", String::from_utf8_lossy(&version.stdout).trim());
    Ok(typst)
}

fn cli_compile(typst: &Path, root: &Path, input: &str, output: &Path) -> Result<()> {
    let status = Command::new(typst)
        // The same document as clsm's: its Typst features, and its PDF standards
        // (render::pdf).
        .args(["compile", "--ignore-system-fonts", "--features", "a11y-extras", "--pdf-standard", "a-2a,ua-1"])
        .arg("--root")
        .arg(root)
        .args(["--input", input])
        .arg(root.join("fiche.typ"))
        .arg(output)
        .status()?;
    if !status.success() {
        bail!("`typst compile` a échoué ({status})");
    }
    Ok(())
}

fn timed(run: impl FnOnce() -> Result<()>) -> Result<Duration> {
    let start = Instant::now();
    run()?;
    Ok(start.elapsed())
}

fn median(times: impl Iterator<Item = Result<Duration>>) -> Result<Duration> {
    let mut times = times.collect::<Result<Vec<_>>>()?;
    times.sort();
    Ok(times[times.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
