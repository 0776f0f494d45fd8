"""Receiving updates safely: one unparsable update never stops the others, errors stay quiet.

PTB's ``Bot.get_updates`` parses a whole batch at once: one update it cannot parse (a message
without ``date``, a callback without ``from``) fails the batch, the offset never advances, and
PTB logs the raw batch (other users' texts) at CRITICAL on every retry. ``SafeBot`` parses each
update on its own instead. An update that fails is replaced by a bare ``Update`` that carries
only its id: no handler matches it, and PTB's Updater confirms it like any other, so the offset
moves past it. The log names the id, never the content.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import ExtBot

from bot.tg.updates import parse_update

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]


class SafeBot(ExtBot[Any]):
    """PTB's ExtBot with per-update parsing in ``get_updates`` and a token-free InvalidToken."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():  # PTB freezes its bots against stray attributes
            # Fed by the error handler, told about every successful poll (episodes end there).
            self.polling_errors = PollingErrors()

    async def initialize(self) -> None:
        try:
            await super().initialize()
        except InvalidToken:
            # PTB's shutdown skips a bot that never finished initialising: release the
            # connections here, or aiohttp complains about unclosed sessions at exit.
            await asyncio.gather(*(request.shutdown() for request in self._request))
            # PTB's message quotes the token; this one ends up in logs and on the terminal.
            raise InvalidToken("Telegram rejected the bot token") from None

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: int | float | dt.timedelta | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: Any = DEFAULT_NONE,
        write_timeout: Any = DEFAULT_NONE,
        connect_timeout: Any = DEFAULT_NONE,
        pool_timeout: Any = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """Bot.get_updates of PTB 22 with the parsing done per update (see the module doc)."""
        data: JSONDict = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        # As in PTB: the long poll's read timeout is the request's own plus the poll timeout.
        if isinstance(read_timeout, DefaultValue):
            base = self._request[0].read_timeout or 0
        else:
            base = read_timeout or 0
        seconds = timeout.total_seconds() if isinstance(timeout, dt.timedelta) else timeout
        effective_read_timeout = base + (seconds or 0)
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=effective_read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        self.polling_errors.succeeded()
        updates = []
        for item in result if isinstance(result, list) else []:
            update = parse_update(item, self)
            if update is not None:
                self.insert_callback_data(update)
                updates.append(update)
        return tuple(updates)


class PollingErrors:
    """Errors of the polling loop: one clear warning per episode instead of a traceback on
    every retry.

    PTB's run_polling hands each failed getUpdates to the error handlers with no update; a 409
    Conflict (another process polls with the same token) would log "unhandled error in update
    None" with a traceback every few seconds. An episode ends with the next successful poll,
    which is logged once too.
    """

    def __init__(self) -> None:
        self.failing: type[TelegramError] | None = None

    def __call__(self, error: TelegramError) -> None:
        kind = type(error)
        if self.failing is kind:
            return
        self.failing = kind
        if isinstance(error, Conflict):
            log.warning(
                "polling conflict (409): another process is polling with this bot token; "
                "retrying until it stops (one warning per episode)"
            )
        else:
            log.warning("polling failed (%s); retrying", kind.__name__)

    def succeeded(self) -> None:
        if self.failing is not None:
            log.info("polling works again after %s", self.failing.__name__)
            self.failing = None
