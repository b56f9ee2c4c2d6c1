//! The site in a real browser: every page type of the Metz site opened in headless
//! Chromium and checked with axe-core (WCAG 2.1 AA), reflow at 200 % zoom included.
//!
//! It needs Chromium (`/usr/bin/chromium`, or `CHROMIUM`) and the npm packages of
//! `tests/navigateur/` (`npm ci` there). Without them the test fails, saying what to
//! install, unless `CLSM_SAUTER_OUTILS=1` asks to skip it (never in CI).

use std::process::Command;

use crate::serve::{Serving, metz_copy};
use crate::{clsm, project_root, temp_dir};

/// The folder of the browser scripts and the Chromium to run them with, when both
/// are installed with the npm package `package`; otherwise the test fails, or is
/// skipped when asked outside CI ([`crate::may_skip_without`]).
fn browser_tools(package: &str) -> Option<(std::path::PathBuf, String)> {
    let tools = project_root().join("tests/navigateur");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = tools.join("node_modules").join(package).is_dir() && std::path::Path::new(&chromium).exists();
    if !ready && crate::may_skip_without("Chromium, ou `npm ci` dans tests/navigateur") {
        return None;
    }
    Some((tools, chromium))
}

#[test]
fn every_page_type_passes_axe_in_chromium() {
    let Some((tools, chromium)) = browser_tools("axe-core") else {
        return;
    };
    let out = temp_dir("axe").join("_site");
    let result = clsm(&["build", "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0));
    // The annual report and the progress report are pages too.
    let bilan = out.join("bilan-2019.html");
    assert_eq!(
        clsm(&["bilan", "--annee", "2019", "--out", bilan.to_str().unwrap()], &project_root()).status.code(),
        Some(0)
    );
    let rapport = out.join("rapport.html");
    let args = ["report", "--format", "html", "--annee", "2020", "--out", rapport.to_str().unwrap()];
    assert_eq!(clsm(&args, &project_root()).status.code(), Some(0));
    // The bilan page with its sections in annex pages, as a long repository has it.
    let cut = temp_dir("axe-annexes").join("_site");
    let args = ["build", "--sans-pdf", "--entrees-par-annexe", "3", "--out", cut.to_str().unwrap()];
    assert_eq!(clsm(&args, &project_root()).status.code(), Some(0));
    for page in ["bilan-2020.html", "bilan-2020-annexe-1.html", "bilan-2020-annexe-3.html"] {
        std::fs::copy(cut.join(page), out.join(page)).unwrap();
    }
    let pages = [
        "index.html",
        "axes/2.html",
        "actions/fiche-15.html",
        "actions/logement-sante-mentale.html",
        "actions/piste-2-jeunes.html",
        "annuaire.html",
        "indicateurs.html",
        "cadre-logique.html",
        "pistes.html",
        "calendrier.html",
        "accessibilite.html",
        "bilan-2019.html",
        "bilan-2020.html",
        "bilan-2020-annexe-1.html",
        "bilan-2020-annexe-3.html",
        "rapport.html",
    ];
    let run = Command::new("node")
        .arg(tools.join("axe.mjs"))
        .arg(&out)
        .args(pages)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{report}\n{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(report.matches(": 0 violation(s) grave(s)").count(), pages.len(), "{report}");
}

#[test]
fn a_page_of_the_preview_reloads_by_itself_when_a_fiche_is_saved() {
    let Some((tools, chromium)) = browser_tools("playwright-core") else {
        return;
    };
    let repo = metz_copy("serve-chromium");
    let serving = Serving::start(&repo, &[]);
    let fiche = repo.join("fiches/actions/logement-sante-mentale.md");
    let run = Command::new("node")
        .arg(tools.join("rechargement.mjs"))
        .arg(format!("{}actions/logement-sante-mentale.html", serving.url))
        .arg(&fiche)
        .args(["Logement et santé mentale", "Logement accompagné"])
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{said}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(said.contains("après : « Logement accompagné »") && said.contains("marque effacée"), "{said}");
}
