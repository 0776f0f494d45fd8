"""End-to-end load benchmark: bot processes polling the fake Bot API server on 127.0.0.1.

Phase A (questions): --users simulated users each ask a question, wait for the answer in their
chat, and ask the next one (a closed loop) for --duration seconds. Every variant is a separate
process polling a fresh fake server, started as in production (``python -m bot run`` with a
configuration file written by this benchmark, BOT_CONFIG):
  bot-nocap    the real bot with telegram.rate_limit.overall_per_second: 0 (the group cap stays);
               compared with ``echo``: the same transport, as the bare echo bot has no limiter
  echo         a bare python-telegram-bot echo bot (benchmarks/echo_bot.py, PTB defaults: one
               update at a time, no rate limiter)
  bot          the real bot with the production defaults (PTB's AIORateLimiter: 30 messages/s
               overall, 20/min per group); compared with ``echo-limit``
  echo-limit   the echo bot with the same AIORateLimiter defaults
  bot-serial   (extra) bot-nocap with telegram.concurrent_updates: 1, one update at a time
  echo-concurrent  (extra) the echo bot processing 64 updates at once
  echo-aiohttp (extra) the echo bot on the bot's own aiohttp transport, 64 updates at once: the
               bot's overhead over bare PTB with the same network layer and concurrency
  bot-httpx    (extra) bot-nocap on PTB's httpx transport (telegram.http_client: httpx);
               compared with echo-concurrent (httpx, 64 at once)
Prints messages/s, latency, the bot's CPU per answer and the ratios (target ≥ 0.9 of the echo
bot). A simulated user switches to a new Telegram account every few questions, so the bot's
per-user flood limit (limits.burst) never drops a question.

Phase C (requests): --request-users users complete a request at the same moment through the
real bot process, on a database that already holds --prefill requests. Prints the time until
every user had the receipt (all stored), card delivery to the team chat (Telegram allows 20
messages per minute into a group, so cards trickle in: --cards-wait / --all-cards), then stops
the bot and checks the SQLite file against the team chat as it is after the bot stopped (the
outbox worker finishes the card in flight while shutting down): every request stored once, every
card posted at most once and recorded, and the rest still pending in the outbox. The prefill
writes its rows with SQL in one transaction (benchmarks/_common.py), in about a second.

Exits 1 if a correctness check fails; the throughput figures are printed, never asserted.

    .venv/bin/python benchmarks/bench_e2e.py [--duration 10] [--users 50] [--request-users 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from _common import (  # the project root is put on sys.path by _common
    REF,
    ROOT,
    ApiWatcher,
    find_button,
    latency_line,
    newest_id,
    newest_text,
    percentile,
    prefill_requests,
    proc_cpu_seconds,
    proc_status_mb,
    questions,
    request_script,
)

from bot.offline import user
from bot.storage.tickets import CARD_KIND
from tests.e2e_support import TEAM, prepare_team_chat
from tests.fake_server import FakeTelegramServer

BENCH = Path(__file__).resolve().parent
BOT = ["-m", "bot", "run"]
ECHO = [str(BENCH / "echo_bot.py")]
NO_OVERALL_CAP = {"rate_limit": {"overall_per_second": 0}}


@dataclass(frozen=True)
class Variant:
    """A process to benchmark: its arguments after ``python`` and, for the bot, the
    ``telegram`` block of its configuration file (merged over the production defaults)."""

    argv: list[str]
    telegram: dict[str, Any] = field(default_factory=dict)

    @property
    def is_bot(self) -> bool:
        return self.argv == BOT


VARIANTS: dict[str, Variant] = {
    "bot-nocap": Variant(BOT, NO_OVERALL_CAP),
    "echo": Variant(ECHO),
    "bot": Variant(BOT),
    "echo-limit": Variant([*ECHO, "--rate-limit"]),
    "bot-serial": Variant(BOT, {**NO_OVERALL_CAP, "concurrent_updates": 1}),
    "echo-concurrent": Variant([*ECHO, "--concurrent", "64"]),
    "echo-aiohttp": Variant([*ECHO, "--aiohttp", "--concurrent", "64"]),
    "bot-httpx": Variant(BOT, {**NO_OVERALL_CAP, "http_client": "httpx"}),
}
# (variant, baseline): the comparisons printed after phase A.
COMPARISONS = [("bot-nocap", "echo"), ("bot", "echo-limit"), ("bot-serial", "echo"),
               ("echo-concurrent", "echo"), ("bot-nocap", "echo-aiohttp"),
               ("bot-httpx", "echo-concurrent")]
TARGET_RATIO = 0.9
TOKEN = "123456:BENCH"
START_TIMEOUT = 30.0
QUESTIONS_PER_ACCOUNT = 8  # below limits.burst (10): the per-user flood limit never applies
ASKER_BASE = 2_000_000
REQUESTER_BASE = 4_000_000


# ----------------------------------------------------------------------------- bot processes


class BotChild:
    """One bot process polling the fake server (started and stopped by this benchmark only)."""

    def __init__(self, variant: str, server: FakeTelegramServer, db: Path, log: Path) -> None:
        self.variant = variant
        self.server = server
        self.db = db
        self.log = log
        self.config = log.with_suffix(".yaml")
        self.proc: subprocess.Popen[bytes] | None = None
        self.peak_rss_mb = float("nan")
        self.cpu_seconds = float("nan")

    def start(self) -> None:
        spec = VARIANTS[self.variant]
        # The bot reads its settings as in production: a configuration file (BOT_CONFIG) and
        # the environment (token, API address, team chat, database).
        # A named operator: `run` refuses the placeholder one when a token is set.
        operator = {"name": "Benchmark", "address": "Benchmarkweg 1, Kiel",
                    "email": "bench@test.invalid", "privacy_contact": "Benchmark"}
        self.config.write_text(yaml.safe_dump({"telegram": spec.telegram, "operator": operator},
                                              allow_unicode=True), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "BOT_CONFIG"}
        env.update({"BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": self.server.base_url,
                    "TEAM_CHAT_ID": str(TEAM), "DATABASE_PATH": str(self.db),
                    "BOT_CONFIG": str(self.config)})
        polls = len(self.server.api.calls_of("deleteWebhook"))
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, *spec.argv], cwd=ROOT,
                                         env=env, stdout=log, stderr=subprocess.STDOUT)
        # run_polling calls deleteWebhook right before its first long poll.
        started = self.server.wait_for(
            lambda: len(self.server.api.calls_of("deleteWebhook")) > polls, START_TIMEOUT
        )
        if not started:
            self.stop()
            raise RuntimeError(f"{self.variant} did not start polling:\n{self.log_tail()}")

    def sample(self) -> None:
        """Remember peak memory and CPU time (read while the process is alive)."""
        if self.proc is not None:
            self.peak_rss_mb = proc_status_mb("VmHWM", self.proc.pid)
            self.cpu_seconds = proc_cpu_seconds(self.proc.pid)

    def stop(self) -> int:
        if self.proc is None:
            return 0
        self.sample()
        proc, self.proc = self.proc, None
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return -9

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def error_lines(self) -> list[str]:
        """ERROR records and tracebacks the process logged."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if " ERROR " in line or "Traceback" in line]


