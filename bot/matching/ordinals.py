"""A reference to a place in the list the bot just offered: "mehr zum zweiten", "das dritte bitte".

After an answer that lists options (the overview's three modules) or offers buttons ("Meinten
Sie …?"), a short message that names a position means that option. Only the position is read
here; which options were offered is the conversation's memory (bot/conversation_context.py).
"""

from __future__ import annotations

from itertools import pairwise

from bot.matching.normalize import tokenize

# The longest message still read as a pointer into the list ("kannst du mir mehr zum zweiten
# erzählen"); a longer one is a question of its own that happens to hold an ordinal.
MAX_TOKENS = 8
# A question about an aspect of an option ("Was ist denn der Inhalt des ersten?") may be longer.
MAX_QUESTION_TOKENS = 16
LAST = -1

_STEMS = {
    "erst": 0, "zweit": 1, "dritt": 2, "viert": 3, "fuenft": 4, "sechst": 5, "letzt": LAST,
}
# Inflected forms only: "zu dritt" (three of us) and "erst" (only) name no position.
_ENDINGS = ("e", "en", "er", "es", "em", "eres")
_WORDS = {stem + ending: n for stem, n in _STEMS.items() for ending in _ENDINGS}
# "Nummer 2", "Punkt 3", "Option 1": a digit counts only after such a word ("3" alone is no
# pointer: numbers alone are never answered with confidence).
_POINTERS = frozenset(("nummer", "nr", "punkt", "option", "variante", "vorschlag", "knopf"))
_DIGITS = {str(n): n - 1 for n in range(1, 7)}


def without_position(text: str) -> str:
    """``text`` without its ordinal and pointer words (what else the message says)."""
    return " ".join(
        t for t in tokenize(text) if t not in _WORDS and t not in _POINTERS and t not in _DIGITS
    )


def list_position(text: str, max_tokens: int = MAX_TOKENS) -> int | None:
    """The 0-based position (``LAST`` for "das letzte") a message of at most ``max_tokens``
    words points to, or None."""
    tokens = tokenize(text)
    if not tokens or len(tokens) > max_tokens:
        return None
    found = [_WORDS[t] for t in tokens if t in _WORDS]
    found += [
        _DIGITS[t]
        for before, t in pairwise(tokens)
        if before in _POINTERS and t in _DIGITS
    ]
    # "der erste oder der zweite?" names no single option.
    return found[0] if len(set(found)) == 1 else None
