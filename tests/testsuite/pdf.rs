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
