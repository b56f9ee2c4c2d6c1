//! The integration tests: they run the real `clsm` binary on the repositories of
//! `tests/fixtures/`, on `examples/` and on the Metz repository at the project root.

mod attacks;
mod bilan;
mod broken;
mod browser;
mod build;
mod check;
mod ci;
mod collecte;
mod create;
mod export;
#[cfg(feature = "pdf")]
mod fiche;
mod help;
mod hostile;
mod import;
#[cfg(feature = "pdf")]
mod pdf;
mod property;
mod report;
mod schema;
mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    project_root().join("tests/fixtures").join(name)
}

/// Runs the real binary. Built without its `pdf` feature, clsm refuses to build
/// PDFs: its builds are then asked for the site alone, which every test but those
/// of `pdf.rs` (left out in that build) is about.
fn clsm(args: &[&str], cwd: &Path) -> Output {
    let mut args = args.to_vec();
    if !cfg!(feature = "pdf") && args.contains(&"build") && !args.contains(&"--sans-pdf") {
        args.push("--sans-pdf");
    }
    Command::new(env!("CARGO_BIN_EXE_clsm"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("the clsm binary runs")
}

/// A new empty folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clsm-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    dir
}

/// Every file below `dir`, as `(path relative to dir, bytes)`, sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read(&path).expect("readable file")));
            }
        }
    }
    out.sort();
    out
}

/// A copy of the fixture `name` in a new folder, to modify.
fn copy_of(name: &str, test: &str) -> PathBuf {
    let repo = temp_dir(test).join("repo");
    for (rel, bytes) in files(&fixture(name)) {
        let path = repo.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("folder");
        std::fs::write(path, bytes).expect("file");
    }
    repo
}

/// Whether a test may skip because a tool it needs is missing: only when asked
/// with `CLSM_SAUTER_OUTILS=1`, and never in CI (`CI` set), which installs them all.
/// Otherwise a missing tool fails the test, saying what to install.
fn may_skip_without(tool: &str) -> bool {
    let asked = std::env::var_os("CLSM_SAUTER_OUTILS").is_some_and(|v| v == "1");
    assert!(
        asked && std::env::var_os("CI").is_none(),
        "{tool} manque : installez-le (voir .ci/run), ou lancez les tests avec CLSM_SAUTER_OUTILS=1 pour sauter ce qui en dépend"
    );
    true
}

/// The text a person would read in a file: a PDF's text through `pdftotext`
/// (poppler-utils), other files as they are. `None` only when `pdftotext` is
/// missing and [`may_skip_without`] allows it.
fn readable_text(name: &str, bytes: &[u8]) -> Option<String> {
    if !name.ends_with(".pdf") {
        return Some(String::from_utf8_lossy(bytes).to_string());
    }
    let run = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = run else {
        may_skip_without("pdftotext (paquet poppler-utils)");
        return None;
    };
    use std::io::Write as _;
    child.stdin.take().expect("stdin").write_all(bytes).expect("pdftotext reads the PDF");
    let out = child.wait_with_output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!text.trim().is_empty(), "{name}: pdftotext finds no text in it");
    Some(text)
}
