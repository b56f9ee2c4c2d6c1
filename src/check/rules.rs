//! The rules of `clsm check`, one function each.

use std::collections::{BTreeSet, HashMap};

use crate::check::Context;
use crate::diag::{At, Code, Diagnostic, YamlPath};
use crate::load::CONFIG_FILE;
use crate::model::bounds::{DISTINCT, LATITUDES, LONGITUDES, MAX_PARTICIPANTS, PERCENT};
use crate::model::vocab::{self, Vocab, Word, is_word};
use crate::model::yaml::{assign_text, quoted_list};
use crate::model::{Kind, Montant, PartialDate, Statut, StatutFinancement, Unite, is_id, slugify};
use crate::suggest;

/// A diagnostic about the value at `path` in `file`.
pub(super) fn at(code: Code, file: &str, path: YamlPath, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, file, At::Path { path, key: false }, message)
}

/// A character no address may hold: a space, a control, or one that would end an
/// HTML attribute.
fn unsafe_in_address(c: char) -> bool {
    c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>')
}

/// Whether `url` is a whole web address, `https://host/…` or `http://…`.
fn web_address(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let host = rest.and_then(|rest| rest.split('/').next()).unwrap_or_default();
    !host.is_empty() && !url.chars().any(unsafe_in_address)
}

/// `[accessibilite]`: a contact one can write to, and a rate of RGAA criteria met
/// only with the audit that measured it (the RGAA allows no claim without one).
fn accessibility(out: &mut Vec<Diagnostic>, file: &str, a: &crate::model::config::Accessibilite) {
    let path = |key: &str| YamlPath::key("accessibilite").with_key(key);
    if let Some(contact) = &a.contact {
        let mail = contact.strip_prefix("mailto:").unwrap_or(contact);
        let address = mail.split_once('@').is_some_and(|(who, domain)| !who.is_empty() && domain.contains('.'))
            && !mail.chars().any(unsafe_in_address);
        if !address && !web_address(contact) {
            let message = format!("contact d'accessibilité invalide `{}`", crate::terminal::one_line(contact));
            let help = "écrivez une adresse électronique, `contact = \"accessibilite@mairie.fr\"`, \
                        ou l'adresse d'un formulaire, `contact = \"https://www.mairie.fr/contact\"`";
            out.push(at(Code::TypeInvalide, file, path("contact"), message).help(help));
        }
    }
    // A blank audit is no audit: the statement would claim a status and deny it.
    let audit = a.audit.as_deref().filter(|audit| !audit.trim().is_empty());
    match (audit, a.taux) {
        (_, Some(taux)) if !(0.0..=100.0).contains(&taux) => {
            let message = format!("taux de conformité hors bornes : {taux}");
            let help = "le taux est la part des critères du RGAA respectés, de 0 à 100 : `taux = 87.5`";
            out.push(at(Code::HorsBornes, file, path("taux"), message).help(help));
        }
        (None, Some(_)) => {
            let message = "taux de conformité sans l'audit qui l'a mesuré";
            let help = "ajoutez qui a fait l'audit et quand, `audit = \"Audit réalisé par … le 12 mars 2026\"` : \
                        sans audit, le site se déclare non conforme";
            out.push(at(Code::CleManquante, file, path("taux"), message).help(help));
        }
        (Some(_), None) => {
            let message = "audit d'accessibilité sans son résultat";
            let help = "ajoutez la part des critères du RGAA respectés que l'audit a trouvée, `taux = 87.5`";
            out.push(at(Code::CleManquante, file, path("audit"), message).help(help));
        }
        _ => {}
    }
}

/// What a reference points at, for messages and suggestions.
#[derive(Clone, Copy)]
enum Target {
    Record(Kind),
    Axe,
    /// An axis of the parent contract, `[[contrat_parent.axes]]`.
    AxeParent,
    Thematique,
}

impl Target {
    fn unknown(self, id: &str) -> String {
        match self {
            Target::Record(Kind::Action) => format!("action inconnue `{id}`"),
            Target::Record(kind) => format!("{} inconnu `{id}`", kind.noun()),
            Target::Axe => format!("axe inconnu `{id}`"),
            Target::AxeParent => format!("axe inconnu `{id}` dans le contrat parent"),
            Target::Thematique => format!("thématique inconnue `{id}`"),
        }
    }

    fn create_hint(self, id: &str) -> String {
        match self {
            Target::Record(kind) => format!("créez `fiches/{}/{id}.md` ou corrigez l'identifiant", kind.folder()),
            Target::Axe => format!("déclarez l'axe dans {CONFIG_FILE} (`[[axes]]` avec `id = \"{id}\"`)"),
            Target::AxeParent => {
                format!("déclarez l'axe dans {CONFIG_FILE} (`[[contrat_parent.axes]]` avec `id = \"{id}\"`)")
            }
            Target::Thematique => {
                format!("déclarez la thématique dans {CONFIG_FILE} (`[[thematiques]]` avec `id = \"{id}\"`)")
            }
        }
    }
}

/// An id or a word wrapped in typographic quotes (`“piste”`), which YAML keeps: the
/// error, when the text inside is what `known` accepts.
fn curly(file: &str, path: &YamlPath, written: &str, known: impl Fn(&str) -> bool) -> Option<Diagnostic> {
    let inner = crate::model::yaml::curly_quoted(written).filter(|inner| known(inner))?;
    let message = format!("guillemets typographiques autour de `{inner}` : YAML les garde dans le texte");
    let help = match path.0.last() {
        Some(crate::diag::Seg::Index(_)) => format!("écrivez `{inner}`, sans guillemets"),
        _ => format!("écrivez `{}`, sans guillemets", assign_text(file, &last_key(path), inner)),
    };
    Some(at(Code::TypeInvalide, file, path.clone(), message).help(help))
}

