"""/slack/events: Slack's signature and timestamp are checked before anything runs; 503 when off."""

from __future__ import annotations

import json
import time

from sqlalchemy import func, select

from bot.app import create_app
from storage.models import Contact, ProcessedEvent
from tests.conftest import make_config

ADD = "add Jane Doe +44 20 7946 0958 jane@example.com tag vip"


def _count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_bad_signature_gets_403_and_does_nothing(slack, fake_slack, sessions):
    response = slack.post(json.dumps({"type": "event_callback", "event_id": "Ev1", "event": {
        "type": "message", "channel_type": "im", "channel": "D1", "user": "UADMIN",
        "text": ADD}}), "application/json", secret="not-the-secret")
    assert response.status_code == 403
    assert response.data == b""
    assert fake_slack.calls == []
    assert _count(sessions, ProcessedEvent) == 0 and _count(sessions, Contact) == 0


def test_old_timestamp_gets_403_even_when_signed_with_the_secret(slack, fake_slack, sessions):
    response = slack.post(json.dumps({"type": "event_callback", "event_id": "Ev1", "event": {
        "type": "message", "channel_type": "im", "channel": "D1", "user": "UADMIN",
        "text": ADD}}), "application/json", timestamp=int(time.time()) - 10 * 60)
    assert response.status_code == 403
    assert fake_slack.calls == [] and _count(sessions, ProcessedEvent) == 0


def test_unsigned_and_malformed_timestamps_get_403(slack):
    unsigned = slack.client.post("/slack/events", data="command=/contacts&text=help",
                                 content_type="application/x-www-form-urlencoded")
    assert unsigned.status_code == 403
    garbled = slack.client.post("/slack/events", data="x", headers={
        "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=abc"})
    assert garbled.status_code == 403


def test_url_verification_challenge_is_answered(slack):
    response = slack.post(json.dumps({"type": "url_verification", "challenge": "c-123",
                                      "token": "legacy"}), "application/json")
    assert response.status_code == 200
    assert response.json == {"challenge": "c-123"}


def test_without_slack_settings_the_endpoint_answers_503_naming_them(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'off.db'}", slack_signing_secret=None,
                                 slack_bot_token=None))
    response = app.test_client().post("/slack/events", data="{}")
    assert response.status_code == 503
    assert "SLACK_SIGNING_SECRET" in response.json["error"]
    assert "SLACK_BOT_TOKEN" in response.json["error"]
    app.extensions["contacts_runtime"].engine.dispose()
