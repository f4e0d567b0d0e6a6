"""Import speed on the 10 MiB generic file: read+validate, one worker, re-import, two workers,
a plain PostgreSQL COPY of the same rows, and the workers' peak memory.

Run: .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/import_bench.py
Needs PostgreSQL (127.0.0.1:5432, database `test` reachable) and Redis (127.0.0.1:6379, db 14
is flushed). Prints one line per figure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scratch_db import create_database, drop_database  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DEFAULT_TOOL = ROOT.parent / "shared" / "tools" / "make_samples.py"
OUT = ROOT / "bench" / "out"


def main() -> None:
    args = _arguments()
    path = args.file or _make_file(args.tool)
    data = path.read_bytes()
    print(f"file: {path.name}, {len(data):,} bytes")
    seconds, rows, normalised = _read_and_validate(data, args.chunk_size)
    print(f"read+parse+validate (worker code, no database): {seconds:.2f} s for {rows:,} rows "
          f"({seconds / rows * 1e6:.0f} µs/row)")
    one = _import_run(args, data, workers=1, label="import, 1 worker, all new")
    _import_run(args, data, workers=1, label="re-import, 1 worker, all unchanged",
                database=one["database"])
    two = _import_run(args, data, workers=2, label="import, 2 workers, all new")
    copy = _copy(args.admin_url, normalised)
    print(f"plain COPY of the {rows:,} normalised rows: {copy:.2f} s")
    print(f"ratios: 1 worker / read+validate = {one['seconds'] / seconds:.2f}; "
          f"2 workers / 1 worker = {two['seconds'] / one['seconds']:.2f}")
    for run in (one, two):
        drop_database(args.admin_url, run["database"])


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="a CSV to import instead of generating one")
    parser.add_argument("--tool", type=Path, default=DEFAULT_TOOL, help="make_samples.py")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--chunk-size", type=int, default=2000)
    return parser.parse_args()


def _make_file(tool: Path) -> Path:
    target = OUT / "large_under_limit.csv"
    if not target.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(tool), str(OUT), "--only", "large"], check=True,
                       stdout=subprocess.DEVNULL)
    return target


def _read_and_validate(data: bytes, chunk_size: int) -> tuple[float, int, list[tuple]]:
    from bot.contacts import prepare_batch
    from bot.imports.engine import assemble_inputs, paused_gc
    from bot.imports.mapping import suggest_mapping
    from bot.imports.reader import read_csv
    from bot.imports.rules import meets_row_rules

    started = time.perf_counter()
    with paused_gc():
        parsed = read_csv(data)
    mapping = suggest_mapping(parsed.headers, parsed.rows)
    pairs = list(zip(parsed.lines, parsed.rows, strict=True))
    normalised = []
    for start in range(0, len(pairs), chunk_size):
        chunk = pairs[start:start + chunk_size]
        with paused_gc():  # as the worker runs each chunk
            inputs = assemble_inputs(chunk, parsed.headers, mapping, [])
            results, prepared = prepare_batch(inputs, "US")
            records = dict(prepared)
            for index, data_in in enumerate(inputs):
                record = records.get(index)
                if meets_row_rules(record, data_in, results[index]):
                    normalised.append((record.name, record.identities))
    return time.perf_counter() - started, len(pairs), normalised


def _import_run(args, data: bytes, workers: int, label: str, database: str | None = None) -> dict:
    from redis import Redis

    from bot.app import create_app
    from bot.config import load_config
    from bot.imports import service

    Redis.from_url(args.redis_url).flushdb()
    database = database or create_database(args.admin_url)
    config = load_config({}).with_overrides({
        "database_url": database, "redis_url": args.redis_url, "auto_migrate": True,
        "spacy_model": None, "import_chunk_size": args.chunk_size})
    app = create_app(config)
    sessions = app.extensions["contacts_runtime"].sessions
    with sessions() as session:
        import_id = service.upload_import(session, data, "large.csv", "US")["id"]
        started = time.perf_counter()
        service.start_import(session, import_id, label, True, "admin")
    procs = [_worker(database, args, n) for n in range(workers)]
    peak_kb = max(_peak_kb(p) for p in procs)
    seconds = time.perf_counter() - started
    with sessions() as session:
        status = service.import_status(session, import_id)
    counts = ", ".join(f"{k} {v}" for k, v in status["counts"].items())
    print(f"{label}: {seconds:.2f} s ({status['status']}; {counts}); "
          f"worker peak memory {peak_kb / 1024:.0f} MB")
    app.extensions["contacts_runtime"].engine.dispose()
    return {"seconds": seconds, "database": database}


def _worker(database: str, args, n: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": args.redis_url,
           "SPACY_MODEL": "", "IMPORT_CHUNK_SIZE": str(args.chunk_size)}
    rq = str(Path(sys.executable).with_name("rq"))
    # The wrapper reports the largest resident size among the worker and its work horses.
    wrapper = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], "
               "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    return subprocess.Popen(
        [sys.executable, "-c", wrapper, rq, "worker", "-w", "bot.worker.ContactsWorker",
         "imports", "--burst", "--url",
         args.redis_url, "--name", f"bench-{uuid.uuid4().hex[:6]}-{n}"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)


def _peak_kb(process: subprocess.Popen) -> int:
    out, _ = process.communicate(timeout=600)
    return int(out.strip().splitlines()[-1])


def _copy(admin_url: str, normalised: list[tuple]) -> float:
    import psycopg

    url = make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        connection.execute("CREATE TEMP TABLE bench_copy (name text, email text, phone text)")
        started = time.perf_counter()
        with connection.cursor().copy("COPY bench_copy (name, email, phone) FROM STDIN") as copy:
            for name, identities in normalised:
                found = dict(identities)
                copy.write_row((name, found.get("email"), found.get("phone")))
        connection.commit()
        return time.perf_counter() - started


if __name__ == "__main__":
    main()
