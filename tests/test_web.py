"""The web door over HTTP (aiohttp's test client): pages, API, sessions and safety rules."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, Settings, WebLimitSettings, WebSettings, load_settings
from bot.conversation.model import Event, Outgoing, UserKey
from bot.web.app import MAILBOXES_KEY, OUTBOUND_KEY
from bot.web.sessions import SESSION_HEADER, user_key
from tests.web_support import fixed_clock, web_client


class Recorder:
    """A conversation that remembers who said what and answers with fixed messages."""

    def __init__(self, answer: list[Outgoing] | None = None) -> None:
        self.calls: list[tuple[UserKey, Event]] = []
        self.answer = answer if answer is not None else [Outgoing("ok")]

    async def handle(self, user: UserKey, event: Event) -> list[Outgoing]:
        self.calls.append((user, event))
        return self.answer


async def test_question_is_answered_from_the_knowledge_base() -> None:
    """A typed question gets the knowledge base's answer with its buttons as label/data."""
    async with web_client() as chat:
        await chat.start()
        status, body = await chat.post("/api/send", {"text": "Was kostet die Beratung?"})
    assert status == 200
    first = body["messages"][0]
    assert "kostenfrei" in first["html"]
    labels = [b["label"] for row in first["buttons"] for b in row]
    assert "Menü" in labels


async def test_button_press_shows_the_entry() -> None:
    """Pressing a menu button (callback data e:…) shows that entry."""
    async with web_client() as chat:
        await chat.start()
        _, body = await chat.post("/api/command", {"name": "start"})
        first = body["messages"][0]["buttons"][0][0]
        status, pressed = await chat.post("/api/press", {"data": first["data"], "message": "m1"})
    assert status == 200
    assert pressed["messages"][0]["html"]


async def test_typed_command_becomes_a_command_event() -> None:
    """"/datenschutz" typed into the field reaches the core as a command, not as text."""
    recorder = Recorder()
    async with web_client(recorder) as chat:
        await chat.start()
        await chat.post("/api/send", {"text": "/datenschutz"})
        await chat.post("/api/send", {"text": "/unbekannt hallo"})
    events = [event for _, event in recorder.calls]
    assert type(events[0]).__name__ == "CommandIn" and events[0].name == "datenschutz"  # type: ignore[union-attr]
    assert type(events[1]).__name__ == "TextIn"


async def test_the_core_sees_a_hash_of_the_token_not_the_token() -> None:
    """The session token never reaches the core: the UserKey is ("web", hash of it), stable
    for the session, different between sessions."""
    recorder = Recorder()
    async with web_client(recorder) as chat:
        await chat.start()
        assert chat.token is not None and len(chat.token) >= 43
        await chat.post("/api/send", {"text": "Hallo"})
        await chat.post("/api/send", {"text": "Hallo"})
        first_token = chat.token
        await chat.start()
        await chat.post("/api/send", {"text": "Hallo"})
    users = [user for user, _ in recorder.calls]
    assert users[0] == users[1] == user_key(first_token)
    assert users[0].channel == "web" and first_token not in users[0].id
    assert users[2] != users[0]


async def test_security_headers_on_pages_and_api() -> None:
    """Every response carries the strict CSP (no inline script/style, framing only by the
    configured origins), nosniff and no-referrer; no cookie is ever set."""
    settings = Settings(web=WebSettings(embed_origins=["https://www.example.org"]))
    async with web_client(settings=settings) as chat:
        for path in ("/", "/datenschutz", "/barrierefreiheit", "/healthz", "/static/chat.js"):
            response = await chat.client.get(path)
            assert response.status == 200, path
            csp = response.headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp and "script-src 'self';" in csp
            assert "'unsafe-inline'" not in csp
            assert "frame-ancestors 'self' https://www.example.org" in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert "Set-Cookie" not in response.headers
        missing = await chat.client.get("/nothing-here")
        assert missing.status == 404
        assert "frame-ancestors" in missing.headers["Content-Security-Policy"]


async def test_pages_have_no_inline_script_or_style() -> None:
    """The CSP forbids inline code, so the pages must not need any."""
    async with web_client() as chat:
        for path in ("/", "/datenschutz", "/barrierefreiheit"):
            page = await (await chat.client.get(path)).text()
            assert '<html lang="de">' in page
            assert "<script>" not in page and "<style" not in page and " style=" not in page
            assert "onclick" not in page


