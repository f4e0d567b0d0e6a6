"""The Slack staff bot: one signed endpoint, POST /slack/events, handed to a Bolt app."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot.config import Config
from bot.runtime import current

logger = logging.getLogger(__name__)

blueprint = Blueprint("slack", __name__)


@dataclass
class SlackIntegration:
    """The app's Slack bot, or the setting that keeps it off."""

    missing: str | None
    verifier: SignatureVerifier | None = None
    handler: SlackRequestHandler | None = None


def build_bolt_app(config: Config) -> App:
    """The Bolt app with every listener; its Web API client uses config's base URL."""
    from handlers.slack import actions, commands, events, views
    from handlers.slack.web import make_client

    bolt = App(
        client=make_client(config),  # carries SLACK_BOT_TOKEN
        signing_secret=config.slack_signing_secret,
        # No auth.test at start-up: the service starts without reaching Slack; Bolt asks on
        # the first request instead.
        token_verification_enabled=False,
        logger=logging.getLogger("contacts.slack.bolt"),
    )
    bolt.error(listener_failed)
    for module in (commands, actions, views, events):
        module.register(bolt)
    return bolt


def listener_failed(error: Exception, body: dict) -> None:
    """Bolt's last resort: record the traceback (the user was told where that was possible)."""
    logger.error("Slack listener failed on a %s request", body.get("type") or "command",
                 exc_info=error)


def register(app: Flask) -> None:
    """Build the Bolt app when the Slack settings are there, and route /slack/events to it."""
    config = current().config
    missing = config.integrations()["slack"]
    integration = SlackIntegration(missing)
    if not missing:
        integration.verifier = SignatureVerifier(config.slack_signing_secret)
        integration.handler = SlackRequestHandler(build_bolt_app(config))
    app.extensions["slack"] = integration
    app.register_blueprint(blueprint)


@blueprint.post("/slack/events")
def slack_request_received():
    """Events, slash commands, interactivity and options, all signed by Slack."""
    integration: SlackIntegration = current_app.extensions["slack"]
    if integration.missing:
        return jsonify(error=f"the Slack bot is switched off: set {integration.missing}"), 503
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    if not timestamp.strip().isdigit() or not integration.verifier.is_valid(
        request.get_data(), timestamp, request.headers.get("X-Slack-Signature")
    ):
        # Bolt would answer 401; a bad or stale signature gets 403 and changes nothing.
        return "", 403
    return integration.handler.handle(request)
