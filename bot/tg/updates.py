"""Parsing one update from Telegram's JSON, and refusing one that lacks a required field.

PTB's ``Update.de_json`` raises for some missing fields (a message without ``date``) but accepts
others as None (a callback query without ``from``, a message without ``chat``); the handlers
would then fail on every such update. Both count as malformed here.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from telegram import TelegramObject, Update

log = logging.getLogger(__name__)

_MAX_DEPTH = 4  # update -> message -> reply_to_message -> its chat/from: deep enough
_SCALARS = (str, int, bool, float)


_SHAPES: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _shape(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The class's required constructor arguments, and its public attributes (cached)."""
    shape = _SHAPES.get(cls)
    if shape is None:
        params = inspect.signature(cls).parameters.values()
        required = tuple(
            p.name for p in params
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        )
        slots = (s for c in cls.__mro__ for s in getattr(c, "__slots__", ()))
        public = tuple(
            dict.fromkeys(s for s in slots if not s.startswith("_") and s != "api_kwargs")
        )
        shape = _SHAPES[cls] = (required, public)
    return shape


def missing_field(obj: TelegramObject, depth: int = 0) -> str | None:
    """The first required field that is None anywhere in ``obj`` ("CallbackQuery.from_user")."""
    required, public = _shape(type(obj))
    for name in required:
        if getattr(obj, name, 0) is None:  # 0: an argument stored under another name
            return f"{type(obj).__name__}.{name}"
    if depth >= _MAX_DEPTH:
        return None
    for name in public:
        value = getattr(obj, name, None)
        if value is None or value.__class__ in _SCALARS:
            continue
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, TelegramObject):
                found = missing_field(item, depth + 1)
                if found is not None:
                    return found
    return None


def parse_update(data: object, bot: Any) -> Update | None:
    """One update; a malformed one becomes a bare ``Update(update_id)`` that no handler matches.

    None when not even the id can be read (then nothing can confirm it either).
    """
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(update_id, int) or isinstance(update_id, bool):
        log.warning("skipped an update without a valid update_id")
        return None
    try:
        update = Update.de_json(data, bot)
        problem = missing_field(update)
    except Exception as exc:  # PTB raises whatever the constructors raise (TypeError, KeyError…)
        # The exception text can quote the update's content: log its type only.
        problem = type(exc).__name__
    if problem is None:
        return update
    log.warning("skipped malformed update %d (%s)", update_id, problem)
    return Update(update_id=update_id)