/// Checks one reference.
fn reference(cx: &Context, out: &mut Vec<Diagnostic>, file: &str, path: YamlPath, target: Target, id: &str) {
    let known: Vec<&str> = match target {
        Target::Record(kind) => {
            if cx.exists(kind, id) {
                return;
            }
            cx.ids(kind)
        }
        _ if cx.repo.config_unreadable => return,
        Target::Axe => cx.repo.config.axes.iter().flatten().filter_map(|a| a.id.as_deref()).collect(),
        Target::AxeParent => parent_axes(cx).filter_map(|a| a.id.as_deref()).collect(),
        Target::Thematique => cx.repo.config.thematiques.iter().flatten().filter_map(|t| t.id.as_deref()).collect(),
    };
    if !matches!(target, Target::Record(_)) && known.contains(&id) {
        return;
    }
    let exists = |inner: &str| match target {
        Target::Record(kind) => cx.exists(kind, inner),
        _ => known.contains(&inner),
    };
    if let Some(d) = curly(file, &path, id, exists) {
        out.push(d);
        return;
    }
    let key = last_key(&path);
    let in_list = matches!(path.0.last(), Some(crate::diag::Seg::Index(_)));
    let write = |found: &str| {
        if in_list { format!("écrivez `{found}`") } else { format!("écrivez `{}`", assign_text(file, &key, found)) }
    };
    let fixed = slugify(id);
    // The name of a record (or an axis's title) where its id belongs.
    let named = match target {
        Target::Record(kind) => cx.named(kind, id).map(|found| (found, kind.of_the())),
        Target::Axe | Target::AxeParent => axes_of(cx, target)
            .find(|a| a.titre.as_deref().map(slugify).as_deref() == Some(fixed.as_str()))
            .and_then(|a| a.id.as_deref())
            .map(|found| (found, "de l'axe")),
        Target::Thematique => None,
    };
    // Only valid ids are worth suggesting: an invalid one is an error of its own.
    let valid: Vec<&str> = known.iter().copied().filter(|k| is_id(k)).collect();
    let help = if fixed != id && exists(&fixed) {
        // `Ch-Jury`, `ch-jury `: the id, in another case or with a stray space.
        format!("l'identifiant s'écrit `{fixed}`, en minuscules et sans espace : {}", write(&fixed))
    } else if let Some((found, of_the)) = named {
        let what = match target {
            Target::Record(Kind::Partenaire) => "le nom ou le sigle",
            Target::Record(Kind::Action) => "le titre ou le numéro",
            _ => "le titre",
        };
        format!("`{id}` est {what} {of_the} `{found}` : {}, son identifiant", write(found))
    } else if let Some(near) = suggest::did_you_mean(id, valid.iter().copied()) {
        near
    } else if !is_id(id) {
        let fixed = if fixed.is_empty() { "identifiant".to_string() } else { fixed };
        format!(
            "un identifiant s'écrit en minuscules, sans espace ni accent, par exemple `{fixed}` ; {}",
            target.create_hint(&fixed)
        )
    } else {
        target.create_hint(id)
    };
    out.push(at(Code::RefInconnue, file, path, target.unknown(id)).help(help));
}

/// `axe_parent`: an axis of the parent contract, which must be described.
fn parent_axis(cx: &Context, out: &mut Vec<Diagnostic>, file: &str, id: &str) {
    if cx.repo.config.contrat_parent.is_some() || cx.repo.config_unreadable {
        reference(cx, out, file, YamlPath::key("axe_parent"), Target::AxeParent, id);
        return;
    }
    let message = format!("`axe_parent` cite l'axe `{id}` d'un contrat parent que {CONFIG_FILE} ne décrit pas");
    let help = format!(
        "décrivez le contrat parent dans {CONFIG_FILE} : `[contrat_parent]` avec `titre = \"…\"`, puis `[[contrat_parent.axes]]` avec `id = \"{id}\"` et `titre = \"…\"`"
    );
    out.push(at(Code::RefInconnue, file, YamlPath::key("axe_parent"), message).help(help));
}

/// The axes of the parent contract.
fn parent_axes<'a>(cx: &'a Context) -> impl Iterator<Item = &'a crate::model::Axe> {
    cx.repo.config.contrat_parent.iter().flat_map(|p| p.axes.iter().flatten())
}

/// The axes an axis reference may name.
fn axes_of<'a>(cx: &'a Context, target: Target) -> Box<dyn Iterator<Item = &'a crate::model::Axe> + 'a> {
    match target {
        Target::AxeParent => Box::new(parent_axes(cx)),
        _ => Box::new(cx.repo.config.axes.iter().flatten()),
    }
}

/// The last key of a path: `statut` in `avancement[2].statut`, `partenaires` in
/// `partenaires[1]`.
fn last_key(path: &YamlPath) -> String {
    path.0
        .iter()
        .rev()
        .find_map(|s| match s {
            crate::diag::Seg::Key(k) => Some(k.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The same id or word twice in one list: once is enough, and counts would double.
fn repeated<S: AsRef<str>>(out: &mut Vec<Diagnostic>, file: &str, key: &str, list: &Option<Vec<S>>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, item) in list.iter().flatten().enumerate() {
        let item = item.as_ref();
        if let Some(first) = seen.insert(item, i) {
            seen.insert(item, first);
            let message = format!("`{item}` est déjà dans `{key}` (élément {})", first + 1);
            let d = at(Code::IdDuplique, file, YamlPath::key(key).with_index(i), message);
            out.push(d.help(format!("supprimez ce second `{item}`")));
        }
    }
}

/// No list names one thing twice (the lists of [`DISTINCT`]).
pub fn repeated_items(cx: &Context, out: &mut Vec<Diagnostic>) {
    for &(record, key) in DISTINCT {
        match record {
            "Action" => cx.repo.actions.iter().for_each(|r| repeated(out, &r.file, key, action_list(&r.data, key))),
            "Partenaire" => {
                cx.repo.partenaires.iter().for_each(|r| repeated(out, &r.file, key, partner_list(&r.data, key)))
            }
            "Evenement" => {
                cx.repo.evenements.iter().for_each(|r| repeated(out, &r.file, key, event_list(&r.data, key)))
            }
            _ => {}
        }
    }
}

/// A partner's list of words under `key`.
fn partner_list<'a>(p: &'a crate::model::Partenaire, key: &str) -> &'a Option<Vec<String>> {
    match key {
        "secteurs" => &p.secteurs,
        "instances" => &p.instances,
        _ => &None,
    }
}

/// An event's list of ids under `key`.
fn event_list<'a>(e: &'a crate::model::Evenement, key: &str) -> &'a Option<Vec<String>> {
    match key {
        "actions" => &e.actions,
        "partenaires" => &e.partenaires,
        _ => &None,
    }
}

