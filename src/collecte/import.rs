//! What a returned workbook says: each filled row read into an entry (a measure, a
//! progress entry, an objective's statut), each mistake into a problem naming the
//! file, the sheet and the cell. Nothing here writes; see [`plan`] for the edits.

use std::collections::BTreeMap;
use std::fmt;

use crate::collecte::edit::{Change, New};
use crate::collecte::form::{self, Round};
use crate::collecte::read::{Grid, NotNumber, Read, cell_name, number};
use crate::diag::YamlPath;
use crate::model::checked::{Indicateur, Repository};
use crate::model::vocab::STATUT;
use crate::model::{PartialDate, Unite};

/// Where a value was read: `fiche-ville.xlsx, Indicateurs, F7`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub file: String,
    pub sheet: Option<String>,
    pub cell: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sheet {
            Some(sheet) => write!(f, "{}, {sheet}, {}", self.file, self.cell),
            None => write!(f, "{}, {}", self.file, self.cell),
        }
    }
}

/// A mistake in a returned workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub at: Located,
    pub message: String,
    pub help: Option<String>,
}

/// A value to bring into the fiches.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A measure of an indicator for one period.
    Measure {
        indicator: String,
        date: PartialDate,
        valeur: Option<f64>,
        numerateur: Option<f64>,
        denominateur: Option<f64>,
        /// By dimension id, each category id with its figure.
        ventilation: Vec<(String, Vec<(String, f64)>)>,
        commentaire: Option<String>,
        source: Option<String>,
        at: Located,
    },
    /// A progress entry of an action, with its change of statut.
    Progress { action: String, texte: String, participants: Option<u64>, statut: Option<String>, at: Located },
    /// A new statut for an operational objective (0-based index).
    Objective { action: String, index: usize, statut: String, at: Located },
}

impl Entry {
    pub fn at(&self) -> &Located {
        match self {
            Entry::Measure { at, .. } | Entry::Progress { at, .. } | Entry::Objective { at, .. } => at,
        }
    }
}

/// What one workbook says.
#[derive(Debug, Default)]
pub struct Parsed {
    pub round: Option<Round>,
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
}

/// One sheet being read.
struct SheetReader<'a> {
    file: &'a str,
    grid: &'a Grid,
    columns: BTreeMap<String, usize>,
    problems: Vec<Problem>,
}

impl<'a> SheetReader<'a> {
    fn at(&self, row: usize, col: usize) -> Located {
        Located { file: self.file.to_string(), sheet: self.grid.sheet.clone(), cell: cell_name(row, col) }
    }

    fn problem(&mut self, row: usize, col: usize, message: impl Into<String>, help: impl Into<Option<String>>) {
        self.problems.push(Problem { at: self.at(row, col), message: message.into(), help: help.into() });
    }

    /// The row's key, in the hidden first column.
    fn key(&self, row: usize) -> Option<String> {
        match self.grid.get(row, 0) {
            Read::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => None,
        }
    }

    fn col(&self, header: &str) -> Option<usize> {
        self.columns.get(header).copied()
    }

    /// The text of a cell, numbers written as a person would read them; a problem
    /// when it holds a character a fiche cannot keep, or is too long.
    fn text(&mut self, row: usize, header: &str) -> Result<Option<String>, ()> {
        let Some(col) = self.col(header) else { return Ok(None) };
        let text = match self.grid.get(row, col) {
            Read::Empty => return Ok(None),
            Read::Text(t) | Read::Date(t) => t.trim().replace("\r\n", "\n").replace('\r', "\n"),
            Read::Number(n) => crate::format::plain(*n),
            Read::Percent(p) => format!("{} %", crate::format::plain(percent(*p))),
        };
        if text.is_empty() {
            return Ok(None);
        }
        if let Some(c) = text.chars().find(|c| unwanted(*c)) {
            let message = format!("caractère invisible ou de contrôle U+{:04X} dans le texte", c as u32);
            self.problem(
                row,
                col,
                message,
                Some("retapez le texte dans la cellule, sans le coller depuis un autre document".to_string()),
            );
            return Err(());
        }
        if text.chars().count() > MAX_TEXT {
            let message = format!("texte trop long : {} caractères (au plus {MAX_TEXT})", text.chars().count());
            self.problem(
                row,
                col,
                message,
                Some("résumez ce qui s'est passé ; le détail peut être ajouté ensuite à la fiche".to_string()),
            );
            return Err(());
        }
        Ok(Some(text))
    }

