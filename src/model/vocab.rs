//! The closed vocabularies of the file format, with the French label of each word.
//!
//! A word is written in lowercase ASCII (`mise_en_oeuvre`); its label is what the
//! rendered documents show ("Mise en œuvre"). A repository may add words to a
//! vocabulary in its `clsm.toml` (`[vocabulaire.public]`), never remove any.

use std::collections::BTreeMap;

/// A vocabulary word as written in a fiche: a plain `String`, or the enum of a
/// vocabulary that drives behaviour.
pub trait Word {
    fn word(&self) -> &str;
}

impl Word for String {
    fn word(&self) -> &str {
        self
    }
}

/// A built-in vocabulary: its name (as used in `[vocabulaire]`) and its words in order.
#[derive(Debug)]
pub struct Vocab {
    pub name: &'static str,
    pub words: &'static [(&'static str, &'static str)],
}

macro_rules! vocab {
    ($ident:ident, $name:literal, [$(($w:literal, $l:literal)),* $(,)?]) => {
        pub const $ident: Vocab = Vocab { name: $name, words: &[$(($w, $l)),*] };
    };
    // A vocabulary whose words drive behaviour: also an enum, read from the fiches as
    // such, so that a rule asks `statut.est_close()` instead of comparing strings.
    ($ident:ident, $name:literal, enum $enum:ident [$($variant:ident = ($w:literal, $l:literal)),* $(,)?]) => {
        vocab!($ident, $name, [$(($w, $l)),*]);

        #[doc = concat!("A word of the `", $name, "` vocabulary.")]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $enum {
            $(
                #[doc = concat!("`", $w, "`")]
                $variant,
            )*
            /// A word the repository added to the vocabulary (`[vocabulaire]`), or one
            /// that `check` refuses.
            Autre(String),
        }

        impl $enum {
            /// The enum value of a word.
            pub fn of(word: &str) -> Self {
                match word {
                    $($w => $enum::$variant,)*
                    other => $enum::Autre(other.to_string()),
                }
            }

            /// The word as written in the fiches.
            pub fn mot(&self) -> &str {
                match self {
                    $($enum::$variant => $w,)*
                    $enum::Autre(word) => word,
                }
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.mot())
            }
        }

        impl Word for $enum {
            fn word(&self) -> &str {
                self.mot()
            }
        }

        impl serde::Serialize for $enum {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.mot())
            }
        }

        impl $crate::model::yaml::FromYaml for $enum {
            fn from_yaml<'a>(value: &'a serde_yaml::Value, cx: &mut $crate::model::yaml::Cx<'a>) -> Option<Self> {
                String::from_yaml(value, cx).map(|word| $enum::of(&word))
            }
        }

        impl $crate::model::schema::Schema for $enum {
            fn schema(cx: &$crate::model::schema::SchemaCx) -> serde_json::Value {
                String::schema(cx)
            }
        }
    };
}

vocab!(TYPE_CONTRAT, "type_contrat", [("CLSM", "Conseil local de santé mentale"), ("CLS", "Contrat local de santé")]);
vocab!(
    STATUT,
    "statut",
    enum Statut [
        Piste = ("piste", "Piste"),
        Conception = ("conception", "En conception"),
        MiseEnOeuvre = ("mise_en_oeuvre", "Mise en œuvre"),
        Realisee = ("realisee", "Réalisée"),
        Suspendue = ("suspendue", "Suspendue"),
        Abandonnee = ("abandonnee", "Abandonnée"),
    ]
);

impl Statut {
    /// An idea of the groupes projets, not yet work: counted, not followed.
    pub fn est_piste(&self) -> bool {
        *self == Statut::Piste
    }

    /// Done or abandoned: nothing more is expected of it, it cannot be late.
    pub fn est_close(&self) -> bool {
        matches!(self, Statut::Realisee | Statut::Abandonnee)
    }

    /// Being carried out: news is expected at least once a year.
    pub fn est_en_cours(&self) -> bool {
        *self == Statut::MiseEnOeuvre
    }

