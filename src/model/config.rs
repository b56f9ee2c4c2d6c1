//! The contract itself: `clsm.toml`.

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::model::yaml::{Cx, FromYaml, record};
use crate::model::{PartialDate, PeriodeFields};

record! {
    /// An axis (axe stratégique) of the contract.
    pub struct Axe required [id, titre] {
        id: String,
        titre: String,
        description: String,
    }
}

record! {
    /// A theme the partners work on (jeunes, culture/loisirs…).
    pub struct Thematique required [id, titre] {
        id: String,
        titre: String,
        description: String,
        /// When the partners began to reflect on it (seed 004's « thématiques en
        /// réflexion »).
        mise_en_reflexion: PartialDate,
    }
}

record! {
    /// A step of the contract's life: préfiguration, convention, first bilan…
    /// (`[[etapes]]`, seed 004's « étapes de mise en œuvre »).
    pub struct Etape required [date, texte] {
        date: PartialDate,
        /// The end of a step that lasts (`2015` to `2016`).
        fin: PartialDate,
        texte: String,
        /// The partners it involved (identifiers).
        partenaires: Vec<String>,
    }
}

/// The axes `clsm init` writes, to be renamed: placeholders, which `clsm import
/// --contrat` may replace by the titles a cadre logique gives.
pub const PLACEHOLDER_AXES: [(&str, &str); 2] = [("1", "Premier axe stratégique"), ("2", "Deuxième axe stratégique")];

/// `[vocabulaire.NOM]` tables: for each vocabulary, new words and their labels.
pub type VocabExtension = BTreeMap<String, BTreeMap<String, String>>;

record! {
    /// The contract this one belongs to: the CLS a CLSM is part of
    /// (`[contrat_parent]`), with the axes its fiches are filed under.
    pub struct ContratParent required [titre] {
        titre: String,
        r#type: String,
        territoire: String,
        periode: PeriodeFields,
        axes: Vec<Axe>,
    }
}

record! {
    /// What the site says of its accessibility (`[accessibilite]`): where to report
    /// a page one cannot use, and the result of a full RGAA audit, if one was made.
    pub struct Accessibilite required [] {
        /// An e-mail address or a web address (a form).
        contact: String,
        /// Who made the audit, and when: « Audit réalisé par … le 12 mars 2026 ».
        audit: String,
        /// The share of the RGAA criteria the audit found met, in per cent.
        taux: f64,
    }
}

record! {
    /// The contract: `clsm.toml` at the repository root.
    pub struct Config required [titre, r#type] {
        titre: String,
        r#type: String,
        territoire: String,
        periode: PeriodeFields,
        porteur: String,
        coordination: String,
        objectif_global: String,
        /// Where the site is published (`https://…/`): the calendar and the map of
        /// the resources link its pages by this address.
        url: String,
        accessibilite: Accessibilite,
        contrat_parent: ContratParent,
        /// The contracts this one follows, with the axes they had: a poster of
        /// their time shows those axes.
        contrats_precedents: Vec<ContratParent>,
        axes: Vec<Axe>,
        thematiques: Vec<Thematique>,
        etapes: Vec<Etape>,
        /// Words of the `secteurs` vocabulary: the sectors the contract concerns.
        secteurs: Vec<String>,
        /// The coordination tools: « Lettre d'information », « Annuaire »…
        outils: Vec<String>,
        vocabulaire: VocabExtension,
        /// The dimensions measures may be broken down by: `[dimensions.sexe]`.
        dimensions: BTreeMap<String, crate::model::ventilation::Dimension>,
    }
}

impl Config {
    /// The vocabularies in force: the built-in words and the contract's own.
    pub fn vocabularies(&self) -> crate::model::vocab::Vocabularies {
        let mut vocab = crate::model::vocab::Vocabularies::default();
        for (name, words) in self.vocabulaire.iter().flatten() {
            for (word, label) in words {
                vocab.extend(name, word.clone(), label.clone());
            }
        }
        vocab
    }
}

impl<V: FromYaml> FromYaml for BTreeMap<String, V> {
    fn from_yaml<'a>(value: &'a Value, cx: &mut Cx<'a>) -> Option<Self> {
        let Value::Mapping(map) = value else {
            let help = match cx.key() {
                "dimensions" => {
                    "écrivez une table `[dimensions.sexe]` suivie de ses lignes `titre = …` et `categories = { … }`"
                }
                _ => "écrivez une table `[vocabulaire.public]` suivie de lignes `mot = \"Libellé\"`",
            };
            cx.error(crate::diag::Code::TypeInvalide, "un tableau de clés attendu".into(), Some(help.into()));
            return None;
        };
        let mut out = BTreeMap::new();
        for (key, val) in map {
            if let Some(key) = key.as_str()
                && let Some(v) = cx.field(key, val)
            {
                out.insert(key.to_string(), v);
            }
        }
        Some(out)
    }
}
