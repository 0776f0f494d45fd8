"""Shared pieces of the load benchmarks: request scripts, latency figures, memory, waiting.

The benchmarks drive the bot the way Telegram clients would: they send texts and press buttons
found in the bot's messages, and check that each step led to the prompt a user expects next.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import re
import sqlite3
import statistics
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.dialogue import DialogueEngine  # noqa: E402
from bot.dialogue.state import DialogueState  # noqa: E402
from bot.offline import FakeBotApi  # noqa: E402
from bot.storage import Storage  # noqa: E402
from bot.storage.codec import dump_json, ts, ts_or_none  # noqa: E402
from bot.texts import load_texts  # noqa: E402

QUESTION_FILES = (
    ROOT.parent / "shared" / "eval" / "dev.yaml",
    *sorted((ROOT / "tests" / "data").glob("blind_*.yaml")),
)
REF = re.compile(r"\b[AF]-\d{4}-\d{4,}\b")
RECEIPT = "Ihre Anfrage ist eingegangen"

# ----------------------------------------------------------------------------- request scripts

Action = Literal["say", "press"]


@dataclass(frozen=True)
class Step:
    """One user action and a fragment of the bot's newest message it must lead to."""

    action: Action
    arg: str
    expect: str


TOPICS = ("Engagementkonzept", "Aufgaben, Rollen", "Zivilgesellschaft beteiligen")
FORMATS = ("telefonisch", "per Video", "persönlich vor Ort")
NEEDS = (
    "Wir wollen Vereine und Verwaltung an einen Tisch bringen.",
    "Unsere Ehrenamtlichen werden älter, wir suchen Nachwuchs für Feuerwehr und Sportverein.",
    "Die Gemeinde plant eine Ehrenamtsbörse und braucht Ideen für den Start.",
)
QUESTION_IN_BETWEEN = "Ist das kostenlos?"


