"""What the user is told about their data: /loeschen's count, the privacy notices' numbers and
claims, and the readable summary of /meinedaten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.config import Settings
from bot.offline import user
from bot.rights.counts import deletion_list
from bot.storage.privacy import StoredCounts
from bot.team.display import day
from bot.texts import load_texts
from tests.test_team_harness import (
    MEMBER,
    REQUESTER,
    TEAM,
    Harness,
    press_button,
    request_data,
    running_bot,
)

ERIKA = user(REQUESTER, "Erika")
RETENTION = {"closed_requests_days": 123, "question_log_days": 45, "delivered_outbox_days": 12}
DRAFT_DAYS = 5


def settings(tmp_path: Path) -> Settings:
    """Unusual retention numbers, so a text can only contain them if it took them from here."""
    return Settings.model_validate({
        "team": {"chat_id": TEAM}, "database": {"path": str(tmp_path / "bot.sqlite")},
        "retention": RETENTION, "requests": {"draft_ttl_days": DRAFT_DAYS},
        "limits": {"burst": 100},
    })



def last_text(h: Harness) -> str:
    message = h.api.last_message(REQUESTER)
    assert message is not None
    return str(message.get("text", ""))


# -- /loeschen counts what it will delete ---------------------------------------------------


def test_deletion_list_names_only_what_exists_in_correct_german() -> None:
    """Singular and plural forms, "einen unfertigen Entwurf" only with a draft, "und" before
    the last item, nothing for a count of zero."""
    texts = load_texts()
    assert deletion_list(StoredCounts(requests=1, team_questions=1), texts) == (
        "1 Anfrage und 1 Frage an das Team")
    assert deletion_list(StoredCounts(requests=2, team_questions=3, drafts=1, questions=4),
                         texts) == ("2 Anfragen, 3 Fragen an das Team, einen unfertigen Entwurf"
                                    " und 4 gestellte Fragen")
    assert deletion_list(StoredCounts(questions=1), texts) == "1 gestellte Frage"
    assert deletion_list(StoredCounts(), texts) == ""


async def test_loeschen_confirmation_counts_requests_without_a_phantom_draft(
        tmp_path: Path) -> None:
    """/loeschen with one request and no draft says "1 Anfrage" and mentions no draft."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        await h.submit()
        assert await h.services.storage.drafts.get(REQUESTER) is None  # submitting ended it
        await h.user_says("/loeschen")
        text = last_text(h)
        assert "1 Anfrage" in text and "Entwurf" not in text and "Fragen an das Team" not in text


async def test_loeschen_confirmation_counts_draft_and_questions(tmp_path: Path) -> None:
    """A started request and a question asked: "einen unfertigen Entwurf und 1 gestellte Frage"
    and no request; with nothing stored there is nothing to confirm."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        h.add_requester()
        await h.user_says("/loeschen")
        assert last_text(h) == h.services.texts.render("delete_nothing")
        await h.user_says("Wie pflegt man Kakadu-Zwergpalmen im Rathausgarten?")
        await h.user_says("/anfrage")
        await h.user_says("/loeschen")
        text = last_text(h)
        assert "einen unfertigen Entwurf und 1 gestellte Frage" in text
        assert "Anfrage," not in text and "1 Anfrage" not in text


# -- the privacy texts say what the code does -----------------------------------------------


async def test_privacy_notices_take_retention_from_configuration(tmp_path: Path) -> None:
    """/datenschutz and the dialogue's short notice show the configured retention numbers; no
    text calls the question log "anonym" (it stores the user id, the team sees the wording)."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        h.add_requester()
        await h.user_says("/datenschutz")
        full = last_text(h)
        for days in (123, 45, 12, DRAFT_DAYS):
            assert f"{days} Tage" in full, days
        assert "anonym" not in full.lower() and "User-ID" in full
        await h.user_says("/anfrage")
        await press_button(h, ERIKA, "Beratung für Kommunen")
        await press_button(h, ERIKA, "Engagementkonzept")
        await press_button(h, ERIKA, "per Video")
        short = next(t for t in (m.get("text", "") for m in h.api.sent_to(REQUESTER))
                     if "Kurz zum Datenschutz" in t)
        assert "123 Tage nach Abschluss" in short
    texts = load_texts()
    names = texts.keys()
    assert not [key for key in names if "anonym" in texts.raw(key).lower()]


# -- /meinedaten: a readable summary next to the JSON file ----------------------------------


async def test_my_data_summary_says_what_why_and_until_when(tmp_path: Path) -> None:
    """/meinedaten sends the JSON file and a German summary: the counts, the contact data, the
    purpose, and deletion dates computed from the retention settings."""
    async with running_bot(tmp_path, settings=settings(tmp_path)) as h:
        done = await h.submit(request_data(email="erika@quasimodo.test"))
        closed = await h.services.storage.tickets.change_status(
            done.id, {"open"}, "done", MEMBER, "Tom", h.clock())
        assert closed is not None and closed.closed_at is not None
        still_open = await h.submit()
        asked_at = h.clock()
        await h.user_says("Wie pflegt man Kakadu-Zwergpalmen im Rathausgarten?")
        await h.user_says("/meinedaten")
        sent = h.api.sent_to(REQUESTER)
        assert "document" in sent[-2]
        summary = str(sent[-1]["text"])
        assert "2 Anfragen" in summary and "1 gestellte Frage" in summary
        assert "erika@quasimodo.test" in summary and "Gemeinde Musterdorf" in summary
        assert "Wozu" in summary
        zone = h.services.settings.zone
        deleted_from = day(closed.closed_at + dt.timedelta(days=123), zone)
        closed_on = day(closed.closed_at, zone)
        assert f"{done.ref} (erledigt am {closed_on}): wird ab {deleted_from}" in summary
        assert f"{still_open.ref} (offen): bis 123 Tage nach Abschluss" in summary
        assert day(asked_at + dt.timedelta(days=45), zone) in summary
