//! What a returned workbook says: each filled row read into an entry (a measure, a
//! progress entry, an objective's statut), each mistake into a problem naming the
//! file, the sheet and the cell. Nothing here writes; [`crate::collecte::plan`]
//! turns the entries into edits.

use std::collections::BTreeMap;
use std::fmt;

use crate::collecte::form::{self, Period, Round};
use crate::collecte::read::{Grid, NotNumber, Read, cell_name, number};
use crate::model::checked::{Action, Indicateur, Ix, Partenaire, Repository};
use crate::model::ventilation::{adds_up, framed};
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

/// What a row gives a value for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An indicator's measure for one period (the period's end date).
    Measure { indicator: String, date: PartialDate },
    /// An action's progress entry for the year.
    Progress { action: String },
    /// An operational objective's statut (0-based index).
    Objective { action: String, index: usize },
}

/// A measure's breakdown: by dimension id, each category id with its figure.
pub type Breakdown = Vec<(String, Vec<(String, f64)>)>;

/// The figures and words of a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureValues {
    pub valeur: Option<f64>,
    pub numerateur: Option<f64>,
    pub denominateur: Option<f64>,
    pub ventilation: Breakdown,
    pub commentaire: Option<String>,
    pub source: Option<String>,
}

/// The value a row gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    Measure(MeasureValues),
    /// With the change of statut, when one was chosen.
    Progress {
        texte: String,
        participants: Option<u64>,
        statut: Option<String>,
    },
    Objective {
        statut: String,
    },
}

/// A value to bring into the fiches, and the cells it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub target: Target,
    pub fill: Fill,
    /// The cell that names the row's value as a whole.
    pub at: Located,
    /// The cell of each of its parts, by column header.
    pub cells: Vec<(&'static str, Located)>,
}

impl Entry {
    /// The cell under `header`, or the row's own.
    pub fn cell(&self, header: &str) -> &Located {
        self.cells.iter().find(|(h, _)| *h == header).map_or(&self.at, |(_, at)| at)
    }
}

