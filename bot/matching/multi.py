"""Split a message that asks two things ("Was kostet das und wie lange dauert es?").

A message is cut at "?" and ";" and at "und", "sowie", "oder auch" when the part after it opens
a question of its own (a question word or a verb in its first words): "Verwaltung und Vereine"
stays one question, "… und wie lange dauert sie?" becomes a second one.
"""

from __future__ import annotations

import re

from bot.matching.clauses import (
    INDIRECT_OPENER,
    LIST_MARKER,
    LIST_NUMBERING,
    NEEDING,
    PREPOSITION_BEFORE,
    QUESTION_WORDS,
    split_clauses,
)
from bot.matching.normalize import fold
from bot.matching.stopwords import STOP_WORDS, words

MAX_PARTS = 4
_JOINERS = re.compile(
    r",?\s+(?:und|u\.|&|sowie|oder auch|bzw\.?|beziehungsweise|zum anderen,?)\s+", re.IGNORECASE
)
_OPENERS = QUESTION_WORDS | words(
    """
    gibt gibts kann kan koennen darf duerfen muss muessen ist sind hat haben wird werden findet geht
    gilt bietet kostet dauert braucht faellt fallen ginge gaebe waere waeren koennte koennten
    soll sollen sollte kommt kommen laeuft brauchen bekommen
    durfte durften konnte konnten musste mussten war waren gab gabs hatte hatten fand fanden
    wurde wurden haette haetten wuerde wuerden duerfte duerften muesste muessten
    muesst koennt duerft entsteht entstehen
    """
)
# Words that add a further question or request ("Außerdem …", "Ach ja, …", "Gleichzeitig …").
_FURTHER = (
    r"außerdem|ausserdem|zudem|ferner|weiterhin|des weiteren|zusätzlich|zusaetzlich|dann noch|"
    r"noch dazu|gleichzeitig|daneben|nebenbei|ach ja|ach so|achso|ach|übrigens|uebrigens|apropos|"
    r"zum anderen|zweitens|drittens|noch was|noch etwas|ansonsten|sonst noch"
)
# The words that open a further question without being part of it ("Und …", "Ach ja, und
# …", "Gleichzeitig …", "– oder hat sich das erledigt?").
_LEADING_JOINER = re.compile(
    r"^\s*(?:(?:und|sowie|oder|oder auch|aber|" + _FURTHER + r")[\s,:]+)+", re.IGNORECASE
)
_OPENING_WORDS = 3  # "und in welchem Rahmen?": the question word may follow a preposition
# A further word, then "und" ("Ach ja, und die Kosten?").
_FURTHER_AND = re.compile(r"^\s*(?:" + _FURTHER + r")[\s,:]+und\b", re.IGNORECASE)


# A statement closed by a tag ("… das kostet doch nix, oder?") asks yes or no.
_TAG = re.compile(r"(?:,\s*|\s)(?:oder|nicht wahr|gell|ne|nich)\W*$", re.IGNORECASE)


# "Initiativen wie wir", "Vereine wie die Feuerwehr": "wie" before these compares.
_COMPARED = words("wir ich uns du ihr sie die der das den dem ein eine einer einen unsere unser")


def _opens_question(text: str) -> bool:
    # Only question words may stand after the first word: "Beraterinnen und Berater gibt es …"
    # goes on with a verb in second place, which continues the question, not opens a new one.
    # A list's numbering before it ("… sowie (2) ob …") is no word of the question.
    text = LIST_MARKER.sub("", text.lstrip(), count=1)
    first = [fold(w).strip(",.:!?") for w in text.split()[: _OPENING_WORDS + 1]]
    after = [*first[1:], ""]  # the word after each word
    return bool(first) and (
        first[0] in _OPENERS
        or any(
            w in QUESTION_WORDS and not (w == "wie" and after[n] in _COMPARED)
            for n, w in enumerate(first[1:_OPENING_WORDS], start=1)
        )
        or _TAG.search(text) is not None
    )


