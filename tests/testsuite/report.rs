//! `clsm report` and `clsm bilan` on the fixture whose numbers are known
//! (`tests/fixtures/rapport/`), seen from a fixed date.

use std::fs;

use crate::{clsm, fixture, project_root, temp_dir};

const DATE: &str = "2026-11-22";

fn run(args: &[&str]) -> (i32, String, String) {
    let repo = fixture("rapport");
    let mut all = vec!["--repo", repo.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = clsm(&all, &project_root());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// The HTML without its inline stylesheet (it has its own file, templates/style.css).
fn without_style(html: &str) -> String {
    match (html.find("<style>"), html.find("</style>")) {
        (Some(a), Some(b)) => format!("{}<style>…</style>{}", &html[..a], &html[b + "</style>".len()..]),
        _ => html.to_string(),
    }
}

#[test]
fn report_in_the_terminal() {
    let (code, stdout, _) = run(&["report", "--date", DATE]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("report_terminal", stdout);
}

#[test]
fn report_in_markdown() {
    let (code, stdout, _) = run(&["rapport", "--date", DATE, "--format", "md"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("report_markdown", stdout);
}

#[test]
fn report_in_json_carries_the_figures() {
    let (code, stdout, _) = run(&["report", "--date", DATE, "--format", "json"]);
    assert_eq!(code, 0);
    let r: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["date"], "2026-11-22");
    assert_eq!(r["en_retard"][0]["id"], "retard");
    assert_eq!(r["participants"], 214);
    assert_eq!(r["budget"]["prevu"]["montant"], 1730.5);
    // One funding line has no amount: counted apart, never as zero.
    assert_eq!(
        (r["budget"]["pressenti"]["montant"].as_f64(), r["budget"]["pressenti"]["sans_montant"].as_u64()),
        (Some(500.0), Some(1))
    );
    assert_eq!(r["sans_decompte"], 1, "the June meeting did not count its participants");
    assert_eq!(r["hors_trajectoire"][0]["id"], "ind-hausse");
}

#[test]
fn report_of_a_past_year_is_seen_from_its_last_day() {
    let (code, stdout, _) = run(&["report", "--annee", "2025", "--format", "json"]);
    assert_eq!(code, 0);
    let r: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["date"], "2025-12-31");
    assert_eq!((r["reunions"].as_u64(), r["participants"].as_u64()), (Some(1), Some(80)));
}

#[test]
fn report_rejects_an_unknown_axis_and_a_bad_date() {
    let (code, _, stderr) = run(&["report", "--axe", "3"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("axe inconnu `3`"), "{stderr}");
    let (code, _, stderr) = run(&["report", "--date", "22/11/2026"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("AAAA-MM-JJ"), "{stderr}");
}

#[test]
fn report_html_is_a_standalone_page() {
    let (code, stdout, _) = run(&["report", "--date", DATE, "--format", "html"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("<style>") && !stdout.contains("<link"), "the stylesheet is inline");
    assert!(stdout.contains("<h1>Où en est le contrat ? Situation au 22 novembre 2026</h1>"));
}

#[test]
fn annual_report_in_html() {
    let out = temp_dir("bilan").join("bilan-2026.html");
    let (code, _, stderr) = run(&["bilan", "--annee", "2026", "--date", DATE, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let html = fs::read_to_string(&out).unwrap();
    insta::assert_snapshot!("bilan_html", without_style(&html));
}

#[test]
fn annual_report_in_json() {
    let (code, stdout, _) = run(&["bilan", "--annee", "2026", "--date", DATE, "--format", "json"]);
    assert_eq!(code, 0);
    let b: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let s = &b["synthese"];
    assert_eq!((s["actions_engagees"].as_u64(), s["pistes"].as_u64()), (Some(3), Some(1)));
    assert_eq!(b["faits_marquants"][0]["texte"], "Atelier avec les habitants.");
    assert_eq!(b["instances"][0]["participants"], 14);
    assert_eq!(b["instances"][0]["sans_decompte"], 1);
    assert_eq!(b["sism"][0]["participants"], 200);
    assert_eq!(b["contrat"]["titre"], "Contrat de test du rapport");
}

#[test]
fn a_document_does_not_replace_a_file_clsm_did_not_make() {
    let path = temp_dir("not-mine").join("bilan.html");
    fs::write(&path, "mon bilan écrit à la main").unwrap();
    let (code, _, stderr) = run(&["bilan", "--annee", "2026", "--out", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("n'a pas été produit par clsm"), "{stderr}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "mon bilan écrit à la main");
}

#[test]
fn the_annual_report_goes_into_the_site_and_a_new_build_replaces_it() {
    let repo = crate::copy_of("rapport", "shared-site");
    let cwd = project_root();
    let repo_arg = repo.to_str().unwrap();
    assert_eq!(clsm(&["--repo", repo_arg, "build"], &cwd).status.code(), Some(0));
    // The build publishes the bilan of the latest year with activity: 2026 here.
    assert!(repo.join("_site/bilan-2026.html").is_file());
    assert!(fs::read_to_string(repo.join("_site/index.html")).unwrap().contains("href=\"bilan-2026.html\""));
    assert_eq!(clsm(&["--repo", repo_arg, "bilan", "--annee", "2025"], &cwd).status.code(), Some(0));
    assert!(repo.join("_site/bilan-2025.html").is_file());
    // A later build replaces the whole folder: the page of a deleted action goes,
    // and so does the bilan of another year, to be made again after the build.
    fs::remove_file(repo.join("fiches/actions/piste.md")).unwrap();
    assert_eq!(clsm(&["--repo", repo_arg, "build"], &cwd).status.code(), Some(0));
    assert!(!repo.join("_site/bilan-2025.html").exists());
    assert!(repo.join("_site/bilan-2026.html").is_file());
    assert!(!repo.join("_site/actions/piste.html").exists());
    assert!(repo.join("_site/actions/active.html").is_file());
}

/// A repository whose only action has these budget lines.
fn with_budget(test: &str, lines: &str) -> std::path::PathBuf {
    let repo = crate::copy_of("valide", test);
    let fiche = format!("---\ntitre: Action\naxe: \"1\"\nstatut: conception\nporteur: porteur\nbudget:\n{lines}---\n");
    fs::write(repo.join("fiches/actions/a.md"), fiche).unwrap();
    repo
}

#[test]
fn totals_are_exact_to_the_cent() {
    let repo = with_budget("tenths", &"  - { poste: Affiches, montant: 0.1 }\n".repeat(3));
    let out = clsm(&["report", "--format", "json", "--repo", repo.to_str().unwrap()], &project_root());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("\"montant\": 0.3,"), "{json}");
    let text = clsm(&["report", "--repo", repo.to_str().unwrap()], &project_root());
    assert!(String::from_utf8_lossy(&text.stdout).contains("prévu 0,30\u{a0}€"));
}

#[test]
fn a_total_that_cannot_be_exact_is_an_error_at_the_line_that_breaks_it() {
    let repo = with_budget("overflow", &"  - { poste: Ligne, montant: 10000000000000 }\n".repeat(9_300));
    let out = clsm(&["check", "--format", "json", "--repo", repo.to_str().unwrap()], &project_root());
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<&serde_json::Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let d = errors[0];
    assert_eq!(d["code"], "montant-invalide");
    // The second line of ten thousand billion euros is the one that breaks the total.
    assert_eq!(d["line"], 7 + 1, "budget lines start on line 7");
    let max = "10\u{202f}000\u{202f}000\u{202f}000\u{202f}000\u{a0}€";
    assert!(d["message"].as_str().unwrap().starts_with(&format!("le total du budget dépasse {max}")), "{d}");
    let build = clsm(&["build", "--sans-pdf", "--repo", repo.to_str().unwrap()], &project_root());
    assert_eq!(build.status.code(), Some(1));
}

fn report_of(repo: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["--repo", repo.to_str().unwrap(), "report", "--date", DATE];
    all.extend_from_slice(args);
    let out = clsm(&all, &project_root());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn the_report_runs_without_the_fiches_in_error_and_names_them_first() {
    let repo = crate::copy_of("rapport", "report-with-errors");
    let faite = repo.join("fiches/actions/faite.md");
    let text = fs::read_to_string(&faite).unwrap();
    fs::write(
        &faite,
        text.replace(
            "calendrier: { debut: 2022, fin: 2023 }",
            "calendrier: { debut: 2022, fin: 2023 }\nbudget:\n  - { poste: Salle, montant: \"1 500 €\" }",
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = report_of(&repo, &[]);
    assert_eq!(code, 1, "errors are problems: {stderr}");
    // The problem first, as `clsm check` shows it, then the report.
    assert!(stderr.contains("erreur[montant-invalide]: montant invalide `1 500 €`"), "{stderr}");
    assert!(stderr.contains("1 fiche en erreur : le rapport ci-dessous est établi sans elle"), "{stderr}");
    assert!(
        stdout.contains(
            "Fiches en erreur, hors de ce rapport : 1\n  fiches/actions/faite.md — Action réalisée : 1 erreur"
        ),
        "{stdout}"
    );
    let (_, full, _) = run(&["report", "--date", DATE]);
    let count = |text: &str| text.lines().find(|l| l.contains(" actions. ")).unwrap_or_default().to_string();
    assert!(count(&full).starts_with("4 actions."), "{full}");
    assert!(count(&stdout).starts_with("3 actions."), "{stdout}");
    assert!(!stdout.contains("Action réalisée —") && stdout.contains("Réunions"), "{stdout}");
    for (format, expected) in [
        ("md", "## Fiches en erreur, hors de ce rapport"),
        ("html", "<h2 id=\"en-erreur\">Fiches en erreur, hors de ce rapport</h2>"),
        ("json", "\"fichier\": \"fiches/actions/faite.md\""),
    ] {
        let (code, stdout, _) = report_of(&repo, &["--format", format]);
        assert_eq!(code, 1);
        assert!(stdout.contains(expected), "{format}: {stdout}");
    }
}

#[test]
fn an_action_whose_porteur_is_in_error_is_left_out_with_the_reason() {
    let repo = crate::copy_of("rapport", "report-porteur-in-error");
    fs::write(repo.join("fiches/partenaires/p.md"), "---\nnom: Porteur\ntype: inconnu\n---\n").unwrap();
    let (code, stdout, stderr) = report_of(&repo, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("fiches/partenaires/p.md — Porteur : 1 erreur"), "{stdout}");
    assert!(
        stdout.contains("fiches/actions/faite.md — Action réalisée : dépend du partenaire `p`, en erreur"),
        "{stdout}"
    );
    assert!(stdout.contains("\n0 action.\n"), "every action is carried by `p`: {stdout}");
    // The fiche in error first, then the actions set aside because of it.
    let (broken, aside) = (stdout.find("fiches/partenaires/p.md").unwrap(), stdout.find("fiches/actions/").unwrap());
    assert!(broken < aside, "{stdout}");
    assert!(
        stderr.contains(
            "1 fiche en erreur : le rapport ci-dessous est établi sans elle et sans 4 actions qui en dépendent"
        ),
        "{stderr}"
    );
}

#[test]
fn no_report_when_clsm_toml_has_an_error() {
    let repo = crate::copy_of("rapport", "report-config-in-error");
    let config = fs::read_to_string(repo.join("clsm.toml")).unwrap();
    fs::write(repo.join("clsm.toml"), config.replacen("type = ", "typ = ", 1)).unwrap();
    let (code, stdout, stderr) = report_of(&repo, &[]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("aucun rapport produit : corrigez d'abord les erreurs de clsm.toml"), "{stderr}");
}

/// `clsm` on the example repository, whose `participants-rencontres` has a target
/// per period, counts that add up and breakdowns (`examples/cls-exemple`).
fn on_example(args: &[&str]) -> String {
    let repo = project_root().join("examples/cls-exemple");
    let mut all = vec!["--repo", repo.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = clsm(&all, &project_root());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // French spaces before `%` and in numbers, as plain spaces to compare.
    String::from_utf8_lossy(&out.stdout).replace(['\u{a0}', '\u{202f}'], " ")
}

#[test]
fn the_report_gives_attainment_period_by_period() {
    let text = on_example(&["report", "--date", "2026-03-01"]);
    for expected in [
        // 14 + 31 participants against the 40 + 120 of the two periods.
        "Participants aux rencontres du groupe d'aidants  31 (2025), total 45  160 en 2028   28,1 %    —",
        "  Participants aux rencontres du groupe d'aidants — cibles par période :\n    2024 – 2025 : 45 sur 40, 112,5 %, cible atteinte\n    2026 – 2028 (en cours) : cible 120, pas encore de mesure\n",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&on_example(&["report", "--date", "2026-03-01", "--format", "json"])).unwrap();
    let i = json["indicateurs"].as_array().unwrap().iter().find(|i| i["id"] == "participants-rencontres").unwrap();
    assert_eq!(i["total"]["valeur"], 45.0);
    assert_eq!(i["periodes"][0]["valeur"], 45.0);
    assert_eq!(i["periodes"][0]["atteinte"], 112.5);
    assert_eq!(i["periodes"][1]["en_cours"], true);
    let markdown = on_example(&["report", "--date", "2026-03-01", "--format", "md"]);
    assert!(markdown.contains("| 2024 – 2025 | 40 | 45 | 112,5 %, cible atteinte |"), "{markdown}");
}

#[test]
fn the_bilan_shows_each_period_and_each_breakdown_of_its_year() {
    let dir = temp_dir("bilan-ventilation");
    let page = dir.join("bilan.html");
    on_example(&["bilan", "--annee", "2025", "--date", "2026-01-20", "--out", page.to_str().unwrap()]);
    let html = fs::read_to_string(&page).unwrap().replace(['\u{a0}', '\u{202f}'], " ");
    for expected in [
        "<caption id=\"periodes-participants-rencontres\">Cibles par période : Participants aux rencontres du groupe d&#39;aidants</caption>",
        // Seen from the end of 2025, the first period is still in progress.
        "<th scope=\"row\">2024 – 2025 (en cours)</th>",
        "<td class=\"nombre\">112,5 %, cible atteinte</td>",
        "Sexe : Participants aux rencontres du groupe d&#39;aidants (2025)</caption>",
        "<tr><th scope=\"row\">Femmes</th><td class=\"nombre\">24</td><td class=\"nombre\">77,4 %</td></tr>",
        // The chart says in words what it draws.
        "<desc id=\"ventilation-participants-rencontres-0-desc\">Participants aux rencontres du groupe d&#39;aidants (2025) — Femmes : 24 (77,4 %) ; Hommes : 6 (19,4 %) ; Non renseigné : 1 (3,2 %).</desc>",
        // A percentage's categories are rates of their own: no share.
        "<tr><th scope=\"row\">Hommes</th><td class=\"nombre\">33,3 %</td></tr>",
        "2025 : 31 ; total depuis le début 45 ; cible du contrat 160 en 2028 ; atteinte 28,1 %",
    ] {
        assert!(html.contains(expected), "{expected:?} not in the bilan");
    }
}

#[test]
fn the_indicators_page_shows_periods_and_the_latest_breakdowns() {
    let out = temp_dir("indicateurs-ventilation").join("_site");
    on_example(&["build", "--sans-pdf", "-q", "--out", out.to_str().unwrap()]);
    let page = fs::read_to_string(out.join("indicateurs.html")).unwrap().replace(['\u{a0}', '\u{202f}'], " ");
    for expected in [
        "<dt>Cible du contrat</dt><dd>160 en 2028 (la somme des cibles des périodes)</dd>",
        "<dt>Total</dt><dd>45 (mesures jusqu'à 2025)</dd>",
        "<dt>Ventilation</dt><dd>Sexe, Tranche d&#39;âge, Quartier prioritaire de la politique de la ville</dd>",
        "<th scope=\"row\">2026 – 2028</th>",
        "Tranche d&#39;âge : Participants aux rencontres du groupe d&#39;aidants (2025)</caption>",
        "<tr><th scope=\"row\">Plus de 65 ans</th><td class=\"nombre\">8</td><td class=\"nombre\">25,8 %</td></tr>",
        "<svg role=\"img\" aria-labelledby=\"ventilation-participants-rencontres-2-titre ventilation-participants-rencontres-2-desc\"",
    ] {
        assert!(page.contains(expected), "{expected:?} not in the indicators page");
    }
}

#[cfg(feature = "pdf")]
#[test]
fn the_bilan_pdf_shows_each_period_and_each_breakdown_too() {
    let dir = temp_dir("bilan-ventilation-pdf");
    let pdf = dir.join("bilan.pdf");
    on_example(&[
        "bilan",
        "--annee",
        "2025",
        "--date",
        "2026-01-20",
        "--format",
        "pdf",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let Some(text) = crate::readable_text("bilan.pdf", &fs::read(&pdf).unwrap()) else { return };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Réalisé dans la période",
        "2024 – 2025 (en cours) 40 45 112,5 %, cible atteinte",
        "Femmes 24 77,4 %",
        "Hommes 33,3 %",
    ] {
        assert!(text.contains(expected), "{expected:?} not in the bilan PDF:\n{text}");
    }
}

#[test]
fn the_bilan_adds_up_the_breakdowns_of_a_year_of_counts() {
    let dir = temp_dir("bilan-semestres");
    let repo = dir.join("depot");
    assert_eq!(clsm(&["init", repo.to_str().unwrap()], &project_root()).status.code(), Some(0));
    let indicator = "---\nlibelle: Participants\ntype: processus\nunite: nombre\ncumul: false\nventilation: [sexe]\nmesures:\n  - date: 2026-03\n    valeur: 10\n    ventilation:\n      sexe: { femme: 10 }\n  - date: 2026-09\n    valeur: 15\n    ventilation:\n      sexe: { homme: 15 }\n---\n";
    fs::write(repo.join("fiches/indicateurs/participants.md"), indicator).unwrap();
    let action = fs::read_to_string(repo.join("fiches/actions/premiere-action.md")).unwrap();
    let action =
        action.replace("indicateurs: [reunions-organisees]", "indicateurs: [reunions-organisees, participants]");
    fs::write(repo.join("fiches/actions/premiere-action.md"), action).unwrap();
    let page = dir.join("bilan.html");
    let args = [
        "--repo",
        repo.to_str().unwrap(),
        "bilan",
        "--annee",
        "2026",
        "--date",
        "2027-01-10",
        "--out",
        page.to_str().unwrap(),
    ];
    let out = clsm(&args, &project_root());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let html = fs::read_to_string(&page).unwrap().replace(['\u{a0}', '\u{202f}'], " ");
    // The two semesters, not the last one alone.
    for expected in [
        "Sexe : Participants (2026)</caption>",
        "<tr><th scope=\"row\">Femmes</th><td class=\"nombre\">10</td><td class=\"nombre\">40 %</td></tr>",
        "<tr><th scope=\"row\">Hommes</th><td class=\"nombre\">15</td><td class=\"nombre\">60 %</td></tr>",
        "2026 : 25",
    ] {
        assert!(html.contains(expected), "{expected:?} not in the bilan");
    }
}
