"""The whole offline loop of ``python -m bot web`` in a real browser, against the REAL core
(one server for the module, with reply e-mail to a local SMTP server): questions, a follow-up,
a keyboard-only request, its card on /team, the team's reply in the chat, on the private
request page and in the e-mail; axe-core on the request page and /team; /loeschen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.real_core import (
    RealWeb,
    body_of,
    bot_says,
    open_chat,
    open_team,
    page_timeout_ms,
    press_by_keyboard,
    request_by_keyboard,
    serving_real_core,
    team_card,
    team_takes_and_replies,
    type_and_send,
)
from tests.browser.test_web_browser import _axe

REPLY = "Gern, wir melden uns am Montag."
ANSWER = "Montag passt mir gut."
REQUEST_TEXTS = ("Gemeinde Musterdorf", "Erika Muster", "Engagementkonzept")


@pytest.fixture(scope="module")
def real_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealWeb]:
    with serving_real_core(tmp_path_factory.mktemp("real-web")) as served:
        yield served


def _start_request(page: Any, real_web: RealWeb) -> tuple[str, str]:
    """A fresh chat, /anfrage typed, the consultation request by keyboard; (ref, link)."""
    open_chat(page, real_web.url)
    page.get_by_role("textbox", name="Ihre Nachricht").focus()
    type_and_send(page, "/anfrage")
    bot_says(page, "Schritt 1")
    return request_by_keyboard(page, real_web.url)


def _open_request_page(page: Any, link: str) -> tuple[Any, Any]:
    """The private link in a new tab of the same browser; (tab, HTTP response)."""
    tab = page.context.new_page()
    tab.set_default_timeout(page_timeout_ms())
    response = tab.goto(link)
    assert response is not None
    return tab, response


def test_web_request_reaches_the_team_page_and_is_taken(page: Any, real_web: RealWeb) -> None:
    """A complete request in the web chat (keyboard only) appears as a card on /team;
    "Übernehmen" there marks it taken by the team member and shows the bot's notice, focus
    stays on the card; a reply to the card shows up in the team group as a reply to it;
    axe-core reports no violations on /team; no console errors (CSP)."""
    ref, _ = _start_request(page, real_web)
    assert page.console_errors == []

    team = open_team(page, real_web.url)
    card = team_card(team, ref)
    assert "Gemeinde Musterdorf" in card.inner_text()
    number = card.get_attribute("id")
    card.get_by_role("button", name="Übernehmen").click()
    team.locator("#team-log .team-msg", has_text="übernommen von Tina Team").first.wait_for()
    team.locator("#team-status", has_text="Übernommen").wait_for()
    # The pressed button is gone: focus is on the card's heading, not lost to <body>.
    assert team.evaluate("document.activeElement.id") == f"{number}-who"

    card = team_card(team, ref)
    card.get_by_role("textbox", name="Antwort an diese Nachricht").fill("Gern, wir melden uns.")
    card.get_by_role("button", name="Antworten").click()
    reply = team.locator("#team-log .team-msg", has_text="Gern, wir melden uns.").first
    reply.wait_for()
    assert "Antwort auf Nachricht" in reply.inner_text()
    assert _axe(team) == []
    assert team.console_errors == []


def test_the_whole_loop_from_question_to_the_reply_by_mail(page: Any, real_web: RealWeb) -> None:
    """One requester's story: a question is answered, the follow-up "und wie lange dauert
    das?" is read in its context, a button is pressed, then a complete request is made with
    the keyboard only and the receipt gives the reference and a private link; the card is on
    /team, where the team takes and answers it. The reply then appears (a) in the still open
    chat's live region, (b) on the private page (status, summary, the conversation), whose
    form passes the requester's answer to the team view, and (c) in the e-mail caught by the
    local SMTP server: one mail for the reply (none for taking the request), no request or
    reply content, a working link to the same page, which is sent with Referrer-Policy:
    no-referrer."""
    url = real_web.url
    open_chat(page, url)
    page.get_by_role("textbox", name="Ihre Nachricht").focus()
    type_and_send(page, "Wie funktioniert die Beratung?")
    bot_says(page, "Modul II: Beratung für Kommunen")
    type_and_send(page, "und wie lange dauert das?")
    bot_says(page, "umfasst einen halben Tag")
    page.locator("#log .msg-bot").last.get_by_role("button", name="Beratung: Formate").click()
    bot_says(page, "in drei Formaten")
    # From here on the keyboard only: the press left the focus on the answer's first button.
    press_by_keyboard(page, "Anfrage stellen")  # the entry about requests, in place
    bot_says(page, "Mit einer Anfrage geht Ihr Anliegen direkt an das Team")
    press_by_keyboard(page, "Anfrage starten")
    bot_says(page, "Schritt 1")
    ref, link = request_by_keyboard(page, url)
    assert page.console_errors == []

    team = open_team(page, url)
    assert "Gemeinde Musterdorf" in team_card(team, ref).inner_text()
    team_takes_and_replies(team, ref, REPLY)

    # (a) the open chat shows it without any action, in the log screen readers announce
    reply = page.locator("#log[role=log] .msg-bot", has_text=REPLY)
    reply.wait_for()
    assert f"Nachricht vom Team zu {ref}" in reply.inner_text()

    # (b) the private page: status, summary, the conversation; the requester answers there
    tab, response = _open_request_page(page, link)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert tab.get_by_role("heading", level=1).inner_text() == f"Ihre Anfrage {ref}"
    tab.get_by_text("Stand: übernommen").wait_for()
    summary = tab.locator("dl").inner_text()
    assert "Gemeinde Musterdorf" in summary and "erika@musterdorf.example" in summary
    assert REPLY in tab.locator("ol.messages li.team").inner_text()
    tab.get_by_label("Ihre Antwort an das Team").fill(ANSWER)
    tab.get_by_role("button", name="Antwort senden").click()
    tab.get_by_role("status").filter(has_text="Danke").wait_for()
    tab.locator("ol.messages li.you", has_text=ANSWER).wait_for()
    team.locator("#team-log .team-msg", has_text=ANSWER).first.wait_for()

    # (c) the e-mail: only the reference and a fresh link, which opens the same page
    mails = real_web.inbox.wait_for(ref)
    body = body_of(mails[0])
    for secret in (REPLY, ANSWER, *REQUEST_TEXTS):
        assert secret not in body, secret
    found = re.search(re.escape(url) + r"anfrage/[A-Za-z0-9_-]{43}", body)
    assert found is not None, body
    assert found.group(0) != link  # a new link row: only hashes are stored
    mailed, response = _open_request_page(page, found.group(0))
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert mailed.get_by_role("heading", level=1).inner_text() == f"Ihre Anfrage {ref}"
    mailed.locator("ol.messages li.team", has_text=REPLY).wait_for()
    assert len(real_web.inbox.wait_for(ref)) == 1  # for the reply; taking it mailed nothing
    assert page.console_errors == [] and team.console_errors == []


def test_axe_finds_no_violations_on_the_request_page_and_team_page(
    page: Any, real_web: RealWeb
) -> None:
    """axe-core reports no violations on the private request page showing a team reply and
    the answer form, and on /team showing the request's card and the reply; on a 320 px wide
    phone the request page does not scroll sideways and its text keeps off the screen's edge."""
    ref, link = _start_request(page, real_web)
    team = open_team(page, real_web.url)
    team_takes_and_replies(team, ref, REPLY)
    tab, _ = _open_request_page(page, link)
    tab.locator("ol.messages li.team", has_text=REPLY).wait_for()
    tab.get_by_label("Ihre Antwort an das Team").wait_for()
    assert _axe(tab) == []
    assert _axe(team) == []
    tab.set_viewport_size({"width": 320, "height": 640})
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    heading = tab.get_by_role("heading", level=1).bounding_box()
    assert heading is not None and heading["x"] >= 8


def test_request_page_link_stops_working_after_loeschen(page: Any, real_web: RealWeb) -> None:
    """After /loeschen in the web chat the private link opens only a friendly German page
    saying it no longer exists (404), still without referrer."""
    ref, link = _start_request(page, real_web)
    tab, response = _open_request_page(page, link)
    assert response.status == 200
    type_and_send(page, "/loeschen")
    bot_says(page, "Möchten Sie wirklich")
    press_by_keyboard(page, "Ja, alles löschen")
    bot_says(page, "Ihre Daten sind gelöscht")
    response = tab.goto(link)
    assert response is not None and response.status in (404, 410)
    assert response.headers["referrer-policy"] == "no-referrer"
    assert tab.evaluate("document.documentElement.lang") == "de"
    tab.get_by_text("Diese Seite gibt es nicht (mehr).").wait_for()
    assert ref not in tab.content()
