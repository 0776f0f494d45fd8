"""The team side in Telegram: card buttons, replies between team and requester, team commands,
questions sent to the team, the knowledge reload and the start-up check of the team chat.

Everything the team or the requester must receive goes through the outbox (enqueue, then wake
the worker), so a Telegram failure delays a notification but never loses it. Rendering lives in
bot.team (pure); this module reads updates, checks who may act, and calls storage.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    InputFile,
    MaybeInaccessibleMessage,
    Message,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.answering_factory import build_answerer
from bot.callbacks import Callback
from bot.delivery import queue
from bot.delivery.migration import follow_migration
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.localtime import local
from bot.storage import PostRef
from bot.storage.models import Ticket
from bot.team.cards import CARD_OPS
from bot.team.display import clip
from bot.team.export import export_csv, export_filename
from bot.team.notices import status_notice, team_message_for_user, user_message_for_team
from bot.team.refs import parse_ref, refs_in
from bot.team.reports import open_list, stats_text, ticket_details
from bot.team.teaching import feedback_lines
from bot.texts import Raw
from bot.tg.services import Services, get_services

log = logging.getLogger(__name__)

RELOAD_ERROR_LIMIT = 3500
POSTING_STATUSES = frozenset(
    {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
)


class TeamChatError(Exception):
    """The bot cannot post in the configured team chat; the message says what to do."""


# -- who may act -------------------------------------------------------------------------------


def in_team_chat(chat_id: int, services: Services) -> bool:
    return services.team_chat_id is not None and chat_id == services.team_chat_id


def is_team_member(user: User | None, services: Services) -> bool:
    """With team.admins set, only those users act for the team; otherwise every group member."""
    admins = services.settings.team.admins
    return user is not None and (not admins or user.id in admins)


def _team_message(update: Update, services: Services) -> Message | None:
    """The command's message if it comes from the team chat and a team member, else None."""
    message = update.message
    if message is None or not in_team_chat(message.chat_id, services):
        return None
    if not is_team_member(message.from_user, services):
        log.info(
            "team command from a non-admin user=%s ignored",
            message.from_user.id if message.from_user else None,
        )
        return None
    return message


# For the other team-chat handler modules (teaching_handlers).
team_message = _team_message


async def _say(message: Message, text: str) -> Message:
    return await message.get_bot().send_message(
        message.chat_id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
    )


async def _say_tracked(message: Message, text: str, services: Services,
                       refs: Iterable[PostRef]) -> None:
    """Post a team message that shows requesters' data and remember it for redaction."""
    sent = await _say(message, text)
    await services.storage.team_posts.record(sent.chat_id, sent.message_id, refs,
                                             services.clock())


# -- start-up check ------------------------------------------------------------------------------


def _cannot_post(chat_id: int, reason: str) -> TeamChatError:
    return TeamChatError(
        f"Der Bot kann nicht in den Team-Chat {chat_id} schreiben ({reason}). "
        "Fügen Sie den Bot der Team-Gruppe hinzu und prüfen Sie team.chat_id in der Konfiguration "
        f"(TEAM_CHAT_ID). / The bot cannot post in the team chat {chat_id} ({reason}): add the "
        "bot to the team group and check team.chat_id in the configuration."
    )


async def verify_team_chat(bot: Bot, services: Services) -> None:
    """At start-up: the team chat exists, is a group, and the bot may post there.

    A group that became a supergroup is followed (and logged); without a team chat the bot
    runs, stores requests, and their cards wait in the outbox.
    """
    chat_id = services.team_chat_id
    if chat_id is None:
        log.warning(
            "no team chat configured (team.chat_id): requests are stored and their "
            "cards wait in the outbox until one is set"
        )
        return
    try:
        try:
            chat = await bot.get_chat(chat_id)
        except ChatMigrated as exc:
            await follow_migration(services, chat_id, exc.new_chat_id)
            chat_id = exc.new_chat_id
            chat = await bot.get_chat(chat_id)
        if chat.type not in (chat.GROUP, chat.SUPERGROUP):
            raise _cannot_post(chat_id, f"chat type is {chat.type}, not a group")
        member = await bot.get_chat_member(chat_id, bot.id)
    except (BadRequest, Forbidden) as exc:
        raise _cannot_post(chat_id, str(exc)) from exc
    can_send = getattr(member, "can_send_messages", None)
    if member.status not in POSTING_STATUSES and not (
        member.status == ChatMemberStatus.RESTRICTED and can_send
    ):
        raise _cannot_post(chat_id, f"bot status is {member.status}")
    log.info("team chat %s verified (bot is %s)", chat_id, member.status)


