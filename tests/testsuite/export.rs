//! `clsm export`: the bytes French Excel and open-data portals expect.

use std::fs;

use crate::{clsm, project_root, temp_dir};

fn export(repo: &str, args: &[&str]) -> Vec<u8> {
    let root = project_root().join(repo);
    let mut all = vec!["--repo", root.to_str().unwrap(), "export"];
    all.extend_from_slice(args);
    let out = clsm(&all, &project_root());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Parses CSV bytes (after an optional BOM) with `delimiter`.
fn records(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).from_reader(body);
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

#[test]
fn indicators_for_french_excel() {
    let bytes = export("", &["indicateurs"]);
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM first");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with(
        "indicateur;libelle;type;unite;cumul;actions;date;dimension;categorie;valeur;numerateur;denominateur;\
         cible;echeance;cible_periode;echeance_periode;commentaire\r\n"
    ));
    assert!(!text.starts_with("sep="));
    let rows = records(&bytes, b';');
    let housing = rows.iter().find(|r| r[0] == "logements-accompagnes").unwrap();
    assert_eq!(housing[5], "logement-sante-mentale");
    assert_eq!((housing[6].as_str(), housing[9].as_str()), ("2018-11", "20"));
    assert!(housing[16].ends_with("(État, ARELOR, CH Jury, AMLI et Metz Métropole)."), "{}", housing[16]);
    // Two measures, two rows; an indicator without measure still has its row.
    assert_eq!(rows.iter().filter(|r| r[0] == "sessions-sensibilisation").count(), 2);
    assert_eq!(rows.iter().filter(|r| r[0] == "actions-realisees").count(), 1);
}

#[test]
fn decimal_commas_for_excel_and_points_for_open_data() {
    let excel = records(&export("examples/cls-exemple", &["actions"]), b';');
    let header = &excel[0];
    let budget = header.iter().position(|h| h == "budget").unwrap();
    let row = excel.iter().find(|r| r[0] == "groupe-aidants").unwrap();
    assert_eq!(row[budget], "1730,5");
    let bytes = export("examples/cls-exemple", &["actions", "--profil", "opendata"]);
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM in open data");
    let open = records(&bytes, b',');
    let row = open.iter().find(|r| r[0] == "groupe-aidants").unwrap();
    assert_eq!(row[budget], "1730.5");
    let public = header.iter().position(|h| h == "public").unwrap();
    assert_eq!(row[public], "aidants", "open data gives codes");
    let excel_row = excel.iter().find(|r| r[0] == "groupe-aidants").unwrap();
    assert_eq!(excel_row[public], "Aidants", "Excel gives labels");
}

#[test]
fn texts_a_spreadsheet_would_change_stay_texts_and_lists_are_split_by_bars_for_data() {
    let excel = records(&export("examples/cls-exemple", &["partenaires"]), b';');
    let column = |rows: &[Vec<String>], name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let (phone, kind) = (column(&excel, "telephone"), column(&excel, "type"));
    let city = excel.iter().find(|r| r[0] == "ville-exemple").unwrap();
    assert_eq!(city[phone], "=\"03 00 00 00 01\"", "Excel keeps the phone number as written");
    assert_eq!(city[kind], "Collectivité");
    let data = records(&export("examples/cls-exemple", &["partenaires", "--profil", "opendata"]), b',');
    let city = data.iter().find(|r| r[0] == "ville-exemple").unwrap();
    assert_eq!(city[phone], "03 00 00 00 01");
    assert_eq!(city[kind], "collectivite", "open data gives the code");
    let actions = records(&export("", &["actions", "--profil", "opendata"]), b',');
    let partners = column(&actions, "partenaires");
    let fiche = actions.iter().find(|r| r[0] == "fiche-15").unwrap();
    assert_eq!(fiche[partners], "ville-metz|ars-grand-est", "a list split by `|`, as Etalab does");
    let numero = column(&actions, "numero");
    let excel_actions = records(&export("", &["actions"]), b';');
    assert_eq!(excel_actions.iter().find(|r| r[0] == "fiche-15").unwrap()[numero], "=\"15\"");
}

