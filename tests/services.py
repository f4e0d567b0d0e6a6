"""Real PostgreSQL and Redis for the tests: a database of the run's own, and a guard against skipping."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[1]


def unavailable(what: str, error: Exception) -> None:
    """Skip a test whose service is down, except on CI (CI=true), where that is a failure."""
    message = f"{what} is not reachable ({type(error).__name__}: {error})"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{message}; CI must run every service test", pytrace=False)
    pytest.skip(message)


def _as_admin(statement: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()


def create_database() -> str:
    """Create an empty PostgreSQL database for this test run; return its URL."""
    from sqlalchemy.engine import make_url

    name = f"contacts_test_{uuid.uuid4().hex[:10]}"
    _as_admin(f'CREATE DATABASE "{name}"')
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database made by create_database."""
    from sqlalchemy.engine import make_url

    _as_admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def worker_environment(database_url: str, redis_url: str, **settings: str) -> dict[str, str]:
    """The environment of an `rq worker` subprocess running this project's jobs."""
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
            "SPACY_MODEL": "", "AUTO_MIGRATE": "false", **settings}


def rq_worker(env: dict[str, str], *args: str) -> list[str]:
    """The command line of an `rq worker` of this virtualenv against env's REDIS_URL."""
    rq = Path(sys.executable).with_name("rq")
    return [str(rq), "worker", "-w", "bot.worker.ContactsWorker", *args, "--url", env["REDIS_URL"]]


def start_rq_worker(env: dict[str, str], *args: str, log: Path | None = None) -> subprocess.Popen:
    """Start an `rq worker` in a process group of its own (so a test can kill it and its
    work horse together); its output goes to `log` when given."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the worker owns it)
    return subprocess.Popen(rq_worker(env, *args), env=env, cwd=ROOT, start_new_session=True,
                            stdout=out, stderr=subprocess.STDOUT if log else subprocess.DEVNULL)


def stop_rq_worker(process: subprocess.Popen, grace_seconds: float = 10) -> None:
    """Ask a worker started by start_rq_worker to stop; kill its group if it lingers."""
    import signal

    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
