"""The service's health: database, Redis, integrations and the name-capture model."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot import jobs, runtime
from nlp.name_capture import model_status

logger = logging.getLogger(__name__)


def service_status() -> dict:
    """What is up and what is switched off; `ok` is False when the database or Redis is down."""
    rt = runtime.current()
    status: dict = {"ok": True, "database": "ok", "jobs": "in-process"}
    try:
        with rt.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        status["ok"], status["database"] = False, f"unreachable: {type(error).__name__}"
    if rt.config.redis_url:
        try:
            jobs.redis_connection().ping()
            status["jobs"] = "rq"
        except RedisError as error:
            status["ok"], status["jobs"] = False, f"redis unreachable: {type(error).__name__}"
    status["integrations"] = {
        name: ("on" if missing is None else f"off: set {missing}")
        for name, missing in rt.config.integrations().items()
    }
    status["name_capture"] = _name_capture_status()
    return status


def _name_capture_status() -> dict:
    status = dict(model_status())
    status["mode"] = "spaCy NER + rules" if status["loaded"] else "rules only"
    return status
