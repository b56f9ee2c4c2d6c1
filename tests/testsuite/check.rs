//! `clsm check` on the repositories of `tests/fixtures/` and on the Metz repository.
//!
//! Each fixture holds one minimal repository and an `attendu.txt` written by hand:
//! the expected exit code, then every expected diagnostic as
//! `SEVERITY CODE FILE:LINE:COLUMN MESSAGE`, in the order `clsm check` sorts them,
//! each followed by its fix on a line `  aide : HELP` when it has one.

use std::path::Path;

use clsm::diag::Code;

use crate::{clsm, fixture, project_root};

fn check_json(repo: &Path) -> (i32, serde_json::Value) {
    let out = clsm(&["check", "--format", "json", "--repo", repo.to_str().unwrap()], &project_root());
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON invalide ({e}) : {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().expect("exit code"), json)
}

/// The diagnostics of a JSON report as the lines of `attendu.txt`.
fn as_lines(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .flat_map(|d| {
            let head = format!(
                "{} {} {}:{}:{} {}",
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            );
            let help = d["help"].as_str().map(|h| format!("  aide : {h}"));
            std::iter::once(head).chain(help)
        })
        .collect()
}

fn assert_fixture(name: &str) {
    let dir = fixture(name);
    let expected = std::fs::read_to_string(dir.join("attendu.txt")).expect("attendu.txt");
    let mut lines = expected.lines();
    let exit: i32 =
        lines.next().and_then(|l| l.strip_prefix("sortie: ")).and_then(|c| c.parse().ok()).expect("sortie: N");
    let expected: Vec<String> = lines.map(str::to_string).collect();
    let (code, report) = check_json(&dir);
    assert_eq!(as_lines(&report), expected, "fixture {name}");
    assert_eq!(code, exit, "exit code of fixture {name}");
    let errors = expected.iter().filter(|l| l.starts_with("error ")).count();
    let warnings = expected.iter().filter(|l| l.starts_with("warning ")).count();
    assert_eq!(report["errors"], errors, "error count of fixture {name}");
    assert_eq!(report["warnings"], warnings, "warning count of fixture {name}");
}

macro_rules! fixtures {
    ($($test:ident => $name:literal,)*) => {
        $(
            #[test]
            fn $test() {
                assert_fixture($name);
            }
        )*

        const FIXTURES: &[&str] = &[$($name),*];
    };
}

