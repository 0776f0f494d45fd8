"""Checks of typed answers: contact details, lengths, and whether text matches a button."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?:\+|\b0)[0-9 ()/\-]{5,}[0-9]")
MIN_PHONE_DIGITS = 6
_QUESTION_WORDS = frozenset(
    [
        "was",
        "wie",
        "wann",
        "wo",
        "wer",
        "warum",
        "wieso",
        "weshalb",
        "welche",
        "welcher",
        "welches",
        "wieviel",
        "gibt",
        "gibts",
        "kann",
        "koennen",
        "können",
        "kostet",
        "muss",
        "müssen",
        "ist",
        "sind",
        "habt",
        "haben",
        "bietet",
        "bieten",
        "findet",
    ]
)
# Invisible formatting characters (e.g. right-to-left marks) are removed before any check.
_INVISIBLE = {"Cf"}


@dataclass(frozen=True)
class Contact:
    email: str | None
    phone: str | None


def clean(text: str) -> str:
    """Normalise user text: NFC, no control or invisible characters, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _INVISIBLE | {"Cc"}
    )
    return " ".join(text.split())


def parse_contact(text: str) -> Contact | None:
    email_match = EMAIL.search(text)
    phone: str | None = None
    for match in PHONE.finditer(text):
        candidate = match.group(0).strip()
        if sum(ch.isdigit() for ch in candidate) >= MIN_PHONE_DIGITS:
            phone = candidate
            break
    if email_match is None and phone is None:
        return None
    return Contact(email=email_match.group(0) if email_match else None, phone=phone)


def _fold(text: str) -> str:
    text = text.casefold()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9 ]+", " ", text).strip()


def match_option(text: str, labels: dict[str, str], threshold: float = 80.0) -> str | None:
    """The option whose label the typed text names (tolerating typos), if exactly one fits."""
    typed = _fold(text)
    if not typed:
        return None
    scored: list[tuple[float, str]] = []
    for option, label in labels.items():
        folded = _fold(label)
        score = max(
            fuzz.ratio(typed, folded),
            fuzz.partial_ratio(typed, folded) if len(typed) >= 4 else 0.0,
            100.0 if typed == _fold(option) else 0.0,
        )
        scored.append((score, option))
    scored.sort(reverse=True)
    best_score, best = scored[0]
    if best_score < threshold:
        return None
    if len(scored) > 1 and scored[1][0] >= best_score - 5:
        return None  # ambiguous: ask again rather than guess
    return best


def looks_like_question(text: str) -> bool:
    stripped = text.strip()
    if stripped.endswith("?"):
        return True
    first = _fold(stripped).split(" ", 1)[0] if stripped else ""
    return first in _QUESTION_WORDS


def match_synonym(text: str, synonyms: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """The option whose everyday words the text uses ("per Zoom" -> video), if exactly one."""
    padded = f" {_fold(text)} "
    found = {
        option
        for option, phrases in synonyms
        if any(f" {_fold(phrase)} " in padded for phrase in phrases)
    }
    return found.pop() if len(found) == 1 else None
