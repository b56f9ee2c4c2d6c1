//! Random valid repositories always pass `check` and render.

use proptest::prelude::*;

use crate::temp_dir;

/// Text as a coordinator might type it: accents, punctuation YAML cares about,
/// quotes, HTML, emoji. Written to YAML as a quoted string, as the format allows.
fn text() -> impl Strategy<Value = String> {
    prop::string::string_regex("[A-Za-zÀ-ÿœŒ0-9 :#\\[\\]{}'\"*&!|>%@`<>/;,.?-]{1,30}|💡 santé")
        .unwrap()
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn date() -> impl Strategy<Value = String> {
    (2015u32..2030, prop::option::of(1u32..=12), prop::option::of(1u32..=28)).prop_map(|(y, m, d)| match (m, d) {
        (Some(m), Some(d)) => format!("{y}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{y}-{m:02}"),
        _ => y.to_string(),
    })
}

/// An action: title, axis and porteur (as indices), budget lines, progress entries.
type ActionSpec = (String, usize, usize, Vec<(String, u32)>, Vec<(String, String)>);
/// An indicator: label, percentage or not, measures.
type IndicatorSpec = (String, bool, Vec<(String, u32)>);

#[derive(Debug, Clone)]
struct Repo {
    axes: usize,
    partners: Vec<String>,
    actions: Vec<ActionSpec>,
    indicators: Vec<IndicatorSpec>,
    events: Vec<(String, String, u32)>,
}

fn repo() -> impl Strategy<Value = Repo> {
    (
        1usize..4,
        prop::collection::vec(text(), 1..5),
        prop::collection::vec(
            (
                text(),
                0usize..10,
                0usize..10,
                prop::collection::vec((text(), 0u32..1_000_000), 0..3),
                prop::collection::vec((date(), text()), 0..3),
            ),
            1..6,
        ),
        prop::collection::vec((text(), any::<bool>(), prop::collection::vec((date(), 0u32..=100), 0..4)), 1..5),
        prop::collection::vec((date(), text(), 0u32..500), 0..4),
    )
        .prop_map(|(axes, partners, actions, indicators, events)| Repo {
            axes,
            partners,
            actions,
            indicators,
            events,
        })
}

fn files(r: &Repo) -> (String, Vec<(String, Vec<u8>)>) {
    let mut config = String::from("titre = \"Contrat aléatoire\"\ntype = \"CLS\"\nporteur = \"p0\"\n");
    for a in 0..r.axes {
        config.push_str(&format!("[[axes]]\nid = \"{}\"\ntitre = {}\n", a + 1, q(&format!("Axe {a}"))));
    }
    let mut out = Vec::new();
    for (i, nom) in r.partners.iter().enumerate() {
        out.push((format!("fiches/partenaires/p{i}.md"), format!("---\nnom: {}\n---\n", q(nom))));
    }
    for (i, (titre, axe, porteur, budget, progress)) in r.actions.iter().enumerate() {
        let mut y = format!(
            "---\ntitre: {}\naxe: \"{}\"\nporteur: p{}\npartenaires: [p0]\n",
            q(titre),
            axe % r.axes + 1,
            porteur % r.partners.len()
        );
        let cited: Vec<String> =
            (0..r.indicators.len()).filter(|j| j % r.actions.len() == i).map(|j| format!("i{j}")).collect();
        y.push_str(&format!("indicateurs: [{}]\n", cited.join(", ")));
        if !budget.is_empty() {
            y.push_str("budget:\n");
            for (poste, cents) in budget {
                y.push_str(&format!("  - poste: {}\n    montant: {}.{:02}\n", q(poste), cents / 100, cents % 100));
            }
        }
        let mut sorted = progress.clone();
        sorted.sort_by_key(|(d, _)| clsm::model::PartialDate::parse(d).unwrap().first_day());
        if !sorted.is_empty() {
            y.push_str("statut: mise_en_oeuvre\navancement:\n");
            for (k, (d, t)) in sorted.iter().enumerate() {
                y.push_str(&format!("  - date: {d}\n    texte: {}\n", q(t)));
                if k == 0 {
                    y.push_str("    statut: mise_en_oeuvre\n");
                }
            }
        }
        y.push_str(&format!("---\n\n## {}\n\n{}\n", titre, titre));
        out.push((format!("fiches/actions/a{i}.md"), y));
    }
    for (j, (libelle, percent, measures)) in r.indicators.iter().enumerate() {
        let mut y = format!(
            "---\nlibelle: {}\ntype: processus\nunite: {}\n",
            q(libelle),
            if *percent { "pourcentage" } else { "nombre" }
        );
        if !measures.is_empty() {
            y.push_str("mesures:\n");
            for (d, v) in measures {
                y.push_str(&format!("  - date: {d}\n    valeur: {v}\n"));
            }
        }
        y.push_str("---\n");
        out.push((format!("fiches/indicateurs/i{j}.md"), y));
    }
    for (k, (d, titre, participants)) in r.events.iter().enumerate() {
        out.push((
            format!("fiches/evenements/e{k}.md"),
            format!(
                "---\ndate: {d}\ntype: copil\ntitre: {}\nparticipants: {participants}\npartenaires: [p0]\n---\n",
                q(titre)
            ),
        ));
    }
    (config, out.into_iter().map(|(p, t)| (p, t.into_bytes())).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_repositories_pass_check_and_render(r in repo()) {
        let (config, fiches) = files(&r);
        let loaded = clsm::load::load_from_memory(config.as_bytes(), &fiches);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let diagnostics = clsm::check::check(&loaded, today);
        let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == clsm::diag::Severity::Error).collect();
        prop_assert!(errors.is_empty(), "{errors:#?}\n{config}\n{fiches:#?}");
        let checked = clsm::model::checked::Repository::from_loaded(loaded.repo);
        prop_assert!(checked.is_some(), "a repository without error is checked");
        let checked = checked.unwrap();
        let site = clsm::views::site::build(&checked, clsm::views::site::Options::default());
        let dir = temp_dir("property");
        let renderer = clsm::render::Renderer::new(&dir.join("pas-de-modeles")).unwrap();
        let out = clsm::files::write::SiteWriter::new(&dir.join("_site"), &dir).unwrap();
        let bilan = clsm::views::bilan::bilan(&checked, clsm::views::report::Scope::year(2025, today), today, None);
        let written = clsm::render::site::write(&site, Some(&bilan), clsm::views::bilan::ENTREES_PAR_ANNEXE, &renderer, &out, &|| ()).unwrap();
        out.finish().unwrap();
        // The seven lists (the accessibility statement among them) and the bilan.
        prop_assert_eq!(written.pages, 8 + r.axes + r.actions.len());
        prop_assert!(dir.join("_site/bilan-2025.html").is_file());
        let report = clsm::views::report::report(&checked, clsm::views::report::Scope::on(today), None);
        prop_assert_eq!(report.axes.len(), r.axes);
    }
}
