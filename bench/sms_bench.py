"""SMS webhook throughput: gunicorn (2 workers) on a fresh PostgreSQL database, signed posts.

Starts `gunicorn -w 2 wsgi:app` on a database it creates and drops, sends signed Twilio
Messaging webhooks over 8 connections (new and returning senders, some introductions) and
prints requests/s, p50/p99 latency and worker CPU. See bench/README.md.

    .venv/bin/python bench/sms_bench.py [--requests 3000] [--senders 300] [--baseline]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import phonenumbers
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))

from scratch_db import create_database, drop_database  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TOKEN = "bench-twilio-token"
PUBLIC_BASE = "https://contacts.bench.test"
TEXTS = ("Do you open on Sundays?", "Running 10 minutes late, sorry", "Can I move my "
         "appointment to Friday?", "Thanks!", "Is the blue one still in stock?")
INTRODUCTIONS = ("hi it's {name}, is my order ready?", "Hello, this is {name}. Call me back?",
                 "my name is {name} and I'd like a quote")
NAMES = ("Dana Whitfield", "Marcus Lee", "Ana Garcia", "Pat O'Brien", "Priya Natarajan")
AREAS = ("415", "646", "312", "617", "206")
_baseline_engine = None


def main() -> None:
    args = _arguments()
    requests = _payloads(args.requests, args.senders, args.seed, args.intro_share)
    if args.baseline:
        _bench("baseline: one PostgreSQL upsert per request", "sms_bench:baseline_app",
               BENCH_DIR, requests, args)
    _bench("POST /twilio/sms", "wsgi:app", ROOT, requests, args)


def _bench(title: str, app: str, cwd: Path, requests: list[tuple], args) -> None:
    database_url = create_database(ADMIN_URL)
    server = None
    try:
        _migrate(database_url)
        port = _free_port()
        server = _start_gunicorn(database_url, port, args.workers, app, cwd)
        _wait_until_up(port, server)
        _warm_up(port, args.concurrency)
        cpu_before = _worker_cpu(server.pid)
        latencies, statuses, elapsed = _run(port, requests, args.concurrency)
        cpu = _worker_cpu(server.pid) - cpu_before
        print(f"== {title}")
        _report(args, latencies, statuses, elapsed, cpu, database_url, app == "wsgi:app")
    finally:
        if server is not None:
            _stop(server)
        drop_database(ADMIN_URL, database_url)


def baseline_app(environ, start_response):
    """The reference endpoint: parse the form, one upsert, a fixed TwiML reply (--baseline)."""
    global _baseline_engine
    if _baseline_engine is None:
        _baseline_engine = create_engine(os.environ["DATABASE_URL"])
    length = int(environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(environ["wsgi.input"].read(length).decode())
    with _baseline_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO bench_senders (sender, messages) VALUES (:sender, 1) "
            "ON CONFLICT (sender) DO UPDATE SET messages = bench_senders.messages + 1"),
            {"sender": form.get("From", [""])[0]})
    start_response("200 OK", [("Content-Type", "text/xml")])
    return [b'<?xml version="1.0" encoding="UTF-8"?><Response />']


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--senders", type=int, default=300,
                        help="distinct numbers; the rest of the requests are returning senders")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--intro-share", type=float, default=0.1,
                        help="share of messages in which the sender introduces themself")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline", action="store_true",
                        help="first run the same load against a one-upsert endpoint, to read "
                             "the figures against what this machine does at the moment")
    return parser.parse_args()


def _migrate(url: str) -> None:
    # Migrate once here: two workers migrating a fresh database at the same moment would race.
    from storage.db import make_engine, upgrade_schema

    engine = make_engine(url)
    upgrade_schema(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_senders (sender text PRIMARY KEY, "
                                "messages integer NOT NULL)"))
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(database_url: str, port: int, workers: int, app: str,
                    cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "AUTO_MIGRATE": "true",
           "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": PUBLIC_BASE}
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         app], cwd=cwd, env=env, start_new_session=True,
    )


def _wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            status, _ = _post(port, "/health", b"", {})
        except OSError:
            time.sleep(0.2)
            continue
        if status in (200, 404, 405, 503):
            return
    raise SystemExit("gunicorn did not answer within a minute")


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _worker_cpu(master: int) -> float:
    """CPU seconds used so far by gunicorn's workers (user + system, from /proc)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _valid_numbers(count: int, rng: random.Random) -> list[str]:
    numbers: set[str] = set()
    while len(numbers) < count:
        candidate = f"+1{rng.choice(AREAS)}{rng.randint(2000000, 9999999)}"
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
            numbers.add(candidate)
    return sorted(numbers)


