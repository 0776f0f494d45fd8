"""Log hygiene for the running bot: no secrets, no users' contents, no tracebacks for known causes.

Installed on the root handlers by ``python -m bot run``, so it sees PTB's records too:

- every secret (bot token, webhook secret) is replaced in messages and tracebacks;
- PTB's dumps of received data (its webhook handler logs an update it cannot parse with the
  whole body, and every body at DEBUG) are reduced to the update id;
- a rejected token is logged without a traceback (the caller prints one clear line).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram.error import InvalidToken

REDACTED = "[redacted]"
# PTB's messages that carry a received update (webhook handler, Bot.get_updates, Updater).
_DATA_DUMPS = ("Received data was", "Webhook received data")


class LogHygiene(logging.Filter):
    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("telegram") and any(
            marker in str(record.msg) for marker in _DATA_DUMPS
        ):
            if record.levelno < logging.WARNING:
                return False  # PTB's DEBUG echo of every webhook body
            record.msg = "skipped an update that could not be processed (update %s)"
            record.args = (_update_id(record.args),)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info, record.exc_text = None, None
        if record.exc_info and isinstance(record.exc_info[1], InvalidToken):
            record.exc_info, record.exc_text = None, None
        if self.secrets:
            self._redact(record)
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format: the handler reports it itself
            return
        clean = self._clean(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def _update_id(args: object) -> object:
    """The update id inside PTB's log arguments (the received JSON), else "?"."""
    values = args if isinstance(args, tuple) else (args,)
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("update_id"), int):
            return value["update_id"]
    return "?"


def install(secrets: Iterable[str | None]) -> None:
    """Put the filter on every root handler (filters on loggers do not see propagated records)."""
    hygiene = LogHygiene(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(hygiene)
