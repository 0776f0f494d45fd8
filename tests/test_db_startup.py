"""Start-up checks of the database, through the real ``python -m bot run`` against the fake Bot
API: an empty, damaged, read-only or too new database stops the start with one line on stderr,
no traceback and a non-zero exit; ``--new-database`` replaces only an empty or damaged file."""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.storage import Storage
from tests.e2e_support import ROOT, WAIT, poll_until, with_operator
from tests.fake_server import FakeTelegramServer
from tests.test_team_harness import START, request_data

UNUSABLE = 4  # bot/cli/run.py: the exit status of DatabaseUnusable
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def without_root_file_rights() -> None:
    """In the child before exec: drop the capabilities that let root write any file, so file
    modes apply to it as to the unprivileged user the bot runs as in production."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def bot_env(server: FakeTelegramServer, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BOT_CONFIG"}
    env.update({"BOT_TOKEN": "123456:E2E", "TELEGRAM_BASE_URL": server.base_url,
                "DATABASE_PATH": str(db), "PYTHONDONTWRITEBYTECODE": "1",
                "BOT_CONFIG": str(with_operator(None, db.parent))})
    return env


def run_bot(server: FakeTelegramServer, db: Path, *args: str,
            preexec: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "run", *args], cwd=ROOT,
                          env=bot_env(server, db), capture_output=True, text=True,
                          timeout=WAIT * 3, check=False, preexec_fn=preexec)


def assert_refused(result: subprocess.CompletedProcess[str], reason: str) -> None:
    assert result.returncode == UNUSABLE, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("cannot start:")]
    assert len(lines) == 1 and reason in lines[0], result.stderr


async def make_database(path: Path, tickets: int = 30) -> None:
    """A real database of the bot with some requests in it (several pages)."""
    storage = await Storage.open(path)
    for n in range(tickets):
        draft = await storage.drafts.create(n + 1, n + 1, "summary", START,
                                            dt.timedelta(days=7))
        await storage.tickets.submit_request(draft, request_data(remarks="x" * 500), START,
                                             {"chat_id": -1})
    await storage.close()


@pytest.fixture
def server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(timeout_delay=1.0) as fake:
        yield fake


def test_empty_database_file_is_refused(server: FakeTelegramServer, tmp_path: Path) -> None:
    """A 0-byte file never starts as an empty database (reference numbers would restart)."""
    db = tmp_path / "bot.sqlite"
    db.touch()
    assert_refused(run_bot(server, db), "is empty (0 bytes)")
    assert db.stat().st_size == 0


async def test_damaged_page_is_refused(server: FakeTelegramServer, tmp_path: Path) -> None:
    """Garbage written into a page of a real database fails PRAGMA quick_check at start."""
    db = tmp_path / "bot.sqlite"
    await make_database(db)
    page = sqlite3.connect(db).execute("PRAGMA page_size").fetchone()[0]
    assert db.stat().st_size >= 6 * page
    with db.open("r+b") as file:
        file.seek(4 * page)
        file.write(b"\xa5" * page)
    assert_refused(run_bot(server, db), "is damaged")


async def test_newer_schema_is_refused(server: FakeTelegramServer, tmp_path: Path) -> None:
    """A database written by a newer version of the bot is not touched by this one."""
    db = tmp_path / "bot.sqlite"
    await make_database(db, tickets=1)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_version VALUES (999, '2030-01-01T00:00:00+00:00')")
    assert_refused(run_bot(server, db), "newer than this program")


async def test_read_only_database_is_refused(server: FakeTelegramServer, tmp_path: Path) -> None:
    """A database file the bot cannot write stops the start, before the first request fails
    (as root the child drops the capabilities that ignore file modes)."""
    db = tmp_path / "bot.sqlite"
    await make_database(db, tickets=1)
    db.chmod(0o444)
    preexec = without_root_file_rights if os.geteuid() == 0 else None
    assert_refused(run_bot(server, db, preexec=preexec), "is read-only")


async def test_new_database_flag_refuses_a_usable_database(server: FakeTelegramServer,
                                                          tmp_path: Path) -> None:
    """--new-database left in a service file cannot throw away a good database."""
    db = tmp_path / "bot.sqlite"
    await make_database(db, tickets=1)
    assert_refused(run_bot(server, db, "--new-database"), "is usable")


def test_new_database_flag_replaces_an_empty_file(server: FakeTelegramServer,
                                                  tmp_path: Path) -> None:
    """--new-database starts on a new database in place of a 0-byte file, keeping the old one."""
    db = tmp_path / "bot.sqlite"
    db.touch()
    polls = len(server.api.calls_of("deleteWebhook"))
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--new-database"], cwd=ROOT,
                            env=bot_env(server, db), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        started = poll_until(lambda: len(server.api.calls_of("deleteWebhook")) > polls
                             or proc.poll() is not None)
        assert started and proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT)
    assert db.stat().st_size > 0
    kept = list(tmp_path.glob("bot.sqlite.unusable-*"))
    assert [p.stat().st_size for p in kept] == [0]
