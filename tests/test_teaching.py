"""The team teaches the bot: /unbeantwortet groups questions with entry buttons; one tap adds a
phrasing that answers at once; "Keins davon" dismisses; both undo; 👍/👎 under answers.

Everything goes through the real Application (process_update) and the fake Bot API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot import callbacks
from bot.offline import user
from bot.team.teaching import short_label, similar
from bot.tg import jobs, teaching_handlers
from tests.e2e_support import buttons
from tests.test_team_harness import (
    MEMBER,
    OTHER_MEMBER,
    REQUESTER,
    TEAM,
    Harness,
    make_settings,
    running_bot,
)

# Not answerable from the bundled knowledge: the bot falls back (checked in the tests).
UNKNOWN = "Kann der Bürgermeister auch beim Gespräch dabei sein?"
ANSWERABLE = "Was kostet die Beratung?"
ERIKA = user(REQUESTER, "Erika")


def review_messages(bot: Harness) -> list[dict[str, Any]]:
    """Team-chat messages that carry review buttons (u:…), oldest first."""
    return [m for m in bot.api.sent_to(TEAM)
            if any(data.startswith("u:") for _, data in buttons(m))]


def button_data(message: dict[str, Any], prefix: str) -> list[str]:
    return [data for _, data in buttons(message) if data.startswith(prefix)]


async def ask(bot: Harness, text: str, user_id: int = REQUESTER) -> dict[str, Any]:
    """The user asks; returns the bot's answer message (its current state)."""
    await bot.user_says(text, user_id=user_id)
    message = bot.api.last_message(user_id)
    assert message is not None
    return message


def answered_entry(message: dict[str, Any]) -> str | None:
    """The entry an answer message answers with, read from its 👍 button (None: no answer)."""
    for data in button_data(message, "f:"):
        parsed = callbacks.parse(data)
        if parsed is not None and parsed.op == "up":
            return parsed.entry
    return None


async def press(bot: Harness, who: int, message: dict[str, Any], data: str,
                strict: bool = True) -> str | None:
    return await bot.press(who, bot.api.message(message["chat"]["id"], message["message_id"])
                           or message, data, strict=strict)


def current(bot: Harness, message: dict[str, Any]) -> dict[str, Any]:
    found = bot.api.message(message["chat"]["id"], message["message_id"])
    assert found is not None
    return found


async def review_group(bot: Harness) -> dict[str, Any]:
    """/unbeantwortet; returns the (only) group message."""
    await bot.team_says(MEMBER, "/unbeantwortet")
    groups = review_messages(bot)
    assert groups, bot.team_texts()
    return groups[-1]


async def test_one_tap_teaching_answers_the_same_question_at_once(tmp_path: Path) -> None:
    """A fallback question shows up in /unbeantwortet with entry buttons; one tap on an entry
    makes the bot answer the same question with that entry, without a restart."""
    async with running_bot(tmp_path) as bot:
        first = await ask(bot, UNKNOWN)
        assert answered_entry(first) is None  # the bot did not know it
        group = await review_group(bot)
        assert "Kann der Bürgermeister" in group["text"]
        adds = button_data(group, "u:")
        assert adds[-1].endswith(":no") and len(adds) >= 2
        assert all(len(label) <= 30 for label, _ in buttons(group))
        chosen = callbacks.parse(adds[0])
        assert chosen is not None and chosen.op == "add" and chosen.entry
        answer = await press(bot, MEMBER, group, adds[0])
        assert answer is not None and "Gelernt" in answer
        shown = current(bot, group)
        assert "gehört jetzt zu" in shown["text"]
        assert button_data(shown, "u:") == [callbacks.review(chosen.id or 0, "undo")]
        again = await ask(bot, UNKNOWN)
        assert answered_entry(again) == chosen.entry
        assert bot.services.kb.entries[chosen.entry].questions[-1] == UNKNOWN


async def test_taught_phrasing_survives_a_restart(tmp_path: Path) -> None:
    """Taught phrasings are stored in the database and applied again at start-up."""
    async with running_bot(tmp_path) as bot:
        await ask(bot, UNKNOWN)
        group = await review_group(bot)
        add = button_data(group, "u:")[0]
        await press(bot, MEMBER, group, add)
    entry = (callbacks.parse(add) or callbacks.Callback("x")).entry
    async with running_bot(tmp_path) as bot:
        assert answered_entry(await ask(bot, UNKNOWN)) == entry


