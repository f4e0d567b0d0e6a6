"""Fixtures of the Slack bot tests: a local Slack Web API and an app whose client points at it."""

from __future__ import annotations

import pytest

from bot.app import create_app
from tests.conftest import make_config
from tests.handlers.slack.slack_helpers import FakeSlack, SlackSender

SECRET = "slack-test-secret"


@pytest.fixture
def fake_slack():
    fake = FakeSlack()
    yield fake
    fake.stop()


@pytest.fixture
def slack_app(tmp_path, fake_slack):
    """The app on a temporary SQLite file, its Slack client on the local Web API."""
    application = create_app(make_config(f"sqlite:///{tmp_path / 'contacts.db'}",
                                         slack_api_base_url=fake_slack.base_url,
                                         slack_admins=("UADMIN",)))
    yield application
    application.extensions["contacts_runtime"].engine.dispose()


@pytest.fixture
def slack(slack_app, fake_slack):
    return SlackSender(slack_app.test_client(), SECRET, fake_slack)


@pytest.fixture
def sessions(slack_app):
    """Open a session on the app's database: `with sessions() as session: ...`."""
    return slack_app.extensions["contacts_runtime"].sessions
