//! Fuzzes the whole loading and checking of a repository: the input is split into a
//! `clsm.toml` and fiches of every kind, which go through the front-matter split,
//! YAML, the typed reading, every rule and the positioning of every diagnostic.
//! Nothing may panic, and every diagnostic must land on a real position.

#![no_main]

use clsm::diag::At;
use libfuzzer_sys::fuzz_target;

const CONFIG: &[u8] = b"titre = \"Contrat\"\ntype = \"CLS\"\nporteur = \"p\"\n[[axes]]\nid = \"1\"\ntitre = \"Axe\"\n";

fuzz_target!(|data: &[u8]| {
    // Parts separated by a form feed: the first may replace clsm.toml when it starts
    // with `titre`; the others are fiches, given a kind by their position.
    let mut parts = data.split(|b| *b == 0x0c);
    let first = parts.next().unwrap_or_default();
    let (config, first_fiche) = if first.starts_with(b"titre") { (first, None) } else { (CONFIG, Some(first)) };
    let folders = ["actions", "partenaires", "indicateurs", "evenements"];
    let fiches: Vec<(String, Vec<u8>)> = first_fiche
        .into_iter()
        .chain(parts)
        .enumerate()
        .map(|(i, bytes)| (format!("fiches/{}/f{i}.md", folders[i % folders.len()]), bytes.to_vec()))
        .collect();
    let loaded = clsm::load::load_from_memory(config, &fiches);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let diagnostics = clsm::load::Files::new(&loaded).resolve(clsm::check::check(&loaded, today));
    for d in &diagnostics {
        let At::Pos { line, column, .. } = d.at else { panic!("unresolved position: {d:?}") };
        assert!(line >= 1 && column >= 1);
    }
    let summary = clsm::check::Summary::of(&loaded);
    for format in [clsm::check::Format::Texte, clsm::check::Format::Json] {
        let _ = clsm::check::render(format, diagnostics.clone(), &loaded, summary, false);
    }
    if !diagnostics.iter().any(|d| d.severity == clsm::diag::Severity::Error) {
        // What `check` lets through, the checked repository holds.
        let checked = clsm::model::checked::Repository::from_loaded(&loaded.repo).expect("checked");
        let _ = clsm::views::site::build(&checked, clsm::views::site::Options::default());
        let _ = clsm::views::report::report(&checked, clsm::views::report::Scope::on(today), None);
    }
});
