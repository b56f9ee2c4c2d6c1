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