# "…, möchte wissen, wie wir eine Beratung beantragen und ob …": an indirect question after a
# comma opens the part before a joiner as well as a question word at its start does.
# The question word may follow a preposition: "…, in welchen Formaten die Beratung läuft".
_INDIRECT = re.compile(r",\s*" + PREPOSITION_BEFORE + INDIRECT_OPENER + r"\s", re.IGNORECASE)


# "Wir würden gern eine Einzelberatung nehmen, kann die auch als Videocall laufen?": a
# statement and, after its comma, a yes/no question (a verb and its subject).
_QUESTION_AFTER_STATEMENT = re.compile(
    r",\s+(?:kann|kannst|können|koennen|könnt|koennt|geht|gibt|gibts|ist|sind|darf|dürfen|"
    r"duerfen|muss|müssen|muessen|läuft|laeuft|findet|fallen|kostet|dauert|wäre|waere|"
    r"wären|waeren|hätte|haette|könnte|koennte|dürfte|duerfte|durfte|war)\s+"
    r"(?:man|ich|wir|er|es|ihr|sie|du|die|der|das|dies|sowas|so etwas)\b",
    re.IGNORECASE,
)


# "Kosten? Dauer Workshop vor Ort?": questions of nouns alone (capitalised, no function word
# first; function words only between them), each closed by its own "?", ask one thing each.
_MAX_KEYWORDS = 5
_NO_KEYWORDS = STOP_WORDS | _OPENERS
_BETWEEN_KEYWORDS = STOP_WORDS | words("vor gegen je")  # "Dauer Workshop vor Ort?"


def _keywords_only(text: str) -> bool:
    words_ = text.split()
    folded = [fold(w).strip(",.:!?") for w in words_]
    return (
        0 < len(words_) <= _MAX_KEYWORDS
        and all(
            w[:1].isupper() or f in _BETWEEN_KEYWORDS
            for w, f in zip(words_, folded, strict=True)
        )
        and folded[0] not in _NO_KEYWORDS
        and folded[-1] not in STOP_WORDS
    )


# "ja hallo hier aus X wie viele tage geht die lernwerkstatt und wer darf …": after a greeting
# or a few words of who writes, these question words still ask wherever they stand.
_ASKS_WITHIN = re.compile(
    r"\b(?:wann|warum|wieso|weshalb|welche[rsnm]?|wieviele?|wie\s+(?:viele?|lange?|oft|teuer))\b",
    re.IGNORECASE,
)


def _asks(text: str) -> bool:
    return (
        _opens_question(text)
        or _INDIRECT.search(text) is not None
        or _ASKS_WITHIN.search(text) is not None
    )


# Words that open a sentence but are no finite verb, though they end like one ("einen", "jetzt").
_NO_VERBS = words(
    """
    den dem einen einem keinen keinem meinen meinem unseren unserem euren eurem ihren ihrem
    seinen seinem deren dessen diesen diesem jenen solchen welchen wen wenn denn dann nicht
    jetzt recht zuerst zuletzt seit bereits erst selbst nebst samt insbesondere eben
    """
)


def _verb_first(text: str) -> bool:
    """Whether ``text`` opens with a finite verb ("Entstehen uns Kosten", "Fällt etwas an"):
    a yes/no question, when its sentence ends with "?"."""
    first = fold(text.split()[0]).strip(",.:!?") if text.split() else ""
    return (
        len(first) > 3
        and first.isalpha()
        and first.endswith(("en", "t"))
        and first not in _NO_VERBS
    )


# "… Außerdem bräuchte ich die möglichen Formate.": after a question, a statement that adds a
# request ("außerdem", "zudem" and a verb of needing or wanting to know) asks a second thing.
_FURTHER_REQUEST = re.compile(
    r"^(?:und\s+)?(?:" + _FURTHER + r")\b.*\b(?:" + NEEDING + r"|"
    r"hätte|haette|wüsste|wuesste|interessiert|interessieren|möchte|moechte|würde|wuerde|"
    r"suche|bitte|wäre|waere)\b",
    re.IGNORECASE,
)


