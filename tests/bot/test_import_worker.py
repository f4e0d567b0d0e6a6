"""An import on real Redis with real `rq worker` processes: a worker killed halfway loses nothing."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from rq.registry import StartedJobRegistry
from sqlalchemy import func, select

from bot.app import create_app
from bot.imports import service
from storage.models import Contact, Identity, ImportChunk, ImportJob
from tests import services
from tests.conftest import _empty_tables, make_config

ROWS = 3000
CHUNK = 100
# Bounded wait for the whole import, generous for a busy 2-core machine.
DEADLINE_SECONDS = 240


def _csv(rows: int) -> bytes:
    lines = ["Name,Email,Phone,Tags"]
    lines += [f"Person {n},person{n}@example.com,+1 212 555 {n % 10000:04d},Expo"
              for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _worker(database_url: str, name: str, log: Path):
    env = services.worker_environment(database_url, services.REDIS_URL,
                                      IMPORT_CHUNK_SIZE=str(CHUNK))
    return services.start_rq_worker(env, "imports", "default", "--name", name,
                                    "--job-monitoring-interval", "1",
                                    "--maintenance-interval", "2", log=log)


def _wait_for(sessions, import_id: int, predicate, deadline: float, log: Path) -> ImportJob:
    while time.monotonic() < deadline:
        with sessions() as session:
            job = session.get(ImportJob, import_id)
            if predicate(job):
                return job
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    pytest.fail(f"the import did not get there in time; workers said:\n{tail}")


@pytest.mark.integration
def test_worker_killed_halfway_is_replaced_and_the_import_finishes_exactly(postgres_url,
                                                                          redis_connection,
                                                                          tmp_path):
    log = tmp_path / "workers.log"
    redis_url = services.REDIS_URL
    app = create_app(make_config(postgres_url, redis_url=redis_url, import_chunk_size=CHUNK))
    _empty_tables(app)
    sessions = app.extensions["contacts_runtime"].sessions
    with sessions() as session:
        uploaded = service.upload_import(session, _csv(ROWS), "expo.csv", "US")
        service.start_import(session, uploaded["id"], "Expo", True, "importer")
    deadline = time.monotonic() + DEADLINE_SECONDS
    busy = StartedJobRegistry("imports", connection=redis_connection)
    in_flight: list[str] = []

    def inside_a_chunk_a_third_of_the_way(job: ImportJob) -> bool:
        in_flight[:] = busy.get_job_ids()
        return ROWS // 3 <= job.done_rows < ROWS and bool(in_flight)

    first = _worker(postgres_url, "first", log)
    try:
        _wait_for(sessions, uploaded["id"], inside_a_chunk_a_third_of_the_way, deadline, log)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    with sessions() as session:
        halfway = session.get(ImportJob, uploaded["id"]).done_rows
    assert in_flight and halfway < ROWS

    second = _worker(postgres_url, "second", log)
    try:
        job = _wait_for(sessions, uploaded["id"], lambda j: j.status in ("done", "failed"),
                        deadline, log)
    finally:
        services.stop_rq_worker(second)
    assert job.status == "done", job.error
    assert (job.created_count, job.updated_count, job.unchanged_count, job.failed_count) == (
        ROWS, 0, 0, 0)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == ROWS
        assert session.scalar(select(func.count()).select_from(Identity)) == 2 * ROWS
        assert session.scalar(select(func.count()).select_from(ImportChunk)) == ROWS // CHUNK
    app.extensions["contacts_runtime"].engine.dispose()
