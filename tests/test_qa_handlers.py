"""Q&A in Telegram, through process_update with the recording fake transport."""

from __future__ import annotations

from pathlib import Path

from bot.offline import user
from tests.e2e_support import buttons
from tests.test_team_harness import REQUESTER, TEAM, Harness, press_button, running_bot

ERIKA = user(REQUESTER, "Erika")


def last(h: Harness, chat_id: int = REQUESTER) -> dict:
    message = h.api.last_message(chat_id)
    assert message is not None
    return message


def labels(message: dict) -> list[str]:
    return [label for label, _ in buttons(message)]


async def press_label(h: Harness, label: str, chat_id: int = REQUESTER) -> None:
    await press_button(h, ERIKA, label, chat_id)


async def test_start_greets_and_shows_menu(tmp_path: Path) -> None:
    """/start greets briefly and offers the three modules, a question and a request."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/start")
        message = last(h)
        assert "Engagement-Assistent" in message["text"]
        assert len(message["text"]) < 600
        assert any("Modul I" in label for label in labels(message))
        assert any("Modul III" in label for label in labels(message))
        assert "Frage stellen" in labels(message) and "Anfrage stellen" in labels(message)


async def test_menu_navigation_module_details_related_and_back(tmp_path: Path) -> None:
    """Module button -> details with related buttons -> related entry -> back to the menu; each
    view replaces the one whose button was pressed (issue 10: no new message per step)."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/start")
        await press_label(h, "Modul II")
        module = last(h)
        assert "Beratung" in module["text"]
        related = [label for label in labels(module) if label not in ("Menü", "« Zurück")]
        assert related, "a module overview offers its details"
        await press_label(h, related[0])
        assert last(h)["message_id"] == module["message_id"]
        await press_label(h, "Menü")
        assert "Modul I" in " ".join(labels(last(h)))


async def test_free_text_question_gets_answer_with_related_buttons(tmp_path: Path) -> None:
    """A typed question is answered from the knowledge base, with follow-up buttons."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Was kostet die Beratung?")
        message = last(h)
        assert "kostenfrei" in message["text"]
        assert "Menü" in labels(message) and len(labels(message)) >= 2


async def test_unclear_question_gets_suggestions(tmp_path: Path) -> None:
    """A middling match offers "Meinten Sie …?" with up to three entry buttons that answer."""
    async with running_bot(tmp_path) as h:
        await h.user_says("wie lange")  # consultation or workshop? Both are plausible.
        message = last(h)
        assert "Meinten Sie" in message["text"]
        entry_buttons = [label for label, d in buttons(message) if d.startswith("e:")]
        assert 2 <= len(entry_buttons) <= 3
        await press_label(h, entry_buttons[0])
        assert last(h)["message_id"] > message["message_id"]


async def test_unknown_question_gets_honest_fallback_with_team_offer(tmp_path: Path) -> None:
    """Out of scope: the bot says it does not know, offers the team and the menu."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Wie wird das Wetter morgen?")
        message = last(h)
        assert "keine Antwort" in message["text"]
        assert "Frage an das Team senden" in labels(message)
        assert any("Modul" in label for label in labels(message))


async def test_question_sent_to_team_becomes_a_ticket(tmp_path: Path) -> None:
    """The fallback's team button creates a question ticket with a card in the team chat."""
    async with running_bot(tmp_path) as h:
        h.add_requester()
        await h.user_says("Gibt es Fördermittel für unser Feuerwehrhaus?")
        await press_label(h, "Frage an das Team senden")
        assert "F-" in last(h)["text"]
        await h.deliver()
        assert any("Feuerwehrhaus" in t for t in h.team_texts())


async def test_help_lists_commands(tmp_path: Path) -> None:
    """/hilfe explains what the bot does and names its commands."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/hilfe")
        text = last(h)["text"]
        for command in ("/anfrage", "/datenschutz", "/meinedaten", "/loeschen"):
            assert command in text


async def test_edited_message_gets_a_short_note(tmp_path: Path) -> None:
    """An edited question is not re-answered; the user is asked to send a new message."""
    async with running_bot(tmp_path) as h:
        sent = await h.user_says("Was kostet das?")
        before = len(h.api.sent_to(REQUESTER))
        await h.process(h.factory.edited_message(sent["message"], "Was kostet die Beratung?"))
        assert len(h.api.sent_to(REQUESTER)) == before + 1
        assert "bearbeitet" in last(h)["text"]


async def test_sticker_photo_voice_get_friendly_reply(tmp_path: Path) -> None:
    """Stickers, photos and voice messages get a short note that only text is read."""
    async with running_bot(tmp_path) as h:
        for update in (h.factory.sticker(ERIKA), h.factory.photo(ERIKA), h.factory.voice(ERIKA)):
            before = len(h.api.sent_to(REQUESTER))
            await h.process(update)
            assert len(h.api.sent_to(REQUESTER)) == before + 1
            assert "Textnachrichten" in last(h)["text"]


async def test_unknown_command_points_to_help(tmp_path: Path) -> None:
    """An unknown command is answered with a pointer to /hilfe."""
    async with running_bot(tmp_path) as h:
        await h.user_says("/gibtsnicht")
        assert "/hilfe" in last(h)["text"]


async def test_very_long_question_is_refused_politely(tmp_path: Path) -> None:
    """A 4,096-character message is not matched; the user is asked to shorten it."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Beratung " * 455)
        assert "sehr lang" in last(h)["text"]