    /// The number of a cell, or a problem when it holds something else.
    fn number(&mut self, row: usize, header: &str) -> Result<Option<f64>, ()> {
        let Some(col) = self.col(header) else { return Ok(None) };
        let value = match self.grid.get(row, col).clone() {
            Read::Empty => return Ok(None),
            Read::Number(n) => n,
            Read::Percent(p) => percent(p),
            Read::Text(t) if t.trim().is_empty() => return Ok(None),
            Read::Date(d) => {
                let help =
                    "le tableur a pris ce qui a été tapé pour une date : écrivez un nombre, par exemple `12` ou `12,5`";
                self.problem(row, col, format!("« {d} » est une date, pas un nombre"), Some(help.to_string()));
                return Err(());
            }
            Read::Text(t) => match number(&t) {
                Ok(n) => n,
                Err(why) => {
                    let help = match why {
                        NotNumber::Ambiguous => {
                            "écrivez le nombre sans séparateur de milliers (`1500`), ou avec une virgule décimale (`1,5`)"
                        }
                        NotNumber::Text => "écrivez un nombre, par exemple `12` ou `12,5`",
                    };
                    self.problem(row, col, format!("« {} » n'est pas un nombre", t.trim()), Some(help.to_string()));
                    return Err(());
                }
            },
        };
        if !value.is_finite() || value.abs() > MAX_NUMBER {
            let message = format!("nombre trop grand : {}", crate::format::number(value, 2));
            self.problem(
                row,
                col,
                message,
                Some("vérifiez la valeur : un indicateur compte au plus quelques millions".to_string()),
            );
            return Err(());
        }
        Ok(Some(value))
    }
}

/// The longest text a cell may bring into a fiche.
const MAX_TEXT: usize = 5_000;

/// The largest number a cell may bring: beyond, it is a typing mistake.
const MAX_NUMBER: f64 = 1e12;

/// A value shown as a percentage (0.45 shown `45 %`) on the 0 to 100 scale of the
/// fiches, without the binary noise of the multiplication.
fn percent(p: f64) -> f64 {
    (p * 100.0 * 1e9).round() / 1e9
}

