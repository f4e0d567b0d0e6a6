"""SQL of staff roles: a Slack user's stored role, set with an upsert, removed on revoke."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Staff, utcnow


def staff_role(session: Session, slack_user_id: str) -> str | None:
    """The role stored for a Slack user, or None when they have none."""
    return session.scalar(select(Staff.role).where(Staff.slack_user_id == slack_user_id))


def set_staff_role(session: Session, slack_user_id: str, role: str) -> None:
    """Store `role` for the user, replacing any earlier one (one upsert, no read first)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Staff).values(slack_user_id=slack_user_id, role=role,
                                             created_at=utcnow())
    session.execute(statement.on_conflict_do_update(
        index_elements=[Staff.slack_user_id], set_={"role": role},
    ))


def remove_staff(session: Session, slack_user_id: str) -> bool:
    """Forget the user's stored role; True when there was one."""
    removed = session.execute(delete(Staff).where(Staff.slack_user_id == slack_user_id))
    return bool(removed.rowcount)
