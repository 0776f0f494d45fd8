"""The web chat in a real browser (Debian's headless Chromium): answers, buttons, keyboard
only, the widget on another site, layout at 320 px, reduced motion, and axe-core."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Servers

QUESTION = "Was kostet die Beratung?"


def _open_chat(page: Any, servers: Servers) -> None:
    page.goto(servers.chat)
    page.locator("#log .msg-bot").first.wait_for()  # the greeting with the menu


def _active_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_question_is_answered_and_focus_returns_to_the_field(page: Any, servers: Servers) -> None:
    """Typing a question and pressing "Senden" shows the answer in the log; focus goes back to
    the field named "Ihre Nachricht"; no console error (a CSP violation would be one)."""
    _open_chat(page, servers)
    field = page.get_by_role("textbox", name="Ihre Nachricht")
    field.fill(QUESTION)
    page.get_by_role("button", name="Senden", exact=True).click()
    page.locator("#log .msg-bot", has_text="kostenfrei").wait_for()
    assert page.locator("#log .msg-user").last.inner_text().endswith(QUESTION)
    assert _active_id(page) == "message"
    assert page.console_errors == []


def test_button_press_shows_the_entry_and_focuses_its_first_button(
    page: Any, servers: Servers
) -> None:
    """A menu button is a real <button> named by its label; pressing it shows the entry and
    moves focus to the first button of the new message (the natural next step)."""
    _open_chat(page, servers)
    before = page.locator("#log .msg-bot").count()
    first = page.locator("#log .msg-bot").first.locator("button.choice").first
    label = first.inner_text()
    page.get_by_role("button", name=label).first.click()
    # A locator wait, not wait_for_function: its string polling is eval, which the CSP forbids.
    page.locator("#log .msg-bot").nth(before).wait_for()
    focused = page.evaluate("document.activeElement.className")
    assert focused == "choice"
    newest = page.locator("#log .msg-bot").last
    assert newest.locator("button.choice").first.evaluate("b => b === document.activeElement")


def test_keyboard_only(page: Any, servers: Servers) -> None:
    """Without a mouse: Tab reaches the field, Enter sends, Shift+Tab reaches the answer's
    buttons, Enter presses one; focus is always visible (an outline)."""
    _open_chat(page, servers)
    for _ in range(30):
        if _active_id(page) == "message":
            break
        page.keyboard.press("Tab")
    assert _active_id(page) == "message"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.locator("#log .msg-bot", has_text="kostenfrei").wait_for()
    assert _active_id(page) == "message"
    count = page.locator("#log .msg-bot").count()
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.className") == "choice":
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    page.locator("#log .msg-bot").nth(count).wait_for()


def test_widget_embedded_on_another_site(page: Any, servers: Servers) -> None:
    """One script tag on a page of another site (127.0.0.2) adds a launcher; it opens the chat
    in an iframe that keeps its session without cookies and answers a question; Escape closes
    it and focus returns to the launcher."""
    page.goto(servers.host_page)
    launcher = page.get_by_role("button", name="Chat öffnen")
    launcher.click()
    frame = page.frame_locator("iframe#engagement-chat-frame")
    frame.locator("#log .msg-bot").first.wait_for()
    frame.get_by_role("textbox", name="Ihre Nachricht").fill(QUESTION)
    frame.get_by_role("button", name="Senden", exact=True).click()
    frame.locator("#log .msg-bot", has_text="kostenfrei").wait_for()
    assert page.context.cookies() == []  # nothing for a cookie blocker to break
    assert page.get_by_role("button", name="Chat schließen").get_attribute("aria-expanded") == (
        "true"
    )
    frame.get_by_role("textbox", name="Ihre Nachricht").press("Escape")
    page.get_by_role("button", name="Chat öffnen").wait_for()
    assert page.evaluate("document.activeElement.id") == "engagement-chat-launcher"
    assert page.console_errors == []


def test_narrow_screen_and_zoom(browser: Any, servers: Servers) -> None:
    """At 320 px width (a small phone; WCAG reflow) and at 640 x 400 (a 1280 x 800 window at
    200 % zoom) nothing scrolls sideways and the send button can be reached and used."""
    for width, height in ((320, 640), (640, 400)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE")
        try:
            page = context.new_page()
            _open_chat(page, servers)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (width, height)
            page.get_by_role("textbox", name="Ihre Nachricht").fill(QUESTION)
            send = page.get_by_role("button", name="Senden", exact=True)
            send.scroll_into_view_if_needed()
            assert send.is_visible()
            send.click()
            page.locator("#log .msg-bot", has_text="kostenfrei").wait_for()
        finally:
            context.close()


def test_reduced_motion_is_respected(browser: Any, servers: Servers) -> None:
    """With prefers-reduced-motion the log does not scroll smoothly."""
    context = browser.new_context(reduced_motion="reduce")
    try:
        page = context.new_page()
        _open_chat(page, servers)
        behaviour = page.evaluate("getComputedStyle(document.getElementById('log')).scrollBehavior")
        assert behaviour == "auto"
    finally:
        context.close()


def test_barrier_report_from_the_statement(page: Any, servers: Servers) -> None:
    """The accessibility statement's form sends the report to the team and says thanks."""
    page.goto(servers.chat + "barrierefreiheit")
    page.get_by_label("Was hat nicht funktioniert?").fill("Kontrast im Menü zu schwach")
    page.get_by_role("button", name="Meldung senden").click()
    page.get_by_role("status").filter(has_text="Danke").wait_for()
    assert any("Kontrast im Menü zu schwach" in text for text in servers.team)


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"]]


