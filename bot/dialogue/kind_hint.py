"""Which kind of request a message names ("Ich möchte einen Workshop" -> workshop).

Used to preselect the kind when the user starts a request right after naming it, so the
dialogue does not ask again what the user just said.
"""

from __future__ import annotations

from bot.matching.normalize import tokenize

# Word beginnings per kind, on folded tokens (umlauts as ae/oe/ue). "Beratung" also names the
# consultation in compounds ("Beratungsgespräch"); "Begleitung" is the companion offer.
_CUES: dict[str, tuple[str, ...]] = {
    "beratung": ("beratung", "beraten"),
    "workshop": ("workshop",),
    "begleitung": ("begleitung", "begleiten", "begleitet"),
}


def kind_named_in(text: str) -> str | None:
    """The one kind the text names, or None when it names none or several."""
    named = {
        kind
        for token in tokenize(text)
        for kind, cues in _CUES.items()
        if token.startswith(cues)
    }
    return named.pop() if len(named) == 1 else None
