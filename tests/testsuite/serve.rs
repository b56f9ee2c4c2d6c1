//! `clsm serve` through the real binary, on a copy of the Metz repository: pages
//! over HTTP, a saved fiche seen at once, errors shown on every page and gone when
//! fixed, nothing served from outside the site, the loopback only, and a clean stop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{project_root, temp_dir};

/// How long a save may take to show: far more than it takes (about 40 ms on Metz),
/// for slow and busy machines.
const WITHIN: Duration = Duration::from_secs(10);

/// The build a page comes from: its `data-generation`.
fn generation(page: &str) -> &str {
    let at = page.find("data-generation=\"").expect("the reload script") + "data-generation=\"".len();
    &page[at..at + page[at..].find('"').unwrap()]
}

/// A copy of the Metz repository (its `clsm.toml` and `fiches/`) to modify.
pub fn metz_copy(test: &str) -> PathBuf {
    let repo = temp_dir(test).join("metz");
    for (rel, bytes) in crate::files(&project_root().join("fiches")) {
        let path = repo.join("fiches").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    std::fs::copy(project_root().join("clsm.toml"), repo.join("clsm.toml")).unwrap();
    repo
}

/// A running `clsm serve`, stopped when dropped.
pub struct Serving {
    child: Child,
    pub port: u16,
    pub url: String,
}

impl Serving {
    /// Starts `clsm serve --port 0` on `repo`, and waits for the address it prints.
    pub fn start(repo: &Path, extra: &[&str]) -> Self {
        Self::start_in(&project_root(), repo, extra)
    }

    /// The same, from the folder `cwd` (`repo` may then be relative to it).
    pub fn start_in(cwd: &Path, repo: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clsm"))
            .current_dir(cwd)
            .args(["serve", "--port", "0", "--repo", repo.to_str().unwrap()])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("clsm serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("{line}"));
        let port = url.trim_end_matches('/').rsplit(':').next().unwrap().parse().unwrap();
        Serving { child, port, url: url.to_string() }
    }

    /// `GET path`, sent as written: status and body.
    pub fn get(&self, path: &str) -> (u16, Vec<u8>) {
        self.request(path, &format!("127.0.0.1:{}", self.port))
    }

    /// `GET path` naming `host`.
    pub fn request(&self, path: &str, host: &str) -> (u16, Vec<u8>) {
        self.raw(&format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")).1
    }

    /// Sends `request` as it is: the answer's headers, and its status and body.
    pub fn raw(&self, request: &str) -> (String, (u16, Vec<u8>)) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("the preview answers");
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete answer");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (head, (status, raw[split + 4..].to_vec()))
    }

    /// Whether the process still runs.
    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// The text of the page at `path`.
    pub fn text(&self, path: &str) -> String {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        String::from_utf8(body).unwrap()
    }

    /// Waits at most `within` for the page at `path` to satisfy `test`.
    pub fn wait_for(&self, path: &str, within: Duration, test: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = self.text(path);
            if test(&text) {
                return text;
            }
            assert!(start.elapsed() < within, "{path} after {within:?}:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends `SIGINT` (Ctrl-C) and waits for the end: exit code and what it said.
    fn interrupt(mut self) -> (Option<i32>, String) {
        // SAFETY: kill with a valid pid and signal number.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(start.elapsed() < Duration::from_secs(5), "clsm serve still runs 5 s after Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        (status.code(), stderr)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Replaces `from` by `to` in the file at `path`.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_saved_fiche_is_seen_on_its_page_at_once() {
    let repo = metz_copy("serve-edit");
    let serving = Serving::start(&repo, &[]);
    let home = serving.text("/");
    assert!(home.contains("Conseil local de santé mentale de Metz"), "{home}");
    assert!(home.contains("<script src=\"/_clsm/apercu.js\" data-generation=\""), "{home}");
    let first = generation(&home).to_string();
    assert!(first.ends_with("-1"), "the first build: {first}");
    assert!(!home.contains("clsm-apercu"), "no banner while the repository has no error");
    let script = serving.text("/_clsm/apercu.js");
    assert!(script.contains("EventSource(\"/_clsm/evenements?depuis=\""), "{script}");

    let fiche = repo.join("fiches/actions/logement-sante-mentale.md");
    edit(&fiche, "titre: Logement et santé mentale", "titre: Logement accompagné et santé mentale");
    let page = serving.wait_for("/actions/logement-sante-mentale.html", WITHIN, |t| {
        t.contains("<h1>Logement accompagné et santé mentale</h1>")
    });
    let second = generation(&page);
    assert_eq!(second.rsplit_once('-').map(|(s, _)| s), first.rsplit_once('-').map(|(s, _)| s), "one session");
    assert_ne!(second, first, "the page comes from a newer build");
    // The published site on disk is untouched: serve writes nothing.
    assert!(!repo.join("_site").exists());
}

#[test]
fn an_error_shows_on_every_page_with_its_file_and_line_until_it_is_fixed() {
    let repo = metz_copy("serve-error");
    let serving = Serving::start(&repo, &[]);
    let fiche = repo.join("fiches/actions/logement-sante-mentale.md");
    edit(&fiche, "axe: \"1\"", "axe: \"9\"");
    let banner = |t: &str| t.contains("id=\"clsm-apercu\"");
    let home = serving.wait_for("/", WITHIN, banner);
    for expected in [
        "1 erreur dans le dépôt",
        "fiches/actions/logement-sante-mentale.md:4:6",
        "axe inconnu <code>9</code>",
        "<pre>4 | axe: <mark>&quot;9&quot;</mark></pre>",
        "Aide : vouliez-vous dire <code>1</code>, <code>2</code> ou <code>3</code> ?",
        // The last good content stays under the banner.
        "Conseil local de santé mentale de Metz",
    ] {
        assert!(home.contains(expected), "{expected:?} not in:\n{home}");
    }
    let other = serving.text("/annuaire.html");
    assert!(banner(&other) && other.contains("logement-sante-mentale.md:4:6"), "every page shows it");
    // The banner comes first in the body, before the page's own content.
    let body = home.find("<body>").unwrap();
    assert!(
        home.find("clsm-apercu").unwrap() > body && home.find("clsm-apercu").unwrap() < home.find("<header").unwrap()
    );

    edit(&fiche, "axe: \"9\"", "axe: \"1\"");
    serving.wait_for("/", WITHIN, |t| !banner(t));
    assert!(!banner(&serving.text("/annuaire.html")));
}

#[test]
fn a_repository_broken_from_the_start_shows_its_errors_and_no_page() {
    let repo = metz_copy("serve-broken");
    edit(&repo.join("clsm.toml"), "titre = ", "titre = \n");
    let serving = Serving::start(&repo, &[]);
    let (status, body) = serving.get("/");
    let body = String::from_utf8(body).unwrap();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("Aucune version du site n'a encore pu être construite"), "{body}");
    assert!(body.contains("clsm.toml:"), "{body}");
}

#[test]
fn nothing_outside_the_site_is_served_and_only_this_machine_is_answered() {
    let repo = metz_copy("serve-attack");
    let serving = Serving::start(&repo, &[]);
    for hostile in [
        "/../clsm.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/clsm.toml",
        "/%2E%2E%2Fclsm.toml",
        "/actions/..%2f..%2fclsm.toml",
        "/..%5cclsm.toml",
        "//etc/passwd",
        "/actions/%00.html",
        "/_clsm/../clsm.toml",
    ] {
        let (status, body) = serving.get(hostile);
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, 400, "{hostile}: {body}");
        assert!(!body.contains("titre =") && !body.contains("root:"), "{hostile} leaks: {body}");
    }
    let (status, _) = serving.get("/clsm.toml");
    assert_eq!(status, 404, "the repository's own files are not pages of the site");
    let (status, _) = serving.get("/fiches/actions/fiche-15.md");
    assert_eq!(status, 404);
    // A page elsewhere that reaches the preview by DNS rebinding names its own host.
    let (status, _) = serving.request("/", &format!("exemple.fr:{}", serving.port));
    assert_eq!(status, 403);
    let (status, _) = serving.request("/", &format!("localhost:{}", serving.port));
    assert_eq!(status, 200);
}

#[test]
fn it_listens_on_the_loopback_address_only() {
    let repo = metz_copy("serve-loopback");
    let serving = Serving::start(&repo, &[]);
    assert!(serving.url.starts_with("http://127.0.0.1:"), "{}", serving.url);
    // The kernel's table of sockets: the one listening on the port (state 0A) is
    // bound to 127.0.0.1 (0100007F), not to every address (00000000).
    let table = std::fs::read_to_string("/proc/net/tcp").expect("Linux lists its sockets");
    let port = format!(":{:04X}", serving.port);
    let listening: Vec<&str> = table
        .lines()
        .filter_map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            (fields.get(1)?.ends_with(&port) && fields.get(3) == Some(&"0A")).then_some(fields[1])
        })
        .collect();
    assert_eq!(listening, [format!("0100007F{port}")], "{table}");
}

#[test]
fn ctrl_c_stops_it_cleanly() {
    let repo = metz_copy("serve-stop");
    let serving = Serving::start(&repo, &[]);
    assert_eq!(serving.get("/").0, 200);
    let (code, stderr) = serving.interrupt();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("site construit en ") && stderr.trim_end().ends_with("aperçu arrêté"), "{stderr}");
}

