//! `clsm bilan` as the funders read it, its evaluation over a period, and `clsm
//! affiche`, the seed-004 poster, on the Metz repository and on small fixtures.

use std::path::Path;

use crate::{clsm, fixture, project_root, readable_text, temp_dir};

/// Runs clsm in `repo`, expecting success, and returns what it wrote at `out`.
fn made(repo: &Path, args: &[&str], out: &Path) -> Vec<u8> {
    let mut args: Vec<&str> = args.to_vec();
    args.extend(["--out", out.to_str().unwrap()]);
    let run = clsm(&args, repo);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    std::fs::read(out).expect("the document is written")
}

/// The text of an HTML page, tags and entities aside, spaces folded.
fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&");
    folded(&text)
}

/// Spaces of every kind as one, typographic apostrophes as straight ones.
fn folded(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| {
            if matches!(c, '’' | '‘') {
                '\''
            } else if c.is_whitespace() {
                ' '
            } else {
                c
            }
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `text` shows a zero as a count of participants or as an amount.
fn zero_for_unknown(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split(' ').collect();
    words.windows(2).find_map(|w| {
        let zero = w[0] == "0" || w[0].ends_with("(0") || w[0] == "0,00";
        (zero && (w[1].starts_with("participant") || w[1].starts_with('€'))).then(|| w.join(" "))
    })
}

#[test]
fn a_bilan_never_prints_zero_for_what_is_unknown() {
    let repo = fixture("bilan-inconnus");
    let dir = temp_dir("bilan-inconnus");
    let html = made(&repo, &["bilan", "--annee", "2025", "--date", "2026-01-15"], &dir.join("bilan.html"));
    let text = html_text(&String::from_utf8_lossy(&html));
    assert_eq!(zero_for_unknown(&text), None, "{text}");
    assert!(text.contains("Participants Dates Comité de pilotage 1 non renseigné"), "{text}");
    assert!(text.contains("participants non renseignés"), "{text}");
    // Two funders « pressentis » without an amount: not « 0 € ».
    assert!(text.contains("3 000 € — non renseigné Non calculable"), "{text}");
    assert!(text.contains("le 27 juin 2025") || text.contains("Juin 2025"), "{text}");
    let report = clsm(&["report", "--date", "2025-12-31", "--format", "md"], &repo);
    let report = folded(&String::from_utf8_lossy(&report.stdout));
    assert_eq!(zero_for_unknown(&report), None, "{report}");
    assert!(report.contains("2 réunions et événements, participants non renseignés"), "{report}");
    assert!(report.contains("pressenti non renseigné"), "{report}");
    if cfg!(feature = "pdf") {
        let pdf =
            made(&repo, &["bilan", "--annee", "2025", "--date", "2026-01-15", "--format", "pdf"], &dir.join("b.pdf"));
        if let Some(text) = readable_text("bilan.pdf", &pdf) {
            let text = folded(&text);
            assert_eq!(zero_for_unknown(&text), None, "{text}");
            assert!(text.contains("non renseigné"), "{text}");
        }
    }
}

#[test]
fn the_coordinators_words_take_their_places_and_a_missing_text_leaves_no_heading() {
    let repo = project_root().join("examples/cls-exemple");
    let dir = temp_dir("bilan-textes");
    let html = made(&repo, &["bilan", "--annee", "2025", "--date", "2026-01-20"], &dir.join("bilan.html"));
    let text = html_text(&String::from_utf8_lossy(&html));
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("`{needle}` missing from: {text}"));
    // The édito after the cover, before the figures; the highlights with the year's;
    // the perspectives and the other sections after the budget; the signature last.
    assert!(at("Bilan annuel 2025") < at("Le mot de la coordination"));
    assert!(at("La deuxième année du contrat") < at("Synthèse de l'année 2025"));
    assert!(at("Faits marquants de 2025") < at("premiers groupes de jeunes"));
    assert!(at("Budget et financements") < at("Perspectives"));
    assert!(at("Perspectives") < at("Remerciements"));
    assert!(at("Remerciements") < at("Fait à Exemple-sur-Moselle, le 20 janvier 2026"));
    assert!(text.contains("Situation au 31 décembre 2025 · établi le 20 janvier 2026"), "{text}");
    assert!(html.windows(b"data:image/png;base64,".len()).any(|w| w == b"data:image/png;base64,"), "logos inline");
    // Metz has no `bilans/2020.md`: no heading waits for it.
    let metz = made(&project_root(), &["bilan", "--annee", "2020"], &dir.join("metz.html"));
    let metz = html_text(&String::from_utf8_lossy(&metz));
    assert!(!metz.contains("Le mot de la coordination") && !metz.contains("Perspectives"), "{metz}");
}

#[test]
fn the_metz_bilans_read_as_documents_to_send() {
    let dir = temp_dir("bilan-metz");
    let html = made(&project_root(), &["bilan", "--annee", "2020"], &dir.join("2020.html"));
    let text = html_text(&String::from_utf8_lossy(&html));
    // Titled with the contract then in force (the 2017 convention), not the territory
    // nor the contract signed in 2022; plurals and dates in French.
    assert!(
        text.contains("Conseil local de santé mentale de Metz, convention de constitution Ville de Metz 2017 – 2021"),
        "{text}"
    );
    assert!(!text.contains("Volet du Contrat local de santé"), "{text}");
    assert!(text.contains("Bilan annuel 2020"), "{text}");
    assert!(!text.contains("1 réunions") && !text.contains(" en 27 ") && !text.contains("axe.3"), "{text}");
    assert!(text.contains("Aucune action engagée sur cet axe. 3 pistes d'actions à l'étude sur cet axe."), "{text}");
    assert!(text.contains("Semaines d'information sur la santé mentale 2020 : « Santé mentale et discriminations »"));
    assert!(text.contains("Organisation d'une diffusion en direct."), "{text}");
    // The chart legend names only what is drawn: this one has measures alone.
    assert!(text.contains("Barres pleines : les mesures."), "{text}");
    assert!(!text.contains("Barre encadrée"), "{text}");
    let html = made(&project_root(), &["bilan", "--annee", "2019"], &dir.join("2019.html"));
    let text = html_text(&String::from_utf8_lossy(&html));
    assert!(
        text.contains("« Santé mentale à l'ère du numérique », 19 partenaires, 9 événements, 250 participants."),
        "{text}"
    );
    assert!(text.contains("Journée de lutte contre les discriminations en santé à Metz (en octobre 2019)"), "{text}");
    assert!(text.contains("Passée à « Mise en œuvre » en 2019") || text.contains("passée à « Mise en œuvre » en 2019"));
}

#[test]
fn the_end_of_contract_evaluation_follows_every_year() {
    let dir = temp_dir("evaluation");
    let html = made(&project_root(), &["bilan", "--periode", "2017-2020"], &dir.join("e.html"));
    let text = html_text(&String::from_utf8_lossy(&html));
    assert!(text.contains("Évaluation 2017-2020"), "{text}");
    assert!(text.contains("Indicateur 2017 2018 2019 2020 Total Cible Atteinte"), "{text}");
    assert!(text.contains("Nombre de sessions de sensibilisation en santé mentale — — 5 4"), "{text}");
    assert!(text.contains("Logement et santé mentale 1 non renseigné Mise en œuvre en septembre 2017 Mise en œuvre 6"));
    assert!(text.contains("2018 1 3 800 (2 réunions sans décompte)"), "{text}");
    let json = clsm(&["bilan", "--periode", "2017-2020", "--format", "json"], &project_root());
    let data: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(data["annees"], serde_json::json!([2017, 2018, 2019, 2020]));
    assert_eq!(data["sism"].as_array().map(Vec::len), Some(4));
    let refused = clsm(&["bilan", "--periode", "2026-2022"], &project_root());
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("écrivez `2022-2026`"));
}

