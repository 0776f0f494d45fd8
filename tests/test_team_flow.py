"""The team side through the real Application: cards, buttons, replies, questions for the team."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot import callbacks
from bot.offline import BOT_ID, FakeBotApi
from bot.tg.team import chat_check
from tests.test_team_harness import (
    MEMBER,
    OTHER_MEMBER,
    REQUESTER,
    TEAM,
    make_settings,
    request_data,
    running_bot,
)


async def test_card_appears_in_team_chat_after_submit(tmp_path: Path) -> None:
    """A submitted request shows up once as a card with ref, kind, fields and buttons."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        cards = bot.cards_in_team()
        assert len(cards) == 1
        text = cards[0]["text"]
        assert ticket.ref in text and "Beratung für Kommunen" in text
        assert "Gemeinde Musterdorf" in text and "erika@musterdorf.de" in text
        assert "🟢 offen" in text
        assert "02.03.2026, 10:30" in text  # 09:30 UTC shown in Berlin time
        datas = [b["callback_data"] for row in cards[0]["reply_markup"]["inline_keyboard"]
                 for b in row]
        assert datas == [callbacks.card(ticket.id, "take"), callbacks.card(ticket.id, "done")]
        assert ticket.card_message_id == cards[0]["message_id"]
        links = bot.services.storage.messages
        assert await links.ticket_for_message("telegram", TEAM, cards[0]["message_id"]) == ticket.id


async def test_card_escapes_user_html(tmp_path: Path) -> None:
    """Markup in user fields is shown literally and does not break the card."""
    async with running_bot(tmp_path) as bot:
        evil = 'Gemeinde <b>X</b> & "Y" </code> \u200f'
        await bot.submit(request_data(organisation=evil, organisation_label=evil))
        text = bot.cards_in_team()[0]["text"]
        assert 'Gemeinde <b>X</b> & "Y" </code>' in text  # the parsed text shows the characters


async def test_take_edits_card_and_notifies_requester(tmp_path: Path) -> None:
    """Übernehmen: card shows the assignee, the requester hears the first name only."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        answer = await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"),
                                 first_name="Tom")
        assert answer is not None and "Übernommen" in answer
        await bot.deliver()
        card = bot.card(await bot.ticket(ticket.id))
        assert "🟡 übernommen von Tom" in card["text"]
        notice = bot.user_texts()[-1]
        assert ticket.ref in notice and "Tom" in notice and "übernommen" in notice


async def test_done_and_reopen_change_card_and_buttons(tmp_path: Path) -> None:
    """Erledigt shows ✅ and only "Wieder öffnen"; reopening brings back 🟢 and the buttons."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "done"))
        await bot.deliver()
        card = bot.card(ticket)
        assert "✅ erledigt von Tom" in card["text"]
        assert [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"]
                for b in row] == [callbacks.card(ticket.id, "reopen")]
        assert "erledigt" in bot.user_texts()[-1]
        await bot.press(MEMBER, card, callbacks.card(ticket.id, "reopen"))
        await bot.deliver()
        card = bot.card(ticket)
        assert "🟢 offen" in card["text"]
        assert (await bot.ticket(ticket.id)).status == "open"


async def test_take_twice_reports_already_taken(tmp_path: Path) -> None:
    """A second Übernehmen (another member, same old card) is refused with the first taker."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        old_card = bot.card(ticket)
        await bot.press(MEMBER, old_card, callbacks.card(ticket.id, "take"), first_name="Tom")
        answer = await bot.press(OTHER_MEMBER, old_card, callbacks.card(ticket.id, "take"),
                                 first_name="Ana")
        assert answer == "Bereits übernommen von Tom."
        current = await bot.ticket(ticket.id)
        assert current.assignee_id == MEMBER
        await bot.deliver()
        assert sum("übernommen" in t for t in bot.user_texts()) == 1


@pytest.mark.parametrize("where", ["non_admin", "private_chat"])
async def test_button_from_outsider_changes_nothing(tmp_path: Path, where: str) -> None:
    """A non-admin (admins configured) or a press outside the team chat changes nothing."""
    settings = make_settings(tmp_path, admins=[MEMBER])
    async with running_bot(tmp_path, settings=settings) as bot:
        ticket = await bot.submit()
        if where == "non_admin":
            answer = await bot.press(OTHER_MEMBER, bot.card(ticket),
                                     callbacks.card(ticket.id, "take"))
        else:
            bot.add_requester()
            await bot.user_says("hallo")
            private_message = bot.api.last_message(REQUESTER)
            assert private_message is not None
            answer = await bot.press(MEMBER, private_message, callbacks.card(ticket.id, "take"),
                                     strict=False)
        assert answer == bot.services.texts.plain("team_not_allowed")
        assert (await bot.ticket(ticket.id)).status == "open"
        assert await bot.deliver() == 0


async def test_admin_may_press_when_admins_configured(tmp_path: Path) -> None:
    """A listed admin's press is applied."""
    settings = make_settings(tmp_path, admins=[MEMBER])
    async with running_bot(tmp_path, settings=settings) as bot:
        ticket = await bot.submit()
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"))
        assert (await bot.ticket(ticket.id)).status == "taken"


