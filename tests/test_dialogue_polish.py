"""The request dialogue as a new user meets it (issue 10, "Dialogue"): through process_update
with the offline fake Bot API, plus the pure rules behind it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import callbacks
from bot.dialogue import DialogueEngine
from bot.dialogue.kind_hint import kind_named_in
from bot.dialogue.steps import SUMMARY
from bot.texts import load_texts
from tests.e2e_support import buttons
from tests.test_dialogue_engine import no_answer, walk
from tests.test_dialogue_handlers import ERIKA, last, press
from tests.test_team_harness import REQUESTER, Harness, running_bot


def labels(message: dict) -> list[str]:
    return [label for label, _ in buttons(message)]


async def draft_answers(h: Harness) -> dict:
    draft = await h.services.storage.drafts.get(REQUESTER)
    assert draft is not None
    return dict(draft.data.get("answers") or {})


async def workshop_until_summary(h: Harness, need: str = "Mehr Engagement im Ortsteil.") -> None:
    await h.user_says("/anfrage")
    await press(h, "Workshop vor Ort")
    for text in (need, "Gemeinde Musterdorf", "Erika Muster, Bürgermeisterin", "erika@muster.de"):
        await h.user_says(text)
    await press(h, "Weiter zur Zusammenfassung")
    assert "Bitte prüfen Sie Ihre Anfrage" in last(h)["text"]


@pytest.fixture(scope="module")
def engine() -> DialogueEngine:
    return DialogueEngine(load_texts(), notice_version="test")


# -- 1. changing the kind from the summary ---------------------------------------------------


async def test_kind_change_from_summary_keeps_typed_text_and_asks_only_the_missing_step(
    tmp_path: Path,
) -> None:
    """Changing "Art" from workshop to "Sonstiges" keeps organisation, name and contact, asks only
    for the new kind's step (Anliegen), and carries the Handlungsbedarf text into the remarks,
    saying so, instead of dropping it silently."""
    async with running_bot(tmp_path) as h:
        await workshop_until_summary(h, need="Wir suchen neue Ehrenamtliche für den Ortsteil.")
        await press(h, "Ändern: Art")
        await press(h, "Sonstiges Anliegen")
        texts = h.user_texts()
        assert any("Handlungsbedarf" in t and "Anmerkungen" in t for t in texts[-3:])
        assert "Anliegen kurz" in last(h)["text"]  # the one missing step, not organisation
        await h.user_says("Eine Frage zur Vernetzung")
        summary = last(h)["text"]
        assert "Bitte prüfen Sie Ihre Anfrage" in summary
        assert "Gemeinde Musterdorf" in summary and "erika@muster.de" in summary
        assert "Handlungsbedarf: Wir suchen neue Ehrenamtliche für den Ortsteil." in summary
        answers = await draft_answers(h)
        assert "need" not in answers
        assert "Wir suchen neue Ehrenamtliche" in answers["remarks"]


def test_kind_change_appends_to_existing_remarks(engine: DialogueEngine) -> None:
    """Text carried on a kind change is added below remarks already given, never replacing them."""
    state = walk(engine, engine.start(), "op:pick:workshop", "Bedarf im Dorf", "Org", "Name",
                 "a@b.de", "op:skip", "Bitte vormittags", "op:edit:kind")
    outcome = engine.on_op(state, "pick", "begleitung")
    assert outcome.state is not None
    assert outcome.state.answers["remarks"] == "Bitte vormittags\nHandlungsbedarf: Bedarf im Dorf"
    assert outcome.state.step == "support"


# -- 2. a stable step count ------------------------------------------------------------------


async def test_step_count_never_jumps_after_the_kind_is_chosen(tmp_path: Path) -> None:
    """Before the kind is chosen the total is the range ("Schritt 1 von 7–8"), so choosing a
    workshop (7 steps) does not look like a jump from 8 to 7."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        assert "Schritt 1 von 7–8" in last(h)["text"]
        await press(h, "Workshop vor Ort")
        assert "Schritt 2 von 7" in last(h)["text"]
        assert not any("von 8" in t for t in h.user_texts())


# -- 3. a kind the user already named is preselected -----------------------------------------


