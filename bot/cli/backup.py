"""``python -m bot backup FILE``: SQLite online backup of the bot's database.

Uses SQLite's backup API, which copies a consistent snapshot while the bot keeps running
(WAL mode lets the bot write meanwhile). Copying the file with ``cp`` is not safe: the newest
changes may still sit in the ``-wal`` file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, load_settings


def backup_database(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target``; returns the number of pages copied."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        return int(dst.execute("PRAGMA page_count").fetchone()[0])


def run_backup(config_path: Path | None, target: Path, out: TextIO, err: TextIO) -> int:
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        err.write(f"configuration error:\n{exc}\n")
        return 2
    source = settings.database.path
    if not source.exists():
        err.write(f"no database at {source}\n")
        return 1
    if target.resolve() == source.resolve():
        err.write("the backup must not overwrite the database itself\n")
        return 2
    pages = backup_database(source, target)
    out.write(f"backup of {source} written to {target} ({pages} pages)\n")
    return 0
