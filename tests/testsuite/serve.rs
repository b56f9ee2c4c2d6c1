//! `clsm serve` through the real binary, on a copy of the Metz repository: pages
//! over HTTP, a saved fiche seen at once, errors shown on every page and gone when
//! fixed, nothing served from outside the site, the loopback only, and a clean stop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{project_root, temp_dir};

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
        let mut child = Command::new(env!("CARGO_BIN_EXE_clsm"))
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
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("the preview answers");
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete answer");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, raw[split + 4..].to_vec())
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
    assert!(home.contains("<script src=\"/_clsm/apercu.js\" data-generation=\"1\"></script>"), "{home}");
    assert!(!home.contains("clsm-apercu"), "no banner while the repository has no error");
    let script = serving.text("/_clsm/apercu.js");
    assert!(script.contains("EventSource(\"/_clsm/evenements?depuis=\""), "{script}");

    let fiche = repo.join("fiches/actions/logement-sante-mentale.md");
    edit(&fiche, "titre: Logement et santé mentale", "titre: Logement accompagné et santé mentale");
    let page = serving.wait_for("/actions/logement-sante-mentale.html", Duration::from_secs(2), |t| {
        t.contains("<h1>Logement accompagné et santé mentale</h1>")
    });
    assert!(page.contains("data-generation=\"2\""), "the page comes from the second build");
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
    let home = serving.wait_for("/", Duration::from_secs(2), banner);
    for expected in [
        "1 erreur dans le dépôt",
        "fiches/actions/logement-sante-mentale.md:4:6",
        "axe inconnu `9`",
        "<pre>4 | axe: <mark>&quot;9&quot;</mark></pre>",
        "Aide : vouliez-vous dire `1`, `2` ou `3` ?",
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
    serving.wait_for("/", Duration::from_secs(2), |t| !banner(t));
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
    assert!(bilan.contains("data-generation=\"1\""), "the bilan reloads too");
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
        serving.wait_for("/actions/fiche-15.html", Duration::from_secs(2), |t| t.contains("Animation du Conseil"));
        let (_, pdf) = serving.get("/fiches/fiche-15.pdf");
        let text = crate::readable_text("fiche-15.pdf", &pdf).unwrap_or_default();
        assert!(text.contains("Animation du Conseil local de santé mentale"), "{text}");
    }
}
