//! `clsm serve`: the site in the browser, built again at each save, with the
//! repository's errors at the top of every page until they are fixed.

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};

use crate::cli::ServeArgs;
use crate::cmd::Outcome;
use crate::load;
use crate::serve::watch::Watcher;
use crate::serve::{Preview, Rebuilt, http};

/// Set by Ctrl-C (or `kill`): the preview stops.
static STOP: AtomicBool = AtomicBool::new(false);

/// The most requests answered at once; more wait for an answer of « too busy ».
const MOST_REQUESTS: usize = 64;

pub fn run(repo: Option<&Path>, args: &ServeArgs) -> Result<Outcome> {
    let root = load::find_root(repo)?;
    // The preview runs for hours; each of its builds and documents is bounded.
    crate::limits::per_work();
    let address = SocketAddr::new(args.adresse, args.port);
    let server = tiny_http::Server::http(address).map_err(|e| {
        anyhow!(
            "impossible d'écouter sur {address} : {e}\naide : un autre programme utilise peut-être ce port ; \
             choisissez-en un autre avec `--port {}`",
            args.port.wrapping_add(1).max(1024)
        )
    })?;
    let port = server.server_addr().to_ip().map_or(args.port, |a| a.port());
    let loopback_only = args.adresse.is_loopback();
    if !loopback_only {
        eprintln!(
            "attention : l'aperçu écoute sur {}, il est visible des autres machines du réseau qui peuvent \
             joindre celle-ci ; sans `--adresse`, il n'est visible que d'ici",
            args.adresse
        );
    }
    // Watching starts before the first build: a change made meanwhile is not missed.
    let watching = Watcher::new(&root);
    let preview = Arc::new(Preview::new(&root));
    let started = Instant::now();
    let first = preview.rebuild(crate::cmd::today());
    // An address to click: this machine's, when the preview listens on all of them.
    let shown = if args.adresse.is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { args.adresse };
    let url = format!("http://{}/", SocketAddr::new(shown, port));
    println!("aperçu du site sur {url} (Ctrl-C pour arrêter)");
    let _ = std::io::stdout().flush();
    say(&preview, None, &first, started.elapsed());
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
    let busy = Arc::new(AtomicUsize::new(0));
    while !STOP.load(Ordering::Relaxed) {
        let Some(request) = server.recv_timeout(Duration::from_millis(200)).context("l'aperçu ne reçoit plus")?
        else {
            continue;
        };
        if busy.fetch_add(1, Ordering::AcqRel) >= MOST_REQUESTS {
            busy.fetch_sub(1, Ordering::AcqRel);
            let _ = request.respond(tiny_http::Response::from_string("occupé").with_status_code(503));
            continue;
        }
        let (preview, busy) = (preview.clone(), busy.clone());
        let spawned = std::thread::Builder::new().name("requete".into()).spawn(move || {
            http::answer(&preview, request, port, loopback_only);
            busy.fetch_sub(1, Ordering::AcqRel);
        });
        if spawned.is_err() {
            // No thread to be had: the request is dropped, the browser sees it closed.
            continue;
        }
    }
    eprintln!("aperçu arrêté");
    Ok(Outcome::Clean)
}

/// Builds the site again at each change of the sources, and says so.
fn rebuild_on_change(mut watcher: Watcher, preview: &Preview) {
    while let Some(changed) = watcher.next_change(&STOP) {
        let started = Instant::now();
        let rebuilt = preview.rebuild(crate::cmd::today());
        let what = match changed.as_slice() {
            [] => "fichiers modifiés".to_string(),
            [one] => format!("`{}` modifié", crate::terminal::one_line(one)),
            [first, second] => {
                format!("`{}` et `{}` modifiés", crate::terminal::one_line(first), crate::terminal::one_line(second))
            }
            [first, rest @ ..] => {
                format!("`{}` et {} autres fichiers modifiés", crate::terminal::one_line(first), rest.len())
            }
        };
        say(preview, Some(&what), &rebuilt, started.elapsed());
    }
}

/// One line on what a build gave, and how long it took: after `what` changed, or
/// the first one.
fn say(preview: &Preview, what: Option<&str>, rebuilt: &Rebuilt, took: Duration) {
    // Milliseconds: what a preview is about.
    let took =
        if took < Duration::from_secs(1) { format!("{} ms", took.as_millis()) } else { crate::format::duration(took) };
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n > 1 { many } else { one });
    let head = match what {
        Some(what) => format!("{what} : "),
        None => String::new(),
    };
    let done = if what.is_some() { "site à jour" } else { "site construit" };
    match rebuilt {
        Rebuilt::Built { warnings: 0 } => crate::note!("{head}{done} en {took}"),
        Rebuilt::Built { warnings } => crate::note!(
            "{head}{done} en {took}, {} (`clsm check` les détaille)",
            plural(*warnings, "avertissement", "avertissements")
        ),
        Rebuilt::Errors(n) => crate::note!(
            "{head}{}, en haut de chaque page de l'aperçu jusqu'à correction (en {took})",
            plural(*n, "erreur", "erreurs")
        ),
        Rebuilt::Failed => {
            let failure = preview.latest().failure.clone().unwrap_or_default();
            crate::note!("{head}site impossible à construire (en {took})");
            eprintln!("erreur : {}", crate::terminal::clean(&failure).replace('\n', "\n  "));
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

/// Opens `url` in the browser of the desktop, or says to.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if opener.is_err() {
        crate::note!("ouvrez {url} dans votre navigateur");
    }
}
