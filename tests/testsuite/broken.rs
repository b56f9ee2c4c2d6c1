//! Random *broken* fiches: every diagnostic points inside its file, at a line that
//! holds what it names, and no message, help or error is in English.

use proptest::prelude::*;

const CONFIG: &str = "titre = \"Essai\"\ntype = \"CLS\"\nporteur = \"porteur\"\n\
                      [[axes]]\nid = \"1\"\ntitre = \"Axe\"\n[[thematiques]]\nid = \"jeunes\"\ntitre = \"Jeunes\"\n";

/// A valid fiche with most kinds of value, one key or list item per line.
const ACTION: &[&str] = &[
    "numero: \"2.1\"",
    "titre: Écoute des jeunes",
    "axe: \"1\"",
    "statut: mise_en_oeuvre",
    "porteur: porteur",
    "partenaires: [porteur]",
    "thematiques: [jeunes]",
    "public: [adultes]",
    "indicateurs: [taux]",
    "calendrier: { debut: 2024, fin: 2027-06 }",
    "budget:",
    "  - poste: Salle",
    "    montant: 480",
    "financements:",
    "  - financeur: porteur",
    "    montant: 300",
    "    statut: acquis",
    "avancement:",
    "  - date: 2025-03-18",
    "    texte: Premier atelier",
    "    statut: mise_en_oeuvre",
    "    participants: 14",
];

const INDICATOR: &[&str] = &[
    "libelle: Taux de participation",
    "type: resultat",
    "unite: pourcentage",
    "cible: { valeur: 60, echeance: 2027 }",
    "mesures:",
    "  - date: 2025",
    "    valeur: 40",
    "  - date: 2026",
    "    numerateur: 3",
    "    denominateur: 10",
];

/// Values a coordinator types by mistake.
const BAD_VALUES: &[&str] = &[
    "réalisée",
    "18 mars 2025",
    "18/03/2025",
    "\"1 500 €\"",
    "180.000",
    "0x10",
    "1e-400",
    "“2.2”",
    "\"\"",
    "~",
    "[porteur, porteur]",
    "inconnu",
    "80%",
    "14 personnes",
    "2025-2027",
    "{ debut: 2027, fin: 2024 }",
    "-5",
    "oui",
    "*Bien-être*",
    "@cls",
    "[a, b",
    "\"C:\\dossier\"",
    "120",
];

/// One mistake made on line `line` (taken modulo the number of lines).
#[derive(Debug, Clone)]
enum Mistake {
    /// The value replaced by one of [`BAD_VALUES`].
    Value(usize, usize),
    /// A letter of the key dropped.
    Typo(usize),
    /// The line removed.
    Remove(usize),
    /// The space after the colon removed.
    Glue(usize),
    /// The line written twice.
    Twice(usize),
    /// A tab, an invisible character or a lone CR at the start of the line.
    Stray(usize, usize),
}

fn mistake() -> impl Strategy<Value = Mistake> {
    prop_oneof![
        (0..40usize, 0..BAD_VALUES.len()).prop_map(|(l, v)| Mistake::Value(l, v)),
        (0..40usize).prop_map(Mistake::Typo),
        (0..40usize).prop_map(Mistake::Remove),
        (0..40usize).prop_map(Mistake::Glue),
        (0..40usize).prop_map(Mistake::Twice),
        (0..40usize, 0..4usize).prop_map(|(l, s)| Mistake::Stray(l, s)),
    ]
}

fn apply(lines: &mut Vec<String>, m: &Mistake) {
    let n = lines.len();
    let at = |l: usize| l % n;
    match *m {
        Mistake::Value(l, v) => {
            let line = &mut lines[at(l)];
            if let Some((key, _)) = line.split_once(": ") {
                *line = format!("{key}: {}", BAD_VALUES[v]);
            }
        }
        Mistake::Typo(l) => {
            let line = &mut lines[at(l)];
            let mut chars: Vec<char> = line.chars().collect();
            let start = chars.iter().position(|c| !matches!(c, ' ' | '-')).unwrap_or(0);
            if line.contains(':') && chars.len() > start + 2 {
                chars.remove(start + 1);
                *line = chars.into_iter().collect();
            }
        }
        Mistake::Remove(l) => {
            lines.remove(at(l));
        }
        Mistake::Glue(l) => {
            let line = &mut lines[at(l)];
            *line = line.replacen(": ", ":", 1);
        }
        Mistake::Twice(l) => {
            let line = lines[at(l)].clone();
            lines.insert(at(l), line);
        }
        Mistake::Stray(l, s) => {
            let prefix = ["\t", "\u{feff}", "\u{200b}", "\r"][s];
            lines[at(l)].insert_str(0, prefix);
        }
    }
}

