"""What makes the web door safe on the open internet: response headers (CSP, framing, no
sniffing, no referrer), the cross-site request check for POSTs, and the client address used
for rate limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.config import WebSettings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def content_security_policy(settings: WebSettings) -> str:
    # Everything comes from this server; no inline script or style at all.
    ancestors = " ".join(["'self'", *settings.embed_origins])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
        f"frame-ancestors {ancestors}"
    )


def security_headers(settings: WebSettings) -> Middleware:
    csp = content_security_policy(settings)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # errors get the same headers
            response = exc
            _apply(response, csp, request.path)
            raise
        _apply(response, csp, request.path)
        return response

    return middleware


def _apply(response: web.StreamResponse, csp: str, path: str) -> None:
    headers = response.headers
    headers["Content-Security-Policy"] = csp
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if path.startswith("/api/"):
        headers["Cache-Control"] = "no-store"


def same_origin(request: web.Request, settings: WebSettings) -> bool:
    """A POST must come from a page of this server: a browser always sends ``Origin`` with it,
    and another site cannot forge it. Behind a TLS proxy the scheme differs, so hosts compare."""
    origin = request.headers.get("Origin")
    if not origin:
        return False
    host = urlsplit(origin).netloc.lower()
    if host and host == request.host.lower():
        return True
    if settings.public_url:
        return host == urlsplit(settings.public_url).netloc.lower()
    return False


def form_same_origin(request: web.Request, settings: WebSettings) -> bool:
    """A plain form's POST from a page of this server. A page sent with ``Referrer-Policy:
    no-referrer`` (the request page) makes browsers send ``Origin: null`` with its form; then
    ``Sec-Fetch-Site``, which the browser sets from where the form really was, decides. A
    sandboxed frame of another site also sends ``null``, but ``cross-site`` with it."""
    if request.headers.get("Origin") != "null":
        return same_origin(request, settings)
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


def json_post(request: web.Request) -> bool:
    """Only JSON bodies: a plain HTML form of another site cannot send one without CORS."""
    return request.content_type == "application/json"


def client_address(request: web.Request, settings: WebSettings) -> str:
    if settings.trust_forwarded_for:
        # The last entry is the one our proxy added; earlier ones the client may have forged.
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.remote or "unknown"
