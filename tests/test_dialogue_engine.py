"""The request dialogue's rules, without Telegram: steps, validation, navigation, summary."""

from __future__ import annotations

import pytest

from bot import callbacks
from bot.dialogue import DialogueEngine, DialogueState
from bot.dialogue.steps import FLOWS, SUMMARY
from bot.dialogue.validation import clean, match_option, parse_contact
from bot.replies import Reply
from bot.texts import load_texts


@pytest.fixture(scope="module")
def engine() -> DialogueEngine:
    return DialogueEngine(load_texts(), notice_version="test")


def no_answer(_: str, strict: bool = False) -> Reply | None:
    return None


def kb_answer(_: str, strict: bool = False) -> Reply | None:
    return Reply(kind="answer", text="Die Angebote sind kostenfrei.")


def walk(engine: DialogueEngine, state: DialogueState, *inputs: str) -> DialogueState:
    for item in inputs:
        if item.startswith("op:"):
            _, op, *arg = item.split(":")
            outcome = engine.on_op(state, op, arg[0] if arg else None)
        else:
            outcome = engine.on_text(state, item, no_answer)
        assert outcome.state is not None
        state = outcome.state
    return state


def test_consultation_flow_reaches_summary_with_all_answers(engine: DialogueEngine) -> None:
    """A consultation asks topics and format, then the personal steps, then shows the summary."""
    state = walk(
        engine,
        engine.start(),
        "op:pick:beratung",
        "op:many",
        "op:tog:beteiligung",
        "op:tog:strukturen",
        "op:tog:strukturen",
        "op:next",
        "op:pick:video",
        "Gemeinde Musterdorf",
        "Erika Muster, Bürgermeisterin",
        "erika@musterdorf.de",
        "op:skip",
        "op:skip",
    )
    assert state.step == SUMMARY
    data = engine.ticket_data(state)
    assert data["kind"] == "beratung"
    assert data["topics"] == ["beteiligung"]
    assert data["format"] == "video"
    assert data["email"] == "erika@musterdorf.de"
    assert data["time"] is None


def test_one_tap_picks_one_topic_and_moves_on(engine: DialogueEngine) -> None:
    """The quick path: tapping a topic selects it and goes to the format step."""
    state = walk(engine, engine.start(), "op:pick:beratung", "op:pick:strukturen")
    assert state.step == "format" and state.answers["topics"] == ["strukturen"]


def test_typed_text_matching_a_button_counts_as_that_choice(engine: DialogueEngine) -> None:
    """Typing 'workshop vor ort' (or with a typo) picks the workshop kind."""
    outcome = engine.on_text(engine.start(), "Workshp vor Ort", no_answer)
    assert outcome.state is not None and outcome.state.kind == "workshop"
    assert outcome.state.step == "need"


def test_turn_advances_on_progress_not_on_errors(engine: DialogueEngine) -> None:
    """An invalid answer keeps the turn (old buttons stay valid); a real step advances it."""
    start = engine.start()
    failed = engine.on_text(start, "keine Ahnung", no_answer).state
    assert failed is not None and failed.progressed_from(start).turn == start.turn
    moved = engine.on_op(start, "pick", "workshop").state
    assert moved is not None and moved.progressed_from(start).turn == start.turn + 1


def test_progress_counts_steps_of_the_chosen_kind(engine: DialogueEngine) -> None:
    """The prompt shows 'Schritt N von M' with M the length of the chosen kind's flow."""
    state = walk(engine, engine.start(), "op:pick:workshop")
    reply = engine.prompt(state, draft_id=1)
    assert f"Schritt 2 von {len(FLOWS['workshop'])}" in reply.text


def test_every_step_offers_back_and_cancel_and_optional_steps_skip(engine: DialogueEngine) -> None:
    """Zurück and Abbrechen on every step after the first; Überspringen on optional ones."""
    state = walk(
        engine,
        engine.start(),
        "op:pick:workshop",
        "Wir brauchen mehr Ehrenamtliche",
        "Amt Nord",
        "Max Muster, Leitung",
        "0431 123456",
    )
    assert state.step == "time"
    labels = [b.label for row in engine.prompt(state, 1).buttons for b in row]
    assert "« Zurück" in labels and "Abbrechen" in labels and "Überspringen" in labels


def test_back_returns_to_previous_step_keeping_answers(engine: DialogueEngine) -> None:
    """Zurück goes one step back; the earlier answers stay."""
    state = walk(
        engine, engine.start(), "op:pick:sonstiges", "Eine Frage zur Vernetzung", "op:back"
    )
    assert state.step == "concern"
    assert state.answers["concern"] == "Eine Frage zur Vernetzung"


def test_contact_validation_escalates_and_offers_a_way_out(engine: DialogueEngine) -> None:
    """Three invalid contacts give three different, more helpful messages, then a way out."""
    state = walk(engine, engine.start(), "op:pick:sonstiges", "Anliegen", "Org", "Name Funktion")
    notes, prompts = [], []
    for _ in range(3):
        outcome = engine.on_text(state, "weiß ich nicht", no_answer)
        assert outcome.state is not None
        state = outcome.state
        notes.append(outcome.notes[0])
        prompts.append(outcome.show_prompt)
    assert prompts == [False, False, True]  # the prompt is repeated only with the way out
    assert len(set(notes)) == 3
    assert "name@gemeinde.de" in notes[0]
    labels = [b.label for row in engine.prompt(state, 1).buttons for b in row]
    assert "Nur hier im Chat kontaktieren" in labels
    outcome = engine.on_op(state, "tgonly", None)
    assert outcome.state is not None and outcome.state.step == "time"


