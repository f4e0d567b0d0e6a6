"""SQL of processed provider deliveries: claim a key once, whoever asks second is told no."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import ProcessedEvent, utcnow


def claim_delivery(session: Session, key: str) -> bool:
    """Record `key` as processed; True for the first claim, False when it was claimed before.

    An insert that skips on conflict, so two concurrent deliveries cannot both win.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(ProcessedEvent).values(key=key[:200], created_at=utcnow())
                 .on_conflict_do_nothing(index_elements=["key"]).returning(ProcessedEvent.key))
    # RETURNING, not rowcount: psycopg reports -1 rows for an insert that skipped.
    return session.execute(statement).scalar() is not None
