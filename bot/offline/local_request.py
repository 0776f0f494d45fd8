"""A PTB transport that talks to a FakeBotApi in-process instead of Telegram over HTTP.

Usage: ``ApplicationBuilder().token("123:ABC").request(LocalRequest(api))
.get_updates_request(LocalRequest(api))``. PTB still does all of its own request encoding and
response/error decoding; only the network hop is replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.offline.errors import SimulatedTimeout
from bot.offline.fake_api import FakeBotApi, UploadedFile


def _uploads(request_data: RequestData | None) -> dict[str, UploadedFile]:
    if request_data is None or not request_data.contains_files:
        return {}
    uploads: dict[str, UploadedFile] = {}
    for name, field_tuple in request_data.multipart_data.items():
        filename, content, mime_type = field_tuple[0], field_tuple[1], field_tuple[2]
        data = content if isinstance(content, bytes) else content.read()
        uploads[name] = UploadedFile(filename or name, data, mime_type or "")
    return uploads


class LocalRequest(BaseRequest):
    """Answers PTB's requests from a FakeBotApi; getUpdates waits for pushed updates."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open: there is no network."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if api_method.lower() == "getupdates":
            await self._wait_for_updates(params)
        try:
            status, body = self.api.respond(api_method, params, _uploads(request_data))
        except SimulatedTimeout as exc:
            raise TimedOut(f"Timed out (simulated): {exc.method}") from exc
        await asyncio.sleep(0)  # yield like a real request would, so polling loops never spin
        return status, body

    async def _wait_for_updates(self, params: dict[str, Any]) -> None:
        """Long polling: return once an update is there or ``timeout`` seconds have passed."""
        try:
            offset, timeout = int(params.get("offset", 0)), float(params.get("timeout", 0))
        except (TypeError, ValueError):
            return  # the api answers the malformed request with an error
        self.api.confirm_updates(offset)
        if timeout <= 0:
            return
        loop = asyncio.get_running_loop()
        arrived = asyncio.Event()

        def wake() -> None:
            # Called from whichever thread changed the api; the loop may already be closed.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(arrived.set)

        deadline = loop.time() + timeout
        self.api.add_listener(wake)
        try:
            with self.api.waiting_poll():
                while not self.api.has_updates(offset):
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        return
                    arrived.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(arrived.wait(), remaining)
        finally:
            self.api.remove_listener(wake)