/// The open-data exports carry a Table Schema (`datapackage.json`) that the
/// Frictionless validator finds them valid against, for Metz and the example.
#[test]
fn open_data_exports_are_valid_against_their_datapackage() {
    for repo in ["", "examples/cls-exemple"] {
        let dir = crate::temp_dir(&format!("datapackage-{}", repo.len()));
        for kind in ["indicateurs", "actions", "partenaires", "evenements"] {
            let out = dir.join(format!("{kind}.csv"));
            export(repo, &[kind, "--profil", "opendata", "--out", out.to_str().unwrap()]);
        }
        let package: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("datapackage.json")).unwrap()).unwrap();
        assert_eq!(package["resources"].as_array().unwrap().len(), 4, "one resource a table, none twice");
        let run = std::process::Command::new("python3")
            .args(["-m", "frictionless", "validate", "--json", "datapackage.json"])
            .current_dir(&dir)
            .output()
            .expect("python3 runs");
        if String::from_utf8_lossy(&run.stderr).contains("No module named") {
            crate::may_skip_without("frictionless (pip install frictionless)");
            return;
        }
        let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|_| {
            panic!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr))
        });
        assert_eq!(report["valid"], true, "{repo}: {report:#}");
    }
}

#[test]
fn cells_with_delimiters_and_line_breaks_round_trip() {
    // The Metz comment holds commas, so the open-data profile must quote it.
    let bytes = export("", &["indicateurs", "--profil", "opendata"]);
    let rows = records(&bytes, b',');
    assert!(rows.iter().all(|r| r.len() == 17), "every row keeps its 17 columns");
    let housing = rows.iter().find(|r| r[0] == "logements-accompagnes").unwrap();
    assert_eq!(
        housing[16],
        "Convention pour l'accès à 20 logements accompagnés (État, ARELOR, CH Jury, AMLI et Metz Métropole)."
    );
    let tab = export("", &["indicateurs", "--delimiter", "tab", "--no-bom"]);
    assert!(tab.starts_with(b"indicateur\tlibelle\t"));
}

#[test]
fn partners_without_contacts_unless_internal() {
    let public = String::from_utf8(export("examples/cls-exemple", &["partenaires"])).unwrap();
    assert!(!public.contains("Camille Exemple") && !public.contains("camille@exemple.invalid"));
    assert!(!public.contains(";contacts"));
    let internal = String::from_utf8(export("examples/cls-exemple", &["partenaires", "--interne"])).unwrap();
    assert!(internal.contains("Camille Exemple (Déléguée départementale, camille@exemple.invalid, 03 00 00 00 00)"));
}

#[test]
fn json_export_has_the_same_columns() {
    let json: serde_json::Value = serde_json::from_slice(&export("", &["indicateurs", "--format", "json"])).unwrap();
    let first = json.as_array().unwrap().iter().find(|r| r["indicateur"] == "logements-accompagnes").unwrap();
    assert_eq!(first["valeur"], 20.0);
    assert_eq!(first["date"], "2018-11");
}

#[test]
fn out_replaces_an_earlier_export_but_not_another_file() {
    let dir = temp_dir("export-out");
    let path = dir.join("indicateurs.csv");
    let args = ["export", "indicateurs", "--out", path.to_str().unwrap()];
    assert_eq!(clsm(&args, &project_root()).status.code(), Some(0));
    assert_eq!(clsm(&args, &project_root()).status.code(), Some(0), "an earlier export is replaced");
    let mine = dir.join("budget.csv");
    fs::write(&mine, "poste;montant\n").unwrap();
    let out = clsm(&["export", "indicateurs", "--out", mine.to_str().unwrap()], &project_root());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&mine).unwrap(), "poste;montant\n");
}

#[test]
fn a_bad_delimiter_is_a_usage_error() {
    let out = clsm(&["export", "indicateurs", "--delimiter", ";;"], &project_root());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("valeur invalide `;;` pour `--delimiter <CARACTÈRE>` : donnez un seul caractère"),
        "{stderr}"
    );
}