/// Every fact of seed 004, as the poster writes it (case aside).
const SEED_004: &[&str] = &[
    "Avancée des projets",
    "Inclusion dans la cité",
    "contribuer à lutter contre la stigmatisation, à l'inclusion sociale et la citoyenneté des personnes en souffrance psychique",
    "Amélioration des parcours",
    "améliorer l'accès à la prévention, à la santé, aux soins, aux droits des personnes souffrant de troubles psychiques",
    "Coordination entre les acteurs",
    "développer une coordination intersectorielle des acteurs du territoire messin en matière de santé mentale",
    "2015 – 2016",
    "phase de préfiguration (Département 57, CH Jury et ville de Metz)",
    "lancement de la démarche",
    "temps de coordination dédié",
    "convention de constitution et intégration au Contrat local de santé",
    "bilan des premières actions et diffusion de l'étude ORS Grand Est",
    "réalisation des projets et implication dans la démarche PTSM 57",
    "mise en réflexion de 5 nouvelles thématiques (culture/loisirs, emploi/formation, jeunes, enfance/parentalité, crises)",
    "Partenaires fondateurs",
    "Centre hospitalier de Jury",
    "Département de la Moselle",
    "Ville de Metz",
    "Urgence médicale",
    "Soins et prévention",
    "Droit et protection des personnes",
    "Accompagnement social et médico-social",
    "février 2017, octobre 2018, février 2020",
    "mai 2017, octobre 2018, décembre 2019",
    "réunions thématiques",
    "Participation des aidants et usagers",
    "UNAFAM",
    "GEM Camille Claudel",
    "GEM L'Albatros",
    "Lettre d'information",
    "Carte des ressources",
    "Guide santé mentale",
    "Annuaire des structures",
    "Site internet collaboratif",
    "« Santé mentale et travail » (7 partenaires, 6 événements, 200 participants)",
    "« Santé mentale et parentalité » (13 partenaires, 17 événements, 800 participants)",
    "« Santé mentale à l'ère du numérique » (19 partenaires, 9 événements, 250 participants)",
    "« Santé mentale et discriminations »",
    "diffusion en direct",
    "Logement et santé mentale",
    "mai à juillet 2017",
    "Réunions du groupe projets",
    "septembre 2017",
    "Début du partenariat bailleurs / CH Jury",
    "novembre 2018",
    "Convention pour l'accès à 20 logements accompagnés (État, ARELOR, CH Jury, AMLI et Metz Métropole)",
    "Poursuite du partenariat bailleurs / CH Jury",
    "Convention de collaboration entre les centres médico-psychologiques et les bailleurs sociaux",
    "commission d'aide pour des personnes en situation difficile",
    "Sensibilisation en santé mentale",
    "5 sessions de sensibilisation en santé mentale",
    "100 participants",
    "plateforme de formation à distance",
    "avril 2020",
    "juin 2020",
    "septembre 2020",
    "1 session à distance pour la MDPH (CNFPT)",
    "octobre 2020",
    "1 session en salle",
    "5 thématiques en réflexion (2020)",
    "Emploi et formation",
    "Culture et loisirs",
    "Enfance et parentalité",
    "Jeunes et santé mentale",
    "Santé mentale et précarité",
    "Carrefour des solidarités",
    "mise à disposition d'un temps d'intervention infirmier du CMP 1 (CH Jury)",
    "« D'abord toit »",
    "collaboration avec les CMP du CH Jury",
    "Journée de lutte contre les discriminations en santé à Metz",
    "animation d'un atelier",
    "octobre 2019",
    "Projet de centre ressource en psycho-traumatisme",
    "« Migrants, psychotraumatisme et insertion sociale »",
    "Contribution au Projet territorial de santé mentale",
    "« Accès aux accompagnements sociaux et médicosociaux »",
    "Promotion du dispositif Stopbleues",
    "projet PRINTEMPS de prévention du suicide",
    "Sensibilisation en santé mentale à destination des agents MDPH",
    "Collaboration avec le CNFPT",
    "Aides et soutiens face au COVID",
    "ressources et initiatives locales pour aider et soutenir les personnes en fragilité psychique",
];

