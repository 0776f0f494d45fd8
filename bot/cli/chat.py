"""``python -m bot chat``: the offline terminal chat.

It drives the real Application (the same handlers as on Telegram) through ``process_update`` with
a local request object instead of the network. The bot's messages are printed, buttons are listed
with numbers; typing a number presses that button while one with that number is shown, otherwise
it is text (a phone number). The team group is simulated too: its messages are printed marked as
team, and lines starting with ``@team`` are written by a team member. Files the bot sends are
printed and kept as readable copies next to the chat's database.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from telegram import Update

from bot.cli.chat_render import file_preview, readable_copy
from bot.cli.run import configure_logging
from bot.config import Settings, load_settings
from bot.localtime import local, utc_now
from bot.offline import FakeBotApi, UpdateFactory, user
from bot.offline.local_request import LocalRequest
from bot.team.refs import parse_ref
from bot.tg import jobs
from bot.tg.app import build_application
from bot.tg.services import SERVICES_KEY, Services

OFFLINE_TEAM_CHAT = -100100
OFFLINE_DB = Path("data/chat.sqlite")
USER = user(4242, first_name="Erika", last_name="Muster")
TEAM_MEMBER = user(777, first_name="Tina", last_name="Team")
MAX_WAIT_SECONDS = 5.0
FILES_FOLDER = "chat-dateien"  # next to the chat's database
EXIT_REFUSED = 2

HELP = """\
Offline-Chat mit dem Engagement-Assistenten (kein Telegram, keine Daten verlassen diesen Rechner).
  Text            als Nutzer*in schreiben
  Zahl            angezeigte Schaltfläche mit dieser Nummer drücken (sonst ist die Zahl Text)
  ^ Text          auf die letzte Bot-Nachricht antworten (z. B. auf „Nachricht vom Team“)
  @team Text      als Teammitglied in der Team-Gruppe schreiben (z. B. @team /offen)
  @team ^1 Text   als Team auf die Karte dieser Anfrage antworten (Nummer wie bei /anfrage)
  /quit           beenden
"""
DATABASE_NOTE = """Datenbank dieses Chats: {path}
Neu anfangen (löscht alle Anfragen und Daten dieses Chats):
  make chat-reset  oder  python -m bot chat --fresh
