"""The conversation core driven directly: a real Storage, a fake clock, no Telegram at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import callbacks
from bot.composition import build_conversation, build_services
from bot.config import Settings
from bot.conversation.core import ConversationCore
from bot.conversation.model import CommandIn, Outgoing, PressIn, TextIn, UserKey
from bot.services import Services
from bot.storage import Storage
from bot.texts import load_texts

ERIKA = UserKey("telegram", "42")
WEB_NEIGHBOUR = UserKey("web", "42")  # the same number in another door: another person


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[ConversationCore]:
    settings = Settings.model_validate({"team": {"chat_id": -100123},
                                        "database": {"path": str(tmp_path / "bot.sqlite")}})
    storage = await Storage.open(settings.database.path)
    services = build_services(settings, storage, load_texts())
    try:
        yield build_conversation(services)
    finally:
        await storage.close()


def services_of(core: ConversationCore) -> Services:
    return core.services


def button(outs: list[Outgoing], label: str) -> str:
    """The data of the newest button with that label among the core's answer."""
    for out in reversed(outs):
        for row in out.buttons:
            for b in row:
                if label in b.label:
                    return b.data
    raise AssertionError(f"no button {label!r} in {[o.html[:40] for o in outs]}")


async def press(core: ConversationCore, user: UserKey, outs: list[Outgoing],
                label: str) -> list[Outgoing]:
    shown = next(o for o in reversed(outs) if any(label in b.label for r in o.buttons for b in r))
    return await core.handle(user, PressIn(button(outs, label), message="1", shown=shown))


async def test_question_is_answered_and_logged(core: ConversationCore) -> None:
    """A typed question gets the knowledge base's answer with 👍/👎, and it is logged for
    the team under the user's channel."""
    [out] = await core.handle(ERIKA, TextIn("Was kostet die Beratung?"))
    assert "kostenfrei" in out.html
    assert any(callbacks.parse(b.data).kind == "feedback"  # type: ignore[union-attr]
               for row in out.buttons for b in row)
    storage = services_of(core).storage
    await storage.questions.flush()
    rows = await storage.db.fetchall("SELECT user_id, channel, band FROM question_log")
    assert [(r["user_id"], r["channel"], r["band"]) for r in rows] == [(42, "telegram", "answer")]


async def test_follow_up_is_read_in_the_light_of_this_users_last_topic(
    core: ConversationCore,
) -> None:
    """"welche themen?" after "beratung für kommunen" is answered about the consultation; the
    context is the user's (UserKey): the same number in the web door, and the same user after
    /start, get no such reading."""
    await core.handle(ERIKA, TextIn("beratung für kommunen"))
    [follow_up] = await core.handle(ERIKA, TextIn("welche themen?"))
    assert "Unterstützungsstruktur" in follow_up.html
    [elsewhere] = await core.handle(WEB_NEIGHBOUR, TextIn("welche themen?"))
    assert "Unterstützungsstruktur" not in elsewhere.html
    await core.handle(ERIKA, CommandIn("start"))
    [fresh] = await core.handle(ERIKA, TextIn("welche themen?"))
    assert "Unterstützungsstruktur" not in fresh.html


async def test_complete_request_is_stored_with_its_card_row(core: ConversationCore) -> None:
    """Start to receipt through the core: the draft is written on every step, and the request
    is stored with its card's outbox row; the ticket remembers the door."""
    services = services_of(core)
    outs = await core.handle(ERIKA, CommandIn("anfrage"))
    for label in ("Beratung für Kommunen", "Engagementkonzept", "per Video"):
        outs = await press(core, ERIKA, outs, label)
        draft = await services.storage.drafts.get(42)
        assert draft is not None and draft.rev > 0  # written at this step
    for text in ("Gemeinde Musterdorf", "Erika Muster, Bürgermeisterin", "erika@musterdorf.de"):
        outs = await core.handle(ERIKA, TextIn(text))
    outs = await press(core, ERIKA, outs, "Weiter zur Zusammenfassung")
    assert "Bitte prüfen Sie Ihre Anfrage" in outs[-1].html
    outs = await press(core, ERIKA, outs, "Absenden")
    [ticket] = await services.storage.tickets.list_for_user("telegram", 42)
    assert ticket.ref in outs[-1].html and ticket.channel == "telegram"
    assert ticket.data["organisation"] == "Gemeinde Musterdorf"
    assert await services.storage.drafts.get(42) is None
    cards = await services.storage.db.fetchall(
        "SELECT kind FROM outbox WHERE ticket_id = ?", (ticket.id,))
    assert [r["kind"] for r in cards] == ["card"]
    # The same number in the web door is another person: no draft, no request of theirs.
    assert await services.storage.tickets.count_open_for_user(42, "request", "web") == 0


async def test_loeschen_asks_then_erases_only_this_user(core: ConversationCore) -> None:
    """/loeschen asks first; "Ja" deletes the user's questions and drafts, and the same id
    in another door keeps its data."""
    services = services_of(core)
    await core.handle(ERIKA, TextIn("Wie wird das Wetter morgen?"))
    await core.handle(WEB_NEIGHBOUR, TextIn("Wie wird das Wetter morgen?"))
    await core.handle(ERIKA, CommandIn("anfrage"))
    [confirm] = await core.handle(ERIKA, CommandIn("loeschen"))
    assert confirm.buttons, "a confirmation with buttons comes first"
    assert (await services.storage.privacy.counts(42)).anything
    outs = await core.handle(ERIKA, PressIn(button([confirm], "Ja"), message="1"))
    assert outs[0].replace and not outs[0].html  # the confirmation loses its buttons
    assert "gelöscht" in outs[-1].html
    assert not (await services.storage.privacy.counts(42)).anything
    assert (await services.storage.privacy.counts(42, "web")).questions == 1


async def test_forged_or_team_buttons_get_a_neutral_toast(core: ConversationCore) -> None:
    """Data that is not ours, or a team card's button pressed in a private conversation, changes
    nothing and only answers the press."""
    for data in ("x:1", callbacks.card(1, "take")):
        [out] = await core.handle(ERIKA, PressIn(data, message="1"))
        assert out.toast and not out.html and not out.replace


def test_core_imports_nothing_from_telegram_or_aiohttp() -> None:
    """The conversation core and the shared wiring load without telegram or aiohttp (a fresh
    interpreter, so modules loaded by other tests do not count)."""
    import subprocess
    import sys

    code = ("import sys, bot.conversation.core, bot.composition, bot.services; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'aiohttp')))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, cwd=Path(__file__).resolve().parents[1])
    assert found.stdout.strip() == "[]"


async def test_vote_on_a_message_without_a_numeric_id_is_refused(core: ConversationCore) -> None:
    """A door that hands a message id the storage cannot key (not a number) gets the neutral
    toast for a 👍, instead of an error."""
    [answer] = await core.handle(ERIKA, TextIn("Was kostet die Beratung?"))
    up = button([answer], "👍")
    [out] = await core.handle(ERIKA, PressIn(up, message="msg-7", shown=answer))
    assert out.toast and not out.replace