async def test_commands_registered_with_telegram(tmp_path: Path) -> None:
    """setMyCommands registers the private commands and the team commands for the team chat."""
    async with running_bot(tmp_path) as h:
        calls = h.api.calls_of("setMyCommands")
        scopes = [c.params.get("scope", {}).get("type") for c in calls]
        assert "all_private_chats" in scopes and "chat" in scopes
        private = next(c for c in calls if c.params["scope"]["type"] == "all_private_chats")
        assert {"start", "anfrage", "hilfe"} <= {c["command"] for c in private.params["commands"]}


async def test_team_chat_not_answered_as_questions(tmp_path: Path) -> None:
    """Ordinary chatter in the team chat gets no Q&A answer."""
    async with running_bot(tmp_path) as h:
        before = len(h.api.sent_to(TEAM))
        await h.team_says(7001, "Was kostet die Beratung?")
        assert len(h.api.sent_to(TEAM)) == before


async def test_foreign_group_message_makes_the_bot_leave_silently(tmp_path: Path) -> None:
    """In a group that is not the team chat the bot shows nothing and leaves."""
    async with running_bot(tmp_path) as h:
        await h.process(h.factory.group_message(ERIKA, -555, "Was kostet die Beratung?"))
        assert h.api.sent_to(-555) == []
        assert [c.params["chat_id"] for c in h.api.calls_of("leaveChat")] == [-555]


async def test_added_to_foreign_group_leaves_at_once(tmp_path: Path) -> None:
    """my_chat_member: added to a foreign group, the bot leaves before anyone writes."""
    async with running_bot(tmp_path) as h:
        chat = h.factory.group_chat(-777, "Irgendeine Gruppe")
        await h.process(h.factory.my_chat_member(chat, "member", ERIKA, old_status="left"))
        assert h.api.sent_to(-777) == []
        assert [c.params["chat_id"] for c in h.api.calls_of("leaveChat")] == [-777]


async def test_rate_limit_gives_one_notice_then_silence(tmp_path: Path) -> None:
    """A flood of messages: the burst is answered, then one notice, then nothing."""
    async with running_bot(tmp_path) as h:
        burst = h.services.settings.limits.burst
        for _ in range(burst + 5):
            await h.user_says("Hallo")
        texts = [m["text"] for m in h.api.sent_to(REQUESTER)]
        assert len(texts) == burst + 1
        assert "sehr schnell" in texts[-1]


# -- the conversation: places, follow-ups, two questions, near misses ---------------------------


async def test_a_town_name_is_read_as_a_place(tmp_path: Path) -> None:
    """"Gilt das auch für uns in Kappeln?" gets the region answer, not the fallback."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Gilt das Angebot auch für uns in Kappeln?")
        message = last(h)
        assert "Schleswig-Holstein" in message["text"] or "landesweit" in message["text"]
        assert "keine Antwort" not in message["text"]


async def test_follow_up_uses_the_last_topic_until_it_expires(tmp_path: Path) -> None:
    """"Wie viel Zeit müssen wir einplanen?" after the workshops is about the workshops;
    after the configured minutes without a message the topic is forgotten."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Was bietet ihr im Modul III an?")
        await h.user_says("Wie viel Zeit müssen wir dafür einplanen?")
        assert "Auftakt" in last(h)["text"]
        await h.user_says("Beratung für Kommunen")
        h.clock.advance(minutes=h.services.settings.matching.context_minutes + 1)
        await h.user_says("welche themen?")
        assert "Unterstützungsstruktur" not in last(h)["text"]


async def test_start_forgets_the_topic(tmp_path: Path) -> None:
    """After /start a follow-up stands on its own."""
    async with running_bot(tmp_path) as h:
        await h.user_says("beratung für kommunen")
        await h.user_says("welche themen?")
        assert "Unterstützungsstruktur" in last(h)["text"]
        await h.user_says("/start")
        await h.user_says("welche themen?")
        assert "Unterstützungsstruktur" not in last(h)["text"]


async def test_an_explicit_change_of_topic_wins(tmp_path: Path) -> None:
    """A new topic named outright is answered, whatever the conversation was about."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Wie lange dauert eine Beratung?")
        await h.user_says("Etwas anderes: Welche Inhalte hatte die Lernwerkstatt?")
        assert "Spannungsfeld" in last(h)["text"]


async def test_two_questions_in_one_message_are_both_answered(tmp_path: Path) -> None:
    """"Was kostet die Beratung und wie lange dauert sie?" gets cost and duration in one message."""
    async with running_bot(tmp_path) as h:
        before = len(h.api.sent_to(REQUESTER))
        await h.user_says("Was kostet die Beratung und wie lange dauert sie?")
        assert len(h.api.sent_to(REQUESTER)) == before + 1
        text = last(h)["text"]
        assert "kostenfrei" in text and "halben Tag" in text
        assert len(text) <= 3000


async def test_a_near_miss_says_it_has_no_detail_and_offers_the_team(tmp_path: Path) -> None:
    """A deadline the offer does not state: "keine Angabe", the closest answer, the team button."""
    async with running_bot(tmp_path) as h:
        await h.user_says("Bis wann muss man sich für die Beratung anmelden, gibt es eine Frist?")
        message = last(h)
        assert message["text"].startswith("Dazu habe ich keine Angabe")
        assert "Frage an das Team senden" in labels(message)


async def test_a_knowledge_reload_keeps_the_conversations(tmp_path: Path) -> None:
    """After the team reloads the knowledge base, a follow-up still knows its topic."""
    from bot.tg.team.reload import reload_knowledge

    async with running_bot(tmp_path) as h:
        await h.user_says("beratung für kommunen")
        reload_knowledge(h.services)
        await h.user_says("welche themen?")
        assert "Unterstützungsstruktur" in last(h)["text"]
