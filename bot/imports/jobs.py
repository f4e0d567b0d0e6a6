"""Background jobs of an import: split the file into chunk batches, run each chunk, finish."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from bot import jobs, runtime
from bot.imports.engine import paused_gc, process_chunk
from bot.imports.reader import read_csv
from storage import imports as store
from storage.models import ImportJob, utcnow

logger = logging.getLogger(__name__)

QUEUE = "imports"


def enqueue_import(import_id: int) -> str | None:
    """Queue the import's preparation on the `imports` queue (in-process when embedded)."""
    return jobs.enqueue(prepare_import, import_id, queue=QUEUE, on_failure=on_job_failure)


def resume_running_imports() -> list[int]:
    """Queue the preparation step again for every import still running, so the chunks that a
    dead worker left are queued anew (a chunk already done, or done twice, counts once).
    Called when a worker starts; returns the import ids resumed."""
    with runtime.new_session() as session:
        running = store.running_imports(session)
    for import_id in running:
        jobs.enqueue(prepare_import, import_id, queue=QUEUE, on_failure=on_job_failure)
    return running


def prepare_import(import_id: int) -> None:
    """Parse the stored file once, keep its rows as chunk batches, queue a job per chunk.

    Idempotent: a retried run finds the batches and only queues the chunks not yet done.
    """
    with runtime.new_session() as session:
        job = session.get(ImportJob, import_id)
        if job is None or job.status not in ("queued", "running"):
            return
        if not store.batch_numbers(session, import_id) and job.status == "queued":
            with paused_gc():
                parsed = read_csv(job.data, job.filename)
            size = runtime.current().config.import_chunk_size
            pairs = [[line, cells] for line, cells in zip(parsed.lines, parsed.rows, strict=True)]
            store.store_batches(session, import_id,
                                [pairs[i:i + size] for i in range(0, len(pairs), size)] or [[]])
            job.status, job.started_at, job.total_rows = "running", utcnow(), len(pairs)
            session.commit()
        pending = sorted(set(store.batch_numbers(session, import_id))
                         - store.done_chunks(session, import_id))
    for chunk_no in pending:
        jobs.enqueue(run_chunk, import_id, chunk_no, queue=QUEUE, on_failure=on_job_failure)
    if not pending:
        _finish(import_id)


def run_chunk(import_id: int, chunk_no: int) -> None:
    """Import one chunk and commit it with its checkpoint; a chunk already done is skipped."""
    with runtime.new_session() as session:
        job = session.get(ImportJob, import_id)
        if job is None or job.status != "running" or chunk_no in store.done_chunks(session, import_id):
            return
        rows = store.load_batch(session, import_id, chunk_no)
        if rows is None:
            return
        try:
            process_chunk(session, job, chunk_no, rows)
            session.commit()
        except IntegrityError:
            session.rollback()
            if chunk_no not in store.done_chunks(session, import_id):
                raise
            # Another run of this chunk committed first; its counts stand, ours are dropped.
            logger.info("import %s chunk %s was already done", import_id, chunk_no)
    _finish(import_id)


def mark_failed(import_id: int, error: BaseException | str) -> None:
    """Record that an import's job gave up, with the error, so its status says so."""
    with runtime.new_session() as session:
        job = session.get(ImportJob, import_id)
        if job is not None and job.status in ("queued", "running"):
            job.status, job.error, job.finished_at = "failed", str(error)[:2000], utcnow()
            session.commit()


def on_job_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ failure callback: the job's first argument is the import id.

    RQ calls it on every failure, also when a retry will follow; only the last one counts.
    """
    if getattr(job, "retries_left", None):
        return
    mark_failed(job.args[0], f"{exc_type.__name__}: {exc_value}")


def _finish(import_id: int) -> None:
    with runtime.new_session() as session:
        if store.finish_if_complete(session, import_id):
            logger.info("import %s finished", import_id)
        session.commit()
