"""The request dialogue in Telegram: durable drafts, stale buttons, idempotent submit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot import callbacks
from bot.offline import user
from tests.e2e_support import buttons
from tests.test_team_harness import REQUESTER, TEAM, Harness, press_button, running_bot

ERIKA = user(REQUESTER, "Erika")


def last(h: Harness) -> dict[str, Any]:
    message = h.api.last_message(REQUESTER)
    assert message is not None
    return message


async def press(h: Harness, label: str) -> dict[str, Any]:
    """Press the newest button with that label as Erika; returns the pressed message."""
    return await press_button(h, ERIKA, label)


async def consultation_until_summary(h: Harness) -> int:
    """The shortest path with buttons; returns the number of user messages and presses."""
    actions = 0
    await press(h, "Anfrage stellen") if h.api.sent_to(REQUESTER) else await h.user_says("/anfrage")
    actions += 1
    await press(h, "Beratung für Kommunen")
    await press(h, "Engagementkonzept")
    await press(h, "per Video")
    actions += 3
    for text in ("Gemeinde Musterdorf", "Erika Muster, Bürgermeisterin", "erika@musterdorf.de"):
        await h.user_says(text)
        actions += 1
    await press(h, "Weiter zur Zusammenfassung")
    actions += 1
    return actions


async def test_request_with_buttons_takes_at_most_nine_actions(tmp_path: Path) -> None:
    """From /anfrage to the receipt: at most 9 messages and presses."""
    async with running_bot(tmp_path) as h:
        h.add_requester()
        actions = await consultation_until_summary(h)
        assert "Bitte prüfen Sie Ihre Anfrage" in last(h)["text"]
        await press(h, "Absenden")
        actions += 1
        assert "A-2026-0001" in last(h)["text"]
        assert actions <= 9


async def test_submitted_request_is_stored_with_notice_and_card(tmp_path: Path) -> None:
    """Submitting stores the request with notice version and time, and its card arrives."""
    async with running_bot(tmp_path) as h:
        h.add_requester()
        await consultation_until_summary(h)
        await press(h, "Absenden")
        ticket = await h.services.storage.tickets.get_by_ref("A-2026-0001")
        assert ticket is not None and ticket.data["organisation"] == "Gemeinde Musterdorf"
        assert ticket.notice_version == h.services.texts.raw("privacy_version")
        assert ticket.notice_shown_at is not None
        await h.deliver()
        assert any("A-2026-0001" in t and "Musterdorf" in t for t in h.team_texts())


async def test_privacy_notice_shown_before_first_personal_question(tmp_path: Path) -> None:
    """The short privacy notice with /datenschutz comes right before the organisation question."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        await press(h, "Workshop vor Ort")
        await h.user_says("Wir brauchen neue Ideen für Ehrenamtliche.")
        texts = [m["text"] for m in h.api.sent_to(REQUESTER)]
        notice = next(i for i, t in enumerate(texts) if "Datenschutz" in t and "/datenschutz" in t)
        assert "Für welche Kommune" in texts[notice + 1]


async def test_second_press_of_send_creates_no_second_request(tmp_path: Path) -> None:
    """Pressing an old Absenden button again reports the existing request."""
    async with running_bot(tmp_path) as h:
        h.add_requester()
        await consultation_until_summary(h)
        summary = last(h)
        send = next(d for label, d in buttons(summary) if "Absenden" in label)
        await h.process(h.factory.callback(ERIKA, summary, send))
        update = h.factory.callback(ERIKA, summary, send, strict=False)
        await h.process(update)
        assert (
            "bereits abgeschickt" in h.api.callback_answers[update["callback_query"]["id"]]["text"]
        )
        assert len(await h.services.storage.tickets.list_for_user("telegram", REQUESTER)) == 1