async def test_chat_page_labels() -> None:
    """The field is labelled "Ihre Nachricht", the button says "Senden", the log is role=log."""
    async with web_client() as chat:
        page = await (await chat.client.get("/")).text()
    assert '<label for="message" class="field-label">Ihre Nachricht</label>' in page
    assert '<button type="submit" id="send">Senden</button>' in page
    assert 'role="log"' in page and 'aria-live="polite"' in page


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": ""},
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "text/plain"},
    ],
)
async def test_cross_site_posts_are_refused(headers: dict[str, str]) -> None:
    """A POST from another site (foreign or missing Origin) or not as JSON never reaches the
    core (CSRF: a form of another site can send neither)."""
    recorder = Recorder()
    async with web_client(recorder) as chat:
        await chat.start()
        base = chat.headers(**headers)
        if base.get("Origin") == "":
            del base["Origin"]
        response = await chat.client.post(
            "/api/send", data=b'{"text": "Hallo"}', headers=base
        )
        assert response.status in (403, 415)
        session = await chat.client.post("/api/session", data=b"{}", headers=base)
        assert session.status in (403, 415)
    assert recorder.calls == []


async def test_public_url_origin_is_accepted_behind_a_proxy() -> None:
    """Behind a TLS proxy the Origin is web.public_url's, not the Host the app sees."""
    settings = Settings(web=WebSettings(public_url="https://chat.example.org"))
    recorder = Recorder()
    async with web_client(recorder, settings=settings) as chat:
        await chat.start()
        status, _ = await chat.post(
            "/api/send", {"text": "Hallo"}, Origin="https://chat.example.org"
        )
    assert status == 200 and len(recorder.calls) == 1


async def test_api_needs_a_well_formed_session_token() -> None:
    """No or a malformed session header: 401, the core is not asked."""
    recorder = Recorder()
    async with web_client(recorder) as chat:
        status, _ = await chat.post("/api/send", {"text": "Hallo"})
        assert status == 401
        status, _ = await chat.post("/api/send", {"text": "Hallo"}, **{SESSION_HEADER: "abc"})
        assert status == 401
        response = await chat.client.get("/api/poll", headers={SESSION_HEADER: "x" * 10})
        assert response.status == 401
    assert recorder.calls == []


async def test_session_rate_limit_gives_a_friendly_notice() -> None:
    """More messages than the session's allowance: 429 with a German notice; after the
    refill time the session may write again."""
    now = [1000.0]
    limits = WebLimitSettings(session_burst=3, session_per_minute=6)
    settings = Settings(web=WebSettings(limits=limits))
    recorder = Recorder()
    async with web_client(recorder, settings=settings, clock=fixed_clock(now)) as chat:
        await chat.start()
        statuses = [(await chat.post("/api/send", {"text": f"Frage {i}"}))[0] for i in range(3)]
        assert statuses == [200, 200, 200]
        status, body = await chat.post("/api/send", {"text": "noch eine"})
        assert status == 429
        assert "Bitte warten Sie einen Moment" in body["notice"]
        now[0] += 10.0  # one message per 10 s
        status, _ = await chat.post("/api/send", {"text": "später"})
        assert status == 200
    assert len(recorder.calls) == 4


async def test_address_rate_limit_covers_new_sessions() -> None:
    """New sessions do not escape the limit: one address may only create so many."""
    now = [0.0]
    limits = WebLimitSettings(address_burst=5, address_per_minute=1)
    settings = Settings(web=WebSettings(limits=limits))
    async with web_client(settings=settings, clock=fixed_clock(now)) as chat:
        statuses = []
        for _ in range(7):
            response = await chat.client.post("/api/session", json={}, headers=chat.headers())
            statuses.append(response.status)
        assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
        body = await response.json()
        assert "Bitte warten Sie einen Moment" in body["notice"]


