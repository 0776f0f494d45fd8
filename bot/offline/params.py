"""Request parameters as the Bot API reads them, whichever way they were encoded."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.offline.errors import FakeApiError

JsonDict = dict[str, Any]

# Form-encoded requests carry every value as a string; these are decoded to JSON values so
# both transports (and the recorded calls) see the same parameters.
_JSON_PARAMS = frozenset(
    {"reply_markup", "reply_parameters", "entities", "caption_entities", "commands", "scope",
     "allowed_updates", "link_preview_options", "media"}
)
_INT_PARAMS = frozenset(
    {"chat_id", "from_chat_id", "message_id", "user_id", "offset", "limit", "timeout",
     "reply_to_message_id", "message_thread_id", "cache_time", "max_connections", "until_date"}
)
_BOOL_PARAMS = frozenset(
    {"disable_notification", "protect_content", "show_alert", "drop_pending_updates",
     "allow_sending_without_reply", "disable_web_page_preview", "revoke_messages",
     "only_if_banned", "disable_content_type_detection", "is_personal", "allow_paid_broadcast"}
)


def _to_int(key: str, value: str) -> int | str:
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return int(float(value))
    except ValueError:
        if key in ("chat_id", "from_chat_id"):
            return value  # "@channelname": resolves to no known chat
        raise FakeApiError(400, f"Bad Request: invalid {key} parameter") from None


def normalize_params(params: Mapping[str, Any]) -> JsonDict:
    """Parameters as JSON values, whether they arrived as JSON or as form strings."""
    out: JsonDict = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, str):
            if key in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError:
                    raise FakeApiError(400, f"Bad Request: can't parse {key} JSON object") from None
            elif key in _INT_PARAMS:
                value = _to_int(key, value)
            elif key in _BOOL_PARAMS:
                value = value.lower() in ("true", "1")
        out[key] = value
    return out


def require(params: JsonDict, key: str, description: str) -> Any:
    """A mandatory parameter, or the 400 error Telegram gives without it."""
    value = params.get(key)
    if value is None or value == "":
        raise FakeApiError(400, description)
    return value
