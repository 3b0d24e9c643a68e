"""POST /api/v1/evaluate against a bare JSON view, under gunicorn, in the same run.

    DATABASE_URL=postgres://... .venv/bin/python scripts/bench_api.py [--seconds 5] [--threads 8]

Starts gunicorn (2 sync workers) on 127.0.0.1:8799, makes a clinic and a key, then the two sides
take turns (3 rounds of `--seconds` each) with keep-alive connections from `--threads` threads;
each side keeps its best round. Prints requests per second and the ratio evaluate / bare.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8799
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "scripts.bench_settings",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
    "SECURE_SSL_REDIRECT": "false",
    "API_PER_MINUTE": "100000000",
    "LOG_LEVEL": "WARNING",
}


def manage(*args) -> str:
    command = [sys.executable, "manage.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=ENV, check=True, capture_output=True, text=True)  # noqa: S603
    return done.stdout


def set_up() -> str:
    manage("migrate", "--noinput", "-v0")
    clinic = (
        "from screening.accounts.models import Clinic as C; C.objects.get_or_create(name='Bench')"
    )
    manage("shell", "-c", clinic)
    label = f"bench-{int(time.time())}"
    return manage("api_key", "create", "--clinic", "Bench", "--name", label).splitlines()[-1]


def intake() -> bytes:
    scenarios = json.loads((ROOT / "fixtures" / "scenarios_v1.json").read_text())["scenarios"]
    return json.dumps(scenarios[3]["intake"]).encode()


def hammer(path: str, body: bytes, headers: dict, seconds: float, threads: int) -> float:
    counts = [0] * threads
    stop = time.monotonic() + seconds

    def run(index):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.monotonic() < stop:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: {response.status}")
            counts[index] += 1

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--threads", type=int, default=8)
    options = parser.parse_args()
    key = set_up()
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{PORT}"]
    server = subprocess.Popen(  # noqa: S603
        [*gunicorn, "--log-level", "warning", "screening.wsgi"],
        cwd=ROOT,
        env=ENV,
    )
    try:
        time.sleep(3)
        body = intake()
        sides = {
            "bare JSON view": ("/bench/bare", {"Content-Type": "application/json"}),
            "POST /api/v1/evaluate": (
                "/api/v1/evaluate",
                {"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
            ),
        }
        for path, headers in sides.values():
            hammer(path, body, headers, 1, options.threads)  # warm up
        best = dict.fromkeys(sides, 0.0)
        for _ in range(3):
            for name, (path, headers) in sides.items():
                rate = hammer(path, body, headers, options.seconds, options.threads)
                best[name] = max(best[name], rate)
        for name, rate in best.items():
            print(f"{name:24} {rate:8.0f} req/s")
        print(
            f"ratio evaluate / bare  {best['POST /api/v1/evaluate'] / best['bare JSON view']:.2f}"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
