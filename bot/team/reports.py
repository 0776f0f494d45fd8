"""What the team commands show: open tickets, one ticket with its history, statistics, and the
daily digest. Pure functions from records to HTML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.storage.models import Ticket, TicketEvent, TicketMessage
from bot.team.cards import NAME_LIMIT, card_text, kind_label
from bot.team.display import MAX_MESSAGE, age_days, clip, tg_len, when
from bot.team.status_words import status_word
from bot.texts import Raw, Texts

SUBJECT_LIMIT = 60
HISTORY_TEXT_LIMIT = 300
DETAILS_CARD_BUDGET = 2400


def age_text(created: dt.datetime, now: dt.datetime, texts: Texts, zone: ZoneInfo) -> str:
    days = age_days(created, now, zone)
    if days == 0:
        return texts.plain("team_age_today")
    if days == 1:
        return texts.plain("team_age_one")
    return texts.plain("team_age_days", days=days)


def subject(ticket: Ticket) -> str:
    """Who or what a ticket is about, in a few words (plain): the organisation or the question."""
    key = "organisation" if ticket.type == "request" else "text"
    source = ticket.data.get(key)
    return " ".join(str(source or "").split())


def open_line(ticket: Ticket, now: dt.datetime, texts: Texts, zone: ZoneInfo, failed: bool) -> str:
    """One line of /offen and of the digest."""
    status = status_word(ticket.status, texts)
    assignee = (texts.render("team_open_assignee", status=status,
                             name=Raw(clip(ticket.assignee_name or "?", NAME_LIMIT)))
                if ticket.status == "taken" else texts.render("team_open_unassigned",
                                                              status=status))
    line = texts.render(
        "team_open_line",
        ref=ticket.ref,
        age=age_text(ticket.created_at, now, texts, zone),
        kind=Raw(clip(kind_label(ticket, texts), NAME_LIMIT)),
        subject=Raw(clip(subject(ticket) or "–", SUBJECT_LIMIT)),
        assignee=Raw(assignee),
    )
    if failed:
        line += " " + texts.render("team_open_failed")
    return line


def _fit_lines(head: str, lines: Sequence[str], texts: Texts) -> str:
    """Head plus as many lines as fit one message, then "… und N weitere"."""
    out = [head]
    used = tg_len(head)
    for index, line in enumerate(lines):
        after = len(lines) - index - 1
        reserve = 1 + tg_len(texts.render("team_more", count=after)) if after else 0
        if used + 1 + tg_len(line) + reserve > MAX_MESSAGE:
            out.append(texts.render("team_more", count=len(lines) - index))
            break
        out.append(line)
        used += 1 + tg_len(line)
    return "\n".join(out)


def open_list(tickets: Sequence[Ticket], now: dt.datetime, texts: Texts, zone: ZoneInfo,
              failed: Collection[int] = ()) -> str:
    """/offen: open and taken tickets, oldest first (the caller's order), with age and assignee."""
    if not tickets:
        return texts.render("team_open_none")
    head = texts.render("team_open_title", count=len(tickets))
    lines = [open_line(t, now, texts, zone, t.id in failed) for t in tickets]
    return _fit_lines(head, lines, texts)


def digest_text(tickets: Sequence[Ticket], now: dt.datetime, days: int, texts: Texts,
                zone: ZoneInfo, failed: Collection[int] = ()) -> str | None:
    """The daily reminder of tickets open for at least `days` days; None when there are none."""
    old = select_for_digest(tickets, now, days)
    if not old:
        return None
    head = texts.render("team_digest_title", days=days, count=len(old))
    return _fit_lines(head, [open_line(t, now, texts, zone, t.id in failed) for t in old], texts)


def select_for_digest(tickets: Sequence[Ticket], now: dt.datetime, days: int) -> list[Ticket]:
    """Open or taken tickets created at least `days` days before now, oldest first."""
    cutoff = now - dt.timedelta(days=days)
    return sorted((t for t in tickets if t.is_open and t.created_at <= cutoff),
                  key=lambda t: (t.created_at, t.id))


def _event_text(event: TicketEvent, messages: dict[int, TicketMessage], texts: Texts) -> str:
    name = Raw(clip(event.actor_name or "", NAME_LIMIT))
    if event.kind == "submitted":
        return texts.render("team_event_submitted")
    if event.kind == "status":
        return texts.render("team_event_status", old=status_word(event.old_status, texts),
                            new=status_word(event.new_status, texts), name=name)
    if event.kind in ("message_to_user", "message_to_team"):
        message = messages.get(event.message_id or -1)
        text = Raw(clip(message.text, HISTORY_TEXT_LIMIT)) if message else "–"
        key = "team_event_to_user" if event.kind == "message_to_user" else "team_event_to_team"
        return texts.render(key, name=name, text=text)
    if event.kind == "requester_blocked":
        return texts.render("team_event_blocked")
    if event.kind == "deleted":
        return texts.render("team_event_deleted")
    return texts.render("team_event_other", kind=event.kind)


def ticket_details(ticket: Ticket, events: Sequence[TicketEvent],
                   messages: Sequence[TicketMessage], texts: Texts, zone: ZoneInfo) -> str:
    """/anfrage NR: the card plus the history; the oldest history lines give way if too long."""
    head = card_text(ticket, texts, zone, max_len=DETAILS_CARD_BUDGET)
    by_id = {m.id: m for m in messages}
    lines = [texts.render("team_history_line", time=when(e.created_at, zone),
                          what=Raw(_event_text(e, by_id, texts))) for e in events]
    title = texts.render("team_history_title")
    budget = MAX_MESSAGE - tg_len(head) - tg_len(title) - 2
    kept: list[str] = []
    for line in reversed(lines):
        marker = texts.render("team_history_earlier", count=len(lines) - len(kept))
        if sum(tg_len(x) + 1 for x in kept) + tg_len(line) + 1 + tg_len(marker) + 1 > budget:
            kept.append(marker)
            break
        kept.append(line)
    return "\n".join([head, "", title, *reversed(kept)])


def _count_lines(counts: dict[str, int], label: Any, texts: Texts) -> list[str]:
    return [texts.render("team_stats_line", label=label(key), count=count)
            for key, count in counts.items()]


def kind_name(kind: str, texts: Texts) -> str:
    key = f"req_kind_{kind}"
    return texts.plain(key) if key in texts else texts.plain("card_kind_unknown")


def month_name(month: str) -> str:
    """"2026-11" -> "11/2026"."""
    year, _, number = month.partition("-")
    return f"{number}/{year}" if number else month


def stats_text(stats: dict[str, Any], texts: Texts) -> str:
    """/statistik: totals, requests by kind, tickets by status and by month (of creation, UTC)."""
    by_type: dict[str, int] = stats.get("by_type", {})
    by_kind: dict[str, int] = dict(sorted(stats.get("by_kind", {}).items(),
                                          key=lambda kv: (-kv[1], kv[0])))
    by_status: dict[str, int] = stats.get("by_status", {})
    order = ["open", "taken", "done", "deleted"]
    by_status = {k: by_status[k] for k in sorted(by_status, key=lambda s: (
        order.index(s) if s in order else len(order), s))}
    by_month: dict[str, int] = dict(sorted(stats.get("by_month", {}).items()))
    lines = [texts.render("team_stats_title"),
             texts.render("team_stats_total", total=stats.get("total", 0),
                          requests=by_type.get("request", 0),
                          questions=by_type.get("question", 0))]
    sections = (
        ("team_stats_by_kind", by_kind, lambda k: kind_name(k, texts)),
        ("team_stats_by_status", by_status, lambda s: status_word(s, texts)),
        ("team_stats_by_month", by_month, month_name),
    )
    for title_key, counts, label in sections:
        if counts:
            lines += ["", texts.render(title_key), *_count_lines(counts, label, texts)]
    return "\n".join(lines)
