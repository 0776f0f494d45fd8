"""The web door's access log: method, path, status, size, time; no client address (personal
data) and no request page token (it opens a requester's page), so the log can be shared."""

from __future__ import annotations

import re

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

_PRIVATE_PATH = re.compile(r"^/anfrage/[^/?]*")


def loggable_path(path: str) -> str:
    """The path as it may be logged: a request page's token replaced."""
    return _PRIVATE_PATH.sub("/anfrage/…", path)


class AccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        # The query string is left out too: it is never needed to follow a problem.
        self.logger.info('"%s %s" %s %s %.6f', request.method, loggable_path(request.path),
                         response.status, response.body_length, time)