# ----------------------------------------------------------------------------- phase A


@dataclass
class QuestionResult:
    variant: str
    users: int
    asked: int = 0
    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    wall: float = float("nan")
    bot_messages: int = 0
    api_calls: dict[str, int] = field(default_factory=dict)  # during the load, by method
    peak_rss_mb: float = float("nan")
    bot_cpu: float = float("nan")  # CPU seconds of the bot process during the load only
    harness_cpu: float = float("nan")
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else float("nan")

    @property
    def cpu_ms_per_answer(self) -> float:
        return self.bot_cpu / len(self.latencies) * 1000 if self.latencies else float("nan")


async def ask_in_a_loop(number: int, server: FakeTelegramServer, watcher: ApiWatcher,
                        texts: Sequence[str], deadline: float, timeout: float,
                        result: QuestionResult) -> None:
    """One user: ask, wait for the answer in the chat, ask the next question, until deadline."""
    api = server.api
    asked = 0
    while time.perf_counter() < deadline:
        chat_id = ASKER_BASE + number * 10_000 + asked // QUESTIONS_PER_ACCOUNT
        before = newest_id(api, chat_id)
        text = texts[(number * 7 + asked) % len(texts)]
        started = time.perf_counter()
        server.factory.message(user(chat_id, "Erika"), text)
        asked += 1
        result.asked += 1

        def answered(chat_id: int = chat_id, before: int = before) -> bool:
            return newest_id(api, chat_id) > before

        seen = await watcher.wait(answered, timeout)
        if seen is None:
            result.timeouts += 1
            return  # a user without an answer stops asking, as a person would
        result.latencies.append(seen - started)