/// An action's list of ids or words under `key`.
fn action_list<'a>(a: &'a crate::model::Action, key: &str) -> &'a Option<Vec<String>> {
    match key {
        "partenaires" => &a.partenaires,
        "thematiques" => &a.thematiques,
        "indicateurs" => &a.indicateurs,
        "duree" => &a.duree,
        "territoire" => &a.territoire,
        "public" => &a.public,
        "champ" => &a.champ,
        _ => &None,
    }
}

/// Checks one vocabulary word.
fn word(cx: &Context, out: &mut Vec<Diagnostic>, file: &str, path: YamlPath, vocab: &Vocab, word: &impl Word) {
    let word = word.word();
    if cx.vocab.contains(vocab, word) {
        return;
    }
    if let Some(d) = curly(file, &path, word, |inner| cx.vocab.contains(vocab, inner)) {
        out.push(d);
        return;
    }
    let allowed = cx.vocab.words(vocab);
    let key = last_key(&path);
    // `%` for `pourcentage`, `Mise en œuvre` for `mise_en_oeuvre`: the word is certain.
    let alias = match (vocab.name, word.trim()) {
        ("unite", "%") => Some("pourcentage".to_string()),
        ("unite", "€" | "eur" | "EUR" | "euro") => Some("euros".to_string()),
        _ => Some(slugify(word).replace(['-', '.'], "_")).filter(|w| allowed.contains(w)),
    };
    let mut help = format!("valeurs possibles : {}", quoted_list(&allowed));
    if let Some(alias) = alias {
        let write = match path.0.last() {
            Some(crate::diag::Seg::Index(_)) => alias,
            _ => assign_text(file, &key, &alias),
        };
        help = format!("écrivez `{write}`");
    } else if let Some(s) = suggest::nearest(word, allowed.iter().map(String::as_str)) {
        help = format!("vouliez-vous dire `{s}` ? {help}");
    }
    let message = format!("valeur inconnue `{word}` pour `{key}`");
    out.push(at(Code::Vocabulaire, file, path, message).help(help));
}

/// The items of a list with their index, each text once: a repeat is reported by
/// [`repeated_items`], not checked again.
fn first_occurrences(list: &Option<Vec<String>>) -> impl Iterator<Item = (usize, &String)> {
    let mut seen = std::collections::HashSet::new();
    list.iter().flatten().enumerate().filter(move |(_, item)| seen.insert(item.as_str()))
}

fn words(cx: &Context, out: &mut Vec<Diagnostic>, file: &str, key: &str, vocab: &Vocab, list: &Option<Vec<String>>) {
    for (i, w) in first_occurrences(list) {
        word(cx, out, file, YamlPath::key(key).with_index(i), vocab, w);
    }
}

fn one_word(cx: &Context, out: &mut Vec<Diagnostic>, file: &str, key: &str, vocab: &Vocab, value: &Option<impl Word>) {
    if let Some(w) = value {
        word(cx, out, file, YamlPath::key(key), vocab, w);
    }
}