/// The lines of a file as an editor shows them: CRLF, LF and a lone CR each end one.
fn editor_lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n").replace('\r', "\n").split('\n').map(str::to_string).collect()
}

/// The texts between backquotes in a message.
fn quoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).filter(|s| !s.is_empty()).collect()
}

/// English words no French message has (as whole words).
const ENGLISH: &[&str] = &[
    "the",
    "expected",
    "found",
    "invalid",
    "while",
    "could",
    "failed",
    "unexpected",
    "missing",
    "error",
    "line",
    "column",
    "not",
    "cannot",
    "allowed",
    "value",
    "key",
    "string",
    "unknown",
    "parsing",
    "scanning",
    "character",
];

fn english_word(text: &str) -> Option<&'static str> {
    // Quoted text comes from the file, not from us.
    let ours: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    let words: Vec<String> =
        ours.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).filter(|w| !w.is_empty()).collect();
    ENGLISH.iter().copied().find(|e| words.iter().any(|w| w == e))
}

fn fiche(lines: &[String]) -> Vec<u8> {
    format!("---\n{}\n---\n\nTexte.\n", lines.join("\n")).into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_diagnostic_of_a_broken_fiche_points_at_what_it_names(
        action in prop::collection::vec(mistake(), 1..4),
        indicator in prop::collection::vec(mistake(), 0..3),
    ) {
        let mut a: Vec<String> = ACTION.iter().map(|s| s.to_string()).collect();
        action.iter().for_each(|m| apply(&mut a, m));
        let mut i: Vec<String> = INDICATOR.iter().map(|s| s.to_string()).collect();
        indicator.iter().for_each(|m| apply(&mut i, m));
        let files = vec![
            ("fiches/actions/a.md".to_string(), fiche(&a)),
            ("fiches/indicateurs/taux.md".to_string(), fiche(&i)),
            ("fiches/partenaires/porteur.md".to_string(), b"---\nnom: Porteur\n---\n".to_vec()),
        ];
        let loaded = clsm::load::load_from_memory(CONFIG.as_bytes(), &files);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let diagnostics = clsm::check::check(&loaded, today);
        let summary = clsm::check::Summary::of(&loaded);
        let json = clsm::check::render(clsm::check::Format::Json, diagnostics, &loaded, Some(summary), false);
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        // A wrong value, a typo or a glued key: one message or two, never a cascade.
        // (A removed or repeated line may change what the lines below belong to.)
        let mistakes = action.len() + indicator.len();
        let local = action.iter().chain(&indicator).all(|m| matches!(m, Mistake::Value(..) | Mistake::Typo(_) | Mistake::Glue(_)));
        let errors = report["errors"].as_u64().unwrap() as usize;
        prop_assert!(!local || errors <= 2 * mistakes, "{errors} errors for {mistakes} mistakes: {report:#}");
        for d in report["diagnostics"].as_array().unwrap() {
            let (file, message) = (d["file"].as_str().unwrap(), d["message"].as_str().unwrap());
            let help = d["help"].as_str().unwrap_or_default();
            for text in [message, help] {
                prop_assert!(english_word(text).is_none(), "English `{:?}` in {text:?}", english_word(text));
            }
            let bytes = &files.iter().find(|(f, _)| f == file).expect("a diagnostic names a file of the repository").1;
            let lines = editor_lines(&String::from_utf8_lossy(bytes));
            let (line, column) = (d["line"].as_u64().unwrap() as usize, d["column"].as_u64().unwrap() as usize);
            prop_assert!((1..=lines.len()).contains(&line), "{file}:{line} outside the file: {d}\n{}", lines.join("\n"));
            let text = &lines[line - 1];
            prop_assert!(column >= 1 && column <= text.chars().count() + 1, "{file}:{line}:{column} outside the line: {d}");
            // What a message names is on the line it points at; a key that is missing
            // or a record as a whole has no line of its own.
            // A one-letter name is on too many lines to prove anything.
            let names: Vec<&str> = quoted(message).into_iter().filter(|n| n.chars().count() > 1).collect();
            let absent = message.contains(" manque") || d["severity"] == "warning";
            if d["severity"] == "error" && !absent && !names.is_empty() {
                let found = names.iter().any(|n| text.contains(n) || text.contains(n.trim_end_matches(':')));
                prop_assert!(found, "{file}:{line} `{text}` names none of {names:?}: {d}\n{}", lines.join("\n"));
            }
        }
    }
}

