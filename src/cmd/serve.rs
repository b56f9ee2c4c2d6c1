//! `clsm serve`: the site in the browser, built again at each save, with the
//! repository's errors at the top of every page until they are fixed; and
//! `clsm __apercu`, the process that makes one build or one document of it.

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};

use crate::cli::{ApercuArgs, ServeArgs};
use crate::cmd::Outcome;
use crate::load;
use crate::serve::child::Launcher;
use crate::serve::http::{self, Listening};
use crate::serve::watch::Watcher;
use crate::serve::{Preview, Rebuilt};

/// Set by Ctrl-C (or `kill`): the preview stops.
static STOP: AtomicBool = AtomicBool::new(false);

/// The most requests for pages answered at once; more get an answer of « busy ».
const MOST_PAGES: usize = 64;

/// The most open pages waiting to reload at once: each holds a connection.
const MOST_STREAMS: usize = 32;

/// The bounds of each build, from the command line.
pub struct Bounds {
    pub delai: u64,
    pub memoire: Option<u64>,
}

pub fn run(repo: Option<&Path>, args: &ServeArgs, bounds: Bounds) -> Result<Outcome> {
    // Absolute: the watch names the files it sees so.
    let root = std::path::absolute(load::find_root(repo)?).context("impossible de situer le dépôt")?;
    // The preview runs for hours; each of its builds is a process bounded on its own.
    crate::limits::without_time_limit();
    more_open_files();
    let listening = Listening { address: args.adresse, port: args.port };
    let server = listen(listening)?;
    let listening = Listening { port: server.server_addr().to_ip().map_or(args.port, |a| a.port()), ..listening };
    if !listening.address.is_loopback() {
        eprintln!(
            "attention : l'aperçu écoute sur {}, il est visible des autres machines du réseau qui peuvent \
             joindre celle-ci ; sans `--adresse`, il n'est visible que d'ici",
            listening.address
        );
    }
    // Watching starts before the first build: a change made meanwhile is not missed.
    let watching = Watcher::new(&root);
    let exe = std::env::current_exe().context("impossible de trouver le programme clsm")?;
    let launcher = Launcher { exe, root, delai: bounds.delai, memoire: bounds.memoire };
    let preview = Arc::new(Preview::new(launcher));
    let started = Instant::now();
    let first = preview.rebuild(&mut || false);
    // An address to click: this machine's, when the preview listens on all of them.
    let shown = if listening.address.is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { listening.address };
    let url = format!("http://{}/", SocketAddr::new(shown, listening.port));
    println!("aperçu du site sur {url} (Ctrl-C pour arrêter)");
    let _ = std::io::stdout().flush();
    if let Some(first) = first {
        say(None, &first, started.elapsed());
    }
    stop_on_signals();
    match watching {
        Ok(watcher) => {
            let preview = preview.clone();
            std::thread::Builder::new()
                .name("surveillance".into())
                .spawn(move || rebuild_on_change(watcher, &preview))
                .context("impossible de lancer la surveillance des fichiers")?;
        }
        Err(e) => crate::note!(
            "{e:#}\n  aide : le site ne sera pas reconstruit à chaque enregistrement ; relancez `clsm serve` pour le voir à jour"
        ),
    }
    if args.ouvrir {
        open_browser(&url);
    }
    serve(&server, &preview, listening)?;
    eprintln!("aperçu arrêté");
    Ok(Outcome::Clean)
}

/// The child's side of `clsm serve`: one build, or one document, said on standard
/// output (see [`crate::serve::child`]).
pub fn run_child(repo: Option<&Path>, args: &ApercuArgs) -> Result<Outcome> {
    let root = load::find_root(repo)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    crate::serve::child::run(&root, args.document.as_deref(), &mut out)?;
    // The process ends right after: freeing the site page by page would only delay it.
    Ok(Outcome::Clean)
}

/// Listens `at`, or says in French why it cannot.
fn listen(at: Listening) -> Result<tiny_http::Server> {
    let address = SocketAddr::new(at.address, at.port);
    tiny_http::Server::http(address).map_err(|e| {
        use std::io::ErrorKind;
        let kind = e.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        let (why, help) = match kind {
            Some(ErrorKind::AddrInUse) => (
                format!("le port {} est déjà utilisé par un autre programme", at.port),
                format!("choisissez-en un autre avec `--port {}`", at.port.wrapping_add(1).max(1024)),
            ),
            Some(ErrorKind::AddrNotAvailable) => (
                format!("{} n'est pas une adresse de cette machine", at.address),
                "sans `--adresse`, l'aperçu écoute sur 127.0.0.1, cette machine seule".to_string(),
            ),
            Some(ErrorKind::PermissionDenied) => (
                format!("le port {} est réservé au système", at.port),
                "choisissez un port au-dessus de 1024, par exemple `--port 8080`".to_string(),
            ),
            _ => (e.to_string(), "vérifiez `--adresse` et `--port`".to_string()),
        };
        anyhow!("impossible d'écouter sur {address} : {why}\naide : {help}")
    })
}

