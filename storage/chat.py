"""SQL of live chat: a visitor's messages, and the conversation a staff reply goes to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Conversation, Message


def visitor_messages(session: Session, provider: str, prefix: str, after_id: int,
                     limit: int) -> list[Message]:
    """Messages of `provider` whose provider id starts with `prefix` and whose id is over
    `after_id`, oldest first, at most `limit`."""
    return list(session.scalars(
        select(Message)
        .where(Message.provider == provider,
               Message.provider_message_id.like(_escape_like(prefix) + "%", escape="\\"),
               Message.id > after_id)
        .order_by(Message.id).limit(limit)
    ))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def conversation(session: Session, conversation_id: int) -> Conversation | None:
    """The conversation with this id, if any."""
    return session.get(Conversation, conversation_id)


def latest_inbound_id(session: Session, conversation_id: int, provider: str) -> str | None:
    """The provider id of the newest inbound message of `provider` in a conversation."""
    return session.scalar(
        select(Message.provider_message_id)
        .where(Message.conversation_id == conversation_id, Message.provider == provider,
               Message.direction == "in")
        .order_by(Message.id.desc()).limit(1)
    )
