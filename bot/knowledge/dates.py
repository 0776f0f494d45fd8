"""Render dated facts relative to today, so a 2022 date is never presented as upcoming."""

from __future__ import annotations

import datetime as dt

from bot.knowledge.models import DATE_PLACEHOLDER, Entry


def format_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def render_answer(entry: Entry, today: dt.date, past: str, upcoming: str, same_day: str) -> str:
    """Replace each {date:ID} with the date and whether it is past, today or upcoming.

    ``past``/``upcoming``/``same_day`` are text templates with ``{date}`` (from the texts file).
    """
    by_id = {d.id: d for d in entry.dates}

    def replace(match: object) -> str:
        fact = by_id[match.group(1)]  # type: ignore[attr-defined]
        if fact.date < today:
            template = past
        elif fact.date > today:
            template = upcoming
        else:
            template = same_day
        return template.format(date=format_date(fact.date))

    return DATE_PLACEHOLDER.sub(replace, entry.answer)