# "Für die Vorlage brauche ich einen Überblick über die Module. Ferner: Wann …?": a request
# for information before a sentence of only "ferner", "außerdem" asks a first thing.
_REQUEST_STATEMENT = re.compile(
    r"\b(?:" + NEEDING + r"|bitte um|bitten um|hätte gerne?|"
    r"haette gerne?|hätten gerne?|haetten gerne?)\b",
    re.IGNORECASE,
)
_ONLY_FURTHER = re.compile(r"^\s*(?:und\s+)?(?:" + _FURTHER + r")\W*$", re.IGNORECASE)
_STARTS_FURTHER = re.compile(r"^\s*(?:und\s+)?(?:" + _FURTHER + r")\b", re.IGNORECASE)

_AND = re.compile(r"^\s*und\b", re.IGNORECASE)
# What is asked of a topic, as a noun ("Und die Dauer?", "und die Kosten?"), not who or what
# else the question is about.
_ASPECTS = words(
    """
    dauer kosten preis preise gebuehr gebuehren termin termine inhalt inhalte formate format
    ablauf zielgruppe anmeldung voraussetzungen zeitaufwand zeitbedarf laenge
    """
)


def _names_aspect(text: str) -> bool:
    return any(fold(w).strip(",.:!?") in _ASPECTS for w in text.split())


_MAX_ASPECT_WORDS = 3


def _only_aspect(text: str) -> bool:
    """"die Kosten", "und die Dauer": an aspect noun and function words alone, which after a
    question ("Wer bietet die Beratung an, und die Kosten?") asks that aspect anew."""
    folded = [fold(w).strip(",.:!?") for w in text.split()]
    return (
        0 < len(folded) <= _MAX_ASPECT_WORDS
        and any(w in _ASPECTS for w in folded)
        and all(w in _ASPECTS or w in STOP_WORDS for w in folded)
    )

# The subject (or reflexive) right after a sentence's first verb: "Und gehört das …?",
# "Außerdem: entstehen uns Kosten?".
_AFTER_VERB = words("sich man das es ihr wir ich sie du dies uns euch ihnen")


def _yes_no_opening(text: str) -> bool:
    """Whether ``text`` opens a yes/no question: a finite verb, then its subject ("gehört das
    Programm zu …")."""
    first = text.split()[:2]
    return (
        len(first) == 2
        and _verb_first(first[0])
        and fold(first[1]).strip(",.:!?") in _AFTER_VERB
    )


_CONDITION = re.compile(r"(?:falls|wenn)\s+(?:nicht|ja|doch|ja,|nicht,)\s", re.IGNORECASE)


def _pieces(text: str, question: bool = False) -> list[str]:
    """Cut one sentence at a joiner that opens a second question; ``question``: the sentence
    ends with "?", so a main clause at its start cut off by ", und" is verb first ("Entstehen
    Kosten, und wie viele Tage sind es?") and asks, too."""
    out: list[str] = []
    start = 0
    for joiner in _JOINERS.finditer(text):
        before, after = text[start : joiner.start()], text[joiner.end() :]
        yes_no = (
            question and start == 0 and joiner.group(0).startswith(",") and _verb_first(before)
        )
        # "… findet die statt und falls nicht, welche Alternative gibt es?": a condition on the
        # answer to the part before opens a question of its own.
        conditional = _CONDITION.match(after) is not None
        opens = (
            _opens_question(after)
            or _FURTHER_REQUEST.match(after) is not None
            # "…, und die Kosten?": after a comma, an aspect alone is asked anew.
            or (question and joiner.group(0).startswith(",") and _only_aspect(after))
        )
        if opens and (yes_no or conditional or _asks(before)):
            out.append(before)
            start = joiner.end()
    out.append(text[start:])
    return out


# "Worin unterscheidet sich A von B?", "Was ist der Unterschied zwischen A und B?": a request
# for a comparison asks what A is and what B is; each is answered by its overview.
_COMPARISON = re.compile(
    r"\bunterscheide[nt]?\s+sich\s+(?P<a>[^?.!;]+?)\s+(?:von|vom|zu|zur|zum|und)\s+"
    r"(?P<b>[^?.!;]+)"
    r"|\bunterschied(?:e|en)?\s+(?:zwischen|von)\s+(?P<c>[^?.!;]+?)\s+(?:und|zu|zur|zum)\s+"
    r"(?P<d>[^?.!;]+)",
    re.IGNORECASE,
)