async def test_undo_takes_the_phrasing_back(tmp_path: Path) -> None:
    """"Rückgängig" after a tap removes the phrasing at once and shows the group's buttons
    again; the question is unanswered as before."""
    async with running_bot(tmp_path) as bot:
        await ask(bot, UNKNOWN)
        group = await review_group(bot)
        add = button_data(group, "u:")[0]
        await press(bot, MEMBER, group, add)
        undo = button_data(current(bot, group), "u:")[0]
        answer = await press(bot, MEMBER, group, undo)
        assert answer is not None and "Rückgängig" in answer
        assert add in button_data(current(bot, group), "u:")
        assert await bot.services.storage.teaching.active_phrasings() == []
        assert answered_entry(await ask(bot, UNKNOWN)) is None


async def test_dismiss_and_undo(tmp_path: Path) -> None:
    """"Keins davon" takes the group off the list without teaching; "Rückgängig" puts it back."""
    async with running_bot(tmp_path) as bot:
        await ask(bot, UNKNOWN)
        group = await review_group(bot)
        await press(bot, MEMBER, group, button_data(group, "u:")[-1])
        assert "abgelegt" in current(bot, group)["text"]
        assert await bot.services.storage.teaching.active_phrasings() == []
        await bot.team_says(MEMBER, "/unbeantwortet")
        assert "Keine offenen Fragen" in bot.team_texts()[-1]
        await press(bot, MEMBER, group, button_data(current(bot, group), "u:")[0])
        assert "Zu welchem Eintrag" in current(bot, group)["text"]
        await bot.team_says(MEMBER, "/unbeantwortet")
        assert "Kann der Bürgermeister" in review_messages(bot)[-1]["text"]


async def test_second_tap_on_a_decided_group_is_refused_politely(tmp_path: Path) -> None:
    """Two copies of the same group (two /unbeantwortet): a tap on the second after the first
    was decided says it is done, shows the decision, and changes nothing."""
    async with running_bot(tmp_path) as bot:
        await ask(bot, UNKNOWN)
        first = await review_group(bot)
        second = await review_group(bot)
        await press(bot, MEMBER, first, button_data(first, "u:")[-1])  # Keins davon
        answer = await press(bot, OTHER_MEMBER, second, button_data(second, "u:")[0])
        assert answer is not None and "schon erledigt" in answer
        shown = current(bot, second)["text"]
        assert "„Kann der Bürgermeister" in shown and "abgelegt" in shown
        assert await bot.services.storage.teaching.active_phrasings() == []


async def test_review_list_groups_similar_questions(tmp_path: Path) -> None:
    """Similar wordings form one group (with their count), different questions separate ones;
    answered questions are not listed."""
    async with running_bot(tmp_path) as bot:
        log = bot.services.storage.questions
        now = bot.clock()
        for user_id, text in ((1, "Gibt es Fördergeld für Vereine?"),
                              (2, "gibt es fördergeld für vereine"),
                              (3, "Gibt es Fördergeld für unsere Vereine?"),
                              (4, "Wo kann man parken?")):
            await log.record(user_id, text, text.casefold(), "fallback", None, now)
        await log.record(5, "Was kostet das?", "was kostet das", "answer", "kosten", now)
        await bot.team_says(MEMBER, "/unbeantwortet")
        head = bot.team_texts()[-3]
        assert "Themen: 2" in head
        groups = review_messages(bot)
        assert len(groups) == 2
        assert "3×" in groups[0]["text"] and "fördergeld" in groups[0]["text"].lower()
        assert "1×" in groups[1]["text"] and "parken" in groups[1]["text"]
        assert not any("kostet" in m["text"] for m in groups)


async def test_feedback_counts_in_statistik_and_downvote_goes_to_review(tmp_path: Path) -> None:
    """👍/👎 under answers are counted per entry in /statistik; one press replaces the buttons
    with a thanks; a 👎 puts the question into /unbeantwortet."""
    async with running_bot(tmp_path) as bot:
        answer = await ask(bot, ANSWERABLE)
        entry = answered_entry(answer)
        assert entry is not None
        said = await press(bot, REQUESTER, answer, callbacks.feedback(entry, "up"))
        assert said is not None and "Danke" in said
        thanked = current(bot, answer)
        assert button_data(thanked, "f:") == [callbacks.feedback(entry, "ok")]
        assert any(data == "m" for _, data in buttons(thanked))  # the other buttons stay
        said = await press(bot, REQUESTER, thanked, callbacks.feedback(entry, "ok"))
        assert said is not None and "schon angekommen" in said
        bot.add_requester(43)
        other = await ask(bot, ANSWERABLE, user_id=43)
        await bot.press(43, other, callbacks.feedback(entry, "down"))
        await bot.team_says(MEMBER, "/statistik")
        stats = bot.team_texts()[-1]
        title = bot.services.kb.entries[entry].title
        assert f"{title}: 👍 1 · 👎 1" in stats
        group = await review_group(bot)
        assert ANSWERABLE in group["text"] and "👎 1×" in group["text"]


