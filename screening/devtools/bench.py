"""Requests per second of the app under gunicorn, each beside a bare baseline view, in one run.

Used by `manage.py bench_consultation` and `manage.py bench_api`. gunicorn (2 sync workers)
serves the production settings with the bench-only URLconf of `scripts/bench_settings.py`,
which adds the baseline views under /bench/ (never in the app's own URLs). Each pair takes turns
for a few rounds from keep-alive client threads; each side keeps its best round. A line per pair:
req/s, p50 and p99 in ms of both sides, then their ratio.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django import test
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.crypto import get_random_string

ROOT = Path(settings.BASE_DIR)
PORT = 8798

# A request: method, path, body, extra headers.
Request = tuple[str, str, bytes, dict]


@dataclass
class Side:
    name: str
    next_request: Callable[[], Request]  # called from the client threads: must be thread-safe
    ok: tuple[int, ...] = (200,)


@dataclass
class Result:
    rate: float
    p50: float
    p99: float

    def __str__(self):
        return f"{self.rate:7.1f} req/s p50 {self.p50:6.1f} ms p99 {self.p99:6.1f} ms"


class BenchCommand(BaseCommand):
    """The options and the PostgreSQL check that every gunicorn benchmark shares."""

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=5, help="length of each round")
        parser.add_argument("--rounds", type=int, default=3, help="each side keeps its best")
        parser.add_argument("--threads", type=int, default=4, help="client threads (keep-alive)")

    def migrated_postgresql(self):
        if connection.vendor != "postgresql":
            raise CommandError("Run it on PostgreSQL: DATABASE_URL=postgres://...")
        call_command("migrate", verbosity=0)


def signed_in(user) -> dict:
    """A new session of `user`: {"Cookie": its header, with a CSRF cookie, "csrf": that cookie's
    value, posted as a form's token}."""
    client = test.Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    secret = get_random_string(32)
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={secret}"
    return {"Cookie": cookie, "csrf": secret}


def server_environment(**extra) -> dict:
    """The production settings (DEBUG off) with the bench URLconf and no HTTPS redirect, and
    this process's SECRET_KEY, so that the sessions it makes are the server's."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scripts.bench_settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@contextmanager
def gunicorn(environment: dict, port: int = PORT, workers: int = 2):
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [*command, "--log-level", "warning", "screening.wsgi"], cwd=ROOT, env=environment
    )
    try:
        _wait_for(port, server)
        yield
    finally:
        server.terminate()
        server.wait()


def _wait_for(port: int, server, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped at start-up (see its messages above).")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} in {seconds:.0f} s.")


def drive(side: Side, seconds: float, threads: int, port: int = PORT) -> Result:
    latencies: list[list[float]] = [[] for _ in range(threads)]
    failures: list[str] = []
    stop = time.monotonic() + seconds

    def run(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.monotonic() < stop and not failures:
                method, path, body, headers = side.next_request()
                started = time.perf_counter()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                latencies[index].append(time.perf_counter() - started)
                if response.status not in side.ok:
                    failures.append(f"{side.name}: {response.status} {content[:300]!r}")
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if failures:
        raise RuntimeError(failures[0])
    times = sorted(t for thread in latencies for t in thread)
    centiles = statistics.quantiles(times, n=100, method="inclusive")
    return Result(len(times) / seconds, centiles[49] * 1000, centiles[98] * 1000)


def compare(pairs: list[tuple[Side, Side]], *, seconds: float, threads: int, rounds: int, out):
    """Drive each (app, baseline) pair in turns; write one line per pair, ending in its ratio.
    A side in two pairs (one app beside two baselines) is driven once a round."""
    sides = list({id(side): side for pair in pairs for side in pair}.values())
    for side in sides:
        drive(side, 1, threads)  # warm up: imports, compiled rules, connections
    best: dict[str, Result] = {}
    for _ in range(rounds):
        for side in sides:
            result = drive(side, seconds, threads)
            if side.name not in best or result.rate > best[side.name].rate:
                best[side.name] = result
    for app, baseline in pairs:
        ratio = best[app.name].rate / best[baseline.name].rate
        out.write(
            f"{app.name:<14} {best[app.name]} | {baseline.name:<22} {best[baseline.name]} "
            f"| ratio {ratio:.2f}"
        )
