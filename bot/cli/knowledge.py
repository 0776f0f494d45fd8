"""``python -m bot knowledge export``: write the phrasings the team taught (stored in the
database) into the knowledge files and mark them exported.

Afterwards the files hold them, and the bot no longer applies them from the database: a
reviewer may edit or remove them in the files like any other example question. Safe while the
bot runs; the running bot picks the change up on /reload (or SIGHUP) or its next start.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, Settings, load_settings
from bot.knowledge import KnowledgeError
from bot.knowledge.phrasing_export import TaughtPhrasing, export_phrasings
from bot.storage import Storage


async def export_taught(settings: Settings, out: TextIO, err: TextIO) -> int:
    if not settings.database.path.exists():
        err.write(f"no database at {settings.database.path}\n")
        return 1
    storage = await Storage.open(settings.database.path)
    try:
        stored = await storage.teaching.active_phrasings()
        if not stored:
            out.write("nothing to export: no taught phrasings waiting\n")
            return 0
        phrasings = [TaughtPhrasing(p.id, p.entry_id, p.text) for p in stored]
        try:
            result = export_phrasings(settings.knowledge.path, phrasings)
        except KnowledgeError as exc:
            err.write(f"export failed, the files are unchanged:\n{exc}\n")
            return 1
        await storage.teaching.mark_exported(result.exported, dt.datetime.now(dt.UTC))
    finally:
        await storage.close()
    out.write(
        f"exported {len(result.exported)} phrasings"
        + (f" into {', '.join(result.files)}" if result.files else "")
        + f" (knowledge: {settings.knowledge.path})\n"
    )
    for phrasing in result.skipped:
        err.write(
            f"not exported (entry '{phrasing.entry_id}' missing or its questions list not "
            f"editable): phrasing {phrasing.id}\n"
        )
    return 1 if result.skipped else 0


def run_knowledge(command: str, config_path: Path | None, out: TextIO, err: TextIO) -> int:
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        err.write(f"configuration error:\n{exc}\n")
        return 2
    if command == "export":
        return asyncio.run(export_taught(settings, out, err))
    err.write(f"unknown knowledge command {command!r}\n")
    return 2