impl Fill {
    /// The header of the first column where `self` and `other` differ.
    pub fn differs(&self, other: &Fill) -> Option<&'static str> {
        match (self, other) {
            (Fill::Measure(a), Fill::Measure(b)) => [
                (form::H_VALEUR, a.valeur != b.valeur || a.ventilation != b.ventilation),
                (form::H_NUMERATEUR, a.numerateur != b.numerateur),
                (form::H_DENOMINATEUR, a.denominateur != b.denominateur),
                (form::H_COMMENTAIRE, a.commentaire != b.commentaire),
                (form::H_SOURCE, a.source != b.source),
            ]
            .into_iter()
            .find_map(|(h, d)| d.then_some(h)),
            (
                Fill::Progress { texte, participants, statut },
                Fill::Progress { texte: t, participants: p, statut: s },
            ) => {
                [(form::H_NOUVEAU, statut != s), (form::H_PARTICIPANTS, participants != p), (form::H_TEXTE, texte != t)]
                    .into_iter()
                    .find_map(|(h, d)| d.then_some(h))
            }
            (Fill::Objective { statut }, Fill::Objective { statut: s }) => (statut != s).then_some(form::H_NOUVEAU),
            _ => Some(form::H_VALEUR),
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

/// What a row of a data sheet is, once its key is read.
enum RowKey {
    /// Nothing filled in it.
    Empty,
    /// Its key, when it has one and is not a second copy of another row.
    Key(String),
    /// A problem was reported for it.
    Refused,
}

struct SheetReader<'a> {
    file: &'a str,
    grid: &'a Grid,
    /// Each header of the first row, with its column.
    columns: BTreeMap<String, usize>,
    /// Each row's key, with the row that gave it first.
    seen: BTreeMap<String, usize>,
    /// The cells whose number was written as a percentage (`12 %`).
    percents: Vec<(usize, usize)>,
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

    /// Row `r`'s key, or why it has none: a filled row without a key (added to the
    /// form) or a second copy of a row is reported.
    fn row_key(&mut self, r: usize, filled: bool) -> RowKey {
        let Some(key) = self.key(r) else {
            if filled {
                let help = "les lignes ajoutées ne sont pas importées : écrivez dans les lignes prévues";
                self.problem(r, 0, "ligne sans clé : ajoutée au formulaire ?", Some(help.to_string()));
                return RowKey::Refused;
            }
            return RowKey::Empty;
        };
        if !filled {
            return RowKey::Empty;
        }
        if let Some(first) = self.seen.get(&key).copied() {
            let message = format!("ligne `{key}` en double (déjà ligne {})", first + 1);
            self.problem(r, 0, message, Some("gardez une seule de ces lignes".to_string()));
            return RowKey::Refused;
        }
        self.seen.insert(key.clone(), r);
        RowKey::Key(key)
    }

    /// Reports, once per column, a value written in a column the import does not
    /// read (added, or a category renamed in `clsm.toml` since the form was made).
    fn stray_columns(&mut self, read: &[usize]) {
        let width = self.grid.rows.iter().map(Vec::len).max().unwrap_or(0);
        for c in (1..width).filter(|c| !read.contains(c)) {
            let Some(r) = (1..self.grid.rows.len()).find(|r| *self.grid.get(*r, c) != Read::Empty) else { continue };
            let header = match self.grid.get(0, c) {
                Read::Text(t) => format!("« {} »", t.trim()),
                _ => "sans titre".to_string(),
            };
            let message = format!("valeur dans une colonne que l'import ne lit pas ({header})");
            let help = "une colonne ajoutée, ou une catégorie renommée dans clsm.toml depuis l'envoi : reportez la valeur à la main";
            self.problem(r, c, message, Some(help.to_string()));
        }
    }

    /// A formula where a value is expected: its error (`#DIV/0!`), or a result
    /// never saved; `what` names what to write instead.
    fn formula(&mut self, row: usize, col: usize, what: &str) {
        let (message, help) = match self.grid.get(row, col) {
            Read::Error(e) => (
                format!("la cellule affiche une erreur de formule ({e})"),
                format!("écrivez {what} lui-même, sans formule"),
            ),
            _ => (
                "la cellule contient une formule dont le résultat n'a pas été enregistré".to_string(),
                format!(
                    "ouvrez le classeur dans votre tableur et enregistrez-le (la formule sera calculée), ou écrivez {what} lui-même"
                ),
            ),
        };
        self.problem(row, col, message, Some(help));
    }

    /// The cells of row `r` under `headers`, where the sheet has them.
    fn cells(&self, r: usize, headers: &[&'static str]) -> Vec<(&'static str, Located)> {
        headers.iter().filter_map(|h| Some((*h, self.at(r, self.col(h)?)))).collect()
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
            Read::Error(_) | Read::Uncomputed => {
                self.formula(row, col, "le texte");
                return Err(());
            }
        };
        if text.is_empty() {
            return Ok(None);
        }
        if let Some(c) = text.chars().find(|c| unwanted(*c)) {
            let message = format!("caractère invisible, de contrôle ou illisible U+{:04X} dans le texte", c as u32);
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
            Read::Percent(p) => {
                self.percents.push((row, col));
                percent(p)
            }
            Read::Error(_) | Read::Uncomputed => {
                self.formula(row, col, "le nombre");
                return Err(());
            }
            Read::Text(t) if t.trim().is_empty() => return Ok(None),
            Read::Text(t) if t.trim_end().ends_with('%') && number(&t).is_ok() => {
                self.percents.push((row, col));
                number(&t).unwrap_or_default()
            }
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
                        NotNumber::Text if header == form::H_PARTICIPANTS => {
                            "écrivez un nombre entier, par exemple `12`"
                        }
                        NotNumber::Text => "écrivez un nombre, par exemple `12` ou `12,5`",
                    };
                    self.problem(
                        row,
                        col,
                        format!("« {} » n'est pas un nombre", crate::terminal::one_line(t.trim())),
                        Some(help.to_string()),
                    );
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
        || matches!(
            c,
            '\u{034f}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{180b}'..='\u{180f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2061}'..='\u{206f}'
                | '\u{3164}'
                | '\u{e000}'..='\u{f8ff}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{ffff}'
                | '\u{e0000}'..='\u{e0fff}'
                | '\u{f0000}'..='\u{10ffff}'
        )
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
        let mut reader = SheetReader {
            file,
            grid,
            columns: BTreeMap::new(),
            seen: BTreeMap::new(),
            percents: Vec::new(),
            problems: Vec::new(),
        };
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
        let Some(porteur) = check_round(&mut reader, &round, parsed.round.as_ref(), repo, annee) else {
            parsed.problems.append(&mut reader.problems);
            continue;
        };
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
        let form = Form { repo, round: &round, porteur };
        if kind == form::INDICATEURS {
            form.indicators(&mut reader, &mut parsed.entries);
        } else {
            form.actions(&mut reader, &mut parsed.entries);
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
) -> Option<Ix<Partenaire>> {
    if round.contrat.trim() != repo.titre.trim() {
        let message = format!("classeur d'un autre contrat : « {} »", round.contrat);
        let help = format!("ce dépôt est « {} » : importez les classeurs de sa collecte", repo.titre);
        reader.problem(0, 0, message, Some(help));
        return None;
    }
    if let Some(annee) = annee.filter(|a| *a != round.annee) {
        let message = format!("classeur de la collecte {}, pas de {annee}", round.annee);
        reader.problem(0, 0, message, Some(format!("importez-le avec `--annee {}`, ou sans `--annee`", round.annee)));
        return None;
    }
    if seen.is_some_and(|s| s != round) {
        reader.problem(0, 0, "les feuilles de ce classeur viennent de deux formulaires différents", None);
        return None;
    }
    let porteur = repo.partenaires_indexed().find(|(_, p)| *p.id == *round.porteur).map(|(ix, _)| ix);
    if porteur.is_none() {
        reader.problem(0, 0, format!("porteur inconnu `{}`", round.porteur), None);
    }
    porteur
}

/// The form of one porteur for one round, being read back.
struct Form<'a> {
    repo: &'a Repository,
    round: &'a Round,
    porteur: Ix<Partenaire>,
}

/// The cells of a row of the actions' sheet.
struct ActionCells {
    statut: Option<String>,
    texte: Option<String>,
    participants: Option<f64>,
}

impl Form<'_> {
    fn actions(&self, reader: &mut SheetReader, out: &mut Vec<Entry>) {
        let needed = [form::H_ACTION, form::H_NOUVEAU, form::H_TEXTE, form::H_PARTICIPANTS];
        if let Some(missing) = needed.iter().find(|h| reader.col(h).is_none()) {
            let help = "importez le classeur renvoyé, sans supprimer ni renommer ses colonnes";
            reader.problem(0, 1, format!("colonne « {missing} » introuvable"), Some(help.to_string()));
            return;
        }
        let read: Vec<usize> =
            [form::H_NUMERO, form::H_ACTION, form::H_STATUT, form::H_NOUVEAU, form::H_TEXTE, form::H_PARTICIPANTS]
                .iter()
                .filter_map(|h| reader.col(h))
                .collect();
        reader.stray_columns(&read);
        let mine = form::actions_of(self.repo, self.porteur, self.round.annee);
        for r in 1..reader.grid.rows.len() {
            // Every cell of the row is read and judged, so that all its mistakes are
            // said at once.
            let (statut_text, texte, participants) = (
                reader.text(r, form::H_NOUVEAU),
                reader.text(r, form::H_TEXTE),
                reader.number(r, form::H_PARTICIPANTS),
            );
            let chosen = match &statut_text {
                Ok(text) => self.statut(reader, r, text.as_deref()),
                Err(()) => None,
            };
            let (Ok(statut), Ok(texte), Ok(participants), Some(chosen)) = (statut_text, texte, participants, chosen)
            else {
                continue;
            };
            let cells = ActionCells { statut, texte, participants };
            let filled = cells.statut.is_some() || cells.texte.is_some() || cells.participants.is_some();
            let RowKey::Key(key) = reader.row_key(r, filled) else { continue };
            let (action_id, objective) = match key.split_once('#') {
                Some((a, rest)) => (a, Some(rest)),
                None => (key.as_str(), None),
            };
            let Some(action) =
                self.repo.actions_indexed().find(|(ix, a)| *a.id == *action_id && mine.contains(ix)).map(|(_, a)| a)
            else {
                let message = format!("action inconnue `{action_id}` dans le formulaire de `{}`", self.round.porteur);
                let help = "la fiche a été renommée ou a changé de porteur : reportez cette ligne à la main";
                reader.problem(r, 0, message, Some(help.to_string()));
                continue;
            };
            let statut = chosen;
            let entry = match objective {
                Some(rest) => self.objective_row(reader, r, action, rest, &cells, statut),
                None => self.action_row(reader, r, action, &cells, statut),
            };
            out.extend(entry);
        }
    }

    /// The statut word chosen in row `r` (`Some(None)` when none is), or `None`
    /// once a problem was reported.
    fn statut(&self, reader: &mut SheetReader, r: usize, text: Option<&str>) -> Option<Option<String>> {
        let Some(text) = text else { return Some(None) };
        let wanted = text.trim().to_lowercase();
        let vocab = &self.repo.vocab;
        let word =
            vocab.words(&STATUT).into_iter().find(|w| *w == wanted || vocab.label(&STATUT, w).to_lowercase() == wanted);
        if word.is_none() {
            let col = reader.col(form::H_NOUVEAU).unwrap_or(0);
            let labels = form::statut_labels(self.repo).join(", ");
            let message = format!("statut inconnu « {} »", crate::terminal::one_line(text));
            reader.problem(r, col, message, Some(format!("choisissez dans la liste : {labels}")));
            return None;
        }
        Some(word)
    }

    /// An objective's row: only its new statut, and only if the objective at its
    /// place in the fiche is still the one the form showed.
    fn objective_row(
        &self,
        reader: &mut SheetReader,
        r: usize,
        action: &Action,
        key: &str,
        cells: &ActionCells,
        statut: Option<String>,
    ) -> Option<Entry> {
        // `2.5e1a0c`: its place when the form was made, and its digest, which finds
        // it wherever it is now.
        let (number, digest) = key.split_once('.').unwrap_or((key, ""));
        let digest_of = |o: &crate::model::checked::Objectif| form::objective_digest(&o.titre, o.comment.as_deref());
        // Twin objectives (same title, same comment) keep their places.
        let at_place = number.parse::<usize>().ok().and_then(|n| n.checked_sub(1));
        let found = at_place
            .filter(|i| action.objectifs.get(*i).is_some_and(|o| digest_of(o) == digest))
            .or_else(|| action.objectifs.iter().position(|o| digest_of(o) == digest));
        let Some((index, objective)) = found.map(|i| (i, &action.objectifs[i])) else {
            let title_col = reader.col(form::H_ACTION).unwrap_or(0);
            let message = format!(
                "l'objectif n° {} de `{}` n'est plus dans la fiche tel que le classeur le montre (changé ou retiré depuis son envoi)",
                number, action.id
            );
            reader.problem(
                r,
                title_col,
                message,
                Some("reportez ce statut à la main, sur le bon objectif".to_string()),
            );
            return None;
        };
        let title_col = reader.col(form::H_ACTION).unwrap_or(0);
        if cells.texte.is_some() || cells.participants.is_some() {
            let col = reader.col(form::H_TEXTE).unwrap_or(0);
            let help = "écrivez ce qui s'est passé sur la ligne de l'action, au-dessus de ses objectifs";
            reader.problem(r, col, "une ligne d'objectif ne prend que son nouveau statut", Some(help.to_string()));
            return None;
        }
        let current = objective.statut.as_ref().map(|s| s.mot());
        let statut = statut.filter(|s| Some(s.as_str()) != current)?;
        Some(Entry {
            target: Target::Objective { action: action.id.to_string(), index },
            fill: Fill::Objective { statut },
            at: reader.at(r, title_col),
            cells: reader.cells(r, &[form::H_NOUVEAU]),
        })
    }

    /// An action's row: the year's progress entry, with its change of statut.
    fn action_row(
        &self,
        reader: &mut SheetReader,
        r: usize,
        action: &Action,
        cells: &ActionCells,
        chosen: Option<String>,
    ) -> Option<Entry> {
        let participants = match cells.participants {
            Some(x) if x < 0.0 || x.fract() != 0.0 => {
                let col = reader.col(form::H_PARTICIPANTS).unwrap_or(0);
                let message = format!("{} participants : un nombre entier positif est attendu", n(x));
                reader.problem(r, col, message, Some("écrivez le nombre de personnes, par exemple `12`".to_string()));
                return None;
            }
            Some(n) => Some(n as u64),
            None => None,
        };
        let year = PartialDate::year(self.round.annee);
        let known = action.avancement.iter().find(|e| e.date == year);
        // A statut chosen again once the import made it the action's (the same
        // workbook imported twice) is still the change that entry records.
        let current = action.statut.as_ref().map(|s| s.mot());
        let recorded = |s: &String| known.is_some_and(|k| k.statut.as_ref().map(|k| k.mot()) == Some(s.as_str()));
        let statut = chosen.filter(|s| Some(s.as_str()) != current || recorded(s));
        if cells.texte.is_none() && participants.is_none() && statut.is_none() {
            return None;
        }
        let texte = cells.texte.clone().unwrap_or_else(|| match (&statut, participants) {
            (Some(s), _) => format!("Nouveau statut : {}.", self.repo.vocab.label(&STATUT, s)),
            (None, Some(p)) => format!("{p} participant{} en {}.", if p > 1 { "s" } else { "" }, self.round.annee),
            (None, None) => format!("Bilan {} transmis par le porteur.", self.round.annee),
        });
        // The year's entry is there already: the same workbook imported again (no
        // news), or an entry this one would contradict or duplicate.
        if let Some(known) = known {
            let known_statut = known.statut.as_ref().map(|s| s.mot());
            let differs = [
                (form::H_NOUVEAU, statut.as_deref().is_some_and(|s| Some(s) != known_statut)),
                (form::H_PARTICIPANTS, known.participants != participants),
                (form::H_TEXTE, known.texte != texte),
            ];
            if let Some((header, _)) = differs.iter().find(|(_, d)| *d) {
                let col = reader.col(header).unwrap_or(0);
                let message = format!(
                    "l'action a déjà une entrée d'avancement pour {year} : « {} »",
                    crate::terminal::one_line(&known.texte)
                );
                let help =
                    "si elle doit changer, corrigez la fiche à la main ; sinon, videz les cellules de cette ligne";
                reader.problem(r, col, message, Some(help.to_string()));
            }
            return None;
        }
        Some(Entry {
            target: Target::Progress { action: action.id.to_string() },
            fill: Fill::Progress { texte, participants, statut },
            at: reader.at(r, reader.col(form::H_ACTION).unwrap_or(0)),
            cells: reader.cells(r, &[form::H_NOUVEAU, form::H_TEXTE, form::H_PARTICIPANTS]),
        })
    }

    fn indicators(&self, reader: &mut SheetReader, out: &mut Vec<Entry>) {
        let mine = form::indicators_of(self.repo, &form::actions_of(self.repo, self.porteur, self.round.annee));
        // Category columns: `Sexe : Femmes` → (dimension, category, column).
        let categories: Vec<(String, String, usize)> = self
            .repo
            .dimensions
            .iter()
            .flat_map(|d| d.categories.iter().map(move |(id, label)| (d, id, form::category_header(&d.titre, label))))
            .filter_map(|(d, id, h)| Some((d.id.to_string(), id.to_string(), reader.col(&h)?)))
            .collect();
        let headers = [
            form::H_ACTIONS,
            form::H_INDICATEUR,
            form::H_UNITE,
            form::H_PERIODE,
            form::H_CIBLE,
            form::H_DERNIERE,
            form::H_VALEUR,
            form::H_NUMERATEUR,
            form::H_DENOMINATEUR,
            form::H_COMMENTAIRE,
            form::H_SOURCE,
        ];
        let mut read: Vec<usize> = headers.iter().filter_map(|h| reader.col(h)).collect();
        read.extend(categories.iter().map(|(.., c)| *c));
        reader.stray_columns(&read);
        for r in 1..reader.grid.rows.len() {
            let Some(values) = row_values(reader, r, &categories) else { continue };
            let RowKey::Key(key) = reader.row_key(r, values.filled()) else { continue };
            let Some((id, date)) = key.rsplit_once('@') else {
                reader.problem(r, 0, format!("clé illisible `{key}`"), None);
                continue;
            };
            let Some(ind) =
                self.repo.indicateurs_indexed().find(|(ix, i)| *i.id == *id && mine.contains(ix)).map(|(_, i)| i)
            else {
                let message = format!("indicateur inconnu `{id}` dans le formulaire de `{}`", self.round.porteur);
                let help =
                    "la fiche a été renommée ou n'est plus citée par ses actions : reportez cette ligne à la main";
                reader.problem(r, 0, message, Some(help.to_string()));
                continue;
            };
            let periods = form::periods(ind.frequence.as_deref(), self.round.annee);
            let Some(period) = PartialDate::parse(date).ok().and_then(|d| periods.into_iter().find(|p| p.date == d))
            else {
                let help = "la fréquence de l'indicateur a changé depuis l'envoi : reportez cette ligne à la main";
                reader.problem(r, 0, format!("période inattendue `{date}` pour `{id}`"), Some(help.to_string()));
                continue;
            };
            let row = MeasureRow { reader: &mut *reader, r, ind, repo: self.repo };
            out.extend(row.entry(&period, values));
        }
    }
}

/// The cells of a row of the indicators' sheet, as read.
struct RowValues {
    valeur: Option<f64>,
    numerateur: Option<f64>,
    denominateur: Option<f64>,
    commentaire: Option<String>,
    source: Option<String>,
    /// Each category given: dimension, category, column, figure.
    parts: Vec<(String, String, usize, f64)>,
}

impl RowValues {
    fn filled(&self) -> bool {
        self.valeur.is_some()
            || self.numerateur.is_some()
            || self.denominateur.is_some()
            || self.commentaire.is_some()
            || self.source.is_some()
            || !self.parts.is_empty()
    }
}

/// The cells of row `r`, or `None` once a problem was reported for one of them.
fn row_values(reader: &mut SheetReader, r: usize, categories: &[(String, String, usize)]) -> Option<RowValues> {
    let mut ok = true;
    let mut number = |reader: &mut SheetReader, header: &str| {
        reader.number(r, header).unwrap_or_else(|()| {
            ok = false;
            None
        })
    };
    let valeur = number(reader, form::H_VALEUR);
    let numerateur = number(reader, form::H_NUMERATEUR);
    let denominateur = number(reader, form::H_DENOMINATEUR);
    let commentaire = reader.text(r, form::H_COMMENTAIRE);
    let source = reader.text(r, form::H_SOURCE);
    let mut parts = Vec::new();
    for (dimension, category, col) in categories {
        let header = match reader.grid.get(0, *col) {
            Read::Text(t) => t.trim().to_string(),
            _ => continue,
        };
        if let Some(n) = number(reader, &header) {
            parts.push((dimension.clone(), category.clone(), *col, n));
        }
    }
    let (Ok(commentaire), Ok(source), true) = (commentaire, source, ok) else { return None };
    Some(RowValues { valeur, numerateur, denominateur, commentaire, source, parts })
}

/// One filled row of the indicators' sheet, being checked.
struct MeasureRow<'r, 'a> {
    reader: &'r mut SheetReader<'a>,
    r: usize,
    ind: &'r Indicateur,
    repo: &'r Repository,
}

/// A period as the messages name it, with the date its measure bears when that
/// says something more: `1er semestre 2025 (2025-06)`.
fn when(period: &Period, date: &PartialDate) -> String {
    let date = date.to_string();
    if date == period.label { date } else { format!("{} ({date})", period.label) }
}

/// A number as the messages show it.
fn n(x: f64) -> String {
    crate::format::number(x, 4)
}

impl MeasureRow<'_, '_> {
    fn problem(&mut self, header: &str, message: String, help: &str) {
        let col = self.reader.col(header).unwrap_or(0);
        self.reader.problem(self.r, col, message, Some(help.to_string()));
    }