fixtures! {
    accepts_a_minimal_valid_repository => "valide",
    refuses_a_symbolic_link_without_opening_it => "fichier-illisible",
    rejects_windows_1252_text_with_byte_offset => "encodage",
    rejects_a_file_without_front_matter => "front-matter",
    points_at_the_unclosed_bracket => "yaml-syntaxe",
    rejects_a_key_written_twice => "cle-dupliquee",
    rejects_broken_toml_in_clsm_toml => "config-syntaxe",
    rejects_unknown_key_with_suggestion => "cle-inconnue",
    rejects_missing_required_key => "cle-manquante",
    rejects_a_word_where_a_list_is_expected => "type-invalide",
    rejects_a_word_outside_the_vocabulary => "vocabulaire",
    rejects_a_file_name_that_is_not_an_id => "id-invalide",
    rejects_two_axes_with_one_id => "id-duplique",
    rejects_unknown_partner_with_suggestion => "ref-inconnue",
    rejects_an_unknown_parent_axis_and_a_bad_parent_contract => "axe-parent-inconnu",
    rejects_a_parent_axis_without_a_parent_contract => "axe-parent-sans-contrat",
    rejects_french_style_dates => "date-invalide",
    rejects_a_period_ending_before_it_starts => "periode-inversee",
    rejects_money_written_as_text => "montant-invalide",
    rejects_a_percentage_above_100 => "hors-bornes",
    rejects_a_value_that_disagrees_with_its_ratio => "ratio-incoherent",
    rejects_targets_out_of_order_or_twice_for_one_deadline => "cibles-desordre",
    rejects_a_target_outside_the_contract_period => "cible-hors-periode",
    rejects_a_running_total_that_goes_down => "cumul-decroissant",
    rejects_a_dimension_not_declared_with_its_nearest => "dimension-inconnue",
    rejects_a_category_not_in_its_dimension => "categorie-inconnue",
    rejects_a_breakdown_the_indicator_does_not_declare => "ventilation-non-declaree",
    rejects_a_breakdown_that_does_not_add_up => "ventilation-incoherente",
    rejects_progress_entries_out_of_order => "avancement-desordre",
    rejects_a_statut_that_contradicts_the_log => "statut-incoherent",
    rejects_a_body_nested_too_deep => "texte-hors-limites",
    warns_about_stray_files_under_fiches => "fichier-inattendu",
    warns_about_an_action_without_indicator => "action-sans-indicateur",
    warns_about_an_indicator_no_action_cites => "indicateur-orphelin",
    warns_about_a_partner_nobody_mentions => "partenaire-inactif",
    warns_about_an_action_past_its_end => "action-en-retard",
    refuses_a_utf16_file => "hostile-utf16",
    refuses_an_image_renamed_md => "hostile-binaire",
    refuses_an_empty_file => "hostile-vide",
    refuses_a_front_matter_never_closed => "hostile-non-ferme",
    names_tab_indentation => "hostile-tabulations",
    stops_exponential_yaml_aliases => "hostile-alias",
    stops_deeply_nested_brackets => "hostile-imbrication",
    refuses_file_names_with_spaces_and_accents => "hostile-noms",
    refuses_uppercase_ids => "hostile-majuscules",
    refuses_fiches_that_would_not_be_read => "fiche-ignoree",
    shows_both_readings_of_a_thousands_dot => "montant-milliers",
    refuses_hexadecimal_and_octal_amounts => "montant-base",
    refuses_amounts_with_exponents => "montant-exposant",
    reads_k_euros_and_french_decimals_in_help => "montant-unites",
    refuses_a_proportion_given_as_a_percentage => "pourcentage-proportion",
    refuses_typographic_quotes_around_a_value => "guillemets-typographiques",
    refuses_an_empty_or_blank_title_at_its_key => "titre-vide",
    refuses_an_id_listed_twice => "liste-doublon",
    finds_a_key_glued_to_its_value => "deux-points-colle",
    suggests_the_id_of_a_partner_named_by_its_name => "reference-par-nom",
    reports_a_misspelt_statut_once => "statut-faute",
    gives_the_number_to_write_for_counts_with_words => "nombre-texte",
    gives_the_exact_iso_date_for_french_dates => "dates-francaises",
    gives_the_period_to_write_for_a_calendar_as_text => "calendrier-texte",
    counts_lone_carriage_returns_as_line_breaks => "retour-chariot-seul",
    points_at_invisible_characters => "caractere-invisible",
    words_the_yaml_parser_errors_in_french => "yaml-en-francais",
    points_at_a_list_table_written_with_one_bracket => "config-crochets",
}

/// The fixtures of the codes that only a build with the PDFs gives.
const PDF_FIXTURES: &[&str] = &["caractere-sans-police"];

#[cfg(feature = "pdf")]
#[test]
fn warns_about_characters_no_pdf_font_has() {
    assert_fixture("caractere-sans-police");
}

/// Without the PDFs, no font is embedded and no character is out of place.
#[cfg(not(feature = "pdf"))]
#[test]
fn without_the_pdfs_no_character_lacks_a_font() {
    let (code, report) = check_json(&fixture("caractere-sans-police"));
    assert_eq!((code, &report["warnings"]), (0, &serde_json::json!(0)), "{report:#}");
}