    /// Needs no indicator yet (a piste) or any more (abandoned).
    pub fn sans_evaluation(&self) -> bool {
        matches!(self, Statut::Piste | Statut::Abandonnee)
    }
}
vocab!(
    TYPOLOGIE,
    "typologie",
    [("nouvelle", "Nouvelle action"), ("experimentale", "Action expérimentale"), ("reconduite", "Action reconduite"),]
);
vocab!(
    DUREE,
    "duree",
    [
        ("experimentale", "Action expérimentale"),
        ("annuelle", "Action annuelle"),
        ("pluriannuelle", "Action pluriannuelle"),
    ]
);
vocab!(
    TERRITOIRE,
    "territoire",
    [
        ("intercommunal", "Intercommunal"),
        ("communal", "Communal"),
        ("quartiers", "Quartiers"),
        ("qpv", "Quartiers Politique de la Ville"),
    ]
);
vocab!(
    PUBLIC,
    "public",
    [
        ("enfants", "Enfants et/ou adolescents (0 à 15 ans)"),
        ("jeunes_adultes", "Jeunes adultes (16 à 25 ans)"),
        ("adultes", "Adultes (26 à 65 ans)"),
        ("personnes_agees", "Personnes âgées (> 65 ans)"),
        ("professionnels", "Professionnels"),
        ("elus", "Élus"),
        ("benevoles", "Bénévoles"),
        ("aidants", "Aidants"),
        ("usagers", "Usagers"),
        ("grand_public", "Grand public"),
    ]
);
/// The publics the CLS form has a box for; the others go after its "Autre :".
pub const PUBLIC_FORMULAIRE: &[&str] = &["enfants", "jeunes_adultes", "adultes", "personnes_agees", "professionnels"];

vocab!(
    PARTICIPATION,
    "participation",
    [
        ("information", "Information"),
        ("consultation", "Consultation"),
        ("concertation", "Concertation"),
        ("co_construction", "Co-construction"),
    ]
);
vocab!(
    CHAMP,
    "champ",
    [
        ("promotion_sante", "Promotion de la santé"),
        ("prevention", "Prévention"),
        ("soins", "Soins"),
        ("accompagnement_medico_social", "Accompagnement médico-social"),
    ]
);
vocab!(
    STATUT_FINANCEMENT,
    "statut_financement",
    enum StatutFinancement [Pressenti = ("pressenti", "Pressenti"), Acquis = ("acquis", "Acquis")]
);
vocab!(
    TYPE_PARTENAIRE,
    "type_partenaire",
    [
        ("etablissement_sante", "Établissement de santé"),
        ("collectivite", "Collectivité"),
        ("etat", "État et services de l'État"),
        ("association", "Association"),
        ("usagers_aidants", "Usagers et aidants"),
        ("education", "Éducation"),
        ("emploi_formation", "Emploi et formation"),
        ("logement", "Logement"),
        ("culture_loisirs", "Culture et loisirs"),
        ("autre", "Autre"),
    ]
);
vocab!(
    SECTEURS,
    "secteurs",
    [
        ("sanitaire", "Sanitaire"),
        ("social", "Social"),
        ("medico_social", "Médico-social"),
        ("emploi_formation", "Emploi et formation"),
        ("culture_loisirs", "Culture et loisirs"),
        ("education", "Éducation"),
        ("logement", "Logement"),
        ("justice", "Justice"),
        ("urgence", "Urgence"),
    ]
);
vocab!(
    INSTANCES,
    "instances",
    [("copil", "Comité de pilotage"), ("pleniere", "Assemblée plénière"), ("groupes_projets", "Groupes projets"),]
);
vocab!(
    TYPE_INDICATEUR,
    "type_indicateur",
    enum TypeIndicateur [
        Processus = ("processus", "Indicateur de processus"),
        Resultat = ("resultat", "Indicateur de résultat"),
    ]
);
vocab!(
    UNITE,
    "unite",
    enum Unite [Nombre = ("nombre", "Nombre"), Pourcentage = ("pourcentage", "Pourcentage"), Euros = ("euros", "Euros")]
);
vocab!(SENS, "sens", enum Sens [Hausse = ("hausse", "À la hausse"), Baisse = ("baisse", "À la baisse")]);
vocab!(
    TYPE_EVENEMENT,
    "type_evenement",
    [
        ("copil", "Comité de pilotage"),
        ("pleniere", "Assemblée plénière"),
        ("groupe_projet", "Groupe projet"),
        ("sism", "Semaines d'information sur la santé mentale"),
        ("formation", "Formation"),
        ("sensibilisation", "Sensibilisation"),
        ("autre", "Autre"),
    ]
);

