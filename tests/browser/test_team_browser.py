"""The whole offline loop of ``python -m bot web`` in a real browser, against the REAL core:
a request in the web chat, its card on /team, taking and answering it there; axe-core on /team."""

from __future__ import annotations

import asyncio
import io
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli.web import serve, web_settings
from bot.offline import FakeBotApi
from tests.browser.conftest import _Loop
from tests.browser.test_web_browser import _axe

URL = re.compile(r"http://127\.0\.0\.1:[0-9]+/")
START_SECONDS = 60.0


@pytest.fixture(scope="module")
def offline_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`bot web`'s own serve() (real core, outbox, offline fake Telegram) in a thread's loop."""
    os.environ.pop("BOT_CONFIG", None)
    settings = web_settings(None)
    settings.database.path = Path(tmp_path_factory.mktemp("team")) / "web.sqlite"
    settings.web.limits.session_burst = 1000
    loop = _Loop()
    out = io.StringIO()
    stop = asyncio.Event()
    done = asyncio.run_coroutine_threadsafe(
        serve(settings, 0, out, stop=stop, api=FakeBotApi(strict_chats=False)), loop.loop
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not URL.search(out.getvalue()):
            assert time.monotonic() < deadline and not done.done(), out.getvalue()
            time.sleep(0.05)  # polling the printed URL with a deadline, not a fixed wait
        match = URL.search(out.getvalue())
        assert match is not None
        yield match.group(0)
    finally:
        loop.loop.call_soon_threadsafe(stop.set)
        done.result(timeout=30)
        loop.close()


def _type(page: Any, text: str) -> None:
    """Keyboard: the field, the text, Enter."""
    page.get_by_role("textbox", name="Ihre Nachricht").focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def _step(page: Any, text: str) -> None:
    page.locator("#log .msg-bot", has_text=text).last.wait_for()


def test_web_request_reaches_the_team_page_and_is_taken(page: Any, offline_web: str) -> None:
    """A complete request in the web chat (typed with the keyboard, buttons clicked) appears
    as a card on /team; "Übernehmen" there marks it taken by the team member and shows the
    bot's notice, focus stays on the card; a reply to the card shows up in the team group as a
    reply to it; axe-core reports no violations on /team; no console errors (CSP)."""
    page.goto(offline_web)
    page.locator("#log .msg-bot").first.wait_for()
    _type(page, "/anfrage")
    page.get_by_role("button", name="Workshop vor Ort").last.click()
    _step(page, "Schritt 2 von 7")
    _type(page, "Wir wollen Vereine und Verwaltung vernetzen.")
    _step(page, "Schritt 3 von 7")
    _type(page, "Gemeinde Musterdorf")
    _step(page, "Schritt 4 von 7")
    _type(page, "Erika Muster, Amt")
    _step(page, "Schritt 5 von 7")
    _type(page, "erika@musterdorf.de")
    _step(page, "Schritt 6 von 7")
    page.get_by_role("button", name="Überspringen").last.click()
    _step(page, "Schritt 7 von 7")
    page.get_by_role("button", name="Überspringen").last.click()
    _step(page, "Bitte prüfen Sie")
    page.get_by_role("button", name="Absenden").last.click()
    _step(page, "Ihre Anfrage ist eingegangen")
    ref = re.search(r"A-\d{4}-\d{4}", page.locator("#log .msg-bot").last.inner_text())
    assert ref is not None
    assert page.console_errors == []

    team = page.context.new_page()
    team.set_default_timeout(10_000)
    errors: list[str] = []
    team.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    team.goto(offline_web + "team")
    card = team.locator("#team-log .team-msg", has_text=ref.group(0))
    card.wait_for()
    assert "Gemeinde Musterdorf" in card.inner_text()
    number = card.get_attribute("id")
    card.get_by_role("button", name="Übernehmen").click()
    team.locator("#team-log .team-msg", has_text="übernommen von Tina Team").wait_for()
    team.locator("#team-status", has_text="Übernommen").wait_for()
    # The pressed button is gone: focus is on the card's heading, not lost to <body>.
    assert team.evaluate("document.activeElement.id") == f"{number}-who"

    card = team.locator("#team-log .team-msg", has_text=ref.group(0))
    card.get_by_role("textbox", name="Antwort an diese Nachricht").fill("Gern, wir melden uns.")
    card.get_by_role("button", name="Antworten").click()
    reply = team.locator("#team-log .team-msg", has_text="Gern, wir melden uns.")
    reply.wait_for()
    assert "Antwort auf Nachricht" in reply.inner_text()
    assert _axe(team) == []
    assert errors == []