async def test_body_and_text_limits() -> None:
    """A body over 16 KiB is refused (413) without reading it into the core; a message over
    4000 characters gets a notice that names the limit."""
    recorder = Recorder()
    async with web_client(recorder) as chat:
        await chat.start()
        status, body = await chat.post("/api/send", {"text": "x" * 4001})
        assert status == 413 and "4000" in body["notice"]
        response = await chat.client.post(
            "/api/send", data=b'{"text": "' + b"y" * 20_000 + b'"}', headers=chat.headers()
        )
        assert response.status == 413
        assert "4000" in (await response.json())["notice"]
        status, _ = await chat.post("/api/send", {"text": "x" * 4000})
        assert status == 200
    assert len(recorder.calls) == 1


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/send", {"text": 5}),
        ("/api/send", ["text"]),
        ("/api/press", {"data": "e:" + "a" * 80}),
        ("/api/press", {}),
        ("/api/command", {"name": "rm -rf"}),
        ("/api/command", {"name": "start", "arg": 3}),
    ],
)
async def test_bad_input_is_refused_not_crashed(path: str, payload: Any) -> None:
    """Wrong types, unknown commands, oversized button data, broken or deeply nested JSON and
    bytes that are not UTF-8 get 400, never a 500."""
    recorder = Recorder()
    async with web_client(recorder) as chat:
        await chat.start()
        status, _ = await chat.post(path, payload)
        bad_json = await chat.client.post(path, data=b"{not json", headers=chat.headers())
        deep = await chat.client.post(path, data=b"[" * 15_000, headers=chat.headers())
        latin1 = await chat.client.post(path, data=b'{"text": "\xe4"}', headers=chat.headers())
    assert status == 400 and bad_json.status == 400
    assert deep.status == 400 and latin1.status == 400
    assert recorder.calls == []