#[test]
fn a_port_in_use_is_said_with_the_fix() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = crate::clsm(&["serve", "--port", &port], &project_root());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("impossible d'écouter sur 127.0.0.1:{port}")), "{stderr}");
    assert!(stderr.contains("choisissez-en un autre avec `--port"), "{stderr}");
}

#[test]
fn the_bilan_of_any_year_and_the_pdfs_are_made_when_asked_for() {
    let repo = metz_copy("serve-documents");
    let serving = Serving::start(&repo, &[]);
    let bilan = serving.text("/bilan-2019.html");
    assert!(bilan.contains("Bilan annuel 2019") || bilan.contains("Bilan 2019"), "{bilan}");
    assert!(bilan.contains("data-generation=\""), "the bilan reloads too");
    // As `clsm bilan`: no bilan of a year to come.
    assert_eq!(serving.get("/bilan-2199.html").0, 404);
    assert_eq!(serving.get("/bilan-20x9.html").0, 404);
    if cfg!(feature = "pdf") {
        let (status, pdf) = serving.get("/fiches/fiche-15.pdf");
        assert_eq!(status, 200);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = crate::readable_text("fiche-15.pdf", &pdf).unwrap_or_default();
        assert!(text.contains("Coordination du Conseil local de santé mentale"), "{text}");
        let (status, pdf) = serving.get("/contrat.pdf");
        assert_eq!(status, 200);
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(serving.get("/fiches/inconnue.pdf").0, 404);
        // Kept until a source changes, then made again from the new build.
        let fiche = repo.join("fiches/actions/fiche-15.md");
        edit(&fiche, "titre: Coordination du Conseil local", "titre: Animation du Conseil local");
        serving.wait_for("/actions/fiche-15.html", WITHIN, |t| t.contains("Animation du Conseil"));
        let (_, pdf) = serving.get("/fiches/fiche-15.pdf");
        let text = crate::readable_text("fiche-15.pdf", &pdf).unwrap_or_default();
        assert!(text.contains("Animation du Conseil local de santé mentale"), "{text}");
    }
}