def _payloads(total: int, senders: int, seed: int, intro_share: float = 0.1) -> list[tuple]:
    """Signed (body, headers) pairs: every sender once, then returning senders at random."""
    rng = random.Random(seed)
    numbers = _valid_numbers(senders, rng)
    order = numbers + [rng.choice(numbers) for _ in range(max(total - senders, 0))]
    rng.shuffle(order)
    validator = RequestValidator(TOKEN)
    payloads = []
    for n, sender in enumerate(order[:total]):
        introduces = rng.random() < intro_share
        body = rng.choice(INTRODUCTIONS).format(name=rng.choice(NAMES)) if introduces else (
            rng.choice(TEXTS))
        payloads.append(_signed(validator, sender, body, f"SM{uuid.UUID(int=n + 1).hex}"))
    return payloads


def _signed(validator: RequestValidator, sender: str, body: str, message_sid: str) -> tuple:
    params = {"MessageSid": message_sid, "SmsMessageSid": message_sid,
              "AccountSid": "AC" + "b" * 32, "From": sender, "To": "+14155550100",
              "Body": body, "NumMedia": "0",
              "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01"}
    signature = validator.compute_signature(PUBLIC_BASE + "/twilio/sms", params)
    return urlencode(params).encode(), {"X-Twilio-Signature": signature}


def _warm_up(port: int, concurrency: int) -> None:
    """Untimed: a few requests per connection, so each worker has its pool and name model."""
    validator = RequestValidator(TOKEN)
    warm = [_signed(validator, "+16175550123", INTRODUCTIONS[0].format(name="Dana Whitfield"),
                    f"SM{uuid.uuid4().hex}") for _ in range(concurrency * 4)]
    _run(port, warm, concurrency)


def _post(port: int, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded", **headers})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _run(port: int, payloads: list[tuple], concurrency: int):
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    cursor = iter(range(len(payloads)))

    def client() -> None:
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            body, headers = payloads[index]
            started = time.perf_counter()
            status, _ = _post(port, "/twilio/sms", body, headers)
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:  # list() re-raises a client's exception
        list(pool.map(lambda _: client(), range(concurrency)))
    return latencies, statuses, time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.5)) - 1))]


def _report(args, latencies, statuses, elapsed, cpu, database_url, app_run: bool) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        contacts = connection.execute(text("SELECT count(*) FROM contacts")).scalar()
        messages = connection.execute(text("SELECT count(*) FROM messages")).scalar()
    engine.dispose()
    print(f"requests     {len(latencies)} ({args.senders} senders, {args.intro_share:.0%} "
          f"introductions, {args.concurrency} connections, {args.workers} gunicorn workers)")
    print(f"statuses     {dict(sorted(statuses.items()))}")
    print(f"throughput   {len(latencies) / elapsed:.0f} requests/s over {elapsed:.2f} s")
    print(f"latency ms   p50 {_percentile(latencies, 0.50) * 1000:.1f}  "
          f"p99 {_percentile(latencies, 0.99) * 1000:.1f}  "
          f"max {max(latencies) * 1000:.1f}  mean {statistics.fmean(latencies) * 1000:.1f}")
    print(f"worker CPU   {cpu / len(latencies) * 1000:.2f} ms per request")
    if app_run:
        expected = (args.senders + 1, len(latencies) + args.concurrency * 4)
        verdict = "as expected" if (contacts, messages) == expected else f"EXPECTED {expected}"
        print(f"stored       {contacts} contacts, {messages} messages with warm-up ({verdict})")


if __name__ == "__main__":
    main()
