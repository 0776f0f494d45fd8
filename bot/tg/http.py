"""The network layer under python-telegram-bot: an aiohttp client instead of PTB's httpx default.

Why: every Bot API call goes through this layer, and a profile of the bot under load showed
httpx's per-request bookkeeping (request building, cookie handling, a connection-pool scan with
a ``getpeername`` syscall per pooled connection) to be the largest single cost of answering a
question, larger than matching it. aiohttp's client does the same work (keep-alive pool,
timeouts, multipart uploads) at a fraction of the CPU. ``telegram.http_client: httpx`` switches
back to PTB's own HTTPXRequest.

Semantics follow PTB's HTTPXRequest, so the rest of PTB (and the outbox worker's error
classification) sees the same exceptions: a timeout is ``TimedOut``, every other transport
failure ``NetworkError``; the status code and body go back to PTB, which turns Bot API errors
into ``BadRequest``, ``Forbidden``, ``RetryAfter`` and so on.

aiohttp has no separate write timeout; a request's whole duration is bounded by the sum of its
pool, connect, write and read timeouts instead, so a stalled upload cannot hang forever.
"""

from __future__ import annotations

import io
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's HTTPXRequest defaults.
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0
_JSON = {"Content-Type": "application/json"}


def _seconds(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _total(*parts: float | None) -> float | None:
    """The bound on a whole request: the sum of its phases, or none if a phase is unbounded."""
    if any(part is None for part in parts):
        return None
    return sum(part for part in parts if part is not None)


def _form(request_data: RequestData) -> aiohttp.FormData:
    """multipart/form-data with the parameters as fields and the files as file parts."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, field in request_data.multipart_data.items():
        filename, content, mime_type = field[0], field[1], field[2]
        payload = content if isinstance(content, bytes) else io.BytesIO(content.read())
        form.add_field(
            name, payload, filename=filename or name, content_type=mime_type or None
        )
    return form


class AiohttpRequest(BaseRequest):
    """A ``telegram.request.BaseRequest`` on one aiohttp ClientSession (keep-alive pool)."""

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = READ_TIMEOUT,
        write_timeout: float | None = WRITE_TIMEOUT,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # The session must be created inside the running event loop.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                # The Bot API sets no cookies; a jar would only cost time on every response.
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        has_files = request_data is not None and request_data.contains_files
        read = _seconds(read_timeout, self._read_timeout)
        write = _seconds(
            write_timeout, self._media_write_timeout if has_files else self._write_timeout
        )
        connect = _seconds(connect_timeout, self._connect_timeout)
        pool = _seconds(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            total=_total(pool, connect, write, read),
            connect=_total(pool, connect),  # aiohttp's "connect" includes waiting for the pool
            sock_connect=connect,
            sock_read=read,
        )
        data: Any = None
        headers: dict[str, str] | None = None
        if request_data is not None and has_files:
            data = _form(request_data)
        elif request_data is not None:
            # The Bot API takes JSON bodies; json.dumps is far cheaper than aiohttp's
            # url-encoding of a form (which also builds a multipart writer first).
            data, headers = request_data.json_payload, _JSON
        try:
            async with session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp.ServerTimeoutError included
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # The class name tells what failed even when aiohttp's message is empty.
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
