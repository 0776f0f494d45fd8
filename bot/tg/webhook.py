"""Webhook mode: every update must carry the secret token, so nobody else can post updates."""

from __future__ import annotations

import secrets

from bot.config import WebhookSettings


def webhook_secret(webhook: WebhookSettings) -> str:
    """The configured secret token, else a fresh random one for this run.

    Telegram learns it from setWebhook at every start, so a generated one needs no storage
    and is never logged. Without a secret anyone who reaches the port could forge updates
    (a "team reply" with a link, a closed request).
    """
    return webhook.secret_token or secrets.token_urlsafe(32)


def secret_state(webhook: WebhookSettings | None) -> str:
    """For ``python -m bot check``: how updates will be authenticated, in words."""
    if webhook is None:
        return "long polling (no webhook)"
    if webhook.secret_token:
        return f"webhook {webhook.url}, secret token configured"
    return f"webhook {webhook.url}, secret token generated at each start (none configured)"