async def test_forged_card_data_changes_nothing(tmp_path: Path) -> None:
    """Data naming another ticket than the pressed card's, or an unknown one, is refused."""
    async with running_bot(tmp_path) as bot:
        first = await bot.submit()
        second = await bot.submit(user_id=43)
        answer = await bot.press(MEMBER, bot.card(first), callbacks.card(second.id, "done"),
                                 strict=False)
        assert answer == bot.services.texts.plain("team_not_allowed")
        unknown = await bot.press(MEMBER, bot.card(first), "c:999:take", strict=False)
        assert unknown == bot.services.texts.plain("card_answer_unknown")
        garbage = await bot.press(MEMBER, bot.card(first), "c:1:steal", strict=False)
        assert garbage == bot.services.texts.plain("stale_button")
        assert (await bot.ticket(first.id)).status == "open"
        assert (await bot.ticket(second.id)).status == "open"
        assert len(bot.cards_in_team()) == 2


async def test_team_reply_reaches_user_and_answer_comes_back_to_card(tmp_path: Path) -> None:
    """Reply to the card → requester; requester replies → team chat, as a reply to the card."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        card_id = bot.card(ticket)["message_id"]
        reply = await bot.team_says(MEMBER, "Wann passt <Ihnen> ein Anruf?", reply_to=card_id)
        await bot.deliver()
        copy = bot.api.last_message(REQUESTER)
        assert copy is not None
        assert "Nachricht vom Team zu " + ticket.ref in copy["text"]
        assert "Wann passt <Ihnen> ein Anruf?" in copy["text"]
        ack = bot.api.last_message(TEAM)
        assert ack is not None and ack["text"].startswith("✓ zugestellt")
        assert ack["reply_to_message"]["message_id"] == reply["message"]["message_id"]

        await bot.user_says("Dienstag vormittags", reply_to=copy["message_id"])
        assert "weitergeleitet" in bot.user_texts()[-1]
        await bot.deliver()
        answer = bot.api.last_message(TEAM)
        assert answer is not None
        assert "Antwort von Erika zu " + ticket.ref in answer["text"]
        assert "Dienstag vormittags" in answer["text"]
        assert answer["reply_to_message"]["message_id"] == card_id

        history = await bot.services.storage.messages.for_ticket(ticket.id)
        assert [(m.direction, m.text) for m in history] == [
            ("to_user", "Wann passt <Ihnen> ein Anruf?"), ("to_team", "Dienstag vormittags")]


async def test_team_reply_to_forwarded_answer_reaches_user(tmp_path: Path) -> None:
    """A reply to the requester's forwarded answer also goes to the requester."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.team_says(MEMBER, "Frage 1", reply_to=bot.card(ticket)["message_id"])
        await bot.deliver()
        copy = bot.api.last_message(REQUESTER)
        assert copy is not None
        await bot.user_says("Antwort 1", reply_to=copy["message_id"])
        await bot.deliver()
        forwarded = next(m for m in bot.api.sent_to(TEAM) if "Antwort 1" in m.get("text", ""))
        await bot.team_says(MEMBER, "Frage 2", reply_to=forwarded["message_id"])
        await bot.deliver()
        assert "Frage 2" in bot.user_texts()[-1]


