"""Offline stand-in for the Telegram Bot API (no network): the terminal chat and tests use it.

``LocalRequest`` (the PTB transport) lives in ``bot.offline.local_request`` so that importing the
fake api itself does not import ``telegram``.
"""

from bot.offline.chats import BOT_ID, BOT_USER, chat_member, private_chat
from bot.offline.errors import FakeApiError, SimulatedTimeout
from bot.offline.fake_api import Call, FakeBotApi, UploadedFile
from bot.offline.updates import UpdateFactory, user

__all__ = [
    "BOT_ID",
    "BOT_USER",
    "Call",
    "FakeApiError",
    "FakeBotApi",
    "SimulatedTimeout",
    "UpdateFactory",
    "UploadedFile",
    "chat_member",
    "private_chat",
    "user",
]
