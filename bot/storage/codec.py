"""Conversions between Python values and their stored form (timestamps, JSON, booleans).

Timestamps are stored as UTC ISO-8601 text of fixed width ("2026-03-01T09:30:00.000000+00:00"),
so that string comparison in SQL is time comparison and the database stays readable with the
sqlite3 shell. The API only accepts timezone-aware datetimes: a naive one is a bug in the caller.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def ts(value: dt.datetime) -> str:
    """Encode an aware datetime as fixed-width UTC ISO text."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware (UTC)")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def ts_or_none(value: dt.datetime | None) -> str | None:
    return None if value is None else ts(value)


def parse_ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def parse_ts_or_none(text: str | None) -> dt.datetime | None:
    return None if text is None else parse_ts(text)


def dump_json(value: dict[str, Any]) -> str:
    # ensure_ascii=False keeps umlauts readable in the database; sort_keys makes rows comparable.
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load_json(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("stored JSON is not an object")
    return value


def load_json_or_none(text: str | None) -> dict[str, Any] | None:
    return None if text is None else load_json(text)