    fn percent(&self) -> bool {
        self.ind.unite == Some(Unite::Pourcentage)
    }

    /// The entry of the row, or `None` when it adds nothing or has a problem (then
    /// reported).
    fn entry(mut self, period: &Period, values: RowValues) -> Option<Entry> {
        if !self.in_bounds(&values) {
            return None;
        }
        let ratio = self.ratio(&values)?;
        let Some(total) = values.valeur.or(ratio) else {
            let help = if values.parts.is_empty() {
                "écrivez la valeur, ou videz le commentaire et la source"
            } else {
                "écrivez aussi la valeur totale, que la répartition détaille"
            };
            self.problem(form::H_VALEUR, "valeur manquante".into(), help);
            return None;
        };
        let ventilation = self.breakdown(&values.parts, total)?;
        let measure = MeasureValues {
            valeur: values.valeur,
            numerateur: values.numerateur,
            denominateur: values.denominateur,
            ventilation,
            commentaire: values.commentaire,
            source: values.source,
        };
        if !self.unknown_in(period, &measure, total) {
            return None;
        }
        Some(Entry {
            target: Target::Measure { indicator: self.ind.id.to_string(), date: period.date },
            fill: Fill::Measure(measure),
            at: self.reader.at(self.r, self.reader.col(form::H_VALEUR).unwrap_or(0)),
            cells: self.reader.cells(
                self.r,
                &[form::H_VALEUR, form::H_NUMERATEUR, form::H_DENOMINATEUR, form::H_COMMENTAIRE, form::H_SOURCE],
            ),
        })
    }