async def test_named_kind_is_preselected_when_the_request_starts(tmp_path: Path) -> None:
    """ "Ich möchte eine Beratung anfragen" then "Anfrage starten": the dialogue names the kind
    and begins with the topic, not with "Worum geht es Ihnen?"; "Zurück" leads to the choice."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Ich möchte eine Beratung anfragen")
        await press(h, "Anfrage starten")
        texts = h.user_texts()
        assert any("Sie möchten: Beratung für Kommunen." in t for t in texts)
        assert "Zu welchem Thema" in last(h)["text"]
        assert not any("Worum geht es Ihnen?" in t for t in texts)
        assert (await draft_answers(h))["kind"] == "beratung"
        await press(h, "Zurück")
        assert "Worum geht es Ihnen?" in last(h)["text"]
        assert "Bisher: Beratung für Kommunen" in last(h)["text"]


async def test_forged_kind_in_start_button_starts_plainly(tmp_path: Path) -> None:
    """An unknown kind in the start button's data is ignored: the dialogue asks for the kind."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Ich möchte eine Beratung anfragen")
        message = last(h)
        await h.process(h.factory.callback(ERIKA, message, "r:zzz", strict=False))
        assert "Worum geht es Ihnen?" in last(h)["text"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Ich möchte eine Beratung", "beratung"),
        ("Wir hätten gern einen Workshop bei uns", "workshop"),
        ("Können Sie uns beim Beteiligungsformat begleiten?", "begleitung"),
        ("Beratung oder Workshop, was passt?", None),
        ("Was kostet das?", None),
    ],
)
def test_kind_named_in_a_message(text: str, kind: str | None) -> None:
    """The kind a message names is found; none or several named give no preselection."""
    assert kind_named_in(text) == kind


def test_start_button_carries_the_named_kind() -> None:
    """The start button's data carries the kind ("r:workshop"), parsed by the strict codec."""
    parsed = callbacks.parse(callbacks.request("workshop"))
    assert parsed is not None and parsed.kind == "request" and parsed.arg == "workshop"
    assert callbacks.parse("r:") is None


# -- 4. Zurück and Ändern show the earlier value ---------------------------------------------


async def test_back_shows_the_earlier_answer_which_can_be_kept(tmp_path: Path) -> None:
    """After "Zurück" the step shows "Bisher: …" with "Beibehalten"; keeping moves on unchanged."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        await press(h, "Workshop vor Ort")
        await h.user_says("Mehr Engagement im Ortsteil.")
        await press(h, "Zurück")
        prompt = last(h)
        assert "Bisher: Mehr Engagement im Ortsteil." in prompt["text"]
        assert "Beibehalten" in labels(prompt)
        await press(h, "Beibehalten")
        assert "Für welche Kommune" in last(h)["text"]
        assert (await draft_answers(h))["need"] == "Mehr Engagement im Ortsteil."


async def test_change_from_summary_shows_the_earlier_answer(tmp_path: Path) -> None:
    """ "Ändern: Kommune/Organisation" shows the current value; "Beibehalten" returns to the
    summary with it unchanged."""
    async with running_bot(tmp_path) as h:
        await workshop_until_summary(h)
        await press(h, "Ändern: Kommune/Organisation")
        assert "Bisher: Gemeinde Musterdorf" in last(h)["text"]
        await press(h, "Beibehalten")
        assert "Bitte prüfen Sie Ihre Anfrage" in last(h)["text"]
        assert (await draft_answers(h))["organisation"] == "Gemeinde Musterdorf"


def test_first_visit_of_a_step_shows_no_earlier_value(engine: DialogueEngine) -> None:
    """A step answered for the first time has no "Bisher" line and no "Beibehalten" button."""
    state = walk(engine, engine.start(), "op:pick:workshop")
    reply = engine.prompt(state, 1)
    assert "Bisher" not in reply.text
    assert all(b.label != "Beibehalten" for row in reply.buttons for b in row)


# -- 5. the format step ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "option"),
    [
        ("per Zoom", "video"),
        ("Teams", "video"),
        ("gern über Webex", "video"),
        ("Jitsi", "video"),
        ("BigBlueButton", "video"),
        ("online", "video"),
        ("digital", "video"),
        ("Video", "video"),
        ("Telefon", "telefon"),
        ("Sie können mich anrufen", "telefon"),
        ("vor Ort", "vorort"),
        ("persönlich", "vorort"),
        ("gern bei uns", "vorort"),
        ("egal", "egal"),
        ("flexibel", "egal"),
        ("nach Absprache", "egal"),
    ],
)
def test_format_accepts_everyday_words(engine: DialogueEngine, typed: str, option: str) -> None:
    """Typed formats like "per Zoom" or "Teams" count as the matching choice."""
    state = walk(engine, engine.start(), "op:pick:beratung", "op:pick:strukturen")
    outcome = engine.on_text(state, typed, no_answer)
    assert outcome.state is not None and outcome.state.answers.get("format") == option


async def test_format_step_offers_any_and_takes_typed_zoom(tmp_path: Path) -> None:
    """The format step has the button "egal / nach Absprache"; typing "per Zoom" is accepted."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        await press(h, "Beratung für Kommunen")
        await press(h, "Engagementkonzept")
        assert "egal / nach Absprache" in labels(last(h))
        await h.user_says("per Zoom")
        assert (await draft_answers(h))["format"] == "video"
        assert "Für welche Kommune" in last(h)["text"]