async def test_user_reply_to_unlinked_notice_naming_the_ticket_reaches_team(
        tmp_path: Path) -> None:
    """A reply to a bot message naming the user's ticket (here the "übernommen" notice) is
    passed on, even though that message was never linked (as in a reply faster than the link)."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.press(MEMBER, bot.card(ticket), callbacks.card(ticket.id, "take"))
        await bot.deliver()
        notice = bot.api.last_message(REQUESTER)
        assert notice is not None and ticket.ref in notice["text"]
        await bot.user_says("Super, danke!", reply_to=notice["message_id"])
        await bot.deliver()
        answer = bot.api.last_message(TEAM)
        assert answer is not None and "Super, danke!" in answer["text"]
        assert answer["reply_to_message"]["message_id"] == bot.card(ticket)["message_id"]


async def test_user_reply_naming_someone_elses_ticket_is_not_forwarded(tmp_path: Path) -> None:
    """A ref in a replied-to message only counts for the requester's own ticket."""
    async with running_bot(tmp_path) as bot:
        other = await bot.submit(user_id=43)
        bot.add_requester()
        await bot.services.storage.outbox.enqueue(
            "to_user", REQUESTER, {"chat_id": REQUESTER, "text": f"Hinweis zu {other.ref}"},
            bot.clock())
        await bot.deliver()
        note = bot.api.last_message(REQUESTER)
        assert note is not None
        await bot.user_says("Und?", reply_to=note["message_id"])
        await bot.deliver()
        assert not any("weitergeleitet" in t for t in bot.user_texts())
        assert not any("Und?" in t for t in bot.team_texts())
        assert await bot.services.storage.messages.for_ticket(other.id) == []


async def test_reply_to_unrelated_message_in_team_chat_is_ignored(tmp_path: Path) -> None:
    """Team members chatting among themselves (replies to each other) get no bot reaction."""
    async with running_bot(tmp_path) as bot:
        await bot.submit()
        first = await bot.team_says(MEMBER, "Kaffee?")
        before = len(bot.api.sent_to(TEAM))
        await bot.team_says(OTHER_MEMBER, "Gern", reply_to=first["message"]["message_id"])
        await bot.deliver()
        assert len(bot.api.sent_to(TEAM)) == before


async def test_team_reply_with_photo_asks_for_text(tmp_path: Path) -> None:
    """A non-text reply to a card is not forwarded; the member is told to send text."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        update = bot.factory.photo(MEMBER, caption="Foto",
                                   chat=bot.factory.group_chat(TEAM, type="supergroup"))
        message = update["message"]
        message["reply_to_message"] = bot.card(ticket)
        await bot.process(update)
        assert "mit Text" in bot.team_texts()[-1]
        assert await bot.services.storage.messages.for_ticket(ticket.id) == []


async def test_unlinked_private_reply_is_not_taken_as_team_answer(tmp_path: Path) -> None:
    """A private reply to an ordinary bot message is not handled by the reply flow, even when
    the requester has an open request."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.user_says("hallo")
        last = bot.api.last_message(REQUESTER)
        assert last is not None
        team_before = len(bot.team_texts())
        await bot.user_says("Danke", reply_to=last["message_id"])
        await bot.deliver()
        assert not any("weitergeleitet" in t for t in bot.user_texts())
        assert len(bot.team_texts()) == team_before
        assert await bot.services.storage.messages.for_ticket(ticket.id) == []


async def test_question_to_team_creates_question_ticket_once(tmp_path: Path) -> None:
    """The fallback button sends the logged question as F-… ticket; a second press does not."""
    async with running_bot(tmp_path) as bot:
        bot.add_requester()
        question_id = await bot.services.storage.questions.record(
            REQUESTER, "Gibt es <Fördergeld> für Vereine?", "gibt es", "fallback", None,
            bot.clock())
        await bot.user_says("Gibt es Fördergeld für Vereine?")
        prompt = bot.api.last_message(REQUESTER)
        assert prompt is not None
        await bot.press(REQUESTER, prompt, callbacks.to_team(question_id), strict=False)
        assert "F-2026-0001" in bot.user_texts()[-1]
        await bot.deliver()
        cards = bot.cards_in_team()
        assert len(cards) == 1
        assert "Frage F-2026-0001" in cards[0]["text"]
        assert "Gibt es <Fördergeld> für Vereine?" in cards[0]["text"]
        bot.clock.advance(seconds=5)
        await bot.press(REQUESTER, prompt, callbacks.to_team(question_id), strict=False)
        assert bot.user_texts()[-1] == bot.services.texts.render("question_already_sent")
        await bot.deliver()
        assert len(bot.cards_in_team()) == 1


async def test_question_of_another_user_is_not_sent(tmp_path: Path) -> None:
    """Forged data naming someone else's question creates no ticket."""
    async with running_bot(tmp_path) as bot:
        bot.add_requester()
        question_id = await bot.services.storage.questions.record(
            999, "fremde Frage", "fremde frage", "fallback", None, bot.clock())
        await bot.user_says("hallo")
        prompt = bot.api.last_message(REQUESTER)
        assert prompt is not None
        await bot.press(REQUESTER, prompt, callbacks.to_team(question_id), strict=False)
        assert await bot.services.storage.tickets.list_open() == []


