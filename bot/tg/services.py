"""How Telegram handlers find the services: a context class whose ``services`` is typed.

The composition root (bot/tg/app.py) stores the services in ``bot_data`` in ``post_init`` and
registers ``BotContext`` as the application's context type, so every handler and job reads
``context.services``.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.services import Services

SERVICES_KEY = "services"

__all__ = ["CONTEXT_TYPES", "SERVICES_KEY", "BotContext", "Services"]


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's callback context with the bot's services."""

    @property
    def services(self) -> Services:
        services = self.bot_data.get(SERVICES_KEY)
        if not isinstance(services, Services):
            raise RuntimeError("services are not initialised (post_init did not run)")
        return services


CONTEXT_TYPES = ContextTypes(context=BotContext)
