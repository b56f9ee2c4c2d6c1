//! The fiche as the documents show it: every value written in a fiche's front
//! matter reaches its HTML page and its PDF, and no Markdown marker is left raw in
//! any page or PDF of the example repositories.
//!
//! What each value should read as (a partner's name for its id, a word's label, an
//! amount in French) is worked out here from the files, independently of clsm.

use std::collections::HashMap;
use std::path::Path;

use serde_yaml::Value;

use crate::{clsm, project_root, readable_text, temp_dir};

/// The labels of the words fiches use, as the CLS form writes them.
const LABELS: &[(&str, &str)] = &[
    ("piste", "Piste"),
    ("conception", "En conception"),
    ("mise_en_oeuvre", "Mise en œuvre"),
    ("realisee", "Réalisée"),
    ("suspendue", "Suspendue"),
    ("abandonnee", "Abandonnée"),
    ("nouvelle", "Nouvelle action"),
    ("experimentale", "Action expérimentale"),
    ("reconduite", "Action reconduite"),
    ("annuelle", "Action annuelle"),
    ("pluriannuelle", "Action pluriannuelle"),
    ("intercommunal", "Intercommunal"),
    ("communal", "Communal"),
    ("quartiers", "Quartiers"),
    ("qpv", "Quartiers Politique de la Ville"),
    ("enfants", "Enfants et/ou adolescents (0 à 15 ans)"),
    ("jeunes_adultes", "Jeunes adultes (16 à 25 ans)"),
    ("adultes", "Adultes (26 à 65 ans)"),
    ("personnes_agees", "Personnes âgées (> 65 ans)"),
    ("professionnels", "Professionnels"),
    ("elus", "Élus"),
    ("benevoles", "Bénévoles"),
    ("aidants", "Aidants"),
    ("usagers", "Usagers"),
    ("grand_public", "Grand public"),
    ("information", "Information"),
    ("consultation", "Consultation"),
    ("concertation", "Concertation"),
    ("co_construction", "Co-construction"),
    ("promotion_sante", "Promotion de la santé"),
    ("prevention", "Prévention"),
    ("soins", "Soins"),
    ("accompagnement_medico_social", "Accompagnement médico-social"),
];

/// Text as a reader sees it: tags and entities gone, typographic quotes and
/// spaces made plain, every run of white space one space.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    // A page's stylesheet is not text it shows.
    let text = match (text.find("<style"), text.find("</style>")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &text[..a], &text[b + 8..]),
        _ => text.to_string(),
    };
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            c => out.push(c),
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    let out: String = out
        .chars()
        .map(|c| match c {
            '’' | '‘' => '\'',
            '“' | '”' => '"',
            '\u{a0}' | '\u{202f}' | '\u{2009}' => ' ',
            c => c,
        })
        .collect();
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text from a PDF compared without its line breaks: pdftotext drops the hyphen
/// of a word cut at a line's end ("fiche-action" becomes "ficheaction") and
/// breaks after a slash, so spaces and hyphens are left out on both sides.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

/// An amount as French documents write it: `5 000 €`, `1 250,50 €`.
fn euros(value: f64) -> String {
    let cents = (value * 100.0).round() as i64;
    let (whole, rest) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(d);
    }
    if rest == 0 { format!("{grouped} €") } else { format!("{grouped},{rest:02} €") }
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A partial date as French documents write it: `2024`, `septembre 2024`, `12 septembre 2024`.
fn date(value: &Value) -> String {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => panic!("a date: {value:?}"),
    };
    let parts: Vec<&str> = text.split('-').collect();
    let month = |m: &str| MONTHS[m.parse::<usize>().unwrap() - 1];
    match parts.as_slice() {
        [y] => y.to_string(),
        [y, m] => format!("{} {y}", month(m)),
        [y, m, d] => format!("{} {} {y}", d.trim_start_matches('0'), month(m)),
        _ => panic!("a date: {text}"),
    }
}

/// The front matter and the body of a fiche.
fn split(path: &Path) -> (serde_yaml::Mapping, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let rest = text.strip_prefix("---\n").unwrap();
    let end = rest.find("\n---\n").unwrap();
    let front: serde_yaml::Mapping = serde_yaml::from_str(&rest[..end]).unwrap();
    (front, rest[end + 5..].to_string())
}

