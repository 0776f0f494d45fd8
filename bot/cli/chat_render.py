"""How the offline chat prints what the fake Bot API stored: message text and sent files.

The fake applies Telegram's HTML parse mode when a message is sent, so a stored message is
already plain text plus entities, and its text is printed as it is, as a Telegram app shows it.
It must not be read as HTML a second time: a user's own ``<b>`` or ``&amp;``, echoed back
escaped, would be mangled.
"""

from __future__ import annotations

import re
from pathlib import Path

MAX_FILE_LINES = 30
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def readable_copy(folder: Path, file_name: str, content: bytes) -> Path:
    """Keep a sent file where the user can open it; the name is reduced to safe characters."""
    folder.mkdir(parents=True, exist_ok=True)
    name = _UNSAFE_NAME.sub("_", Path(file_name).name).strip("._") or "datei"
    target = folder / name
    target.write_bytes(content)
    return target


def file_preview(content: bytes, max_lines: int = MAX_FILE_LINES) -> list[str]:
    """The first lines of a text file (a BOM for Excel dropped); nothing for binary content."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    lines = text.splitlines()
    shown = lines[:max_lines]
    if len(lines) > max_lines:
        shown.append(f"… ({len(lines) - max_lines} weitere Zeilen in der Datei)")
    return shown