async def questions_phase(variant: str, args: argparse.Namespace, workdir: Path) -> QuestionResult:
    result = QuestionResult(variant, args.users)
    texts = questions()
    with FakeTelegramServer() as server:
        prepare_team_chat(server)
        child = BotChild(variant, server, workdir / f"a-{variant}.sqlite",
                         workdir / f"a-{variant}.log")
        child.start()
        watcher = ApiWatcher(server.api, asyncio.get_running_loop())
        try:
            child.sample()
            bot_cpu = child.cpu_seconds  # start-up (imports, knowledge base) is not counted
            calls_before = len(server.api.calls)
            cpu = time.process_time()
            started = time.perf_counter()
            deadline = started + args.duration
            await asyncio.gather(*(
                ask_in_a_loop(n, server, watcher, texts, deadline, args.timeout, result)
                for n in range(args.users)
            ))
            result.wall = time.perf_counter() - started
            result.harness_cpu = time.process_time() - cpu
            child.sample()
            result.bot_cpu = child.cpu_seconds - bot_cpu
            for call in server.api.calls[calls_before:]:
                result.api_calls[call.method] = result.api_calls.get(call.method, 0) + 1
        finally:
            watcher.close()
            child.stop()
        result.bot_messages = sum(
            1 for call in server.api.calls_of("sendMessage")
            if call.ok and int(call.params.get("chat_id", 0)) > 0
        )
    result.peak_rss_mb = child.peak_rss_mb
    result.errors = child.error_lines()
    return result


def print_questions(results: list[QuestionResult]) -> None:
    print()
    print("== Phase A: questions, closed loop, bot processes polling the fake server ==")
    for r in results:
        per_question = r.bot_messages / r.asked if r.asked else float("nan")
        settings = VARIANTS[r.variant].telegram
        print(f"{r.variant:12s} {r.users} users, {len(r.latencies)} answers in {r.wall:.1f} s: "
              f"{r.rate:.1f} messages/s" + (f"  (telegram: {settings})" if settings else ""))
        print(f"{'':12s} latency {latency_line(r.latencies)}")
        print(f"{'':12s} bot CPU {r.bot_cpu:.1f} s = {r.cpu_ms_per_answer:.1f} ms per answer, "
              f"harness CPU {r.harness_cpu:.1f} s, bot peak RSS {r.peak_rss_mb:.1f} MB")
        answers = len(r.latencies) or 1
        calls = ", ".join(f"{method} {count / answers:.2f}"
                          for method, count in sorted(r.api_calls.items()))
        print(f"{'':12s} bot messages per question {per_question:.2f}, timeouts {r.timeouts}, "
              f"errors logged {len(r.errors)}; API calls per answer: {calls}")
    by_variant = {r.variant: r for r in results}
    for name, base in COMPARISONS:
        other, baseline = by_variant.get(name), by_variant.get(base)
        if other is None or baseline is None or not baseline.rate:
            continue
        ratio = other.rate / baseline.rate
        p50 = percentile(other.latencies, 0.5) / percentile(baseline.latencies, 0.5)
        verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
        print(f"ratio {name}/{base}: {ratio:.2f} messages/s, p50 latency x{p50:.2f} "
              f"(target >= {TARGET_RATIO} of the echo bot: {verdict})")


