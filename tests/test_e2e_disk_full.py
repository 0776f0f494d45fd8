"""The real bot (``python -m bot run``) against the fake Bot API, its database on a tiny tmpfs
that runs full while a card waits in the outbox: the card arrives once, the team is alerted once
and told when the disk is free again, and the bot goes on without a restart.

Mounting a tmpfs needs root (CAP_SYS_ADMIN); elsewhere the test is skipped with that reason. The
same behaviour is covered in-process, without root, by tests/test_db_faults.py."""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e_support import (
    MEMBER,
    REQUESTER,
    TEAM,
    BotProcess,
    poll_until,
    prepare_team_chat,
    press,
    say,
    texts,
    wait_text,
)
from tests.fake_server import FakeTelegramServer
from tests.test_e2e import cards, fill_workshop_request

USER_CHAT = int(REQUESTER["id"])
ALERT = "Störung: Die Datenbank"
RECOVERED = "Die Datenbank arbeitet wieder"
NOT_RECORDED = "delivered, but recording it failed"


# Drives the bot process with timed waits: left out of the faketime run (pyproject.toml).
pytestmark = pytest.mark.realclock


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(directory: Path) -> Path:
    """Write a file until the file system has no byte left; returns it (delete it to free)."""
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as file:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    file.write(b"\0" * size)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
    return filler


def count(server: FakeTelegramServer, chat_id: int, fragment: str) -> int:
    return sum(fragment in t for t in texts(server, chat_id))


def team_500s(server: FakeTelegramServer) -> int:
    return sum(1 for c in server.api.calls_of("sendMessage")
               if c.params.get("chat_id") == TEAM and c.error_code == 500)


def test_full_disk_while_a_card_waits(tmp_path: Path, tmpfs: Path) -> None:
    """Disk full with a card in the outbox: one card, one alert, a user message, recovery."""
    with FakeTelegramServer(timeout_delay=1.0) as server:
        prepare_team_chat(server)
        bot = BotProcess(server, tmp_path)
        bot.db = tmpfs / "bot.sqlite"
        bot.start()
        try:
            server.api.inject(500, method="sendMessage", chat_id=TEAM, times=1)
            fill_workshop_request(server)
            assert server.wait_for(lambda: team_500s(server) == 1, 20)
            filler = fill(tmpfs)  # the card waits for its retry; now nothing can be written
            assert server.wait_for(lambda: count(server, TEAM, ALERT) == 1, 20)
            assert poll_until(lambda: bot.log_text().count(NOT_RECORDED) >= 2, 30), bot.log_text()
            assert len(cards(server)) == 1  # sent once, although the database does not know
            say(server, "/anfrage")
            wait_text(server, USER_CHAT, "technischen Störung")
            filler.unlink()
            assert server.wait_for(lambda: count(server, TEAM, RECOVERED) == 1, 20)
            press(server, MEMBER, TEAM, "Übernehmen")  # the card's id is in the database again
            wait_text(server, USER_CHAT, "übernommen")
            assert len(cards(server)) == 1
            assert count(server, TEAM, ALERT) == 1
            assert "Traceback" not in bot.log_text()
        finally:
            bot.stop()
