"""Split a message into sentences and tell the question apart from the context around it.

Users often explain their situation before they ask ("Wir sind eine kleine Gemeinde mit
knappem Haushalt. Können wir uns die Beratung leisten?"). The statement sets the scene, the
question says what they want to know: the matcher weighs words of such statements less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from bot.matching.stopwords import words

# A sentence ends at . ! ? ; a colon before a space ("Ich muss es einordnen: In welchem …")
# or a spaced dash, unless the dot closes a number ("15.6."), a single
# letter ("z.B.") or a common abbreviation.
# A purpose clause (", damit ich den Raum buchen kann") says why someone asks, like a
# statement of its own; the main clause before an indirect question ("Ich soll als Azubi
# herausfinden, was …") says who asks and why, the indirect question what.
# The words that open an indirect question, as written (a regular expression's alternatives).
INDIRECT_OPENER = (
    r"(?:ob|was|wie|welche[rsnm]?|wann|wer|wo|warum|wieso|weshalb|inwieweit|inwiefern|"
    r"woran|worum|wozu|wofür|wofuer|womit|wobei|worüber|worueber|wovon|wodurch|weswegen)"
)
# "…, in welchen Rahmen …", "…, zu welchem Zeitpunkt …": a preposition may stand first.
PREPOSITION_BEFORE = (
    r"(?:(?:in|zu|zur|zum|mit|an|auf|aus|bei|für|fuer|nach|von|vom|über|ueber|um|unter|"
    r"wegen|seit|bis|ab)\s+)?"
)
# Spoken style leaves the comma out: "der will auch wissen ob das am Telefon geht" (only after
# these verbs; the verb is checked in the loop, a look-behind per word would cost every space).
_FRAME_WITHOUT_COMMA = r"\s(?=ob\s)"
_FRAMES_WITHOUT_COMMA = (
    "wissen", "erfahren", "fragen", "klären", "klaeren", "herausfinden", "rausfinden"
)
# A relative clause ("… ein Zertifikatskurs, der bei den Workshops erwähnt wird?") says which
# thing is meant, like a statement about it: the question is the main clause. Only the
# masculine pronouns: ", die"/", das" open main clauses too ("…, das kostet doch nichts?").
_RELATIVE = r"(?:der|den|dem|deren|dessen)"
# "…, (1) auf welcher Grundlage …": a list's numbering may stand before the indirect question.
_NUMBERED = r"(?:\(\d{1,2}\)\s+)?"
_BOUNDARY = re.compile(
    r"([.!?;]+|\s[–—-]\s|:(?=\s)|,(?=\s+(?:damit|" + _RELATIVE + r")\s)|,(?=\s+"
    + _NUMBERED
    + PREPOSITION_BEFORE
    + INDIRECT_OPENER + r"\s)|"
    + _FRAME_WITHOUT_COMMA
    + r")",
    re.IGNORECASE,
)
# A clause after a comma that asks nothing: a purpose ("damit …") or a relative clause.
_ASIDE = re.compile(r"\s+(?:damit|" + _RELATIVE + r")\s", re.IGNORECASE)
# Verbs of needing something ("Für die Einleitung bräuchte ich, welche …", "brauche ich einen
# Überblick"), as written (a regular expression's alternatives).
NEEDING = r"brauche|bräuchte|braeuchte|bräuchten|braeuchten|benötige|benoetige"
# Verbs of wanting to know: only after them is the indirect question the user's own ("Ich soll
# herausfinden, was …"), not after "wir überlegen, wie …".
_ASKING_FRAME = re.compile(
    r"\b(?:wissen|wüsste|wuesste|wüssten|wuessten|gewusst|erfahren|herausfinden|"
    r"herauszufinden|rausfinden|rauszufinden|fragen|fragt|frage|frag|gefragt|"
    r"interessiert|interessieren|klären|klaeren|erkundigen|sagen|erklären|erklaeren|mitteilen|"
    r"eruieren|nachfragen|informieren|in erfahrung bringen|schlau machen|"
    # "Für die Einleitung bräuchte ich, welche Organisation …": needing to know.
    + NEEDING + r"|"
    # "… bitte ich um Mitteilung, (1) auf welcher Grundlage …", "… wird um Darlegung
    # gebeten, was …"
    r"mitteilung|auskunft|darlegung|darlegen|erläuterung|erlaeuterung|erläutern|erlaeutern|"
    r"gebeten)\b",
    re.IGNORECASE,
)
_ABBREVIATIONS = words(
    """
    bzw ca evtl ggf usw etc nr max min std inkl zzgl vgl bspw ua zb dh sog tel abs vs
    bzgl bezgl bezuegl ggfs gem lt insb zzt zt allg vllt mind ausschl hinsichtl st
    """
)
# The words that open a question of their own or an indirect one (folded: ä → ae).
QUESTION_WORDS = words(
    """
    was wie wer wen wem wessen wann wo wohin woher warum wieso weshalb welche welcher welches
    welchen welchem wozu wofuer womit worum wobei worueber worauf woran worin wovon woraus
    wodurch wieviel wieviele ob inwieweit inwiefern
    """
)
# A sentence that opens with one of these asks: a question word, or a verb before its subject.
_OPENS_ASKING = QUESTION_WORDS | words(
    """
    gibt gibts kann kan koennen koennt kannst darf duerfen muss muessen ist sind seid hat habt haben
    wird werden findet geht bietet macht kommt koennte koennten wuerde wuerden waere waeren
    sollte sollten duerfte muesste gilt gelten
    """
)


_PREPOSITIONS = words(
    "zu zum zur bei beim in im an am auf aus mit fuer von vom seit bis ab ueber um unter nach"
)


@dataclass(frozen=True)
class Clause:
    """One sentence of a message and how it ended ("?", ".", "!", "-" for a dash, "" at the end)."""

    text: str
    end: str

    @cached_property  # asked of every clause by each step that reads the message
    def asks(self) -> bool:
        """Ends with a question mark or opens like a question (wh-word or verb first)."""
        if self.end == "?":
            return True
        opening = [
            w.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
            for w in self.text.split()[:5]
        ]
        # "Ach ja, und wie lange …": an interjection before the conjunction asks nothing.
        # So does an adverb set off by a comma ("außerdem, kann man …"; without the comma
        # "Außerdem kann man …" is a statement).
        while opening and (
            opening[0].strip(",:") in _INTERJECTIONS
            or (opening[0].endswith(",") and opening[0].strip(",") in _FURTHER_ADVERBS)
        ):
            opening = opening[1:]
        # "Und bei welchen Fragen …", "Oder gibt es …": a conjunction before the opening.
        opening = opening[1:3] if opening[:1] in (["und"], ["oder"], ["aber"]) else opening[:2]
        if not opening:
            return False
        # "Zu welchen Fragen …", "Bis wann …": a preposition before the question word.
        return opening[0] in _OPENS_ASKING or (
            opening[0] in _PREPOSITIONS and opening[1:2] != [] and opening[1] in QUESTION_WORDS
        )


# Words before a further question that ask nothing themselves ("Ach ja, und …").
_INTERJECTIONS = words("ach ja achso oh ah uebrigens apropos nebenbei")
_FURTHER_ADVERBS = words("ausserdem außerdem zudem ferner weiterhin zusaetzlich zusätzlich")


def _closes_abbreviation(text: str, end: int) -> bool:
    """Whether the dot at ``end`` closes a number, a letter or an abbreviation: the word
    before it (after the last space or parenthesis, dots before it left out) is one."""
    # Found from the dot backwards: the text before it is not split (a message has many).
    while end > 0 and text[end - 1] == ".":
        end -= 1
    start = end
    while start > 0 and not (text[start - 1].isspace() or text[start - 1] == "("):
        start -= 1
    # ("Lübeck-St. Lorenz": the abbreviation after a hyphen)
    word = text[start:end].casefold().replace(".", "").rsplit("-", 1)[-1]
    return len(word) <= 1 or word.isdigit() or word in _ABBREVIATIONS


# Chat messages often run a statement about the writer into the question without a stop:
# "ich bin bürgermeister in X kann man sich bei euch beraten lassen". After a first-person
# statement (a greeting may come first), a finite verb followed by its subject pronoun opens
# the question.
_FIRST_PERSON = re.compile(r"(?:^|\s)(?:ich|wir|bin)\s", re.IGNORECASE)
# After a comma the statement must say who the writer is ("bin Sozialarbeiterin in X, gibts
# bei euch …"); a condition or a plan before the comma ("Wenn wir klein sind, kann man …",
# "Wir planen ein Fest, könnt ihr helfen?") belongs to the question.
_STATEMENT_OPENING = re.compile(
    r"^(?:\W*(?:hey|hallo|hi|moin|guten tag|servus)\W+)?"
    r"(?:ich bin|wir sind|bin|ich arbeite|ich leite|ich koordiniere)\b",
    re.IGNORECASE,
)
_RUN_ON_QUESTION = re.compile(
    r",?\s(?=(?:kann|kannst|koennen|können|koennt|könnt|gibt|gibts|darf|duerfen|dürfen|muss|"
    r"muessen|müssen|bietet|bietest|habt|macht|hilft|helft)\s+(?:man|ich|wir|es|ihr|sie|du)\b"
    r"|gibts\s)",
    re.IGNORECASE,
)


def _run_on(piece: str, end: str) -> list[Clause]:
    """``piece`` as one clause, or as a statement and the question run into it (the statement
    may open with a greeting: "guten tag hier ist … wir sind klein können wir …")."""
    found = _RUN_ON_QUESTION.search(piece)
    if (
        found is not None
        and _FIRST_PERSON.search(piece[: found.start()])
        and (piece[found.start()] != "," or _STATEMENT_OPENING.match(piece))
        and not Clause(piece[: found.start()], "").asks  # a question going on ("kann ich …")
    ):
        # Verb first with its subject: a question, whatever closed the message.
        question = piece[found.end() :]
        return [Clause(piece[: found.start()].strip(), "."), Clause(question, "?")]
    return [Clause(piece, end)]


# Dictated messages spell their punctuation out ("wie lange dauert das Komma so ungefähr").
# Only in a message without written punctuation, and not where "Punkt" is a noun after a
# determiner ("der letzte Punkt") or any of them stands before a number ("Punkt 3").
_SPOKEN_MARKS = {"komma": ",", "punkt": ".", "fragezeichen": "?", "ausrufezeichen": "!"}
_SPOKEN = re.compile(
    r"(?<=\w)\s+(komma|punkt|fragezeichen|ausrufezeichen)\b(?!\s*\d)", re.IGNORECASE
)
_WRITTEN_MARK = re.compile(r"[,.;:!?](?=.)", re.DOTALL)
_NOUN_BEFORE = words(
    """
    der den dem des ein einen einem eines jeder jeden jedem kein keinen keinem dieser diesen
    diesem welcher welchen welchem letzte letzter letzten erste erster ersten naechste
    naechster naechsten wichtige wichtiger wichtigen andere anderer anderen
    """
)


def _spoken_punctuation(text: str) -> str:
    """``text`` with dictated punctuation words written as the marks they stand for."""
    if _WRITTEN_MARK.search(text.rstrip(" .?!")) or not _SPOKEN.search(text):
        return text

    def mark(match: re.Match[str]) -> str:
        before = text[: match.start()].split()[-1].casefold()
        before = before.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        if match.group(1).casefold() == "punkt" and before in _NOUN_BEFORE:
            return match.group(0)
        return _SPOKEN_MARKS[match.group(1).casefold()]

    return _SPOKEN.sub(mark, text)


def split_clauses(text: str) -> list[Clause]:
    """The sentences of ``text`` in order, each with the punctuation that closed it."""
    # A message is split several times (into its questions, for its reading, for a statement
    # before its question): the last few splits are kept, a new list is handed out each time.
    return list(_split(text))


@lru_cache(maxsize=64)
def _split(text: str) -> tuple[Clause, ...]:
    text = _spoken_punctuation(text)
    clauses: list[Clause] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        mark = match.group(0).strip()
        if not mark:  # a comma left out before "ob", after a verb of wanting to know only
            if not text[: match.start()].casefold().endswith(_FRAMES_WITHOUT_COMMA):
                continue
            mark = ","
        if mark.startswith(".") and mark == "." and _closes_abbreviation(text, match.start()):
            continue
        piece = text[start : match.start()].strip()
        after = text[match.end() :]
        if mark == "," and not _ASKING_FRAME.search(piece) and not _ASIDE.match(after):
            continue  # "wir überlegen, wie …": a statement about the writer goes on
        if piece:
            end = "?" if "?" in mark else ("-" if mark in "–—-" else mark[:1])
            clauses.extend(_run_on(piece, end))
        start = match.end()
    rest = text[start:].strip()
    if rest:
        clauses.extend(_run_on(rest, ""))
    # The sentence's "?" closes the question before the purpose or relative clause, which asks
    # nothing.
    for n in range(len(clauses) - 1):
        if clauses[n].end == "," and _ASIDE.match(" " + clauses[n + 1].text):
            clauses[n : n + 2] = [
                Clause(clauses[n].text, clauses[n + 1].end), Clause(clauses[n + 1].text, ".")
            ]
    return tuple(_without_list_marker(c) for c in clauses)


# A list's numbering ("1. Entstehen Kosten? 2. Muss …", "(2) ob …", "a) …") is no content;
# "1. Modul" is the first module.
# (The groups hold the item's number or letter: multi.py reads a list's order from them.)
LIST_NUMBERING = r"(?:(\d{1,2})[.)]|\((\d{1,2})\)|\(?([a-h])\))\s+(?!modul|teil)"
LIST_MARKER = re.compile(r"^" + LIST_NUMBERING, re.IGNORECASE)


def _without_list_marker(clause: Clause) -> Clause:
    text = LIST_MARKER.sub("", clause.text, count=1)
    return clause if text == clause.text else Clause(text, clause.end)