"""


def database_note(path: Path) -> str:
    """Where the chat keeps its data and how to start over (the open-request limit persists)."""
    return DATABASE_NOTE.format(path=path)


@dataclass
class Shown:
    text: str
    markup: Any


class ChatSession:
    def __init__(
        self,
        app: Any,
        api: FakeBotApi,
        out: TextIO,
        team_chat_id: int,
        zone: ZoneInfo,
        files_folder: Path,
    ) -> None:
        self.app = app
        self.files_folder = files_folder
        self.zone = zone
        self.api = api
        self.out = out
        self.team_chat_id = team_chat_id
        self.factory = UpdateFactory(api)
        self.user_chat = int(USER["id"])
        self.shown: dict[tuple[int, int], Shown] = {}
        self.buttons: dict[int, tuple[int, int, str]] = {}
        self.next_number = 1
        self.answers_seen = 0
        self.team_chat = self.factory.group_chat(team_chat_id, "Team Engagement (offline)")

    # -- input -------------------------------------------------------------------------------

    async def handle(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        if line.isdigit() and self._shown_button(int(line)) is not None:
            await self._press(int(line))
        elif line.startswith("@team"):
            await self._team(line[len("@team") :].strip())
        elif line.startswith("^"):
            await self._reply_last(self.user_chat, USER, line[1:].strip())
        else:
            await self._process(self.factory.message(USER, line))
        await self.flush()

    async def _process(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    def _shown_button(self, number: int) -> tuple[int, int, str] | None:
        """The button printed with this number, if its message still shows it; a number
        without such a button is text (e.g. a phone number typed without spaces)."""
        target = self.buttons.get(number)
        if target is None:
            return None
        chat_id, message_id, data = target
        message = self.api.message(chat_id, message_id)
        rows = ((message or {}).get("reply_markup") or {}).get("inline_keyboard", [])
        if not any(button.get("callback_data") == data for row in rows for button in row):
            return None
        return target

    async def _press(self, number: int) -> None:
        target = self._shown_button(number)
        if target is None:
            return
        chat_id, message_id, data = target
        message = self.api.message(chat_id, message_id)
        if message is None:
            return
        who = TEAM_MEMBER if chat_id == self.team_chat_id else USER
        await self._process(self.factory.callback(who, message, data, strict=False))

    async def _team(self, text: str) -> None:
        if text.startswith("^"):
            ref, _, reply = text[1:].partition(" ")
            card = self._card_of(ref.strip())
            if card is None:
                self.out.write(f"(Keine Karte zu {ref} gefunden.)\n")
                return
            await self._process(
                self.factory.message(
                    TEAM_MEMBER, reply.strip(), self.team_chat, reply_to_message_id=card
                )
            )
            return
        await self._process(self.factory.message(TEAM_MEMBER, text, self.team_chat))

    def _card_of(self, typed: str) -> int | None:
        # The spellings /anfrage accepts: "A-2026-0001", "a-2026-1" or this year's bare "1".
        ref = parse_ref(typed, local(utc_now(), self.zone).year) or typed
        for message in reversed(self.api.sent_to(self.team_chat_id)):
            if ref.upper() in (message.get("text") or "").upper():
                return int(message["message_id"])
        return None

    async def _reply_last(self, chat_id: int, who: dict[str, Any], text: str) -> None:
        last = self.api.last_message(chat_id)
        if last is None:
            await self._process(self.factory.message(who, text))
            return
        await self._process(
            self.factory.message(who, text, reply_to_message_id=int(last["message_id"]))
        )

    # -- output ------------------------------------------------------------------------------

    async def flush(self) -> None:
        """Wait until what the handlers queued is delivered, then print what changed."""
        await self._delivered()
        self._print_chat(self.user_chat, "Bot")
        self._print_chat(self.team_chat_id, "[Team-Gruppe] Bot")
        self._print_callback_answers()

    async def _delivered(self) -> None:
        """The handlers have returned; what they queued (cards, notes to the user or the team)
        is delivered by one outbox pass over every row due now. The pass waits for one under
        way, so no quiet period is guessed. A row the fake refuses is retried later, as on
        Telegram; a pass that hangs is left running after MAX_WAIT_SECONDS."""
        services = self.app.bot_data.get(SERVICES_KEY)
        worker = jobs.worker_of(services) if isinstance(services, Services) else None
        if worker is None:
            return
        delivery = asyncio.ensure_future(worker.run_once())
        await asyncio.wait({delivery}, timeout=MAX_WAIT_SECONDS)

    def _print_callback_answers(self) -> None:
        answers = list(self.api.callback_answers.values())
        for answer in answers[self.answers_seen :]:
            if answer.get("text"):
                self.out.write(f"  (Hinweis: {answer['text']})\n")
        self.answers_seen = len(answers)

    def _print_chat(self, chat_id: int, who: str) -> None:
        for message in self.api.sent_to(chat_id):
            key = (chat_id, int(message["message_id"]))
            text = message.get("text") or message.get("caption") or ""
            markup = message.get("reply_markup")
            before = self.shown.get(key)
            if before is not None and before.text == text and before.markup == markup:
                continue
            self.shown[key] = Shown(text, markup)
            label = who if before is None else f"{who} (geändert)"
            body = text  # already plain: the fake parsed the HTML once, as Telegram does
            if "document" in message and before is None:
                self._print_file(label, message["document"], body)
            else:
                self.out.write(f"{label}: {body}\n")
            for row in (markup or {}).get("inline_keyboard", []):
                cells = []
                for button in row:
                    number = self.next_number
                    self.next_number += 1
                    self.buttons[number] = (chat_id, key[1], button.get("callback_data", ""))
                    cells.append(f"[{number}] {button.get('text')}")
                self.out.write("    " + "   ".join(cells) + "\n")
        self.out.flush()

    def _print_file(self, label: str, document: dict[str, Any], caption: str) -> None:
        """A sent file: its caption, where a readable copy is, and its first lines."""
        name = str(document.get("file_name") or "datei")
        self.out.write(f"{label}: [Datei: {name}] {caption}".rstrip() + "\n")
        try:
            content = self.api.file_content(str(document.get("file_id")))
        except KeyError:  # a file the fake only knows by reference (e.g. a URL)
            return
        copy = readable_copy(self.files_folder, name, content)
        self.out.write(f"    (Kopie zum Öffnen: {copy})\n")
        for line in file_preview(content):
            self.out.write(f"    | {line}\n")


def chat_settings(config_path: Path | None) -> Settings:
    settings = load_settings(config_path)
    if settings.team.chat_id is None:
        settings.team.chat_id = OFFLINE_TEAM_CHAT
    if (
        config_path is None
        and not os.environ.get("BOT_CONFIG")
        and not os.environ.get("DATABASE_PATH")
    ):
        # The offline chat never writes into the real bot's database by default.
        settings.database.path = OFFLINE_DB
    settings.limits.burst = 10_000  # pasted transcripts are not a flood
    settings.telegram.token = None
    settings.telegram.webhook = None
    return settings


async def chat_loop(
    settings: Settings, stdin: TextIO, out: TextIO, request: LocalRequest | None = None
) -> None:
    """The chat on `request`'s fake Bot API (default: a fresh one, answering at once)."""
    request = request or LocalRequest(FakeBotApi(strict_chats=False))
    api = request.api
    app = build_application(settings, request=request, rate_limit=False)
    team_chat_id = settings.team.chat_id or OFFLINE_TEAM_CHAT
    files_folder = settings.database.path.parent / FILES_FOLDER
    session = ChatSession(app, api, out, team_chat_id, settings.zone, files_folder)
    api.set_member(team_chat_id, int(TEAM_MEMBER["id"]), "member")
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    interactive = stdin.isatty()
    out.write(HELP)
    out.write(database_note(settings.database.path))
    try:
        await session.handle("/start")
        while True:
            if interactive:
                out.write("Sie> ")
                out.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            if line.strip() in ("/quit", "/exit"):
                break
            if not interactive:
                out.write(f"Sie> {line.rstrip()}\n")
            await session.handle(line)
    finally:
        await app.stop()
        if app.post_shutdown:
            await app.post_shutdown(app)
        await app.shutdown()