# ----------------------------------------------------------------------------- phase C


@dataclass
class RequestResult:
    variant: str
    users: int
    prefill: int
    prefill_seconds: float = 0.0
    refs: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    done_at: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    all_stored_after: float = float("nan")
    card_times: list[float] = field(default_factory=list)  # seconds after the start
    cards_waited: float = 0.0
    duplicate_cards: list[str] = field(default_factory=list)
    stored_in_db: int = 0
    new_in_db: int = 0
    cards_in_db: int = 0
    outbox: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: float = float("nan")
    bot_cpu: float = float("nan")
    errors: list[str] = field(default_factory=list)


async def complete_request(number: int, server: FakeTelegramServer, watcher: ApiWatcher,
                           timeout: float, started: float, result: RequestResult) -> None:
    """One user completes a request, waiting for the bot's prompt after every step."""
    api = server.api
    chat_id = REQUESTER_BASE + number
    who = user(chat_id, "Erika", f"Muster{number}")
    for step in request_script(number):
        before = newest_id(api, chat_id)
        if step.action == "say":
            sent = time.perf_counter()
            server.factory.message(who, step.arg)
        else:
            found = find_button(api, chat_id, step.arg)
            if found is None:
                result.failures.append(f"request {number}: no button {step.arg!r}")
                return
            sent = time.perf_counter()
            server.factory.callback(who, found[0], found[1])

        def arrived(expect: str = step.expect, before: int = before) -> bool:
            return newest_id(api, chat_id) > before and expect in newest_text(api, chat_id)

        seen = await watcher.wait(arrived, timeout)
        if seen is None:
            result.failures.append(f"request {number}: no {step.expect!r} after {step.arg!r} "
                                   f"within {timeout:.0f} s; newest: "
                                   f"{newest_text(api, chat_id)[:60]!r}")
            return
        result.latencies.append(seen - sent)
    ref = REF.search(newest_text(api, chat_id))
    if ref is None:
        result.failures.append(f"request {number}: no reference in the receipt")
        return
    result.refs.append(ref.group())
    result.done_at.append(time.perf_counter() - started)


def cards_per_ref(server: FakeTelegramServer, refs: set[str]) -> dict[str, int]:
    """How many card messages in the team chat name each of ``refs``."""
    counts: dict[str, int] = {}
    for message in server.api.sent_to(TEAM):
        for ref in set(REF.findall(str(message.get("text", "")))) & refs:
            counts[ref] = counts.get(ref, 0) + 1
    return counts


