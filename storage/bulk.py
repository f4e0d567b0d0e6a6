"""PostgreSQL fast paths of the write path: COPY into staging tables and set-based inserts.

The generic paths in storage.writes run executemany through SQLAlchemy, which costs about a
millisecond a row on PostgreSQL; COPY moves the same rows in a few microseconds each.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from storage.models import utcnow


def is_postgres(session: Session) -> bool:
    """True when the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


def _cursor(session: Session):
    return session.connection().connection.driver_connection.cursor()


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY rows into `table` (JSON values given as Python objects are serialised)."""
    with _cursor(session) as cursor, cursor.copy(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, (dict, list)) else v for v in row])


def next_ids(session: Session, table: str, count: int) -> list[int]:
    """Reserve `count` ids from the table's id sequence."""
    if count == 0:
        return []
    with _cursor(session) as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            "FROM generate_series(1, %s)", (count,))
        return [row[0] for row in cursor.fetchall()]


def insert_contacts(session: Session, rows: list[dict]) -> list[int]:
    """Insert contacts with COPY; return their ids in the order of `rows`."""
    ids = next_ids(session, "contacts", len(rows))
    now = utcnow()
    copy_rows(session, "contacts",
              ("id", "name", "name_source", "company", "notes", "created_source", "created_at",
               "updated_at"),
              ((i, r["name"], r["name_source"], r["company"], r["notes"], r["created_source"],
                now, now) for i, r in zip(ids, rows, strict=True)))
    return ids


def claim_identities(session: Session, rows: list[dict]) -> set[tuple[str, str]]:
    """Stage identities with COPY, insert those no contact holds, return the (kind, value) inserted."""
    if not rows:
        return set()
    with _cursor(session) as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS identity_stage (contact_id bigint, "
                       "kind text, value text, label text, display text) ON COMMIT DELETE ROWS")
        cursor.execute("DELETE FROM identity_stage")
    copy_rows(session, "identity_stage", ("contact_id", "kind", "value", "label", "display"),
              ((r["contact_id"], r["kind"], r["value"], r["label"], r["display"]) for r in rows))
    with _cursor(session) as cursor:
        # A fixed order keeps concurrent batches from deadlocking on each other's rows.
        cursor.execute(
            "INSERT INTO identities (contact_id, kind, value, label, display, created_at) "
            "SELECT contact_id, kind, value, label, display, now() FROM identity_stage "
            "ORDER BY kind, value ON CONFLICT (kind, value) DO NOTHING RETURNING kind, value")
        return {(kind, value) for kind, value in cursor.fetchall()}


def insert_ignoring_duplicates(session: Session, table: str, columns: Sequence[str],
                               rows: list[Sequence], conflict: str) -> None:
    """COPY rows through a staging table into `table`, skipping rows that clash on `conflict`."""
    if not rows:
        return
    stage = f"{table}_stage"
    with _cursor(session) as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} "
                       f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
        cursor.execute(f"DELETE FROM {stage}")
    copy_rows(session, stage, columns, rows)
    names = ", ".join(columns)
    with _cursor(session) as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} "
                       f"ORDER BY {conflict} ON CONFLICT ({conflict}) DO NOTHING")


def find_owners(session: Session, kind: str, values: list[str]) -> list[tuple[str, int]]:
    """(value, contact_id) of the identities of `kind` among `values`, in one query."""
    with _cursor(session) as cursor:
        cursor.execute("SELECT value, contact_id FROM identities "
                       "WHERE kind = %s AND value = ANY(%s)", (kind, values))
        return cursor.fetchall()
