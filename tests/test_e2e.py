"""End to end: the real bot process polls the fake Bot API server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e_support import (
    MEMBER,
    REQUESTER,
    TEAM,
    BotProcess,
    prepare_team_chat,
    press,
    say,
    texts,
    wait_text,
)
from tests.fake_server import FakeTelegramServer

USER_CHAT = int(REQUESTER["id"])


# Drives the bot process with timed waits: left out of the faketime run (pyproject.toml).
pytestmark = pytest.mark.realclock


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(timeout_delay=3.0) as fake:
        prepare_team_chat(fake)
        yield fake


@pytest.fixture
def bot(server: FakeTelegramServer, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(server, tmp_path)
    process.start()
    yield process
    process.stop()


def fill_workshop_request(server: FakeTelegramServer, until: str = "end") -> None:
    """A workshop request with buttons and short answers, up to the given step."""
    say(server, "/anfrage")
    wait_text(server, USER_CHAT, "Worum geht es Ihnen?")
    press(server, REQUESTER, USER_CHAT, "Workshop vor Ort")
    wait_text(server, USER_CHAT, "Welcher Handlungsbedarf")
    say(server, "Wir wollen Vereine und Verwaltung an einen Tisch bringen.")
    wait_text(server, USER_CHAT, "Für welche Kommune")
    if until == "organisation":
        return
    say(server, "Gemeinde Musterdorf")
    wait_text(server, USER_CHAT, "Wie heißen Sie")
    say(server, "Erika Muster, Engagementkoordination")
    wait_text(server, USER_CHAT, "Wie erreicht das Team Sie?")
    say(server, "erika@musterdorf.de")
    wait_text(server, USER_CHAT, "Wann passt es Ihnen")
    press(server, REQUESTER, USER_CHAT, "Weiter zur Zusammenfassung")
    wait_text(server, USER_CHAT, "Bitte prüfen Sie Ihre Anfrage")
    press(server, REQUESTER, USER_CHAT, "Absenden")
    wait_text(server, USER_CHAT, "Ihre Anfrage ist eingegangen")


def cards(server: FakeTelegramServer) -> list[str]:
    return [t for t in texts(server, TEAM) if "A-" in t and "Musterdorf" in t]


def test_request_card_take_reply_and_answer_back(
    server: FakeTelegramServer, bot: BotProcess
) -> None:
    """A request's card appears; the team takes it and replies; the user answers back."""
    fill_workshop_request(server)
    assert server.wait_for(lambda: len(cards(server)) == 1, 20)
    press(server, MEMBER, TEAM, "Übernehmen")
    wait_text(server, USER_CHAT, "übernommen")
    card = next(m for m in server.api.sent_to(TEAM) if "Musterdorf" in m.get("text", ""))
    server.factory.group_message(
        MEMBER,
        TEAM,
        "Gern! Passt Ihnen der 3. März?",
        type="supergroup",
        reply_to_message_id=int(card["message_id"]),
    )
    wait_text(server, USER_CHAT, "Passt Ihnen der 3. März?")
    team_note = next(
        m
        for m in reversed(server.api.sent_to(USER_CHAT))
        if "Passt Ihnen der 3. März?" in m.get("text", "")
    )
    server.factory.message(
        REQUESTER, "Ja, der 3. März passt gut.", reply_to_message_id=int(team_note["message_id"])
    )
    wait_text(server, TEAM, "Ja, der 3. März passt gut.")
    answer = next(m for m in server.api.sent_to(TEAM) if "3. März passt gut" in m.get("text", ""))
    assert answer.get("reply_to_message", {}).get("message_id") == card["message_id"]
    assert len(cards(server)) == 1


def test_sigkill_mid_dialogue_and_restart_continues(
    server: FakeTelegramServer, bot: BotProcess
) -> None:
    """Killed with SIGKILL mid-dialogue, the restarted bot continues at the same step."""
    fill_workshop_request(server, until="organisation")
    bot.kill()
    bot.start()
    say(server, "/anfrage")
    wait_text(server, USER_CHAT, "Sie waren bei Schritt 3 von 7")
    say(server, "Gemeinde Musterdorf")
    wait_text(server, USER_CHAT, "Wie heißen Sie")
    say(server, "Erika Muster, Engagementkoordination")
    wait_text(server, USER_CHAT, "Wie erreicht das Team Sie?")
    say(server, "erika@musterdorf.de")
    wait_text(server, USER_CHAT, "Wann passt es Ihnen")
    press(server, REQUESTER, USER_CHAT, "Weiter zur Zusammenfassung")
    wait_text(server, USER_CHAT, "Wir wollen Vereine und Verwaltung")  # the answer before the kill
    press(server, REQUESTER, USER_CHAT, "Absenden")
    wait_text(server, USER_CHAT, "Ihre Anfrage ist eingegangen")
    assert server.wait_for(lambda: len(cards(server)) == 1, 20)


def test_sigkill_right_after_submit_loses_and_duplicates_nothing(
    server: FakeTelegramServer, bot: BotProcess
) -> None:
    """A crash while the card is still undelivered: after restart it arrives, exactly once."""
    server.api.inject(500, chat_id=TEAM, times=1000)  # the team chat is down while we submit
    fill_workshop_request(server)
    bot.kill()
    server.api.clear_faults()  # the outage ends
    bot.start()
    assert server.wait_for(lambda: len(cards(server)) == 1, 30)
    server.wait_for(lambda: False, 2)  # a little longer: no second card may follow
    assert len(cards(server)) == 1


def test_team_chat_500_and_429_then_card_exactly_once(
    server: FakeTelegramServer, bot: BotProcess
) -> None:
    """The team chat answers 500 and 429 for a while; the card arrives once it recovers."""
    server.api.inject(500, method="sendMessage", chat_id=TEAM, times=2)
    server.api.inject(429, method="sendMessage", chat_id=TEAM, times=1, retry_after=1)
    fill_workshop_request(server)
    assert server.wait_for(lambda: len(cards(server)) == 1, 40)
    failures = [
        c
        for c in server.api.calls_of("sendMessage")
        if c.params.get("chat_id") == TEAM and not c.ok
    ]
    assert len(failures) == 3
    server.wait_for(lambda: False, 2)
    assert len(cards(server)) == 1