# "Zeitumfang Beratung vs. Workshop vor Ort?": the aspect before the first thing is asked of
# both.
_VERSUS = re.compile(
    r"^(?P<left>[^?.!;]+?)\s+(?:vs\.?|versus|im vergleich zu|im vergleich zum|im vergleich zur)"
    r"\s+(?P<right>[^?!;]+?)[?.!]*$",
    re.IGNORECASE,
)


# "kosten und dauer beratung?": two aspects asked of one topic, nouns alone.
_ASPECT_PAIR = re.compile(
    r"^\s*(?P<a>\w+)\s+(?:und|u\.|&|\+|sowie)\s+(?P<b>\w+)\s+(?P<topic>[^?.!;]+?)\s*\?*\s*$",
    re.IGNORECASE,
)


def aspect_pair_parts(text: str) -> list[str] | None:
    """"Kosten und Dauer Beratung?": each aspect asked of the topic, or None."""
    found = _ASPECT_PAIR.match(text)
    if found is None or not all(fold(found[k]) in _ASPECTS for k in ("a", "b")):
        return None
    topic = found["topic"].strip()
    if _names_aspect(topic) or len(topic.split()) > _MAX_KEYWORDS:
        return None
    return [f"{found['a']} {topic}?", f"{found['b']} {topic}?"]


def comparison_parts(text: str) -> list[str] | None:
    """The two things a comparison asks about, as questions of their own, or None."""
    versus = _VERSUS.match(text.strip())
    if versus is not None:
        left, right = versus["left"].strip(), versus["right"].strip()
        aspect = left.rsplit(None, 1)[0] if len(left.split()) > 1 else ""
        return [f"{left}?", f"{aspect} {right}?".strip()]
    found = _COMPARISON.search(text)
    if found is None:
        return None
    first, second = (found["a"], found["b"]) if found["a"] else (found["c"], found["d"])
    return [f"{first.strip()}?", f"{second.strip()}?"]


# "Ich benötige Angaben zum Anbieter sowie zu dessen Rahmen.": a request for information about
# two things, each after its own preposition, asks about each of them ("Angaben zu
# Verwaltung und Vereinen" names one thing: the preposition is not repeated).
_TOPIC_PREPOSITION = r"(?:zu|zum|zur|über|ueber)"
_REQUEST = re.compile(
    r"\b(?:angaben|informationen|infos?|auskunft|auskünfte|auskuenfte|details|hinweise|"
    r"unterlagen|material)\s+" + _TOPIC_PREPOSITION + r"\s+(?P<a>[^?.!;]+?),?\s+"
    r"(?:und|sowie|als auch)\s+(?:auch\s+)?" + _TOPIC_PREPOSITION + r"\s+(?P<b>[^?.!;]+)",
    re.IGNORECASE,
)


def request_parts(text: str) -> list[str] | None:
    """The two things a request for information names, as questions of their own, or None."""
    found = _REQUEST.search(text)
    if found is None:
        return None
    return [f"{found['a'].strip()}?", f"{found['b'].strip()}?"]


# "1) Kann unser Amt mitmachen? 2) Dauer Beratung?", "a) … b) …": numbered items in sequence
# ask one thing each ("am 15. und 27. Juni" is no such list).
_ITEM = re.compile(r"(?:^|(?<=[\s?.!:;,]))" + LIST_NUMBERING, re.IGNORECASE)


def _item_number(found: re.Match[str]) -> int:
    number = found[1] or found[2]
    return int(number) if number else ord(found[3].casefold()) - ord("a") + 1


def _numbered_items(text: str) -> list[str] | None:
    """The items of a numbered list (1, 2, … or a, b, … in order; the text before the first
    item goes with it), or None."""
    found = list(_ITEM.finditer(text))
    if len(found) < 2 or [_item_number(f) for f in found] != list(range(1, len(found) + 1)):
        return None
    ends = [f.start() for f in found[1:]] + [len(text)]
    items = [text[f.end() : end].strip() for f, end in zip(found, ends, strict=True)]
    items[0] = f"{text[: found[0].start()].rstrip()} {items[0]}".strip()
    # Each item asks ("b) Zeitbedarf, damit ich den Raum buchen kann."): closed by "?", a
    # purpose after its comma is read as why it is asked, not what.
    return [item if "?" in item else f"{item.rstrip(',.;: ')}?" for item in items if item]