/// The names records are shown by: partners, indicators, axes, parent axes, themes.
struct Names {
    of: HashMap<(&'static str, String), String>,
}

impl Names {
    fn new(repo: &Path) -> Self {
        let mut of = HashMap::new();
        for (kind, folder, key) in [("partenaire", "partenaires", "nom"), ("indicateur", "indicateurs", "libelle")] {
            let Ok(entries) = std::fs::read_dir(repo.join("fiches").join(folder)) else { continue };
            for entry in entries {
                let path = entry.unwrap().path();
                let id = path.file_stem().unwrap().to_string_lossy().to_string();
                let (front, _) = split(&path);
                of.insert((kind, id), front[key].as_str().unwrap().to_string());
            }
        }
        let config: toml::Table = std::fs::read_to_string(repo.join("clsm.toml")).unwrap().parse().unwrap();
        let tables = |t: &toml::Table, key: &str| t.get(key).and_then(|v| v.as_array()).cloned().unwrap_or_default();
        let mut add = |kind: &'static str, list: Vec<toml::Value>| {
            for item in list {
                let id = item["id"].as_str().unwrap().to_string();
                of.insert((kind, id), item["titre"].as_str().unwrap().to_string());
            }
        };
        add("axe", tables(&config, "axes"));
        add("thematique", tables(&config, "thematiques"));
        if let Some(parent) = config.get("contrat_parent").and_then(|p| p.as_table()) {
            add("axe_parent", tables(parent, "axes"));
        }
        // The words a repository adds to a vocabulary, with their labels.
        for words in config.get("vocabulaire").and_then(|v| v.as_table()).into_iter().flat_map(|t| t.values()) {
            for (word, label) in words.as_table().into_iter().flatten() {
                of.insert(("mot", word.clone()), label.as_str().unwrap().to_string());
            }
        }
        Names { of }
    }

    fn get(&self, kind: &'static str, id: &str) -> String {
        self.of.get(&(kind, id.to_string())).unwrap_or_else(|| panic!("no {kind} `{id}`")).clone()
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => panic!("a text: {v:?}"),
    }
}

fn list(v: &Value) -> Vec<Value> {
    v.as_sequence().cloned().unwrap_or_default()
}

/// What a fiche's page and PDF must show, for every key of its front matter,
/// as `(key, text)`.
fn expected(front: &serde_yaml::Mapping, body: &str, names: &Names) -> Vec<(String, String)> {
    let label = |w: &str| match LABELS.iter().find(|(k, _)| *k == w) {
        Some((_, l)) => l.to_string(),
        None => names.get("mot", w),
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, value) in front {
        let key = key.as_str().unwrap().to_string();
        let mut push = |text: String| out.push((key.clone(), text));
        match key.as_str() {
            "numero" => push(format!("Fiche n°{}", text(value))),
            "titre"
            | "objectif_strategique"
            | "objectif_specifique"
            | "pilote"
            | "suivi"
            | "lieux"
            | "public_precision"
            | "evaluation" => push(text(value)),
            "prerequis"
            | "dispositifs_existants"
            | "resultats_attendus"
            | "moyens_mobilisables"
            | "moyens_a_rechercher" => {
                for line in text(value).lines().filter(|l| !l.trim().is_empty()) {
                    push(line.trim_start_matches(['-', '*', ' ']).replace("**", ""));
                }
            }
            "determinants" | "politiques_publiques" => list(value).iter().for_each(|v| push(text(v))),
            "axe" => push(names.get("axe", &text(value))),
            "axe_parent" => push(names.get("axe_parent", &text(value))),
            "porteur" => push(names.get("partenaire", &text(value))),
            "partenaires" => list(value).iter().for_each(|v| push(names.get("partenaire", &text(v)))),
            "indicateurs" => list(value).iter().for_each(|v| push(names.get("indicateur", &text(v)))),
            "thematiques" => list(value).iter().for_each(|v| push(names.get("thematique", &text(v)))),
            "statut" | "typologie" | "participation" => push(label(&text(value))),
            "duree" | "territoire" | "public" | "champ" => list(value).iter().for_each(|v| push(label(&text(v)))),
            "calendrier" => {
                push(date(&value["debut"]));
                push(date(&value["fin"]));
            }
            "budget" => {
                for line in list(value) {
                    push(text(&line["poste"]));
                    push(euros(line["montant"].as_f64().unwrap()));
                }
            }
            "financements" => {
                for line in list(value) {
                    push(names.get("partenaire", &text(&line["financeur"])));
                    if let Some(m) = line.get("montant").and_then(Value::as_f64) {
                        push(euros(m));
                    }
                }
            }
            "objectifs_operationnels" => {
                for o in list(value) {
                    push(text(&o["titre"]));
                    for k in ["comment", "quand"] {
                        if let Some(v) = o.get(k) {
                            push(text(v));
                        }
                    }
                    for q in list(&o["qui"]) {
                        let q = text(&q);
                        push(names.of.get(&("partenaire", q.clone())).cloned().unwrap_or(q));
                    }
                }
            }
            "avancement" => {
                for e in list(value) {
                    push(date(&e["date"]));
                    push(text(&e["texte"]));
                    if let Some(p) = e.get("participants") {
                        push(format!("{} participants", text(p)));
                    }
                }
            }
            "inegalites_sociales" => push("lutte contre les inégalités sociales de santé".into()),
            "demarche_participative" => push("démarche participative associant les citoyens".into()),
            other => panic!("the test does not know the key `{other}`: say what it should show"),
        }
    }
    // The body: each heading, and the start of each paragraph or item.
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let words: String = line.trim_start_matches(['#', '-', '*', '>', ' ']).replace("**", "");
        let start: String = words.chars().take(40).collect();
        let start = start.rsplit_once(' ').map_or(start.clone(), |(s, _)| s.to_string());
        if start.chars().count() > 3 {
            out.push(("corps".into(), start));
        }
    }
    out
}