#[test]
fn a_breakdown_gives_one_row_per_category_and_each_measure_its_period_target() {
    let bytes = export("examples/cls-exemple", &["indicateurs", "--profil", "opendata"]);
    let text = String::from_utf8(bytes).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("participants-rencontres,")).collect();
    // Each measure's total row, then its categories, dimension by dimension in the
    // indicator's order, categories in their dimension's order.
    let columns = |line: &str| line.split(',').skip(6).collect::<Vec<_>>().join(",");
    assert!(rows.iter().all(|r| r.split(',').nth(4) == Some("false")), "each measure counts its period");
    let expected = [
        "2024,,,14,,,160,2028,40,2025,",
        "2024,sexe,femme,11,,,160,2028,40,2025,",
        "2024,sexe,homme,3,,,160,2028,40,2025,",
        "2024,tranche_age,26-65,10,,,160,2028,40,2025,",
        "2024,tranche_age,plus-65,4,,,160,2028,40,2025,",
        "2024,qpv,oui,5,,,160,2028,40,2025,",
        "2024,qpv,non,9,,,160,2028,40,2025,",
        "2025,,,31,,,160,2028,40,2025,Deux rencontres supplémentaires pendant la SISM.",
        "2025,sexe,femme,24,,,160,2028,40,2025,",
        "2025,sexe,homme,6,,,160,2028,40,2025,",
        "2025,sexe,non_renseigne,1,,,160,2028,40,2025,",
        "2025,tranche_age,26-65,22,,,160,2028,40,2025,",
        "2025,tranche_age,plus-65,8,,,160,2028,40,2025,",
        "2025,tranche_age,non_renseigne,1,,,160,2028,40,2025,",
        "2025,qpv,oui,12,,,160,2028,40,2025,",
        "2025,qpv,non,19,,,160,2028,40,2025,",
    ];
    assert_eq!(rows.iter().map(|r| columns(r)).collect::<Vec<_>>(), expected);
    // A percentage broken down gives each category its own ratio.
    let line = "satisfaction-aidants,Part des aidants qui se disent moins isolés,resultat,pourcentage,,groupe-aidants,2025-06,sexe,femme,50,7,14,60,2027,60,2027,";
    assert!(text.lines().any(|l| l == line), "{text}");
    // The JSON export carries the same columns.
    let json: serde_json::Value =
        serde_json::from_slice(&export("examples/cls-exemple", &["indicateurs", "--format", "json"])).unwrap();
    let first = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicateur"] == "participants-rencontres" && r["categorie"] == "homme")
        .unwrap();
    assert_eq!(
        (first["dimension"].as_str(), first["valeur"].as_f64(), first["cible_periode"].as_f64()),
        (Some("sexe"), Some(3.0), Some(40.0))
    );
}

#[test]
fn events_one_row_each_by_date() {
    let rows = records(&export("", &["evenements", "--profil", "opendata"]), b',');
    assert_eq!(
        rows[0],
        [
            "evenement",
            "date",
            "fin",
            "type",
            "titre",
            "theme",
            "participants",
            "nombre_partenaires",
            "nombre_evenements",
            "actions",
            "partenaires"
        ]
    );
    assert_eq!(rows.len(), 1 + 13, "Metz's 13 events");
    assert_eq!(
        rows[1],
        [
            "sism-2017",
            "2017",
            "",
            "sism",
            "Semaines d'information sur la santé mentale 2017",
            "Santé mentale et travail",
            "200",
            "7",
            "6",
            "",
            ""
        ]
    );
    let dates: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by_key(|d| clsm::model::PartialDate::parse(d).unwrap().first_day());
    assert_eq!(dates, sorted, "by date");
}

#[test]
fn a_package_clsm_cannot_read_or_did_not_write_stops_the_export_before_any_file() {
    let root = project_root();
    let run = |dir: &std::path::Path, args: &[&str]| {
        let mut all = vec!["export"];
        all.extend_from_slice(args);
        let out = clsm(&all, &root);
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string(), dir.join("actions.csv").exists())
    };
    let dir = crate::temp_dir("datapackage-refus");
    let out = dir.join("actions.csv");
    let package = dir.join("datapackage.json");
    // Damaged: clsm's start, then garbage. Neither it nor the table is written.
    std::fs::write(&package, "{\n  \"profile\": \"tabular-data-package\",\n  \"x-produit-par\": \"clsm\", tronqué")
        .unwrap();
    let (code, stderr, written) = run(&dir, &["actions", "--profil", "opendata", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("datapackage.json` est abîmé"), "{stderr}");
    assert!(stderr.contains("aide : supprimez-le, puis exportez à nouveau chaque tableau de ce dossier"), "{stderr}");
    assert!(!written, "no half-done export");
    // Somebody else's package.
    std::fs::write(&package, "{\"name\": \"mes-donnees\"}").unwrap();
    let (code, stderr, written) = run(&dir, &["actions", "--profil", "opendata", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("n'a pas été produit par clsm"), "{stderr}");
    assert!(!written);
    assert_eq!(std::fs::read_to_string(&package).unwrap(), "{\"name\": \"mes-donnees\"}");
    // The table may not take the package's name.
    std::fs::remove_file(&package).unwrap();
    let (code, stderr, _) = run(&dir, &["actions", "--profil", "opendata", "--out", package.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("est le nom de la description des tableaux"), "{stderr}");
    assert!(!package.exists());
    // The partners' contacts are not described for publication.
    let contacts = dir.join("partenaires.csv");
    let (code, stderr, _) =
        run(&dir, &["partenaires", "--interne", "--profil", "opendata", "--out", contacts.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(contacts.exists() && !package.exists(), "{stderr}");
}
