"""Scheduled jobs (stub: being built)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.tg.services import Services


def schedule(app: Application[Any, Any, Any, Any, Any, Any], services: Services) -> None:
    return None
