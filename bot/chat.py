"""Live chat: signed visitor tokens, starting a chat, visitor messages, staff replies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from bot.config import INSTANCE_DIR, Config
from bot.contacts import upsert_contact
from bot.conversations import record_message
from bot.errors import ChatTokenError, NotFoundError, ValidationError
from bot.records import ContactInput
from nlp.name_capture import capture_name
from storage import chat as store
from storage import conversations as history

PROVIDER = "chat"
CHANNEL = "chat"
TOKEN_DAYS = 30
MAX_TEXT = 2000
MAX_FETCH = 100
_VISITOR = re.compile(r"^[0-9a-f]{32}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


@dataclass(frozen=True)
class ChatStart:
    """A started chat: the visitor's token, when it expires (epoch seconds), its contact if any."""

    token: str
    expires_at: int
    contact_id: int | None


def chat_secret(config: Config, instance_dir: Path = INSTANCE_DIR) -> bytes:
    """The key that signs chat tokens: CHAT_SECRET, else a random per-install key kept in
    `instance_dir`/chat_secret (made on first use; every web process on the machine shares it)."""
    if config.chat_secret:
        return config.chat_secret.encode()
    return _install_secret(instance_dir / "chat_secret")


@lru_cache(maxsize=8)
def _install_secret(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".chat_secret.")
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # fails if another process won the race: use theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_bytes().strip()


def issue_token(secret: bytes, visitor_id: str, now: float | None = None) -> tuple[str, int]:
    """A token for `visitor_id` signed with `secret`, valid TOKEN_DAYS; returns (token, expiry)."""
    expires = int((time.time() if now is None else now) + TOKEN_DAYS * 86400)
    payload = f"v1.{visitor_id}.{expires}"
    return f"{payload}.{_sign(secret, payload)}", expires


def read_token(secret: bytes, token: str | None, now: float | None = None) -> str:
    """The visitor id in a token this service signed.

    Raises ChatTokenError when the token is missing, malformed, signed with another key or expired.
    """
    parts = (token or "").strip().split(".")
    if len(parts) != 4 or parts[0] != "v1" or not _VISITOR.match(parts[1]) \
            or not parts[2].isdigit():
        raise ChatTokenError("the chat token is missing or malformed; start a new chat")
    if not hmac.compare_digest(_sign(secret, ".".join(parts[:3])), parts[3]):
        raise ChatTokenError("the chat token was not issued by this service; start a new chat")
    if int(parts[2]) <= (time.time() if now is None else now):
        raise ChatTokenError("the chat token has expired; start a new chat")
    return parts[1]


def _sign(secret: bytes, payload: str) -> str:
    digest = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def start_chat(session: Session, secret: bytes, fields: Mapping[str, object], region: str,
               tag: str | None, visitor_id: str | None = None,
               now: float | None = None) -> ChatStart:
    """Start a chat for a new visitor (or `visitor_id`, a returning one) and issue its token.

    A pre-chat name or email creates or updates the contact now (an email that belongs to a
    contact links the visitor to it); with neither, the first message creates it. Raises
    ValidationError for unknown fields or a bad name/email, IdentityConflictError when the
    email belongs to another contact than the returning visitor's; nothing is written then.
    """
    _only(fields, ("name", "email"))
    name, email = _text(fields, "name"), _text(fields, "email")
    visitor_id = visitor_id or secrets.token_hex(16)
    contact_id = None
    if name or email:
        data = ContactInput(chat=visitor_id, name=name, name_source="profile",
                            emails=[email] if email else [], create_tags=_tags(tag))
        contact_id = upsert_contact(session, data, "chat", region).contact_id
    token, expires = issue_token(secret, visitor_id, now)
    return ChatStart(token, expires, contact_id)


