"""Shared fixtures: apps on SQLite and PostgreSQL, sessions, and signed-request helpers."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.config import Config
from storage.models import Base
from tests import services

API_TOKENS = {"admin-token": "admin", "importer-token": "importer", "agent-token": "agent",
              "viewer-token": "viewer"}


def make_config(database_url: str, **overrides) -> Config:
    """Settings for a test app: the given database, inline jobs, fake secrets, no model."""
    values = dict(
        database_url=database_url, redis_url=None, auto_migrate=True, default_region="US",
        api_tokens=dict(API_TOKENS), public_base_url="https://contacts.example.test",
        twilio_auth_token="twilio-test-token", slack_signing_secret="slack-test-secret",
        slack_bot_token="xoxb-test", slack_admins=("UADMIN",), meta_app_secret="meta-test-secret",
        meta_verify_token="meta-verify", spacy_model=None,
    )
    values.update(overrides)
    return Config(**values)


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL database of this test run's own, dropped at the end."""
    try:
        url = services.create_database()
    except Exception as error:  # any connection failure: the service is down
        services.unavailable("PostgreSQL", error)
    yield url
    services.drop_database(url)


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)]
)
def database_url(request, tmp_path):
    """Each storage and write-path test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'contacts.db'}"
    return request.getfixturevalue("postgres_url")


def _empty_tables(app) -> None:
    engine = app.extensions["contacts_runtime"].engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def app(database_url):
    """The app on each database, with test settings and empty tables."""
    application = create_app(make_config(database_url))
    _empty_tables(application)
    yield application
    application.extensions["contacts_runtime"].engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path):
    """The app on a temporary SQLite file only (transport tests that need no second run)."""
    application = create_app(make_config(f"sqlite:///{tmp_path / 'contacts.db'}"))
    yield application
    application.extensions["contacts_runtime"].engine.dispose()


@pytest.fixture
def redis_connection():
    """Redis database 15 of the test server, emptied before and after the test."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        connection = Redis.from_url(services.REDIS_URL)
        connection.flushdb()
    except RedisError as error:
        services.unavailable("Redis", error)
    yield connection
    connection.flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    """A session on the app's database, rolled back and closed after the test."""
    session = app.extensions["contacts_runtime"].sessions()
    yield session
    session.rollback()
    session.close()


def auth(role: str = "admin") -> dict[str, str]:
    """Authorization header of a test token with `role`."""
    token = {v: k for k, v in API_TOKENS.items()}[role]
    return {"Authorization": f"Bearer {token}"}
