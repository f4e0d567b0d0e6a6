"""An import on real Redis with real `rq worker` processes: a worker killed halfway loses nothing."""

from __future__ import annotations

import os
import signal
import time

import pytest
from rq.job import Job
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


def _worker(database_url: str, name: str):
    env = services.worker_environment(database_url, services.REDIS_URL,
                                      IMPORT_CHUNK_SIZE=str(CHUNK))
    return services.start_rq_worker(env, "imports", "default", "--name", name,
                                    "--job-monitoring-interval", "1",
                                    "--maintenance-interval", "2")


def _wait_for(sessions, import_id: int, predicate, deadline: float) -> ImportJob:
    while time.monotonic() < deadline:
        with sessions() as session:
            job = session.get(ImportJob, import_id)
            if predicate(job):
                return job
        time.sleep(0.2)
    pytest.fail("the import did not get there in time")


@pytest.mark.integration
def test_worker_killed_halfway_is_replaced_and_the_import_finishes_exactly(postgres_url,
                                                                          redis_connection):
    redis_url = services.REDIS_URL
    app = create_app(make_config(postgres_url, redis_url=redis_url, import_chunk_size=CHUNK))
    _empty_tables(app)
    sessions = app.extensions["contacts_runtime"].sessions
    with sessions() as session:
        uploaded = service.upload_import(session, _csv(ROWS), "expo.csv", "US")
        service.start_import(session, uploaded["id"], "Expo", True, "importer")
    deadline = time.monotonic() + DEADLINE_SECONDS
    busy = StartedJobRegistry("imports", connection=redis_connection)
    first = _worker(postgres_url, "first")
    try:
        # Kill it while it is inside a chunk job, a third of the way or more.
        _wait_for(sessions, uploaded["id"],
                  lambda j: ROWS // 3 <= j.done_rows < ROWS and busy.get_job_ids(), deadline)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    killed_jobs = busy.get_job_ids()
    with sessions() as session:
        halfway = session.get(ImportJob, uploaded["id"]).done_rows
    assert killed_jobs and halfway < ROWS

    second = _worker(postgres_url, "second")
    try:
        job = _wait_for(sessions, uploaded["id"], lambda j: j.status in ("done", "failed"), deadline)
    finally:
        services.stop_rq_worker(second)
    assert job.status == "done", job.error
    # The chunk job that died with the first worker was run again to the end.
    for job_id in killed_jobs:
        assert Job.fetch(job_id, connection=redis_connection).get_status() == "finished"
    assert (job.created_count, job.updated_count, job.unchanged_count, job.failed_count) == (
        ROWS, 0, 0, 0)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == ROWS
        assert session.scalar(select(func.count()).select_from(Identity)) == 2 * ROWS
        assert session.scalar(select(func.count()).select_from(ImportChunk)) == ROWS // CHUNK
    app.extensions["contacts_runtime"].engine.dispose()