async def on_chat_migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The team group was upgraded to a supergroup: follow it to its new id at once.

    Telegram posts a service message with migrate_to_chat_id in the old group (and one with
    migrate_from_chat_id in the new supergroup); either is enough.
    """
    message = update.effective_message
    if message is None:
        return
    services = get_services(context)
    if message.migrate_to_chat_id and in_team_chat(message.chat_id, services):
        await follow_migration(services, message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id and in_team_chat(message.migrate_from_chat_id, services):
        await follow_migration(services, message.migrate_from_chat_id, message.chat_id)


# -- card buttons ------------------------------------------------------------------------------


def _card_ticket_ids(message: Message) -> set[int]:
    """Tickets whose card buttons a message carries (a card, or a duplicate of one)."""
    markup = message.reply_markup
    if not isinstance(markup, InlineKeyboardMarkup):
        return set()
    found: set[int] = set()
    for row in markup.inline_keyboard:
        for button in row:
            data = button.callback_data if isinstance(button.callback_data, str) else None
            parsed = callbacks.parse(data)
            if parsed is not None and parsed.kind == "card" and parsed.id is not None:
                found.add(parsed.id)
    return found


def _is_bot_message(message: Message) -> bool:
    return message.from_user is not None and message.from_user.id == message.get_bot().id


async def _refused_answer(query: CallbackQuery, ticket: Ticket, services: Services) -> None:
    """The status did not allow the change: say why, and make the card show the truth."""
    texts = services.texts
    current = await services.storage.tickets.get(ticket.id) or ticket
    name = current.assignee_name or "?"
    if current.status == "deleted":
        answer = texts.plain("card_answer_deleted")
    elif current.status == "taken" and current.assignee_id == query.from_user.id:
        answer = texts.plain("card_answer_already_taken_self")
    elif current.status == "taken":
        answer = texts.plain("card_answer_already_taken", name=name)
    elif current.status == "done":
        answer = texts.plain("card_answer_already_done", name=name)
    else:
        answer = texts.plain("card_answer_already_open")
    await query.answer(answer[:200])
    if current.card_message_id is not None:
        await queue.enqueue_card_update(services, current)
        services.wake_outbox()


async def _remove_duplicate(message: Message) -> None:
    """Delete a duplicate card (a send that timed out but arrived); else strip its buttons."""
    try:
        await message.delete()
    except TelegramError:
        try:
            await message.edit_reply_markup(reply_markup=None)
        except TelegramError as exc:
            log.info("duplicate card %s not removed: %s", message.message_id, type(exc).__name__)


async def on_card_button(query: CallbackQuery, parsed: Callback, services: Services) -> None:
    """Übernehmen / Erledigt / Wieder öffnen on a card: team chat and team members only.

    The change is conditional on the current status (two presses at once: one wins, the other
    is told). On success the card is re-rendered and the requester notified, via the outbox.
    """
    texts = services.texts
    message: MaybeInaccessibleMessage | None = query.message
    user = query.from_user
    if (
        not isinstance(message, Message)
        or not in_team_chat(message.chat.id, services)
        or not is_team_member(user, services)
        or parsed.id is None
        or parsed.op not in CARD_OPS
    ):
        log.info("card button refused: user=%s", user.id)
        await query.answer(texts.plain("team_not_allowed"))
        return
    tickets = services.storage.tickets
    ticket = await tickets.get(parsed.id)
    if ticket is None:
        await query.answer(texts.plain("card_answer_unknown"))
        return
    is_card = (ticket.card_chat_id, ticket.card_message_id) == (message.chat.id, message.message_id)
    carries_buttons = _is_bot_message(message) and parsed.id in _card_ticket_ids(message)
    if not is_card and not carries_buttons:
        log.info("card button with foreign data refused: user=%s ticket=%d", user.id, ticket.id)
        await query.answer(texts.plain("team_not_allowed"))
        return
    duplicate = False
    if not is_card and ticket.card_message_id is None:
        # The card's send timed out but arrived: adopt it, so the worker edits it, not reposts.
        await tickets.set_card(ticket.id, message.chat.id, message.message_id)
    elif not is_card:
        duplicate = True
    expected, new = CARD_OPS[parsed.op]
    changed = await tickets.change_status(
        ticket.id, expected, new, user.id, user.full_name, services.clock()
    )
    if changed is None:
        await _refused_answer(query, ticket, services)
    else:
        await query.answer(
            texts.plain("card_answer_duplicate") if duplicate else texts.plain(f"card_answer_{new}")
        )
        await queue.enqueue_card_update(services, changed)
        notice = status_notice(changed, user.first_name, texts)
        if notice is not None and changed.chat_id is not None:
            await queue.enqueue_to_user(services, changed.chat_id, notice, ticket_id=changed.id)
        services.wake_outbox()
    if duplicate:
        await _remove_duplicate(message)


async def refresh_card(services: Services, ticket: Ticket) -> None:
    """Re-render a ticket's card (e.g. after the requester's data was deleted: the tombstone)."""
    await queue.enqueue_card_update(services, ticket)
    services.wake_outbox()


# -- questions for the team --------------------------------------------------------------------


async def question_to_team(
    message: Message, user: User, question_id: int, services: Services
) -> None:
    """The fallback's "Frage an das Team senden": the logged question becomes a ticket (F-…).

    Only the user who asked it can send it; pressing twice sends it once.
    """
    texts = services.texts
    logged = await services.storage.questions.get(question_id)
    if logged is None or logged.user_id != user.id:
        log.info("question %d not sendable by user=%s", question_id, user.id)
        await _say(message, texts.render("stale_button"))
        return
    now = services.clock()
    ticket = await services.storage.tickets.create_question(
        user.id,
        message.chat_id,
        logged.text,
        now,
        {"chat_id": queue.team_chat(services)},
        question_id=question_id,
    )
    if ticket.created_at == now:
        log.info("question %d became ticket %d", question_id, ticket.id)
        services.wake_outbox()
        await _say(message, texts.render("question_sent", ref=ticket.ref))
    else:
        await _say(message, texts.render("question_already_sent", ref=ticket.ref))


# -- replies -----------------------------------------------------------------------------------


async def _ticket_by_mention(original: Message, services: Services) -> Ticket | None:
    """The one ticket a bot message names by its ref (e.g. "Nachricht vom Team zu A-…").

    Covers the moments before the worker has linked a message it just sent (a very quick
    reply), and messages that were never linked (a crash between sending and linking).
    """
    if not _is_bot_message(original):
        return None
    found = refs_in(original.text or original.caption)
    if len(found) != 1:
        return None
    return await services.storage.tickets.get_by_ref(found.pop())


async def user_reply(message: Message, services: Services) -> bool:
    """A requester answers a "Nachricht vom Team": pass it to the team as a reply to the card.

    Returns False (not handled) when the replied-to message belongs to no live ticket of theirs.
    """
    original = message.reply_to_message
    sender = message.from_user
    if original is None or sender is None or message.text is None or message.chat.type != "private":
        return False
    storage = services.storage
    ticket_id = await storage.messages.ticket_for_message(message.chat_id, original.message_id)
    ticket = (
        await storage.tickets.get(ticket_id)
        if ticket_id is not None
        else await _ticket_by_mention(original, services)
    )
    if ticket is None or ticket.status == "deleted" or ticket.user_id != sender.id:
        return False
    text = user_message_for_team(ticket, sender.first_name, message.text, services.texts)
    stored = await storage.messages.add(
        ticket.id, "to_team", message.text, sender.id, sender.first_name, services.clock(),
        notify=queue.to_team(services, text),
    )
    if stored is None:  # erased meanwhile (/loeschen)
        return False
    services.wake_outbox()
    log.info("user reply to ticket %d queued for the team", ticket.id)
    await _say(message, services.texts.render("team_user_reply_sent", ref=ticket.ref))
    return True


async def _replied_ticket(message: Message, services: Services) -> Ticket | None:
    """The ticket a team reply is about: a linked message, a (duplicate) card by its buttons, or
    a bot message naming exactly one ticket."""
    original = message.reply_to_message
    if original is None:
        return None
    ticket_id = await services.storage.messages.ticket_for_message(
        message.chat_id, original.message_id
    )
    if ticket_id is None and _is_bot_message(original):
        found = _card_ticket_ids(original)
        ticket_id = found.pop() if len(found) == 1 else None
    if ticket_id is None:
        return await _ticket_by_mention(original, services)
    return await services.storage.tickets.get(ticket_id)


async def on_team_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A team member replies to a card (or a forwarded answer): the text goes to the requester."""
    services = get_services(context)
    message = _team_message(update, services)
    if message is None or message.from_user is None:
        return
    ticket = await _replied_ticket(message, services)
    if ticket is None:
        return  # a reply to something else in the team chat: not for the bot
    texts = services.texts
    if ticket.status == "deleted" or ticket.chat_id is None:
        await _say(message, texts.render("team_reply_deleted", ref=ticket.ref))
        return
    if message.text is None:
        await _say(message, texts.render("team_reply_text_only"))
        return
    author = message.from_user
    text = team_message_for_user(ticket, author.first_name, message.text, texts)
    stored = await services.storage.messages.add(
        ticket.id, "to_user", message.text, author.id, author.first_name, services.clock(),
        notify=queue.to_user(ticket.chat_id, text, link=True, ack_message_id=message.message_id),
    )
    if stored is None:  # the requester erased their data meanwhile (/loeschen)
        await _say(message, texts.render("team_reply_deleted", ref=ticket.ref))
        return
    services.wake_outbox()
    log.info("team reply to ticket %d queued for the requester", ticket.id)


