//! A partner's pull request against the machine that checks it: one test per attack,
//! on the real binary. Links, pipes and devices are made at test time (a checkout
//! cannot hold them all). Each test asserts that no file outside the repository and
//! the output folder changed (a decoy tree hashed before and after), that no secret
//! from the environment or a decoy file appears in any output, and that the run ends
//! in bounded time with the file named.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{copy_of, files, project_root, temp_dir};

/// A secret that CI would hold in its environment.
const SECRET_ENV: &str = "jeton-de-ci-8f3a2c";
/// A secret in a file outside the repository.
const SECRET_FILE: &str = "root:x:0:0:mot-de-passe-9d1e";

/// A run of clsm: its output, how long it took.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs clsm with a CI secret in its environment, killed if it outlives `limit`.
fn run_for(args: &[&str], cwd: &Path, limit: Duration) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_clsm"))
        .args(args)
        .current_dir(cwd)
        .env("CLSM_JETON_CI", SECRET_ENV)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the clsm binary runs");
    // The pipes are read as the output comes, so that a long output cannot block it.
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let read = |pipe: &mut dyn std::io::Read| {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes).expect("readable pipe");
        bytes
    };
    let (stdout, stderr) = std::thread::scope(|scope| {
        let stdout = scope.spawn(|| read(&mut out));
        let stderr = scope.spawn(|| read(&mut err));
        while child.try_wait().expect("waitable").is_none() {
            if start.elapsed() > limit {
                let _ = child.kill();
                panic!("clsm {args:?} still runs after {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        (stdout.join().unwrap(), stderr.join().unwrap())
    });
    let status = child.wait().expect("exit status");
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).to_string(),
        stderr: String::from_utf8_lossy(&stderr).to_string(),
        took: start.elapsed(),
    };
    assert!(!run.stderr.contains("panicked"), "clsm {args:?} panicked: {}", run.stderr);
    run
}

fn run(args: &[&str], cwd: &Path) -> Run {
    run_for(args, cwd, Duration::from_secs(60))
}

/// Every entry below `dir`, links included but never followed, with its content.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.expect("readable tree");
        let what = if entry.path_is_symlink() {
            format!("lien → {}", fs::read_link(entry.path()).unwrap().display())
        } else if entry.file_type().is_file() {
            String::from_utf8_lossy(&fs::read(entry.path()).unwrap()).to_string()
        } else {
            "dossier".into()
        };
        out.insert(entry.path().to_path_buf(), what);
    }
    out
}

/// A home folder outside the repository, with what an attacker wants.
struct Decoy {
    home: PathBuf,
    before: BTreeMap<PathBuf, String>,
}

impl Decoy {
    fn new(test: &str) -> Self {
        let home = temp_dir(&format!("{test}-home"));
        fs::create_dir_all(home.join(".ssh")).unwrap();
        fs::write(home.join(".ssh/authorized_keys"), "ssh-ed25519 AAAA coordinatrice\n").unwrap();
        fs::create_dir_all(home.join("docs")).unwrap();
        fs::write(home.join("docs/index.html"), "<p>Mon propre site</p>\n").unwrap();
        fs::write(home.join("secret.txt"), format!("{SECRET_FILE}\ntoken = \"{SECRET_FILE}\"\n")).unwrap();
        let before = snapshot(&home);
        Decoy { home, before }
    }

    fn assert_untouched(&self) {
        assert_eq!(snapshot(&self.home), self.before, "a file outside the repository changed");
    }
}

/// Asserts that no secret appears in `text`.
fn assert_no_secret(text: &str, what: &str) {
    assert!(!text.contains(SECRET_ENV), "the CI secret leaks into {what}");
    assert!(!text.contains(SECRET_FILE), "the decoy secret leaks into {what}");
}

/// Asserts that nothing below `dir` holds a secret.
fn assert_no_secret_in(dir: &Path) {
    for (name, bytes) in files(dir) {
        assert_no_secret(&crate::readable_text(&name, &bytes).unwrap_or_default(), &name);
    }
}

/// The names of the entries of `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

/// What clsm left beside its outputs: staging folders, temporary files.
fn strays(dir: &Path) -> Vec<String> {
    names(dir).into_iter().filter(|n| n.contains(".clsm-")).collect()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success());
}

fn repo_arg(repo: &Path) -> &str {
    repo.to_str().unwrap()
}