def _request_before_further(pending: str, sentence: str, question: bool) -> bool:
    """Whether the statements before ``sentence`` request information and the sentence adds a
    further question ("… brauche ich einen Überblick über die Module. Ferner: Wann …?",
    "… Außerdem, wann …?"): then the request asks a first thing."""
    return _REQUEST_STATEMENT.search(pending) is not None and (
        _ONLY_FURTHER.match(sentence) is not None
        or (question and _STARTS_FURTHER.match(sentence) is not None)
    )


def _asks_anew(piece: str, opened: str, before_ended: str) -> bool:
    """Whether a sentence closed by "?" after a question asks a question of its own, though it
    does not open like one (``opened``: without its joiner; ``before_ended``: how the sentence
    before it ended)."""
    return (
        # "Wir hätten gern eine Beratung, geht die auch am Telefon?"
        _QUESTION_AFTER_STATEMENT.search(piece) is not None
        # "… statt? Und gehört das Programm zu …?": a yes/no question after a joiner (without
        # one it restates the question before: "Wer moderiert? Habt ihr da feste Leute?")
        or (before_ended == "?" and opened != piece.lstrip() and _yes_no_opening(opened))
        # "… findet die noch statt? Wir sind knapp bei Kasse. Und die Kosten?": after a
        # statement, or naming an aspect ("… behandelt? Und die Dauer?"); right after a
        # question a group ("Was kostet das? Und Verwaltung und Vereine?") or "Auch zu …?"
        # goes on with it.
        # ("Ach ja, und die Kosten?": a further word may stand before the joiner)
        or (
            (before_ended != "?" or _names_aspect(piece))
            and (
                (_AND.match(piece) is not None and is_elliptic(piece))
                or (_FURTHER_AND.match(piece) is not None and is_elliptic(f"und {opened}"))
            )
        )
    )


def split_questions(text: str) -> list[str]:
    """The questions of ``text`` (one item when it asks one thing).

    A statement before a question stays with it ("Wir sind klein. Was kostet das?"), and a
    sentence that does not open a question continues the one before it. A comparison of two
    things, or a request for information about two things, asks about each of them.
    """
    compared = comparison_parts(text) or request_parts(text) or aspect_pair_parts(text)
    if compared is not None:
        return compared
    items = _numbered_items(text)
    if items is not None and len(items) > 1:
        return items[:MAX_PARTS]
    parts: list[str] = []
    pending = ""
    keywords_before = False  # the question before was nouns alone
    ended = ""  # how the sentence before ended
    for clause in split_clauses(text):
        before_ended, ended = ended, clause.end
        keywords = clause.end == "?" and _keywords_only(clause.text)
        # A further request that goes on in an indirect question ("Außerdem wüsste ich gern,
        # wie lange …") leaves the asking to that question (its sentence goes on at a comma).
        further = (
            bool(parts)
            and clause.end != ","
            and _FURTHER_REQUEST.match(clause.text.strip()) is not None
        )
        question = clause.asks or clause.end == "?" or further
        # "Ich wüsste gern, wie lange das dauert und ob es etwas kostet.": two indirect
        # questions in a statement ask as much as with a question mark.
        pieces = _pieces(clause.text, clause.end == "?")
        if not parts and _request_before_further(pending, clause.text, question):
            parts.append(pending)
            pending = ""
            if not question:
                continue
        if not question and len(pieces) < 2:
            # A fragment before a dash keeps its dash: it names the topic of the question
            # after it ("Das Kompetenzzentrum – wer ist das?"), which a full stop would not.
            close = " –" if clause.end == "-" else "."
            pending = f"{pending} {clause.text}{close}".strip()
            continue
        for piece in pieces:
            # "Inhalte? Und dürfen mehrere kommen?": a sentence may open with the joiner.
            opened = _LEADING_JOINER.sub("", piece, count=1)
            if (
                parts
                and not further
                and not _opens_question(opened)
                and not (clause.end == "?" and _asks_anew(piece, opened, before_ended))
                and not (keywords and keywords_before)
                and not (piece is not pieces[0] and _only_aspect(piece))
            ):
                # (a sentence that asked keeps its "?": "Und wie? – Telefon, Video?")
                close = "?" if clause.end == "?" and piece is pieces[-1] else ""
                parts[-1] = f"{parts[-1]} – {piece}{close}"
            else:
                parts.append(f"{pending} {piece}?".strip())
                pending = ""
        keywords_before = keywords
    if pending and parts:
        parts[-1] = f"{parts[-1]} {pending}"
    asking = [p for p in parts if p.strip()]
    return asking[:MAX_PARTS] if len(asking) > 1 else [text]