def own_database(config_path: Path | None) -> bool:
    """Whether the chat's database is its own: the default one or one named by DATABASE_PATH.
    A database from a configuration file may be the real bot's and is never deleted here."""
    if os.environ.get("DATABASE_PATH"):
        return True
    return config_path is None and not os.environ.get("BOT_CONFIG")


def reset_database(path: Path, out: TextIO) -> None:
    """Delete the chat's database with its journal files and the copies of sent files."""
    for file in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        file.unlink(missing_ok=True)
    folder = path.parent / FILES_FOLDER
    if folder.is_dir():
        for copy in folder.iterdir():
            if copy.is_file():
                copy.unlink()
    out.write(f"Die Datenbank des Offline-Chats ist gelöscht: {path}\n")


def run_chat(
    config_path: Path | None,
    stdin: TextIO,
    out: TextIO,
    *,
    fresh: bool = False,
    reset_only: bool = False,
    err: TextIO | None = None,
) -> int:
    settings = chat_settings(config_path)
    if fresh or reset_only:
        if not own_database(config_path):
            (err or out).write(
                "Die Datenbank aus der Konfigurationsdatei wird nicht gelöscht "
                f"({settings.database.path}). Ohne --config neu anfangen oder "
                "DATABASE_PATH auf eine eigene Chat-Datenbank setzen.\n"
            )
            return EXIT_REFUSED
        reset_database(settings.database.path, out)
        if reset_only:
            return 0
    configure_logging(settings)
    logging.getLogger().setLevel(logging.WARNING)  # the terminal is for the conversation
    asyncio.run(chat_loop(settings, stdin, out))
    return 0
