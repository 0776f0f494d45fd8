"""Steps of the browser tests against the REAL core: `bot web`'s serve() (offline fake Telegram,
/team page) in a thread's loop with reply e-mail to a local SMTP server (aiosmtpd, 127.0.0.1);
keyboard steps in the chat; the team's side on /team; the request page and the e-mail."""

from __future__ import annotations

import asyncio
import email
import io
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from aiosmtpd.controller import Controller

from bot.cli.web import serve, web_settings
from bot.config import MailSettings
from bot.offline import FakeBotApi
from tests.browser.conftest import _Loop

URL = re.compile(r"http://127\.0\.0\.1:[0-9]+/")
WAIT_SECONDS = 30.0  # generous for a loaded CI machine; every wait ends as soon as it can
REF = re.compile(r"A-\d{4}-\d{4}")


class Inbox:
    """aiosmtpd handler (it calls handle_DATA by that name): keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"

    def wait_for(self, subject_part: str) -> list[Message]:
        """The mails whose subject contains ``subject_part``, once there is at least one."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            with self._lock:
                found = [m for m in self.messages if subject_part in str(m["Subject"])]
            if found:
                return found
            assert time.monotonic() < deadline, f"no mail about {subject_part}"
            time.sleep(0.05)  # polling the SMTP server's inbox with a deadline


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RealWeb:
    url: str  # the served base URL, also web.public_url (the link in the e-mail)
    inbox: Inbox


@contextmanager
def serving_real_core(folder: Path) -> Iterator[RealWeb]:
    """`bot web`'s serve() with mail on, until the block ends; settings only through the public
    configuration (web.public_url, mail.*), as an operator would set them."""
    os.environ.pop("BOT_CONFIG", None)
    inbox, smtp_port = Inbox(), _free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    port = _free_port()  # picked first: the mail's link (web.public_url) needs it
    settings = web_settings(None)
    settings.database.path = folder / "web.sqlite"
    settings.web.limits.session_burst = 1000
    settings.web.public_url = f"http://127.0.0.1:{port}/"
    settings.mail = MailSettings(enabled=True, host="127.0.0.1", port=smtp_port, tls="none",
                                 sender="engagement@example.org")
    loop = _Loop()
    out = io.StringIO()
    stop = asyncio.Event()
    done = asyncio.run_coroutine_threadsafe(
        serve(settings, port, out, stop=stop, api=FakeBotApi(strict_chats=False)), loop.loop
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not URL.search(out.getvalue()):
            assert time.monotonic() < deadline and not done.done(), out.getvalue()
            time.sleep(0.05)  # polling the printed URL with a deadline, not a fixed wait
        assert settings.web.public_url in out.getvalue()
        yield RealWeb(settings.web.public_url, inbox)
    finally:
        loop.loop.call_soon_threadsafe(stop.set)
        done.result(timeout=WAIT_SECONDS)
        loop.close()
        smtp.stop()


# -- the chat ---------------------------------------------------------------------------------

def open_chat(page: Any, url: str) -> None:
    page.goto(url)
    page.locator("#log .msg-bot").first.wait_for()  # the greeting with the menu


def bot_says(page: Any, text: str) -> Any:
    """The newest bot message containing ``text``, once it is shown."""
    message = page.locator("#log .msg-bot", has_text=text).last
    try:
        message.wait_for()
    except Exception as exc:  # say what the chat showed instead
        shown = page.locator("#log .msg").all_inner_texts()[-3:]
        raise AssertionError(f"no bot message with {text!r}; the chat ends with {shown}") from exc
    return message


def type_and_send(page: Any, text: str) -> None:
    """Typing into the focused field and Enter (the field has focus after every sent text and
    after a press whose next step asks for text)."""
    assert active(page, "id") == "message", (
        f"focus on {active(page, 'textContent')!r}, not the field, to type {text!r}")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def active(page: Any, prop: str) -> str:
    return str(page.evaluate(f"document.activeElement && document.activeElement.{prop}"))


def press_by_keyboard(page: Any, label: str) -> None:
    """Tab to the chat's button whose label contains ``label`` (a multiple choice marks its
    options) and press it with Enter. From the message field it goes back (Shift+Tab): the
    newest message's buttons are just before the field."""
    key = "Shift+Tab" if active(page, "id") == "message" else "Tab"
    seen: list[str] = []
    for _ in range(40):
        if active(page, "tagName") == "BUTTON" and label in active(page, "textContent"):
            page.keyboard.press("Enter")
            return
        seen.append(active(page, "textContent")[:40])
        page.keyboard.press(key)
    raise AssertionError(f"{label!r} not reached by {key}; focus passed {seen}")


def receipt_link(page: Any, url: str) -> tuple[str, str]:
    """The reference number and the private link (absolute) of the newest receipt."""
    receipt = bot_says(page, "Ihre Anfrage ist eingegangen")
    ref = REF.search(receipt.inner_text())
    assert ref is not None
    href = page.locator("#log a", has_text=f"Meine Anfrage {ref.group(0)}").get_attribute("href")
    assert href
    return ref.group(0), urljoin(url, href)


# Step by step, as the real dialogue asks for a consultation (Beratung), keyboard only.
CONSULTATION = (
    ("press", "Beratung für Kommunen", "Schritt 2"),
    ("press", "Engagementkonzept", "Schritt 3"),
    ("press", "per Video", "Schritt 4"),
    ("type", "Gemeinde Musterdorf", "Schritt 5"),
    ("type", "Erika Muster, Bürgermeisterin", "Schritt 6"),
    ("type", "erika@musterdorf.example", "Weiter zur Zusammenfassung"),
    ("press", "Weiter zur Zusammenfassung", "Bitte prüfen Sie"),
    ("press", "Absenden", "Ihre Anfrage ist eingegangen"),
)


def request_by_keyboard(page: Any, url: str) -> tuple[str, str]:
    """The whole consultation request from the first step on, keyboard only; returns the
    receipt's reference number and private link."""
    for kind, value, next_step in CONSULTATION:
        if kind == "press":
            press_by_keyboard(page, value)
        else:
            type_and_send(page, value)
        bot_says(page, next_step)
    return receipt_link(page, url)


# -- the team on /team ------------------------------------------------------------------------

def open_team(page: Any, url: str) -> Any:
    team = page.context.new_page()
    team.set_default_timeout(page_timeout_ms())
    team.console_errors = []
    team.on("console", lambda m: team.console_errors.append(m.text) if m.type == "error"
            else None)
    team.goto(url + "team")
    return team


def page_timeout_ms() -> int:
    return int(WAIT_SECONDS * 1000)


def team_card(team: Any, ref: str) -> Any:
    """The request's card: the first message of the group that names its reference."""
    card = team.locator("#team-log .team-msg", has_text=ref).first
    card.wait_for()
    return card


def team_takes_and_replies(team: Any, ref: str, text: str) -> None:
    """"Übernehmen" on the request's card, then a reply to the card."""
    team_card(team, ref).get_by_role("button", name="Übernehmen").click()
    team.locator("#team-status", has_text="Übernommen").wait_for()
    card = team_card(team, ref)
    card.get_by_role("textbox", name="Antwort an diese Nachricht").fill(text)
    card.get_by_role("button", name="Antworten").click()
    team.locator("#team-log .team-msg", has_text=text).first.wait_for()