/// The facts of seed 004 that `text` misses, compared without case or line breaks.
fn missing_facts(text: &str) -> Vec<&'static str> {
    let squeeze = |t: &str| -> String {
        folded(t).to_lowercase().chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}')).collect()
    };
    let text = squeeze(text);
    SEED_004.iter().copied().filter(|fact| !text.contains(&squeeze(fact))).collect()
}

#[test]
fn the_metz_poster_page_holds_every_fact_of_seed_004() {
    let dir = temp_dir("affiche-html");
    let html = made(&project_root(), &["affiche", "--date", "2020-11-30", "--format", "html"], &dir.join("a.html"));
    let text = html_text(&String::from_utf8_lossy(&html));
    assert_eq!(missing_facts(&text), Vec::<&str>::new(), "{text}");
    // Only what had happened by then: the 2021 pistes and the CLS 2022-2026 fiche
    // are not on a poster of November 2020.
    assert!(!text.contains("Coordination du Conseil local de santé mentale"), "{text}");
    let earlier = made(&project_root(), &["affiche", "--date", "2018-06-30", "--format", "html"], &dir.join("b.html"));
    let earlier = html_text(&String::from_utf8_lossy(&earlier));
    assert!(!earlier.contains("numérique") && !earlier.contains("thématiques en réflexion"), "{earlier}");
}