#[test]
fn every_code_has_its_broken_fixture() {
    for code in Code::ALL {
        assert!(FIXTURES.contains(&code.name()) || PDF_FIXTURES.contains(&code.name()), "no fixture for `{code}`");
        assert!(fixture(code.name()).join("attendu.txt").is_file());
        let expected = std::fs::read_to_string(fixture(code.name()).join("attendu.txt")).unwrap();
        assert!(expected.contains(&format!(" {code} ")), "fixture `{code}` does not produce its code");
    }
}

#[test]
fn readme_documents_every_code() {
    let readme = std::fs::read_to_string(project_root().join("README.md")).unwrap();
    for code in Code::ALL {
        assert!(readme.contains(&format!("`{code}`")), "README does not document `{code}`");
        assert!(readme.contains(&format!("[{code}]")), "README has no example output for `{code}`");
    }
}

#[test]
fn metz_repository_passes_without_error() {
    let (code, report) = check_json(&project_root());
    assert_eq!(report["errors"], 0, "{:#}", report);
    assert_eq!(code, 0);
    let out = clsm(&["check"], &project_root());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("22 actions, 25 partenaires, 8 indicateurs, 13 événements : aucune erreur"), "{stderr}");
}

#[test]
fn human_output_quotes_the_line_and_marks_the_value() {
    let out = clsm(&["verifier"], &fixture("ref-inconnue"));
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let expected = "\
fiches/actions/a.md:6:24: erreur[ref-inconnue]: partenaire inconnu `porteu`
 6 | partenaires: [porteur, porteu]
   |                        ^^^^^^
 aide : vouliez-vous dire `porteur` ?

1 action, 1 partenaire, 0 indicateur, 0 événement : 1 erreur, 0 avertissement
";
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
}

#[test]
fn json_output_carries_help() {
    let (_, report) = check_json(&fixture("montant-invalide"));
    assert_eq!(report["diagnostics"][0]["help"], "écrivez le nombre seul, en euros : `5000`");
    let (_, report) = check_json(&fixture("cle-inconnue"));
    assert_eq!(report["diagnostics"][0]["help"], "vouliez-vous dire `partenaires` ?");
    let (_, report) = check_json(&fixture("valide"));
    assert_eq!(report, serde_json::json!({"errors": 0, "warnings": 0, "diagnostics": []}));
}