/// The first line of clsm's marker, as clsm writes it.
const MARKER_LINE: &str = "Dossier produit par clsm. Fichiers de la dernière construction :";

#[test]
fn a_committed_site_with_links_cannot_write_or_delete_outside() {
    let decoy = Decoy::new("site-links");
    let repo = copy_of("valide", "site-links");
    let site = repo.join("_site");
    fs::create_dir_all(&site).unwrap();
    // The marker lists files reached through links, so that a stale-file removal or
    // a rewrite would touch the home folder.
    fs::write(site.join(".clsm-site"), format!("{MARKER_LINE}\nssh/authorized_keys\nindex.html\nstyle.css\n")).unwrap();
    symlink(decoy.home.join(".ssh"), site.join("ssh")).unwrap();
    symlink(decoy.home.join("docs/index.html"), site.join("index.html")).unwrap();
    symlink(decoy.home.join("docs/index.html"), site.join(".index.html.clsm-tmp")).unwrap();
    symlink(decoy.home.join("secret.txt"), site.join("style.css")).unwrap();
    fs::write(site.join("evil.html"), "<script>alert(1)</script>").unwrap();
    fs::write(site.join("CNAME"), "piege.invalid").unwrap();
    let r = run(&["build", "--sans-pdf", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    decoy.assert_untouched();
    assert!(!site.join("evil.html").exists() && !site.join("CNAME").exists(), "nothing of the old folder is kept");
    assert!(!fs::symlink_metadata(site.join("index.html")).unwrap().file_type().is_symlink());
    assert!(!site.join("ssh").exists(), "the old folder and its links are gone");
    assert_no_secret_in(&site);
    assert_eq!(strays(&repo), Vec::<String>::new(), "no staging folder left");
}

#[test]
fn an_output_folder_that_is_a_link_is_refused() {
    let decoy = Decoy::new("out-link");
    let repo = copy_of("valide", "out-link");
    fs::write(decoy.home.join("docs/.clsm-site"), format!("{MARKER_LINE}\nindex.html\n")).unwrap();
    let decoy = Decoy { before: snapshot(&decoy.home), ..decoy };
    symlink(decoy.home.join("docs"), repo.join("_site")).unwrap();
    let r = run(&["build", "--sans-pdf", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("_site` est un lien symbolique"), "{}", r.stderr);
    decoy.assert_untouched();
    // A parent inside the repository that is a link is refused too.
    let out = repo.join("_site/sous-dossier");
    let r = run(&["build", "--sans-pdf", "--repo", repo_arg(&repo), "--out", out.to_str().unwrap()], &project_root());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    decoy.assert_untouched();
}

#[test]
fn out_paths_with_dot_dot_are_normalised_before_every_check() {
    let decoy = Decoy::new("dotdot");
    let repo = copy_of("valide", "dotdot");
    let repo_before = snapshot(&repo);
    let into_docs = decoy.home.join("docs/nouveau/..");
    let r =
        run(&["build", "--sans-pdf", "--repo", repo_arg(&repo), "--out", into_docs.to_str().unwrap()], &project_root());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("n'a pas été produit par clsm"), "{}", r.stderr);
    decoy.assert_untouched();
    let into_repo = repo.join("_site/..");
    let r =
        run(&["build", "--sans-pdf", "--repo", repo_arg(&repo), "--out", into_repo.to_str().unwrap()], &project_root());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("contient le dépôt lui-même"), "{}", r.stderr);
    let into_fiches = repo.join("_site/../fiches/actions");
    let r = run(
        &["build", "--sans-pdf", "--repo", repo_arg(&repo), "--out", into_fiches.to_str().unwrap()],
        &project_root(),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(snapshot(&repo), repo_before, "the repository is as it was");
}

#[test]
fn a_template_link_to_the_environment_or_a_file_is_never_read() {
    let decoy = Decoy::new("template-links");
    for (name, target) in
        [("style.css", PathBuf::from("/proc/self/environ")), ("index.html", decoy.home.join("secret.txt"))]
    {
        let repo = copy_of("valide", &format!("template-{name}"));
        fs::create_dir_all(repo.join("templates")).unwrap();
        symlink(&target, repo.join("templates").join(name)).unwrap();
        let r = run(&["build", "--sans-pdf", "--repo", repo_arg(&repo)], &project_root());
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.contains(&format!("modèle `templates/{name}` : lien symbolique")), "{}", r.stderr);
        assert_no_secret(&r.all(), "the messages");
        assert!(!repo.join("_site").exists(), "nothing is published");
    }
    decoy.assert_untouched();
}

#[test]
fn a_fiche_or_config_link_is_reported_without_quoting_its_target() {
    let decoy = Decoy::new("fiche-link");
    let repo = copy_of("valide", "fiche-link");
    symlink(decoy.home.join("secret.txt"), repo.join("fiches/actions/lien.md")).unwrap();
    symlink(decoy.home.join("docs"), repo.join("fiches/indicateurs")).unwrap();
    for format in ["texte", "json", "github"] {
        let r = run(&["check", "--repo", repo_arg(&repo), "--format", format], &project_root());
        assert_eq!(r.code, Some(1), "{}", r.all());
        assert!(r.all().contains("fiches/actions/lien.md"), "{}", r.all());
        assert!(r.all().contains("fiches/indicateurs"), "{}", r.all());
        assert_no_secret(&r.all(), "check's output");
    }
    let r = run(&["build", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(1));
    assert_no_secret(&r.all(), "build's output");

    let repo = copy_of("valide", "config-link");
    fs::remove_file(repo.join("clsm.toml")).unwrap();
    symlink(decoy.home.join("secret.txt"), repo.join("clsm.toml")).unwrap();
    let r = run(&["check", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.stderr.contains("clsm.toml:1:1: erreur[fichier-illisible]: lien symbolique"), "{}", r.stderr);
    assert_no_secret(&r.all(), "check's output");
    decoy.assert_untouched();
}

#[test]
fn devices_and_pipes_end_at_once() {
    let repo = copy_of("valide", "devices");
    symlink("/dev/zero", repo.join("fiches/actions/zero.md")).unwrap();
    mkfifo(&repo.join("fiches/actions/tube.md"));
    mkfifo(&repo.join("fiches/partenaires/tube.md"));
    let r =
        run_for(&["check", "--format", "json", "--repo", repo_arg(&repo)], &project_root(), Duration::from_secs(20));
    assert_eq!(r.code, Some(1), "{}", r.all());
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let found: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "fichier-illisible fiches/actions/tube.md tube nommé : ce n'est pas un fichier ordinaire, il n'est pas lu",
            "fichier-illisible fiches/actions/zero.md lien symbolique : sa cible n'est pas lue",
            "fichier-illisible fiches/partenaires/tube.md tube nommé : ce n'est pas un fichier ordinaire, il n'est pas lu",
        ]
    );

    for (name, make) in [("action.html", "zero"), ("index.html", "tube"), ("fiche.typ", "zero")] {
        let repo = copy_of("valide", &format!("device-{name}"));
        fs::create_dir_all(repo.join("templates")).unwrap();
        let path = repo.join("templates").join(name);
        if make == "zero" {
            symlink("/dev/zero", &path).unwrap()
        } else {
            mkfifo(&path)
        }
        let r = run_for(&["build", "--repo", repo_arg(&repo)], &project_root(), Duration::from_secs(20));
        assert_eq!(r.code, Some(2), "{}", r.all());
        assert!(r.stderr.contains(&format!("templates/{name}")), "{}", r.stderr);
    }
}

#[test]
fn a_huge_template_is_refused_before_it_fills_the_memory() {
    let repo = copy_of("valide", "huge-template");
    with_template(&repo, "index.html", &"x".repeat(5 << 20));
    let r = run(&["build", "--sans-pdf", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("modèle `templates/index.html` : le fichier dépasse 4 Mo"), "{}", r.stderr);
}

/// A git repository in a new folder `test` whose folder `data` (relative, may be
/// empty) holds a copy of the fixture `valide`, committed once.
fn committed_copy(test: &str, data: &str) -> (PathBuf, PathBuf) {
    let root = temp_dir(test);
    let repo = root.join(data);
    for (rel, bytes) in files(&crate::fixture("valide")) {
        let path = repo.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    for args in [&["init", "-q"][..], &["add", "."], &["commit", "-q", "-m", "un"]] {
        crate::ci::git(&root, args);
    }
    (root, repo)
}

#[test]
fn diff_hides_the_contacts_unless_internal() {
    let (root, repo) = committed_copy("diff-contacts", "contrat");
    let git = |args: &[&str]| crate::ci::git(&root, args);
    let partner = "---\nnom: Partenaire d’essai\ncontacts:\n  - nom: Dominique Secret\n    email: dominique@exemple.invalid\n    telephone: \"03 87 00 00 00\"\n---\n";
    fs::write(repo.join("fiches/partenaires/porteur.md"), partner).unwrap();
    git(&["commit", "-q", "-am", "deux"]);
    for format in ["texte", "md", "json"] {
        let r = run(&["diff", "HEAD~1", "HEAD", "--format", format, "--repo", repo_arg(&repo)], &project_root());
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        for personal in ["Dominique", "dominique@exemple.invalid", "03 87 00 00 00"] {
            assert!(!r.stdout.contains(personal), "{personal} leaks in diff --format {format}: {}", r.stdout);
        }
        assert!(r.stdout.contains("contacts") || r.stdout.contains("Masque"), "{}", r.stdout);
    }
    let r = run(&["diff", "HEAD~1", "HEAD", "--repo", repo_arg(&repo)], &project_root());
    assert!(r.stdout.contains("contacts modifiés (non affichés sans `--interne`)"), "{}", r.stdout);
    let r = run(&["diff", "HEAD~1", "HEAD", "--interne", "--repo", repo_arg(&repo)], &project_root());
    assert!(r.stdout.contains("Dominique Secret"), "{}", r.stdout);
    assert!(r.stderr.contains("ne les publiez pas"), "{}", r.stderr);
}

/// A repository whose first action's title is `titre` (written as a YAML string).
fn with_title(test: &str, titre: &str) -> PathBuf {
    let repo = copy_of("valide", test);
    let fiche = format!(
        "---\ntitre: {}\naxe: \"1\"\nstatut: conception\nporteur: porteur\nindicateurs: [suivi]\nbudget:\n  - poste: \"-Salle\"\n    montant: 480\n---\n",
        serde_json::to_string(titre).unwrap()
    );
    fs::write(repo.join("fiches/actions/a.md"), fiche).unwrap();
    fs::create_dir_all(repo.join("fiches/indicateurs")).unwrap();
    fs::write(repo.join("fiches/indicateurs/suivi.md"), "---\nlibelle: Suivi\ntype: processus\n---\n").unwrap();
    repo
}

#[test]
fn csv_cells_that_look_like_formulas_are_neutralised() {
    let repo = with_title("formulas", "=HYPERLINK(\"https://piege.invalid\";\"Cliquez\")");
    for profile in ["excel", "opendata"] {
        let r = run(&["export", "actions", "--profil", profile, "--repo", repo_arg(&repo)], &project_root());
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if profile == "excel" { b';' } else { b',' })
            .from_reader(r.stdout.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers().unwrap().clone();
        let row = reader.records().next().unwrap().unwrap();
        let cell = |name: &str| row.get(headers.iter().position(|h| h == name).unwrap()).unwrap().to_string();
        assert_eq!(cell("titre"), "'=HYPERLINK(\"https://piege.invalid\";\"Cliquez\")", "{profile}");
        assert_eq!(cell("budget"), "480", "numbers stay numbers ({profile})");
    }
}

#[test]
fn deeply_nested_markdown_is_refused_by_check_before_any_layout() {
    for (test, body) in [
        ("emphasis-30000", format!("{}x{}", "*a ".repeat(30_000), " b*".repeat(30_000))),
        ("emphasis-100", format!("{}x{}", "_a ".repeat(100), " b_".repeat(100))),
        ("quotes-100", format!("{}x\n", "> ".repeat(100))),
    ] {
        let repo = copy_of("valide", test);
        let fiche = fs::read_to_string(repo.join("fiches/actions/a.md")).unwrap();
        fs::write(repo.join("fiches/actions/a.md"), format!("{fiche}\n{body}\n")).unwrap();
        let r = run(&["check", "--repo", repo_arg(&repo)], &project_root());
        assert_eq!(r.code, Some(1), "{test}: {}", r.stderr);
        assert!(r.stderr.contains("fiches/actions/a.md:8:"), "{test}: {}", r.stderr);
        assert!(r.stderr.contains("erreur[texte-hors-limites]"), "{test}: {}", r.stderr);
        let r = run(&["build", "--repo", repo_arg(&repo)], &project_root());
        assert_eq!(r.code, Some(1), "{test}: {}", r.stderr);
        assert!(!repo.join("_site").exists());
    }
}

/// Puts `text` in the repository's own `templates/NAME`.
fn with_template(repo: &Path, name: &str, text: &str) {
    fs::create_dir_all(repo.join("templates")).unwrap();
    fs::write(repo.join("templates").join(name), text).unwrap();
}

/// A repository with a site built, then a template `name` of its own: the site as
/// it was before that template, to compare with after.
fn built_then_template(test: &str, name: &str, text: &str) -> (PathBuf, BTreeMap<PathBuf, String>) {
    let repo = copy_of("valide", test);
    assert_eq!(run(&["build", "--sans-pdf", "--repo", repo_arg(&repo)], &project_root()).code, Some(0));
    let site_before = snapshot(&repo.join("_site"));
    with_template(&repo, name, text);
    (repo, site_before)
}

#[test]
fn endless_templates_stop_at_the_deadline_and_leave_the_site_as_it_was() {
    let (repo, site_before) = built_then_template(
        "endless",
        "index.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% for k in range(end=100000) %}{{ i }}{% endfor %}{% endfor %}{% endfor %}",
    );
    let r = run_for(
        &["build", "--sans-pdf", "--delai", "3", "--repo", repo_arg(&repo)],
        &project_root(),
        Duration::from_secs(30),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("délai dépassé : 3 s"), "{}", r.stderr);
    assert!(r.stderr.contains("modèle `index.html`"), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(20), "{:?}", r.took);
    assert_eq!(snapshot(&repo.join("_site")), site_before, "the previous site is intact");
    assert_eq!(strays(&repo), Vec::<String>::new(), "no staging folder left");
}

#[test]
fn a_template_that_fills_the_memory_is_stopped() {
    let repo = copy_of("valide", "memory");
    with_template(
        &repo,
        "index.html",
        "{% set s = \"xxxxxxxxxxxxxxxx\" %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}",
    );
    let r = run(&["build", "--sans-pdf", "--memoire", "300", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("mémoire dépassée : plus de 300 Mo, arrêt pendant : modèle `index.html`"),
        "{}",
        r.stderr
    );
    assert!(!repo.join("_site").exists());
    assert_eq!(strays(&repo), Vec::<String>::new());
}

#[cfg(feature = "pdf")]
#[test]
fn an_endless_typst_template_stops_at_the_deadline() {
    let repo = copy_of("valide", "endless-typst");
    with_template(&repo, "contrat.typ", "#let n = 0\n#for i in range(200000000) { n = n + i }\n#n\n");
    let r = run_for(&["build", "--delai", "3", "--repo", repo_arg(&repo)], &project_root(), Duration::from_secs(30));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("document `contrat.pdf` (modèle `contrat.typ`)"), "{}", r.stderr);
    assert!(!repo.join("_site").exists(), "nothing published");
    assert_eq!(strays(&repo), Vec::<String>::new(), "nothing left");
}

#[test]
fn a_killed_build_leaves_the_previous_site_and_the_next_build_cleans_up() {
    let (repo, site_before) = built_then_template(
        "killed",
        "axe.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{{ i }}{% endfor %}{% endfor %}",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_clsm"))
        .args(["build", "--sans-pdf", "--repo", repo_arg(&repo)])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until its staging folder exists, then kill it without warning.
    let start = Instant::now();
    while strays(&repo).is_empty() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(strays(&repo).iter().any(|n| n.starts_with("._site.clsm-")), "{:?}", names(&repo));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(snapshot(&repo.join("_site")), site_before, "the previous site is intact");
    fs::remove_dir_all(repo.join("templates")).unwrap();
    assert_eq!(run(&["build", "--sans-pdf", "--repo", repo_arg(&repo)], &project_root()).code, Some(0));
    assert_eq!(strays(&repo), Vec::<String>::new(), "the killed build's staging folder is gone");
}

#[test]
fn two_builds_into_one_folder_do_not_collide() {
    let repo = copy_of("valide", "concurrent");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_clsm"))
            .args(["build", "--sans-pdf", "--repo", repo_arg(&repo)])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    for _ in 0..5 {
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        assert_eq!(strays(&repo), Vec::<String>::new());
        let marker = fs::read_to_string(repo.join("_site/.clsm-site")).unwrap();
        for file in marker.lines().skip(1) {
            assert!(repo.join("_site").join(file).is_file(), "{file} is listed but missing");
        }
        assert!(marker.contains("index.html"));
    }
}

#[test]
fn images_from_elsewhere_are_links_not_loaded() {
    let repo = copy_of("valide", "tracker");
    let fiche = fs::read_to_string(repo.join("fiches/actions/a.md")).unwrap();
    fs::write(repo.join("fiches/actions/a.md"), format!("{fiche}\n![Logo](https://pisteur.invalid/p.png)\n")).unwrap();
    assert_eq!(run(&["build", "--sans-pdf", "--repo", repo_arg(&repo)], &project_root()).code, Some(0));
    let html = fs::read_to_string(repo.join("_site/actions/a.html")).unwrap();
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("<a href=\"https://pisteur.invalid/p.png\">Logo</a>"), "{html}");
}

#[test]
fn terminal_escape_sequences_are_shown_never_sent() {
    let title = "Action \u{1b}]0;terminal pris\u{7} \u{1b}[2J\u{202e}";
    let repo = with_title("escapes", title);
    fs::write(repo.join("fiches/actions/\u{1b}[31mrouge.md"), "---\ntitre: x\n---\n").unwrap();
    let outputs = [
        run(&["check", "--repo", repo_arg(&repo)], &project_root()),
        run(&["check", "--format", "github", "--repo", repo_arg(&repo)], &project_root()),
    ];
    for r in &outputs {
        assert!(!r.all().contains('\u{1b}') && !r.all().contains('\u{7}'), "{:?}", r.all());
        assert!(r.all().contains("\\u{1b}[31mrouge"), "{}", r.all());
    }
    fs::remove_file(repo.join("fiches/actions/\u{1b}[31mrouge.md")).unwrap();
    // The title arrives in a commit, so that `clsm diff` has it to show.
    let fiche = fs::read_to_string(repo.join("fiches/actions/a.md")).unwrap();
    fs::write(repo.join("fiches/actions/a.md"), fiche.replace(&serde_json::to_string(title).unwrap(), "Avant"))
        .unwrap();
    for args in [&["init", "-q"][..], &["add", "."], &["commit", "-q", "-m", "avant"]] {
        crate::ci::git(&repo, args);
    }
    fs::write(repo.join("fiches/actions/a.md"), fiche).unwrap();
    for args in [vec!["report"], vec!["diff"]] {
        let mut all = args.clone();
        all.extend(["--repo", repo_arg(&repo)]);
        let r = run(&all, &project_root());
        assert_eq!(r.code, Some(0), "{args:?}: {}", r.all());
        assert!(r.stdout.contains("terminal pris"), "{args:?} shows the title: {}", r.stdout);
        assert!(
            !r.all().contains('\u{1b}') && !r.all().contains('\u{7}') && !r.all().contains('\u{202e}'),
            "{:?}",
            r.all()
        );
    }
    let r = run(&["report", "--repo", repo_arg(&repo)], &project_root());
    assert!(r.stdout.contains("Action \\u{1b}]0;terminal pris\\u{7} \\u{1b}[2J\\u{202e}"), "{}", r.stdout);
}

#[test]
fn markdown_outputs_neutralise_html_images_mentions_and_tables() {
    let title = "<img src=x onerror=alert(1)> | @equipe-securite ![p](https://pisteur.invalid/p.png)";
    let repo = with_title("markdown-out", title);
    let r = run(&["report", "--format", "md", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let md = r.stdout;
    assert!(md.contains("\\<img src=x onerror=alert(1)\\> \\| @&#8203;equipe-securite \\!\\[p\\]"), "{md}");
    // Rendered as GitHub would: the text reads as written, and does nothing.
    let html = clsm::render::markdown::to_html(&md, 1);
    assert!(!html.contains("<img") && !html.contains("@equipe"), "{html}");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; | @\u{200b}equipe-securite ![p]("), "{html}");
    // The table row keeps its five cells.
    let row = html.split("<tr>").find(|r| r.contains("onerror")).unwrap();
    assert_eq!(row.matches("<td").count(), 5, "{row}");
}

#[test]
fn only_files_clsm_made_are_replaced() {
    let dir = temp_dir("signatures-out");
    let repo = copy_of("valide", "signatures");
    let notes = dir.join("notes.md");
    let mine = "Mes notes : situation au 1er mai.\n<!-- produit par clsm -->\n";
    fs::write(&notes, mine).unwrap();
    let csv = dir.join("liste.csv");
    fs::write(&csv, "ma liste\nid;titre;axe\n").unwrap();
    for args in [
        vec!["report", "--out", notes.to_str().unwrap()],
        vec!["report", "--format", "md", "--out", notes.to_str().unwrap()],
        vec!["report", "--format", "json", "--out", notes.to_str().unwrap()],
        vec!["bilan", "--annee", "2025", "--out", notes.to_str().unwrap()],
        vec!["export", "actions", "--out", csv.to_str().unwrap()],
    ] {
        let mut all = args.clone();
        all.extend(["--repo", repo_arg(&repo)]);
        let r = run(&all, &project_root());
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("n'a pas été produit par clsm"), "{}", r.stderr);
    }
    assert_eq!(fs::read_to_string(&notes).unwrap(), mine);
    assert_eq!(fs::read_to_string(&csv).unwrap(), "ma liste\nid;titre;axe\n");
    // Its own documents, clsm replaces; and leaves no temporary file beside them.
    let report = dir.join("rapport.md");
    for _ in 0..2 {
        let r = run(
            &["report", "--format", "md", "--out", report.to_str().unwrap(), "--repo", repo_arg(&repo)],
            &project_root(),
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
    }
    assert_eq!(names(&dir), ["liste.csv", "notes.md", "rapport.md"]);
}

#[test]
fn new_never_writes_through_a_link() {
    let decoy = Decoy::new("new-link");
    let repo = copy_of("valide", "new-link");
    symlink(decoy.home.join("docs"), repo.join("fiches/indicateurs")).unwrap();
    let r = run(&["new", "indicateur", "piege", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("lien symbolique"), "{}", r.stderr);
    symlink(decoy.home.join("docs/index.html"), repo.join("fiches/actions/piege.md")).unwrap();
    let r = run(&["new", "action", "piege", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("existe déjà"), "{}", r.stderr);
    decoy.assert_untouched();
}

#[test]
fn diff_never_reads_the_working_tree_through_a_link() {
    let decoy = Decoy::new("diff-link");
    let (root, _) = committed_copy("diff-link-repo", "");
    let victim = decoy.home.join("victime");
    fs::create_dir_all(victim.join("partenaires")).unwrap();
    fs::write(victim.join("partenaires/porteur.md"), format!("---\nnom: {SECRET_FILE}\n---\n")).unwrap();
    let decoy = Decoy { before: snapshot(&decoy.home), ..decoy };
    fs::rename(root.join("fiches"), root.join("fiches.avant")).unwrap();
    symlink(&victim, root.join("fiches")).unwrap();
    for format in ["texte", "md", "json"] {
        let r = run(&["diff", "--format", format, "--repo", root.to_str().unwrap()], &project_root());
        assert_eq!(r.code, Some(2), "{}", r.all());
        assert!(r.stderr.contains("`fiches` : lien symbolique"), "{}", r.stderr);
        assert_no_secret(&r.all(), "diff");
    }
    fs::remove_file(root.join("fiches")).unwrap();
    fs::rename(root.join("fiches.avant"), root.join("fiches")).unwrap();
    mkfifo(&root.join("fiches/actions/tube.md"));
    let r = run(&["diff", "--repo", root.to_str().unwrap()], &project_root());
    assert_eq!(r.code, Some(2), "a pipe is not silently skipped: {}", r.all());
    decoy.assert_untouched();
}

#[test]
fn line_breaks_in_names_cannot_forge_lines_of_output() {
    let repo = with_title("forged-lines", "Action");
    fs::write(repo.join("fiches/actions/x\n::error file=x::FAUX.md"), "---\ntitre: x\n---\n").unwrap();
    let numero =
        "---\nnumero: \"1\\n::error file=x::FAUX\"\ntitre: B\naxe: \"1\"\nstatut: piste\nporteur: porteur\n---\n";
    fs::write(repo.join("fiches/actions/b.md"), numero).unwrap();
    for args in [vec!["check"], vec!["check", "--format", "github"], vec!["report"]] {
        let mut all = args.clone();
        all.extend(["--repo", repo_arg(&repo)]);
        let r = run(&all, &project_root());
        for line in r.all().lines() {
            assert!(!line.starts_with("::error file=x"), "{args:?} forged a line: {line}");
        }
    }
}

#[test]
fn an_import_file_name_cannot_add_keys_to_a_fiche() {
    // A line feed, or the line separators YAML also breaks lines at.
    for (n, separator) in ["\n", "\u{2028}", "\u{2029}", "\u{85}"].into_iter().enumerate() {
        let repo = copy_of("valide", &format!("import-name-{n}"));
        let dir = temp_dir(&format!("import-name-csv-{n}"));
        let name = format!("cadre{separator}demarche_participative: true{separator}zzz: 1{separator}# .csv");
        let sheet = "Objectifs stratégiques;Objectifs spécifiques;Actions\n1. Axe;1.1 Objectif;1.1.1 Action\n";
        fs::write(dir.join(&name), sheet).unwrap();
        let r = run(&["import", dir.join(&name).to_str().unwrap(), "--repo", repo_arg(&repo)], &project_root());
        assert_eq!(r.code, Some(0), "{}", r.all());
        let fiche = fs::read_to_string(repo.join("fiches/actions/action-1-1-1.md")).unwrap();
        let r = run(&["check", "--format", "json", "--repo", repo_arg(&repo)], &project_root());
        assert!(!r.stdout.contains("cle-inconnue"), "{separator:?} added a key: {fiche}");
    }
}

#[test]
fn counts_and_numbers_a_report_cannot_add_up_are_refused_by_check() {
    let repo = copy_of("valide", "huge-counts");
    fs::create_dir_all(repo.join("fiches/evenements")).unwrap();
    for id in ["a", "b"] {
        let event = "---\ndate: 2025\nparticipants: 18446744073709551615\npartenaires: [porteur]\n---\n";
        fs::write(repo.join(format!("fiches/evenements/{id}.md")), event).unwrap();
    }
    fs::create_dir_all(repo.join("fiches/indicateurs")).unwrap();
    // 1e308 / 1e-308, written out in digits, and again with exponents.
    let (huge, tiny) = (format!("1{}", "0".repeat(308)), format!("0.{}1", "0".repeat(307)));
    let indicator = format!(
        "---\nlibelle: Taux\ntype: resultat\nvaleur_initiale: {{ valeur: .inf }}\n\
         mesures:\n  - {{ date: 2025, numerateur: {huge}, denominateur: {tiny} }}\n\
         \x20 - {{ date: 2026, numerateur: 1e308, denominateur: 1e-308 }}\n---\n"
    );
    fs::write(repo.join("fiches/indicateurs/taux.md"), indicator).unwrap();
    let r = run(&["check", "--format", "json", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(1), "{}", r.all());
    let expected = [
        "nombre de participants invraisemblable",
        "il faut un nombre",
        "ne donne pas un nombre",
        "notation scientifique",
    ];
    for expected in expected {
        assert!(r.stdout.contains(expected), "{expected}: {}", r.stdout);
    }
    let r = run(&["report", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(1), "the report refuses, it does not overflow: {}", r.all());
}

#[test]
fn documents_are_never_written_into_the_sources() {
    let repo = copy_of("valide", "out-sources");
    let before = snapshot(&repo);
    for out in ["templates/index.html", "fiches/actions/rapport.md", ".git/hooks/post-checkout"] {
        let path = repo.join(out);
        for args in [vec!["report", "--format", "md"], vec!["export", "actions"]] {
            let mut all = args.clone();
            all.extend(["--out", path.to_str().unwrap(), "--repo", repo_arg(&repo)]);
            let r = run(&all, &project_root());
            assert_eq!(r.code, Some(2), "{all:?}: {}", r.all());
            assert!(r.stderr.contains("est dans les sources du dépôt"), "{}", r.stderr);
        }
    }
    assert_eq!(snapshot(&repo), before);
}

#[test]
fn an_id_too_long_for_a_file_name_is_refused_by_check() {
    let repo = copy_of("valide", "long-id");
    let id = "a".repeat(200);
    fs::write(repo.join(format!("fiches/partenaires/{id}.md")), "---\nnom: Long\n---\n").unwrap();
    let r = run(&["check", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.stderr.contains("erreur[id-invalide]"), "{}", r.stderr);
    assert!(r.stderr.contains("est trop long (80 caractères au plus)"), "{}", r.stderr);
}

#[cfg(feature = "pdf")]
#[test]
fn a_typst_template_that_makes_typst_panic_is_an_error_naming_it() {
    let repo = copy_of("valide", "typst-panic");
    with_template(&repo, "fiche.typ", "#duration(weeks: 9223372036854775807)\n");
    let r = run(&["build", "--repo", repo_arg(&repo)], &project_root());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("(modèle `fiche.typ`) : Typst s'est arrêté sur une erreur interne"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"), "{}", r.stderr);
    assert!(!repo.join("_site").exists());
}