    /// No negative figure, no percentage above 100, a numerator with its
    /// denominator.
    fn in_bounds(&mut self, values: &RowValues) -> bool {
        let mut ok = true;
        for (header, value) in [
            (form::H_VALEUR, values.valeur),
            (form::H_NUMERATEUR, values.numerateur),
            (form::H_DENOMINATEUR, values.denominateur),
        ] {
            if let Some(v) = value.filter(|v| *v < 0.0) {
                let help = "un indicateur compte des personnes, des actes ou des euros : un nombre positif ou nul";
                self.problem(header, format!("nombre négatif : {}", n(v)), help);
                ok = false;
            }
        }
        if let Some(v) = values.valeur.filter(|v| self.percent() && *v > 100.0) {
            let help = "un pourcentage s'écrit sans « % », entre 0 et 100 : `42,5`";
            self.problem(form::H_VALEUR, format!("pourcentage hors bornes : {} (attendu entre 0 et 100)", n(v)), help);
            ok = false;
        }
        for (_, category, col, v) in &values.parts {
            if *v < 0.0 || (self.percent() && *v > 100.0) {
                let expected = if self.percent() { "entre 0 et 100" } else { "positif ou nul" };
                let message = format!("valeur hors bornes pour `{category}` : {} (attendu {expected})", n(*v));
                self.reader.problem(self.r, *col, message, None);
                ok = false;
            }
        }
        let percent_written =
            |header: &str, reader: &SheetReader| reader.col(header).filter(|c| reader.percents.contains(&(self.r, *c)));
        let mut scaled: Vec<usize> =
            [form::H_NUMERATEUR, form::H_DENOMINATEUR].iter().filter_map(|h| percent_written(h, self.reader)).collect();
        if !self.percent() {
            scaled.extend(percent_written(form::H_VALEUR, self.reader));
            scaled.extend(values.parts.iter().map(|p| p.2).filter(|c| self.reader.percents.contains(&(self.r, *c))));
        }
        for col in scaled {
            let message = "nombre écrit en pourcentage, là où il n'en faut pas".to_string();
            let help = "un numérateur, un dénominateur ou un indicateur en nombre s'écrit sans « % » : `12`";
            self.reader.problem(self.r, col, message, Some(help.to_string()));
            ok = false;
        }
        let (numerateur, denominateur) = (values.numerateur, values.denominateur);
        let incomplete = match (numerateur, denominateur) {
            (Some(_), None) => Some((form::H_DENOMINATEUR, "numérateur sans dénominateur")),
            (None, Some(_)) => Some((form::H_NUMERATEUR, "dénominateur sans numérateur")),
            _ => None,
        };
        if let Some((header, message)) = incomplete {
            self.problem(header, message.into(), "écrivez les deux, ou seulement la valeur");
            ok = false;
        }
        if denominateur == Some(0.0) && numerateur.is_some() {
            self.problem(
                form::H_DENOMINATEUR,
                "dénominateur nul".into(),
                "le dénominateur compte une population : il ne peut pas valoir 0",
            );
            ok = false;
        }
        ok
    }

