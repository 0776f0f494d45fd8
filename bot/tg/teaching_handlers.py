"""The team teaches the bot from the team chat: /unbeantwortet, the weekly review digest, and the
buttons of a review group (adopt the question for an entry, "Keins davon", "Rückgängig").

A tap takes effect at once: the phrasing is stored, then knowledge base and matcher are rebuilt
from the files as loaded plus every taught phrasing, the same way /reload builds them.
"""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.callbacks import Callback
from bot.knowledge.extra import clean_phrasing, owner_of
from bot.storage import PostRef
from bot.storage.teaching import Decision, GroupDecision, ReviewQuestion
from bot.team.teaching import (
    MAX_GROUPS,
    ReviewGroup,
    Rows,
    candidates_for,
    decided_text,
    group_buttons,
    group_of,
    group_questions,
    group_text,
    review_head,
    undo_buttons,
)
from bot.tg.render import keyboard, shows_button
from bot.tg.services import BotContext, Services
from bot.tg.team.common import in_team_chat, is_team_member, team_message
from bot.tg.team.reload import refresh_knowledge, reload_knowledge

log = logging.getLogger(__name__)


# -- the list --------------------------------------------------------------------------------


async def _open_groups(services: Services) -> tuple[list[ReviewGroup], dict[int, ReviewQuestion]]:
    questions = await services.storage.teaching.open_review()
    return group_questions(questions), {q.id: q for q in questions}


def _group_view(
    services: Services, group: ReviewGroup, by_id: dict[int, ReviewQuestion]
) -> tuple[str, Rows]:
    """An open group's text and buttons: the matcher's best entries for its question."""
    shown = by_id.get(group.id)
    logged_entry = shown.entry_id if shown is not None and shown.downvoted else None
    candidates = candidates_for(
        group.text,
        lambda text: [c.entry_id for c in services.answerer.matcher.match(text).candidates],
        logged_entry,
    )
    texts = services.texts
    return group_text(group, texts), group_buttons(group, candidates, services.kb, texts)


async def send_review(bot: Bot, services: Services, head_key: str, *, empty_note: bool) -> int:
    """Post the review list into the team chat: a head, then one message per group (the
    biggest first) with its buttons. Returns the number of groups posted."""
    chat_id = services.team_chat_id
    if chat_id is None:
        return 0
    groups, by_id = await _open_groups(services)
    texts = services.texts
    if not groups:
        if empty_note:
            await bot.send_message(chat_id, texts.render("review_none"), parse_mode=ParseMode.HTML)
        return 0
    shown = groups[:MAX_GROUPS]
    await bot.send_message(
        chat_id, review_head(len(groups), len(shown), texts, head_key), parse_mode=ParseMode.HTML
    )
    for group in shown:
        text, rows = _group_view(services, group, by_id)
        sent = await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard(rows),
            disable_web_page_preview=True,
        )
        # The message shows these users' words: /loeschen and retention redact it.
        askers = {(by_id[q].channel, by_id[q].user_id) for q in group.question_ids if q in by_id}
        await services.storage.team_posts.record(
            sent.chat_id, sent.message_id,
            [PostRef(user_id=u, channel=c) for c, u in sorted(askers)], services.clock(),
        )
    log.info("review list posted: %d of %d groups", len(shown), len(groups))
    return len(shown)


async def cmd_unanswered(update: Update, context: BotContext) -> None:
    """/unbeantwortet: the questions to review, grouped, each group with its entry buttons."""
    services = context.services
    message = team_message(update, services)
    if message is not None:
        await send_review(message.get_bot(), services, "review_title", empty_note=True)


async def send_review_digest(bot: Bot, services: Services) -> int:
    """The weekly digest: the same list, posted only when there is something to review."""
    return await send_review(bot, services, "review_digest_title", empty_note=False)


# -- the buttons -----------------------------------------------------------------------------


async def _show(query: CallbackQuery, text: str, rows: Rows) -> None:
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=keyboard(rows),
            disable_web_page_preview=True,
        )
    except TelegramError as exc:  # e.g. "not modified" after a double tap: the state is shown
        log.info("review message not edited: %s", type(exc).__name__)


