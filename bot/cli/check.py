"""``python -m bot check``: validate settings, texts and knowledge files; non-zero on errors."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.config import (
    ConfigError,
    MailSettings,
    Settings,
    WebhookSettings,
    WebSettings,
    load_settings,
)
from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.localtime import local, utc_now
from bot.operator_check import operator_problem
from bot.texts import TextsError, load_texts


def run_check(config_path: Path | None, out: TextIO, err: TextIO) -> int:
    try:
        settings = load_settings(config_path)
        texts = load_texts()
        kb = load_knowledge(settings.knowledge.path)
    except (ConfigError, KnowledgeError, TextsError) as exc:
        err.write(f"check failed:\n{exc}\n")
        return 1
    problem = operator_problem(settings)
    if problem is not None and settings.telegram.token:
        err.write(f"check failed (not ready for live use):\n{problem}\n")
        return 1
    if problem is not None:
        out.write(f"warning: {problem} (no token configured, so this is not a live setup)\n")
    out.write(
        f"ok: {len(kb.entries)} entries, {len(kb.smalltalk)} small-talk items, "
        f"{len(kb.synonyms)} synonym groups, {len(texts.keys())} texts "
        f"(knowledge: {settings.knowledge.path})\n"
    )
    foreign, places = kb.foreign, kb.places
    out.write(
        f"foreign topics: {len(foreign.words) + len(foreign.phrases)} words and phrases, "
        f"{len(foreign.groups)} groups the offer is not for, "
        f"{len(foreign.details)} details not stated; places: "
        f"{len(places.schleswig_holstein)} in Schleswig-Holstein, "
        f"{len(places.elsewhere)} elsewhere\n"
    )
    out.write(f"{stand_summary(kb)}\n")
    out.write(f"telegram: {sending_summary(settings)}\n")
    out.write(f"updates: {updates_summary(settings.telegram.webhook)}\n")
    now = local(utc_now(), settings.zone)  # lets the operator see that the zone is right
    out.write(f"time zone: {settings.timezone} (now {now:%d.%m.%Y %H:%M})\n")
    out.write(f"web chat: {web_summary(settings.web)}\n")
    out.write(f"reply e-mail: {mail_summary(settings.mail)}\n")
    return 0


def web_summary(web: WebSettings) -> str:
    """Whether `run` serves the web chat, where, and who may embed it."""
    if not web.enabled:
        return "off (web.enabled: false; try it offline with python -m bot web)"
    embed = ", ".join(web.embed_origins) if web.embed_origins else "no other site"
    public = web.public_url or "no public_url (origin taken from the Host header)"
    return f"on at {web.listen}:{web.port}, {public}; may be embedded by: {embed}"


def mail_summary(mail: MailSettings) -> str:
    """Whether web requesters get an e-mail when the team answered, and through which server
    (never the password, which only the environment holds)."""
    if not mail.enabled:
        return "off (mail.enabled: false)"
    login = f", login {mail.user}" if mail.user else ", no login"
    return f"on via {mail.host}:{mail.port} ({mail.tls}{login}), sender {mail.sender}"


def stand_summary(kb: KnowledgeBase) -> str:
    """When the knowledge was last confirmed; the operator sees at once how old it is."""
    if kb.meta is None:
        return "stand: no meta.yaml - answers carry no note on the programme year"
    return f"stand: {kb.meta.stand}, programme year {kb.meta.programme_year}"


def updates_summary(webhook: WebhookSettings | None) -> str:
    """How updates arrive and how webhook posts are authenticated, in words."""
    if webhook is None:
        return "long polling (no webhook)"
    if webhook.secret_token:
        return f"webhook {webhook.url}, secret token configured"
    return (f"webhook {webhook.url}, no secret_token configured: a random one is generated "
            f"at each start")


def sending_summary(settings: Settings) -> str:
    """How fast the bot will send and how many updates it serves at once, in words."""
    limits = settings.telegram.rate_limit
    overall = (f"at most {limits.overall_per_second:g} messages/s overall"
               if limits.overall_per_second else "no overall send limit")
    group = (f"{limits.group_per_minute:g}/min per group"
             if limits.group_per_minute else "no group limit")
    telegram = settings.telegram
    return (f"{overall}, {group}; {telegram.concurrent_updates} updates at once;"
            f" {telegram.http_client}, {telegram.connection_pool_size} connections")