async def test_question_ticket_has_same_reply_flow(tmp_path: Path) -> None:
    """A team reply on a question card reaches the asker and is stored in the history."""
    async with running_bot(tmp_path) as bot:
        bot.add_requester()
        question_id = await bot.services.storage.questions.record(
            REQUESTER, "Wer zahlt Fahrtkosten?", "wer zahlt", "fallback", None, bot.clock())
        await bot.user_says("Wer zahlt Fahrtkosten?")
        prompt = bot.api.last_message(REQUESTER)
        assert prompt is not None
        await bot.press(REQUESTER, prompt, callbacks.to_team(question_id), strict=False)
        await bot.deliver()
        card = bot.cards_in_team()[0]
        await bot.team_says(MEMBER, "Das übernehmen wir.", reply_to=card["message_id"])
        await bot.deliver()
        assert "Das übernehmen wir." in bot.user_texts()[-1]


async def test_card_of_deleted_ticket_is_tombstone_and_refuses_replies(tmp_path: Path) -> None:
    """After the requester's deletion the card says "gelöscht auf Wunsch"; replies are refused."""
    async with running_bot(tmp_path) as bot:
        ticket = await bot.submit()
        await bot.user_says("/loeschen")
        confirm = bot.api.last_message(REQUESTER)
        assert confirm is not None
        data = next(button["callback_data"]
                    for row in confirm["reply_markup"]["inline_keyboard"] for button in row
                    if "Ja, alles löschen" in button["text"])
        await bot.press(REQUESTER, confirm, data, first_name="Erika")
        await bot.deliver()
        tombstone = await bot.ticket(ticket.id)
        assert tombstone.status == "deleted"
        card = bot.card(tombstone)
        assert "gelöscht auf Wunsch" in card["text"]
        assert "Musterdorf" not in card["text"]
        assert "reply_markup" not in card
        await bot.team_says(MEMBER, "Hallo?", reply_to=card["message_id"])
        assert "gelöscht" in bot.team_texts()[-1]
        await bot.deliver()
        assert not any("Hallo?" in t for t in bot.user_texts())
        assert ticket.ref in card["text"]


async def test_team_chat_check_passes_when_bot_is_member(tmp_path: Path) -> None:
    """Start-up succeeds when the bot is a member of the team group."""
    async with running_bot(tmp_path) as bot:
        assert bot.services.team_chat_id == TEAM
        assert bot.api.member_status(TEAM, BOT_ID) == "member"


@pytest.mark.parametrize("problem", ["unknown_chat", "kicked"])
async def test_team_chat_check_fails_clearly(tmp_path: Path, problem: str) -> None:
    """A team chat the bot cannot post in stops start-up with a message saying what to do."""
    api = FakeBotApi()
    if problem == "kicked":
        api.add_chat({"id": TEAM, "type": "supergroup", "title": "Team"})
        api.remove_from_chat(TEAM)
    with pytest.raises(chat_check.TeamChatError, match=r"team\.chat_id"):
        async with running_bot(tmp_path, api=api, team_chat_known=False):
            pass


async def test_team_chat_check_follows_migration(tmp_path: Path) -> None:
    """A group upgraded to a supergroup before start-up is followed to its new id."""
    api = FakeBotApi()
    api.add_chat({"id": TEAM, "type": "group", "title": "Team"})
    api.migrate_chat(TEAM, -100999)
    async with running_bot(tmp_path, api=api, team_chat_known=False) as bot:
        assert bot.services.team_chat_id == -100999
        ticket = await bot.submit()
        assert ticket.card_chat_id == -100999
        assert len(bot.cards_in_team()) == 1


async def test_no_team_chat_keeps_cards_waiting(tmp_path: Path) -> None:
    """Without a team chat the bot starts; the card stays pending in the outbox."""
    settings = make_settings(tmp_path)
    settings.team.chat_id = None
    async with running_bot(tmp_path, settings=settings) as bot:
        draft = await bot.services.storage.drafts.create(REQUESTER, REQUESTER, "summary",
                                                         bot.clock(), dt.timedelta(days=1))
        ticket, _ = await bot.services.storage.tickets.submit_request(
            draft, request_data(), bot.clock(), {"chat_id": 0})
        assert await bot.deliver() == 0
        items = await bot.services.storage.outbox.for_ticket(ticket.id)
        assert [i.status for i in items] == ["pending"]
