"""Bot API error answers, with Telegram's usual wording (injected by ``faults``)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected error",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
         "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
DEFAULT_RETRY_AFTER = 3


class FakeApiError(Exception):
    """An error answer of the Bot API (``{"ok": false, ...}``)."""

    def __init__(
        self,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def to_response(self) -> dict[str, Any]:
        """The JSON body Telegram sends with this error."""
        body: dict[str, Any] = {
            "ok": False, "error_code": self.error_code, "description": self.description,
        }
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


class SimulatedTimeout(Exception):
    """The client must see a timeout; ``applied``: whether the call nevertheless took effect."""

    def __init__(self, method: str, applied: bool) -> None:
        super().__init__(f"simulated timeout of {method} (applied={applied})")
        self.method = method
        self.applied = applied


def error_for(
    status: int,
    *,
    retry_after: int | None = None,
    description: str | None = None,
    migrate_to_chat_id: int | None = None,
) -> FakeApiError:
    """The error Telegram would answer with for an HTTP ``status``, with its usual wording."""
    if status == 429:
        retry_after = DEFAULT_RETRY_AFTER if retry_after is None else retry_after
        description = description or f"Too Many Requests: retry after {retry_after}"
    elif migrate_to_chat_id is not None:
        description = description or MIGRATED
    elif description is None:
        description = _DEFAULT_DESCRIPTIONS.get(status)
        if description is None:
            try:
                description = HTTPStatus(status).phrase
            except ValueError:
                description = f"Error {status}"
    return FakeApiError(status, description, retry_after, migrate_to_chat_id)

