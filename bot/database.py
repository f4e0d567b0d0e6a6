"""One SQLAlchemy session per request, opened on first use and closed at teardown."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session

from bot import runtime


def get_session() -> Session:
    """The request's session, opened lazily."""
    if "db_session" not in g:
        g.db_session = runtime.current().sessions()
    return g.db_session


def close_session(_error: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    """Register the teardown that closes the request's session."""
    app.teardown_appcontext(close_session)
