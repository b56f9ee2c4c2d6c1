//! The HTTP side of `clsm serve`: what a request asks for, refused when it names
//! anything but a page of the site, and the answer.
//!
//! Pages are looked up by name in the site held in memory: no request ever reaches
//! the file system, so `/../clsm.toml` and its encoded forms find nothing. They are
//! refused all the same, with a clear answer, as is a request whose `Host` is not
//! this machine (a web page elsewhere could otherwise reach the preview through
//! DNS rebinding) or that a page of another site sends.

use std::io::Write;
use std::net::IpAddr;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::serve::{Preview, SCRIPT, Snapshot};

/// The folder of the preview's own addresses, which no page of a site can have
/// (a site's paths start with a letter or a digit).
const OWN: &str = "/_clsm/";

/// The longest address a request may ask for: a page of the site is far shorter.
const LONGEST_URL: usize = 2048;

/// How often a page waiting to reload is written to, so that one closed is seen.
const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// Where the preview listens.
#[derive(Debug, Clone, Copy)]
pub struct Listening {
    pub address: IpAddr,
    pub port: u16,
}

impl Listening {
    /// Only this machine may ask.
    fn loopback_only(&self) -> bool {
        self.address.is_loopback()
    }
}

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page or a document of the site, by its path (`actions/x.html`).
    Page(String),
    /// The reload script.
    Script,
    /// The stream that tells a page to reload, for a page of build `since`
    /// (`SESSION-N`).
    Events { since: String },
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Its path goes up (`..`), or hides a separator or a NUL in an escape.
    Path,
    /// It is not about this machine.
    Host,
    /// Not a GET or a HEAD.
    Method,
    /// Sent by a page of another site.
    Origin,
    /// Longer than any address of the site.
    Length,
}

/// What `url` (`/actions/x.html?q#f`, or its absolute form) asks for: `..`, `.`
/// and empty segments, `\`, NUL and escapes that are not UTF-8 are refused.
pub fn target(url: &str) -> Result<Target, Refused> {
    if url.len() > LONGEST_URL {
        return Err(Refused::Length);
    }
    // `GET http://127.0.0.1:8080/index.html`: the absolute form names the host too.
    let url = match url.split_once("://") {
        Some(("http" | "https", rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
        _ => url,
    };
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = path.split('#').next().unwrap_or_default();
    if path == "/_clsm/apercu.js" {
        return Ok(Target::Script);
    }
    if path == "/_clsm/evenements" {
        let since = query.split('&').find_map(|pair| pair.strip_prefix("depuis=")).unwrap_or_default();
        return Ok(Target::Events { since: since.to_string() });
    }
    let decoded = percent_decode(path).ok_or(Refused::Path)?;
    let relative = decoded.strip_prefix('/').ok_or(Refused::Path)?;
    if decoded.starts_with(OWN) || relative.contains(['\\', '\0']) {
        return Err(Refused::Path);
    }
    if relative.is_empty() {
        return Ok(Target::Page("index.html".into()));
    }
    let folder = relative.ends_with('/');
    let relative = relative.strip_suffix('/').unwrap_or(relative);
    if relative.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
        return Err(Refused::Path);
    }
    Ok(Target::Page(if folder { format!("{relative}/index.html") } else { relative.to_string() }))
}

/// `%XX` escapes decoded; `None` when one is broken or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether the `Host` a request names is this machine where it listens: a browser
/// sends it, and a page of another site reaching the preview by DNS rebinding would
/// name its own. Any host is accepted when the preview listens beyond the loopback.
pub fn host_allowed(host: Option<&str>, at: Listening) -> bool {
    if !at.loopback_only() {
        return true;
    }
    let Some(host) = host else { return false };
    let name = match host.rsplit_once(':') {
        Some((name, p)) if !name.is_empty() && !host.ends_with(']') => {
            if p.parse() != Ok(at.port) {
                return false;
            }
            name
        }
        _ => host,
    };
    let name = name.to_ascii_lowercase();
    let own = match at.address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    };
    matches!(name.as_str(), "localhost" | "127.0.0.1" | "[::1]") || name == own
}

/// Whether a request comes from a page of another site, other than by following a
/// link: browsers say so in `Sec-Fetch-Site`, and in `Origin` for the requests that
/// carry one. Such a page cannot read the answer, but could make the preview build
/// documents behind the person's back.
fn cross_site(request: &Request, at: Listening) -> bool {
    let header = |name: &'static str| request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str());
    if header("Sec-Fetch-Site") == Some("cross-site") && header("Sec-Fetch-Mode") != Some("navigate") {
        return true;
    }
    header("Origin").is_some_and(|origin| match origin.strip_prefix("http://") {
        Some(host) => !host_allowed(Some(host), at),
        None => true,
    })
}

/// The media type of a file of the site, by its extension.
fn media_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("geojson") => "application/geo+json",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("ics") => "text/calendar; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    // Names and values are ours: ASCII, without line breaks.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|()| {
        Header::from_bytes(&b"X-Clsm"[..], &b"1"[..]).unwrap_or_else(|()| unreachable!("a valid header"))
    })
}