async def test_stale_button_of_an_earlier_step_changes_nothing(tmp_path: Path) -> None:
    """A button of a step already answered is refused and the current step shown again."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        first = await press(h, "Workshop vor Ort")
        data = next(d for label, d in buttons(first) if "Sonstiges" in label)
        update = h.factory.callback(ERIKA, first, data, strict=False)
        await h.process(update)
        assert (
            "nicht mehr aktuell" in h.api.callback_answers[update["callback_query"]["id"]]["text"]
        )
        draft = await h.services.storage.drafts.get(REQUESTER)
        assert draft is not None and draft.data["answers"]["kind"] == "workshop"
        assert "Handlungsbedarf" in last(h)["text"]


async def test_forged_dialogue_data_for_another_draft_is_refused(tmp_path: Path) -> None:
    """Button data naming someone else's draft changes nothing."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        other = await h.services.storage.drafts.create(
            999, 999, "kind", h.clock(), __import__("datetime").timedelta(days=7)
        )
        message = last(h)
        update = h.factory.callback(
            ERIKA, message, callbacks.dialogue(other.id, 0, "pick", "workshop"), strict=False
        )
        await h.process(update)
        untouched = await h.services.storage.drafts.get(999)
        assert untouched is not None and untouched.data == {}


async def test_draft_survives_restart_and_resumes_at_same_step(tmp_path: Path) -> None:
    """After a restart /anfrage says "Sie waren bei Schritt N von M" and keeps the answers."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        await press(h, "Workshop vor Ort")
        await h.user_says("Mehr Engagement im Ortsteil.")
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        texts = [m["text"] for m in h.api.sent_to(REQUESTER)]
        assert any("Sie waren bei Schritt 3 von 7" in t for t in texts)
        assert "Für welche Kommune" in texts[-1]
        draft = await h.services.storage.drafts.get(REQUESTER)
        assert draft is not None and draft.data["answers"]["need"] == "Mehr Engagement im Ortsteil."


async def test_cancel_deletes_the_draft(tmp_path: Path) -> None:
    """/abbrechen ends the dialogue and deletes the draft; then free text is a question again."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        await press(h, "Workshop vor Ort")
        await h.user_says("/abbrechen")
        assert "abgebrochen" in last(h)["text"]
        assert await h.services.storage.drafts.get(REQUESTER) is None
        await h.user_says("Was kostet die Beratung?")
        assert "kostenfrei" in last(h)["text"]


async def test_question_in_between_is_answered_and_step_continues(tmp_path: Path) -> None:
    """During a step a knowledge question is answered, then "Weiter mit Schritt …"."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        await press(h, "Workshop vor Ort")
        await h.user_says("Ist das kostenlos?")
        texts = [m["text"] for m in h.api.sent_to(REQUESTER)]
        assert "kostenfrei" in texts[-2]
        assert texts[-1].startswith("Weiter mit Schritt 2 von 7")


async def test_need_phrased_as_a_question_is_taken_as_the_answer(tmp_path: Path) -> None:
    """At a free-text step a question the knowledge base is not sure about is the answer itself
    ("Wie stärken wir das Engagement im Dorf?" is the need on site), not an interruption."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        await press(h, "Workshop vor Ort")
        await h.user_says("Wie stärken wir das Engagement im Dorf?")
        assert "Schritt 3 von 7" in last(h)["text"]


async def test_wish_for_consultation_starts_dialogue(tmp_path: Path) -> None:
    """ "Ich möchte eine Beratung" answers and offers to start the request at once."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Ich möchte eine Beratung anfragen")
        message = last(h)
        assert "Anfrage" in message["text"]
        assert any("Anfrage" in label for label, _ in buttons(message))


async def test_open_request_cap(tmp_path: Path) -> None:
    """A user with the maximum of open requests cannot start another one."""
    async with running_bot(tmp_path) as h:
        for _ in range(h.services.settings.requests.max_open_per_user):
            await h.submit(deliver=False)
        await h.user_says("/anfrage")
        assert "offene Anfragen" in last(h)["text"]
        assert await h.services.storage.drafts.get(REQUESTER) is None


async def test_team_chat_id_missing_still_stores_request(tmp_path: Path) -> None:
    """Without a team chat the request is stored; its card waits in the outbox."""
    from bot.config import Settings

    settings = Settings.model_validate({"database": {"path": str(tmp_path / "b.sqlite")}})
    async with running_bot(tmp_path, settings=settings, check_team_chat=False) as h:
        h.add_requester()
        await consultation_until_summary(h)
        await press(h, "Absenden")
        assert "A-2026-0001" in last(h)["text"]
        assert await h.services.storage.outbox.pending_count() == 1
        assert TEAM not in [c.params.get("chat_id") for c in h.api.calls_of("sendMessage")]