def read_database(db: Path, refs: Sequence[str], result: RequestResult) -> None:
    """After the bot stopped: what the SQLite file holds for the new requests."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        result.stored_in_db = conn.execute(
            "SELECT COUNT(*) FROM tickets WHERE type = ?", ("request",)
        ).fetchone()[0]
        ids: list[int] = []
        for ref in refs:
            row = conn.execute("SELECT id, card_message_id FROM tickets WHERE ref = ?",
                               (ref,)).fetchone()
            if row is not None:
                ids.append(int(row[0]))
                result.cards_in_db += row[1] is not None
        result.new_in_db = len(ids)
        for ticket_id in ids:
            for (status,) in conn.execute(
                "SELECT status FROM outbox WHERE ticket_id = ? AND kind = ?",
                (ticket_id, CARD_KIND),
            ):
                result.outbox[status] = result.outbox.get(status, 0) + 1


async def requests_phase(args: argparse.Namespace, workdir: Path) -> RequestResult:
    variant = args.request_variant
    result = RequestResult(variant, args.request_users, args.prefill)
    db = workdir / "c.sqlite"
    if args.prefill:
        print(f"Phase C: prefilling {args.prefill} stored requests ...", flush=True)
        result.prefill_seconds = await prefill_requests(db, args.prefill, TEAM)
    with FakeTelegramServer() as server:
        prepare_team_chat(server)
        child = BotChild(variant, server, db, workdir / "c.log")
        child.start()
        watcher = ApiWatcher(server.api, asyncio.get_running_loop())
        try:
            print(f"Phase C: {args.request_users} users complete a request at once "
                  f"({variant}) ...", flush=True)
            started = time.perf_counter()
            await asyncio.gather(*(
                complete_request(n, server, watcher, args.step_timeout, started, result)
                for n in range(args.request_users)
            ))
            result.all_stored_after = time.perf_counter() - started
            refs = set(result.refs)
            wait = args.all_cards_timeout if args.all_cards else args.cards_wait
            waited_from = time.perf_counter()
            await watcher.wait(lambda: len(cards_per_ref(server, refs)) >= len(refs), wait)
            result.cards_waited = time.perf_counter() - waited_from
            child.sample()
        finally:
            watcher.close()
            child.stop()
        # Counted after the bot stopped: on SIGTERM the outbox worker still finishes the card
        # it is sending (and records it), so cards counted before the stop miss that one.
        wall_offset = time.time() - (time.perf_counter() - started)
        result.card_times = sorted(
            call.time - wall_offset for call in server.api.calls_of("sendMessage")
            if call.ok and call.params.get("chat_id") == TEAM
            and REF.search(str(call.params.get("text", "")))
        )
        counts = cards_per_ref(server, set(result.refs))
        result.duplicate_cards = [ref for ref, count in counts.items() if count > 1]
    read_database(db, result.refs, result)
    result.peak_rss_mb = child.peak_rss_mb
    result.bot_cpu = child.cpu_seconds
    result.errors = child.error_lines()
    return result


def print_requests(r: RequestResult, all_cards: bool) -> list[str]:
    """Prints the figures; returns the correctness problems."""
    print()
    print(f"== Phase C: {r.users} users complete a request at once ({r.variant}, "
          f"{r.prefill} requests stored before) ==")
    if r.prefill:
        print(f"prefill:              {r.prefill} requests in {r.prefill_seconds:.1f} s")
    steps = len(r.latencies)
    print(f"receipts:             {len(r.refs)} of {r.users}; all stored after "
          f"{r.all_stored_after:.1f} s ({steps} steps, {steps / r.all_stored_after:.1f} steps/s)")
    if r.done_at:
        print(f"receipt times:        first {min(r.done_at):.1f} s, median "
              f"{sorted(r.done_at)[len(r.done_at) // 2]:.1f} s, last {max(r.done_at):.1f} s")
    print(f"step latency:         {latency_line(r.latencies)}")
    cards = len(r.card_times)
    if cards:
        span = r.card_times[-1] - r.card_times[0]
        per_minute = (cards - 1) / span * 60 if span > 0 else float("inf")
        print(f"cards delivered:      {cards} of {len(r.refs)} (first at {r.card_times[0]:.1f} s, "
              f"last at {r.card_times[-1]:.1f} s, {per_minute:.1f} cards/min)")
        missing = len(r.refs) - cards
        if missing > 0 and per_minute not in (0, float("inf")):
            print(f"                      the remaining {missing} would need about "
                  f"{missing / per_minute:.1f} more minutes at this rate")
    else:
        print(f"cards delivered:      0 of {len(r.refs)}")
    print(f"after stopping:       {r.stored_in_db} requests in SQLite ({r.new_in_db} of the "
          f"new ones), {r.cards_in_db} with their card posted; card outbox rows: {r.outbox}")
    print(f"bot process:          peak RSS {r.peak_rss_mb:.1f} MB, CPU {r.bot_cpu:.1f} s, "
          f"errors logged {len(r.errors)}")

    problems = list(r.failures)
    if r.new_in_db != r.users or len(set(r.refs)) != r.users:
        problems.append(f"{r.new_in_db} of {r.users} requests stored")
    if r.stored_in_db != r.prefill + r.users:
        problems.append(f"{r.stored_in_db} requests in SQLite, expected {r.prefill + r.users}")
    if r.duplicate_cards:
        problems.append(f"cards posted twice: {r.duplicate_cards[:5]}")
    if r.cards_in_db != cards:
        problems.append(f"{cards} cards in the team chat but {r.cards_in_db} recorded")
    if sum(r.outbox.values()) != len(r.refs) or r.outbox.get("failed"):
        problems.append(f"card outbox rows {r.outbox} for {len(r.refs)} requests")
    if all_cards and cards != r.users:
        problems.append(f"only {cards} of {r.users} cards delivered")
    problems += [f"bot log: {line}" for line in r.errors[:5]]
    return problems


# ----------------------------------------------------------------------------- main


async def run(args: argparse.Namespace, workdir: Path) -> int:
    problems: list[str] = []
    results: list[QuestionResult] = []
    if args.users and args.duration > 0:
        for variant in args.variants:
            print(f"Phase A: {variant}, {args.users} users, {args.duration:.0f} s ...", flush=True)
            result = await questions_phase(variant, args, workdir)
            results.append(result)
            if result.timeouts:
                problems.append(f"{variant}: {result.timeouts} questions without an answer")
            problems += [f"{variant} log: {line}" for line in result.errors[:5]]
        print_questions(results)
    if args.request_users:
        request_result = await requests_phase(args, workdir)
        problems += print_requests(request_result, args.all_cards)
    print()
    print(f"correctness: {'ok' if not problems else f'{len(problems)} problems'}")
    for problem in problems[:15]:
        print(f"  - {problem}")
    if problems and args.keep:
        print(f"logs and databases kept in {workdir}")
    return 1 if problems else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=50, help="phase A: simulated users")
    parser.add_argument("--duration", type=float, default=10.0,
                        help="phase A: seconds per variant")
    parser.add_argument("--variants", type=lambda s: s.split(","),
                        default=["bot-nocap", "echo", "bot", "echo-limit"],
                        help=f"phase A: comma-separated, of {', '.join(VARIANTS)}")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="phase A: seconds to wait for one answer")
    parser.add_argument("--request-users", type=int, default=200,
                        help="phase C: users completing a request at once (0: skip phase C)")
    parser.add_argument("--request-variant", default="bot",
                        choices=[name for name, v in VARIANTS.items() if v.is_bot],
                        help="phase C: which bot process (default: production settings)")
    parser.add_argument("--prefill", type=int, default=10_000,
                        help="phase C: requests stored before the bot starts")
    parser.add_argument("--step-timeout", type=float, default=300.0,
                        help="phase C: seconds to wait for the bot's answer to one step")
    parser.add_argument("--cards-wait", type=float, default=5.0,
                        help="phase C: seconds to wait for the remaining cards after the last "
                             "receipt (the rest is checked in the outbox)")
    parser.add_argument("--all-cards", action="store_true",
                        help="phase C: wait until every card is in the team chat")
    parser.add_argument("--all-cards-timeout", type=float, default=900.0,
                        help="phase C: the longest wait with --all-cards")
    parser.add_argument("--keep", action="store_true", help="keep logs and databases")
    args = parser.parse_args(argv)
    unknown = [v for v in args.variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.keep:
        workdir = Path(tempfile.mkdtemp(prefix="bench_e2e_"))
        print(f"work directory: {workdir}")
        return asyncio.run(run(args, workdir))
    with tempfile.TemporaryDirectory(prefix="bench_e2e_") as tmp:
        return asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())

