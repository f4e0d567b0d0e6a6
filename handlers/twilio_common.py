"""Shared Twilio webhook plumbing: switch-off, size and type checks, signatures, fields, TwiML."""

from __future__ import annotations

import hmac
import logging
import re
from functools import wraps
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request
from twilio.request_validator import (
    HMAC_SHA1,
    HMAC_SHA256,
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from bot.runtime import current

logger = logging.getLogger("contacts.twilio")

# Twilio's webhook bodies are a few kilobytes (ten media URLs and all); anything near this
# is not from Twilio and is refused before it is parsed.
MAX_WEBHOOK_BYTES = 64 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
# Twilio SIDs: two letters and 32 hex digits (SM…, MM…, CA…, RE…, AC…).
_ALGORITHMS = frozenset({HMAC_SHA1, HMAC_SHA256})
_SID = re.compile(r"^[A-Za-z]{2}[0-9a-fA-F]{32}$")


def twilio_webhook(view):
    """Guard a Twilio endpoint: 503 when TWILIO_AUTH_TOKEN is unset, 413 for an oversize
    body, 415 for a body that is not a form, 403 (no detail) for a missing or wrong
    X-Twilio-Signature. Nothing reaches the view, and nothing is written, otherwise."""

    @wraps(view)
    def checked(*args, **kwargs):
        token = current().config.twilio_auth_token
        if not token:
            return jsonify(error="Twilio is switched off: set TWILIO_AUTH_TOKEN"), 503
        request.max_content_length = MAX_WEBHOOK_BYTES
        if request.content_length is not None and request.content_length > MAX_WEBHOOK_BYTES:
            raise RequestEntityTooLarge()
        if request.mimetype != FORM_TYPE:
            raise UnsupportedMediaType(f"send the body as {FORM_TYPE}, as Twilio does")
        if not _signature_valid(token):
            logger.info("Twilio request to %s refused: bad or missing signature", request.path)
            return Response("", 403)
        return view(*args, **kwargs)

    return checked


def _signature_valid(token: str) -> bool:
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature:
        return False
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    validator = RequestValidator(token)
    url = signed_url()
    # The exact URL matches almost always; validate() also tries it with and without the
    # default port (Twilio is not consistent there) and refuses unknown algorithms.
    if algorithm.upper() in _ALGORITHMS and hmac.compare_digest(
            validator.compute_signature(url, request.form, algorithm), signature):
        return True
    return validator.validate(url, request.form, signature, algorithm)


def base_url() -> str:
    """The public URL of the app's root: PUBLIC_BASE_URL behind a proxy or tunnel, else the
    URL this request came in on."""
    configured = current().config.public_base_url
    return (configured or request.root_url).rstrip("/")


def signed_url() -> str:
    """The URL Twilio requested and signed: the public base, this path and its query."""
    query = request.query_string.decode("latin-1")
    return base_url() + request.path + (f"?{query}" if query else "")


def action_url(path: str, **query: object) -> str:
    """An absolute URL of this app for a TwiML action or callback, with `query` encoded."""
    suffix = f"?{urlencode(query)}" if query else ""
    return base_url() + path + suffix


def form_text(name: str, *, required: bool = False, max_length: int = 4096) -> str:
    """A form field's value ("" when absent). A key repeated with different values is
    ambiguous; a missing required field, an over-long value and such a repeat are a 400."""
    values = request.form.getlist(name)
    if len(set(values)) > 1:
        raise BadRequest(f"{name} is given {len(values)} times with different values")
    value = values[0] if values else ""
    if required and not value.strip():
        raise BadRequest(f"{name} is missing")
    if len(value) > max_length:
        raise BadRequest(f"{name} is longer than {max_length} characters")
    return value


def form_sid(name: str) -> str:
    """A required Twilio SID field; 400 unless it looks like one (two letters, 32 hex digits)."""
    value = form_text(name, required=True).strip()
    if not _SID.match(value):
        raise BadRequest(f"{name} {value[:40]!r} is not a Twilio SID")
    return value


def form_int(name: str, low: int = 0, high: int = 10**7) -> int | None:
    """An optional whole-number field (a duration, a count); 400 when it is not one."""
    raw = form_text(name).strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(f"{name} {raw[:20]!r} must be a whole number from {low} to {high}")
    return int(raw)


def form_float(name: str) -> float | None:
    """An optional number from 0 to 1 (a speech Confidence); 400 when it is not one."""
    raw = form_text(name).strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise BadRequest(f"{name} {raw[:20]!r} must be a number from 0 to 1")
    return value


def twiml(document) -> Response:
    """A TwiML document (MessagingResponse, VoiceResponse) as the XML reply."""
    return Response(str(document), mimetype="text/xml")


def register_twilio_errors(blueprint: Blueprint) -> None:
    """Reply to an oversize Twilio body with a limit that fits webhooks, not CSV uploads."""
    blueprint.register_error_handler(RequestEntityTooLarge, _too_large_reply)


def _too_large_reply(_error: RequestEntityTooLarge):
    return jsonify(error=f"the request body is over {MAX_WEBHOOK_BYTES:,} bytes; "
                         "Twilio webhooks are far smaller"), 413


def register(app) -> None:
    """Register the SMS and voice blueprints on `app`."""
    from handlers import twilio_sms, twilio_voice

    app.register_blueprint(twilio_sms.blueprint)
    app.register_blueprint(twilio_voice.blueprint)
