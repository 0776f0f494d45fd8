"""/export: all tickets as CSV for German Excel (UTF-8 with BOM, semicolons).

Cells that a spreadsheet would read as a formula (starting with = + - @, tab or carriage return)
get a leading apostrophe, so a request text can never run code in the team's spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.localtime import local
from bot.storage.models import Ticket
from bot.team.cards import kind_label
from bot.team.status_words import status_word
from bot.texts import Texts

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: Any) -> str:
    """The cell as text, defused against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "ja" if value else "nein"
    elif isinstance(value, list):
        text = "; ".join(str(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _time(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    return local(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _field(name: str) -> Callable[[Ticket], Any]:
    return lambda t: t.data.get(f"{name}_label") or t.data.get(name)


def columns(texts: Texts, zone: ZoneInfo) -> list[tuple[str, Callable[[Ticket], Any]]]:
    """Header label and value of every column, in order (times in the operator's `zone`)."""
    return [
        ("Nummer", lambda t: t.ref),
        ("Typ", lambda t: texts.plain(f"team_type_{t.type}")),
        ("Art", lambda t: kind_label(t, texts)),
        ("Status", lambda t: status_word(t.status, texts)),
        ("Eingegangen", lambda t: _time(t.created_at, zone)),
        ("Abgeschlossen", lambda t: _time(t.closed_at, zone)),
        ("Bearbeitet von", lambda t: t.assignee_name),
        ("Kommune/Organisation", _field("organisation")),
        ("Name und Funktion", _field("person")),
        ("E-Mail", lambda t: t.data.get("email")),
        ("Telefon", lambda t: t.data.get("phone")),
        ("Nur über Telegram", lambda t: bool(t.data.get("telegram_only"))
         if t.type == "request" else None),
        ("Themen", _field("topics")),
        ("Begleitung bei", _field("support")),
        ("Format", _field("format")),
        ("Handlungsbedarf", _field("need")),
        ("Anliegen", _field("concern")),
        ("Wunschtermin", _field("time")),
        ("Anmerkungen", _field("remarks")),
        ("Frage", lambda t: t.data.get("text") if t.type == "question" else ""),
        ("Bot blockiert", lambda t: t.requester_blocked),
    ]


def export_csv(tickets: Sequence[Ticket], texts: Texts, zone: ZoneInfo) -> bytes:
    """The CSV file's bytes: BOM, header row, one row per ticket."""
    cols = columns(texts, zone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name, _ in cols])
    for ticket in tickets:
        writer.writerow([safe_cell(value(ticket)) for _, value in cols])
    return (BOM + buffer.getvalue()).encode("utf-8")


def export_filename(now: dt.datetime, zone: ZoneInfo) -> str:
    return f"anfragen-{local(now, zone).strftime('%Y-%m-%d')}.csv"
