"""Meta webhooks (Messenger and Instagram): the subscription check and signed message deliveries."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from bot import social
from bot.database import get_session
from bot.errors import ValidationError
from bot.runtime import current
from handlers.replies import register_error_replies

MAX_BODY = 1024 * 1024  # Meta batches events; a delivery is far below this

blueprint = Blueprint("meta", __name__, url_prefix="/meta")
register_error_replies(blueprint)


@blueprint.get("/webhook")
def subscription_checked():
    config = current().config
    missing = config.integrations()["meta"]
    if missing:
        return _switched_off(missing)
    args = request.args
    token = args.get("hub.verify_token", "")
    if args.get("hub.mode") != "subscribe" or not hmac.compare_digest(
            token.encode(), config.meta_verify_token.encode()):
        return jsonify(error="forbidden"), 403
    challenge = args.get("hub.challenge")
    if not challenge:
        raise ValidationError({"hub.challenge": ["is required"]})
    return Response(challenge, mimetype="text/plain")


@blueprint.post("/webhook")
def webhook_received():
    config = current().config
    missing = config.integrations()["meta"]
    if missing:
        return _switched_off(missing)
    request.max_content_length = MAX_BODY
    body = request.get_data(cache=True)
    if not _signed(body, request.headers.get("X-Hub-Signature-256", ""), config.meta_app_secret):
        return jsonify(error="forbidden"), 403
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise ValidationError({"body": ["is not valid JSON"]}) from None
    result = social.receive_webhook(get_session(), payload, config.default_region,
                                    config.channel_tags)
    return jsonify(asdict(result))


def _signed(body: bytes, header: str, secret: str) -> bool:
    scheme, _, signature = header.partition("=")
    if scheme != "sha256" or not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())


def _switched_off(missing: str):
    return jsonify(error=f"Messenger and Instagram webhooks are switched off: set {missing}"), 503


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    return jsonify(error=f"the webhook body is over {MAX_BODY:,} bytes"), 413
