"""Transports: parse and verify a request, call one bot/ function, render the reply."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register every channel's blueprint on `app`."""
    from handlers import api, api_imports, chat, health, twilio_common

    app.register_blueprint(health.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(api_imports.blueprint)
    chat.register(app)
    from handlers import meta

    app.register_blueprint(meta.blueprint)
    twilio_common.register(app)
    from handlers import slack

    slack.register(app)
