"""Benchmark the matcher: load time and per-question latency (p50/p99), against the targets.

Runs on the bundled knowledge base with the dev and held-out questions, then on a synthetic
base of 500 entries made by recombining the real questions and vocabulary. Prints plain text,
and under each figure the target (issue 9) and whether it is met. Latency is wall-clock time;
the CPU time of the thread is printed beside it, because on a shared machine the wall-clock
p99 also measures the other processes.

    .venv/bin/python benchmarks/bench_matching.py
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import statistics
import sys
import time

from _common import questions  # the project root is put on sys.path by _common

from bot.answering import Answerer
from bot.config import BUNDLED_KNOWLEDGE, MatchingSettings
from bot.knowledge import Entry, KnowledgeBase, load_knowledge
from bot.matching import Matcher
from bot.texts import load_texts

SYNTHETIC_ENTRIES = 500
ROUNDS = 5
# Targets (issue 9, "Done when"): p99 per question, and start-up (load + build), in seconds.
TARGET_REAL_P99 = 0.001
TARGET_SYNTHETIC_P99 = 0.002
TARGET_STARTUP = 0.5


def synthetic_base(kb: KnowledgeBase, size: int, seed: int = 7) -> KnowledgeBase:
    """A bigger base from the real one: each entry mixes questions and words of three others."""
    rng = random.Random(seed)
    real = list(kb.entries.values())
    words = sorted({w for e in real for q in e.questions for w in q.split() if len(w) > 4})
    entries: dict[str, Entry] = {}
    for n in range(size):
        picked = rng.sample(real, 3)
        pool = [q for e in picked for q in e.questions]
        mixed = [
            f"{q} {rng.choice(words)}" if rng.random() < 0.5 else q
            for q in rng.sample(pool, min(20, len(pool)))
        ]
        entry_id = f"s{n}"
        entries[entry_id] = Entry(
            id=entry_id,
            title=f"{picked[0].title[:40]} {n}",
            short=f"{picked[0].button_label[:24]} {n}",
            answer=picked[0].answer,
            questions=mixed,
            keywords=rng.sample(words, 4) + list(picked[0].keywords[:3]),
            dates=list(picked[0].dates),
        )
    return KnowledgeBase(entries=entries, smalltalk=kb.smalltalk, synonyms=kb.synonyms, menu=[])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# Per-question seconds: the first round (cold caches), all rounds, and all rounds' CPU time.
Timings = tuple[list[float], list[float], list[float]]


def latency(matcher: Matcher, texts: list[str]) -> Timings:
    """Per-question seconds of the matcher alone."""
    first: list[float] = []
    every: list[float] = []
    cpu: list[float] = []
    for round_no in range(ROUNDS):
        for text in texts:
            start, start_cpu = time.perf_counter(), time.thread_time()
            matcher.match(text)
            took = time.perf_counter() - start
            cpu.append(time.thread_time() - start_cpu)
            every.append(took)
            if round_no == 0:
                first.append(took)
    return first, every, cpu


def answering_latency(answerer: Answerer, texts: list[str]) -> Timings:
    """Per-question seconds through the Answerer: two-question split, and each question read
    in the light of the previous answer's topic, as a conversation would."""
    first: list[float] = []
    every: list[float] = []
    cpu: list[float] = []
    for round_no in range(ROUNDS):
        topic: str | None = None
        for text in texts:
            start, start_cpu = time.perf_counter(), time.thread_time()
            reply, _ = answerer.answer(text, topic)
            took = time.perf_counter() - start
            cpu.append(time.thread_time() - start_cpu)
            topic = reply.entry_id or topic
            every.append(took)
            if round_no == 0:
                first.append(took)
    return first, every, cpu


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "NOT met"


def report(
    name: str, build_seconds: float, timings: Timings, target_p99: float
) -> None:
    first, every, cpu = timings
    ms = 1000.0
    p99, cpu_p99 = percentile(every, 0.99), percentile(cpu, 0.99)
    print(f"{name}")
    print(f"  build           {build_seconds * ms:8.1f} ms")
    print(f"  first round     p50 {statistics.median(first) * ms:6.3f} ms   "
          f"p99 {percentile(first, 0.99) * ms:6.3f} ms   (cold caches, {len(first)} questions)")
    print(f"  all {ROUNDS} rounds    p50 {statistics.median(every) * ms:6.3f} ms   "
          f"p99 {p99 * ms:6.3f} ms   max {max(every) * ms:6.3f} ms")
    print(f"  target          p99 <= {target_p99 * ms:.3f} ms: {verdict(p99, target_p99)}   "
          f"(CPU time p99 {cpu_p99 * ms:6.3f} ms: {verdict(cpu_p99, target_p99)})")


def main() -> int:
    settings = MatchingSettings()
    texts = questions()

    start = time.perf_counter()
    kb = load_knowledge(BUNDLED_KNOWLEDGE)
    loaded = time.perf_counter()
    matcher = Matcher(kb, settings)
    built = time.perf_counter()
    gc.freeze()  # as the bot does once its knowledge base is built (bot/tg/app.py)
    print(f"knowledge base: {len(kb.entries)} entries, "
          f"{sum(len(e.questions) for e in kb.entries.values())} example questions")
    print(f"  load (YAML + validation) {(loaded - start) * 1000:8.1f} ms")
    startup = built - start
    print(f"  start-up (load + build)  {startup * 1000:8.1f} ms   "
          f"target <= {TARGET_STARTUP * 1000:.0f} ms: {verdict(startup, TARGET_STARTUP)}")
    report("real base", built - loaded, latency(matcher, texts), TARGET_REAL_P99)
    answerer = Answerer(kb, matcher, load_texts(), today=dt.date.today)
    report("real base, answers with context and two-question split", 0.0,
           answering_latency(answerer, texts), TARGET_REAL_P99)

    big = synthetic_base(kb, SYNTHETIC_ENTRIES)
    start = time.perf_counter()
    big_matcher = Matcher(big, settings)
    built = time.perf_counter()
    gc.freeze()
    report(f"synthetic base ({SYNTHETIC_ENTRIES} entries)", built - start,
           latency(big_matcher, texts), TARGET_SYNTHETIC_P99)
    return 0


if __name__ == "__main__":
    sys.exit(main())
