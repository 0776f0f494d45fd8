"""The operator's time zone: the one calendar for reference numbers, dates and daily jobs.

Moments are stored and compared in UTC; whatever a person reads or counts by calendar (the year
in a reference number, a date on a card, the digest hour, "past or upcoming" in an answer, the
export) is taken in this zone. One zone for all keeps them consistent at midnight and New Year:
a request sent at 00:30 local time on 1 January gets the new year's number and date alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/Berlin"

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def load_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name` (e.g. "Europe/Berlin"); ValueError if there is none."""
    try:
        return ZoneInfo(name)
    # OSError: an unreadable zone file; ValueError: a key that is no relative path.
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        expected = f"expected e.g. {DEFAULT_TIMEZONE!r}"
        raise ValueError(f"unknown time zone {name!r} ({expected})") from exc


DEFAULT_ZONE = load_zone(DEFAULT_TIMEZONE)


def local(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The aware moment as wall-clock time in `zone`."""
    return moment.astimezone(zone)


def local_today(clock: Clock, zone: ZoneInfo) -> Callable[[], dt.date]:
    """Today's date in `zone` by `clock` (the date answers compare event dates with)."""
    return lambda: local(clock(), zone).date()
