"""Bearer-token checks for the JSON API: 503 when off, 401 without a token, 403 for a weak role."""

from __future__ import annotations

import hmac
from functools import wraps

from flask import current_app, g, jsonify, request

from bot.runtime import current


def require_role(*roles: str):
    """Let the request through only with a token whose role is in `roles`."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            tokens = current().config.api_tokens
            if not tokens:
                return jsonify(error="the API is switched off: set API_TOKENS"), 503
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return _unauthorized("send Authorization: Bearer <token>")
            role = _role_of(tokens, token.strip())
            if role is None:
                return _unauthorized("the token is not valid")
            if role not in roles:
                return jsonify(error=f"a {role} token may not do this; it needs "
                                     f"{' or '.join(roles)}"), 403
            g.api_role = role
            return view(*args, **kwargs)

        return checked

    return decorate


def _role_of(tokens: dict[str, str], presented: str) -> str | None:
    for token, role in tokens.items():
        if hmac.compare_digest(token.encode(), presented.encode()):
            return role
    return None


def _unauthorized(message: str):
    current_app.logger.info("API request refused: %s", message)
    response = jsonify(error=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = "Bearer"
    return response