/// Characters a fiche must not receive from a cell: controls, and the invisible
/// marks that change how a text reads (direction, line separators).
fn unwanted(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || crate::model::yaml::is_invisible(c)
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Reads the grids of one workbook, `file` being the name to show.
pub fn parse(file: &str, grids: &[Grid], repo: &Repository, annee: Option<i32>) -> Parsed {
    let mut parsed = Parsed::default();
    let mut found = false;
    let mut kinds: Vec<&str> = Vec::new();
    for grid in grids {
        let tag = match grid.get(0, 0) {
            Read::Text(t) => Round::parse(t),
            _ => None,
        };
        let mut reader = SheetReader { file, grid, columns: BTreeMap::new(), problems: Vec::new() };
        let Some(round) = tag else {
            // A sheet of the form whose key column lost its header (edited, moved
            // by an inserted row or column): its values must not vanish unnoticed.
            let name = grid.sheet.as_deref().unwrap_or("");
            let form_sheet = [form::ACTIONS, form::INDICATEURS].iter().any(|n| name.starts_with(n));
            if form_sheet || (grid.sheet.is_none() && grids.len() == 1 && found_headers(grid)) {
                let message = "cet onglet n'est plus lisible comme formulaire : la cellule A1 (colonne cachée) a été modifiée, ou une ligne ou une colonne a été insérée avant";
                reader.problem(0, 0, message, Some("importez le classeur tel qu'il a été envoyé et rempli, sans changer sa première ligne ni sa première colonne".to_string()));
                parsed.problems.append(&mut reader.problems);
                found = true;
            }
            continue;
        };
        found = true;
        for (c, cell) in grid.rows.first().into_iter().flatten().enumerate() {
            if let Read::Text(t) = cell {
                reader.columns.entry(t.trim().to_string()).or_insert(c);
            }
        }
        if !check_round(&mut reader, &round, parsed.round.as_ref(), repo, annee) {
            parsed.problems.append(&mut reader.problems);
            continue;
        }
        parsed.round = Some(round.clone());
        let kind = if reader.col(form::H_VALEUR).is_some() {
            form::INDICATEURS
        } else if reader.col(form::H_NOUVEAU).is_some() {
            form::ACTIONS
        } else {
            let message = "feuille sans les colonnes d'un formulaire de collecte (« Valeur » ou « Nouveau statut »)";
            let help = "importez le classeur renvoyé, sans supprimer ni renommer ses colonnes";
            reader.problem(0, 1, message, Some(help.to_string()));
            parsed.problems.append(&mut reader.problems);
            continue;
        };
        if kinds.contains(&kind) {
            let message = format!("deuxième onglet « {kind} » dans ce classeur (copie d'onglet ?)");
            reader.problem(0, 0, message, Some("gardez un seul onglet par sorte, celui qui a été rempli".to_string()));
            parsed.problems.append(&mut reader.problems);
            continue;
        }
        kinds.push(kind);
        if kind == form::INDICATEURS {
            indicators(&mut reader, &round, repo, &mut parsed.entries);
        } else {
            actions(&mut reader, &round, repo, &mut parsed.entries);
        }
        parsed.problems.append(&mut reader.problems);
    }
    if !found {
        let sheet = grids.first().and_then(|g| g.sheet.clone());
        parsed.problems.push(Problem {
            at: Located { file: file.to_string(), sheet, cell: "A1".into() },
            message: "ce fichier n'est pas un formulaire de collecte de clsm".into(),
            help: Some(
                "importez les classeurs produits par `clsm collecte --annee ANNÉE`, tels que les porteurs les ont renvoyés".into(),
            ),
        });
    }
    parsed
}

/// Whether a sheet saved alone as CSV has the headers of a form, whatever its
/// first cell says.
fn found_headers(grid: &Grid) -> bool {
    grid.rows
        .iter()
        .take(3)
        .flatten()
        .any(|c| matches!(c, Read::Text(t) if t.trim() == form::H_VALEUR || t.trim() == form::H_NOUVEAU))
}

/// Whether a sheet belongs to this contract, to the year asked for, and to the same
/// round as the workbook's other sheets.
fn check_round(
    reader: &mut SheetReader,
    round: &Round,
    seen: Option<&Round>,
    repo: &Repository,
    annee: Option<i32>,
) -> bool {
    if round.contrat.trim() != repo.titre.trim() {
        let message = format!("classeur d'un autre contrat : « {} »", round.contrat);
        let help = format!("ce dépôt est « {} » : importez les classeurs de sa collecte", repo.titre);
        reader.problem(0, 0, message, Some(help));
        return false;
    }
    if let Some(annee) = annee.filter(|a| *a != round.annee) {
        let message = format!("classeur de la collecte {}, pas de {annee}", round.annee);
        reader.problem(0, 0, message, Some(format!("importez-le avec `--annee {}`, ou sans `--annee`", round.annee)));
        return false;
    }
    if seen.is_some_and(|s| s != round) {
        reader.problem(0, 0, "les feuilles de ce classeur viennent de deux formulaires différents", None);
        return false;
    }
    if !repo.partenaires.iter().any(|p| *p.id == *round.porteur) {
        reader.problem(0, 0, format!("porteur inconnu `{}`", round.porteur), None);
        return false;
    }
    true
}

/// The statut word a cell names, by its label (`Réalisée`) or its word.
fn statut_word(repo: &Repository, text: &str) -> Option<String> {
    let wanted = text.trim().to_lowercase();
    repo.vocab
        .words(&STATUT)
        .into_iter()
        .find(|w| *w == wanted || repo.vocab.label(&STATUT, w).to_lowercase() == wanted)
}

fn actions(reader: &mut SheetReader, round: &Round, repo: &Repository, out: &mut Vec<Entry>) {
    let needed = [form::H_NOUVEAU, form::H_TEXTE, form::H_PARTICIPANTS];
    if let Some(missing) = needed.iter().find(|h| reader.col(h).is_none()) {
        reader.problem(
            0,
            1,
            format!("colonne « {missing} » introuvable"),
            Some("importez le classeur renvoyé, sans supprimer ni renommer ses colonnes".to_string()),
        );
        return;
    }
    let Some(porteur) = repo.partenaires_indexed().find(|(_, p)| *p.id == *round.porteur).map(|(ix, _)| ix) else {
        return;
    };
    let mine = form::actions_of(repo, porteur, round.annee);
    let labels = form::statut_labels(repo).join(", ");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in 1..reader.grid.rows.len() {
        let key = reader.key(r);
        let (Ok(statut_text), Ok(texte)) = (reader.text(r, form::H_NOUVEAU), reader.text(r, form::H_TEXTE)) else {
            continue;
        };
        let participants_col = reader.col(form::H_PARTICIPANTS).unwrap_or(0);
        let participants = reader.number(r, form::H_PARTICIPANTS);
        let filled = statut_text.is_some() || texte.is_some() || !matches!(participants, Ok(None));
        let Some(key) = key else {
            if filled {
                reader.problem(
                    r,
                    0,
                    "ligne sans clé : ajoutée au formulaire ?",
                    Some("les lignes ajoutées ne sont pas importées : écrivez dans les lignes prévues".to_string()),
                );
            }
            continue;
        };
        if !filled {
            continue;
        }
        if let Some(first) = seen.insert(key.clone(), r) {
            reader.problem(
                r,
                0,
                format!("ligne `{key}` en double (déjà ligne {})", first + 1),
                Some("gardez une seule ligne par action".to_string()),
            );
            continue;
        }
        let (action_id, objective) = match key.split_once('#') {
            Some((a, n)) => (a.to_string(), Some(n.parse::<usize>().ok().filter(|n| *n > 0))),
            None => (key.clone(), None),
        };
        let Some(action) =
            repo.actions_indexed().find(|(ix, a)| *a.id == *action_id && mine.contains(ix)).map(|(_, a)| a)
        else {
            let message = format!("action inconnue `{action_id}` dans le formulaire de `{}`", round.porteur);
            reader.problem(
                r,
                0,
                message,
                Some("la fiche a été renommée ou a changé de porteur : reportez cette ligne à la main".to_string()),
            );
            continue;
        };
        let statut = match &statut_text {
            None => None,
            Some(t) => match statut_word(repo, t) {
                Some(w) => Some(w),
                None => {
                    let col = reader.col(form::H_NOUVEAU).unwrap_or(0);
                    reader.problem(
                        r,
                        col,
                        format!("statut inconnu « {t} »"),
                        Some(format!("choisissez dans la liste : {labels}")),
                    );
                    continue;
                }
            },
        };
        let at = reader.at(r, 0);
        if let Some(objective) = objective {
            let Some(index) = objective.map(|n| n - 1).filter(|i| *i < action.objectifs.len()) else {
                reader.problem(
                    r,
                    0,
                    format!("objectif inconnu `{key}`"),
                    Some("la fiche a changé depuis le formulaire : reportez cette ligne à la main".to_string()),
                );
                continue;
            };
            if texte.is_some() || matches!(participants, Ok(Some(_)) | Err(())) {
                let col = reader.col(form::H_TEXTE).unwrap_or(0);
                let help = "écrivez ce qui s'est passé sur la ligne de l'action, au-dessus de ses objectifs";
                reader.problem(r, col, "une ligne d'objectif ne prend que son nouveau statut", Some(help.to_string()));
                continue;
            }
            let current = action.objectifs[index].statut.as_ref().map(|s| s.mot().to_string());
            if let Some(statut) = statut.filter(|s| Some(s) != current.as_ref()) {
                out.push(Entry::Objective { action: action_id, index, statut, at });
            }
            continue;
        }
        let Ok(participants) = participants else { continue };
        let participants = match participants {
            Some(n) if n < 0.0 || n.fract() != 0.0 || n > 1e12 => {
                reader.problem(
                    r,
                    participants_col,
                    format!("{} participants : un nombre entier positif est attendu", crate::format::plain(n)),
                    None,
                );
                continue;
            }
            Some(n) => Some(n as u64),
            None => None,
        };
        let current = action.statut.as_ref().map(|s| s.mot().to_string());
        let statut = statut.filter(|s| Some(s) != current.as_ref());
        if texte.is_none() && participants.is_none() && statut.is_none() {
            continue;
        }
        let texte = texte.unwrap_or_else(|| match &statut {
            Some(s) => format!("Nouveau statut : {}.", repo.vocab.label(&STATUT, s)),
            None => format!("Bilan {} transmis par le porteur.", round.annee),
        });
        // The year's entry is there already: the same workbook imported again, or
        // an entry written by hand that this one would duplicate.
        let year = PartialDate::year(round.annee);
        if let Some(known) = action.avancement.iter().find(|e| e.date == year) {
            if known.texte == texte && known.participants == participants {
                continue;
            }
            let col = reader.col(form::H_TEXTE).unwrap_or(0);
            let message = format!("l'action a déjà une entrée d'avancement pour {year} : « {} »", known.texte);
            let help = "si elle doit changer, corrigez la fiche à la main ; sinon, videz les cellules de cette ligne";
            reader.problem(r, col, message, Some(help.to_string()));
            continue;
        }
        out.push(Entry::Progress { action: action_id, texte, participants, statut, at });
    }
}

fn indicators(reader: &mut SheetReader, round: &Round, repo: &Repository, out: &mut Vec<Entry>) {
    if reader.col(form::H_VALEUR).is_none() {
        return;
    }
    let Some(porteur) = repo.partenaires_indexed().find(|(_, p)| *p.id == *round.porteur).map(|(ix, _)| ix) else {
        return;
    };
    let mine = form::indicators_of(repo, &form::actions_of(repo, porteur, round.annee));
    // Category columns: `Sexe : Femmes` → (dimension, category).
    let categories: Vec<(String, String, String)> = repo
        .dimensions
        .iter()
        .flat_map(|d| {
            d.categories
                .iter()
                .map(move |(id, label)| (d.id.to_string(), id.to_string(), form::category_header(&d.titre, label)))
        })
        .filter(|(_, _, h)| reader.col(h).is_some())
        .collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in 1..reader.grid.rows.len() {
        let key = reader.key(r);
        let valeur = reader.number(r, form::H_VALEUR);
        let numerateur = reader.number(r, form::H_NUMERATEUR);
        let denominateur = reader.number(r, form::H_DENOMINATEUR);
        let (Ok(commentaire), Ok(source)) = (reader.text(r, form::H_COMMENTAIRE), reader.text(r, form::H_SOURCE))
        else {
            continue;
        };
        let mut parts: Vec<(String, String, usize, f64)> = Vec::new();
        let mut unreadable = valeur.is_err() || numerateur.is_err() || denominateur.is_err();
        for (dimension, category, header) in &categories {
            match reader.number(r, header) {
                Ok(Some(n)) => parts.push((dimension.clone(), category.clone(), reader.col(header).unwrap_or(0), n)),
                Ok(None) => {}
                Err(()) => unreadable = true,
            }
        }
        let (Ok(valeur), Ok(numerateur), Ok(denominateur)) = (valeur, numerateur, denominateur) else { continue };
        let filled = valeur.is_some()
            || numerateur.is_some()
            || denominateur.is_some()
            || commentaire.is_some()
            || source.is_some()
            || !parts.is_empty();
        let Some(key) = key else {
            if filled {
                reader.problem(
                    r,
                    0,
                    "ligne sans clé : ajoutée au formulaire ?",
                    Some("les lignes ajoutées ne sont pas importées : écrivez dans les lignes prévues".to_string()),
                );
            }
            continue;
        };
        if !filled || unreadable {
            continue;
        }
        if let Some(first) = seen.insert(key.clone(), r) {
            reader.problem(
                r,
                0,
                format!("ligne `{key}` en double (déjà ligne {})", first + 1),
                Some("gardez une seule ligne par indicateur et par période".to_string()),
            );
            continue;
        }
        let Some((id, date)) = key.rsplit_once('@') else {
            reader.problem(r, 0, format!("clé illisible `{key}`"), None);
            continue;
        };
        let Some(ind) = repo.indicateurs_indexed().find(|(ix, i)| *i.id == *id && mine.contains(ix)).map(|(_, i)| i)
        else {
            let message = format!("indicateur inconnu `{id}` dans le formulaire de `{}`", round.porteur);
            reader.problem(
                r,
                0,
                message,
                Some(
                    "la fiche a été renommée ou n'est plus citée par ses actions : reportez cette ligne à la main"
                        .to_string(),
                ),
            );
            continue;
        };
        let Some(date) = PartialDate::parse(date)
            .ok()
            .filter(|d| form::periods(ind.frequence.as_deref(), round.annee).iter().any(|p| p.date == *d))
        else {
            reader.problem(
                r,
                0,
                format!("période inattendue `{date}` pour `{id}`"),
                Some("produisez un nouveau formulaire avec `clsm collecte`".to_string()),
            );
            continue;
        };
        let row = MeasureRow { reader: &mut *reader, r, ind, repo };
        if let Some(entry) = row.entry(date, valeur, numerateur, denominateur, parts, commentaire, source) {
            out.push(entry);
        }
    }
}

/// One filled row of the indicators' sheet, being checked.
struct MeasureRow<'r, 'a> {
    reader: &'r mut SheetReader<'a>,
    r: usize,
    ind: &'r Indicateur,
    repo: &'r Repository,
}

impl MeasureRow<'_, '_> {
    fn problem(&mut self, header: &str, message: String, help: &str) {
        let col = self.reader.col(header).unwrap_or(0);
        self.reader.problem(self.r, col, message, Some(help.to_string()));
    }

    #[allow(clippy::too_many_arguments)]
    fn entry(
        mut self,
        date: PartialDate,
        valeur: Option<f64>,
        numerateur: Option<f64>,
        denominateur: Option<f64>,
        parts: Vec<(String, String, usize, f64)>,
        commentaire: Option<String>,
        source: Option<String>,
    ) -> Option<Entry> {
        let percent = self.ind.unite == Some(Unite::Pourcentage);
        let n = |x: f64| crate::format::number(x, 4);
        let mut bad = false;
        for (header, value) in
            [(form::H_VALEUR, valeur), (form::H_NUMERATEUR, numerateur), (form::H_DENOMINATEUR, denominateur)]
        {
            if let Some(v) = value.filter(|v| *v < 0.0) {
                self.problem(
                    header,
                    format!("nombre négatif : {}", n(v)),
                    "un indicateur compte des personnes, des actes ou des euros : un nombre positif ou nul",
                );
                bad = true;
            }
        }
        if let Some(v) = valeur.filter(|v| percent && *v > 100.0) {
            self.problem(
                form::H_VALEUR,
                format!("pourcentage hors bornes : {} (attendu entre 0 et 100)", n(v)),
                "un pourcentage s'écrit sans « % », entre 0 et 100 : `42,5`",
            );
            bad = true;
        }
        for (_, category, col, v) in &parts {
            if *v < 0.0 || (percent && *v > 100.0) {
                let expected = if percent { "entre 0 et 100" } else { "positif ou nul" };
                self.reader.problem(
                    self.r,
                    *col,
                    format!("valeur hors bornes pour `{category}` : {} (attendu {expected})", n(*v)),
                    None,
                );
                bad = true;
            }
        }
        match (numerateur, denominateur) {
            (Some(_), None) => {
                self.problem(
                    form::H_DENOMINATEUR,
                    "numérateur sans dénominateur".into(),
                    "écrivez les deux, ou seulement la valeur",
                );
                bad = true;
            }
            (None, Some(_)) => {
                self.problem(
                    form::H_NUMERATEUR,
                    "dénominateur sans numérateur".into(),
                    "écrivez les deux, ou seulement la valeur",
                );
                bad = true;
            }
            (Some(_), Some(0.0)) => {
                self.problem(
                    form::H_DENOMINATEUR,
                    "dénominateur nul".into(),
                    "le dénominateur compte une population : il ne peut pas valoir 0",
                );
                bad = true;
            }
            _ => {}
        }
        if bad {
            return None;
        }
        let ratio = match (numerateur, denominateur) {
            (Some(a), Some(b)) => Some(self.ind_ratio(a, b)),
            _ => None,
        };
        if let (Some(v), Some(computed)) = (valeur, ratio)
            && !crate::check::agrees(v, computed, percent)
        {
            self.problem(
                form::H_VALEUR,
                format!(
                    "la valeur {} ne correspond pas à {} / {} = {}",
                    n(v),
                    n(numerateur?),
                    n(denominateur?),
                    n(computed)
                ),
                "corrigez la valeur, le numérateur ou le dénominateur, ou laissez la valeur vide",
            );
            return None;
        }
        if let Some(r) = ratio.filter(|r| percent && *r > 100.0 + 1e-9) {
            let message = format!(
                "le numérateur dépasse le dénominateur : {} / {} = {} %",
                n(numerateur?),
                n(denominateur?),
                n(r)
            );
            self.problem(
                form::H_NUMERATEUR,
                message,
                "le numérateur compte une partie de la population du dénominateur",
            );
            return None;
        }
        let total = valeur.or(ratio);
        let Some(total) = total else {
            let help = if parts.is_empty() {
                "écrivez la valeur, ou videz le commentaire et la source"
            } else {
                "écrivez aussi la valeur totale, que la répartition détaille"
            };
            self.problem(form::H_VALEUR, "valeur manquante".into(), help);
            return None;
        };
        let mut ventilation: Vec<(String, Vec<(String, f64)>)> = Vec::new();
        for (dimension, category, col, v) in &parts {
            if !self.ind.ventilation.iter().any(|d| **d == **dimension) {
                self.reader.problem(
                    self.r,
                    *col,
                    format!("l'indicateur n'est pas réparti par `{dimension}`"),
                    Some("laissez cette cellule vide".to_string()),
                );
                return None;
            }
            match ventilation.iter_mut().find(|(d, _)| d == dimension) {
                Some((_, cats)) => cats.push((category.clone(), *v)),
                None => ventilation.push((dimension.clone(), vec![(category.clone(), *v)])),
            }
        }
        if percent {
            // Each category gives its own rate: the whole lies between them.
            for (dimension, cats) in &ventilation {
                let known =
                    self.repo.dimensions.iter().find(|d| *d.id == **dimension).map_or(0, |d| d.categories.len());
                let (low, high) = cats.iter().fold((f64::MAX, f64::MIN), |(l, h), (_, v)| (l.min(*v), h.max(*v)));
                if cats.len() == known && (total < low - 0.5 || total > high + 0.5) {
                    let col = parts.iter().find(|(d, ..)| d == dimension).map_or(0, |p| p.2);
                    let title = self.reader_dimension_title(dimension);
                    let message = format!(
                        "le taux {} % n'est pas entre ceux des catégories de « {title} » ({} % à {} %)",
                        n(total),
                        n(low),
                        n(high)
                    );
                    let help = "pour un pourcentage, chaque catégorie donne son propre taux (de 0 à 100), pas un nombre de personnes";
                    self.reader.problem(self.r, col, message, Some(help.to_string()));
                    return None;
                }
            }
        } else {
            for (dimension, cats) in &ventilation {
                let sum: f64 = cats.iter().map(|(_, v)| v).sum();
                if (sum - total).abs() > 0.005 + total.abs() * 1e-9 {
                    let col = parts.iter().find(|(d, ..)| d == dimension).map_or(0, |p| p.2);
                    let title = self.reader_dimension_title(dimension);
                    self.reader.problem(
                        self.r,
                        col,
                        format!("la répartition par « {title} » fait {}, pas {} comme la valeur", n(sum), n(total)),
                        Some(
                            "corrigez une catégorie, ou complétez celles qui manquent (« Non renseigné » s'il le faut)"
                                .to_string(),
                        ),
                    );
                    return None;
                }
            }
        }
        if let Some(existing) = self.ind.mesures.iter().find(|m| m.date == date) {
            if (existing.valeur - total).abs() <= 1e-9 {
                return None;
            }
            let message = format!(
                "l'indicateur a déjà la valeur {} pour {date} ; le formulaire dit {}",
                n(existing.valeur),
                n(total)
            );
            self.problem(
                form::H_VALEUR,
                message,
                "si la valeur a changé, corrigez la fiche de l'indicateur à la main ; sinon, videz la cellule",
            );
            return None;
        }
        let at = self.reader.at(self.r, self.reader.col(form::H_VALEUR).unwrap_or(0));
        Some(Entry::Measure {
            indicator: self.ind.id.to_string(),
            date,
            valeur,
            numerateur,
            denominateur,
            ventilation,
            commentaire,
            source,
            at,
        })
    }

    fn ind_ratio(&self, n: f64, d: f64) -> f64 {
        let ratio = n / d;
        if self.ind.unite == Some(Unite::Pourcentage) { ratio * 100.0 } else { ratio }
    }

    fn reader_dimension_title(&self, dimension: &str) -> String {
        self.repo.dimensions.iter().find(|d| *d.id == *dimension).map_or(dimension.to_string(), |d| d.titre.to_string())
    }
}

/// The changes to one fiche, and what they add, in words.
#[derive(Debug, Default)]
pub struct FicheChanges {
    pub changes: Vec<Change>,
    pub summary: Vec<String>,
}

/// Where a new dated item goes in a list of dates: after every item not entirely
/// after it, so that the list stays oldest first.
fn position(dates: &[Option<PartialDate>], date: PartialDate) -> usize {
    dates.iter().position(|d| d.is_some_and(|d| date.entirely_before(&d))).unwrap_or(dates.len())
}

fn plain_number(x: f64) -> New {
    New::Plain(crate::format::plain(x))
}

/// The edits that bring `entries` into the fiches, by file. `raw` is the repository
/// as read, whose lists give the positions; `annee` dates the progress entries.
pub fn plan(entries: &[Entry], raw: &crate::model::Repository, annee: i32) -> BTreeMap<String, FicheChanges> {
    let mut out: BTreeMap<String, FicheChanges> = BTreeMap::new();
    let vocab = raw.config.vocabularies();
    let label = |word: &str| vocab.label(&STATUT, word).to_string();
    let mut lists: BTreeMap<(String, &'static str), Vec<Option<PartialDate>>> = BTreeMap::new();
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by_key(|e| match e {
        Entry::Measure { date, .. } => date.first_day(),
        _ => chrono::NaiveDate::MIN,
    });
    for entry in sorted {
        match entry {
            Entry::Measure {
                indicator,
                date,
                valeur,
                numerateur,
                denominateur,
                ventilation,
                commentaire,
                source,
                ..
            } => {
                let Some(record) = raw.indicateurs.iter().find(|r| r.id == *indicator) else { continue };
                let dates = lists
                    .entry((record.file.clone(), "mesures"))
                    .or_insert_with(|| record.data.mesures.iter().flatten().map(|m| m.date).collect());
                let at = position(dates, *date);
                dates.insert(at, Some(*date));
                let mut item = vec![("date".to_string(), New::Plain(date.to_string()))];
                for (key, value) in [("valeur", valeur), ("numerateur", numerateur), ("denominateur", denominateur)] {
                    if let Some(v) = value {
                        item.push((key.into(), plain_number(*v)));
                    }
                }
                if !ventilation.is_empty() {
                    let dims = ventilation
                        .iter()
                        .map(|(d, cats)| {
                            (d.clone(), New::Map(cats.iter().map(|(c, v)| (c.clone(), plain_number(*v))).collect()))
                        })
                        .collect();
                    item.push(("ventilation".into(), New::Map(dims)));
                }
                for (key, value) in [("commentaire", commentaire), ("source", source)] {
                    if let Some(v) = value {
                        item.push((key.into(), New::Text(v.clone())));
                    }
                }
                let fiche = out.entry(record.file.clone()).or_default();
                fiche.changes.push(Change::Insert { list: YamlPath::key("mesures"), at, item: New::Map(item) });
                let shown = valeur.map_or_else(|| "un ratio".to_string(), |v| crate::format::number(v, 4));
                fiche.summary.push(format!("mesure {date} : {shown}"));
            }
            Entry::Progress { action, texte, participants, statut, .. } => {
                let Some(record) = raw.actions.iter().find(|r| r.id == *action) else { continue };
                let date = PartialDate::year(annee);
                // The same workbook imported twice: its entry is there already (its
                // change of statut too, which is then no change any more).
                let existing = record.data.avancement.iter().flatten().any(|e| {
                    e.date == Some(date)
                        && e.texte.as_deref() == Some(texte.as_str())
                        && e.participants == *participants
                });
                if existing {
                    continue;
                }
                let dates = lists
                    .entry((record.file.clone(), "avancement"))
                    .or_insert_with(|| record.data.avancement.iter().flatten().map(|e| e.date).collect());
                let at = position(dates, date);
                dates.insert(at, Some(date));
                let mut item = vec![
                    ("date".to_string(), New::Plain(date.to_string())),
                    ("texte".into(), New::Text(texte.clone())),
                ];
                if let Some(s) = statut {
                    item.push(("statut".into(), New::Plain(s.clone())));
                }
                if let Some(p) = participants {
                    item.push(("participants".into(), New::Plain(p.to_string())));
                }
                let fiche = out.entry(record.file.clone()).or_default();
                fiche.changes.push(Change::Insert { list: YamlPath::key("avancement"), at, item: New::Map(item) });
                fiche.summary.push(format!("avancement {date}"));
                if let Some(s) = statut {
                    fiche.changes.push(Change::Set {
                        map: YamlPath::default(),
                        key: "statut".into(),
                        value: New::Plain(s.clone()),
                    });
                    fiche.summary.push(format!("statut : {}", label(s)));
                }
            }
            Entry::Objective { action, index, statut, .. } => {
                let Some(record) = raw.actions.iter().find(|r| r.id == *action) else { continue };
                let fiche = out.entry(record.file.clone()).or_default();
                fiche.changes.push(Change::Set {
                    map: YamlPath::key("objectifs_operationnels").with_index(*index),
                    key: "statut".into(),
                    value: New::Plain(statut.clone()),
                });
                fiche.summary.push(format!("objectif {} : {}", index + 1, label(statut)));
            }
        }
    }
    out
}