def send_message(session: Session, visitor_id: str, fields: Mapping[str, object], region: str,
                 tag: str | None) -> dict:
    """Record a visitor's message (once per client id) in the contact's chat conversation.

    The first message creates the contact (tagged `tag`); a message that introduces the
    visitor ("hi, I'm Dana Whitfield") names a contact with no stronger name. Raises
    ValidationError for a missing, blank or over-long text or a malformed id.
    """
    _only(fields, ("id", "text"))
    text = _message_text(fields)
    client_id = _client_id(fields)
    provider_id = f"{visitor_id}:v:{client_id}"
    captured = capture_name(text, "chat")
    sender = ContactInput(chat=visitor_id, create_tags=_tags(tag))
    details: dict = {}
    if captured is not None:
        sender.name, sender.name_source = captured.name, "ai_capture"
        details["name_capture"] = {"name": captured.name, "confidence": captured.confidence,
                                   "method": captured.method}
    recorded = record_message(session, sender=sender, source="chat", channel=CHANNEL,
                              provider=PROVIDER, provider_message_id=provider_id, body=text,
                              details=details, region=region)
    message_id = recorded.message_id or history.message_exists(session, PROVIDER, provider_id)
    return {"id": message_id, "client_id": client_id, "duplicate": recorded.duplicate}


def visitor_messages(session: Session, visitor_id: str, after_id: int = 0) -> list[dict]:
    """The visitor's messages and the staff replies to them with an id over `after_id`."""
    rows = store.visitor_messages(session, PROVIDER, f"{visitor_id}:", after_id, MAX_FETCH)
    return [
        {"id": m.id, "from": "visitor" if m.direction == "in" else "staff", "text": m.body,
         "at": m.created_at.isoformat()}
        for m in rows
    ]


def post_staff_reply(session: Session, conversation_id: int, fields: Mapping[str, object],
                     author: str | None = None) -> dict:
    """Store a staff reply in a live-chat conversation, addressed to its latest visitor, so the
    widget shows it; once per client id. Raises NotFoundError for an unknown conversation (or
    one nobody wrote in), ValidationError for another channel's conversation or a bad text."""
    _only(fields, ("id", "text"))
    text = _message_text(fields)
    client_id = _client_id(fields)
    conversation = store.conversation(session, conversation_id)
    if conversation is None:
        raise NotFoundError(f"conversation {conversation_id} does not exist")
    if conversation.channel != CHANNEL:
        raise ValidationError({"conversation": [
            f"{conversation_id} is a {conversation.channel} conversation; only live-chat "
            "conversations take replies here"]})
    latest = store.latest_inbound_id(session, conversation_id, PROVIDER)
    if latest is None:
        raise NotFoundError(f"conversation {conversation_id} has no visitor to reply to")
    provider_id = f"{latest.split(':', 1)[0]}:s:{client_id}"
    message_id = history.insert_message(session, conversation_id, PROVIDER, provider_id, "out",
                                        "text", text, {"author": author} if author else {})
    duplicate = message_id is None
    session.commit()
    if duplicate:
        message_id = history.message_exists(session, PROVIDER, provider_id)
    return {"id": message_id, "conversation_id": conversation_id, "client_id": client_id,
            "text": text, "duplicate": duplicate}


def _only(fields: Mapping[str, object], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError({k: [f"is not a field here; use {', '.join(allowed)}"]
                               for k in unknown})


def _text(fields: Mapping[str, object], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError({name: [f"{value!r} must be text"]})
    return value.strip() or None


def _message_text(fields: Mapping[str, object]) -> str:
    text = _text(fields, "text")
    if text is None:
        raise ValidationError({"text": ["is required and may not be blank"]})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": [f"is longer than {MAX_TEXT} characters"]})
    return text


def _client_id(fields: Mapping[str, object]) -> str:
    value = fields.get("id")
    if value is None:
        return uuid.uuid4().hex
    if not isinstance(value, str) or not _CLIENT_ID.match(value):
        raise ValidationError({"id": [f"{value!r} must be 1-40 letters, digits, '-' or '_'"]})
    return value


def _tags(tag: str | None) -> list[str]:
    return [tag] if tag else []