async def test_a_failing_core_gives_a_notice_and_logs_no_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An exception in the core: 500 with a German notice; the log names the session's hash,
    never the message or the token."""

    class Broken:
        async def handle(self, user: UserKey, event: Event) -> list[Outgoing]:
            raise RuntimeError("boom")

    caplog.set_level(logging.INFO)
    async with web_client(Broken()) as chat:
        await chat.start()
        status, body = await chat.post("/api/send", {"text": "Meine Adresse ist Geheimweg 1"})
    assert status == 500 and "nicht geklappt" in body["notice"]
    assert "Geheimweg" not in caplog.text
    assert chat.token is not None and chat.token not in caplog.text


async def test_messages_pushed_later_arrive_by_long_poll() -> None:
    """What the core pushes through the web outbound port (a team reply) reaches the waiting
    poll at once; a poll with the returned counter does not see it again."""
    settings = Settings(web=WebSettings(poll_timeout_seconds=0.3))
    async with web_client(Recorder(), settings=settings) as chat:
        await chat.start()
        assert chat.token is not None
        outbound = chat.client.app[OUTBOUND_KEY]  # type: ignore[union-attr]
        headers = {SESSION_HEADER: chat.token}
        waiting = asyncio.create_task(chat.client.get("/api/poll?after=0", headers=headers))
        mailboxes = chat.client.app[MAILBOXES_KEY]  # type: ignore[union-attr]
        deadline = asyncio.get_running_loop().time() + 5
        while mailboxes.waiting == 0:  # the push must find the poll waiting
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.01)
        await outbound.send(user_key(chat.token), [Outgoing("<b>Antwort vom Team</b> <x>")])
        response = await asyncio.wait_for(waiting, 5)
        body = await response.json()
        assert body["messages"][0]["html"] == "<b>Antwort vom Team</b> &lt;x&gt;"
        again = await chat.client.get(f"/api/poll?after={body['after']}", headers=headers)
        assert (await again.json())["messages"] == []


async def test_poll_returns_empty_at_its_timeout() -> None:
    """Without news a poll ends after web.poll_timeout_seconds with no messages."""
    settings = Settings(web=WebSettings(poll_timeout_seconds=0.2))
    async with web_client(Recorder(), settings=settings) as chat:
        await chat.start()
        assert chat.token is not None
        response = await asyncio.wait_for(
            chat.client.get("/api/poll", headers={SESSION_HEADER: chat.token}), 5
        )
        assert response.status == 200
        assert (await response.json())["messages"] == []


async def test_barrier_report_reaches_the_team_escaped() -> None:
    """The accessibility statement's form passes the text to the team chat (escaped Telegram
    HTML) and thanks the sender; an empty report is refused with a hint."""
    sent: list[str] = []

    async def notify(text: str) -> None:
        sent.append(text)

    async with web_client(Recorder(), notify_team=notify) as chat:
        status, body = await chat.post("/api/barrier", {"text": "Knopf <b>unlesbar</b>"})
        assert status == 200 and "Danke" in body["notice"]
        status, body = await chat.post("/api/barrier", {"text": "  "})
        assert status == 400 and "beschreiben" in body["notice"]
    assert len(sent) == 1
    assert "Knopf &lt;b&gt;unlesbar&lt;/b&gt;" in sent[0] and "Barriere" in sent[0]


async def test_privacy_page_explains_the_session_identifier() -> None:
    """The privacy notice covers the web door: the session token, no cookies, no third
    parties, and the general notice with the operator."""
    async with web_client() as chat:
        page = await (await chat.client.get("/datenschutz")).text()
    assert "Sitzungskennung" in page and "sessionStorage" in page
    assert "keine Cookies" in page and "Verantwortlich" in page


async def test_accessibility_statement_with_report_form() -> None:
    """The "Erklärung zur Barrierefreiheit" has a labelled form to report a barrier."""
    async with web_client() as chat:
        page = await (await chat.client.get("/barrierefreiheit")).text()
    assert "<h1>Erklärung zur Barrierefreiheit</h1>" in page
    assert 'id="barrier-form"' in page and '<label for="barrier-text">' in page


async def test_widget_script_carries_its_labels_as_json() -> None:
    """/widget.js is JavaScript with the launcher's German labels filled in, loadable by
    another site."""
    async with web_client() as chat:
        response = await chat.client.get("/widget.js")
        source = await response.text()
    assert response.content_type == "application/javascript"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "__LABELS__" not in source and '"open": "Chat öffnen"' in source


async def test_healthz() -> None:
    """GET /healthz answers 200 with status ok (for monitoring)."""
    async with web_client(Recorder()) as chat:
        response = await chat.client.get("/healthz")
        assert response.status == 200 and (await response.json()) == {"status": "ok"}



async def test_shutdown_ends_waiting_polls_at_once() -> None:
    """Stopping the server answers a waiting long poll right away instead of after its
    timeout (a SIGTERM must not wait 25 s)."""
    settings = Settings(web=WebSettings(poll_timeout_seconds=60))
    async with web_client(Recorder(), settings=settings) as chat:
        await chat.start()
        assert chat.token is not None
        waiting = asyncio.create_task(
            chat.client.get("/api/poll", headers={SESSION_HEADER: chat.token})
        )
        mailboxes = chat.client.app[MAILBOXES_KEY]  # type: ignore[union-attr]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while mailboxes.waiting == 0:  # until the poll waits on the server
            assert loop.time() < deadline
            await asyncio.sleep(0.01)
        started = loop.time()
        await chat.client.app.shutdown()  # type: ignore[union-attr]
        response = await asyncio.wait_for(waiting, 5)
        assert response.status == 200 and (await response.json())["messages"] == []
        assert loop.time() - started < 5


async def test_an_outbound_made_first_serves_the_app() -> None:
    """The composition can make the outbound port before the app (to hand it to the core);
    messages sent through it reach that app's polls."""
    from bot.web.outbound import WebOutbound
    from bot.web.sessions import Mailboxes

    outbound = WebOutbound(Mailboxes())
    settings = Settings(web=WebSettings(poll_timeout_seconds=0.1))
    async with web_client(Recorder(), settings=settings, outbound=outbound) as chat:
        await chat.start()
        assert chat.token is not None
        await outbound.send(user_key(chat.token), [Outgoing("Antwort")])
        response = await chat.client.get("/api/poll", headers={SESSION_HEADER: chat.token})
        assert [m["html"] for m in (await response.json())["messages"]] == ["Antwort"]


async def test_outbound_refuses_telegram_users() -> None:
    """The web outbound delivers only to web users (a wrong wiring fails loudly)."""
    from bot.web.outbound import WebOutbound
    from bot.web.sessions import Mailboxes

    with pytest.raises(ValueError):
        await WebOutbound(Mailboxes()).send(UserKey("telegram", "42"), [Outgoing("x")])