def _rebuild(services: Services) -> bool:
    """Knowledge base and matcher from the loaded files plus the taught phrasings (as /reload
    does, without reading the files again); True if the new one is in place."""
    before = services.kb
    reload_knowledge(services, services.knowledge_files)
    return services.kb is not before


def _decided_view(services: Services, decision: GroupDecision) -> tuple[str, Rows]:
    entry = None
    question = decision.text
    if decision.phrasing is not None:
        found = services.kb.entry(decision.phrasing.entry_id)
        entry = found.title if found is not None else decision.phrasing.entry_id
        question = decision.phrasing.text
    text = decided_text(question, entry, decision.count, services.texts)
    return text, undo_buttons(decision.group_id, services.texts)


async def _already_decided(query: CallbackQuery, services: Services, question_id: int) -> None:
    """A second tap, or a group decided from another message: say so and show the state."""
    texts = services.texts
    decision = await services.storage.teaching.decision(question_id)
    if decision is None:
        await query.answer(texts.plain("review_answer_gone"))
        await _show(query, texts.render("review_answer_gone"), ())
        return
    await query.answer(texts.plain("review_answer_done_already"))
    await _show(query, *_decided_view(services, decision))


async def _decide(
    query: CallbackQuery, services: Services, question_id: int, decision: Decision,
    entry_id: str | None,
) -> None:
    texts = services.texts
    groups, by_id = await _open_groups(services)
    group = group_of(groups, question_id)
    question = by_id.get(question_id)
    if group is None or question is None:
        await _already_decided(query, services, question_id)
        return
    text = clean_phrasing(question.text) if decision == "taught" else None
    if decision == "taught" and (text is None or entry_id is None):
        await query.answer(texts.plain("review_answer_gone"))
        return
    owner = owner_of(services.kb, question.text) if decision == "taught" else None
    if owner is not None and owner != entry_id:
        # The same example under two entries would make the matcher undecided between them.
        found = services.kb.entry(owner)
        await query.answer(texts.plain("review_answer_owned",
                                       entry=found.title if found is not None else owner)[:200])
        return
    decided = await services.storage.teaching.decide(
        question_id, group.question_ids, decision, services.clock(), entry_id=entry_id, text=text
    )
    if decided is None:  # a tap on another copy of the group won meanwhile
        await _already_decided(query, services, question_id)
        return
    answer = texts.plain("review_answer_dismissed")
    if decided.phrasing is not None:
        services.taught = (*services.taught, (decided.phrasing.entry_id, decided.phrasing.text))
        ok = _rebuild(services)
        answer = texts.plain("review_answer_taught" if ok else "review_answer_reload_failed")
    log.info("review group %d decided: %s", question_id, decision)
    await query.answer(answer)
    await _show(query, *_decided_view(services, decided))


async def _undo(query: CallbackQuery, services: Services, question_id: int) -> None:
    texts = services.texts
    outcome = await services.storage.teaching.undo(question_id)
    if outcome == "exported":
        await query.answer(texts.plain("review_answer_exported"))
        return
    if outcome == "undone":
        await refresh_knowledge(services, services.knowledge_files)
    groups, by_id = await _open_groups(services)
    group = group_of(groups, question_id)
    if group is None:
        await _already_decided(query, services, question_id)
        return
    await query.answer(texts.plain("review_answer_undone"))
    await _show(query, *_group_view(services, group, by_id))


async def on_review_button(query: CallbackQuery, parsed: Callback, services: Services) -> None:
    """A review-list button: team chat, team members, and only on the bot's own message that
    shows this button; the entry must exist in the running knowledge base."""
    texts = services.texts
    message = query.message
    user = query.from_user
    if (
        not isinstance(message, Message)
        or not in_team_chat(message.chat.id, services)
        or not is_team_member(user, services)
        or not shows_button(message, query.data)
        or parsed.id is None
    ):
        log.info("review button refused: user=%s", user.id)
        await query.answer(texts.plain("team_not_allowed"))
        return
    if parsed.op == "undo":
        await _undo(query, services, parsed.id)
    elif parsed.op == "no":
        await _decide(query, services, parsed.id, "dismissed", None)
    elif parsed.entry is not None and services.kb.entry(parsed.entry) is not None:
        await _decide(query, services, parsed.id, "taught", parsed.entry)
    else:
        await query.answer(texts.plain("review_answer_unknown_entry"))
