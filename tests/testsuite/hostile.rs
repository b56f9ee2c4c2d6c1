//! Broken and hostile input that cannot live in a checkout: files that collide on
//! Windows and macOS, a 50 MB file. And no personal data or script in any output.
//! The attacks of a hostile pull request (links, pipes, endless templates…) are in
//! `attacks.rs`.

use std::fs;
use std::time::{Duration, Instant};

use crate::{clsm, copy_of, files, project_root, temp_dir};

fn check_json(repo: &std::path::Path) -> (Option<i32>, serde_json::Value, Duration) {
    let start = Instant::now();
    let out = clsm(&["check", "--format", "json", "--repo", repo.to_str().unwrap()], &project_root());
    let elapsed = start.elapsed();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    (out.status.code(), serde_json::from_slice(&out.stdout).expect("JSON"), elapsed)
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect()
}

#[test]
fn ids_differing_only_by_case_are_reported() {
    let repo = copy_of("valide", "case");
    fs::write(repo.join("fiches/partenaires/Porteur.md"), "---\nnom: Le même, en majuscule\n---\n").unwrap();
    let (code, report, _) = check_json(&repo);
    assert_eq!(code, Some(1));
    let found = codes(&report);
    assert!(found.contains(&"id-duplique fiches/partenaires/porteur.md".to_string()), "{found:?}");
    let message =
        report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "id-duplique").unwrap()["message"]
            .clone();
    assert!(message.as_str().unwrap().contains("même fichier sous Windows et macOS"), "{message}");
}

#[test]
fn a_50_megabyte_file_is_refused_quickly() {
    let repo = copy_of("valide", "huge");
    let line = "cle: une valeur quelconque pour remplir le fichier\n";
    let mut text = String::from("---\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(line);
    }
    text.push_str("---\n");
    fs::write(repo.join("fiches/actions/enorme.md"), text).unwrap();
    let (code, report, elapsed) = check_json(&repo);
    assert_eq!(code, Some(1));
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics[0]["code"], "fichier-illisible");
    assert_eq!(diagnostics[0]["message"], "le fichier dépasse 4 Mo : il n'est pas lu");
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

/// Every output of a repository, as text: site, annual report, progress reports,
/// exports, in every format.
fn every_output(repo: &std::path::Path, test: &str) -> Vec<(String, String)> {
    let dir = temp_dir(test);
    let r = repo.to_str().unwrap();
    let site = dir.join("_site");
    let mut outputs = Vec::new();
    assert_eq!(clsm(&["--repo", r, "build", "--out", site.to_str().unwrap()], &project_root()).status.code(), Some(0));
    for (name, bytes) in files(&site) {
        outputs.push((format!("site/{name}"), crate::readable_text(&name, &bytes).unwrap_or_default()));
    }
    let runs: Vec<Vec<&str>> = vec![
        vec!["bilan", "--annee", "2024", "--out", "BILAN"],
        vec!["bilan", "--annee", "2024", "--format", "json"],
        vec!["report"],
        vec!["report", "--format", "md"],
        vec!["report", "--format", "html"],
        vec!["report", "--format", "json"],
        vec!["export", "indicateurs"],
        vec!["export", "actions"],
        vec!["export", "partenaires"],
        vec!["export", "partenaires", "--format", "json"],
    ];
    let bilan = dir.join("bilan.html");
    for args in runs {
        let args: Vec<&str> =
            args.into_iter().map(|a| if a == "BILAN" { bilan.to_str().unwrap() } else { a }).collect();
        let mut all = vec!["--repo", r];
        all.extend(&args);
        let out = clsm(&all, &project_root());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        outputs.push((args.join(" "), String::from_utf8_lossy(&out.stdout).to_string()));
    }
    outputs.push(("bilan.html".into(), fs::read_to_string(&bilan).unwrap()));
    outputs
}

#[test]
fn contacts_never_leak_into_any_output() {
    let repo = project_root().join("examples/cls-exemple");
    for (name, text) in every_output(&repo, "leaks") {
        for secret in ["Camille Exemple", "camille@exemple.invalid", "03 00 00 00 00"] {
            assert!(!text.contains(secret), "{secret} leaks into {name}");
        }
    }
}

#[test]
fn scripts_never_reach_any_html_output_unescaped() {
    let repo = copy_of("site-hostile", "scripts");
    for (name, text) in every_output(&repo, "scripts-out") {
        if !(name.ends_with(".html") || name.contains("html")) {
            continue;
        }
        let lower = text.to_lowercase();
        for needle in ["<script", "href=\"javascript:", "<img", "onerror=\"", "onclick=\"", "<b onmouseover"] {
            assert!(!lower.contains(needle), "{name} contains {needle:?}");
        }
        assert!(!lower.contains("dominique"), "{name} leaks a contact");
    }
}
