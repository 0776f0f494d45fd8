"""Normalise German user text into plain lowercase tokens.

Users type umlauts or their ae/oe/ue spellings, hyphenate compounds or not, gender with
``*innen`` and write module numbers in roman or arabic digits: all of these map to one form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})
_APOSTROPHES = re.compile(r"['’`´]")
_GENDER_MARK = re.compile(r"(?<=[a-z])[*:_/](?=in(?:nen)?\b)")
_JOINERS = re.compile(r"(?<=\w)[-‐‑–](?=\w)")
_NON_WORD = re.compile(r"[\W_]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_CLOSING = ",.;:!?"  # marks after a word that the rules only turn into a space

_NUMBERS = {
    "i": "1", "1": "1", "eins": "1",
    "ii": "2", "2": "2", "zwei": "2",
    "iii": "3", "3": "3", "drei": "3",
}
_ORDINALS = {"erst": "1", "zweit": "2", "dritt": "3"}
# "modul", and its common typos ("moudl", "modl", "moduel").
_MODULE_NUMBER = re.compile(
    r"\b(?:modul|moudl|modl|moduel|mdoul)(?:e|en|s)?\s?(iii|ii|i|1|2|3|eins|zwei|drei)\b"
)
_ORDINAL_MODULE = re.compile(
    r"\b(erst|zweit|dritt)(?:e|en|er|es)?\s+(?:modul|angebot|baustein|teil)\w*"
)


def fold(text: str) -> str:
    """Unicode NFC, casefold, umlauts to ae/oe/ue, other accents dropped."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    if text.isascii():  # most text after the umlauts: nothing left to decompose
        return text
    # Only a character outside ASCII can be a combining mark: the text is copied as it stands
    # but for its non-ASCII runs (a dash or quote mark in a long message), which are filtered.
    return _NON_ASCII.sub(_without_marks, unicodedata.normalize("NFKD", text))


def _without_marks(run: re.Match[str]) -> str:
    return "".join(ch for ch in run.group() if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Folded text with compounds joined, punctuation removed and module numbers unified."""
    text = fold(text)
    text = _APOSTROPHES.sub("", text)
    text = _GENDER_MARK.sub("", text)
    text = _JOINERS.sub("", text)
    text = _NON_WORD.sub(" ", text)
    # Module numbers before collapsing repeated letters, or "iii" would become "i".
    text = _MODULE_NUMBER.sub(lambda m: "modul" + _NUMBERS[m.group(1)], text)
    text = _ORDINAL_MODULE.sub(lambda m: "modul" + _ORDINALS[m.group(1)], text)
    text = _REPEATS.sub(r"\1", text)
    return " ".join(text.split())


# Substrings the module-number rules rewrite ("modul", its typos, "erste …", "zweite …").
_REWRITTEN = ("mod", "mou", "mdo", "erst", "zweit", "dritt")


def tokenize(text: str) -> list[str]:
    """``normalize(text).split()``, word by word from the cache of ``word_tokens``.

    Every rule but the module numbers stays inside a whitespace-free word, so the text's
    tokens are its words' tokens; only a module number or ordinal written over two words
    ("Modul III", "erstes Modul") needs the whole text, and then a word's tokens hold one of
    ``_REWRITTEN``.
    """
    tokens = [token for word in text.split() for token in word_tokens(word)]
    joined = " ".join(tokens)
    if any(piece in joined for piece in _REWRITTEN) and _names_a_module(joined):
        return normalize(text).split()
    return tokens


def _names_a_module(joined: str) -> bool:
    """Whether the module-number rules match the words' tokens (``joined``).

    Where they match the whole text, they match its words' tokens too: a match spans whole
    words, and the words' own rules keep it one (a collapsed "iii" is still "i"). So tokens
    they do not match ("erstellen", "Moderation") need no second reading of the whole text.
    """
    return bool(_MODULE_NUMBER.search(joined) or _ORDINAL_MODULE.search(joined))


@lru_cache(maxsize=65536)  # pure, and the same words recur in every question
def word_tokens(word: str) -> tuple[str, ...]:
    """The tokens of one whitespace-free word ("Trave-Land" → traveland)."""
    # Plain letters and digits (most new words of a question), maybe closed by a comma or a
    # stop: of all the rules only the collapse of repeated letters can change them.
    folded = fold(word).rstrip(_CLOSING)
    if folded.isascii() and folded.isalnum() and not any(p in folded for p in _REWRITTEN):
        return (_REPEATS.sub(r"\1", folded),)
    return tuple(normalize(word).split())


def retokenize(tokens: Sequence[str]) -> list[str]:
    """``tokenize(" ".join(tokens))`` for tokens that are already normalised.

    Plain lowercase ASCII letters and digits that none of the rules above would rewrite are
    their own normal form, so the regular expressions are skipped for them; anything else
    (an umlaut, a module number, a run of letters) takes the full path.
    """
    text = " ".join(tokens)
    if (
        text.isascii()
        and text.replace(" ", "").isalnum()
        and text == text.lower()
        and not any(piece in text for piece in _REWRITTEN)
        and _REPEATS.search(text) is None
    ):
        return text.split()
    return tokenize(text)