async def test_forwarded_address_counts_only_behind_a_trusted_proxy() -> None:
    """With trust_forwarded_for the per-address limit counts the address the proxy appended
    (the last X-Forwarded-For entry), so visitors behind one proxy are limited separately and a
    forged first entry does not help; without it the header is ignored."""
    now = [0.0]
    limits = WebLimitSettings(address_burst=2, address_per_minute=1)
    trusted = Settings(web=WebSettings(limits=limits, trust_forwarded_for=True))
    async with web_client(Recorder(), settings=trusted, clock=fixed_clock(now)) as chat:

        async def session_from(forwarded: str) -> int:
            response = await chat.client.post(
                "/api/session", json={}, headers=chat.headers(**{"X-Forwarded-For": forwarded})
            )
            return response.status

        assert [await session_from("10.0.0.1") for _ in range(3)] == [200, 200, 429]
        assert await session_from("10.0.0.2") == 200
        assert await session_from("1.2.3.4, 10.0.0.1") == 429  # forged first entry
    untrusted = Settings(web=WebSettings(limits=limits))
    async with web_client(Recorder(), settings=untrusted, clock=fixed_clock(now)) as chat:
        statuses = []
        for i in range(3):
            response = await chat.client.post(
                "/api/session", json={}, headers=chat.headers(**{"X-Forwarded-For": f"10.0.1.{i}"})
            )
            statuses.append(response.status)
        assert statuses == [200, 200, 429]


def test_web_settings_validate_embed_origins(tmp_path: Path) -> None:
    """web.embed_origins takes origins only (scheme://host[:port]); a path or a space is a
    configuration error naming the key."""
    good = Settings.model_validate({"web": {"embed_origins": ["https://www.example.org:8443"]}})
    assert good.web.embed_origins == ["https://www.example.org:8443"]
    path = tmp_path / "config.yaml"
    for bad in ("https://www.example.org/page", "www.example.org", "https://a b.org", "*"):
        path.write_text(f"web: {{embed_origins: ['{bad}']}}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=r"web\.embed_origins"):
            load_settings(path, env={})


async def test_barrier_reports_are_limited_so_the_team_chat_stays_usable() -> None:
    """One address may send three barrier reports at once, then gets the friendly notice; the
    team receives only those three."""
    sent: list[str] = []

    async def notify(text: str) -> None:
        sent.append(text)

    now = [0.0]
    async with web_client(Recorder(), notify_team=notify, clock=fixed_clock(now)) as chat:
        statuses = [
            (await chat.post("/api/barrier", {"text": f"Problem {i}"}))[0] for i in range(5)
        ]
        _, body = await chat.post("/api/barrier", {"text": "noch eins"})
    assert statuses == [200, 200, 200, 429, 429]
    assert "Bitte warten Sie einen Moment" in body["notice"]
    assert len(sent) == 3


async def test_embedded_chat_opens_the_notices_in_a_new_tab() -> None:
    """In the widget (?embed=1) the privacy and accessibility links open a new tab, so the
    conversation in the frame is not replaced; on the standalone page they open in place."""
    async with web_client(Recorder()) as chat:
        embedded = await (await chat.client.get("/?embed=1")).text()
        standalone = await (await chat.client.get("/")).text()
    assert '<a href="datenschutz" target="_blank" rel="noopener">' in embedded
    assert 'class="chat-page embedded"' in embedded
    assert '<a href="datenschutz">' in standalone


async def test_follow_up_question_keeps_the_topic_per_web_user() -> None:
    """A follow-up typed in the web chat is answered in the light of that session's earlier
    question (as on Telegram); another session does not inherit the topic."""
    async with web_client() as chat:
        await chat.start()
        await chat.post("/api/send", {"text": "Was bietet ihr im Modul III an?"})
        follow_up = {"text": "Wie viel Zeit müssen wir dafür einplanen?"}
        _, body = await chat.post("/api/send", follow_up)
        assert "Auftakt" in body["messages"][0]["html"]
        await chat.start()  # a new tab: a new user
        _, other = await chat.post("/api/send", follow_up)
        assert "Auftakt" not in other["messages"][0]["html"]
