"""Live chat: the widget script, its demo page, the visitor's JSON endpoints and staff replies."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, g, jsonify, request, send_from_directory
from werkzeug.exceptions import RequestEntityTooLarge

from bot import chat
from bot.database import get_session
from bot.errors import ChatTokenError, ValidationError
from bot.runtime import current
from handlers.auth import require_role
from handlers.replies import json_body, register_error_replies

STATIC = Path(__file__).parent / "static"
TOKEN_HEADER = "X-Chat-Token"
MAX_BODY = 16 * 1024  # a chat message is at most 2,000 characters

blueprint = Blueprint("chat", __name__, url_prefix="/chat")
staff_blueprint = Blueprint("chat_api", __name__, url_prefix="/api")
register_error_replies(blueprint)
register_error_replies(staff_blueprint)


@blueprint.get("/widget.js")
def widget_script():
    return send_from_directory(STATIC, "widget.js", mimetype="text/javascript", max_age=300)


@blueprint.get("/demo")
def demo_page():
    return send_from_directory(STATIC, "chat_demo.html", mimetype="text/html", max_age=0)


@blueprint.post("/start")
def chat_started():
    config = current().config
    secret = chat.chat_secret(config)
    returning = request.headers.get(TOKEN_HEADER)
    visitor = chat.read_token(secret, returning) if returning else None
    started = chat.start_chat(get_session(), secret, _body(), config.default_region,
                              config.channel_tags.get("chat"), visitor_id=visitor)
    return jsonify(token=started.token, expires_at=started.expires_at), 201


@blueprint.post("/messages")
def chat_message_received():
    config = current().config
    visitor = chat.read_token(chat.chat_secret(config), request.headers.get(TOKEN_HEADER))
    message = chat.send_message(get_session(), visitor, _body(), config.default_region,
                                config.channel_tags.get("chat"))
    return jsonify(message=message), 200 if message["duplicate"] else 201


@blueprint.get("/messages")
def chat_messages_listed():
    visitor = chat.read_token(chat.chat_secret(current().config), request.headers.get(TOKEN_HEADER))
    raw = request.args.get("after", "0")
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationError({"after": [f"{raw!r} must be a message id (a whole number)"]})
    return jsonify(messages=chat.visitor_messages(get_session(), visitor, int(raw)))


@staff_blueprint.post("/conversations/<int:conversation_id>/messages")
@require_role("admin", "agent")
def chat_reply_posted(conversation_id: int):
    message = chat.post_staff_reply(get_session(), conversation_id, json_body(),
                                    author=g.get("api_role"))
    return jsonify(message=message), 200 if message["duplicate"] else 201


def _body() -> dict:
    # An empty body is an empty form: POST /chat/start needs no pre-chat fields.
    request.max_content_length = MAX_BODY
    if not request.content_length and not request.is_json:
        return {}
    return json_body()


@blueprint.errorhandler(ChatTokenError)
def _token_refused(error: ChatTokenError):
    return jsonify(error=str(error)), 401


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    return jsonify(error=f"the request body is over {MAX_BODY:,} bytes; a chat message may "
                         f"have at most {chat.MAX_TEXT:,} characters"), 413


@blueprint.after_request
def _allow_cross_origin(response):
    # The widget runs on the customer's own site and calls us from there; the token travels
    # in a header, never a cookie, so any origin may call.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = f"Content-Type, {TOKEN_HEADER}"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Max-Age"] = "600"
    return response


def register(app) -> None:
    """Register the widget's and the staff replies' blueprints."""
    app.register_blueprint(blueprint)
    app.register_blueprint(staff_blueprint)