#[test]
fn github_output_is_one_annotation_per_problem() {
    let out = clsm(&["check", "--format", "github", "--repo", "tests/fixtures/periode-inversee"], &project_root());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with(
            "::error file=tests/fixtures/periode-inversee/fiches/actions/a.md,line=8,col=8,title=clsm periode-inversee::"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("%0Aaide : le début doit précéder la fin"), "{}", lines[0]);
    assert!(lines[1].starts_with("::warning file="), "{}", lines[1]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn strict_makes_warnings_fail() {
    let repo = fixture("partenaire-inactif");
    assert_eq!(clsm(&["check"], &repo).status.code(), Some(0));
    assert_eq!(clsm(&["check", "--strict"], &repo).status.code(), Some(1));
    assert_eq!(clsm(&["--strict", "check"], &repo).status.code(), Some(2), "--strict is an option of check");
}

#[test]
fn finds_the_repository_from_a_subfolder() {
    let out = clsm(&["check"], &fixture("ref-inconnue").join("fiches/actions"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fiches/actions/a.md:6:24"));
}

#[test]
fn repo_option_works_after_the_subcommand() {
    let out = clsm(&["check", "--repo", "tests/fixtures/valide"], &project_root());
    assert_eq!(out.status.code(), Some(0));
    let out = clsm(&["--repo", "tests/fixtures/valide", "check"], &project_root());
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn missing_repository_is_a_usage_error() {
    let empty = std::env::temp_dir();
    let out = clsm(&["check", "--repo", empty.to_str().unwrap()], &project_root());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("erreur : aucun fichier clsm.toml dans"), "{stderr}");
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    assert_eq!(clsm(&["verifie"], &project_root()).status.code(), Some(2));
}

#[test]
fn every_example_repository_passes() {
    let examples = project_root().join("examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&examples).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("clsm.toml").is_file() {
            continue;
        }
        // The invented example uses every key and must be flawless; imported ones may
        // still say what is missing (warnings).
        let strict = dir.ends_with("cls-exemple");
        let mut args = vec!["check", "--repo", dir.to_str().unwrap()];
        if strict {
            args.push("--strict");
        }
        let out = clsm(&args, &project_root());
        assert_eq!(out.status.code(), Some(0), "{}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
        checked += 1;
    }
    assert!(checked >= 2, "the example repositories are missing from examples/");
}

#[test]
fn vocabularies_that_drive_a_computation_cannot_be_extended() {
    let repo = crate::copy_of("valide", "closed-vocabulary");
    let config = std::fs::read_to_string(repo.join("clsm.toml")).unwrap();
    std::fs::write(
        repo.join("clsm.toml"),
        format!("{config}\n[vocabulaire.statut_financement]\npromis = \"Promis\"\n"),
    )
    .unwrap();
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "vocabulaire");
    assert_eq!(
        d["message"],
        "le vocabulaire `statut_financement` ne s'étend pas : chacun de ses mots sert à un calcul"
    );
}

/// The diagnostics of a copy of `bilan-inconnus` changed by `change`, as JSON.
fn diagnostics_after(test: &str, change: impl Fn(&std::path::Path)) -> serde_json::Value {
    let repo = crate::copy_of("bilan-inconnus", test);
    change(&repo);
    let (_, report) = check_json(&repo);
    report
}

fn has(report: &serde_json::Value, code: &str, file: &str, line: u64, message: &str) -> bool {
    report["diagnostics"].as_array().is_some_and(|all| {
        all.iter().any(|d| {
            d["code"] == code
                && d["file"] == file
                && d["line"] == line
                && d["message"].as_str().is_some_and(|m| m.contains(message))
        })
    })
}

#[test]
fn an_end_before_its_date_and_counts_below_the_partners_named_are_errors() {
    let report = diagnostics_after("fin-avant-date", |repo| {
        let event =
            "---\ndate: 2025-10\nfin: 2025-09\ntype: sism\npartenaires: [ville, ars]\nnombre_partenaires: 1\n---\n";
        std::fs::write(repo.join("fiches/evenements/sism-2025.md"), event).unwrap();
        let toml = std::fs::read_to_string(repo.join("clsm.toml")).unwrap();
        let toml = toml.replace(
            "porteur = \"ville\"\n",
            "porteur = \"ville\"\nsecteurs = [\"sanitaire\", \"sanitair\"]\n\n[[etapes]]\ndate = 2020\nfin = 2019\ntexte = \"Lancement.\"\npartenaires = [\"vile\"]\n",
        );
        std::fs::write(repo.join("clsm.toml"), toml).unwrap();
    });
    let event = "fiches/evenements/sism-2025.md";
    assert!(has(&report, "periode-inversee", event, 3, "fin 2025-09 avant la date 2025-10"), "{report:#}");
    assert!(has(&report, "hors-bornes", event, 6, "compte moins de partenaires que les 2 cités"), "{report:#}");
    assert!(has(&report, "vocabulaire", "clsm.toml", 6, "sanitair"), "{report:#}");
    assert!(has(&report, "periode-inversee", "clsm.toml", 10, "fin 2019 avant la date 2020"), "{report:#}");
    assert!(has(&report, "ref-inconnue", "clsm.toml", 12, "partenaire inconnu `vile`"), "{report:#}");
}

#[test]
fn a_misnamed_bilan_text_is_named_and_a_year_is_read() {
    let report = diagnostics_after("bilans", |repo| {
        std::fs::create_dir_all(repo.join("bilans")).unwrap();
        std::fs::write(repo.join("bilans/2025.md"), "Une année.\n").unwrap();
        std::fs::write(repo.join("bilans/2022-2026.md"), "Une période.\n").unwrap();
        std::fs::write(repo.join("bilans/bilan 2025.md"), "Mal nommé.\n").unwrap();
    });
    let unexpected: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "fichier-inattendu")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(unexpected, ["bilans/bilan 2025.md"], "{report:#}");
}

#[test]
fn quiet_check_shows_errors_only() {
    // Metz has two warnings: quiet, nothing is said, and it passes.
    let result = clsm(&["check", "-q"], &project_root());
    assert_eq!(result.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&result.stderr), "");
    // `--strict` makes them fail: then they are shown.
    let strict = clsm(&["check", "-q", "--strict"], &project_root());
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&strict.stderr).matches("avertissement[").count(), 2);
    // Errors are shown, without the closing count.
    let broken = clsm(&["check", "--quiet"], &fixture("ref-inconnue"));
    assert_eq!(broken.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("erreur[ref-inconnue]"), "{stderr}");
    assert!(!stderr.contains(" : 1 erreur"), "{stderr}");
}

