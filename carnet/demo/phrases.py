"""The words of the demo's marks: assessment titles by subject, comments on a copy, and the
appraisals of a report card by average band, as French and Beninese teachers write them.

Demo data in French (the schools' language), not interface text: it is stored as the teachers
would have typed it, so it is not translated."""

from __future__ import annotations

from decimal import Decimal

#: Topics of the first months of the year, by subject name (both establishments' spellings).
TOPICS: dict[str, tuple[str, ...]] = {
    "Français": (
        "Le récit au XIXe siècle", "Commentaire de texte : Maupassant", "La poésie du XIXe au XXIe siècle",
        "Dissertation : le roman", "Lecture cursive", "Grammaire : les propositions subordonnées",
        "Le théâtre du XVIIe siècle", "Explication linéaire", "Contraction de texte", "Argumentation",
    ),
    "Mathématiques": (
        "Fonctions affines", "Équations et inéquations", "Vecteurs du plan", "Suites numériques",
        "Second degré", "Probabilités conditionnelles", "Dérivation", "Statistiques", "Géométrie repérée",
        "Calcul littéral",
    ),
    "Histoire-géographie": (
        "La Méditerranée antique", "Les révolutions du XVIIIe siècle", "Croquis : l'Europe",
        "Sociétés et environnements", "L'Europe de la Renaissance", "Étude de documents", "Le monde en 1914",
        "Territoires et mobilités",
    ),
    "Histoire-Géographie": (
        "Le Dahomey précolonial", "La traite atlantique", "Le relief du Bénin", "Lecture de carte",
        "La colonisation en Afrique de l'Ouest", "Les climats de l'Afrique", "Les indépendances africaines",
        "La population du Bénin",
    ),
    "Anglais (LVA)": (
        "Compréhension de l'oral", "Expression écrite : a letter", "Vocabulary test", "Irregular verbs",
        "Compréhension écrite", "Prise de parole en continu", "Grammar: the present perfect",
    ),
    "Anglais": (
        "Reading comprehension", "Vocabulary test", "Essay writing", "Grammar: tenses", "Irregular verbs",
        "Dictation",
    ),
    "Espagnol (LVB)": ("Comprensión oral", "Vocabulario", "Expression écrite", "Conjugaison : le présent", "Compréhension écrite"),
    "Allemand (LVB)": ("Hörverstehen", "Wortschatz", "Expression écrite", "Conjugaison : le présent", "Compréhension écrite"),
    "Espagnol": ("Vocabulario", "Comprensión escrita", "Conjugaison", "Traduction"),
    "Allemand": ("Wortschatz", "Leseverstehen", "Conjugaison", "Traduction"),
    "SES": (
        "Comment les économistes raisonnent-ils ?", "La production", "Étude d'un document statistique",
        "La socialisation", "Le marché", "Épreuve composée",
    ),
    "SVT": (
        "La cellule", "Organisation du vivant", "Biodiversité", "Schéma fonctionnel", "La photosynthèse",
        "Géologie : les roches", "Génétique",
    ),
    "Physique-chimie": (
        "Constitution de la matière", "Mouvement et interactions", "Solutions aqueuses", "Les ondes",
        "Réactions chimiques", "Énergie", "Signaux électriques",
    ),
    "PCT": (
        "Mesure de masses et de volumes", "Les mélanges", "Électricité : le circuit", "Mouvements",
        "Atomes et molécules", "Forces",
    ),
    "EPS": ("Course de demi-fond", "Badminton", "Acrosport", "Volley-ball", "Natation", "Athlétisme"),
    "EMC": ("Exposé : la liberté", "Débat argumenté", "L'engagement", "Les droits de l'enfant"),
    "SNT": ("Internet", "Le Web", "Données structurées", "Photographie numérique", "Projet Python"),
    "Enseignement scientifique": ("Une longue histoire de la matière", "Le Soleil, notre source d'énergie", "La Terre, un astre singulier", "Son et musique"),
    "Philosophie": ("Dissertation : la conscience", "Explication de texte", "La liberté", "L'art", "La vérité"),
    "HGGSP": ("Comprendre un régime politique", "Les puissances", "Étude critique de document", "Dissertation"),
    "HLP": ("Les pouvoirs de la parole", "Essai littéraire", "Interprétation philosophique", "Les représentations du monde"),
    "Économie": ("Les agents économiques", "La monnaie", "Le marché", "La comptabilité nationale"),
}

