"""German wording of validation errors for whoever edits the knowledge files and texts.

pydantic explains in English; the team reads ``python -m bot check``, so each error type the
files can produce gets a short German sentence. Our own validators already raise German text.
"""

from __future__ import annotations

from typing import Any

_SIMPLE = {
    "missing": "fehlt",
    "extra_forbidden": "unbekanntes Feld (Tippfehler im Namen?)",
    "string_type": "muss ein Text sein",
    "list_type": "muss eine Liste sein, z. B. [a, b]",
    "dict_type": "muss eine Zuordnung sein (name: wert)",
    "model_type": "muss eine Zuordnung sein (name: wert)",
    "model_attributes_type": "muss eine Zuordnung sein (name: wert)",
    "int_type": "muss eine ganze Zahl sein",
    "int_parsing": "muss eine ganze Zahl sein",
    "bool_type": "muss true oder false sein",
    "bool_parsing": "muss true oder false sein",
    "date_type": "muss ein Datum sein (JJJJ-MM-TT, z. B. 2022-06-15)",
    "date_parsing": "muss ein Datum sein (JJJJ-MM-TT, z. B. 2022-06-15)",
    "date_from_datetime_parsing": "muss ein Datum sein (JJJJ-MM-TT, z. B. 2022-06-15)",
    "date_from_datetime_inexact": "muss ein Datum ohne Uhrzeit sein (JJJJ-MM-TT)",
    "string_pattern_mismatch": (
        "nur Kleinbuchstaben a-z, Ziffern und _ (am Anfang kein _, höchstens 31 Zeichen)"
    ),
}


def german_error(err: Any) -> str:
    """One pydantic error (an ``ErrorDetails`` dict) as a short German sentence."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in _SIMPLE:
        return _SIMPLE[kind]
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "")))
    if kind == "string_too_short":
        return "darf nicht leer sein"
    if kind == "string_too_long":
        return f"ist zu lang (höchstens {ctx.get('max_length')} Zeichen)"
    if kind == "too_short":
        return f"braucht mindestens {ctx.get('min_length')} Eintrag/Einträge"
    if kind == "literal_error":
        return f"erlaubt ist nur {ctx.get('expected')}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        return f"muss {'mindestens' if kind == 'greater_than_equal' else 'höchstens'} {bound} sein"
    return str(err.get("msg", kind))
