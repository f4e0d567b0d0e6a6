"""The process's shared resources — config, engine, session factory — built once, on first use."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Config, load_config
from bot.errors import ConfigError
from storage.db import DatabaseURLError, make_engine, make_session_factory, upgrade_schema

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What a web process or a worker shares between requests and jobs."""

    config: Config
    engine: Engine
    sessions: sessionmaker[Session]


_current: Runtime | None = None


def install(config: Config) -> Runtime:
    """Build the engine for `config`, migrate when configured to, and make it current.

    Raises ConfigError when DATABASE_URL is malformed.
    """
    global _current
    try:
        engine = make_engine(config.database_url)
    except DatabaseURLError as error:
        raise ConfigError(str(error)) from None
    if config.migrate_on_start:
        upgrade_schema(engine)
    if _current is not None and _current.engine is not engine:
        _current.engine.dispose()
    _current = Runtime(config, engine, make_session_factory(engine))
    return _current


def current() -> Runtime:
    """The runtime of this process; a worker builds it from the environment on first use."""
    if _current is None:
        return install(load_config())
    return _current


def new_session() -> Session:
    """A session of its own, for a job or a CLI command; the caller closes it."""
    return current().sessions()
