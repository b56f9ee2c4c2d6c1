//! `clsm build`: the HTML site, its safety, its determinism.

use std::fs;

use crate::{clsm, files, fixture, project_root, temp_dir};

fn build(repo: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--repo", repo.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    clsm(&args, &project_root())
}

fn read(path: std::path::PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn builds_every_page_type_of_the_metz_site() {
    let out = temp_dir("metz-site").join("_site");
    let result = build(&project_root(), &out, &[]);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    for page in [
        "index.html",
        "annuaire.html",
        "indicateurs.html",
        "cadre-logique.html",
        "pistes.html",
        "calendrier.html",
        "accessibilite.html",
        "axes/1.html",
        "axes/5.html",
        "actions/fiche-15.html",
        "actions/piste-1-culture.html",
        "style.css",
        "ressources.geojson",
        ".clsm-site",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("site construit dans"), "{stderr}");
}

#[test]
fn fiche_15_carries_every_field_of_the_seed() {
    let out = temp_dir("fiche-15").join("_site");
    assert_eq!(build(&project_root(), &out, &[]).status.code(), Some(0));
    let html = read(out.join("actions/fiche-15.html"));
    let expected = [
        "<td colspan=\"2\" class=\"entete-contrat\">CLS Ville de Metz 2022-2026</td>",
        "<td class=\"entete-axe\">Axe 2 : Promouvoir le bien-être psychique</td>",
        "<td colspan=\"2\" class=\"entete-numero\">Fiche n°15</td>",
        "<h1>Coordination du Conseil local de santé mentale</h1>",
        "<th scope=\"row\" colspan=\"2\">CLSM Ville de Metz 2022-2026</th>",
        "Axe 2 : Développer les collaborations dans le champ de la santé mentale</a>",
        "<th scope=\"rowgroup\" rowspan=\"4\" class=\"groupe\">Porteur et partenaires</th>",
        "Améliorer le bien-être psychique des habitants du territoire",
        "Développer la concertation et la coordination entre les acteurs locaux dans le champ de la santé mentale",
        "Centre hospitalier de Jury",
        "<th scope=\"row\">Pilote de la fiche-action</th><td>Conseil local de santé mentale</td>",
        "Agence régionale de santé Grand Est",
        "<th scope=\"row\">Modalité de suivi</th><td>Bilan annuel</td>",
        "porte depuis bientôt cinq ans le CLSM messin",
        "Projet\nterritorial de santé de Moselle",
        "Animer les instances du CLSM (comité de pilotage, assemblée plénière et groupes projets).",
        "Conception d",
        "formation croisée à partir d",
        "☒</span> Action expérimentale",
        "☐</span> Action annuelle",
        "☒</span> Action pluriannuelle",
        "☒</span> Intercommunal",
        "☐</span> Quartiers Politique de la Ville",
        "☒</span> Professionnels",
        "☐</span> Personnes âgées (&gt; 65 ans)",
        "☐</span> Autre : élus, aidants et usagers.",
        "5\u{202f}000\u{a0}€",
        "<th scope=\"row\">Financements pressentis</th>",
        "Potentiel social : empowerment communautaire, participation des personnes concernées.",
        "Instruction N°DGS/SP4/CGET/2016/289 du 30 septembre 2016",
        "Nombre et typologie des réunions organisées dans le cadre du CLSM",
        "Professionnels impliqués dans le CLSM qui déclarent mieux connaître",
        "tableau de suivi, questionnaires, bilan annuel.",
    ];
    for text in expected {
        assert!(html.contains(text), "fiche 15 lacks {text:?}");
    }
    // The form's "Public visé" has five boxes and "Autre : …", nothing more.
    for extra in ["</span> Élus", "</span> Aidants", "</span> Grand public"] {
        assert!(!html.contains(extra), "fiche 15 adds a box the form does not have: {extra:?}");
    }
    assert!(html.contains("Agence régionale de santé Grand Est</a> (ARS)"), "partners go with their acronym");
    // Both yes/no questions are answered yes, and only yes.
    assert_eq!(html.matches("☒</span> Oui").count(), 2);
    assert_eq!(html.matches("☐</span> Non").count(), 2);
}

#[test]
fn building_twice_gives_identical_bytes() {
    let dir = temp_dir("twice");
    let (a, b) = (dir.join("a"), dir.join("b"));
    assert_eq!(build(&project_root(), &a, &[]).status.code(), Some(0));
    assert_eq!(build(&project_root(), &b, &[]).status.code(), Some(0));
    let (fa, fb) = (files(&a), files(&b));
    assert!(fa.len() > 30);
    assert_eq!(fa, fb);
}

#[test]
fn contacts_appear_only_in_internal_builds() {
    let repo = project_root().join("examples/cls-exemple");
    let dir = temp_dir("contacts");
    let (public, internal) = (dir.join("public"), dir.join("interne"));
    assert_eq!(build(&repo, &public, &[]).status.code(), Some(0));
    assert_eq!(build(&repo, &internal, &["--interne"]).status.code(), Some(0));
    let all = |d: &std::path::Path| {
        files(d).into_iter().map(|(_, b)| String::from_utf8_lossy(&b).to_string()).collect::<String>()
    };
    let (public, internal) = (all(&public), all(&internal));
    for secret in ["Camille Exemple", "camille@exemple.invalid", "03 00 00 00 00"] {
        assert!(!public.contains(secret), "{secret} leaked into the public site");
        assert!(internal.contains(secret), "{secret} missing from the internal site");
    }
}

#[test]
fn hostile_text_never_reaches_the_html_unescaped() {
    let out = temp_dir("hostile").join("_site");
    let result = build(&fixture("site-hostile"), &out, &[]);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    for (name, bytes) in files(&out) {
        let text = crate::readable_text(&name, &bytes).unwrap_or_default().to_lowercase();
        assert!(!text.contains("dominique"), "{name} leaks a contact");
        // A PDF shows text, it runs nothing: only HTML could carry a script.
        if !name.ends_with(".html") {
            continue;
        }
        for needle in
            ["<script", "href=\"javascript:", "<img", "<b ", "<i>", "onerror=\"", "onclick=\"", "onmouseover="]
        {
            let raw = text.contains(needle) && !(needle == "onmouseover=" && text.contains("&lt;b onmouseover="));
            assert!(!raw, "{name} contains {needle:?}");
        }
    }
    let page = read(out.join("actions/a.html"));
    assert!(page.contains("&lt;script&gt;alert("), "the body's script is shown as text");
}

#[test]
fn links_stay_inside_the_site() {
    // The whole site, then a site whose bilan is cut into one annex page an entry.
    for (case, extra) in [("links", &[][..]), ("links-annexes", &["--sans-pdf", "--entrees-par-annexe", "1"][..])] {
        let out = temp_dir(case).join("_site");
        assert_eq!(build(&project_root(), &out, extra).status.code(), Some(0));
        assert_eq!(extra.is_empty(), !out.join("bilan-2020-annexe-12.html").exists());
        links_inside(&out);
    }
}

/// Asserts that every link of every page of the site `out` stays in it and leads somewhere.
fn links_inside(out: &std::path::Path) {
    for (name, bytes) in files(out).into_iter().filter(|(n, _)| n.ends_with(".html")) {
        let text = String::from_utf8_lossy(&bytes);
        for attr in ["href=\"", "src=\""] {
            for target in text.split(attr).skip(1) {
                let target = &target[..target.find('"').unwrap_or(0)];
                assert!(!target.starts_with('/'), "{name}: absolute link {target}");
                // The accessibility statement links the Défenseur des droits, as the RGAA
                // model does; nothing else leaves the site.
                let recourse = name == "accessibilite.html"
                    && (target.starts_with("https://formulaire.defenseurdesdroits.fr/")
                        || target.starts_with("https://www.defenseurdesdroits.fr/"));
                if recourse && attr == "href=\"" {
                    continue;
                }
                assert!(!target.starts_with("http"), "{name}: external resource {target}");
                if !target.starts_with('#') && !target.starts_with("mailto:") {
                    let path = target.split('#').next().unwrap();
                    let base = out.join(&name);
                    let resolved = base.parent().unwrap().join(path);
                    assert!(resolved.exists(), "{name}: broken link {target}");
                }
            }
        }
    }
}

/// The titles of the actions (`<h4>`) and of the indicators (`<figcaption>`'s
/// `<strong>`) a bilan page shows.
fn bilan_entries(html: &str) -> (Vec<String>, Vec<String>) {
    let between = |tag: &str, end: &str| -> Vec<String> {
        html.split(tag).skip(1).map(|rest| rest[..rest.find(end).unwrap()].to_string()).collect()
    };
    (between("<h4>", "</h4>"), between("<figcaption><strong>", "</strong>"))
}

#[test]
fn a_long_bilan_page_sends_its_sections_to_annex_pages_that_hold_every_entry() {
    let whole = temp_dir("bilan-entier").join("_site");
    assert_eq!(build(&project_root(), &whole, &["--sans-pdf"]).status.code(), Some(0));
    let (actions, indicators) = bilan_entries(&read(whole.join("bilan-2020.html")));
    assert_eq!((actions.len(), indicators.len()), (4, 1), "{actions:?} {indicators:?}");

    let cut = temp_dir("bilan-annexes").join("_site");
    assert_eq!(build(&project_root(), &cut, &["--sans-pdf", "--entrees-par-annexe", "3"]).status.code(), Some(0));
    let main = read(cut.join("bilan-2020.html"));
    assert_eq!(bilan_entries(&main), (vec![], vec![]), "the bilan itself keeps none of the entries");
    assert!(main.contains(
        r#"Les avancements de l'année sont présentés action par action dans <a href="bilan-2020-annexe-1.html">l'annexe 1</a> et <a href="bilan-2020-annexe-2.html">l'annexe 2</a>."#
    ));
    assert!(
        main.contains("2\u{a0}actions engagées, présentées dans <a href=\"bilan-2020-annexe-1.html\">l'annexe 1</a>.")
    );
    // 4 actions by 3 (an axis stays whole when it fits), then 8 indicators by 3.
    let annexes: Vec<String> = (1..=6).map(|n| read(cut.join(format!("bilan-2020-annexe-{n}.html")))).collect();
    assert!(!cut.join("bilan-2020-annexe-7.html").exists());
    let (mut found_actions, mut found_indicators) = (Vec::new(), Vec::new());
    for (n, page) in annexes.iter().enumerate() {
        assert!(page.contains(&format!("Bilan annuel 2020 : annexe {} sur 6", n + 1)), "annexe {}", n + 1);
        assert!(page.contains(r#"<a href="bilan-2020.html">Bilan annuel 2020</a>"#));
        let (a, i) = bilan_entries(page);
        found_actions.extend(a);
        found_indicators.extend(i);
    }
    assert_eq!(found_actions, actions, "every action once, in the order of the bilan");
    assert_eq!(found_indicators, indicators);
    assert!(annexes[1].contains(r#"<a href="bilan-2020-annexe-1.html">annexe précédente</a>"#));
    assert!(annexes[2].contains("Indicateurs</h2>") && annexes[3].contains("Indicateurs (suite)</h2>"));
    // The 7 indicators without a measure in 2020 follow the measured one.
    let unmeasured = annexes[2..].iter().map(|p| p.matches("<li>").count()).sum::<usize>();
    assert_eq!(unmeasured, 7);
    assert!(!main.contains("<li>Nombre et typologie des réunions"));
}

#[test]
fn the_budget_of_a_long_bilan_goes_to_annexes_with_its_total_in_the_last() {
    let repo = temp_dir("bilan-budget");
    fs::create_dir_all(repo.join("fiches/actions")).unwrap();
    fs::create_dir_all(repo.join("fiches/partenaires")).unwrap();
    fs::copy(fixture("valide").join("clsm.toml"), repo.join("clsm.toml")).unwrap();
    fs::write(repo.join("fiches/partenaires/porteur.md"), "---\nnom: Porteur\n---\n").unwrap();
    for n in 1..=3 {
        let fiche = format!(
            "---\ntitre: Action {n}\naxe: \"1\"\nstatut: mise_en_oeuvre\nporteur: porteur\nbudget:\n  - poste: Salle\n    montant: {n}00\navancement:\n  - date: 2025-03\n    texte: Réunion {n}.\n---\n"
        );
        fs::write(repo.join(format!("fiches/actions/a{n}.md")), fiche).unwrap();
    }
    let out = repo.join("_site");
    let result = build(&repo, &out, &["--sans-pdf", "--entrees-par-annexe", "2"]);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    // Annexes 1 and 2: the actions (2, then 1); 3 and 4: the lines of budget.
    let page = |n: usize| read(out.join(format!("bilan-2025-annexe-{n}.html")));
    assert!(!out.join("bilan-2025-annexe-5.html").exists());
    let main = read(out.join("bilan-2025.html"));
    assert!(main.contains(r#"Le détail par action est dans <a href="bilan-2025-annexe-3.html">l'annexe 3</a> et <a href="bilan-2025-annexe-4.html">l'annexe 4</a>."#));
    assert!(main.contains("<tfoot><tr><th scope=\"row\">Total</th><td class=\"nombre\">600\u{a0}€"), "{main}");
    assert!(!main.contains("Action 1"), "neither its progress nor its line of budget stays in the bilan");
    let (third, fourth) = (page(3), page(4));
    assert!(third.contains("Action 1") && third.contains("Action 2") && !third.contains("Action 3"));
    assert!(
        !third.contains("<tfoot>")
            && third.contains(r#"Le détail se poursuit dans <a href="bilan-2025-annexe-4.html">l'annexe 4</a>."#)
    );
    assert!(fourth.contains("Action 3") && fourth.contains("<tfoot>") && !fourth.contains("se poursuit"));
    assert!(fourth.contains("Budget et financements (suite)</h2>") && !third.contains("(suite)"));
    assert!(
        fourth
            .contains("Total de toutes les lignes, annexes précédentes comprises</th><td class=\"nombre\">600\u{a0}€")
    );
    assert!(page(2).contains("Action 3") && page(1).contains("Réunion 1.") && !page(1).contains("Action 3"));
}

#[test]
fn partners_with_coordinates_are_on_the_map() {
    let out = temp_dir("geojson").join("_site");
    assert_eq!(build(&project_root().join("examples/cls-exemple"), &out, &[]).status.code(), Some(0));
    let geojson: serde_json::Value = serde_json::from_str(&read(out.join("ressources.geojson"))).unwrap();
    assert_eq!(geojson["type"], "FeatureCollection");
    let features = geojson["features"].as_array().unwrap();
    assert_eq!(features.len(), 1);
    assert_eq!(features[0]["geometry"]["coordinates"], serde_json::json!([6.18, 49.12]));
    // uMap reads `name` and `description`; links are absolute by the site's `url`.
    let properties = &features[0]["properties"];
    assert_eq!(properties["name"], "Ville d'Exemple-sur-Moselle");
    assert_eq!(
        properties["description"],
        "Collectivité\n1 place de la Mairie, Exemple-sur-Moselle\n[[https://exemple.invalid|Site web]]\n\
         [[https://cls.exemple-sur-moselle.invalid/annuaire.html#ville-exemple|Fiche dans l'annuaire]]"
    );
    assert_eq!(properties["page"], "https://cls.exemple-sur-moselle.invalid/annuaire.html#ville-exemple");
    let annuaire = read(out.join("annuaire.html"));
    assert!(annuaire.contains("<a href=\"ressources.geojson\">ressources.geojson</a>"), "the annuaire links the map");
    assert!(annuaire.contains("un partenaire localisé"));
    let calendar = read(out.join("calendrier.ics"));
    assert!(calendar.contains("\r\nURL:https://cls.exemple-sur-moselle.invalid/calendrier.html#"), "{calendar}");
    // Without `url`, the links are relative to the site.
    let metz = temp_dir("geojson-metz").join("_site");
    assert_eq!(build(&project_root(), &metz, &["--sans-pdf"]).status.code(), Some(0));
    let metz: serde_json::Value = serde_json::from_str(&read(metz.join("ressources.geojson"))).unwrap();
    assert_eq!(metz["features"], serde_json::json!([]), "no Metz partner has coordinates yet");
}

#[test]
fn a_repository_with_errors_builds_nothing() {
    let out = temp_dir("errors").join("_site");
    let result = build(&fixture("ref-inconnue"), &out, &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(!out.exists());
    assert!(String::from_utf8_lossy(&result.stderr).contains("erreur[ref-inconnue]"));
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let dir = temp_dir("foreign");
    fs::write(dir.join("rapport.docx"), "à garder").unwrap();
    let result = build(&project_root(), &dir, &[]);
    assert_eq!(result.status.code(), Some(2));
    assert_eq!(fs::read_to_string(dir.join("rapport.docx")).unwrap(), "à garder");
    assert!(!dir.join("index.html").exists());
    let result = build(&project_root(), &project_root(), &[]);
    assert_eq!(result.status.code(), Some(2), "the repository itself is refused");
}

#[test]
fn repository_templates_override_the_built_in_ones() {
    let repo = crate::copy_of("valide", "override");
    let dir = repo.parent().unwrap().to_path_buf();
    fs::create_dir_all(repo.join("templates")).unwrap();
    fs::write(
        repo.join("templates/index.html"),
        "{% extends \"base.html\" %}{% block titre %}Maison{% endblock titre %}{% block contenu %}<h1>Notre accueil</h1>{% endblock contenu %}",
    )
    .unwrap();
    let out = dir.join("_site");
    let result = build(&repo, &out, &[]);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let index = read(out.join("index.html"));
    assert!(index.contains("<h1>Notre accueil</h1>") && index.contains("<title>Maison"), "{index}");
    assert!(read(out.join("actions/a.html")).contains("Action d’essai"), "built-in templates still serve");
}

#[test]
fn a_log_gets_one_line_per_stage_and_quiet_gets_none() {
    let out = temp_dir("progress").join("_site");
    let result = build(&project_root(), &out, &["--sans-pdf"]);
    assert_eq!(result.status.code(), Some(0));
    // Not a terminal (a CI log): no bar, no escape sequence, one line a stage.
    let stderr = String::from_utf8_lossy(&result.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].starts_with("2 avertissements"), "{stderr}");
    assert!(lines[1].starts_with("pages : 35 pages HTML en "), "{stderr}");
    assert!(
        lines[2].starts_with(&format!("site construit dans `{}` : 35 pages, 0 PDF, en ", out.display())),
        "{stderr}"
    );
    assert!(!stderr.contains('\x1b') && !stderr.contains('\r'), "{stderr:?}");

    for quiet in ["-q", "--quiet"] {
        let result = build(&project_root(), &out, &["--sans-pdf", quiet]);
        assert_eq!(result.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&result.stderr), "", "{quiet} says nothing when all is well");
    }
    // Errors still show.
    let broken = build(&fixture("ref-inconnue"), &temp_dir("progress-broken").join("_site"), &["--sans-pdf", "-q"]);
    assert_eq!(broken.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("erreur[ref-inconnue]"), "{stderr}");
}

#[test]
fn the_calendar_feed_reads_back_with_an_icalendar_parser() {
    let out = temp_dir("ics").join("_site");
    let result = clsm(&["build", "--sans-pdf", "-q", "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let bytes = std::fs::read(out.join("calendrier.ics")).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.split("\r\n").all(|l| l.len() <= 75), "lines folded at 75 octets");
    assert!(!text.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(&bytes[..]));
    let calendar = calendars.next().expect("a calendar").expect("a valid calendar");
    assert!(calendars.next().is_none());
    assert_eq!(calendar.events.len(), 13, "Metz's 13 events");
    let property = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties.iter().find(|p| p.name == name).and_then(|p| p.value.clone())
    };
    let uids: std::collections::BTreeSet<String> = calendar.events.iter().filter_map(|e| property(e, "UID")).collect();
    assert_eq!(uids.len(), 13, "one UID each");
    assert!(uids.contains("pleniere-2017-05@conseil-local-de-sante-mentale-de-metz.clsm"));
    let sism =
        calendar.events.iter().find(|e| property(e, "UID").is_some_and(|u| u.starts_with("sism-2019@"))).unwrap();
    let start = sism.properties.iter().find(|p| p.name == "DTSTART").unwrap();
    assert_eq!(start.params.as_ref().unwrap()[0], ("VALUE".to_string(), vec!["DATE".to_string()]), "a whole-day event");
    assert!(property(sism, "DESCRIPTION").unwrap().contains("Thème : Santé mentale à l'ère du numérique"));
    // The same build, the same bytes: the feed does not depend on the day.
    let again = temp_dir("ics-again").join("_site");
    clsm(&["build", "--sans-pdf", "-q", "--out", again.to_str().unwrap()], &project_root());
    assert_eq!(std::fs::read(again.join("calendrier.ics")).unwrap(), bytes);
    assert!(std::fs::read_to_string(out.join("calendrier.html")).unwrap().contains("href=\"calendrier.ics\""));
}

#[test]
fn every_page_links_the_accessibility_statement_which_follows_the_audit() {
    let out = temp_dir("accessibilite").join("_site");
    assert_eq!(build(&project_root(), &out, &["--sans-pdf"]).status.code(), Some(0));
    // The footer of every page says the status, as the RGAA asks, and links the statement.
    for (name, html) in crate::files(&out).into_iter().filter(|(n, _)| n.ends_with(".html")) {
        let html = String::from_utf8(html).unwrap();
        let link = if name.contains('/') { "../accessibilite.html" } else { "accessibilite.html" };
        assert!(html.contains(&format!("<a href=\"{link}\"")), "{name} links the statement");
        assert!(html.contains("Accessibilité : non conforme</a>"), "{name}");
    }
    let statement = read(out.join("accessibilite.html"));
    for expected in [
        "Centre hospitalier de Jury s'engage à rendre son site internet accessible conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.",
        "est <strong>non conforme</strong> avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1.2, faute d'un audit de conformité complet.",
        "avec l'outil axe-core (règles WCAG 2.1, niveaux A et AA) : aucune erreur grave ni critique",
        "<a href=\"annuaire.html#ch-jury\">annuaire</a>",
        "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07",
    ] {
        assert!(statement.contains(expected), "missing {expected:?}");
    }
    assert!(!statement.contains("PDF/UA-1 : titres"), "no PDF in a build --sans-pdf");
    // With an audit, the rate gives the status, and the contact is a link.
    let repo = crate::copy_of("valide", "accessibilite-audit");
    let config = fs::read_to_string(repo.join("clsm.toml")).unwrap();
    let audit = "[accessibilite]\ncontact = \"accessibilite@exemple.fr\"\naudit = \"Audit réalisé par Access42 le 12 mars 2026\"\ntaux = 87.5\n";
    fs::write(repo.join("clsm.toml"), format!("{config}\n{audit}")).unwrap();
    let out = repo.join("_site");
    let result = build(&repo, &out, &["--sans-pdf"]);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let statement = read(out.join("accessibilite.html"));
    assert!(statement.contains("est <strong>partiellement conforme</strong> avec"), "{statement}");
    assert!(
        statement.contains(
            "L'audit de conformité (Audit réalisé par Access42 le 12 mars 2026) révèle que 87,5\u{a0}% des critères"
        ),
        "{statement}"
    );
    assert!(
        statement.contains("<a href=\"mailto:accessibilite@exemple.fr\">accessibilite@exemple.fr</a>"),
        "{statement}"
    );
    assert!(read(out.join("index.html")).contains("Accessibilité : partiellement conforme</a>"));
}