def request_script(n: int) -> list[Step]:
    """The n-th simulated request: alternately a consultation (buttons) and a workshop (texts);
    every fourth one asks a question in between, as people do."""
    organisation = f"Gemeinde Musterdorf-{n}"
    steps = [Step("say", "/anfrage", "Worum geht es Ihnen?")]
    if n % 2 == 0:
        steps += [
            Step("press", "Beratung für Kommunen", "Zu welchem Thema"),
            Step("press", TOPICS[n % 3], "Wie möchten Sie beraten werden?"),
            Step("press", FORMATS[(n // 2) % 3], "Für welche Kommune"),
        ]
    else:
        steps += [
            Step("press", "Workshop vor Ort", "Welcher Handlungsbedarf"),
            Step("say", NEEDS[n % 3], "Für welche Kommune"),
        ]
    if n % 4 == 3:
        steps.append(Step("say", QUESTION_IN_BETWEEN, "Weiter mit Schritt"))
    steps += [
        Step("say", organisation, "Wie heißen Sie"),
        Step("say", f"Erika Muster {n}, Engagementkoordination", "Wie erreicht das Team Sie?"),
        Step("say", f"kontakt{n}@musterdorf-{n}.de", "Wann passt es Ihnen"),
        Step("press", "Weiter zur Zusammenfassung", "Bitte prüfen Sie Ihre Anfrage"),
        Step("press", "Absenden", RECEIPT),
    ]
    return steps


def buttons(message: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def find_button(api: FakeBotApi, chat_id: int, label: str) -> tuple[dict[str, Any], str] | None:
    """The newest bot message in the chat with a button whose label contains ``label``."""
    for message in reversed(api.sent_to(chat_id)):
        for text, data in buttons(message):
            if label in text:
                return message, data
    return None


def newest_text(api: FakeBotApi, chat_id: int) -> str:
    message = api.last_message(chat_id)
    return str(message.get("text", "")) if message else ""


def newest_id(api: FakeBotApi, chat_id: int) -> int:
    message = api.last_message(chat_id)
    return int(message["message_id"]) if message else 0


def questions() -> list[str]:
    """Realistic user questions (development and held-out sets), in a fixed order."""
    found: list[str] = []
    for path in QUESTION_FILES:
        if path.exists():
            items = yaml.safe_load(path.read_text("utf-8"))
            # A conversation set holds its questions as turns.
            found.extend(str(t["q"]) for item in items for t in item.get("turns", [item]))
    return found or ["Was kostet die Beratung?", "Welche Angebote gibt es?"]


# ----------------------------------------------------------------------------- figures


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency_line(seconds: Sequence[float]) -> str:
    """``p50 … p95 … p99 … max …`` in milliseconds."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        return "no samples"
    return (
        f"p50 {percentile(ms, 0.50):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms, "
        f"mean {statistics.fmean(ms):.1f} ms"
    )


def proc_status_mb(field: str, pid: int | str = "self") -> float:
    """A memory line of /proc/<pid>/status (VmRSS: now, VmHWM: peak) in MB; nan if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (from /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


class ErrorCounter(logging.Handler):
    """Counts ERROR (and worse) records, keeping the first few messages for the report."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(f"{record.name}: {record.getMessage()}")


# ----------------------------------------------------------------------------- waiting


class ApiWatcher:
    """Lets many coroutines wait for conditions on a FakeBotApi served from other threads.

    One listener for all waiters: each change of the api schedules (at most) one check on the
    event loop, which re-evaluates the pending conditions. No polling, no sleeps.
    """

    def __init__(self, api: FakeBotApi, loop: asyncio.AbstractEventLoop) -> None:
        self.api = api
        self.loop = loop
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        self._scheduled = threading.Event()
        api.add_listener(self._on_change)

    def close(self) -> None:
        self.api.remove_listener(self._on_change)

    def _on_change(self) -> None:
        # Runs in a server thread with the api lock held: only schedule, never evaluate here.
        if self._scheduled.is_set():
            return
        self._scheduled.set()
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            self.loop.call_soon_threadsafe(self._check)

    def _check(self) -> None:
        self._scheduled.clear()  # before evaluating: a change from now on schedules again
        now = time.perf_counter()
        pending = []
        for condition, future in self._waiters:
            if future.done():
                continue
            if condition():
                future.set_result(now)
            else:
                pending.append((condition, future))
        self._waiters = pending

    async def wait(self, condition: Callable[[], bool], timeout: float) -> float | None:
        """perf_counter() when ``condition`` was first seen true, or None after ``timeout``."""
        if condition():
            return time.perf_counter()
        future: asyncio.Future[float] = self.loop.create_future()
        self._waiters.append((condition, future))
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None


# ----------------------------------------------------------------------------- prefill

PREFILL_USER_BASE = 50_000_000
PREFILL_YEARS = 2
# Card message ids of prefilled requests: far above the ids the fake server hands out.
PREFILL_CARD_BASE = 10_000_000


def _prefill_answers(n: int) -> dict[str, Any]:
    contact = {"email": f"verwaltung{n}@amt-{n % 400}.de", "phone": None, "telegram_only": False}
    common = {
        "organisation": f"Amt Beispiel-{n % 400}",
        "person": f"Person {n}, Engagementkoordination",
        "contact": contact,
        "time": "vormittags" if n % 3 == 0 else None,
        "remarks": None,
    }
    if n % 2 == 0:
        return {"kind": "beratung", "topics": [("engagementkonzept", "strukturen",
                                                 "beteiligung")[n % 3]],
                "format": ("telefon", "video", "vorort")[n % 3], **common}
    return {"kind": "workshop", "need": NEEDS[n % 3], **common}


async def prefill_requests(db_path: Path, count: int, team_chat_id: int) -> float:
    """Store ``count`` requests as the bot leaves them over two years of use: submitted from a
    draft with the privacy notice, card posted (outbox row sent, card linked), most of them
    taken and closed, with their history lines. Returns seconds.

    The schema comes from ``Storage.open`` (migrations); the rows are written with plain SQL in
    one transaction (executemany), the same rows ``submit_request``, ``mark_sent``, ``set_card``
    and ``change_status`` write, a hundred times faster than calling them one by one. The
    reference counters and the draft id sequence move past the prefilled rows, so the bot's new
    requests get fresh references and drafts never reuse a submitted draft's id. Run it before
    the bot opens the file.
    """
    started = time.perf_counter()
    texts = load_texts()
    engine = DialogueEngine(texts, notice_version=texts.raw("privacy_version"))
    storage = await Storage.open(db_path)  # creates the file and runs the migrations
    await storage.close()
    now = dt.datetime.now(dt.UTC)
    span = dt.timedelta(days=365 * PREFILL_YEARS)
    with sqlite3.connect(db_path, isolation_level=None) as conn:
        start = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM tickets").fetchone()[0]
                 if count else 0)
        last_draft = conn.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'drafts'"
        ).fetchone()[0]
        counters = {int(year): int(last) for year, last in conn.execute(
            "SELECT year, last FROM ref_counters WHERE type = 'request'")}
        tickets, events, outbox, links = [], [], [], []
        for n in range(count):
            ticket_id = start + n + 1
            when = now - span + span * (n / max(count, 1))
            user_id = PREFILL_USER_BASE + n % max(count * 2 // 5, 1)  # some ask more than once
            year = when.year
            counters[year] = counters.get(year, 0) + 1
            ref = f"A-{year}-{counters[year]:04d}"
            state = DialogueState(step="summary", answers=_prefill_answers(n))
            card_message_id = PREFILL_CARD_BASE + n
            status, assignee, closed_at = "open", (None, None), None
            events.append((ticket_id, "submitted", None, "open", user_id, None, ts(when)))
            if n % 20 != 0:  # every 20th is still open
                taken = when + dt.timedelta(hours=4)
                status, assignee = "taken", (7001, "Tina Team")
                events.append((ticket_id, "status", "open", "taken", *assignee, ts(taken)))
                closed = when + dt.timedelta(days=3)
                if closed < now and n % 20 != 1:
                    status, closed_at = "done", closed
                    events.append((ticket_id, "status", "taken", "done", *assignee, ts(closed)))
            tickets.append((
                ticket_id, ref, user_id, user_id, dump_json(engine.ticket_data(state)), status,
                *assignee, ts(when), ts(closed_at or when), ts_or_none(closed_at),
                engine.notice_version, ts(when), team_chat_id, card_message_id,
                last_draft + n + 1,
            ))
            outbox.append((ticket_id, team_chat_id, dump_json({"chat_id": team_chat_id}),
                           ts(when), ts(when), ts(when),
                           dump_json({"message_id": card_message_id})))
            links.append((team_chat_id, card_message_id, ticket_id))
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO tickets (id, ref, type, user_id, chat_id, data, status, assignee_id,"
            " assignee_name, created_at, updated_at, closed_at, notice_version,"
            " notice_shown_at, card_chat_id, card_message_id, draft_id)"
            " VALUES (?, ?, 'request', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tickets)
        conn.executemany(
            "INSERT INTO ticket_events (ticket_id, kind, old_status, new_status, actor_id,"
            " actor_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", events)
        conn.executemany(
            "INSERT INTO outbox (kind, ticket_id, chat_id, payload, status, attempts, due_at,"
            " created_at, sent_at, result) VALUES ('card', ?, ?, ?, 'sent', 1, ?, ?, ?, ?)",
            outbox)
        conn.executemany(
            "INSERT OR REPLACE INTO message_links (chat_id, message_id, ticket_id, role)"
            " VALUES (?, ?, ?, 'card')", links)
        conn.executemany(
            "INSERT INTO ref_counters (type, year, last) VALUES ('request', ?, ?)"
            " ON CONFLICT (type, year) DO UPDATE SET last = excluded.last",
            sorted(counters.items()))
        # Draft ids are AUTOINCREMENT: move the sequence past the submitted drafts' ids.
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'drafts'")
        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('drafts', ?)",
                     (last_draft + count,))
        conn.execute("COMMIT")
    return time.perf_counter() - started
