//! The PDF documents: the contract, each fiche, the annual report.

use crate::{clsm, files, project_root, readable_text, temp_dir};

#[test]
fn the_contract_and_each_fiche_as_pdf() {
    let out = temp_dir("pdf").join("_site");
    let result = clsm(&["build", "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let pdfs: Vec<(String, Vec<u8>)> = files(&out).into_iter().filter(|(n, _)| n.ends_with(".pdf")).collect();
    assert_eq!(pdfs.len(), 24, "contrat.pdf, one PDF per action and the latest bilan");
    assert!(pdfs.iter().any(|(n, _)| n == "bilan-2020.pdf"), "the bilan of 2020, the latest year with activity");
    let contract = &pdfs.iter().find(|(n, _)| n == "contrat.pdf").unwrap().1;
    let raw = String::from_utf8_lossy(contract);
    assert!(raw.contains("/Lang(fr-FR)"), "language in the catalog");
    assert!(raw.contains("/StructTreeRoot"), "a tagged PDF");
    if let Some(text) = readable_text("contrat.pdf", contract) {
        for expected in [
            "Sommaire",
            "Fiche n°15 : Coordination du Conseil local de santé mentale",
            "Cadre logique",
            "Annuaire des partenaires",
        ] {
            assert!(text.contains(expected), "contrat.pdf lacks {expected:?}");
        }
        assert!(text.contains("1 / "), "pages are numbered");
    }
    let fiche = &pdfs.iter().find(|(n, _)| n == "fiches/fiche-15.pdf").unwrap().1;
    if let Some(text) = readable_text("fiche.pdf", fiche) {
        for expected in [
            "Améliorer le bien-être psychique des habitants du territoire",
            "Bilan annuel",
            "Intercommunal",
            "5 000 €",
            "tableau de suivi, questionnaires, bilan annuel.",
        ] {
            assert!(text.contains(expected), "fiche-15.pdf lacks {expected:?}");
        }
    }
}

#[test]
fn the_annual_report_as_pdf() {
    let path = temp_dir("bilan-pdf").join("bilan-2019.pdf");
    let result =
        clsm(&["bilan", "--annee", "2019", "--format", "pdf", "--out", path.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if let Some(text) = readable_text("bilan.pdf", &bytes) {
        assert!(text.contains("Bilan annuel 2019") && text.contains("Instances et événements"), "{text}");
        // Money right-aligned and the SISM week with its theme and counts.
        assert!(
            text.contains("Santé mentale à l’ère du numérique") || text.contains("Santé mentale à l'ère du numérique"),
            "{text}"
        );
    }
    // Made again, it replaces itself (it says clsm made it) and is the same.
    let again =
        clsm(&["bilan", "--annee", "2019", "--format", "pdf", "--out", path.to_str().unwrap()], &project_root());
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn the_contract_goes_into_volumes_beyond_its_size() {
    let out = temp_dir("volumes").join("_site");
    let result = clsm(&["build", "--fiches-par-volume", "1", "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let pdfs: std::collections::BTreeMap<String, Vec<u8>> =
        files(&out).into_iter().filter(|(n, _)| n.ends_with(".pdf") && !n.contains('/')).collect();
    let volumes: Vec<&String> = pdfs.keys().filter(|n| n.starts_with("contrat-")).collect();
    // Metz's four engaged fiches: one on axis 1, two on axis 2, one on axis 3.
    assert_eq!(volumes, ["contrat-1.pdf", "contrat-2.pdf", "contrat-3.pdf", "contrat-4.pdf"], "{:?}", pdfs.keys());
    let Some(contract) = readable_text("contrat.pdf", &pdfs["contrat.pdf"]) else { return };
    let fiche_15 = "Fiche n°15 : Coordination du Conseil local de santé mentale";
    assert!(!contract.contains("Fiche n°"), "contrat.pdf holds no fiche itself");
    for expected in [
        "1 action, dont la fiche est dans le volume 1 (contrat-1.pdf)",
        "2 actions, dont les fiches sont dans les volumes 2 (contrat-2.pdf) et 3 (contrat-3.pdf)",
        "Annuaire des partenaires",
        "Le cadre logique des fiches de chaque volume, à la fin de celui-ci",
    ] {
        assert!(contract.contains(expected), "contrat.pdf lacks {expected:?}");
    }
    let text: Vec<String> = volumes.iter().map(|n| readable_text(n, &pdfs[*n]).unwrap()).collect();
    for (name, text) in volumes.iter().zip(&text) {
        for expected in ["1 fiche-action", "Cadre logique", "Sommaire du volume"] {
            assert!(text.contains(expected), "{name} lacks {expected:?}");
        }
    }
    assert_eq!(text.iter().filter(|t| t.contains(fiche_15)).count(), 1, "fiche 15 is in one volume");
    assert!(
        text[1].contains("L'axe se poursuit dans le volume 3")
            || text[1].contains("L’axe se poursuit dans le volume 3")
    );
    assert!(text[2].contains("(suite)") && !text[3].contains("(suite)"));
    let refused = clsm(&["build", "--fiches-par-volume", "101", "--sans-pdf"], &project_root());
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("entre 1 et 100"));
}

/// pdftotext's text of `name`, its typographic apostrophes made straight and its
/// lines joined, to find phrases that wrap.
fn flat_text(name: &str, bytes: &[u8]) -> Option<String> {
    let text = readable_text(name, bytes)?;
    Some(text.replace('’', "'").split_whitespace().collect::<Vec<_>>().join(" "))
}

#[test]
fn long_sections_of_the_contract_and_the_bilan_go_into_annexes() {
    let out = temp_dir("annexes").join("_site");
    let result = clsm(&["build", "--entrees-par-annexe", "3", "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let pdfs: std::collections::BTreeMap<String, Vec<u8>> =
        files(&out).into_iter().filter(|(n, _)| n.ends_with(".pdf") && !n.contains('/')).collect();
    let annexes = |prefix: &str| pdfs.keys().filter(|n| n.starts_with(prefix)).count();
    // Metz's 25 partners, three at most per annex and each type starting its own
    // when it does not fit, take 10 annexes; its 8 indicators 3 more.
    assert_eq!(annexes("contrat-annexe-"), 13, "{:?}", pdfs.keys());
    // The bilan of 2020: its 4 engaged actions in 2 annexes, its indicator measured in
    // 2020 and its 7 others in 4; its one line of budget stays.
    assert_eq!(annexes("bilan-2020-annexe-"), 6, "{:?}", pdfs.keys());
    let Some(contract) = flat_text("contrat.pdf", &pdfs["contrat.pdf"]) else { return };
    for expected in [
        "L'annuaire des 25 partenaires est dans les annexes 1 (contrat-annexe-1.pdf), 2 (contrat-annexe-2.pdf)",
        "Les 8 indicateurs sont dans les annexes 11 (contrat-annexe-11.pdf), 12 (contrat-annexe-12.pdf) et 13 (contrat-annexe-13.pdf).",
    ] {
        assert!(contract.contains(expected), "contrat.pdf lacks {expected:?}");
    }
    assert!(!contract.contains("Participe à :"), "the annuaire itself is not in contrat.pdf");
    let texts: Vec<String> =
        (1..=13).map(|n| format!("contrat-annexe-{n}.pdf")).map(|n| flat_text(&n, &pdfs[&n]).unwrap()).collect();
    assert!(texts[0].contains("Annexe 1 sur 13") && texts[0].contains("Annuaire des partenaires"), "{}", texts[0]);
    assert!(
        texts[1].contains("Annuaire des partenaires (suite)")
            && texts[1].contains("La liste se poursuit dans l'annexe 3.")
    );
    assert!(texts[12].contains("Indicateurs (suite)") && !texts[12].contains("se poursuit"), "{}", texts[12]);
    // Every partner is in exactly one annex (the porteur and the city are also on
    // every cover).
    for partner in ["Département de la Moselle", "Metz Métropole", "AMLI", "Maison des adolescents", "Pôle emploi"] {
        assert_eq!(texts.iter().filter(|t| t.contains(partner)).count(), 1, "{partner}");
    }

    let bilan = flat_text("bilan-2020.pdf", &pdfs["bilan-2020.pdf"]).unwrap();
    for expected in [
        "Les avancements de l'année sont présentés action par action dans les annexes 1 (bilan-2020-annexe-1.pdf) et 2 (bilan-2020-annexe-2.pdf).",
        "1 action engagée, présentée dans l'annexe 1 (bilan-2020-annexe-1.pdf).",
        "2 actions engagées, présentées dans l'annexe 1 (bilan-2020-annexe-1.pdf).",
        "1 action engagée, présentée dans l'annexe 2 (bilan-2020-annexe-2.pdf).",
        "Les indicateurs sont présentés dans les annexes 3 (bilan-2020-annexe-3.pdf), 4 (bilan-2020-annexe-4.pdf), 5 (bilan-2020-annexe-5.pdf) et 6 (bilan-2020-annexe-6.pdf) : d'abord ceux mesurés en 2020 (1)",
        "15. Coordination du Conseil local de santé mentale 5 000 €",
    ] {
        assert!(bilan.contains(expected), "bilan-2020.pdf lacks {expected:?}: {bilan}");
    }
    let first = flat_text("bilan-2020-annexe-1.pdf", &pdfs["bilan-2020-annexe-1.pdf"]).unwrap();
    assert!(
        first.contains("Bilan annuel 2020 annexe 1 sur 6") && first.contains("Logement et santé mentale"),
        "{first}"
    );
    assert!(first.contains("Février 2020 : Convention de collaboration"), "the progress of the year: {first}");
    let last = flat_text("bilan-2020-annexe-6.pdf", &pdfs["bilan-2020-annexe-6.pdf"]).unwrap();
    assert!(last.contains("Sans mesure en 2020 (suite)"), "{last}");

    // `clsm bilan` puts the annexes beside the file it is given, named after it.
    let dir = temp_dir("annexes-bilan");
    let path = dir.join("rapport.pdf");
    let args =
        ["bilan", "--annee", "2020", "--format", "pdf", "--entrees-par-annexe", "3", "--out", path.to_str().unwrap()];
    let made = clsm(&args, &project_root());
    assert_eq!(made.status.code(), Some(0), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(String::from_utf8_lossy(&made.stderr).contains("avec ses 6 annexes"));
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.contains(&"rapport-annexe-6.pdf".to_string()), "{names:?}");
    let main = flat_text("rapport.pdf", &std::fs::read(&path).unwrap()).unwrap();
    assert!(main.contains("dans l'annexe 2 (rapport-annexe-2.pdf)"), "the bilan links its own annexes: {main}");

    let refused = clsm(&["bilan", "--format", "pdf", "--entrees-par-annexe", "1001"], &project_root());
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("entre 1 et 1000"));
}

/// What a screen reader and an archive find in a PDF: its tags, the alternative of
/// each figure, its declared standards and what its reader shows.
#[derive(Debug, Default)]
struct Accessibility {
    /// How many structure elements of each kind (`TH`, `TD`, `Figure`).
    tags: std::collections::BTreeMap<String, usize>,
    /// The `/Alt` of each `Figure`, empty when it has none.
    alternatives: Vec<String>,
    /// The `/Scope` of each `TH`: `Column` or `Row`.
    scopes: std::collections::BTreeMap<String, usize>,
    display_doc_title: bool,
    author: Option<String>,
    /// `pdfuaid:part` 1 and `pdfaid:part` 2, conformance A, in the XMP metadata.
    ua1_and_a2a: bool,
}

fn accessibility(name: &str, bytes: &[u8]) -> Accessibility {
    use lopdf::{Document, Object};
    let doc = Document::load_mem(bytes).unwrap_or_else(|e| panic!("{name}: unreadable PDF: {e}"));
    let catalog = doc.catalog().expect("a catalog");
    let resolve = |o: &Object| doc.dereference(o).map(|(_, o)| o.clone()).expect("a resolvable object");
    let display_doc_title = catalog
        .get(b"ViewerPreferences")
        .map(&resolve)
        .ok()
        .and_then(|v| v.as_dict().ok().and_then(|d| d.get(b"DisplayDocTitle").ok().and_then(|b| b.as_bool().ok())))
        .unwrap_or(false);
    let author = doc
        .trailer
        .get(b"Info")
        .ok()
        .map(&resolve)
        .and_then(|i| i.as_dict().ok().and_then(|d| d.get(b"Author").ok().cloned()))
        .and_then(|a| lopdf::decode_text_string(&a).ok());
    let mut found = Accessibility { display_doc_title, author, ..Accessibility::default() };
    if let Ok(metadata) = catalog.get(b"Metadata").map(&resolve) {
        let stream = metadata.as_stream().expect("a metadata stream");
        let xmp = String::from_utf8_lossy(&stream.decompressed_content().unwrap_or_else(|_| stream.content.clone()))
            .to_string();
        found.ua1_and_a2a = xmp.contains("<pdfuaid:part>1</pdfuaid:part>")
            && xmp.contains("<pdfaid:part>2</pdfaid:part>")
            && xmp.contains("<pdfaid:conformance>A</pdfaid:conformance>");
    }
    let root = resolve(catalog.get(b"StructTreeRoot").expect("a tagged PDF"));
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node {
            Object::Array(items) => stack.extend(items.iter().map(&resolve)),
            Object::Dictionary(dict) => {
                if let Ok(kind) = dict.get(b"S").and_then(|s| s.as_name()) {
                    let kind = String::from_utf8_lossy(kind).to_string();
                    if kind == "Figure" {
                        let alt = dict.get(b"Alt").ok().and_then(|a| lopdf::decode_text_string(a).ok());
                        found.alternatives.push(alt.unwrap_or_default());
                    }
                    if kind == "TH" {
                        // The scope is in the attributes (`/A`), a dictionary or an array of them.
                        let attributes = dict.get(b"A").map(&resolve).ok();
                        let dicts: Vec<lopdf::Dictionary> = match attributes {
                            Some(Object::Dictionary(d)) => vec![d],
                            Some(Object::Array(a)) => {
                                a.iter().filter_map(|o| resolve(o).as_dict().ok().cloned()).collect()
                            }
                            _ => Vec::new(),
                        };
                        let scope = dicts
                            .iter()
                            .find_map(|d| d.get(b"Scope").ok().and_then(|s| s.as_name().ok()))
                            .map(|s| String::from_utf8_lossy(s).to_string())
                            .unwrap_or_default();
                        *found.scopes.entry(scope).or_default() += 1;
                    }
                    *found.tags.entry(kind).or_default() += 1;
                }
                if let Ok(kids) = dict.get(b"K") {
                    stack.push(resolve(kids));
                }
            }
            _ => {}
        }
    }
    found
}

#[test]
fn every_pdf_is_pdf_ua_with_table_headers_chart_alternatives_and_an_author() {
    // The Metz site (the contract, each fiche, the bilan with a chart), and a contract
    // with logos on its cover and its poster.
    let dir = temp_dir("pdf-ua");
    let metz = dir.join("metz");
    let result = clsm(&["build", "--out", metz.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let example = project_root().join("examples/cls-exemple");
    let with_logos = dir.join("exemple");
    let result = clsm(&["build", "--out", with_logos.to_str().unwrap()], &example);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let poster = dir.join("affiche.pdf");
    let result = clsm(&["affiche", "--date", "2025-12-31", "--out", poster.to_str().unwrap()], &example);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let mut pdfs: Vec<(String, Vec<u8>)> = files(&metz)
        .into_iter()
        .map(|(n, b)| (format!("metz/{n}"), b))
        .chain(files(&with_logos).into_iter().map(|(n, b)| (format!("exemple/{n}"), b)))
        .filter(|(n, _)| n.ends_with(".pdf"))
        .collect();
    pdfs.push(("affiche.pdf".into(), std::fs::read(&poster).unwrap()));
    assert!(pdfs.len() > 24, "{} PDFs", pdfs.len());
    for (name, bytes) in &pdfs {
        let found = accessibility(name, bytes);
        assert!(found.ua1_and_a2a, "{name}: declares PDF/UA-1 and PDF/A-2a");
        assert!(found.display_doc_title, "{name}: the reader shows the title, not the file name");
        assert!(found.author.as_deref().is_some_and(|a| !a.is_empty()), "{name}: an author");
        assert!(found.alternatives.iter().all(|a| !a.is_empty()), "{name}: every figure has an alternative");
        if found.tags.contains_key("Table") {
            assert!(
                found.tags.get("TH").copied().unwrap_or(0) > 0,
                "{name}: tables with header cells {:?}",
                found.tags
            );
        }
    }
    let get = |name: &str| accessibility(name, &pdfs.iter().find(|(n, _)| n == name).unwrap().1);
    // The porteur of the Metz CLSM is the author.
    assert_eq!(get("metz/contrat.pdf").author.as_deref(), Some("Centre hospitalier de Jury"));
    // A fiche's row headings are row headers, its title rows column headers.
    let fiche = get("metz/fiches/fiche-15.pdf");
    assert!(fiche.scopes.get("Row").copied().unwrap_or(0) >= 20, "{:?}", fiche.scopes);
    assert!(fiche.scopes.get("Column").copied().unwrap_or(0) >= 2, "{:?}", fiche.scopes);
    // The chart of the bilan reads as its description.
    let bilan = get("metz/bilan-2020.pdf");
    assert_eq!(
        bilan.alternatives,
        vec!["Nombre de sessions de sensibilisation en santé mentale — 2019 : 5 ; 2020 : 4.".to_string()]
    );
}

#[test]
fn a_character_no_font_has_still_gives_the_pdf_and_says_it_is_not_pdf_ua() {
    let repo = crate::copy_of("bilan-inconnus", "pdf-ua-emoji");
    let fiche = repo.join("fiches/actions/ateliers.md");
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(&fiche, text.replace("titre: Ateliers de prévention", "titre: \"Ateliers de prévention 🙂 中\""))
        .unwrap();
    let out = repo.join("_site");
    let result = clsm(&["build", "--out", out.to_str().unwrap()], &repo);
    let stderr = String::from_utf8_lossy(&result.stderr).to_string();
    assert_eq!(result.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "attention : `fiches/ateliers.pdf` n'est ni accessible (PDF/UA-1) ni archivable (PDF/A-2a) : aucune police des PDF n'a 🙂 中"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("aide : remplacez ces caractères"), "{stderr}");
    let bytes = std::fs::read(out.join("fiches/ateliers.pdf")).unwrap();
    let found = accessibility("ateliers.pdf", &bytes);
    assert!(!found.ua1_and_a2a, "it does not claim a conformance it lacks");
    if let Some(text) = readable_text("ateliers.pdf", &bytes) {
        assert!(text.contains("Ateliers de prévention"), "{text}");
    }
}

#[test]
fn the_contract_and_its_fiches_are_dated_by_their_data_not_by_the_day_of_the_build() {
    // PDF/A asks for a date: the latest fact of the Metz repository, so that a build
    // on another day gives the same bytes.
    let dir = temp_dir("pdf-date");
    let on = |day: &str, epoch: &str| {
        let out = dir.join(day);
        let result = std::process::Command::new(env!("CARGO_BIN_EXE_clsm"))
            .args(["build", "--out", out.to_str().unwrap()])
            .current_dir(project_root())
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
        out
    };
    let (first, second) = (on("2026-01-01", "1767225600"), on("2026-06-15", "1781481600"));
    for name in ["contrat.pdf", "fiches/fiche-15.pdf", "fiches/piste-2-jeunes.pdf"] {
        let bytes = std::fs::read(first.join(name)).unwrap();
        assert!(bytes == std::fs::read(second.join(name)).unwrap(), "{name} changed with the day of the build");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("D:20201001") && !text.contains("D:2026"), "{name}: dated by the latest fact, 2020-10");
    }
}