#[test]
fn a_site_address_must_be_a_full_web_address() {
    let repo = crate::copy_of("valide", "url-invalide");
    let config = std::fs::read_to_string(repo.join("clsm.toml")).unwrap();
    std::fs::write(repo.join("clsm.toml"), format!("url = \"clsm.exemple.fr\"\n{config}")).unwrap();
    let (code, report) = check_json(&repo);
    assert_eq!(code, 1);
    let lines = as_lines(&report);
    assert_eq!(lines[0], "error type-invalide clsm.toml:1:7 adresse du site invalide `clsm.exemple.fr`", "{lines:?}");
    assert!(lines[1].contains("url = \"https://clsm.exemple.fr/\""), "{lines:?}");
}

#[test]
fn an_accessibility_rate_needs_its_audit_a_range_and_a_contact_one_can_write_to() {
    let check = |section: &str| {
        let repo = crate::copy_of("valide", "accessibilite-invalide");
        let config = std::fs::read_to_string(repo.join("clsm.toml")).unwrap();
        std::fs::write(repo.join("clsm.toml"), format!("{config}\n[accessibilite]\n{section}")).unwrap();
        let (code, report) = check_json(&repo);
        (code, as_lines(&report))
    };
    let (code, lines) = check("taux = 87.5\n");
    assert_eq!(code, 1);
    assert!(lines[0].starts_with("error cle-manquante clsm.toml:"), "{lines:?}");
    assert!(lines[0].ends_with("taux de conformité sans l'audit qui l'a mesuré"), "{lines:?}");
    assert!(lines[1].contains("sans audit, le site se déclare non conforme"), "{lines:?}");
    let (_, lines) = check("audit = \"Audit réalisé par Access42 le 12 mars 2026\"\ntaux = 875\n");
    assert!(
        lines[0].starts_with("error hors-bornes") && lines[0].ends_with("taux de conformité hors bornes : 875"),
        "{lines:?}"
    );
    // A blank audit is no audit.
    let (_, lines) = check("audit = \"  \"\ntaux = 80\n");
    assert!(lines[0].ends_with("taux de conformité sans l'audit qui l'a mesuré"), "{lines:?}");
    let (_, lines) = check("audit = \"Audit réalisé par Access42 le 12 mars 2026\"\n");
    assert!(lines[0].ends_with("audit d'accessibilité sans son résultat"), "{lines:?}");
    let (_, lines) = check("contact = \"la mairie\"\n");
    assert!(
        lines[0].starts_with("error type-invalide")
            && lines[0].ends_with("contact d'accessibilité invalide `la mairie`"),
        "{lines:?}"
    );
    for valid in ["contact = \"accessibilite@metz.fr\"\n", "contact = \"https://metz.fr/contact\"\n"] {
        let (code, lines) = check(valid);
        assert_eq!(code, 0, "{valid}: {lines:?}");
    }
}
