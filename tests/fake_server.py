"""A fake Telegram Bot API HTTP server on 127.0.0.1, backed by bot.offline.FakeBotApi.

The bot under test talks to it through its normal HTTP stack
(``ApplicationBuilder().base_url(server.base_url)``), also from another process. Stdlib only.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from bot.offline.errors import SimulatedTimeout
from bot.offline.fake_api import FakeBotApi, UploadedFile
from bot.offline.updates import UpdateFactory

_PATH = re.compile(r"^/bot([^/]+)/([A-Za-z]+)/?$")
_NOT_FOUND = b'{"ok":false,"error_code":404,"description":"Not Found"}'


def _header_params(value: str) -> tuple[str, dict[str, str]]:
    """``form-data; name="a"; filename="b"`` -> ("form-data", {"name": "a", "filename": "b"})."""
    kind, _, rest = value.partition(";")
    params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
              for m in re.finditer(r'([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))', rest)}
    return kind.strip().lower(), params


def parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Form fields and files of a multipart/form-data body."""
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):
            break  # the closing delimiter
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        _, disposition = _header_params(headers.get("content-disposition", ""))
        name = disposition.get("name", "")
        if "filename" in disposition:
            mime_type = headers.get("content-type", "application/octet-stream")
            files[name] = UploadedFile(disposition["filename"], content, mime_type)
        else:
            fields[name] = content.decode("utf-8")
    return fields, files


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: thousands of requests stay cheap
    # One write per response and no Nagle delay: otherwise every request waits ~40 ms for
    # the client's delayed ACK.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests print nothing per request."""

    def _serve(self) -> None:
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        match = _PATH.match(url.path)
        if match is None:
            self._send(404, _NOT_FOUND)
            return
        method = match.group(2)
        params: dict[str, Any] = dict(parse_qsl(url.query))
        files: dict[str, UploadedFile] = {}
        kind, header = _header_params(self.headers.get("Content-Type", ""))
        try:
            if kind == "application/json" and body:
                params.update(json.loads(body))
            elif kind == "application/x-www-form-urlencoded":
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            elif kind == "multipart/form-data":
                fields, files = parse_multipart(body, header.get("boundary", ""))
                params.update(fields)
        except ValueError:
            self._send(400, b'{"ok":false,"error_code":400,"description":"Bad Request"}')
            return
        api = self.server.api
        if method.lower() == "getupdates":
            try:
                offset, timeout = int(params.get("offset") or 0), float(params.get("timeout") or 0)
            except (TypeError, ValueError):
                offset, timeout = 0, 0.0  # the api answers the malformed request itself
            api.wait_for_updates(offset, timeout)
        try:
            status, payload = api.respond(method, params, files)
        except SimulatedTimeout:
            # Answer nothing until the client has given up, then drop the connection.
            self.server.stopping.wait(self.server.timeout_delay)
            self.close_connection = True
            return
        self._send(status, payload)

    def _send(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: FakeBotApi, timeout_delay: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api
        self.timeout_delay = timeout_delay
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (killed bot process, closed poll) is not an error here."""


class FakeTelegramServer:
    """``with FakeTelegramServer() as server:`` -> ``server.api``, ``.factory``, ``.base_url``.

    ``timeout_delay``: how long a call with an injected timeout stays unanswered; it must exceed
    the client's read timeout (PTB's default is 5 s; tests pass a shorter one to their bot).
    """

    def __init__(self, api: FakeBotApi | None = None, *, timeout_delay: float = 30.0) -> None:
        self.api = api or FakeBotApi()
        self.factory = UpdateFactory(self.api, push=True)
        self._server = _Server(self.api, timeout_delay)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeTelegramServer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name="fake-telegram", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; releases long polls and pending simulated timeouts at once."""
        self._server.stopping.set()
        self.api.interrupt_waiters()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def wait_for(self, predicate: Callable[[], object], timeout: float = 10.0) -> bool:
        """Wait until ``predicate()`` holds (re-checked on every api change); False on timeout."""
        return self.api.wait_until(predicate, timeout)

    def __enter__(self) -> FakeTelegramServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


@pytest.fixture
def fake_server() -> Iterator[FakeTelegramServer]:
    """A running fake Bot API server, stopped after the test."""
    with FakeTelegramServer() as server:
        yield server