async def test_a_second_vote_on_the_same_answer_counts_once(tmp_path: Path) -> None:
    """An old client still showing 👎 after a 👍: the second press is acknowledged, not counted."""
    async with running_bot(tmp_path) as bot:
        answer = await ask(bot, ANSWERABLE)
        entry = answered_entry(answer)
        assert entry is not None
        await press(bot, REQUESTER, answer, callbacks.feedback(entry, "up"))
        said = await bot.press(REQUESTER, answer, callbacks.feedback(entry, "down"), strict=False)
        assert said is not None and "schon angekommen" in said
        [count] = await bot.services.storage.feedback.counts()
        assert (count.up, count.down) == (1, 0)


async def test_loeschen_removes_the_users_questions_and_feedback(tmp_path: Path) -> None:
    """/loeschen takes the user's questions and votes out of the review list and the counts,
    and the review messages that showed them are redacted."""
    async with running_bot(tmp_path) as bot:
        await ask(bot, UNKNOWN)
        answer = await ask(bot, ANSWERABLE)
        entry = answered_entry(answer)
        assert entry is not None
        await press(bot, REQUESTER, answer, callbacks.feedback(entry, "down"))
        assert len(await bot.services.storage.teaching.open_review()) == 2
        group = await review_group(bot)  # shows the user's words in the team chat
        assert UNKNOWN in group["text"]
        await bot.user_says("/loeschen")
        confirm = bot.api.last_message(REQUESTER)
        assert confirm is not None
        [data] = [d for label, d in buttons(confirm) if "löschen" in label]
        await bot.process(bot.factory.callback(ERIKA, confirm, data))
        await bot.deliver()
        assert UNKNOWN not in current(bot, group)["text"]  # redacted (storage/team_posts.py)
        assert await bot.services.storage.teaching.open_review() == []
        assert await bot.services.storage.feedback.counts() == []
        await bot.team_says(MEMBER, "/unbeantwortet")
        assert "Keine offenen Fragen" in bot.team_texts()[-1]


async def test_forged_or_foreign_review_presses_are_rejected(tmp_path: Path) -> None:
    """Review buttons work only on the bot's own message that shows them, in the team chat,
    for team members; forged data changes nothing."""
    settings = make_settings(tmp_path, admins=[MEMBER])
    async with running_bot(tmp_path, settings=settings) as bot:
        await ask(bot, UNKNOWN)
        group = await review_group(bot)
        add = button_data(group, "u:")[0]
        parsed = callbacks.parse(add)
        assert parsed is not None and parsed.id is not None
        # An entry the group does not offer (which ones it offers depends on the matcher).
        offered = set(button_data(group, "u:"))
        forged = next(
            data
            for entry in ("kosten", "traeger", "anfrage", "m1", "m2", "m3", "angebot")
            if (data := callbacks.review(parsed.id, "add", entry)) not in offered
        )
        said = await bot.press(MEMBER, group, forged, strict=False)
        assert said is not None and "nicht verfügbar" in said
        said = await bot.press(OTHER_MEMBER, group, add)  # not a team admin
        assert said is not None and "nicht verfügbar" in said
        for raw in ("u:1:add", "u:x:no", "u:1:add:Kosten!", "f:kosten:maybe", "u:" + "9" * 13
                    + ":no"):
            assert callbacks.parse(raw) is None
        answer = await ask(bot, ANSWERABLE)
        said = await bot.press(REQUESTER, answer, callbacks.review(parsed.id, "no"),
                               strict=False)
        assert said is not None
        entry = answered_entry(answer)
        assert entry is not None
        said = await bot.press(REQUESTER, group, callbacks.feedback(entry, "down"), strict=False)
        assert await bot.services.storage.teaching.active_phrasings() == []
        assert await bot.services.storage.feedback.counts() == []
        assert len(await bot.services.storage.teaching.open_review()) == 1


async def test_weekly_digest_posts_the_review_list_only_when_needed(tmp_path: Path) -> None:
    """The weekly job posts the review list with its buttons, and nothing when it is empty;
    it is scheduled on the configured weekday."""
    async with running_bot(tmp_path) as bot:
        before = len(bot.api.sent_to(TEAM))
        assert await teaching_handlers.send_review_digest(bot.app.bot, bot.services) == 0
        assert len(bot.api.sent_to(TEAM)) == before
        await ask(bot, UNKNOWN)
        assert await teaching_handlers.send_review_digest(bot.app.bot, bot.services) == 1
        assert "Wochenrückblick" in bot.team_texts()[-2]
        assert review_messages(bot)
        [job] = bot.app.job_queue.get_jobs_by_name("review_digest")
        assert job is not None
    settings = make_settings(tmp_path, review_day=None)
    async with running_bot(tmp_path, settings=settings) as bot:
        assert bot.app.job_queue.get_jobs_by_name("review_digest") == ()