#: Marks' comments by level of the copy: (below 8/20, 8 to 14, 14 and over).
MARK_COMMENTS: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (
    ("Revoir la leçon.", "Copie incomplète.", "Travail insuffisant, venez me voir.", "Des confusions dans le cours."),
    ("Des efforts, continuez.", "Attention à la rédaction.", "Quelques erreurs d'inattention.", "Bien, mais soyez plus précis."),
    ("Excellent travail.", "Très bonne copie, bravo.", "Raisonnement clair et rigoureux.", "Copie soignée et complète."),
)
ABSENT_COMMENTS = ("Absence justifiée : rattrapage prévu.", "Absent(e) pour raison médicale.")

#: Subject appraisals by band of the average (bands: <8, <10, <12, <14, <16, >=16).
SUBJECT_APPRAISALS: tuple[tuple[str, ...], ...] = (
    (
        "Trimestre très difficile : les bases ne sont pas acquises.",
        "Résultats très insuffisants. Il faut reprendre le cours régulièrement.",
        "Beaucoup de lacunes. Un travail personnel sérieux s'impose.",
    ),
    (
        "Résultats fragiles. Des efforts sont nécessaires.",
        "Ensemble juste. Il faut travailler plus régulièrement.",
        "Des difficultés persistent ; ne pas hésiter à poser des questions.",
    ),
    (
        "Ensemble assez satisfaisant, mais peut mieux faire.",
        "Résultats corrects. Il faut gagner en rigueur.",
        "Travail moyen ; la participation doit être plus active.",
    ),
    (
        "Bon trimestre dans l'ensemble.",
        "Travail sérieux et résultats satisfaisants.",
        "Des résultats honorables. Continuez ainsi.",
    ),
    (
        "Très bon trimestre. Travail sérieux et régulier.",
        "Très bons résultats, participation de qualité.",
        "Élève investi(e) et efficace. Bravo.",
    ),
    (
        "Excellent trimestre. Félicitations.",
        "Résultats remarquables, travail approfondi.",
        "Excellent travail, à poursuivre.",
    ),
)

MAIN_TEACHER_APPRAISALS: tuple[tuple[str, ...], ...] = (
    ("Trimestre très inquiétant : un sursaut est indispensable.", "Les résultats sont très faibles dans la plupart des matières."),
    ("Trimestre fragile. Il faut travailler plus régulièrement.", "Des efforts sont attendus dans plusieurs matières."),
    ("Trimestre moyen. Les résultats peuvent progresser avec plus de travail.", "Ensemble correct mais irrégulier."),
    ("Bon trimestre. Élève sérieux(se) et impliqué(e).", "Des résultats satisfaisants, à consolider."),
    ("Très bon trimestre, travail régulier et efficace.", "Très bons résultats, attitude positive en classe."),
    ("Excellent trimestre dans toutes les matières.", "Élève brillant(e) et moteur pour la classe."),
)

COUNCIL_APPRAISALS: tuple[tuple[str, ...], ...] = (
    ("Le conseil s'inquiète des résultats et demande un travail sérieux.",),
    ("Le conseil attend des efforts soutenus au prochain trimestre.",),
    ("Ensemble passable. Le conseil encourage à poursuivre les efforts.",),
    ("Bon trimestre. Le conseil encourage à continuer ainsi.",),
    ("Très bon trimestre. Le conseil adresse ses compliments.",),
    ("Excellent trimestre. Le conseil adresse ses félicitations.",),
)

BANDS = (Decimal("8"), Decimal("10"), Decimal("12"), Decimal("14"), Decimal("16"))


def band(average: Decimal) -> int:
    """0 for below 8/20 up to 5 for 16/20 and over."""
    return sum(average >= limit for limit in BANDS)


def semester_wording(text: str) -> str:
    """The Beninese CEG speaks of semesters."""
    return text.replace("trimestre", "semestre").replace("Trimestre", "Semestre")


def mention_for(country: str, average: Decimal) -> str:
    """The council's mention: France from the profile's default choices, Benin from its own."""
    if country == "BJ":
        if average >= 16:
            return "Félicitations"
        if average >= 14:
            return "Encouragements"
        if average >= 12:
            return "Tableau d'honneur"
        if average < 7:
            return "Avertissement"
        return ""
    if average >= 16:
        return "Félicitations"
    if average >= 14:
        return "Compliments"
    if average >= Decimal("12.5"):
        return "Encouragements"
    if average < Decimal("7.5"):
        return "Avertissement travail"
    return ""