/// `clsm.toml`: contract type, period, porteur, axes and thematiques ids, and the
/// vocabulary extensions.
pub fn contract(cx: &Context, out: &mut Vec<Diagnostic>) {
    let config = &cx.repo.config;
    let file = CONFIG_FILE;
    if let Some(t) = &config.r#type
        && !vocab::TYPE_CONTRAT.words.iter().any(|(w, _)| w == t)
    {
        let message = format!("type de contrat inconnu `{t}`");
        out.push(
            at(Code::Vocabulaire, file, YamlPath::key("type"), message)
                .help("écrivez `type = \"CLSM\"` ou `type = \"CLS\"`"),
        );
    }
    if let Some(periode) = config.periode.as_ref().and_then(|p| p.periode())
        && periode.is_reversed()
    {
        out.push(reversed(file, YamlPath::key("periode"), periode.debut, periode.fin));
    }
    if let Some(porteur) = &config.porteur {
        reference(cx, out, file, YamlPath::key("porteur"), Target::Record(Kind::Partenaire), porteur);
    }
    if let Some(url) = config.url.as_ref().filter(|url| !web_address(url)) {
        let message = format!("adresse du site invalide `{}`", crate::terminal::one_line(url));
        let help = "écrivez l'adresse complète où le site est publié, par exemple `url = \"https://clsm.exemple.fr/\"`";
        out.push(at(Code::TypeInvalide, file, YamlPath::key("url"), message).help(help));
    }
    if let Some(accessibilite) = &config.accessibilite {
        accessibility(out, file, accessibilite);
    }
    unique_ids(out, YamlPath::key("axes"), config.axes.iter().flatten().map(|x| x.id.as_deref()));
    unique_ids(out, YamlPath::key("thematiques"), config.thematiques.iter().flatten().map(|x| x.id.as_deref()));
    if let Some(parent) = &config.contrat_parent {
        parent_contract(out, YamlPath::key("contrat_parent"), parent);
    }
    for (i, previous) in config.contrats_precedents.iter().flatten().enumerate() {
        parent_contract(out, YamlPath::key("contrats_precedents").with_index(i), previous);
    }
    words(cx, out, file, "secteurs", &vocab::SECTEURS, &config.secteurs);
    for (name, words) in config.vocabulaire.iter().flatten() {
        let path = YamlPath::key("vocabulaire").with_key(name);
        if vocab::CLOSED.iter().any(|v| v.name == name) {
            let d = Diagnostic::new(
                Code::Vocabulaire,
                file,
                At::Path { path, key: true },
                format!("le vocabulaire `{name}` ne s'étend pas : chacun de ses mots sert à un calcul"),
            );
            out.push(d.help("retirez cette table ; utilisez l'un des mots existants"));
            continue;
        }
        let Some(vocab) = vocab::EXTENSIBLE.iter().find(|v| v.name == name) else {
            let names = vocab::EXTENSIBLE.iter().map(|v| v.name);
            let help = suggest::did_you_mean(name, names.clone())
                .unwrap_or_else(|| format!("vocabulaires extensibles : {}", quoted_list(&names.collect::<Vec<_>>())));
            let d = Diagnostic::new(
                Code::CleInconnue,
                file,
                At::Path { path, key: true },
                format!("vocabulaire inconnu `{name}`"),
            );
            out.push(d.help(help));
            continue;
        };
        for word in words.keys() {
            if !is_word(word) {
                let fixed = slugify(word).replace(['-', '.'], "_");
                let message = format!("mot de vocabulaire invalide `{word}` : minuscules ASCII et `_` seulement");
                let d = Diagnostic::new(
                    Code::Vocabulaire,
                    file,
                    At::Path { path: path.with_key(word), key: true },
                    message,
                );
                out.push(d.help(format!("écrivez `{fixed} = \"{word}\"` : le libellé garde les accents")));
            } else if vocab.words.iter().any(|(w, _)| w == word) {
                let message = format!("`{word}` fait déjà partie du vocabulaire `{name}`");
                let d =
                    Diagnostic::new(Code::IdDuplique, file, At::Path { path: path.with_key(word), key: true }, message);
                out.push(d.help("supprimez cette ligne"));
            }
        }
    }
}

/// `[contrat_parent]` or one of `[[contrats_precedents]]` at `base`: its type, its
/// period and its axes' ids.
fn parent_contract(out: &mut Vec<Diagnostic>, base: YamlPath, parent: &crate::model::ContratParent) {
    if let Some(t) = &parent.r#type
        && !vocab::TYPE_CONTRAT.words.iter().any(|(w, _)| w == t)
    {
        let message = format!("type de contrat inconnu `{t}`");
        out.push(
            at(Code::Vocabulaire, CONFIG_FILE, base.with_key("type"), message)
                .help("écrivez `type = \"CLS\"` ou `type = \"CLSM\"`"),
        );
    }
    if let Some(periode) = parent.periode.as_ref().and_then(|p| p.periode())
        && periode.is_reversed()
    {
        out.push(reversed(CONFIG_FILE, base.with_key("periode"), periode.debut, periode.fin));
    }
    unique_ids(out, base.with_key("axes"), parent.axes.iter().flatten().map(|x| x.id.as_deref()));
}

fn unique_ids<'a>(out: &mut Vec<Diagnostic>, list: YamlPath, ids: impl Iterator<Item = Option<&'a str>>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let name = list.to_string();
    for (i, id) in ids.enumerate() {
        let Some(id) = id else { continue };
        let path = list.with_index(i).with_key("id");
        if !is_id(id) {
            let message = if id.len() > crate::model::MAX_ID {
                format!("identifiant invalide `{id}` : {}", crate::model::id_problem(id))
            } else {
                format!("identifiant invalide `{id}` : minuscules, chiffres, `.`, `_` et `-` seulement")
            };
            out.push(
                at(Code::IdInvalide, CONFIG_FILE, path, message).help(format!("écrivez `id = \"{}\"`", slugify(id))),
            );
        } else if let Some(first) = seen.insert(id, i) {
            let message = format!("identifiant `{id}` déjà utilisé par l'élément {} de `{name}`", first + 1);
            out.push(at(Code::IdDuplique, CONFIG_FILE, path, message).help("chaque identifiant doit être unique"));
        }
    }
}