# -- team commands -----------------------------------------------------------------------------


async def _failed_deliveries(services: Services, tickets: list[Ticket]) -> set[int]:
    """Tickets with a notification the worker gave up on (shown as "Zustellung fehlgeschlagen")."""
    failed: set[int] = set()
    for ticket in tickets:
        items = await services.storage.outbox.for_ticket(ticket.id)
        if any(item.status == "failed" for item in items):
            failed.add(ticket.id)
    return failed


async def cmd_open(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/offen: open requests and questions, oldest first, with age, kind, subject, assignee."""
    services = get_services(context)
    message = _team_message(update, services)
    if message is None:
        return
    tickets = await services.storage.tickets.list_open()
    failed = await _failed_deliveries(services, tickets)
    zone = services.settings.zone
    await _say_tracked(message, open_list(tickets, services.clock(), services.texts, zone, failed),
                       services, [PostRef(ticket_id=t.id) for t in tickets])


async def cmd_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/anfrage NR: one ticket's card and history (NR: A-2026-0007, a-2026-7 or just 7)."""
    services = get_services(context)
    message = _team_message(update, services)
    if message is None:
        return
    texts = services.texts
    typed = " ".join(context.args or [])
    zone = services.settings.zone
    ref = parse_ref(typed, local(services.clock(), zone).year) if typed else None
    if ref is None:
        await _say(message, texts.render("team_ticket_usage"))
        return
    ticket = await services.storage.tickets.get_by_ref(ref)
    if ticket is None:
        await _say(message, texts.render("team_ticket_not_found", ref=ref))
        return
    events = await services.storage.tickets.events(ticket.id)
    messages = await services.storage.messages.for_ticket(ticket.id)
    await _say_tracked(message, ticket_details(ticket, events, messages, texts, zone), services,
                       [PostRef(ticket_id=ticket.id)])


async def cmd_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export: every request and question as a CSV file for Excel."""
    services = get_services(context)
    message = _team_message(update, services)
    if message is None:
        return
    tickets = await services.storage.tickets.all_for_export()
    if not tickets:
        await _say(message, services.texts.render("team_export_empty"))
        return
    content = export_csv(tickets, services.texts, services.settings.zone)
    log.info(
        "export of %d tickets requested by user=%s",
        len(tickets),
        message.from_user.id if message.from_user else None,
    )
    sent = await message.get_bot().send_document(
        message.chat_id,
        InputFile(content, filename=export_filename(services.clock(), services.settings.zone)),
        caption=services.texts.render("team_export_caption", count=len(tickets)),
        parse_mode=ParseMode.HTML,
    )
    # A file cannot be edited into a note: after an erasure it is deleted (see redaction.py).
    await services.storage.team_posts.record(
        sent.chat_id, sent.message_id, [PostRef(ticket_id=t.id) for t in tickets],
        services.clock(), mode="delete")


async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/statistik: counts by kind, status and month; 👍/👎 per entry."""
    services = get_services(context)
    message = _team_message(update, services)
    if message is not None:
        text = stats_text(await services.storage.tickets.stats(), services.texts)
        votes = feedback_lines(await services.storage.feedback.counts(), services.kb,
                               services.texts)
        await _say(message, f"{text}\n\n{votes}" if votes else text)


def reload_knowledge(services: Services, files: KnowledgeBase | None = None) -> str:
    """Load the knowledge files anew (or reuse ``files``, as loaded before), apply the phrasings
    the team taught, and replace knowledge base and answerer only if all is valid.

    Returns the HTML report for the team: the entry count, or the problems (file and entry)
    while the old knowledge base stays active.
    """
    texts = services.texts
    try:
        base = files if files is not None else load_knowledge(services.settings.knowledge.path)
        # The users' conversations (their last topics) carry over to the new knowledge base.
        answerer = build_answerer(services.settings, texts=texts, clock=services.clock,
                                  files=base, taught=services.taught,
                                  context=services.answerer.context)
    except Exception as exc:  # any problem keeps the running knowledge base
        log.warning("knowledge reload failed: %s", type(exc).__name__)
        return texts.render("team_reload_failed", error=Raw(clip(str(exc), RELOAD_ERROR_LIMIT)))
    services.knowledge_files = base
    services.kb = kb = answerer.kb
    services.answerer = answerer
    log.info("knowledge reloaded: %d entries, %d taught phrasings known", len(kb.entries),
             len(services.taught))
    return texts.render("team_reload_ok", entries=len(kb.entries))


async def refresh_knowledge(services: Services, files: KnowledgeBase | None = None) -> str:
    """/reload, SIGHUP (files from disk) and an undo in the review list (``files``: as loaded):
    the taught phrasings as stored now (an export may have moved some into the files)."""
    phrasings = await services.storage.teaching.active_phrasings()
    services.taught = tuple((p.entry_id, p.text) for p in phrasings)
    return reload_knowledge(services, files)


async def cmd_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload: validate and swap in the knowledge files; on errors keep the old ones."""
    services = get_services(context)
    message = _team_message(update, services)
    if message is not None:
        await _say(message, await refresh_knowledge(services))


async def cmd_team_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hilfe in the team chat: the team commands and how cards work."""
    services = get_services(context)
    message = _team_message(update, services)
    if message is not None:
        await _say(message, services.texts.render("team_help"))


__all__ = [
    "TeamChatError",
    "cmd_export",
    "cmd_open",
    "cmd_reload",
    "cmd_stats",
    "cmd_team_help",
    "cmd_ticket",
    "in_team_chat",
    "is_team_member",
    "on_card_button",
    "on_chat_migrated",
    "on_team_reply",
    "question_to_team",
    "refresh_card",
    "refresh_knowledge",
    "reload_knowledge",
    "team_message",
    "user_reply",
    "verify_team_chat",
]