def test_axe_finds_no_violations(page: Any, servers: Servers) -> None:
    """axe-core reports no violations on the chat (with an answer and buttons shown), the
    privacy notice and the accessibility statement."""
    _open_chat(page, servers)
    page.get_by_role("textbox", name="Ihre Nachricht").fill(QUESTION)
    page.get_by_role("button", name="Senden", exact=True).click()
    page.locator("#log .msg-bot", has_text="kostenfrei").wait_for()
    assert _axe(page) == []
    for path in ("datenschutz", "barrierefreiheit"):
        page.goto(servers.chat + path)
        assert _axe(page) == [], path


def test_keyboard_only_from_start_to_a_submitted_request(page: Any, servers: Servers) -> None:
    """A whole request without a mouse (scripted dialogue behind the door's contract): after
    each press focus lands on the next step's first button, or in the field when the step asks
    for text; Enter submits; the receipt replaces the summary and the request is stored once."""
    page.goto(servers.scripted)
    page.locator("#log .msg-bot").first.wait_for()
    for _ in range(10):  # Tab from the top of the page to the greeting's first button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Anfrage stellen":
            break
    assert page.evaluate("document.activeElement.textContent") == "Anfrage stellen"
    page.keyboard.press("Enter")
    page.locator("#log .msg-bot", has_text="Schritt 1 von 2").wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Beratung"
    page.keyboard.press("Tab")  # to "Workshop"
    page.keyboard.press("Enter")
    page.locator("#log .msg-bot", has_text="Schritt 2 von 2").wait_for()
    assert _active_id(page) == "message"  # the step asks for text
    page.keyboard.type("kontakt@gemeinde.de")
    page.keyboard.press("Enter")
    page.locator("#log .msg-bot", has_text="Modul:").wait_for()
    for _ in range(10):  # back from the field to the summary's "Absenden"
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.textContent") == "Absenden":
            break
    page.keyboard.press("Enter")
    page.locator("#log .msg-bot", has_text="A-0001").wait_for()
    assert page.locator("#log .msg-bot", has_text="Modul:").count() == 0  # replaced
    submitted = [s for s in servers.script.submitted if s[2] == "kontakt@gemeinde.de"]
    assert [(module, email) for _, module, email in submitted] == [
        ("workshop", "kontakt@gemeinde.de")
    ]


def test_team_reply_appears_in_the_open_chat(page: Any, servers: Servers) -> None:
    """A message the core sends later (a team reply through the web outbound port) appears in
    the open chat's log, the live region screen readers announce, without any user action."""
    from bot.conversation.model import Outgoing
    from bot.web.sessions import user_key

    _open_chat(page, servers)
    token = page.evaluate("sessionStorage.getItem('engagement-chat-session')")
    assert token
    servers.push(user_key(token), [Outgoing("<b>Nachricht vom Team:</b> Wir rufen Sie an.")])
    reply = page.locator("#log[role=log] .msg-bot", has_text="Wir rufen Sie an.")
    reply.wait_for()
    assert reply.locator("b").inner_text() == "Nachricht vom Team:"
