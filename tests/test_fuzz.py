"""Property-based fuzzing: random update sequences from several users through the application.

Invariants: no unhandled error is logged, every private update gets a bounded number of
answers, every submitted request has its card (or a pending outbox row), and after /loeschen
nothing of the user's is left.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.offline import user
from tests.e2e_support import buttons
from tests.test_team_harness import TEAM, Harness, running_bot

USERS = [user(5001, "Anna"), user(5002, "Ben", username="ben_ms"), user(5003, "<b>Cem</b>")]
TEAM_MEMBER = user(7001, "Tom")
FOREIGN_GROUP = -4242
MAX_ANSWERS_PER_UPDATE = 6
COMMANDS = ["/start", "/hilfe", "/anfrage", "/abbrechen", "/datenschutz", "/meinedaten",
            "/loeschen", "/unbekannt", "/start@engagement_assistent_bot", "/anfrage A-2026-0001"]
TEAM_COMMANDS = ["/offen", "/statistik", "/unbeantwortet", "/export", "/anfrage A-2026-0001",
                 "/hilfe"]
TRICKY = ["<b>", "&", "</code>", "\"'", "😀🎉", "\u200f\u202eabc", "x" * 4096, "", " ",
          "Was kostet die Beratung?", "workshop vor ort", "a@b.de", "+49 431 123456"]

text_strategy = st.one_of(st.text(max_size=120), st.sampled_from(TRICKY))
action_strategy = st.one_of(
    st.tuples(st.just("text"), st.integers(0, 2), text_strategy),
    st.tuples(st.just("command"), st.integers(0, 2), st.sampled_from(COMMANDS)),
    st.tuples(st.just("press"), st.integers(0, 2), st.integers(0, 50)),
    st.tuples(st.just("forge"), st.integers(0, 2), st.text(max_size=70)),
    st.tuples(st.just("sticker"), st.integers(0, 2), st.just("")),
    st.tuples(st.just("edit"), st.integers(0, 2), text_strategy),
    st.tuples(st.just("contact"), st.integers(0, 2), st.booleans().map(str)),
    st.tuples(st.just("group"), st.integers(0, 2), text_strategy),
    st.tuples(st.just("team"), st.integers(0, 5), st.sampled_from(TEAM_COMMANDS)),
    st.tuples(st.just("team_press"), st.integers(0, 50), st.just("")),
    st.tuples(st.just("request"), st.integers(0, 2), st.just("")),
    st.tuples(st.just("erase"), st.integers(0, 2), st.just("")),
)


class ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def all_buttons(h: Harness, chat_id: int) -> list[tuple[dict[str, Any], str]]:
    return [(m, d) for m in h.api.sent_to(chat_id) for _, d in buttons(m)]


async def press_label(h: Harness, who: dict[str, Any], label: str) -> bool:
    for message in reversed(h.api.sent_to(int(who["id"]))):
        for text, data in buttons(message):
            if label in text:
                await h.process(h.factory.callback(who, message, data))
                return True
    return False


async def complete_request(h: Harness, who: dict[str, Any]) -> None:
    await h.process(h.factory.message(who, "/abbrechen"))
    await h.process(h.factory.message(who, "/anfrage"))
    if not await press_label(h, who, "Workshop vor Ort"):
        return  # e.g. too many open requests
    for text in ("Mehr Ehrenamt im Dorf", "Gemeinde <Test> & Co", "Anna Muster, Amt",
                 "anna@example.org"):
        await h.process(h.factory.message(who, text))
    await press_label(h, who, "Weiter zur Zusammenfassung")
    await press_label(h, who, "Absenden")


async def run_actions(actions: list[tuple[str, int, Any]], tmp: Path) -> None:
    counter = ErrorCounter()
    logging.getLogger().addHandler(counter)
    try:
        async with running_bot(tmp) as h:
            h.services.rate_limiter.capacity = 10_000  # the limiter is tested on its own
            for who in USERS:
                h.add_requester(int(who["id"]), str(who["first_name"]))
            for kind, index, value in actions:
                who = USERS[index % len(USERS)]
                uid = int(who["id"])
                before = len(h.api.sent_to(uid))
                if kind == "text":
                    await h.process(h.factory.message(who, value or "."))
                elif kind == "command":
                    await h.process(h.factory.message(who, value))
                elif kind == "press":
                    options = all_buttons(h, uid)
                    if options:
                        message, data = options[value % len(options)]
                        await h.process(h.factory.callback(who, message, data))
                elif kind == "forge":
                    last = h.api.last_message(uid)
                    if last is not None:
                        await h.process(h.factory.callback(who, last, value, strict=False))
                elif kind == "sticker":
                    await h.process(h.factory.sticker(who))
                elif kind == "edit":
                    last_user = h.factory.message(who, "Frage")
                    await h.process(last_user)
                    await h.process(h.factory.edited_message(last_user["message"], value or "."))
                elif kind == "contact":
                    await h.process(h.factory.contact(who, "+49431123456",
                                                      uid if value == "True" else 999))
                elif kind == "group":
                    await h.process(h.factory.group_message(who, FOREIGN_GROUP, value or "."))
                elif kind == "team":
                    await h.team_says(int(TEAM_MEMBER["id"]), value)
                elif kind == "team_press":
                    options = all_buttons(h, TEAM)
                    if options:
                        message, data = options[index % len(options)]
                        await h.process(h.factory.callback(TEAM_MEMBER, message, data))
                elif kind == "request":
                    await complete_request(h, who)
                elif kind == "erase":
                    await h.process(h.factory.message(who, "/loeschen"))
                    if await press_label(h, who, "Ja, alles löschen"):
                        await check_erased(h, uid)
                answers = len(h.api.sent_to(uid)) - before
                limit = MAX_ANSWERS_PER_UPDATE * (12 if kind == "request" else 1)
                assert answers <= limit, (kind, answers)
                await h.deliver()
            await check_cards(h)
    finally:
        logging.getLogger().removeHandler(counter)
    assert not counter.records, [r.getMessage() for r in counter.records]
    assert h.api.sent_to(FOREIGN_GROUP) == []  # foreign groups see nothing


async def check_cards(h: Harness) -> None:
    """Every submitted request has its card, or a card row still in the outbox."""
    storage = h.services.storage
    for ticket in await storage.tickets.all_for_export():
        pending = [o for o in await storage.outbox.for_ticket(ticket.id)
                   if o.kind == "card" and o.status in ("pending", "failed")]
        assert ticket.card_message_id is not None or pending, ticket.ref


async def check_erased(h: Harness, uid: int) -> None:
    """Right after /loeschen nothing of the user is stored any more."""
    storage = h.services.storage
    assert await storage.tickets.list_for_user("telegram", uid) == []
    assert await storage.drafts.get(uid) is None
    exported = await storage.privacy.export_user(uid)
    assert not exported["tickets"] and not exported["questions"] and not exported["drafts"]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(action_strategy, min_size=1, max_size=25))
def test_random_update_sequences_keep_invariants(actions: list[tuple[str, int, Any]]) -> None:
    """No crash, bounded answers, cards for every request, nothing left after /loeschen."""
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run_actions(actions, Path(tmp)))