/// A response with the headers every answer of the preview carries: never cached,
/// never sniffed, and its length said (a browser shows how much of a PDF is left).
fn response(status: u16, media: &str, body: Vec<u8>) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body)
        .with_chunked_threshold(usize::MAX)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", media))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

/// `html` with the preview's banner at the top of its body (when `banner` is
/// some), after the link that skips to the content, and the reload script at its
/// end, which says which build it comes from.
pub fn with_preview(html: &[u8], banner: Option<&str>, generation: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let lower = text.to_ascii_lowercase();
    let script = format!("<script src=\"/_clsm/apercu.js\" data-generation=\"{generation}\"></script>\n");
    let after = |at: usize, close: &str| lower[at..].find(close).map(|end| at + end + close.len());
    let body = lower.find("<body").and_then(|at| after(at, ">"));
    let skip = body.and_then(|b| lower[b..].find("class=\"evitement\"").map(|at| b + at));
    let body_start = skip.and_then(|at| after(at, "</a>")).or(body);
    let body_end = lower.rfind("</body>");
    let mut out = String::with_capacity(text.len() + script.len() + banner.map_or(0, str::len));
    match (body_start, body_end) {
        (Some(start), Some(end)) if start <= end => {
            out.push_str(&text[..start]);
            out.push('\n');
            out.push_str(banner.unwrap_or_default());
            out.push_str(&text[start..end]);
            out.push_str(&script);
            out.push_str(&text[end..]);
        }
        _ => {
            out.push_str(banner.unwrap_or_default());
            out.push_str(&text);
            out.push_str(&script);
        }
    }
    out.into_bytes()
}

/// A page of the preview's own, in French: no such page, a refusal, or the site
/// not built yet; with the banner and the reload script, so that it turns into the
/// page asked for as soon as there is one.
fn own_page(status: u16, title: &str, text: &str, snapshot: &Snapshot) -> Response<std::io::Cursor<Vec<u8>>> {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} – aperçu clsm</title>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/index.html\">Accueil du site</a></p>\n</main>\n</body>\n</html>\n",
        escape(title),
        escape(title),
        escape(text)
    );
    let body = with_preview(html.as_bytes(), snapshot.banner(), &snapshot.generation);
    response(status, "text/html; charset=utf-8", body)
}

/// What a request asks for, or why it is refused.
fn checked(request: &Request, at: Listening) -> Result<Target, Refused> {
    let host = request.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str());
    if !matches!(request.method(), Method::Get | Method::Head) {
        Err(Refused::Method)
    } else if !host_allowed(host, at) {
        Err(Refused::Host)
    } else if cross_site(request, at) {
        Err(Refused::Origin)
    } else {
        target(request.url())
    }
}

/// Whether `request` asks for the stream of reload events: it holds a connection
/// as long as its page is open.
pub fn is_stream(request: &Request) -> bool {
    *request.method() == Method::Get && request.url().starts_with("/_clsm/evenements")
}

/// Answers one request, the preview listening `at`.
pub fn answer(preview: &Preview, request: Request, at: Listening) {
    let snapshot = preview.latest();
    let reply = match checked(&request, at) {
        Err(Refused::Path) => own_page(400, "Adresse refusée", "Cette adresse sort du site.", &snapshot),
        Err(Refused::Host) => own_page(403, "Hôte refusé", "L'aperçu ne répond qu'à cette machine.", &snapshot),
        Err(Refused::Origin) => own_page(403, "Demande refusée", "L'aperçu ne répond pas aux autres sites.", &snapshot),
        Err(Refused::Method) => own_page(405, "Méthode refusée", "L'aperçu ne fait que montrer des pages.", &snapshot),
        Err(Refused::Length) => {
            own_page(414, "Adresse trop longue", "Aucune page du site n'a une adresse si longue.", &snapshot)
        }
        Ok(Target::Events { .. }) if *request.method() == Method::Head => {
            response(200, "text/event-stream", Vec::new())
        }
        Ok(Target::Events { since }) => return events(preview, request, &since),
        Ok(Target::Script) => response(200, "text/javascript; charset=utf-8", SCRIPT.as_bytes().to_vec()),
        Ok(Target::Page(path)) => page(preview, &snapshot, &path),
    };
    // A browser that went away is no error of the preview's. For a HEAD request,
    // tiny_http sends the headers alone.
    let _ = request.respond(reply);
}

/// A plain answer of « too busy », for a request beyond what the preview takes.
pub fn busy(request: Request) {
    let _ = request.respond(response(503, "text/plain; charset=utf-8", "aperçu occupé : réessayez".into()));
}

