"""Web door benchmark: the web chat as it runs (``python -m bot web``, its own process) against a
bare aiohttp handler that echoes JSON (the floor), both driven from this process over HTTP.

Phase 1 (throughput): --sessions browser sessions (default 100) each ask a question, wait for
the answer and ask the next (a closed loop) for --duration seconds: answered questions/s.
Phase 2 (latency): an open loop offers --rate questions/s (default 50) spread over the sessions;
the server's own time per request (aiohttp's access log, %Tf: from reading the request to the
response) gives p50/p99, so this process's client work is not counted.

Targets (issue 11): >= 500 questions/s with 100 sessions; p99 <= 25 ms at 50 questions/s.
Figures are printed, never asserted.

    .venv/bin/python benchmarks/bench_web.py [--duration 5] [--sessions 100] [--rate 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, latency_line, percentile, questions

# aiohttp's format ("POST /echo HTTP/1.1") and the web door's own access log ("POST /api/send",
# bot/web/access_log.py, which leaves the protocol out) both end in the time in seconds.
ACCESS = re.compile(r'"POST (/api/send|/echo)(?: HTTP/[0-9.]+)?" 200 \S+ ([0-9.]+)')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ----------------------------------------------------------------------------- the floor


def serve_echo(port: int) -> None:
    """The floor: a bare aiohttp handler that reads a JSON body and echoes it."""
    import logging

    from aiohttp import web

    logging.basicConfig(level=logging.INFO, format="%(message)s")

    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"messages": [await request.json()]})

    app = web.Application()
    app.router.add_post("/echo", echo)
    web.run_app(app, host="127.0.0.1", port=port, access_log_format='"%r" %s %b %Tf',
                print=None)


# ----------------------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    base: str
    path: str
    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    def times(self, start: int, end: int) -> list[float]:
        found = []
        for line in self.lines[start:end]:
            match = ACCESS.search(line)
            if match:
                found.append(float(match.group(2)))
        return found

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start(name: str, argv: list[str], port: int, path: str) -> Server:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_CONFIG", "BOT_TOKEN")}
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    server = Server(name, f"http://127.0.0.1:{port}", path, proc)
    threading.Thread(target=server.read, daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if proc.poll() is not None:
                log = "".join(server.lines)[-2000:]
                raise SystemExit(f"{name} did not start:\n{log}") from None
            time.sleep(0.1)
    raise SystemExit(f"{name} did not start within 60 s")


def web_config(directory: Path) -> Path:
    """High rate limits: the benchmark is one address with many sessions."""
    path = directory / "bench-web.yaml"
    path.write_text(
        f"database: {{path: {directory / 'web.sqlite'}}}\n"
        "logging: {level: INFO}\n"
        "web:\n  limits: {session_burst: 100000, session_per_minute: 6000000,\n"
        "    address_burst: 1000000, address_per_minute: 60000000}\n",
        encoding="utf-8",
    )
    return path


# ----------------------------------------------------------------------------- load


class Client:
    def __init__(self, server: Server, session: aiohttp.ClientSession) -> None:
        self.server = server
        self.session = session
        self.origin = server.base

    async def new_token(self) -> str:
        if self.server.path == "/echo":
            return "x" * 43
        async with self.session.post(self.server.base + "/api/session", json={},
                                     headers={"Origin": self.origin}) as response:
            return str((await response.json())["token"])

    async def ask(self, token: str, text: str) -> bool:
        headers = {"Origin": self.origin, "X-Chat-Session": token}
        async with self.session.post(self.server.base + self.server.path, json={"text": text},
                                     headers=headers) as response:
            body = await response.json()
            return response.status == 200 and bool(body.get("messages"))


async def closed_loop(client: Client, sessions: int, duration: float, pool: list[str]) -> float:
    tokens = [await client.new_token() for _ in range(sessions)]
    answered = 0
    stop_at = time.monotonic() + duration

    async def user(index: int) -> None:
        nonlocal answered
        n = index
        while time.monotonic() < stop_at:
            if await client.ask(tokens[index], pool[n % len(pool)]):
                answered += 1
            n += sessions
    started = time.monotonic()
    await asyncio.gather(*(user(i) for i in range(sessions)))
    return answered / (time.monotonic() - started)


async def open_loop(client: Client, sessions: int, rate: float, duration: float,
                    pool: list[str]) -> list[float]:
    tokens = [await client.new_token() for _ in range(sessions)]
    latencies: list[float] = []
    tasks = []

    async def one(i: int) -> None:
        t0 = time.perf_counter()
        await client.ask(tokens[i % sessions], pool[i % len(pool)])
        latencies.append(time.perf_counter() - t0)

    loop = asyncio.get_running_loop()
    begin = loop.time()
    for i in range(int(rate * duration)):
        delay = begin + i / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    return latencies


async def measure(server: Server, args: argparse.Namespace, pool: list[str]
                  ) -> tuple[float, list[float], list[float]]:
    connector = aiohttp.TCPConnector(limit=args.sessions)
    async with aiohttp.ClientSession(connector=connector) as session:
        client = Client(server, session)
        await closed_loop(client, 10, 1.0, pool)  # warm-up: matcher caches, connections
        qps = await closed_loop(client, args.sessions, args.duration, pool)
        mark = len(server.lines)
        round_trips = await open_loop(client, args.sessions, args.rate, args.duration, pool)
        deadline = time.monotonic() + 5
        wanted = int(args.rate * args.duration)
        times: Callable[[], list[float]] = lambda: server.times(mark, len(server.lines))  # noqa: E731
        while len(times()) < wanted and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # the access log lines arrive through a pipe
        return qps, times(), round_trips


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--serve-echo", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo)
        return 0
    pool = questions()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        config = web_config(Path(tmp))
        web_port, echo_port = _free_port(), _free_port()
        variants = [
            ("web chat", [sys.executable, "-m", "bot", "web", "--config", str(config),
                          "--port", str(web_port)], web_port, "/api/send"),
            ("echo floor", [sys.executable, __file__, "--serve-echo", str(echo_port)],
             echo_port, "/echo"),
        ]
        for name, argv, port, path in variants:
            server = start(name, argv, port, path)
            try:
                results[name] = asyncio.run(measure(server, args, pool))
            finally:
                server.stop()
    print(f"{args.sessions} sessions, closed loop {args.duration:.0f} s; "
          f"open loop {args.rate:.0f} questions/s for {args.duration:.0f} s")
    for name, (qps, server_times, round_trips) in results.items():
        print(f"{name:11s} {qps:7.0f} answered/s | server {latency_line(server_times)} "
              f"({len(server_times)} samples) | round trip p99 "
              f"{percentile(round_trips, 0.99) * 1000:.1f} ms")
    web_qps, web_times, _ = results["web chat"]
    echo_qps, echo_times, _ = results["echo floor"]
    print(f"ratio web/floor: throughput {web_qps / echo_qps:.2f}, server p99 "
          f"{percentile(web_times, 0.99) / percentile(echo_times, 0.99):.1f}x")
    print(f"targets: >= 500 answered/s: {'met' if web_qps >= 500 else 'NOT met'}; "
          f"p99 <= 25 ms at {args.rate:.0f}/s: "
          f"{'met' if percentile(web_times, 0.99) * 1000 <= 25 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