/// Every closed vocabulary of every record.
pub fn vocabularies(cx: &Context, out: &mut Vec<Diagnostic>) {
    for r in &cx.repo.actions {
        let (a, f) = (&r.data, r.file.as_str());
        one_word(cx, out, f, "statut", &vocab::STATUT, &a.statut);
        one_word(cx, out, f, "typologie", &vocab::TYPOLOGIE, &a.typologie);
        one_word(cx, out, f, "participation", &vocab::PARTICIPATION, &a.participation);
        words(cx, out, f, "duree", &vocab::DUREE, &a.duree);
        words(cx, out, f, "territoire", &vocab::TERRITOIRE, &a.territoire);
        words(cx, out, f, "public", &vocab::PUBLIC, &a.public);
        words(cx, out, f, "champ", &vocab::CHAMP, &a.champ);
        for (i, fin) in a.financements.iter().flatten().enumerate() {
            if let Some(s) = &fin.statut {
                let path = YamlPath::key("financements").with_index(i).with_key("statut");
                word(cx, out, f, path, &vocab::STATUT_FINANCEMENT, s);
            }
        }
        for (i, o) in a.objectifs_operationnels.iter().flatten().enumerate() {
            if let Some(s) = &o.statut {
                let path = YamlPath::key("objectifs_operationnels").with_index(i).with_key("statut");
                word(cx, out, f, path, &vocab::STATUT, s);
            }
        }
        for (i, e) in a.avancement.iter().flatten().enumerate() {
            if let Some(s) = &e.statut {
                word(cx, out, f, YamlPath::key("avancement").with_index(i).with_key("statut"), &vocab::STATUT, s);
            }
        }
    }
    for r in &cx.repo.partenaires {
        let (p, f) = (&r.data, r.file.as_str());
        one_word(cx, out, f, "type", &vocab::TYPE_PARTENAIRE, &p.r#type);
        words(cx, out, f, "secteurs", &vocab::SECTEURS, &p.secteurs);
        words(cx, out, f, "instances", &vocab::INSTANCES, &p.instances);
    }
    for r in &cx.repo.indicateurs {
        let (i, f) = (&r.data, r.file.as_str());
        one_word(cx, out, f, "type", &vocab::TYPE_INDICATEUR, &i.r#type);
        one_word(cx, out, f, "unite", &vocab::UNITE, &i.unite);
        one_word(cx, out, f, "sens", &vocab::SENS, &i.sens);
    }
    for r in &cx.repo.evenements {
        one_word(cx, out, &r.file, "type", &vocab::TYPE_EVENEMENT, &r.data.r#type);
    }
}

/// Every reference from one record to another, or to an axis or theme.
pub fn references(cx: &Context, out: &mut Vec<Diagnostic>) {
    let partner = Target::Record(Kind::Partenaire);
    for r in &cx.repo.actions {
        let (a, f) = (&r.data, r.file.as_str());
        // An official number sorts the fiches and heads them: `“2.2”` would keep its quotes.
        if let Some(numero) = &a.numero
            && let Some(inner) = crate::model::yaml::curly_quoted(numero)
        {
            let message = format!("guillemets typographiques autour de `{inner}` : YAML les garde dans le numéro");
            let help = format!("YAML ne reconnaît que les guillemets droits : écrivez `numero: \"{inner}\"`");
            out.push(at(Code::TypeInvalide, f, YamlPath::key("numero"), message).help(help));
        }
        if let Some(axe) = &a.axe {
            reference(cx, out, f, YamlPath::key("axe"), Target::Axe, axe);
        }
        if let Some(axe) = &a.axe_parent {
            parent_axis(cx, out, f, axe);
        }
        if let Some(porteur) = &a.porteur {
            reference(cx, out, f, YamlPath::key("porteur"), partner, porteur);
        }
        let lists = [
            ("partenaires", &a.partenaires, partner),
            ("thematiques", &a.thematiques, Target::Thematique),
            ("indicateurs", &a.indicateurs, Target::Record(Kind::Indicateur)),
        ];
        for (key, list, target) in lists {
            for (i, id) in first_occurrences(list) {
                reference(cx, out, f, YamlPath::key(key).with_index(i), target, id);
            }
        }
        for (i, fin) in a.financements.iter().flatten().enumerate() {
            if let Some(id) = &fin.financeur {
                let path = YamlPath::key("financements").with_index(i).with_key("financeur");
                reference(cx, out, f, path, partner, id);
            }
        }
        for (i, o) in a.objectifs_operationnels.iter().flatten().enumerate() {
            for (j, qui) in o.qui.iter().flatten().enumerate() {
                if is_id(qui) && !cx.exists(Kind::Partenaire, qui) {
                    let path = YamlPath::key("objectifs_operationnels").with_index(i).with_key("qui").with_index(j);
                    let mut d = Vec::new();
                    reference(cx, &mut d, f, path, partner, qui);
                    for diag in d {
                        let help = diag.help.clone().unwrap_or_default();
                        out.push(diag.help(format!(
                            "{help} ; s'il s'agit d'un texte libre, écrivez-le avec une majuscule (`{}`)",
                            capitalize(qui)
                        )));
                    }
                }
            }
        }
    }
    for r in &cx.repo.evenements {
        let (e, f) = (&r.data, r.file.as_str());
        for (i, id) in first_occurrences(&e.actions) {
            reference(cx, out, f, YamlPath::key("actions").with_index(i), Target::Record(Kind::Action), id);
        }
        for (i, id) in first_occurrences(&e.partenaires) {
            reference(cx, out, f, YamlPath::key("partenaires").with_index(i), partner, id);
        }
    }
    for (i, e) in cx.repo.config.etapes.iter().flatten().enumerate() {
        for (j, id) in first_occurrences(&e.partenaires) {
            let path = YamlPath::key("etapes").with_index(i).with_key("partenaires").with_index(j);
            reference(cx, out, CONFIG_FILE, path, partner, id);
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn reversed(file: &str, path: YamlPath, debut: PartialDate, fin: PartialDate) -> Diagnostic {
    let message = format!("période inversée : début {debut} après la fin {fin}");
    at(Code::PeriodeInversee, file, path.with_key("fin"), message)
        .help("le début doit précéder la fin : échangez les deux dates")
}

/// Periods run forwards: a calendar, and whatever has a `date` and a `fin` (a
/// progress entry, an event, a step of the contract).
pub fn periods(cx: &Context, out: &mut Vec<Diagnostic>) {
    let forwards = |file: &str, path: YamlPath, date: Option<PartialDate>, fin: Option<PartialDate>| {
        let (date, fin) = (date?, fin?);
        fin.entirely_before(&date).then(|| {
            let message = format!("fin {fin} avant la date {date}");
            at(Code::PeriodeInversee, file, path.with_key("fin"), message)
                .help("`fin` est la date où cela s'est terminé : elle vient après `date`")
        })
    };
    for r in &cx.repo.actions {
        if let Some(p) = r.data.calendrier.as_ref().and_then(|c| c.periode())
            && p.is_reversed()
        {
            out.push(reversed(&r.file, YamlPath::key("calendrier"), p.debut, p.fin));
        }
        for (i, e) in r.data.avancement.iter().flatten().enumerate() {
            out.extend(forwards(&r.file, YamlPath::key("avancement").with_index(i), e.date, e.fin));
        }
    }
    for r in &cx.repo.evenements {
        out.extend(forwards(&r.file, YamlPath(Vec::new()), r.data.date, r.data.fin));
    }
    for (i, e) in cx.repo.config.etapes.iter().flatten().enumerate() {
        out.extend(forwards(CONFIG_FILE, YamlPath::key("etapes").with_index(i), e.date, e.fin));
    }
}

/// Percentages within 0–100; numerators and denominators agreeing with the value.
pub fn indicator_values(cx: &Context, out: &mut Vec<Diagnostic>) {
    for r in &cx.repo.indicateurs {
        let (ind, f) = (&r.data, r.file.as_str());
        let percent = ind.unite == Some(Unite::Pourcentage);
        // `0.8` for 80 %: a proportion written where a percentage is expected. When
        // every value written is at most 1, that is the likely reading.
        let written = ind.valeur_initiale.iter().filter_map(|v| v.valeur);
        let written = written.chain(ind.cible.iter().filter_map(|c| c.valeur));
        let mut written = written.chain(ind.mesures.iter().flatten().filter_map(|m| m.valeur));
        let proportions = percent && written.all(|v| v <= 1.0);
        // `written`: the value is in the file, not computed from a ratio.
        let bounded = |path: YamlPath, value: f64, written: bool, out: &mut Vec<Diagnostic>| {
            if percent && !PERCENT.contains(&value) {
                let message = format!("pourcentage hors bornes : {} (attendu entre 0 et 100)", number(value));
                out.push(
                    at(Code::HorsBornes, f, path, message)
                        .help("un pourcentage s'écrit sans `%`, entre 0 et 100 : `42.5`"),
                );
            } else if written && proportions && value > 0.0 && value < 1.0 {
                let key = match path.0.last() {
                    Some(crate::diag::Seg::Key(k)) => k.clone(),
                    _ => "valeur".to_string(),
                };
                let as_percent = number(value * 100.0);
                let message = format!(
                    "pourcentage ambigu : {} se lit {} %, pas {as_percent} %",
                    crate::format::plain(value),
                    crate::format::number(value, 4)
                );
                let help = format!(
                    "écrivez `{key}: {as_percent}` pour {as_percent} % ; si c'est bien moins de 1 %, \
                     donnez `numerateur` et `denominateur`"
                );
                out.push(at(Code::HorsBornes, f, path, message).help(help));
            }
        };
        if let Some(v) = ind.valeur_initiale.as_ref().and_then(|v| v.valeur) {
            bounded(YamlPath::key("valeur_initiale").with_key("valeur"), v, true, out);
        }
        if let Some(v) = ind.cible.as_ref().and_then(|c| c.valeur) {
            bounded(YamlPath::key("cible").with_key("valeur"), v, true, out);
        }
        for (i, m) in ind.mesures.iter().flatten().enumerate() {
            let path = YamlPath::key("mesures").with_index(i);
            if let Some(v) = m.valeur {
                bounded(path.with_key("valeur"), v, true, out);
            }
            match (m.numerateur, m.denominateur, m.valeur) {
                (Some(_), Some(0.0), _) => {
                    let d = at(Code::RatioIncoherent, f, path.with_key("denominateur"), "dénominateur nul");
                    out.push(d.help("le dénominateur compte la population de référence : il ne peut pas valoir 0"));
                }
                (Some(n), Some(d), _) if !ind.ratio(n, d).is_finite() => {
                    let message =
                        format!("{} / {} ne donne pas un nombre que l'on puisse écrire", number(n), number(d));
                    let d = at(Code::RatioIncoherent, f, path.with_key("denominateur"), message);
                    out.push(
                        d.help("vérifiez le numérateur et le dénominateur : ils comptent des personnes ou des actes"),
                    );
                }
                (Some(n), Some(d), stated) => {
                    let computed = ind.ratio(n, d);
                    match stated {
                        // A proportion is reported once, as such, above.
                        Some(v) if !(agrees(v, computed, percent) || proportions && v > 0.0 && v < 1.0) => {
                            let message = format!(
                                "la valeur {} ne correspond pas à {} / {} = {}",
                                number(v),
                                number(n),
                                number(d),
                                number(computed)
                            );
                            let help = format!(
                                "écrivez `valeur: {}` ou corrigez le numérateur ou le dénominateur",
                                number(computed)
                            );
                            out.push(at(Code::RatioIncoherent, f, path.with_key("valeur"), message).help(help));
                        }
                        None => bounded(path.with_key("numerateur"), computed, false, out),
                        _ => {}
                    }
                }
                (Some(_), None, _) | (None, Some(_), _) if !cx.failed(f, &path) => {
                    let missing = if m.numerateur.is_none() { "numerateur" } else { "denominateur" };
                    let message = format!("mesure incomplète : `{missing}` manque");
                    out.push(
                        at(Code::CleManquante, f, path, message)
                            .help("donnez le numérateur et le dénominateur, ou seulement `valeur`"),
                    );
                }
                (None, None, None) if !cx.failed(f, &path) => {
                    let d = at(Code::CleManquante, f, path, "mesure sans valeur");
                    out.push(d.help("ajoutez `valeur: …`, ou `numerateur` et `denominateur`"));
                }
                _ => {}
            }
        }
    }
}

/// A stated value agrees with the computed one when it is its rounding: to the
/// whole percent for percentages, to 0.5 % of the value otherwise.
pub fn agrees(stated: f64, computed: f64, percent: bool) -> bool {
    let tolerance = if percent { 0.5 } else { (computed.abs() * 0.005).max(0.005) };
    (stated - computed).abs() <= tolerance + 1e-9
}

/// A number as YAML would print it, without a useless `.0`.
pub(super) fn number(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 { format!("{}", rounded as i64) } else { format!("{rounded}") }
}

/// Why a total is refused, and what to do.
fn too_large(file: &str, path: YamlPath, what: &str) -> Diagnostic {
    let max = crate::format::montant(Montant { cents: Montant::MAX_CENTS });
    let message = format!("{what} dépasse {max} : il ne peut plus être compté au centime près");
    at(Code::MontantInvalide, file, path, message).help("vérifiez ce montant : il a sans doute des zéros en trop")
}

/// Every total the documents show can be counted exactly: each action's budget
/// and funding, and the contract's totals of all of them.
pub fn money_totals(cx: &Context, out: &mut Vec<Diagnostic>) {
    let mut contract = [Montant::default(); 3];
    for r in &cx.repo.actions {
        let a = &r.data;
        let budget = a.budget.iter().flatten().map(|l| l.montant.unwrap_or_default());
        let line = |key: &str, i: usize| YamlPath::key(key).with_index(i).with_key("montant");
        let budget_total =
            Montant::total(budget).map_err(|i| too_large(&r.file, line("budget", i), "le total du budget"));
        let funding = |statut: StatutFinancement| {
            let lines = a.financements.iter().flatten().map(|f| match &f.statut {
                Some(s) if *s == statut => f.montant.unwrap_or_default(),
                _ => Montant::default(),
            });
            Montant::total(lines).map_err(|i| too_large(&r.file, line("financements", i), "le total des financements"))
        };
        let totals = [budget_total, funding(StatutFinancement::Acquis), funding(StatutFinancement::Pressenti)];
        for (sum, total) in contract.iter_mut().zip(totals) {
            match total {
                Ok(amount) => match sum.checked_add(amount) {
                    Some(next) => *sum = next,
                    None => out.push(too_large(&r.file, YamlPath::default(), "avec cette action, le total du contrat")),
                },
                Err(d) => out.push(d),
            }
        }
    }
}

/// Coordinates on Earth.
pub fn coordinates(cx: &Context, out: &mut Vec<Diagnostic>) {
    for r in &cx.repo.partenaires {
        let Some(c) = &r.data.coordonnees else { continue };
        let path = YamlPath::key("coordonnees");
        if let Some(lat) = c.lat
            && !LATITUDES.contains(&lat)
        {
            let d =
                at(Code::HorsBornes, &r.file, path.with_key("lat"), format!("latitude hors bornes : {}", number(lat)));
            out.push(d.help("la latitude est entre -90 et 90 ; à Metz, `lat: 49.12` et `lon: 6.18`"));
        }
        if let Some(lon) = c.lon
            && !LONGITUDES.contains(&lon)
        {
            let d =
                at(Code::HorsBornes, &r.file, path.with_key("lon"), format!("longitude hors bornes : {}", number(lon)));
            out.push(d.help("la longitude est entre -180 et 180 ; à Metz, `lat: 49.12` et `lon: 6.18`"));
        }
    }
}

/// Participant counts a person could mean (and totals that cannot overflow).
pub fn participant_counts(cx: &Context, out: &mut Vec<Diagnostic>) {
    let too_many = |file: &str, path: YamlPath, n: u64| {
        (n > MAX_PARTICIPANTS).then(|| {
            let message = format!("nombre de participants invraisemblable : {n}");
            let help = format!("un nombre de participants ne dépasse pas {MAX_PARTICIPANTS} : vérifiez les zéros");
            at(Code::HorsBornes, file, path, message).help(help)
        })
    };
    for r in &cx.repo.actions {
        for (i, e) in r.data.avancement.iter().flatten().enumerate() {
            if let Some(n) = e.participants {
                out.extend(too_many(&r.file, YamlPath::key("avancement").with_index(i).with_key("participants"), n));
            }
        }
    }
    for r in &cx.repo.evenements {
        let e = &r.data;
        if let Some(n) = e.participants {
            out.extend(too_many(&r.file, YamlPath::key("participants"), n));
        }
        for (key, n) in [("nombre_partenaires", e.nombre_partenaires), ("nombre_evenements", e.nombre_evenements)] {
            if let Some(n) = n.filter(|n| *n > MAX_PARTICIPANTS) {
                let message = format!("`{key}` invraisemblable : {n}");
                let help = format!("ce nombre ne dépasse pas {MAX_PARTICIPANTS} : vérifiez les zéros");
                out.push(at(Code::HorsBornes, &r.file, YamlPath::key(key), message).help(help));
            }
        }
        // The partners named are among those counted.
        let named = e.partenaires.as_ref().map_or(0, |p| p.iter().collect::<BTreeSet<_>>().len());
        if let Some(n) = e.nombre_partenaires
            && (n as usize) < named
        {
            let message = format!("`nombre_partenaires: {n}` compte moins de partenaires que les {named} cités");
            let help = format!("écrivez `nombre_partenaires: {named}` ou plus : les partenaires cités en font partie");
            out.push(at(Code::HorsBornes, &r.file, YamlPath::key("nombre_partenaires"), message).help(help));
        }
    }
}

/// Progress logs: oldest first, and the last change of statut is the current one.
pub fn progress_logs(cx: &Context, out: &mut Vec<Diagnostic>) {
    for r in &cx.repo.actions {
        let Some(entries) = &r.data.avancement else { continue };
        let mut previous: Option<PartialDate> = None;
        for (i, e) in entries.iter().enumerate() {
            let Some(date) = e.date else { continue };
            if let Some(prev) = previous
                && date.entirely_before(&prev)
            {
                let path = YamlPath::key("avancement").with_index(i).with_key("date");
                let message = format!("avancement dans le désordre : {date} vient après {prev}");
                out.push(
                    at(Code::AvancementDesordre, &r.file, path, message)
                        .help("classez les entrées de la plus ancienne à la plus récente"),
                );
            }
            previous = Some(date);
        }
        let last_change = entries.iter().enumerate().rev().find_map(|(i, e)| e.statut.as_ref().map(|s| (i, s)));
        // A misspelt statut is reported once, by the vocabulary rule.
        let known = |s: &Statut| cx.knows(&vocab::STATUT, s.mot());
        if let Some((i, statut)) = last_change
            && r.data.statut.as_ref() != Some(statut)
            && known(statut)
            && r.data.statut.as_ref().is_none_or(known)
            && !cx.failed(&r.file, &YamlPath::key("statut"))
        {
            let (path, message, help) = match &r.data.statut {
                Some(current) => (
                    YamlPath::key("statut"),
                    format!(
                        "statut `{current}` différent du dernier changement de l'avancement (`{statut}`, entrée {})",
                        i + 1
                    ),
                    format!("écrivez `statut: {statut}` ou ajoutez une entrée d'avancement qui passe à `{current}`"),
                ),
                None => (
                    YamlPath::key("avancement").with_index(i).with_key("statut"),
                    format!("l'avancement passe au statut `{statut}` mais l'action n'a pas de `statut`"),
                    format!("ajoutez `statut: {statut}`"),
                ),
            };
            out.push(at(Code::StatutIncoherent, &r.file, path, message).help(help));
        }
    }
}

/// Warnings about forgotten work: actions without indicators (pistes and abandoned
/// actions aside), indicators no action cites, partners that no action and no event
/// mentions and that do not carry the contract, actions past their end.
pub fn follow_up_warnings(cx: &Context, out: &mut Vec<Diagnostic>) {
    let repo = cx.repo;
    let root = YamlPath::default();
    let mut cited_indicators = BTreeSet::new();
    let mut active_partners: BTreeSet<&str> = repo.config.porteur.iter().map(String::as_str).collect();
    for r in &repo.actions {
        let a = &r.data;
        cited_indicators.extend(a.indicateurs.iter().flatten().map(String::as_str));
        active_partners.extend(a.porteur.iter().map(String::as_str));
        active_partners.extend(a.autres_partenaires());
        // What a misspelt statut means is unknown: the vocabulary rule reports it alone.
        let refused = |key: &str| cx.failed(&r.file, &YamlPath::key(key));
        if a.statut.as_ref().is_some_and(|s| !cx.knows(&vocab::STATUT, s.mot()))
            || refused("statut")
            || refused("indicateurs")
            || refused("calendrier")
        {
            continue;
        }

        let unevaluated = a.indicateurs.as_ref().is_none_or(Vec::is_empty);
        let draft = a.statut.as_ref().is_some_and(Statut::sans_evaluation);
        if unevaluated && !draft {
            let d = at(Code::ActionSansIndicateur, &r.file, root.clone(), "action sans indicateur");
            out.push(d.help("ajoutez `indicateurs: [id]` avec au moins un indicateur de `fiches/indicateurs/`"));
        }
        if let Some(fin) = a.calendrier.as_ref().and_then(|c| c.fin)
            && a.en_retard(cx.today)
        {
            let statut = a.statut.as_ref().map_or("non renseigné", Statut::mot);
            let message =
                format!("action en retard : le calendrier s'est terminé en {fin} mais le statut est `{statut}`");
            let d = at(Code::ActionEnRetard, &r.file, YamlPath::key("calendrier").with_key("fin"), message);
            out.push(d.help("mettez à jour `statut` (`realisee`, `abandonnee`…) ou prolongez `calendrier.fin`"));
        }
    }
    for r in &repo.evenements {
        active_partners.extend(r.data.partenaires.iter().flatten().map(String::as_str));
    }
    for e in repo.config.etapes.iter().flatten() {
        active_partners.extend(e.partenaires.iter().flatten().map(String::as_str));
    }
    // A founder belongs to the contract's history, whatever it does today.
    active_partners.extend(repo.partenaires.iter().filter(|r| r.data.fondateur == Some(true)).map(|r| r.id.as_str()));
    // An unreadable action or event may cite anyone: saying that nobody does would
    // only add noise to the error that matters.
    if repo.unreadable.iter().any(|(kind, _)| matches!(kind, Kind::Action | Kind::Evenement)) {
        return;
    }
    // Nor can a reference to nobody: it was meant for one of them.
    let lost_indicator = repo
        .actions
        .iter()
        .flat_map(|r| r.data.indicateurs.iter().flatten())
        .any(|id| !cx.exists(Kind::Indicateur, id));
    let lost_partner = repo.actions.iter().any(|r| {
        let a = &r.data;
        let named = a.porteur.iter().chain(a.partenaires.iter().flatten());
        let funders = a.financements.iter().flatten().filter_map(|f| f.financeur.as_ref());
        let qui = a.objectifs_operationnels.iter().flatten().flat_map(|o| o.qui.iter().flatten()).filter(|q| is_id(q));
        named.chain(funders).chain(qui).any(|id| !cx.exists(Kind::Partenaire, id))
    }) || repo
        .evenements
        .iter()
        .flat_map(|r| r.data.partenaires.iter().flatten())
        .any(|id| !cx.exists(Kind::Partenaire, id))
        || repo.config.porteur.as_ref().is_some_and(|id| !cx.exists(Kind::Partenaire, id));
    for r in repo.indicateurs.iter().filter(|_| !lost_indicator) {
        if !cited_indicators.contains(r.id.as_str()) {
            let d = at(
                Code::IndicateurOrphelin,
                &r.file,
                root.clone(),
                format!("indicateur `{}` cité par aucune action", r.id),
            );
            out.push(d.help(format!("ajoutez `{}` aux `indicateurs` de l'action qu'il évalue", r.id)));
        }
    }
    for r in repo.partenaires.iter().filter(|_| !lost_partner) {
        if !active_partners.contains(r.id.as_str()) {
            let message = format!("partenaire `{}` cité par aucune action ni aucun événement", r.id);
            let d = at(Code::PartenaireInactif, &r.file, root.clone(), message);
            out.push(d.help(format!("ajoutez `{}` aux `partenaires` d'une action, ou retirez sa fiche", r.id)));
        }
    }
}