/// The page or document at `path`, from `snapshot`.
fn page(preview: &Preview, snapshot: &Snapshot, path: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let found = match snapshot.page(path) {
        Some(bytes) => Ok(Some(bytes)),
        None => snapshot.document(&preview.launcher, path),
    };
    match found {
        Ok(Some(bytes)) if path.ends_with(".html") => {
            let body = with_preview(&bytes, snapshot.banner(), &snapshot.generation);
            response(200, media_type(path), body)
        }
        Ok(Some(bytes)) => response(200, media_type(path), bytes.to_vec()),
        Ok(None) if !snapshot.has_pages() => own_page(
            503,
            "Site pas encore construit",
            "Le site n'a pas encore pu être construit : corrigez les erreurs ci-dessus.",
            snapshot,
        ),
        Ok(None) => own_page(404, "Page introuvable", &format!("Le site n'a pas de page « {path} »."), snapshot),
        Err(why) => own_page(500, "Document impossible à faire", &why, snapshot),
    }
}

/// The stream of `recharge` events (server-sent events): one as soon as the site
/// is newer than the page of build `since`, which then reloads; until then, a
/// comment every few seconds, so that a closed page is noticed.
fn events(preview: &Preview, request: Request, since: &str) {
    let mut out = request.into_writer();
    let head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if out.write_all(head.as_bytes()).and_then(|()| out.flush()).is_err() {
        return;
    }
    loop {
        let newer = preview.wait_newer(since, KEEP_ALIVE);
        let message = if newer { "event: recharge\ndata: \n\n" } else { ": rien\n\n" };
        if out.write_all(message.as_bytes()).and_then(|()| out.flush()).is_err() || newer {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_the_site_are_found_and_ways_out_are_refused() {
        assert_eq!(target("/"), Ok(Target::Page("index.html".into())));
        assert_eq!(target("/actions/fiche-15.html?x=1#haut"), Ok(Target::Page("actions/fiche-15.html".into())));
        assert_eq!(target("/fiches/"), Ok(Target::Page("fiches/index.html".into())));
        assert_eq!(target("/caf%C3%A9.html"), Ok(Target::Page("café.html".into())));
        assert_eq!(target("/_clsm/evenements?depuis=a1-7"), Ok(Target::Events { since: "a1-7".into() }));
        assert_eq!(target("/_clsm/apercu.js"), Ok(Target::Script));
        assert_eq!(target("http://127.0.0.1:8080/index.html"), Ok(Target::Page("index.html".into())));
        assert_eq!(target(&format!("/{}.pdf", "a".repeat(3000))), Err(Refused::Length));
        for hostile in [
            "/../clsm.toml",
            "/actions/../../clsm.toml",
            "/%2e%2e/clsm.toml",
            "/%2E%2E%2Fclsm.toml",
            "/..%2fclsm.toml",
            "/..%5cclsm.toml",
            "/actions/%00.html",
            "//etc/passwd",
            "/./index.html",
            "/%ff.html",
            "/%2",
            "/_clsm/../clsm.toml",
            "/%5f%63lsm/autre",
            "clsm.toml",
            "http://exemple.fr/../clsm.toml",
        ] {
            assert_eq!(target(hostile), Err(Refused::Path), "{hostile}");
        }
    }

    #[test]
    fn only_this_machine_may_ask() {
        let at = |address: &str| Listening { address: address.parse().unwrap(), port: 8080 };
        for host in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080", "localhost"] {
            assert!(host_allowed(Some(host), at("127.0.0.1")), "{host}");
        }
        for host in ["exemple.fr:8080", "127.0.0.1:9090", "127.0.0.1.exemple.fr:8080", "[::1]:80", "127.0.0.2:8080"] {
            assert!(!host_allowed(Some(host), at("127.0.0.1")), "{host}");
        }
        assert!(host_allowed(Some("127.0.0.2:8080"), at("127.0.0.2")), "the address it listens on");
        assert!(!host_allowed(None, at("127.0.0.1")));
        assert!(host_allowed(Some("exemple.fr"), at("0.0.0.0")));
    }

    #[test]
    fn the_banner_opens_the_body_and_the_script_closes_it() {
        let html = b"<!DOCTYPE html><html><head></head><BODY class=\"x\"><p>page</p></body></html>";
        let out = String::from_utf8(with_preview(html, Some("<section>erreurs</section>"), "s-4")).unwrap();
        assert_eq!(
            out,
            "<!DOCTYPE html><html><head></head><BODY class=\"x\">\n<section>erreurs</section><p>page</p>\
             <script src=\"/_clsm/apercu.js\" data-generation=\"s-4\"></script>\n</body></html>"
        );
        let bare = String::from_utf8(with_preview(b"texte", None, "s-1")).unwrap();
        assert!(bare.starts_with("texte<script"), "{bare}");
        // The link that skips to the content stays the first thing of the page.
        let site = b"<body>\n<a class=\"evitement\" href=\"#contenu\">Aller au contenu</a>\n<header></header></body>";
        let out = String::from_utf8(with_preview(site, Some("<section>erreurs</section>"), "s-2")).unwrap();
        assert!(
            out.starts_with(
                "<body>\n<a class=\"evitement\" href=\"#contenu\">Aller au contenu</a>\n<section>erreurs</section>\n<header>"
            ),
            "{out}"
        );
    }
}
