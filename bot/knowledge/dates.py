"""Render an entry's dated facts as German prose, relative to today.

``{date:a,b}`` writes the dates as a person would ("15. und 27. Juni 2022");
``{tense:a|fand nicht statt|findet nicht statt}`` picks the words that fit whether the date has
passed, so a 2022 date never reads as upcoming and a new date never reads as past.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from bot.knowledge.models import DATE_PLACEHOLDER, TENSE_PLACEHOLDER, Entry


def format_date(day: dt.date, months: Sequence[str]) -> str:
    return f"{day.day}. {months[day.month - 1]} {day.year}"


def format_dates(days: Sequence[dt.date], months: Sequence[str]) -> str:
    """Several dates joined, with a shared month and year written once."""
    if len(days) == 1:
        return format_date(days[0], months)
    same_year = len({d.year for d in days}) == 1
    same_month = same_year and len({d.month for d in days}) == 1
    if same_month:
        parts = [f"{d.day}." for d in days]
        tail = f" {months[days[0].month - 1]} {days[0].year}"
    elif same_year:
        parts = [f"{d.day}. {months[d.month - 1]}" for d in days]
        tail = f" {days[0].year}"
    else:
        parts = [format_date(d, months) for d in days]
        tail = ""
    return ", ".join(parts[:-1]) + " und " + parts[-1] + tail


def render_answer(entry: Entry, today: dt.date, months: Sequence[str]) -> str:
    """The entry's answer with its date and tense placeholders filled in for ``today``.

    ``months`` are the twelve month names (from the texts file). A date on ``today`` counts as
    not yet passed.
    """
    by_id = {d.id: d.date for d in entry.dates}

    def dates(match: re.Match[str]) -> str:
        return format_dates([by_id[i] for i in match.group(1).split(",")], months)

    def tense(match: re.Match[str]) -> str:
        return match.group(2) if by_id[match.group(1)] < today else match.group(3)

    return DATE_PLACEHOLDER.sub(dates, TENSE_PLACEHOLDER.sub(tense, entry.answer))
