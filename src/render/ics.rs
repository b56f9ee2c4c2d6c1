//! The events of the contract as an iCalendar feed (RFC 5545), `calendrier.ics`,
//! that partners subscribe to in their agenda.
//!
//! Each event is a whole-day event over its date, to its `fin` if it has one: a
//! partial date covers its whole month or year. Its UID is its id with the
//! contract's, so that an agenda updates it rather than adding it again; nothing
//! depends on the day of the build (its stamp is the event's own date).

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::model::slugify;
use crate::views::site::{EvenementView, Site};

/// Escapes a text value (RFC 5545, 3.3.11): backslash, semicolon, comma, line breaks.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a character (RFC 5545, 3.1),
/// and ends it with CRLF.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn day(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// The event `e` as a VEVENT, its UID made with `domain` (the contract's slug);
/// `page` is the address of its entry in the calendar page, if the site has one.
fn event(e: &EvenementView, domain: &str, page: Option<&str>, out: &mut String) {
    let start = e.date.first_day();
    // DTEND is exclusive: the day after the last.
    let end = e.fin.unwrap_or(e.date).last_day().succ_opt().unwrap_or(NaiveDate::MAX);
    let mut description: Vec<String> = Vec::new();
    if let Some(t) = &e.r#type {
        description.push(t.libelle.to_string());
    }
    if let Some(theme) = &e.theme {
        description.push(format!("Thème : {theme}"));
    }
    if let Some(n) = e.participants {
        description.push(format!("{} participant{}", crate::format::number(n as f64, 0), if n > 1 { "s" } else { "" }));
    }
    if !e.partenaires.is_empty() {
        let names: Vec<&str> = e.partenaires.iter().map(|p| &*p.titre).collect();
        description.push(format!("Avec {}", names.join(", ")));
    }
    if !e.actions.is_empty() {
        let names: Vec<&str> = e.actions.iter().map(|a| &*a.titre).collect();
        description.push(format!("Actions : {}", names.join(", ")));
    }
    out.push_str("BEGIN:VEVENT\r\n");
    fold(&format!("UID:{}@{domain}.clsm", e.id), out);
    fold(&format!("DTSTAMP:{}T000000Z", day(start)), out);
    fold(&format!("DTSTART;VALUE=DATE:{}", day(start)), out);
    fold(&format!("DTEND;VALUE=DATE:{}", day(end)), out);
    fold(&format!("SUMMARY:{}", text(&e.titre)), out);
    if !description.is_empty() {
        fold(&format!("DESCRIPTION:{}", text(&description.join("\n"))), out);
    }
    if let Some(page) = page {
        fold(&format!("URL:{page}"), out);
    }
    out.push_str("TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n");
}

/// The calendar of `site`'s events. With `base` (the site's address, ending in
/// `/`), each event links its entry in the calendar page.
pub fn calendar(site: &Site, base: Option<&str>) -> String {
    let domain = slugify(&site.contrat.titre);
    let mut out = String::new();
    out.push_str(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//clsm//calendrier//FR\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n",
    );
    fold(&format!("X-WR-CALNAME:{}", text(&site.contrat.titre)), &mut out);
    let _ = write!(out, "X-WR-TIMEZONE:Europe/Paris\r\n");
    for e in site.evenements() {
        let page = base.map(|b| format!("{b}calendrier.html#{}", e.id));
        event(e, &domain, page.as_deref(), &mut out);
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_escaped_and_lines_folded_at_75_octets() {
        assert_eq!(text("Réunion; suivi, bilan\\fin\nligne"), "Réunion\\; suivi\\, bilan\\\\fin\\nligne");
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "é".repeat(50)), &mut out);
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.iter().all(|l| l.len() <= 75), "{lines:?}");
        assert!(lines[1].starts_with(' '));
        let unfolded: String = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(50)));
    }
}