/// Every vocabulary a repository may extend, by name.
pub const EXTENSIBLE: &[&Vocab] = &[
    &STATUT,
    &TYPOLOGIE,
    &DUREE,
    &TERRITOIRE,
    &PUBLIC,
    &PARTICIPATION,
    &CHAMP,
    &TYPE_PARTENAIRE,
    &SECTEURS,
    &INSTANCES,
    &TYPE_EVENEMENT,
];

/// The vocabularies whose every word drives a computation (a total, a unit, a
/// direction, a table): closed, since a new word would be counted nowhere.
pub const CLOSED: &[&Vocab] = &[&TYPE_CONTRAT, &STATUT_FINANCEMENT, &TYPE_INDICATEUR, &UNITE, &SENS];

/// What documents say when a record has no word of `vocab` (the key is absent).
pub fn absent_label(vocab: &Vocab) -> &'static str {
    match vocab.name {
        "statut" => "Statut non renseigné",
        "type_partenaire" => "Type non renseigné",
        "type_evenement" => "Autres rendez-vous",
        _ => "Non renseigné",
    }
}

/// True when `word` is written as a vocabulary word: lowercase ASCII, digits, `_`.
pub fn is_word(word: &str) -> bool {
    let mut bytes = word.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The vocabularies in force for one repository: built-ins plus its extensions.
#[derive(Debug, Default, Clone)]
pub struct Vocabularies {
    extra: BTreeMap<String, Vec<(String, String)>>,
}

impl Vocabularies {
    /// Adds a word (with its label) to the vocabulary called `name`.
    pub fn extend(&mut self, name: &str, word: String, label: String) {
        self.extra.entry(name.to_string()).or_default().push((word, label));
    }

    /// True when `word` belongs to `vocab` or to its extension.
    pub fn contains(&self, vocab: &Vocab, word: &str) -> bool {
        vocab.words.iter().any(|(w, _)| *w == word)
            || self.extra.get(vocab.name).is_some_and(|e| e.iter().any(|(w, _)| w == word))
    }

    /// Every word of `vocab`, built-ins first.
    pub fn words(&self, vocab: &Vocab) -> Vec<String> {
        let builtin = vocab.words.iter().map(|(w, _)| w.to_string());
        let extra = self.extra.get(vocab.name).into_iter().flatten().map(|(w, _)| w.clone());
        builtin.chain(extra).collect()
    }

    /// The French label of a word, or the word itself when it has none.
    pub fn label<'a>(&'a self, vocab: &Vocab, word: &'a str) -> &'a str {
        if let Some((_, l)) = vocab.words.iter().find(|(w, _)| *w == word) {
            return l;
        }
        self.extra.get(vocab.name).and_then(|e| e.iter().find(|(w, _)| w == word)).map_or(word, |(_, l)| l.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_adds_words_without_removing_any() {
        let mut v = Vocabularies::default();
        assert!(!v.contains(&PUBLIC, "etudiants"));
        v.extend("public", "etudiants".into(), "Étudiants".into());
        assert!(v.contains(&PUBLIC, "etudiants"));
        assert!(v.contains(&PUBLIC, "aidants"));
        assert_eq!(v.label(&PUBLIC, "etudiants"), "Étudiants");
        assert_eq!(v.words(&PUBLIC).last().map(String::as_str), Some("etudiants"));
        assert!(!v.contains(&STATUT, "etudiants"));
    }

    #[test]
    fn behaviour_words_are_enums_that_keep_other_words() {
        assert!(Statut::of("realisee").est_close() && Statut::of("abandonnee").est_close());
        assert!(!Statut::of("mise_en_oeuvre").est_close() && Statut::of("mise_en_oeuvre").est_en_cours());
        assert_eq!(Statut::of("en_veille"), Statut::Autre("en_veille".into()));
        assert_eq!(Statut::of("en_veille").mot(), "en_veille");
        for (word, _) in STATUT.words.iter().chain(UNITE.words).chain(SENS.words) {
            assert!(!matches!(Statut::of(word), Statut::Autre(_)) || STATUT.words.iter().all(|(w, _)| w != word));
        }
        assert_eq!(serde_json::to_value(Unite::Pourcentage).unwrap(), "pourcentage");
    }

    #[test]
    fn words_are_lowercase_ascii() {
        assert!(is_word("mise_en_oeuvre"));
        assert!(!is_word("Mise_en_oeuvre"));
        assert!(!is_word("mise-en-oeuvre"));
        assert!(!is_word("réalisée"));
        assert!(!is_word("_x"));
    }
}
