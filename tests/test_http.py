"""The bot's aiohttp transport (bot/tg/http.py) beyond what tests/test_fakes.py runs through it:
errors of the network itself, its life cycle, and which client the settings choose."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.tg.app import build_application
from bot.tg.http import AiohttpRequest


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_refused_connection_is_network_error() -> None:
    """Nothing listening: PTB sees NetworkError, as with its own client (the worker retries)."""
    bot = Bot("123:ABC", base_url=f"http://127.0.0.1:{_closed_port()}/bot",
              request=AiohttpRequest(), get_updates_request=AiohttpRequest())
    with pytest.raises(NetworkError, match="aiohttp") as caught:
        await bot.initialize()
    assert not isinstance(caught.value, TimedOut)
    await bot.shutdown()


async def test_silent_server_is_timed_out() -> None:
    """A server that accepts but never answers: TimedOut after the read timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        request = AiohttpRequest(read_timeout=0.3)
        await request.initialize()
        try:
            with pytest.raises(TimedOut):
                await request.do_request(f"http://127.0.0.1:{port}/bot1:A/getMe", "POST")
        finally:
            await request.shutdown()


async def test_not_initialized_and_shutdown_twice() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/x", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()  # a second shutdown does nothing
    await request.initialize()  # and it can start again (PTB re-initializes on restart)
    await request.shutdown()


def test_settings_choose_the_client() -> None:
    """aiohttp with the configured pool by default; ``http_client: httpx`` gives PTB's own."""
    default = build_application(Settings.model_validate(
        {"telegram": {"connection_pool_size": 7}}))
    request = default.bot.request
    assert isinstance(request, AiohttpRequest) and request._pool_size == 7
    httpx_app = build_application(Settings.model_validate({"telegram": {"http_client": "httpx"}}))
    assert isinstance(httpx_app.bot.request, HTTPXRequest)


def test_outgoing_markup_is_what_ptb_would_send() -> None:
    """bot/tg/outgoing.py builds keyboards as JSON itself; they must equal PTB's own encoding."""
    from bot.replies import Button
    from bot.tg import outgoing
    from bot.tg.render import keyboard

    rows = ((Button("Beratung", "d:1:0:kind:b"),),
            (Button("Zurück", "d:1:0:back"), Button("Abbrechen", "d:1:0:cancel")))
    ptb = keyboard(rows)
    assert ptb is not None and outgoing.markup(rows) == ptb.to_dict()
    assert outgoing.markup(()) is None and keyboard(()) is None