def elliptic_tail(text: str) -> tuple[str, str] | None:
    """"Was ist Modul II? Und Modul III?": the question and the elliptic question after it
    ("Und …?", "Was ist mit …?"), which ``split_questions`` keeps together (after a question
    "Und Verwaltung und Vereine?" goes on with it); None for any other shape. Whether the
    two name different topics, and so ask twice, is the caller's to decide."""
    clauses = split_clauses(text)
    if len(clauses) < 2 or clauses[-1].end != "?" or clauses[-2].end != "?":
        return None
    tail = clauses[-1].text
    if not is_elliptic(tail):
        return None
    head = " ".join(f"{c.text}{c.end if c.end in '?.!' else ''}" for c in clauses[:-1])
    return head, f"{tail}?"


def question_sentence(text: str) -> str:
    """The one sentence of ``text`` that ends with "?" when the others ask nothing (thanks,
    an afterthought), else ``text``."""
    clauses = split_clauses(text)
    asking = [c for c in clauses if c.end == "?"]
    if len(asking) == 1 and all(c is asking[0] or not c.asks for c in clauses):
        return f"{asking[0].text}?"
    return text


def asked_sentences(text: str) -> str | None:
    """The sentences of ``text`` from its first that asks, when statements that ask nothing
    stand before it ("Wir haben viele Ehrenamtliche, aber keinen Plan. Wer bietet das an?"),
    else None."""
    clauses = split_clauses(text)
    # A sentence that opens like a question but ends with a full stop describes ("… keine
    # klare Struktur – wer macht was, wer entscheidet.") when another ends with "?".
    marked = any(c.end == "?" for c in clauses)
    first = next((n for n, c in enumerate(clauses) if c.end == "?" or (c.asks and not marked)), 0)
    # After a dash the question goes on with what stands before it ("Das Kompetenzzentrum –
    # wer ist das?", "keine klare Struktur – wer macht was?").
    if first == 0 or clauses[first - 1].end == "-":
        return None
    return " ".join(f"{c.text}{c.end if c.end in '?.!' else ''}" for c in clauses[first:])


# Words that refer back to the conversation's topic ("Findet die denn überhaupt statt?").
_BACK_REFERENCES = words("die der das er sie es dies diese dieser dieses den dem")
# Of those, the ones that stand for a thing named before ("Was kostet das?", "Geht so was
# online?") even in a question of its own, and the pronominal adverbs: "die", "der", "den",
# "dem" are mostly articles there, "er", "sie" people ("Können Sie …").
_REFERS_BACK = (_BACK_REFERENCES - words("die der den dem er sie")) | words(
    "sowas dafuer dazu davon damit"
)


def refers_back(text: str) -> bool:
    """Whether ``text`` refers to something named before it by a pronoun ("Was kostet das?",
    "so was"), not only by an article."""
    folded = [fold(w).strip(",.:!?–-") for w in text.split()]
    return not _REFERS_BACK.isdisjoint(folded) or "so was" in " ".join(folded)
_MAX_YES_NO_WORDS = 7


