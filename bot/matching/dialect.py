"""Low German (Plattdeutsch) words read as their High German counterparts.

Schleswig-Holstein's municipal staff often greet and ask in Plattdeutsch ("Moin, wat kost
dat för uns lütte Gemeinde?"). The function words and the common verbs of such a question
are mapped word by word (normalised: lowercase, ä → ae); words that are also High German
("ok", "wo", "us") are left alone.
"""

from __future__ import annotations

LOW_GERMAN: dict[str, str] = {
    # function words and pronouns
    "ik": "ich", "buen": "bin", "de": "die", "allens": "alles", "eegentlich": "eigentlich",
    "int": "im",
    "wat": "was", "dat": "das", "dit": "dies", "wi": "wir", "ji": "ihr", "mi": "mir",
    "di": "dir", "dor": "da", "bi": "bei", "ut": "aus", "foer": "fuer",
    "vun": "von", "un": "und", "nich": "nicht", "ook": "auch", "een": "ein", "eene": "eine",
    "enen": "einen", "is": "ist", "sünd": "sind", "suend": "sind", "wokeen": "wer",
    "worueum": "worum", "woruem": "worum", "wanneer": "wann", "veel": "viel", "mien": "mein",
    "mine": "meine", "dorvun": "davon", "dorfoer": "dafuer", "wedder": "wieder",
    "ick": "ich", "jo": "euch", "to": "zu", "hen": "hin", "tosamen": "zusammen",
    "tohoop": "zusammen", "ehr": "ihr", "sowat": "sowas", "op": "auf",
    # verbs
    "geiht": "geht", "gifft": "gibt", "hett": "hat", "hebbt": "haben", "hebben": "haben",
    "moeoet": "muessen", "mutt": "muss", "koent": "koennt",
    "kuemmt": "kommt", "kaamt": "kommen", "makt": "macht", "maakt": "macht", "maken": "machen",
    "snacken": "reden", "snackt": "redet", "bruukt": "braucht", "bruken": "brauchen",
    "betahlen": "bezahlen", "betalen": "bezahlen", "bedahlen": "bezahlen", "kost": "kostet",
    "koesten": "kosten", "hoelpt": "hilft", "helpt": "hilft", "duert": "dauert",
    "beraden": "beraten", "sitt": "sitzen", "sitten": "sitzen", "kummt": "kommt",
    "gaht": "gehen", "schall": "soll", "schallt": "sollen", "liggt": "liegt",
    "liggen": "liegen", "gellt": "gilt", "gelt": "gilt", "buett": "bietet",
    # nouns and adjectives
    "luett": "klein", "luette": "kleine", "luetten": "kleinen", "goot": "gut", "tied": "zeit",
    "stuenn": "stunde", "stuennen": "stunden", "dag": "tag", "daag": "tage", "lueued": "leute",
    "lued": "leute", "gemeen": "gemeinde", "hoelp": "hilfe", "boergermeester": "buergermeister",
    "boergermeister": "buergermeister",
}


def high_german(tokens: list[str]) -> list[str]:
    """``tokens`` with Low German words replaced by their High German counterparts."""
    get = LOW_GERMAN.get
    return [get(t, t) for t in tokens]
