#!/usr/bin/env python3
"""Writes a synthetic, valid clsm repository: N actions, N/10 partners, N/2 indicators.

Usage: bench/generate.py N DOSSIER

Every action cites a porteur, two partners, a theme, an indicator, a budget, funding,
operational objectives and a progress log, with a Markdown body, so that loading and
checking do the same work as on a real contract. Every partner and indicator is cited,
and calendars end in the future: `clsm check` finds no problem at all.
"""

import os
import random
import sys

AXES = 5
THEMES = ["jeunes", "culture-loisirs", "emploi-formation", "situations-crise", "enfance-parentalite"]
PUBLIC = ["enfants", "jeunes_adultes", "adultes", "personnes_agees", "professionnels", "aidants", "usagers"]

BODY = """
## Contexte

Les partenaires du groupe projet ont constaté un besoin d'interconnaissance entre les
professionnels qui accompagnent des personnes en souffrance psychique. Cette action
prolonge les rencontres organisées lors des semaines d'information sur la santé mentale.

## Description

- Réaliser un état des lieux des ressources du territoire.
- Organiser des rencontres entre les structures, *deux fois par an*.
- Diffuser le guide santé mentale auprès des **nouveaux partenaires**.
"""


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n = int(sys.argv[1])
    root = sys.argv[2]
    rng = random.Random(n)
    partners = max(n // 10, 3)
    indicators = max(n // 2, 1)
    for kind in ("actions", "partenaires", "indicateurs", "evenements"):
        os.makedirs(os.path.join(root, "fiches", kind), exist_ok=True)

    toml = ['titre = "Contrat synthétique"', 'type = "CLS"', 'territoire = "Territoire d\'essai"',
            "periode = { debut = 2022, fin = 2030 }", 'porteur = "partenaire-0"', ""]
    for a in range(1, AXES + 1):
        toml += ["[[axes]]", f'id = "{a}"', f'titre = "Axe stratégique {a}"', ""]
    for t in THEMES:
        toml += ["[[thematiques]]", f'id = "{t}"', f'titre = "Thématique {t}"', ""]
    write(os.path.join(root, "clsm.toml"), "\n".join(toml))

    for p in range(partners):
        write(os.path.join(root, "fiches", "partenaires", f"partenaire-{p}.md"),
              f"---\nnom: Structure partenaire n°{p}\ntype: association\nsecteurs: [social, sanitaire]\n"
              f"commune: Metz\ncoordonnees: {{ lat: 49.1{p % 10}, lon: 6.1{p % 7} }}\n"
              f"instances: [groupes_projets]\n---\n")

    for i in range(indicators):
        write(os.path.join(root, "fiches", "indicateurs", f"indicateur-{i}.md"),
              f"---\nlibelle: Part des participants satisfaits, mesure {i}\ntype: resultat\nunite: pourcentage\n"
              f"valeur_initiale: {{ date: 2022, valeur: 40 }}\ncible: {{ valeur: 80, echeance: 2026 }}\n"
              f"sources: [Questionnaire de satisfaction]\nmesures:\n"
              f"  - date: 2023\n    numerateur: 45\n    denominateur: 90\n    valeur: 50\n"
              f"  - date: 2024-06\n    valeur: {rng.randint(40, 90)}\n    commentaire: Enquête annuelle.\n---\n")

    for k in range(n):
        porteur = k % partners
        others = sorted({(k + 1) % partners, (k + 7) % partners} - {porteur})
        public = ", ".join(sorted(rng.sample(PUBLIC, 2)))
        text = f"""---
numero: "{k % AXES + 1}.{k // AXES + 1}"
titre: Action synthétique numéro {k}
axe: "{k % AXES + 1}"
statut: mise_en_oeuvre
porteur: partenaire-{porteur}
pilote: Coordonnateur du contrat
partenaires: [{", ".join(f"partenaire-{o}" for o in others)}]
thematiques: [{THEMES[k % len(THEMES)]}]
typologie: nouvelle
duree: [pluriannuelle]
territoire: [communal, quartiers]
public: [{public}]
calendrier: {{ debut: 2023-01, fin: 2030 }}
objectif_strategique: Améliorer le bien-être psychique des habitants du territoire
objectif_specifique: Développer la coordination entre les acteurs locaux
objectifs_operationnels:
  - titre: Animer le groupe projet
    comment: Une réunion par trimestre.
    qui: [partenaire-{porteur}, Coordonnateur du contrat]
    quand: Chaque trimestre
  - titre: Diffuser les outils
    comment: Guide et carte des ressources.
    qui: [Chargée de mission]
    quand: "2024"
budget:
  - poste: Location de salle
    montant: {480 + k % 100}
  - poste: Impression des supports
    montant: 1250.50
financements:
  - financeur: partenaire-0
    montant: 1000
    statut: acquis
  - financeur: partenaire-{porteur}
    statut: pressenti
indicateurs: [indicateur-{k % indicators}]
determinants: [Implantation des ressources, Potentiel social]
inegalites_sociales: true
demarche_participative: false
avancement:
  - date: 2023-02
    texte: Lancement du groupe projet.
    statut: mise_en_oeuvre
    participants: {k % 40 + 5}
  - date: 2024-03-15
    texte: Deuxième réunion, bilan des premières rencontres.
---
{BODY}"""
        write(os.path.join(root, "fiches", "actions", f"action-{k}.md"), text)

    for e in range(max(n // 20, 1)):
        write(os.path.join(root, "fiches", "evenements", f"evenement-{e}.md"),
              f"---\ndate: 2024-{e % 12 + 1:02d}\ntype: groupe_projet\ntitre: Réunion {e}\n"
              f"actions: [action-{e % n}]\npartenaires: [partenaire-{e % partners}]\nparticipants: 12\n---\n")


if __name__ == "__main__":
    main()
