"""Ticket references as the team types them: "A-2026-0007", "a-2026-7", "F-2026-12" or "7"."""

from __future__ import annotations

import re

_FULL = re.compile(r"([AF])-?(\d{4})-?(\d{1,6})", re.IGNORECASE)
_NUMBER = re.compile(r"#?(\d{1,6})")


def parse_ref(text: str, year: int) -> str | None:
    """The canonical reference (A-2026-0007), or None if `text` is not one.

    A bare number means a request (A) of `year`, the current year.
    """
    value = text.strip()
    match = _FULL.fullmatch(value)
    if match:
        prefix, ref_year, number = match.groups()
        return f"{prefix.upper()}-{ref_year}-{int(number):04d}"
    match = _NUMBER.fullmatch(value)
    if match:
        return f"A-{year}-{int(match.group(1)):04d}"
    return None


_IN_TEXT = re.compile(r"\b([AF]-\d{4}-\d{4,6})\b")


def refs_in(text: str | None) -> set[str]:
    """Every ticket reference a text mentions (to recognise bot messages about a ticket)."""
    return set(_IN_TEXT.findall(text or ""))
