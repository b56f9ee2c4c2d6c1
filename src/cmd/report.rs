//! `clsm report`: where the contract stands, for the coordinator.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Result, bail};

use crate::cli::{ReportArgs, ReportFormat};
use crate::cmd::{Outcome, emit, load_for_report, reference_date, signature};
use crate::render::Renderer;
use crate::views::report::{self, Scope};
use crate::{render, suggest};

pub fn run(repo: Option<&Path>, args: &ReportArgs) -> Result<Outcome> {
    let date = reference_date(args.date);
    let Some((loaded, omissions, errors)) = load_for_report(repo, date)? else { return Ok(Outcome::Problems) };
    if let Some(axe) = &args.axe {
        let axes: Vec<&str> = loaded.repo.axes.iter().map(|a| &*a.id).collect();
        if !axes.contains(&axe.as_str()) {
            let all = format!("axes du contrat : {}", crate::model::yaml::quoted_list(&axes));
            let help = match suggest::did_you_mean(axe, axes.iter().copied()) {
                Some(near) => format!("{near} {all}"),
                None => all,
            };
            bail!("axe inconnu `{axe}`\naide : {help}");
        }
    }
    let scope = match (args.date.is_some(), args.annee) {
        (false, Some(annee)) => Scope::year(annee, date),
        (_, annee) => Scope { annee: annee.unwrap_or_else(|| Scope::on(date).annee), ..Scope::on(date) },
    };
    let mut report = report::report(&loaded.repo, scope, args.axe.as_deref());
    report.en_erreur = omissions;
    let (text, marker) = match args.format {
        ReportFormat::Texte => {
            let color = crate::cmd::color(args.out.is_none() && std::io::stdout().is_terminal());
            (render::text::report(&report, color), signature::TEXT)
        }
        ReportFormat::Md => {
            (render::documents::report_markdown(&Renderer::new(&loaded.root)?, &report)?, signature::COMMENT)
        }
        ReportFormat::Html => {
            (render::documents::report_html(&Renderer::new(&loaded.root)?, &report)?, signature::COMMENT)
        }
        ReportFormat::Json => {
            let mut json = serde_json::to_string_pretty(&report)?;
            json.push('\n');
            (json, signature::JSON)
        }
    };
    emit(args.out.as_deref(), &text, marker, &loaded.root)?;
    Ok(if errors { Outcome::Problems } else { Outcome::Clean })
}
