"""Honesty about 2022 in Telegram, through process_update with the recording fake transport:
the Stand note, questions about what is current, later dates, dates as prose, short buttons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.config import LimitSettings
from tests.e2e_support import buttons
from tests.test_qa_handlers import ERIKA, labels, last, press_label
from tests.test_team_harness import make_settings, running_bot

TEAM_BUTTON = "Frage an das Team senden"


async def test_still_current_question_gets_the_offer_the_stand_and_the_team(
    tmp_path: Path,
) -> None:
    """"Kann ich mich noch … anmelden?" is answered with what the offer said (the course began
    in March 2022), that this was the 2022 programme and the team knows what is current, and a
    button that sends the question to the team."""
    async with running_bot(tmp_path) as h:
        h.add_requester()
        await h.user_says("Kann ich mich noch für den Zertifikatskurs anmelden?")
        message = last(h)
        assert "begann am 16. März 2022" in message["text"]
        assert "Programm 2022" in message["text"] and "das Team" in message["text"]
        assert TEAM_BUTTON in labels(message)
        await press_label(h, TEAM_BUTTON)
        assert "beim Team angekommen" in last(h)["text"]
        await h.deliver()
        assert any("Zertifikatskurs anmelden" in t for t in h.team_texts())


async def test_question_about_a_later_date_is_not_answered_as_if_known(tmp_path: Path) -> None:
    """"Welche Termine gibt es 2027 für die Lernwerkstatt?" gets the honest "no information",
    what the 2022 programme said (the cancellation) and the team button."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Welche Termine gibt es 2027 für die Lernwerkstatt?")
        message = last(h)
        assert "keine Angabe" in message["text"]
        assert "Programm 2022" in message["text"]
        assert "abgesagt" in message["text"]
        assert TEAM_BUTTON in labels(message)


async def test_plain_question_gets_no_team_button(tmp_path: Path) -> None:
    """A question that does not ask about the present is answered without the team button."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Was kostet die Beratung?")
        message = last(h)
        assert "kostenfrei" in message["text"]
        assert TEAM_BUTTON not in labels(message)
        assert "Programm 2022" not in message["text"]


async def test_lernwerkstatt_opens_with_the_cancellation_in_past_tense(tmp_path: Path) -> None:
    """The Lernwerkstatt's module button shows the cancellation first, its dates as
    "am 15. und 27. Juni 2022", past tense, no bracketed "(liegt in der Vergangenheit)", and
    the note that this describes the 2022 programme."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/start")
        await press_label(h, "Modul I:")
        text = last(h)["text"]
        assert "abgesagt" in text.split("\n", 1)[0]
        assert "am 15. und 27. Juni 2022 wurde abgesagt" in text
        assert "Vergangenheit" not in text and "15.06.2022" not in text
        assert "Programm 2022 (Stand: 2022)" in text


async def test_dates_follow_the_injected_clock(tmp_path: Path) -> None:
    """Before the course start the answer says "beginnt", afterwards "begann"."""
    async with running_bot(tmp_path) as h:
        h.clock.now = dt.datetime(2022, 1, 10, 9, 0, tzinfo=dt.UTC)
        await h.user_says("Wann beginnt der Zertifikatskurs?")
        assert "beginnt am 16. März 2022" in last(h)["text"]
        h.clock.now = dt.datetime(2022, 3, 17, 9, 0, tzinfo=dt.UTC)
        await h.user_says("Wann beginnt der Zertifikatskurs?")
        assert "begann am 16. März 2022" in last(h)["text"]


async def test_every_button_reachable_from_the_menu_fits_on_a_phone(tmp_path: Path) -> None:
    """Walking the menu and every entry's follow-up buttons, no label exceeds 30 characters."""
    # The walk replays paths, more presses than a person makes: no per-user rate limit here.
    settings = make_settings(tmp_path).model_copy(
        update={"limits": LimitSettings(burst=10_000, per_minute=10_000)})
    async with running_bot(tmp_path, settings=settings) as h:
        await h.user_says("/start")
        seen: set[str] = set()
        start = last(h)
        # Browsing replaces the view in place, so each entry is reached by replaying its path
        # of presses from a fresh menu; an entry counts once, whatever the way back.
        pending = [[data] for _, data in buttons(start) if data.startswith("e:")]
        too_long = [label for label in labels(start) if len(label) > 30]
        while pending:
            path = pending.pop()
            entry = path[-1].split(":")[1]
            if entry in seen:
                continue
            seen.add(entry)
            await h.user_says("/start")
            for data in path:
                await h.process(h.factory.callback(ERIKA, last(h), data))
            message = last(h)
            too_long += [label for label, _ in buttons(message) if len(label) > 30]
            pending += [[*path, d] for _, d in buttons(message) if d.startswith("e:")]
        assert len(seen) >= 15
        assert too_long == []
