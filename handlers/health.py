"""GET /health: database, job queue, integrations and the name-capture model."""

from __future__ import annotations

from flask import Blueprint, jsonify

from bot.status import service_status

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health_checked():
    status = service_status()
    return jsonify(status), 200 if status["ok"] else 503