# -- 6. one button on the last optional step -------------------------------------------------


async def test_last_optional_step_has_one_skip_button(tmp_path: Path) -> None:
    """The remarks step (last before the summary) offers "Überspringen" only; the time step,
    where the two differ, still offers both."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        await press(h, "Workshop vor Ort")
        for text in ("Bedarf im Ort", "Gemeinde Musterdorf", "Erika Muster", "erika@muster.de"):
            await h.user_says(text)
        time_step = labels(last(h))
        assert "Überspringen" in time_step and "Weiter zur Zusammenfassung" in time_step
        await press(h, "Überspringen")
        assert "ergänzen" in last(h)["text"]
        remarks_step = labels(last(h))
        assert "Überspringen" in remarks_step
        assert "Weiter zur Zusammenfassung" not in remarks_step
        await press(h, "Überspringen")
        assert last(h)["text"].startswith("Bitte prüfen Sie Ihre Anfrage")


def test_optional_step_edited_from_summary_has_one_skip_button(engine: DialogueEngine) -> None:
    """Editing the time from the summary: skipping returns to the summary, so one button."""
    state = walk(engine, engine.start(), "op:pick:workshop", "Bedarf", "Org", "Name", "a@b.de",
                 "op:sum", "op:edit:time")
    row_texts = [b.label for row in engine.prompt(state, 1).buttons for b in row]
    assert "Weiter zur Zusammenfassung" not in row_texts and "Überspringen" in row_texts
    assert engine.on_op(state, "skip", None).state.step == SUMMARY  # type: ignore[union-attr]


# -- 7. trivial messages ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["🙈", "?", "...", "!!! 😅"])
async def test_emoji_or_punctuation_is_never_offered_to_the_team(
    tmp_path: Path, text: str
) -> None:
    """A message without words gets a short help reply with the menu, not the fallback's
    "Frage an das Team senden", and is not logged as unanswered."""
    async with running_bot(tmp_path) as h:
        await h.user_says(text)
        reply = last(h)
        assert "in ein paar Worten" in reply["text"]
        assert not any("Team" in label for label in labels(reply))
        assert await h.services.storage.questions.top_unanswered(10) == []


async def test_thumbs_up_is_small_talk(tmp_path: Path) -> None:
    """ "👍" (in the small-talk file) gets the small-talk answer, also with a skin tone."""
    async with running_bot(tmp_path) as h:
        await h.user_says("👍")
        assert "Prima!" in last(h)["text"]
        await h.user_says("👍🏽👍")
        assert "Prima!" in last(h)["text"]


async def test_wordless_answer_to_a_text_step_is_asked_again(tmp_path: Path) -> None:
    """ "..." as the Handlungsbedarf is not taken (it would reach the team as the request's
    content): the bot asks for a few words and stays at the step."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/anfrage")
        await press(h, "Workshop vor Ort")
        await h.user_says("...")
        assert "etwas kurz" in last(h)["text"]
        assert "need" not in await draft_answers(h)


async def test_fallback_request_button_preselects_the_named_kind(tmp_path: Path) -> None:
    """A question the bot cannot answer but which names a workshop: its "Anfrage stellen"
    starts the dialogue with the workshop preselected (the need is asked first)."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Können Sie einen Workshop zur Ersten Hilfe machen?")
        assert "Frage an das Team senden" in labels(last(h))
        await press(h, "Anfrage stellen")
        assert "Handlungsbedarf" in last(h)["text"]
        assert (await draft_answers(h))["kind"] == "workshop"