/// Answers requests until Ctrl-C, each on a thread of its own: the pages up to
/// [`MOST_PAGES`] at once, the open pages waiting to reload up to [`MOST_STREAMS`].
fn serve(server: &tiny_http::Server, preview: &Arc<Preview>, at: Listening) -> Result<()> {
    let (pages, streams) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    while !STOP.load(Ordering::Relaxed) {
        let Some(request) = server.recv_timeout(Duration::from_millis(200)).context("l'aperçu ne reçoit plus")?
        else {
            continue;
        };
        let (count, most) = if http::is_stream(&request) { (&streams, MOST_STREAMS) } else { (&pages, MOST_PAGES) };
        if count.fetch_add(1, Ordering::AcqRel) >= most {
            count.fetch_sub(1, Ordering::AcqRel);
            http::busy(request);
            continue;
        }
        let (preview, held) = (preview.clone(), count.clone());
        let spawned = std::thread::Builder::new().name("requete".into()).spawn(move || {
            http::answer(&preview, request, at);
            held.fetch_sub(1, Ordering::AcqRel);
        });
        if spawned.is_err() {
            // No thread to be had: the request is dropped, the browser sees it closed.
            count.fetch_sub(1, Ordering::AcqRel);
        }
    }
    Ok(())
}

/// Builds the site again at each change of the sources, and says so. A build that
/// a newer change makes useless is stopped, and the next one starts at once.
fn rebuild_on_change(mut watcher: Watcher, preview: &Preview) {
    let mut changed: Vec<String> = Vec::new();
    while let Some(more) = watcher.next_change(&STOP) {
        changed.extend(more);
        let started = Instant::now();
        match preview.rebuild(&mut || watcher.poll() || STOP.load(Ordering::Relaxed)) {
            Some(rebuilt) => say(Some(&what_changed(&std::mem::take(&mut changed))), &rebuilt, started.elapsed()),
            // Stopped for a newer change: what changed adds up.
            None => continue,
        }
    }
}

/// `fiches/a.md` modifié, `a` et `b` modifiés, `a` et 3 autres fichiers modifiés.
fn what_changed(changed: &[String]) -> String {
    let mut names: Vec<String> = changed.iter().map(|p| crate::terminal::one_line(p)).collect();
    names.sort();
    names.dedup();
    match names.as_slice() {
        [] => "fichiers modifiés".to_string(),
        [one] if one == crate::serve::watch::EVERYTHING => "fichiers modifiés".to_string(),
        [one] => format!("`{one}` modifié"),
        [first, second] => format!("`{first}` et `{second}` modifiés"),
        [first, rest @ ..] => format!("`{first}` et {} autres fichiers modifiés", rest.len()),
    }
}

/// One line on what a build gave, and how long it took: after `what` changed, or
/// the first one.
fn say(what: Option<&str>, rebuilt: &Rebuilt, took: Duration) {
    // Milliseconds: what a preview is about.
    let took =
        if took < Duration::from_secs(1) { format!("{} ms", took.as_millis()) } else { crate::format::duration(took) };
    let head = what.map(|w| format!("{w} : ")).unwrap_or_default();
    let done = if what.is_some() { "site à jour" } else { "site construit" };
    match rebuilt {
        Rebuilt::Built { warnings: 0 } => crate::note!("{head}{done} en {took}"),
        Rebuilt::Built { warnings } => crate::note!(
            "{head}{done} en {took}, {} (`clsm check` les détaille)",
            crate::format::count(*warnings as f64, "avertissement", "avertissements")
        ),
        Rebuilt::Errors(n) => crate::note!(
            "{head}{}, en haut de chaque page de l'aperçu jusqu'à correction (en {took})",
            crate::format::count(*n as f64, "erreur", "erreurs")
        ),
        Rebuilt::Failed(why) => {
            crate::note!("{head}site impossible à construire (en {took}), l'erreur est en haut de chaque page");
            eprintln!("erreur : {}", crate::terminal::clean(why).replace('\n', "\n  "));
        }
    }
}

/// Ctrl-C and `kill` set [`STOP`], so that the preview ends cleanly.
fn stop_on_signals() {
    #[cfg(unix)]
    {
        extern "C" fn stop(_: libc::c_int) {
            STOP.store(true, Ordering::Relaxed);
        }
        let handler = stop as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: the handler only stores into an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(libc::SIGINT, handler);
            libc::signal(libc::SIGTERM, handler);
        }
    }
}

/// As many open files as the system allows this process: each open page holds a
/// connection, and the desktop's usual 1024 would run out first.
fn more_open_files() {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit and setrlimit read and write the struct they are given.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max {
                limit.rlim_cur = limit.rlim_max;
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
            }
        }
    }
}

/// Opens `url` in the browser of the desktop, or says to.
fn open_browser(url: &str) {
    let url = url.to_string();
    // The opener may take a while, or fail after starting: the preview goes on.
    let _ = std::thread::Builder::new().name("navigateur".into()).spawn(move || {
        let mut opener = if cfg!(target_os = "macos") {
            std::process::Command::new("open")
        } else if cfg!(windows) {
            let mut command = std::process::Command::new("cmd");
            command.args(["/C", "start", ""]);
            command
        } else {
            std::process::Command::new("xdg-open")
        };
        let opened = opener
            .arg(&url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        if !opened.is_ok_and(|s| s.success()) {
            crate::note!("aucun navigateur ne s'est ouvert : ouvrez {url} dans le vôtre");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_changed_is_said_in_a_few_words() {
        let of = |paths: &[&str]| what_changed(&paths.iter().map(|p| p.to_string()).collect::<Vec<_>>());
        assert_eq!(of(&["fiches/a.md"]), "`fiches/a.md` modifié");
        assert_eq!(of(&["fiches/a.md", "fiches/a.md"]), "`fiches/a.md` modifié");
        assert_eq!(of(&["b.md", "a.md"]), "`a.md` et `b.md` modifiés");
        assert_eq!(of(&["a", "b", "c", "d"]), "`a` et 3 autres fichiers modifiés");
        assert_eq!(of(&[crate::serve::watch::EVERYTHING]), "fichiers modifiés");
    }
}