async def test_reload_keeps_taught_phrasings(tmp_path: Path) -> None:
    """/reload reads the files anew and applies the taught phrasings on top again."""
    async with running_bot(tmp_path) as bot:
        await ask(bot, UNKNOWN)
        group = await review_group(bot)
        add = button_data(group, "u:")[0]
        await press(bot, MEMBER, group, add)
        await bot.team_says(MEMBER, "/reload")
        assert "neu geladen" in bot.team_texts()[-1]
        assert answered_entry(await ask(bot, UNKNOWN)) == (callbacks.parse(add)
                                                           or callbacks.Callback("x")).entry


async def test_retention_deletes_old_feedback(tmp_path: Path) -> None:
    """Votes are kept as long as the question log (retention.question_log_days), then deleted."""
    async with running_bot(tmp_path) as bot:
        answer = await ask(bot, ANSWERABLE)
        entry = answered_entry(answer)
        assert entry is not None
        await press(bot, REQUESTER, answer, callbacks.feedback(entry, "up"))
        bot.clock.advance(days=bot.services.settings.retention.question_log_days + 1)
        counts = await jobs.apply_retention(bot.services)
        assert counts["feedback"] == 1
        assert await bot.services.storage.feedback.counts() == []


def test_grouping_compares_short_questions_as_a_whole() -> None:
    """A one- or two-word question is not merged into every longer question containing its
    words; wordings that differ in small words are; labels stay within 30 characters."""
    assert similar("gibt es foerdergeld fuer vereine", "gibt es foerdergeld fuer unsere vereine")
    assert not similar("kosten", "was kosten die workshops fuer vereine")
    assert similar("kosten", "kosten")
    assert len(short_label("Modul III: Workshops vor Ort für Kommunen und Vereine")) <= 30
    assert short_label("Kosten") == "Kosten"
    longest = callbacks.review(10**12 - 1, "add", "a" * 31)
    assert callbacks.parse(longest) is not None and len(longest.encode()) <= callbacks.MAX_BYTES


async def test_vote_on_an_entry_opened_from_the_menu_is_counted_without_a_question(
    tmp_path: Path,
) -> None:
    """Entries opened by a button also ask "Hat das geholfen?"; a 👎 there is counted but links
    no question unless the user's last question was answered with that entry."""
    async with running_bot(tmp_path) as bot:
        await ask(bot, UNKNOWN)  # the user's last question: not about this entry
        await bot.user_says("/start")
        menu = bot.api.last_message(REQUESTER)
        assert menu is not None
        entry_button = next(data for _, data in buttons(menu) if data.startswith("e:"))
        await bot.press(REQUESTER, menu, entry_button)
        shown = bot.api.last_message(REQUESTER)
        assert shown is not None
        entry = answered_entry(shown)
        assert entry is not None and entry_button == callbacks.entry(entry)
        await press(bot, REQUESTER, shown, callbacks.feedback(entry, "down"))
        [count] = await bot.services.storage.feedback.counts()
        assert (count.entry_id, count.up, count.down) == (entry, 0, 1)
        review = await bot.services.storage.teaching.open_review()
        assert [q.text for q in review] == [UNKNOWN] and not review[0].downvoted


async def test_a_question_that_is_another_entrys_example_is_not_taught_twice(
    tmp_path: Path,
) -> None:
    """A 👎 on an answer to one of an entry's own example questions: the team cannot add it to a
    second entry (the matcher would be torn between both); it is told where it stands."""
    async with running_bot(tmp_path) as bot:
        kb = bot.services.kb
        example = next(q for q in kb.entries["kosten"].questions if len(q.split()) >= 3)
        answer = await ask(bot, example)
        assert answered_entry(answer) == "kosten"
        await press(bot, REQUESTER, answer, callbacks.feedback("kosten", "down"))
        group = await review_group(bot)
        other = next(d for d in button_data(group, "u:")
                     if ":add:" in d and not d.endswith(":kosten"))
        said = await press(bot, MEMBER, group, other)
        assert said is not None and "schon als Beispiel" in said
        assert await bot.services.storage.teaching.active_phrasings() == []
        assert "Zu welchem Eintrag" in current(bot, group)["text"]
