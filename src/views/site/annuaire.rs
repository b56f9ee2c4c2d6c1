//! The directory of partners, by type, with the actions each leads and joins.

use serde::Serialize;

use crate::model::checked::{Action, Ix, Partenaire};
use crate::model::vocab;
use crate::views::{Lien, Mot, Names, Text, mail_url, web_url};

/// Partners of one type.
#[derive(Debug, Serialize)]
pub struct GroupePartenaires {
    /// The type (the empty word for partners without one).
    pub r#type: Mot,
    pub partenaires: Vec<PartenaireView>,
}

/// A partner of the directory, with the actions it leads and joins.
#[derive(Debug, Serialize)]
pub struct PartenaireView {
    pub id: Text,
    pub nom: String,
    pub sigle: Option<String>,
    pub r#type: Option<Mot>,
    pub secteurs: Vec<Mot>,
    pub adresse: Option<String>,
    pub commune: Option<String>,
    pub coordonnees: Option<(f64, f64)>,
    pub site: Option<String>,
    /// The site as a link target, when it is a plain web address.
    pub site_url: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
    /// The address as a `mailto:` link, when it looks like one.
    pub email_url: Option<String>,
    pub fondateur: Option<bool>,
    pub instances: Vec<Mot>,
    /// Personal contacts: empty unless the set is internal.
    pub contacts: Vec<ContactView>,
    /// The actions it leads and those it joins, pistes apart.
    pub porte: Vec<Lien>,
    pub participe: Vec<Lien>,
    /// The pistes d'actions it leads or joins.
    pub pistes: Vec<Lien>,
    /// Its own text, Markdown.
    pub corps: String,
}

#[derive(Debug, Serialize)]
pub struct ContactView {
    pub nom: String,
    pub fonction: Option<String>,
    pub email: Option<String>,
    pub telephone: Option<String>,
}

fn partner_view(names: &Names, p: &Partenaire, interne: bool) -> PartenaireView {
    let contacts = if interne { p.contacts.as_slice() } else { &[] };
    let engaged = |actions: &[Ix<Action>]| -> Vec<Lien> {
        actions.iter().filter(|a| !names.repo.action(**a).est_piste()).map(|a| names.action(*a)).collect()
    };
    PartenaireView {
        id: p.id.clone(),
        nom: p.nom.to_string(),
        sigle: p.sigle.clone(),
        r#type: names.word(&vocab::TYPE_PARTENAIRE, &p.r#type),
        secteurs: names.words(&vocab::SECTEURS, &p.secteurs),
        adresse: p.adresse.clone(),
        commune: p.commune.clone(),
        coordonnees: p.coordonnees,
        site: p.site.clone(),
        site_url: p.site.as_deref().and_then(web_url),
        telephone: p.telephone.clone(),
        email: p.email.clone(),
        email_url: p.email.as_deref().and_then(mail_url),
        fondateur: p.fondateur,
        instances: names.words(&vocab::INSTANCES, &p.instances),
        contacts: contacts
            .iter()
            .map(|c| ContactView {
                nom: c.nom.clone(),
                fonction: c.fonction.clone(),
                email: c.email.clone(),
                telephone: c.telephone.clone(),
            })
            .collect(),
        porte: engaged(&p.porte),
        participe: engaged(&p.participe),
        pistes: p
            .porte
            .iter()
            .chain(&p.participe)
            .filter(|a| names.repo.action(**a).est_piste())
            .map(|a| names.action(*a))
            .collect(),
        corps: p.corps.clone(),
    }
}

/// Partners grouped by type (vocabulary order, untyped last), by name within a type.
pub(super) fn directory(names: &Names, interne: bool) -> Vec<GroupePartenaires> {
    let mut types = names.repo.vocab.words(&vocab::TYPE_PARTENAIRE);
    types.push(String::new());
    let mut partners: Vec<&Partenaire> = names.repo.partenaires.iter().collect();
    partners.sort_by_cached_key(|p| p.nom.to_lowercase());
    types
        .into_iter()
        .filter_map(|t| {
            let members: Vec<PartenaireView> = partners
                .iter()
                .filter(|p| p.r#type.as_deref().unwrap_or_default() == t)
                .map(|p| partner_view(names, p, interne))
                .collect();
            if members.is_empty() {
                return None;
            }
            let r#type = names.lexicon.word_or_absent(&vocab::TYPE_PARTENAIRE, Some(&t));
            Some(GroupePartenaires { r#type, partenaires: members })
        })
        .collect()
}
