//! `clsm report` in the terminal: what needs attention first, then each axis as a
//! compact table, the indicators, the year's meetings and the money.

use std::fmt::Write as _;

use crate::format;
use crate::terminal::one_line;
use crate::views::report::{ActionEtat, IndicateurEtat, Report};

/// ANSI styles, or nothing when the output is not a terminal.
struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// User text cut to `width` characters, with an ellipsis; what would act on the
/// terminal is shown escaped.
fn fit(text: &str, width: usize) -> String {
    let text = one_line(text);
    if text.chars().count() <= width {
        return text;
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Pads `text` to `width` characters (French text: count characters, not bytes).
fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    format!("{text}{}", " ".repeat(width.saturating_sub(n)))
}

/// Lays out rows as columns separated by two spaces; the last column is not padded.
fn table(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, cell)| if i + 1 == row.len() { cell.clone() } else { pad(cell, widths[i]) })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

fn action_line(a: &ActionEtat) -> String {
    let numero = a.numero.as_deref().map(|n| format!("{}. ", one_line(n))).unwrap_or_default();
    format!("{numero}{}", fit(&a.titre, 60))
}

fn indicator_value(i: &IndicateurEtat) -> String {
    let unit = i.unite.as_deref();
    match (i.derniere, i.total) {
        (Some(p), Some(t)) => {
            format!(
                "{} ({}), total {}",
                format::value(p.valeur, unit),
                format::date(&p.date),
                format::value(t.valeur, unit)
            )
        }
        (Some(p), None) => format!("{} ({})", format::value(p.valeur, unit), format::date(&p.date)),
        (None, _) => "aucune mesure".into(),
    }
}

/// A period of targets in words: « 2024 – 2025 (en cours) : 45 sur 40, 112,5 %,
/// cible atteinte ».
fn period_line(i: &IndicateurEtat, p: &crate::views::indicators::PeriodeCible) -> String {
    let unit = i.unite.as_deref();
    let span = match (p.debut, p.echeance) {
        (Some(d), Some(e)) if d != e => format!("{} – {}", format::date(&d), format::date(&e)),
        (_, Some(e)) => format::date(&e),
        (_, None) => "le contrat".into(),
    };
    let current = if p.en_cours { " (en cours)" } else { "" };
    let figures = match p.valeur {
        Some(v) => {
            let mut text = format!("{} sur {}", format::value(v, unit), format::value(p.cible, unit));
            if let Some(a) = p.atteinte {
                text.push_str(&format!(", {}", format::percent(a)));
            }
            if p.cible_atteinte {
                text.push_str(", cible atteinte");
            }
            text
        }
        None => format!("cible {}, pas encore de mesure", format::value(p.cible, unit)),
    };
    format!("{span}{current} : {figures}")
}

fn target(i: &IndicateurEtat) -> String {
    match (i.cible, i.echeance) {
        (Some(c), Some(e)) => format!("{} en {}", format::value(c, i.unite.as_deref()), format::date(&e)),
        (Some(c), None) => format::value(c, i.unite.as_deref()),
        _ => "—".into(),
    }
}

