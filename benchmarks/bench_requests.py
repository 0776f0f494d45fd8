"""Load benchmark of the request dialogue, in process: many users complete requests at once.

The real Application (all handlers, SQLite, the outbox worker) runs with a recording transport
(LocalRequest + FakeBotApi) instead of the network, on a database that already holds
--prefill requests (default 10,000: two years of use). --users simulated users (asyncio tasks)
complete --requests requests in a closed loop: each step is one ``app.process_update`` of a
message or button press, found in the bot's messages as a Telegram client would.

Every request is made by a new Telegram account (a new municipality contact): the bot allows
each person at most requests.max_open_per_user open requests, as in production.

Prints throughput (dialogue steps/s), step latency, memory and the correctness checks (every
request stored once, every card delivered once, no errors logged); exits 1 if a check fails.
The targets (≥ 500 steps/s, RSS ≤ 150 MB) are printed, never asserted.

    .venv/bin/python benchmarks/bench_requests.py [--users 100] [--requests 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import pstats
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (  # the project root is put on sys.path by _common
    REF,
    ErrorCounter,
    find_button,
    latency_line,
    newest_text,
    prefill_requests,
    proc_status_mb,
    request_script,
)
from telegram import Update

from bot.config import Settings
from bot.offline import BOT_ID, FakeBotApi, UpdateFactory, user
from bot.offline.local_request import LocalRequest
from bot.storage import Storage
from bot.tg import jobs
from bot.tg.app import build_application
from bot.tg.services import SERVICES_KEY, Services

TEAM = -100123
USER_BASE = 3_000_000
TARGET_STEPS_PER_SECOND = 500
TARGET_RSS_MB = 150


@dataclass
class Load:
    """What the simulated users did and saw."""

    total: int
    claimed: int = 0
    latencies: list[float] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)  # messages + presses per finished request
    refs: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def claim(self) -> int | None:
        """The next request number to work on, or None when all are taken."""
        if self.claimed >= self.total:
            return None
        self.claimed += 1
        return self.claimed - 1


async def simulated_user(app: Any, api: FakeBotApi, factory: UpdateFactory, load: Load) -> None:
    """Complete requests one after another until none are left (a closed loop)."""
    while (n := load.claim()) is not None:
        user_id = USER_BASE + n
        who = user(user_id, "Erika", f"Muster{n}")
        script = request_script(n)
        text = ""
        for step in script:
            if step.action == "say":
                raw = factory.message(who, step.arg)
            else:
                found = find_button(api, user_id, step.arg)
                if found is None:
                    load.failures.append(f"request {n}: no button {step.arg!r}")
                    break
                raw = factory.callback(who, found[0], found[1])
            started = time.perf_counter()
            await app.process_update(Update.de_json(raw, app.bot))
            load.latencies.append(time.perf_counter() - started)
            text = newest_text(api, user_id)
            if step.expect not in text:
                load.failures.append(
                    f"request {n} after {step.arg!r}: expected {step.expect!r}, got {text[:80]!r}"
                )
                break
        else:
            ref = REF.search(text)
            if ref is None:
                load.failures.append(f"request {n}: no reference in the receipt")
            else:
                load.refs.append(ref.group())
                load.actions.append(len(script))


class RecordingRequest(LocalRequest):
    """The transport the issue asks for: it records every call (in the fake Bot API, whose chat
    state the simulated users read their buttons from) and answers a sent or edited message
    with a minimal valid result (id, date, chat),
    as PTB's own test transport does. Telegram's full echo of each sent message (entities,
    keyboard) costs PTB a Message.de_json per call that says nothing about the bot's own work;
    ``--full-responses`` restores it (and bench_e2e.py measures the real network path).
    """

    async def do_request(self, url: str, method: str, request_data: Any = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data, *args, **kwargs)
        answer = json.loads(body)
        result = answer.get("result")
        if isinstance(result, dict) and "message_id" in result:
            chat = result.get("chat", {})
            answer["result"] = {
                "message_id": result["message_id"],
                "date": result.get("date", 0),
                "chat": {"id": chat.get("id"), "type": chat.get("type", "private")},
            }
            body = json.dumps(answer).encode()
        return status, body


async def count_requests(storage: Storage) -> int:
    stats = await storage.tickets.stats()
    return int(stats["by_type"].get("request", 0))


async def check_cards(services: Services, api: FakeBotApi, refs: list[str]) -> list[str]:
    """Every new request is stored and its card is in the team chat exactly once."""
    problems: list[str] = []
    team_texts = [str(m.get("text", "")) for m in api.sent_to(TEAM)]
    per_ref: dict[str, int] = {}
    for text in team_texts:
        for ref in set(REF.findall(text)):
            per_ref[ref] = per_ref.get(ref, 0) + 1
    for ref in refs:
        ticket = await services.storage.tickets.get_by_ref(ref)
        if ticket is None:
            problems.append(f"{ref}: not stored")
        elif ticket.card_message_id is None or api.message(TEAM, ticket.card_message_id) is None:
            problems.append(f"{ref}: card not delivered")
        elif per_ref.get(ref, 0) != 1:
            problems.append(f"{ref}: {per_ref.get(ref, 0)} cards in the team chat")
    return problems


def configure_logging(log_file: Path) -> ErrorCounter:
    """INFO to a file, as the bot logs in production (formatting costs are part of the load)."""
    errors = ErrorCounter()
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    root.addHandler(errors)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return errors


async def run(args: argparse.Namespace, workdir: Path) -> int:
    db = Path(args.db) if args.db else workdir / "bench.sqlite"
    log_file = workdir / "bot.log"
    errors = configure_logging(log_file)

    print(f"prefilling {args.prefill} stored requests ...", flush=True)
    prefill_seconds = await prefill_requests(db, args.prefill, TEAM)

    settings = Settings.model_validate(
        {"team": {"chat_id": TEAM}, "database": {"path": str(db)}}
    )
    api = FakeBotApi()
    api.add_chat({"id": TEAM, "type": "supergroup", "title": "Team Engagement"})
    api.set_member(TEAM, BOT_ID, "administrator")
    transport = LocalRequest(api) if args.full_responses else RecordingRequest(api)
    app = build_application(settings, request=transport, rate_limit=False)
    await app.initialize()
    await app.post_init(app)
    services: Services = app.bot_data[SERVICES_KEY]
    worker = jobs.worker_of(services)
    assert worker is not None
    try:
        stored_before = await count_requests(services.storage)
        rss_ready = proc_status_mb("VmRSS")
        load = Load(total=args.requests)
        factory = UpdateFactory(api)
        profiler = cProfile.Profile() if args.profile else None

        print(f"{args.users} users complete {args.requests} requests ...", flush=True)
        cpu_started = time.process_time()
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        await asyncio.gather(
            *(simulated_user(app, api, factory, load) for _ in range(args.users))
        )
        if profiler is not None:
            profiler.disable()
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started

        # The worker delivered cards in the background during the load; deliver the rest.
        while await services.storage.outbox.pending_count():
            if not await worker.run_once():
                break
        stored_after = await count_requests(services.storage)
        pending = await services.storage.outbox.pending_count()
        card_problems = await check_cards(services, api, load.refs)
        rss_end = proc_status_mb("VmRSS")
        rss_peak = proc_status_mb("VmHWM")
    finally:
        await jobs.shutdown(services)
        await app.post_shutdown(app)
        await app.shutdown()

    steps = len(load.latencies)
    new_requests = stored_after - stored_before
    cards = len(load.refs) - sum("card" in p for p in card_problems)
    rate = steps / wall if wall else float("nan")
    print()
    print("== bench_requests: request dialogue through process_update (in process) ==")
    print(f"prefill:               {args.prefill} requests stored in {prefill_seconds:.1f} s")
    print(f"users / requests:      {args.users} concurrent users, {args.requests} requests")
    mode = "full responses (fake Bot API)" if args.full_responses else "recording, minimal results"
    print(f"transport:             {mode}")
    print(f"dialogue steps:        {steps} in {wall:.2f} s wall ({cpu:.2f} s CPU)")
    print(f"throughput:            {rate:.0f} steps/s, {len(load.refs) / wall:.1f} requests/s")
    print(f"step latency:          {latency_line(load.latencies)}")
    if load.actions:
        print(f"messages+presses/req:  mean {sum(load.actions) / len(load.actions):.2f}, "
              f"min {min(load.actions)}, max {max(load.actions)}")
    print(f"memory:                RSS ready {rss_ready:.1f} MB, end {rss_end:.1f} MB, "
          f"peak {rss_peak:.1f} MB (includes the in-process fake Telegram and its call log)")
    print(f"stored requests:       {stored_after} ({new_requests} new)")
    print(f"cards delivered:       {cards} of {len(load.refs)}; outbox pending {pending}")
    print(f"errors logged:         {errors.count}")
    print(f"target >= {TARGET_STEPS_PER_SECOND} steps/s:  "
          f"{'met' if rate >= TARGET_STEPS_PER_SECOND else 'NOT met'} ({rate:.0f})")
    print(f"target RSS <= {TARGET_RSS_MB} MB:   "
          f"{'met' if rss_peak <= TARGET_RSS_MB else 'NOT met'} (peak {rss_peak:.1f} MB)")
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())

    problems = list(load.failures) + card_problems
    if new_requests != args.requests:
        problems.append(f"{new_requests} new requests stored, expected {args.requests}")
    if len(set(load.refs)) != args.requests:
        problems.append(f"{len(set(load.refs))} distinct receipts, expected {args.requests}")
    if errors.count:
        problems += [f"error logged: {line}" for line in errors.first]
    print(f"correctness:           {'ok' if not problems else f'{len(problems)} problems'}")
    for problem in problems[:10]:
        print(f"  - {problem}")
    return 1 if problems else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=100, help="concurrent simulated users")
    parser.add_argument("--requests", type=int, default=1000, help="requests to complete")
    parser.add_argument("--prefill", type=int, default=10_000,
                        help="requests stored before measuring")
    parser.add_argument("--db", help="SQLite file to use (default: a temporary one); "
                                     "prefilled requests are added to what it holds")
    parser.add_argument("--full-responses", action="store_true",
                        help="answer every call with Telegram's full message echo (the fake "
                             "Bot API's own responses) instead of a minimal result")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the load with cProfile and print the top N functions")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_requests_") as tmp:
        return asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
