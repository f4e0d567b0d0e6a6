"""The application factory: builds the runtime, registers the transports, the CLI and error replies."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from bot import database, runtime
from bot.config import Config, load_config

logger = logging.getLogger("contacts")


def create_app(config: Config | Mapping[str, object] | None = None) -> Flask:
    """Build the Flask app. `config` is a Config, or overrides of the environment's settings.

    Raises ConfigError when a setting is malformed (start-up stops with its message).
    """
    if not isinstance(config, Config):
        config = load_config().with_overrides(config or {})
    rt = runtime.install(config)
    app = Flask("contacts")
    # Ids are 64-bit: a longer number in a URL is a 404, not a database overflow.
    app.url_map.converters["int"] = _DatabaseIdConverter
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.extensions["contacts_runtime"] = rt
    database.init_app(app)
    _configure_name_capture(config)

    import handlers

    handlers.register(app)
    app.register_error_handler(RequestEntityTooLarge, _too_large_reply)
    app.register_error_handler(HTTPException, _http_error_reply)
    app.register_error_handler(Exception, _unexpected_error_reply)

    from bot.cli import register_cli

    register_cli(app)
    _log_integrations(config)
    return app


def _configure_name_capture(config: Config) -> None:
    from nlp import name_capture

    name_capture.configure(config.spacy_model)
    if not config.spacy_model:
        logger.warning("name capture: no spaCy model configured (SPACY_MODEL); rules only")
        return
    # Load at start so the first caller is not kept waiting and the log says what happened.
    status = name_capture.load_model()
    if status["loaded"]:
        logger.info("name capture: spaCy model %s loaded", status["model"])
    else:
        logger.warning("name capture: model %s not loaded (%s); rules only",
                       status["model"], status["error"])


def _log_integrations(config: Config) -> None:
    on = [name for name, missing in config.integrations().items() if missing is None]
    logger.warning("integrations on: %s", ", ".join(on) or "none")
    for name, missing in config.integrations().items():
        if missing:
            logger.warning("integration %s is off: set %s", name, missing)


def _http_error_reply(error: HTTPException):
    return jsonify(error=error.description), error.code


class _DatabaseIdConverter(IntegerConverter):
    # At most 18 digits: every id fits a 64-bit column, and a longer number matches no route.
    regex = r"\d{1,18}"


def _too_large_reply(_error: RequestEntityTooLarge):
    limit = runtime.current().config.max_request_bytes
    return jsonify(error=f"the request body is larger than {limit:,} bytes"), 413


def _unexpected_error_reply(error: Exception):
    logger.exception("unhandled error", exc_info=error)
    database.close_session()
    return jsonify(error="internal error; it has been logged"), 500