/// The report as terminal text; `color` adds ANSI colours.
pub fn report(r: &Report, color: bool) -> String {
    let s = Style { on: color };
    let mut out = String::new();
    let _ = writeln!(out, "{}", s.bold(&format!("{} — situation au {}", one_line(&r.titre), format::date(&r.date))));
    let total: usize = r.par_statut.iter().map(|c| c.nombre).sum();
    let statuts: Vec<String> =
        r.par_statut.iter().map(|c| format!("{} : {}", one_line(&c.libelle), c.nombre)).collect();
    if !r.en_erreur.is_empty() {
        let n = r.en_erreur.len();
        let title = format!("Fiches en erreur, hors de ce rapport : {n}");
        let _ = writeln!(out, "\n{}", s.paint("31", &s.bold(&title)));
        for f in &r.en_erreur {
            let name = f.titre.as_deref().map(|t| format!(" — {}", one_line(t))).unwrap_or_default();
            let why = match (&f.cause, f.erreurs) {
                (Some(cause), _) => one_line(cause),
                (None, 1) => "1 erreur".to_string(),
                (None, n) => format!("{n} erreurs"),
            };
            let _ = writeln!(out, "  {}{name} : {why}", one_line(&f.fichier));
        }
        let _ = writeln!(out, "  (`clsm check` les détaille)\n");
    }
    let actions = if total > 1 { "actions" } else { "action" };
    let _ = writeln!(out, "{}", format!("{total} {actions}. {}", statuts.join(" ; ")).trim_end());

    if !r.en_retard.is_empty() || !r.sans_nouvelles.is_empty() || !r.hors_trajectoire.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("À surveiller"));
        for a in &r.en_retard {
            let fin = a.fin.map(|f| format::date(&f)).unwrap_or_default();
            let statut =
                a.statut.as_ref().map_or("statut non renseigné".to_string(), |m| one_line(&m.libelle.to_lowercase()));
            let _ = writeln!(
                out,
                "  {} {} — fin prévue {fin}, {statut}",
                s.paint("31", &pad("en retard", 16)),
                action_line(a)
            );
        }
        for a in &r.sans_nouvelles {
            let depuis = match &a.dernier_avancement {
                Some(e) => format!("dernière nouvelle {}", format::date(&e.date)),
                None => "aucun avancement noté".into(),
            };
            let _ = writeln!(out, "  {} {} — {depuis}", s.paint("33", &pad("sans nouvelles", 16)), action_line(a));
        }
        for i in &r.hors_trajectoire {
            let _ = writeln!(
                out,
                "  {} {} — {}, cible {}",
                s.paint("33", "hors trajectoire"),
                fit(&i.libelle, 60),
                indicator_value(i),
                target(i)
            );
        }
    }

    for axe in &r.axes {
        let _ = writeln!(out, "\n{}", s.bold(&format!("Axe {} : {}", one_line(&axe.id), one_line(&axe.titre))));
        if axe.actions.is_empty() {
            let _ = writeln!(out, "  aucune action engagée");
        }
        let mut rows =
            vec![vec!["Action".to_string(), "Statut".into(), "Dernière nouvelle".into(), "Objectifs".into()]];
        for a in &axe.actions {
            let mut alerts = Vec::new();
            if a.en_retard {
                alerts.push("en retard");
            }
            if a.sans_nouvelles {
                alerts.push("sans nouvelles");
            }
            let last = a.dernier_avancement.as_ref().map(|e| format::date(&e.date)).unwrap_or_else(|| "—".into());
            let objectives = if a.objectifs_total > 0 {
                format!("{}/{}", a.objectifs_realises, a.objectifs_total)
            } else {
                "—".into()
            };
            let statut = a.statut.as_ref().map_or("—".to_string(), |m| one_line(&m.libelle));
            let alert = if alerts.is_empty() { String::new() } else { format!("  ⚠ {}", alerts.join(", ")) };
            rows.push(vec![action_line(a), statut, last, format!("{objectives}{alert}")]);
        }
        if rows.len() > 1 {
            for (i, line) in table(&rows).into_iter().enumerate() {
                let line = if i == 0 { s.paint("2", &line) } else { line };
                let _ = writeln!(out, "  {line}");
            }
        }
        if axe.pistes > 0 {
            let _ =
                writeln!(out, "  {} piste{} d'actions à l'étude", axe.pistes, if axe.pistes > 1 { "s" } else { "" });
        }
    }

    if !r.indicateurs.is_empty() {
        let _ = writeln!(out, "\n{}", s.bold("Indicateurs"));
        let mut rows = vec![vec![
            "Indicateur".to_string(),
            "Dernière valeur".into(),
            "Cible".into(),
            "Atteinte".into(),
            "Trajectoire".into(),
        ]];
        for i in &r.indicateurs {
            let attainment = match (i.atteinte, i.cible_atteinte) {
                (Some(a), true) => format!("{}, cible atteinte", format::percent(a)),
                (Some(a), false) => format::percent(a),
                (None, true) => "cible atteinte".into(),
                (None, false) => "—".into(),
            };
            let track = match i.en_bonne_voie {
                Some(true) => "en bonne voie",
                Some(false) => "hors trajectoire",
                None => "—",
            };
            rows.push(vec![fit(&i.libelle, 55), indicator_value(i), target(i), attainment, track.into()]);
        }
        for (i, line) in table(&rows).into_iter().enumerate() {
            let line = if i == 0 { s.paint("2", &line) } else { line };
            let _ = writeln!(out, "  {line}");
        }
        for i in r.indicateurs.iter().filter(|i| !i.periodes.is_empty()) {
            let _ = writeln!(out, "  {} — cibles par période :", fit(&i.libelle, 70));
            for p in &i.periodes {
                let _ = writeln!(out, "    {}", period_line(i, p));
            }
        }
    }

    let _ = writeln!(
        out,
        "\n{}",
        s.bold(&format!(
            "Réunions et événements en {} : {}, {}",
            r.annee,
            r.reunions,
            format::participants(r.participants, r.sans_decompte, r.reunions)
        ))
    );
    for e in &r.evenements {
        let _ = writeln!(
            out,
            "  {} : {}, {}",
            one_line(&e.r#type.libelle),
            e.nombre,
            format::participants(e.participants, e.sans_decompte, e.nombre)
        );
    }
    let b = &r.budget;
    let sum = |x: &crate::views::report::Somme| format::sum(x.montant, x.lignes, x.sans_montant);
    let _ = writeln!(
        out,
        "\n{} prévu {} ; acquis {}, pressenti {}",
        s.bold("Budget :"),
        sum(&b.prevu),
        sum(&b.acquis),
        sum(&b.pressenti)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_characters() {
        let rows = vec![vec!["Échéance".to_string(), "x".into()], vec!["a".into(), "y".into()]];
        assert_eq!(table(&rows), ["Échéance  x", "a         y"]);
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }
}