    /// What the numerator and denominator give (`Some(None)` without them), checked
    /// against the value; `None` once a problem was reported.
    fn ratio(&mut self, values: &RowValues) -> Option<Option<f64>> {
        let (Some(num), Some(den)) = (values.numerateur, values.denominateur) else { return Some(None) };
        let ratio = crate::model::ratio(self.ind.unite.as_ref(), num, den);
        if self.percent() && ratio > 100.0 + 1e-9 {
            let message = format!("le numérateur dépasse le dénominateur : {} / {} = {} %", n(num), n(den), n(ratio));
            self.problem(
                form::H_NUMERATEUR,
                message,
                "le numérateur compte une partie de la population du dénominateur",
            );
            return None;
        }
        if let Some(v) = values.valeur.filter(|v| !crate::check::agrees(*v, ratio, self.percent())) {
            let message = format!("la valeur {} ne correspond pas à {} / {} = {}", n(v), n(num), n(den), n(ratio));
            let help = "corrigez la valeur, le numérateur ou le dénominateur, ou laissez la valeur vide";
            self.problem(form::H_VALEUR, message, help);
            return None;
        }
        Some(Some(ratio))
    }

    /// The categories by dimension, checked against the whole: their sum for a
    /// count, their rates around it for a percentage.
    fn breakdown(&mut self, parts: &[(String, String, usize, f64)], total: f64) -> Option<Breakdown> {
        let mut ventilation: Breakdown = Vec::new();
        for (dimension, category, col, v) in parts {
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
        for (dimension, cats) in &ventilation {
            let Some(d) = self.repo.dimension(dimension) else { continue };
            let col = parts.iter().find(|(p, ..)| p == dimension).map_or(0, |p| p.2);
            let (low, high) = cats.iter().fold((f64::MAX, f64::MIN), |(l, h), (_, v)| (l.min(*v), h.max(*v)));
            let sum: f64 = cats.iter().map(|(_, v)| v).sum();
            let problem = if self.percent() {
                (cats.len() == d.categories.len() && !framed(total, low, high)).then(|| {
                    format!(
                        "le taux {} % n'est pas entre ceux des catégories de « {} » ({} % à {} %)",
                        n(total),
                        d.titre,
                        n(low),
                        n(high)
                    )
                })
            } else {
                (!adds_up(sum, total)).then(|| {
                    format!("la répartition par « {} » fait {}, pas {} comme la valeur", d.titre, n(sum), n(total))
                })
            };
            if let Some(message) = problem {
                let help = if self.percent() {
                    "pour un pourcentage, chaque catégorie donne son propre taux (de 0 à 100), pas un nombre de personnes"
                } else {
                    "corrigez une catégorie, ou complétez celles qui manquent (« Non renseigné » s'il le faut)"
                };
                self.reader.problem(self.r, col, message, Some(help.to_string()));
                return None;
            }
        }
        Some(ventilation)
    }

    /// Whether the period has no measure yet; a measure already known with the same
    /// value and nothing more to say is no news, and anything else is a problem.
    fn unknown_in(&mut self, period: &Period, measure: &MeasureValues, total: f64) -> bool {
        let known: Vec<_> = self.ind.mesures.iter().filter(|m| period.holds(&m.date)).collect();
        let [existing] = known.as_slice() else {
            if let Some(m) = known.first() {
                let message = format!(
                    "l'indicateur a déjà {} mesures pour {} (dont {} en {})",
                    known.len(),
                    period.label,
                    n(m.valeur),
                    m.date
                );
                self.problem(form::H_VALEUR, message, "corrigez la fiche de l'indicateur à la main");
            }
            return known.is_empty();
        };
        if (existing.valeur - total).abs() > 1e-9 {
            let message = format!(
                "l'indicateur a déjà la valeur {} pour {} ; le classeur dit {}",
                n(existing.valeur),
                when(period, &existing.date),
                n(total)
            );
            self.problem(
                form::H_VALEUR,
                message,
                "si la valeur a changé, corrigez la fiche de l'indicateur à la main ; sinon, videz la cellule",
            );
            return false;
        }
        let known_parts = |dimension: &str, category: &str| {
            existing
                .ventilation
                .iter()
                .find(|r| *r.dimension == *dimension)?
                .parts
                .iter()
                .find(|p| *p.categorie == *category)
                .map(|p| p.valeur)
        };
        let other = |new: &Option<String>, old: &Option<String>| new.is_some() && new != old;
        let differs = [
            (form::H_COMMENTAIRE, other(&measure.commentaire, &existing.commentaire)),
            (form::H_SOURCE, other(&measure.source, &existing.source)),
            (
                form::H_VALEUR,
                !measure.ventilation.iter().all(|(d, cats)| cats.iter().all(|(c, v)| known_parts(d, c) == Some(*v))),
            ),
        ];
        if let Some((header, _)) = differs.iter().find(|(_, d)| *d) {
            let message = format!(
                "la valeur {} est déjà dans la fiche pour {}, avec d'autres précisions",
                n(total),
                existing.date
            );
            self.problem(
                header,
                message,
                "complétez la fiche de l'indicateur à la main (commentaire, source ou répartition)",
            );
        }
        false
    }
}
