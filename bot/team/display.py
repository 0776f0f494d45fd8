"""Small display helpers for team texts: local time, ages, and length-safe escaping.

Telegram limits a message to 4096 characters; we count the HTML we send (which is never shorter
than what Telegram counts after parsing) in UTF-16 code units (emoji count twice), so a text that
fits here always fits there.
"""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

from bot.localtime import local

MAX_MESSAGE = 4096
ELLIPSIS = "…"


def tg_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def clip(text: str, limit: int) -> str:
    """Escape `text`, cutting the raw text so that the escaped result fits `limit` units.

    Cutting before escaping never splits an entity like ``&amp;``; an ellipsis marks the cut.
    """
    escaped = escape(text)
    if tg_len(escaped) <= limit:
        return escaped
    budget = max(limit - 1, 0)
    used = 0
    parts: list[str] = []
    for ch in text:
        piece = escape(ch)
        size = tg_len(piece)
        if used + size > budget:
            break
        parts.append(piece)
        used += size
    return "".join(parts).rstrip() + ELLIPSIS


# Every date takes the operator's zone (settings.zone) explicitly: a forgotten zone is a type
# error, not a silent second calendar next to the reference numbers.


def when(moment: dt.datetime, zone: ZoneInfo) -> str:
    """Date and time as the team reads it, e.g. 25.11.2026, 14:03 (local time)."""
    return local(moment, zone).strftime("%d.%m.%Y, %H:%M")


def when_words(moment: dt.datetime, zone: ZoneInfo) -> str:
    """Date and time for a sentence, e.g. 25.11.2026 um 14:03 Uhr (local time)."""
    return local(moment, zone).strftime("%d.%m.%Y um %H:%M Uhr")


def day(moment: dt.datetime, zone: ZoneInfo) -> str:
    return local(moment, zone).strftime("%d.%m.%Y")


def age_days(created: dt.datetime, now: dt.datetime, zone: ZoneInfo) -> int:
    """Whole calendar days (local) between creation and now; never negative."""
    return max((local(now, zone).date() - local(created, zone).date()).days, 0)