def asks_yes_no_about_it(text: str) -> bool:
    """"Findet die denn überhaupt statt?", "Und läuft das noch?": a short yes/no question (a
    finite verb first, no question word) about something named before (a pronoun). Whether
    it has content words of its own is for the matcher to say."""
    pairs = [(w, fold(w).strip(",.:!?–-")) for w in text.split()]
    pairs = [(w, f) for w, f in pairs if f]
    if pairs[:1] and pairs[0][1] == "und":
        pairs = pairs[1:]
    folded = [f for _, f in pairs]
    if not folded or len(folded) > _MAX_YES_NO_WORDS:
        return False
    if any(w in QUESTION_WORDS for w in folded):
        return False
    verb = folded[0] in _OPENERS or _verb_first(folded[0])
    if verb and any(w in _BACK_REFERENCES for w in folded[1:3]):
        return True
    # "Und die findet auch statt?": the pronoun first, its verb after it (in lower case: "Die
    # Lernwerkstatt …" names a noun), asked by the mark.
    return (
        text.rstrip().endswith("?")
        and folded[0] in _BACK_REFERENCES
        and len(folded) > 1
        and pairs[1][0][:1].islower()
        and (folded[1] in _OPENERS or _verb_first(folded[1]))
    )


# "und danach?", "Wie geht es dann weiter?", "Und was kommt danach?": what follows in the topic
# of the conversation, which its answer tells (the workshops' follow-up dates, the writing
# phase after the Lernwerkstatt).
_NEXT = words("danach dann anschliessend hinterher weiter")
_NEXT_FRAME = words("und wie geht gehts es was kommt passiert laeuft")


def asks_what_next(text: str) -> bool:
    """Whether ``text`` asks only what comes next ("und danach?")."""
    folded = [fold(w).strip(",.:!?–-") for w in text.split()]
    folded = [w for w in folded if w]
    return (
        0 < len(folded) <= _MAX_YES_NO_WORDS
        and not _NEXT.isdisjoint(folded)
        and all(w in _NEXT or w in _NEXT_FRAME for w in folded)
    )


_ELLIPSIS_OPENERS = (
    ("und",), ("was", "ist", "mit"), ("und", "was", "ist", "mit"), ("wie", "ist", "es", "mit"),
    ("wie", "sieht", "es", "mit"), ("wie", "sieht", "es", "bei"), ("auch",),
)
_MAX_ELLIPSIS_WORDS = 6


def is_elliptic(text: str) -> bool:
    """"und die Workshops?", "was ist mit Modul III?": a new topic for the last question's
    aspect. A follow-up that asks a question of its own ("und wie lange dauert das?") is not."""
    # Folded one by one, and only until the message is too long to be elliptic.
    words: list[str] = []
    for raw in text.split():
        word = fold(raw).strip(",.:!?")
        if word:
            words.append(word)
            if len(words) > _MAX_ELLIPSIS_WORDS:
                return False
    if not words:
        return False
    for opener in sorted(_ELLIPSIS_OPENERS, key=len, reverse=True):
        if tuple(words[: len(opener)]) == opener:
            rest = words[len(opener) :]
            return bool(rest) and not _opens_question(" ".join(rest))
    return False


# "Ganz andere Frage: …", "Anderes Thema – …", "Themenwechsel: …", "Abschließend eine
# themenfremde Frage: …": the writer leaves the conversation's topic; what follows is read on
# its own.
_CHANGE_OF_TOPIC = re.compile(
    r"^\W*(?:(?:ok|okay|gut|danke|alles klar|super|abschließend|abschliessend|zuletzt)\W+)?"
    r"(?:eine\s+)?(?:ganz\s+)?"
    r"(?:(?:andere|anderes|neue|neues|themenfremde|fachfremde)\s+(?:frage|thema|sache|anliegen)"
    r"|(?:etwas|was|noch\s+was|noch\s+etwas)\s+(?:ganz\s+)?anderes|themenwechsel|themawechsel)"
    r"(?:\s+(?:noch|mal|bitte))?\s*[:,.;!?–-]",
    re.IGNORECASE,
)


def changes_topic(text: str) -> bool:
    """Whether ``text`` opens by leaving the conversation's topic ("Ganz andere Frage: …")."""
    return _CHANGE_OF_TOPIC.match(text) is not None