#[cfg(feature = "pdf")]
#[test]
fn the_metz_poster_is_one_a3_page_with_every_fact_of_seed_004() {
    let path = temp_dir("affiche-pdf").join("affiche.pdf");
    let pdf = made(&project_root(), &["affiche", "--date", "2020-11-30"], &path);
    if let Some(text) = readable_text("affiche.pdf", &pdf) {
        assert_eq!(missing_facts(&text), Vec::<&str>::new(), "{text}");
    }
    match std::process::Command::new("pdfinfo").arg(&path).output() {
        Ok(info) => {
            let info = String::from_utf8_lossy(&info.stdout).to_string();
            assert!(info.lines().any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")), "{info}");
            assert!(info.contains("841.89 x 1190.55 pts (A3)"), "{info}");
        }
        Err(_) => {
            crate::may_skip_without("pdfinfo (paquet poppler-utils)");
        }
    }
}

#[cfg(feature = "pdf")]
#[test]
fn a_poster_of_a_large_repository_still_fits_one_page_with_every_project() {
    let repo = crate::copy_of("bilan-inconnus", "affiche-grande");
    let actions = repo.join("fiches/actions");
    for n in 0..24 {
        let entries: String = (1..=6)
            .map(|m| format!("  - date: 2025-{m:02}\n    texte: Étape {m} du projet {n}, avec un texte assez long pour prendre deux lignes.\n"))
            .collect();
        let fiche = format!("---\ntitre: Projet numéro {n}\naxe: \"1\"\nporteur: ville\navancement:\n{entries}---\n");
        std::fs::write(actions.join(format!("projet-{n}.md")), fiche).unwrap();
    }
    let path = repo.join("affiche.pdf");
    let pdf = made(&repo, &["affiche", "--date", "2025-12-31"], &path);
    if let Some(text) = readable_text("affiche.pdf", &pdf) {
        let text = folded(&text);
        for n in 0..24 {
            assert!(text.contains(&format!("Étape 6 du projet {n},")), "project {n} is missing: {text}");
        }
    }
    match std::process::Command::new("pdfinfo").arg(&path).output() {
        Ok(info) => {
            let info = String::from_utf8_lossy(&info.stdout).to_string();
            assert!(info.lines().any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")), "{info}");
        }
        Err(_) => {
            crate::may_skip_without("pdfinfo (paquet poppler-utils)");
        }
    }
}

#[test]
fn a_bilan_refuses_a_folder_a_source_folder_in_capitals_and_a_date_before_its_year() {
    let repo = crate::copy_of("bilan-inconnus", "bilan-sorties");
    let refused = |args: &[&str], says: &str| {
        let out = clsm(args, &repo);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    refused(&["bilan", "--annee", "2025", "--out", "_site/"], "`--out` attend un nom de fichier");
    refused(&["bilan", "--annee", "2025", "--out", "FICHES/x.html"], "dans les sources du dépôt");
    refused(&["bilan", "--annee", "2025", "--out", "contrat/x.html"], "dans les sources du dépôt");
    refused(&["bilan", "--annee", "2025", "--date", "20-01-01"], "AAAA-MM-JJ");
    refused(&["bilan", "--annee", "2025", "--date", "2021-01-15"], "précède 2025");
    refused(&["affiche", "--date", "1000-01-01"], "entre 1900 et 2200");
    refused(&["bilan", "--periode", "2026-2022"], "écrivez `2022-2026`");
    assert!(!repo.join("_site").exists() && !repo.join("FICHES").exists(), "nothing written");
    // The en dash the documents print is read too.
    let out = clsm(&["bilan", "--periode", "2024–2025", "--format", "json"], &repo);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}
