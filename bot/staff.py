"""Staff roles of Slack users: who may create, find, import, and who may change roles."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from bot.errors import PermissionDeniedError, ValidationError
from storage import staff as store

STAFF_ROLES = ("admin", "importer", "agent")
DEFAULT_ROLE = "agent"


def role_of(session: Session, slack_user_id: str, admins: Collection[str]) -> str:
    """The user's role: admin when listed in SLACK_ADMINS, else the stored role, else agent."""
    if slack_user_id in admins:
        return "admin"
    return store.staff_role(session, slack_user_id) or DEFAULT_ROLE


def grant_role(session: Session, actor_id: str, user_id: str, role: str,
               admins: Collection[str]) -> str:
    """Give `user_id` the role `role` (admin, importer or agent); return the role given.

    Raises PermissionDeniedError unless the actor is an admin, ValidationError for an unknown
    role or a user whose admin role comes from SLACK_ADMINS.
    """
    _check_admin(session, actor_id, admins, "grant roles")
    role = role.strip().lower()
    if role not in STAFF_ROLES:
        raise ValidationError({"role": [f"{role!r} is not a role; use {', '.join(STAFF_ROLES)}"]})
    _check_configured(user_id, admins)
    store.set_staff_role(session, user_id, role)
    session.commit()
    return role


def revoke_role(session: Session, actor_id: str, user_id: str, admins: Collection[str]) -> str:
    """Take away the user's role, leaving them an agent; return the role they had.

    Raises PermissionDeniedError unless the actor is an admin, ValidationError for a user
    whose admin role comes from SLACK_ADMINS.
    """
    _check_admin(session, actor_id, admins, "revoke roles")
    _check_configured(user_id, admins)
    previous = store.staff_role(session, user_id) or DEFAULT_ROLE
    store.remove_staff(session, user_id)
    session.commit()
    return previous


def _check_admin(session: Session, actor_id: str, admins: Collection[str], what: str) -> None:
    role = role_of(session, actor_id, admins)
    if role != "admin":
        raise PermissionDeniedError(f"only admins may {what}; your role is {role}")


def _check_configured(user_id: str, admins: Collection[str]) -> None:
    if user_id in admins:
        raise ValidationError({"user": [
            f"{user_id} is an admin through the SLACK_ADMINS setting; change it there"
        ]})