def test_question_in_between_is_answered_and_step_reasked(engine: DialogueEngine) -> None:
    """A question during a step is answered by the knowledge base; the step stays the same."""
    state = walk(engine, engine.start(), "op:pick:workshop")
    outcome = engine.on_text(state, "Was kostet das eigentlich?", kb_answer)
    assert outcome.interrupted
    assert outcome.state == state
    assert "kostenfrei" in outcome.notes[0]


def test_change_from_summary_returns_to_summary(engine: DialogueEngine) -> None:
    """After changing one field from the summary, the user is back at the summary."""
    state = walk(
        engine, engine.start(), "op:pick:workshop", "Bedarf", "Org", "Name", "a@b.de", "op:sum"
    )
    assert state.step == SUMMARY
    state = walk(engine, state, "op:edit:organisation", "Neue Gemeinde")
    assert state.step == SUMMARY
    assert state.answers["organisation"] == "Neue Gemeinde"


def test_changing_the_kind_asks_only_the_missing_steps(engine: DialogueEngine) -> None:
    """Switching workshop -> consultation from the summary asks only topics and format."""
    state = walk(
        engine,
        engine.start(),
        "op:pick:workshop",
        "Bedarf",
        "Org",
        "Name",
        "a@b.de",
        "op:sum",
        "op:edit:kind",
        "op:pick:beratung",
    )
    assert state.step == "topics"
    state = walk(engine, state, "Eigenes Thema: Ehrenamtsbörse", "op:pick:telefon")
    assert state.step == SUMMARY
    assert state.answers["organisation"] == "Org"
    assert "need" not in state.answers


def test_submit_only_from_summary(engine: DialogueEngine) -> None:
    """'send' outside the summary does nothing; on the summary it asks to submit."""
    state = walk(engine, engine.start(), "op:pick:workshop")
    assert not engine.on_op(state, "send", None).submit
    state = walk(engine, state, "Bedarf", "Org", "Name", "a@b.de", "op:sum")
    assert engine.on_op(state, "send", None).submit


def test_cancel_ends_the_draft(engine: DialogueEngine) -> None:
    """Abbrechen ends the dialogue and says so."""
    outcome = engine.on_op(walk(engine, engine.start(), "op:pick:workshop"), "cancel", None)
    assert outcome.cancelled and outcome.state is None
    assert "abgebrochen" in outcome.notes[0]


def test_privacy_notice_needed_before_first_personal_step(engine: DialogueEngine) -> None:
    """The notice is due exactly when the first personal question comes up."""
    state = walk(engine, engine.start(), "op:pick:workshop")
    assert not engine.needs_notice(state)
    state = walk(engine, state, "Bedarf")
    assert state.step == "organisation" and engine.needs_notice(state)
    state = engine.mark_notice(state, "2026-11-25T10:00:00+00:00")
    assert not engine.needs_notice(state) and state.notice_version == "test"


def test_summary_escapes_user_text_and_has_change_buttons(engine: DialogueEngine) -> None:
    """User input in the summary is escaped; every field has its change button."""
    state = walk(
        engine,
        engine.start(),
        "op:pick:workshop",
        "<b>Bedarf</b> & mehr",
        "Org",
        "Name",
        "a@b.de",
        "op:sum",
    )
    reply = engine.summary(state, 5)
    assert "&lt;b&gt;Bedarf&lt;/b&gt; &amp; mehr" in reply.text
    data = [b.data for row in reply.buttons for b in row]
    assert callbacks.dialogue(5, state.turn, "edit", "need") in data
    assert callbacks.dialogue(5, state.turn, "send") in data


def test_too_long_answer_is_rejected_with_limit(engine: DialogueEngine) -> None:
    """A 4,096-character organisation name is refused with the limit named."""
    state = walk(engine, engine.start(), "op:pick:workshop", "Bedarf")
    outcome = engine.on_text(state, "x" * 4096, no_answer)
    assert outcome.state is not None and outcome.state.step == "organisation"
    assert "200" in outcome.notes[0]


@pytest.mark.parametrize(
    ("text", "email", "phone"),
    [
        ("erika@gemeinde.de", "erika@gemeinde.de", None),
        ("Tel. 0431 / 123 456", None, "0431 / 123 456"),
        ("+49 431 123456 oder e.m@amt-nord.de", "e.m@amt-nord.de", "+49 431 123456"),
    ],
)
def test_parse_contact(text: str, email: str | None, phone: str | None) -> None:
    """E-mail and phone are found in free text."""
    contact = parse_contact(text)
    assert contact is not None and contact.email == email and contact.phone == phone


def test_parse_contact_rejects_non_contacts() -> None:
    """Words, short numbers and broken addresses are no contact."""
    for text in ("morgen", "12345", "erika@", "@gemeinde.de"):
        assert parse_contact(text) is None


def test_clean_removes_invisible_marks() -> None:
    """Right-to-left marks and control characters are removed, spaces folded."""
    assert clean("\u200fGemeinde\u0007  Nord\u200e") == "Gemeinde Nord"


def test_match_option_refuses_ambiguous_text() -> None:
    """Text that fits two options equally well is not guessed."""
    assert match_option("vor ort", {"a": "Workshop vor Ort", "b": "persönlich vor Ort"}) is None
