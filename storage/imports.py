"""SQL of the import job: batches, checkpoints, row results, counters."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from storage.models import (
    ImportBatch,
    ImportChunk,
    ImportJob,
    ImportRowResult,
    PropertyDefinition,
    utcnow,
)

COUNTS = ("created", "updated", "unchanged", "failed")


def store_batches(session: Session, import_id: int, chunks: list[list]) -> None:
    """Keep each chunk's parsed rows ([line, cells] pairs) for the chunk jobs."""
    session.execute(
        insert(ImportBatch),
        [{"import_id": import_id, "chunk_no": n, "rows": rows} for n, rows in enumerate(chunks)],
    )


def batch_numbers(session: Session, import_id: int) -> list[int]:
    """The chunk numbers of an import's stored batches."""
    return list(session.scalars(
        select(ImportBatch.chunk_no).where(ImportBatch.import_id == import_id)
        .order_by(ImportBatch.chunk_no)
    ))


def load_batch(session: Session, import_id: int, chunk_no: int) -> list | None:
    """The rows of one chunk, or None when it is gone (the import finished)."""
    return session.scalar(
        select(ImportBatch.rows).where(ImportBatch.import_id == import_id,
                                       ImportBatch.chunk_no == chunk_no)
    )


def done_chunks(session: Session, import_id: int) -> set[int]:
    """Chunk numbers whose checkpoint is committed."""
    return set(session.scalars(
        select(ImportChunk.chunk_no).where(ImportChunk.import_id == import_id)
    ))


def record_chunk(session: Session, import_id: int, chunk_no: int, counts: dict[str, int],
                 row_results: list[dict]) -> None:
    """Write a chunk's checkpoint, its failed and warned rows, and bump the import's counters.

    The checkpoint's primary key makes a second run of the same chunk fail on commit, so a
    retried chunk never counts twice.
    """
    rows = sum(counts.values())
    session.execute(insert(ImportChunk).values(
        import_id=import_id, chunk_no=chunk_no, rows=rows,
        **{f"{k}_count": counts[k] for k in COUNTS},
    ))
    if row_results:
        session.execute(insert(ImportRowResult), [{"import_id": import_id, **r} for r in row_results])
    session.execute(
        update(ImportJob).where(ImportJob.id == import_id).values(
            done_rows=ImportJob.done_rows + rows,
            **{f"{k}_count": getattr(ImportJob, f"{k}_count") + counts[k] for k in COUNTS},
        )
    )


def finish_if_complete(session: Session, import_id: int) -> bool:
    """Mark the import done when every batch has its checkpoint; True if this call did it."""
    batches = session.scalar(
        select(func.count()).select_from(ImportBatch).where(ImportBatch.import_id == import_id))
    if not batches or len(done_chunks(session, import_id)) < batches:
        return False
    totals = session.execute(
        select(*[func.sum(getattr(ImportChunk, f"{k}_count")) for k in COUNTS],
               func.sum(ImportChunk.rows))
        .where(ImportChunk.import_id == import_id)
    ).one()
    marked = session.execute(
        update(ImportJob).where(ImportJob.id == import_id, ImportJob.status == "running").values(
            status="done", finished_at=utcnow(), done_rows=totals[4],
            **{f"{k}_count": totals[i] for i, k in enumerate(COUNTS)},
        )
    ).rowcount
    session.execute(delete(ImportBatch).where(ImportBatch.import_id == import_id))
    return bool(marked)


def row_results(session: Session, import_id: int, outcome: str,
                limit: int | None = None) -> list[ImportRowResult]:
    """An import's failed or warned rows, by line."""
    query = (select(ImportRowResult)
             .where(ImportRowResult.import_id == import_id, ImportRowResult.outcome == outcome)
             .order_by(ImportRowResult.line))
    return list(session.scalars(query.limit(limit) if limit else query))


def count_row_results(session: Session, import_id: int, outcome: str) -> int:
    """How many rows of an import have this outcome recorded (failed or warning)."""
    return session.scalar(
        select(func.count()).select_from(ImportRowResult)
        .where(ImportRowResult.import_id == import_id, ImportRowResult.outcome == outcome)
    ) or 0


def recent_imports(session: Session, limit: int) -> list[ImportJob]:
    """The newest imports first."""
    return list(session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)))


def property_keys(session: Session) -> list[str]:
    """The keys of every custom property defined so far."""
    return list(session.scalars(select(PropertyDefinition.key)))


def claim_start(session: Session, import_id: int, name: str, tags: list[str]) -> bool:
    """Move an uploaded import to queued with its name; False if another start got there first."""
    return session.execute(
        update(ImportJob).where(ImportJob.id == import_id, ImportJob.status == "uploaded")
        .values(status="queued", name=name, disclosure_accepted_at=utcnow(), tags=tags)
    ).rowcount == 1


def running_imports(session: Session) -> list[int]:
    """Ids of the imports whose chunks are being run."""
    return list(session.scalars(select(ImportJob.id).where(ImportJob.status == "running")))