/// Builds `repo` and checks each fiche's page and PDF against its file.
fn every_field_reaches_the_documents(repo: &Path, test: &str) {
    let out = temp_dir(test).join("_site");
    let result = clsm(&["--repo", repo.to_str().unwrap(), "build", "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let names = Names::new(repo);
    let mut checked = 0;
    for entry in std::fs::read_dir(repo.join("fiches/actions")).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().to_string();
        let (front, body) = split(&path);
        let html = plain(&std::fs::read_to_string(out.join(format!("actions/{id}.html"))).unwrap());
        let pdf_bytes = std::fs::read(out.join(format!("fiches/{id}.pdf"))).unwrap();
        let pdf = readable_text("fiche.pdf", &pdf_bytes).map(|t| squeezed(&plain(&t)));
        for (key, text) in expected(&front, &body, &names) {
            let text = plain(&text);
            assert!(html.contains(&text), "{id}.html lacks `{key}`: {text:?}");
            if let Some(pdf) = &pdf {
                assert!(pdf.contains(&squeezed(&text)), "{id}.pdf lacks `{key}`: {text:?}");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} values checked");
}

#[test]
fn every_field_of_the_metz_fiches_reaches_their_page_and_pdf() {
    every_field_reaches_the_documents(&project_root(), "champs-metz");
}

#[test]
fn every_field_of_the_example_fiches_reaches_their_page_and_pdf() {
    every_field_reaches_the_documents(&project_root().join("examples/cls-exemple"), "champs-exemple");
}

#[test]
fn every_field_of_the_imported_cadre_logique_reaches_its_page_and_pdf() {
    every_field_reaches_the_documents(&project_root().join("examples/cctc"), "champs-cctc");
}

#[test]
fn the_documents_show_no_raw_markdown() {
    for (repo, test) in
        [(project_root(), "markdown-metz"), (project_root().join("examples/cls-exemple"), "markdown-exemple")]
    {
        let out = temp_dir(test).join("_site");
        let result =
            clsm(&["--repo", repo.to_str().unwrap(), "build", "--out", out.to_str().unwrap()], &project_root());
        assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
        for (name, bytes) in crate::files(&out) {
            if !(name.ends_with(".html") || name.ends_with(".pdf")) {
                continue;
            }
            let Some(text) = readable_text(&name, &bytes) else { continue };
            let text = if name.ends_with(".html") { plain(&text) } else { text };
            for marker in ["**", "__", "\\*", "\\_", "](", "## ", " *"] {
                let found = text.match_indices(marker).find(|(i, _)| {
                    // `*` alone is a marker when it opens a word (`*60 %`), not as a footnote sign.
                    marker != " *" || text[i + 2..].chars().next().is_some_and(|c| !c.is_whitespace())
                });
                if let Some((i, _)) = found {
                    let around: String = text[i..].chars().take(60).collect();
                    panic!("{test}: `{name}` shows the Markdown marker {marker:?}: {around:?}");
                }
            }
        }
    }
}

#[test]
fn the_contract_pdf_has_no_near_empty_page_and_all_of_seed_002() {
    let out = temp_dir("contrat-complet").join("_site");
    let result = clsm(&["build", "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let Some(text) = readable_text("contrat.pdf", &std::fs::read(out.join("contrat.pdf")).unwrap()) else { return };
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    for (i, page) in pages.iter().enumerate().skip(1) {
        let lines = page.lines().filter(|l| !l.trim().is_empty()).count();
        assert!(lines >= 10, "page {} of contrat.pdf is nearly empty ({lines} lines): {page}", i + 1);
    }
    // Every proposal of the pistes d'actions (seed 002), as the pistes' fiches hold them.
    let all = squeezed(&plain(&text));
    let mut proposals = 0;
    for entry in std::fs::read_dir(project_root().join("fiches/actions")).unwrap() {
        let (front, body) = split(&entry.unwrap().path());
        if front.get("statut").and_then(Value::as_str) != Some("piste") {
            continue;
        }
        let items = body.split("\n- ").skip(1).map(|item| item.split("\n\n").next().unwrap_or(item));
        for item in items {
            let item = plain(item);
            assert!(all.contains(&squeezed(&item)), "contrat.pdf lacks the proposal {item:?}");
            proposals += 1;
        }
    }
    assert!(proposals >= 121, "seed 002 has 121 proposals and more; the pistes hold {proposals}");
}

/// The part of a page between two markers, both included.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("no {from:?}"));
    let end = html[start..].find(to).map(|e| start + e + to.len()).unwrap_or_else(|| panic!("no {to:?}"));
    &html[start..end]
}

#[test]
fn fiche_15_page_and_cadre_logique_snapshots() {
    let out = temp_dir("instantanes").join("_site");
    let result = clsm(&["build", "--sans-pdf", "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let fiche = std::fs::read_to_string(out.join("actions/fiche-15.html")).unwrap();
    insta::assert_snapshot!("fiche_15", between(&fiche, "<article class=\"fiche\">", "</article>"));
    let example = project_root().join("examples/cls-exemple");
    let out = temp_dir("instantanes-exemple").join("_site");
    let result = clsm(
        &["--repo", example.to_str().unwrap(), "build", "--sans-pdf", "--out", out.to_str().unwrap()],
        &project_root(),
    );
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let cadre = std::fs::read_to_string(out.join("cadre-logique.html")).unwrap();
    insta::assert_snapshot!("cadre_logique_exemple", between(&cadre, "<table class=\"cadre\">", "</table>"));
}

#[test]
fn the_example_contract_has_its_logos_preamble_and_signatories() {
    let repo = project_root().join("examples/cls-exemple");
    let out = temp_dir("contrat-exemple").join("_site");
    let result = clsm(&["--repo", repo.to_str().unwrap(), "build", "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let pdf = std::fs::read(out.join("contrat.pdf")).unwrap();
    let Some(text) = readable_text("contrat.pdf", &pdf) else { return };
    // Two logos, each drawn once, on the cover.
    let images = std::process::Command::new("pdfimages").args(["-list"]).arg(out.join("contrat.pdf")).output().unwrap();
    let listing = String::from_utf8_lossy(&images.stdout);
    let pages: Vec<&str> = listing.lines().skip(2).filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(pages, ["1", "1"], "the two logos of assets/, on the cover: {listing}");
    let text = plain(&text);
    for expected in [
        "Préambule",
        "Le présent contrat local de santé est conclu entre la commune",
        "Signataires",
        "Fait à Exemple-sur-Moselle, le 12 mars 2024.",
        "Objectif global du contrat : Réduire les inégalités sociales et territoriales de santé",
        "Calendrier des instances et des événements",
    ] {
        assert!(text.contains(expected), "contrat.pdf lacks {expected:?}");
    }
    let home = plain(&std::fs::read_to_string(out.join("index.html")).unwrap());
    assert!(home.contains("Préambule Le présent contrat local de santé"), "the home page shows the preamble");
}

#[test]
fn check_names_a_broken_logo_a_linked_asset_or_a_bad_text_and_code_in_the_preamble_cannot_harm() {
    let repo = crate::copy_of("valide", "contrat-hostile");
    std::fs::create_dir_all(repo.join("assets")).unwrap();
    std::fs::create_dir_all(repo.join("contrat")).unwrap();
    std::fs::write(repo.join("contrat/preambule.md"), "#read(\"/etc/passwd\")\n\n`#let x = 1` <script>x</script>\n")
        .unwrap();
    std::fs::write(repo.join("contrat/signataires.md"), b"sign\xe9").unwrap();
    std::fs::write(repo.join("assets/logo.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    std::fs::write(repo.join("assets/logo-site.svg"), "<svg><image href=\"file:///etc/passwd\"/></svg>").unwrap();
    std::fs::write(repo.join("assets/notes.html"), "<html><svg></svg></html>").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", repo.join("assets/logo-lien.png")).unwrap();
    let r = repo.to_str().unwrap();
    let out = clsm(&["--repo", r, "check", "--format", "json"], &project_root());
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["message"].as_str().unwrap().to_string()))
        .collect();
    let has = |file: &str, text: &str| found.iter().any(|(f, m)| f == file && m.contains(text));
    assert!(has("assets/logo.png", "son en-tête est illisible"), "{found:?}");
    assert!(has("assets/logo-site.svg", "fait référence à un autre fichier ou à un site"), "{found:?}");
    assert!(has("contrat/signataires.md", "n'est pas en UTF-8"), "{found:?}");
    #[cfg(unix)]
    assert!(has("assets/logo-lien.png", "lien symbolique"), "{found:?}");
    assert!(!found.iter().any(|(f, _)| f.contains("notes.html")), "files that are not images are left alone");
    // Build refuses too, before writing anything.
    let site = repo.join("_site");
    let build = || clsm(&["--repo", r, "build", "--out", site.to_str().unwrap()], &project_root());
    assert_eq!(build().status.code(), Some(1));
    assert!(!site.exists());
    for name in ["assets/logo.png", "assets/logo-site.svg", "assets/logo-lien.png", "contrat/signataires.md"] {
        let _ = std::fs::remove_file(repo.join(name));
    }
    let result = build();
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let Some(text) = readable_text("contrat.pdf", &std::fs::read(site.join("contrat.pdf")).unwrap()) else { return };
    assert!(text.contains("#read(\"/etc/passwd\")") || text.contains("#read(“/etc/passwd”)"), "{text}");
    assert!(!text.contains("root:"), "the preamble ran as code");
}

#[test]
fn the_rest_to_finance_says_what_the_budget_and_funding_leave() {
    let cases = [
        ("400", "600 €"),
        ("1000", "Aucun : le budget est entièrement financé"),
        ("1500", "Aucun : les financements dépassent le budget de 500 €"),
    ];
    for (funded, expected) in cases {
        let repo = crate::copy_of("valide", &format!("reste-{funded}"));
        let fiche = format!(
            "---\ntitre: Action\naxe: \"1\"\nstatut: piste\nporteur: porteur\nbudget:\n  - poste: Salle\n    montant: 1000\nfinancements:\n  - financeur: porteur\n    montant: {funded}\n    statut: acquis\n---\n"
        );
        std::fs::write(repo.join("fiches/actions/a.md"), fiche).unwrap();
        let out = repo.join("_site");
        let r = clsm(&["--repo", repo.to_str().unwrap(), "build", "--out", out.to_str().unwrap()], &project_root());
        assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
        let html = plain(&std::fs::read_to_string(out.join("actions/a.html")).unwrap());
        assert!(html.contains(&format!("Reste à financer {expected}")), "{funded}: {html}");
        if let Some(pdf) = readable_text("a.pdf", &std::fs::read(out.join("fiches/a.pdf")).unwrap()) {
            assert!(squeezed(&plain(&pdf)).contains(&squeezed(expected)), "{funded}: {pdf}");
        }
    }
    // A funding line without an amount (fiche 15): the snapshot shows "Non calculable".
}
