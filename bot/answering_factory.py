"""The one place that builds the answerer: knowledge base, matcher, texts and the date clock.

``run``, ``chat``, ``ask``, ``/reload`` (and SIGHUP, and an undo in the review list) all build
it here, so a question gets the same answer everywhere, with dates judged by the same clock in
the operator's time zone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.answering import Answerer
from bot.config import Settings
from bot.conversation_context import ConversationContext
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.knowledge.extra import with_extra_questions
from bot.localtime import Clock, local_today, utc_now
from bot.matching import Matcher
from bot.texts import Texts, load_texts

log = logging.getLogger(__name__)


def build_answerer(
    settings: Settings,
    *,
    texts: Texts | None = None,
    clock: Clock = utc_now,
    files: KnowledgeBase | None = None,
    taught: Iterable[tuple[str, str]] = (),
    context: ConversationContext | None = None,
) -> Answerer:
    """An answerer on the knowledge files (`files` as loaded before, else loaded and validated
    now) plus the phrasings the team taught, as (entry id, text).

    Raises what load_knowledge raises when the files are invalid. Its ``kb`` is the knowledge
    base it answers from, the taught phrasings included. ``context``: the users'
    conversations to carry over (a reload keeps them); new ones expire by the same clock.
    """
    files = load_knowledge(settings.knowledge.path) if files is None else files
    kb, skipped = with_extra_questions(files, taught)
    if skipped:
        log.warning("%d taught phrasings not applied (entry gone or text unusable)", len(skipped))
    return Answerer(
        kb,
        Matcher(kb, settings.matching),
        texts if texts is not None else load_texts(),
        today=local_today(clock, settings.zone),
        context=context
        or ConversationContext(
            settings.matching.context_minutes, clock=lambda: clock().timestamp()
        ),
    )