#[test]
fn the_english_detector_finds_parser_words_and_spares_french() {
    assert_eq!(english_word("could not find expected ':'"), Some("expected"));
    assert_eq!(english_word("delegate.traverse(NthAncestor(5)) failed"), Some("failed"));
    assert_eq!(english_word("type invalide : il faut un nombre, pas le texte `the value`"), None);
    assert_eq!(english_word("ligne sans `:` : la valeur est invalide"), None);
}

#[test]
fn no_error_of_the_command_line_is_in_english() {
    let repo = crate::copy_of("valide", "english-errors");
    crate::ci::git(&repo, &["init", "-q", "-b", "master"]);
    crate::ci::git(&repo, &["add", "-A"]);
    crate::ci::git(&repo, &["-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "x"]);
    let r = repo.to_str().unwrap();
    let missing = repo.join("absent.csv");
    let cases: Vec<Vec<&str>> = vec![
        vec!["report", "--annee", "abc"],
        vec!["report", "--annee", "2147483647"],
        vec!["report", "--date", "18/03/2025"],
        vec!["report", "--inconnue"],
        vec!["reprot"],
        vec!["build", "de-trop"],
        vec!["check", "--format", "xml"],
        vec!["diff", "HEAD~5"],
        vec!["diff", "main"],
        vec!["diff", "nope..x"],
        vec!["import", missing.to_str().unwrap()],
        vec!["report", "--out", "/proc/rapport.txt"],
        vec!["export", "inconnus"],
        vec!["new", "action"],
    ];
    // A repository's own template with a mistake: Tera's words must not show.
    let templated = crate::copy_of("valide", "english-errors-template");
    std::fs::create_dir_all(templated.join("templates")).unwrap();
    for template in ["{{ inconnue.x }}", "{% if %}", "{{ x | filtre_inconnu }}", "{% endfor %}", "{% if true %}"] {
        std::fs::write(templated.join("templates/rapport.md"), template).unwrap();
        let out = crate::clsm(&["--repo", templated.to_str().unwrap(), "report", "--format", "md"], &templated);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{template}: {stderr}");
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("erreur : "), "{template}: {stderr}");
        assert!(english_word(first).is_none(), "{template}: English in {first:?}");
    }
    // Outside a git repository, gix's own words must not show.
    let plain = crate::copy_of("valide", "english-errors-no-git");
    let out = crate::clsm(&["--repo", plain.to_str().unwrap(), "diff", "HEAD"], &plain);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("n'est pas dans un dépôt git"), "{stderr}");
    assert!(stderr.lines().all(|l| english_word(l).is_none()), "{stderr}");
    for args in cases {
        let mut all = vec!["--repo", r];
        all.extend_from_slice(&args);
        let out = crate::clsm(&all, &repo);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{args:?} should fail: {stderr}");
        for line in stderr.lines() {
            assert!(english_word(line).is_none(), "{args:?}: English `{:?}` in {line:?}", english_word(line));
        }
        assert!(stderr.contains("erreur") || stderr.contains("aide"), "{args:?}: {stderr}");
    }
}

#[cfg(feature = "pdf")]
#[test]
fn a_typst_template_mistake_is_said_in_french_with_its_line() {
    let repo = crate::copy_of("valide", "english-errors-typst");
    std::fs::create_dir_all(repo.join("templates")).unwrap();
    for (template, expected) in [
        ("\n#inconnue\n", "variable inconnue `inconnue` (`contrat.typ`, ligne 2)"),
        ("#let x = \n", "une expression manque (`contrat.typ`, ligne 1)"),
        ("#let x = 1 2\n", "syntaxe Typst incomplète (`contrat.typ`, ligne 1)"),
    ] {
        std::fs::write(repo.join("templates/contrat.typ"), template).unwrap();
        let out = crate::clsm(&["--repo", repo.to_str().unwrap(), "build"], &repo);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{template:?}: {stderr}");
        assert!(stderr.lines().all(|l| english_word(l).is_none()), "{stderr}");
    }
}
