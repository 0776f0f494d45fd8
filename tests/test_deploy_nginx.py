"""The example nginx config in deploy/ stays true to the bot's settings."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import WebhookSettings, WebSettings

NGINX = Path(__file__).parents[1] / "deploy" / "nginx-engagement-assistent.conf"


def _location(config: str, prefix: str) -> str:
    match = re.search(r"location " + re.escape(prefix) + r" \{(.*?)\n    \}", config, re.DOTALL)
    assert match, prefix
    return match.group(1)


def test_nginx_example_matches_the_web_and_webhook_settings() -> None:
    """The example proxies to the default web.listen:web.port and webhook listen:port, serves
    TLS only (HTTP redirects), replaces X-Forwarded-For with the client's address (what
    trust_forwarded_for reads), waits longer than the long poll, allows the web door's body
    size, and logs no visitor addresses."""
    config = NGINX.read_text(encoding="utf-8")
    web, hook = WebSettings(), WebhookSettings(url="https://chat.example.org/telegram")
    assert f"server {web.listen}:{web.port};" in config
    assert f"proxy_pass http://{hook.listen}:{hook.port}/;" in _location(config, "= /telegram")
    assert "return 301 https://" in config and "listen 443 ssl;" in config
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in config
    for block in (_location(config, "/"), _location(config, "= /api/poll")):
        assert "proxy_set_header X-Forwarded-For $remote_addr;" in block
        assert "proxy_set_header Host $host;" in block
    poll = _location(config, "= /api/poll")
    timeout = re.search(r"proxy_read_timeout (\d+)s;", poll)
    assert timeout and int(timeout.group(1)) > web.poll_timeout_seconds
    assert "proxy_buffering off;" in poll
    size = re.search(r"client_max_body_size (\d+)k;", _location(config, "/"))
    assert size and int(size.group(1)) * 1024 >= web.limits.max_body_bytes
    log_format = re.search(r"log_format engagement_noip '([^']*)'", config)
    assert log_format and "remote_addr" not in log_format.group(1)
    assert "engagement_noip;" in config
