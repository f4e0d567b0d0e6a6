"""GET /health and start-up: integrations without secrets are off and named."""

from __future__ import annotations

import pytest

from bot.app import create_app
from bot.config import load_config
from bot.errors import ConfigError
from tests.conftest import make_config


def test_health_reports_database_and_integrations(sqlite_app):
    body = sqlite_app.test_client().get("/health").json
    assert body["ok"] is True and body["database"] == "ok" and body["jobs"] == "in-process"
    assert body["integrations"]["twilio"] == "on"


def test_missing_secret_switches_integration_off_and_names_it(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'c.db'}", twilio_auth_token=None,
                                 api_tokens={}))
    body = app.test_client().get("/health").json
    assert body["integrations"]["twilio"] == "off: set TWILIO_AUTH_TOKEN"
    response = app.test_client().get("/api/contacts")
    assert response.status_code == 503 and "API_TOKENS" in response.json["error"]


def test_malformed_database_url_stops_start_up_naming_it():
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app(load_config({"DATABASE_URL": "not a url"}))


@pytest.mark.parametrize("name,value", [("API_TOKENS", "abc"), ("DEFAULT_REGION", "XX"),
                                        ("AUTO_MIGRATE", "maybe"), ("IMPORT_CHUNK_SIZE", "-1")])
def test_malformed_setting_is_named(name, value):
    with pytest.raises(ConfigError, match=name):
        load_config({name: value})


def test_missing_model_leaves_rules_on_and_health_says_so(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'c.db'}",
                                 spacy_model="no_such_model_package"))
    status = app.test_client().get("/health").json["name_capture"]
    assert status["loaded"] is False and status["mode"] == "rules only"
    assert "no_such_model_package" in status["model"] and status["error"]
    from nlp.name_capture import extract_caller_name

    assert extract_caller_name("hi, my name is Dana Whitfield") == "Dana Whitfield"


def test_malformed_redis_url_is_named():
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config({"REDIS_URL": "notaurl"})
