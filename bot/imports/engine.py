"""The run step of an import: turn one chunk of rows into contacts through the one write path."""

from __future__ import annotations

import gc
from contextlib import contextmanager

from sqlalchemy.orm import Session

from bot.contacts import UpsertResult, prepare_batch, write_prepared
from bot.imports.rows import row_to_input
from bot.imports.rules import meets_row_rules
from bot.records import ContactInput
from storage import imports as store
from storage.models import ImportJob


def property_types(mapping: list[str]) -> dict[str, str]:
    """Key -> type of the new custom properties a mapping creates."""
    types = {}
    for target in mapping:
        if target.startswith("new_property:"):
            _, key, kind = target.split(":", 2)
            types[key] = kind
    return types


def assemble_inputs(rows: list, headers: list[str], mapping: list[str],
                    tags: list[str]) -> list[ContactInput]:
    """The write path's input for each [line, cells] row, with the import's own tags added."""
    inputs = [row_to_input(cells, headers, mapping, line) for line, cells in rows]
    if tags:
        for data in inputs:
            data.tags.extend(tags)
    return inputs


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector around bulk work.

    A chunk allocates hundreds of thousands of small acyclic objects; each collection would
    walk all of them (about half the assembly time), and reference counting frees them anyway.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def process_chunk(session: Session, job: ImportJob, chunk_no: int, rows: list) -> dict[str, int]:
    """Import one chunk's rows ([line, cells] pairs) and record its checkpoint; no commit.

    Each row needs a name and a valid phone or email, else it fails with that reason;
    an invalid secondary value is dropped with a warning while the row imports.
    """
    with paused_gc():
        return _process_chunk(session, job, chunk_no, rows)


def _process_chunk(session: Session, job: ImportJob, chunk_no: int, rows: list) -> dict[str, int]:
    inputs = assemble_inputs(rows, job.file_info["headers"], job.mapping, job.tags)
    results, prepared = prepare_batch(inputs, job.region)
    records = dict(prepared)
    ready = [(i, records[i]) for i in range(len(inputs))
             if meets_row_rules(records.get(i), inputs[i], results[i])]
    write_prepared(session, ready, results, "import",
                   property_types=property_types(job.mapping), import_id=job.id)
    counts = dict.fromkeys(store.COUNTS, 0)
    row_results = []
    for (line, cells), result in zip(rows, results, strict=True):
        outcome = "failed" if result.outcome == "rejected" else result.outcome
        counts[outcome] += 1
        if outcome == "failed" or result.problems:
            row_results.append({"line": line, "values": cells,
                                "outcome": "failed" if outcome == "failed" else "warning",
                                "reason": _reason(result)})
    store.record_chunk(session, job.id, chunk_no, counts, row_results)
    return counts


def _reason(result: UpsertResult) -> str:
    if result.outcome == "rejected":
        return result.reason
    return "imported; dropped: " + result.reason
