"""/reload and SIGHUP: the texts and the knowledge base (files plus the phrasings the team
taught) are read again, each swapped in only when valid; an undo in the review list rebuilds
only the knowledge base. The team is told what was reloaded, and what was not and why."""

from __future__ import annotations

import logging

from telegram import Update

from bot.answering_factory import build_answerer
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.team.display import clip
from bot.texts import Raw, TextsError, load_texts
from bot.tg.services import BotContext, Services
from bot.tg.team.common import say, team_message

log = logging.getLogger(__name__)

RELOAD_ERROR_LIMIT = 3500


def reload_knowledge(services: Services, files: KnowledgeBase | None = None) -> str:
    """Load the knowledge files anew (or reuse ``files``, as loaded before), apply the phrasings
    the team taught, and replace knowledge base and answerer only if all is valid.

    Returns the HTML report for the team: the counts, or the problems (file and entry)
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
    return texts.render("team_reload_ok", entries=len(kb.entries), taught=len(services.taught))


async def refresh_knowledge(services: Services, files: KnowledgeBase | None = None) -> str:
    """SIGHUP and /reload (files from disk) and an undo in the review list (``files``: as
    loaded): the taught phrasings as stored now (an export may have moved some into the files)."""
    phrasings = await services.storage.teaching.active_phrasings()
    services.taught = tuple((p.entry_id, p.text) for p in phrasings)
    return reload_knowledge(services, files)


def reload_texts(services: Services) -> str:
    """Read the text files again; replace the running texts only if every file is valid and
    fits the code (no key missing, no unknown placeholder). The report names file and key."""
    try:
        fresh = load_texts(services.texts_dir)
        services.texts.replace_with(fresh)
    except (TextsError, OSError) as exc:  # the old texts stay active
        log.warning("texts reload failed: %s", type(exc).__name__)
        return services.texts.render("team_reload_texts_failed",
                                     error=clip(str(exc), RELOAD_ERROR_LIMIT))
    log.info("texts reloaded: %d texts", len(fresh.keys()))
    return services.texts.render("team_reload_texts_ok", count=len(fresh.keys()))


async def reload_all(services: Services) -> str:
    """Texts first (the knowledge report is then rendered with the new ones), then knowledge."""
    texts_report = reload_texts(services)
    return f"{texts_report}\n{await refresh_knowledge(services)}"


async def cmd_reload(update: Update, context: BotContext) -> None:
    """/reload: validate and swap in texts and knowledge; on errors keep the old ones."""
    services = context.services
    message = team_message(update, services)
    if message is not None:
        await say(message, await reload_all(services))