#[test]
fn a_repository_named_by_a_relative_path_is_watched_too() {
    let repo = metz_copy("serve-relatif");
    let parent = repo.parent().unwrap();
    let serving = Serving::start_in(parent, Path::new("metz"), &[]);
    edit(&repo.join("fiches/actions/fiche-15.md"), "titre: Coordination du Conseil", "titre: Pilotage du Conseil");
    serving.wait_for("/actions/fiche-15.html", WITHIN, |t| t.contains("Pilotage du Conseil"));
}

#[test]
fn a_page_of_a_former_preview_reloads_at_once() {
    let repo = metz_copy("serve-session");
    let serving = Serving::start(&repo, &[]);
    let mut stream = TcpStream::connect(("127.0.0.1", serving.port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let host = format!("127.0.0.1:{}", serving.port);
    // A tab still open from before `clsm serve` was started again.
    write!(stream, "GET /_clsm/evenements?depuis=autre-7 HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 512];
    while !seen.contains("event: recharge") {
        let n = stream.read(&mut buffer).expect("a reload said at once");
        assert!(n > 0, "closed before saying to reload: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    // A page of this build waits.
    let page = serving.text("/");
    let mut waiting = TcpStream::connect(("127.0.0.1", serving.port)).unwrap();
    waiting.set_read_timeout(Some(Duration::from_millis(700))).unwrap();
    write!(waiting, "GET /_clsm/evenements?depuis={} HTTP/1.1\r\nHost: {host}\r\n\r\n", generation(&page)).unwrap();
    let mut said = Vec::new();
    let _ = waiting.read_to_end(&mut said);
    let said = String::from_utf8_lossy(&said);
    assert!(said.starts_with("HTTP/1.1 200 OK") && !said.contains("recharge"), "{said}");
}

#[test]
fn a_folder_removed_and_made_again_is_still_watched() {
    let repo = metz_copy("serve-dossier");
    let templates = repo.join("templates");
    std::fs::create_dir(&templates).unwrap();
    let page = "{% extends \"base.html\" %}{% block titre %}{{ action.titre }}{% endblock titre %}{% block contenu %}<p>MODELE-UN</p>{% endblock contenu %}";
    std::fs::write(templates.join("action.html"), page).unwrap();
    let serving = Serving::start(&repo, &[]);
    assert!(serving.text("/actions/fiche-15.html").contains("MODELE-UN"));
    std::fs::remove_dir_all(&templates).unwrap();
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("action.html"), page.replace("UN", "DEUX")).unwrap();
    serving.wait_for("/actions/fiche-15.html", WITHIN, |t| t.contains("MODELE-DEUX"));
    // The new folder is watched: a later save there is seen.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(templates.join("action.html"), page.replace("UN", "TROIS")).unwrap();
    serving.wait_for("/actions/fiche-15.html", WITHIN, |t| t.contains("MODELE-TROIS"));
}

#[test]
fn a_template_that_loops_is_stopped_and_the_preview_goes_on() {
    let repo = metz_copy("serve-boucle");
    let mut serving = Serving::start(&repo, &["--delai", "2"]);
    let templates = repo.join("templates");
    std::fs::create_dir(&templates).unwrap();
    let looping = "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% for k in range(end=100000) %}x{% endfor %}{% endfor %}{% endfor %}";
    std::fs::write(templates.join("action.html"), looping).unwrap();
    let page = serving.wait_for("/", WITHIN, |t| t.contains("Le site n'a pas pu être reconstruit"));
    assert!(page.contains("délai dépassé : 2 s"), "{page}");
    assert!(page.contains("Conseil local de santé mentale de Metz"), "the last good pages stay");
    std::fs::remove_file(templates.join("action.html")).unwrap();
    serving.wait_for("/", WITHIN, |t| !t.contains("id=\"clsm-apercu\""));
    assert!(serving.alive(), "the preview still runs");
}

#[test]
fn the_banner_lists_twenty_errors_and_counts_the_others() {
    let repo = metz_copy("serve-vingt");
    for n in 0..25 {
        let fiche = format!("---\ntitre: Action {n}\naxe: \"9\"\nstatut: piste\nporteur: ch-jury\n---\n");
        std::fs::write(repo.join(format!("fiches/actions/erreur-{n:02}.md")), fiche).unwrap();
    }
    let serving = Serving::start(&repo, &[]);
    let (_, body) = serving.get("/");
    let body = String::from_utf8(body).unwrap();
    assert!(body.contains("25 erreurs dans le dépôt"), "{body}");
    assert_eq!(body.matches("[ref-inconnue]").count(), 20, "{body}");
    assert!(body.contains("Et 5 autres : <code>clsm check</code> les liste toutes."), "{body}");
}

#[test]
fn long_addresses_other_sites_and_head_requests_get_their_answer() {
    let repo = metz_copy("serve-http");
    let serving = Serving::start(&repo, &[]);
    let host = format!("127.0.0.1:{}", serving.port);
    let long = format!("/{}.pdf", "a".repeat(5000));
    assert_eq!(serving.get(&long).0, 414);
    // A page of another site may link here, not make the preview work for it.
    let request =
        |extra: &str| format!("GET /contrat.pdf HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n");
    assert_eq!(serving.raw(&request("Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\n")).1.0, 403);
    assert_eq!(serving.raw(&request("Origin: https://exemple.fr\r\n")).1.0, 403);
    let followed = "GET / HTTP/1.1\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\n";
    assert_eq!(serving.raw(&format!("{followed}Host: {host}\r\nConnection: close\r\n\r\n")).1.0, 200);
    // HEAD says the length of what GET would send.
    let (_, (_, page)) = serving.raw(&format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
    let (head, (status, body)) = serving.raw(&format!("HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
    assert_eq!(status, 200);
    assert!(body.is_empty());
    assert!(head.to_lowercase().contains(&format!("content-length: {}", page.len())), "{head}");
}
