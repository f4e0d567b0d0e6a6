"""SQL of conversation history: open conversations per contact and channel, messages by provider id."""

from __future__ import annotations

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from storage.models import Conversation, Message, utcnow
from storage.writes import _insert


def open_conversation(session: Session, contact_id: int | None, channel: str) -> int:
    """The id of the open conversation of a contact on a channel, created if there is none.

    The partial unique index on open conversations settles concurrent first messages.
    """
    found = _find_open(session, contact_id, channel)
    if found is not None:
        return found
    if contact_id is None:
        return session.scalar(
            _insert(session, Conversation).values(contact_id=None, channel=channel, status="open")
            .returning(Conversation.id)
        )
    session.execute(
        _insert(session, Conversation)
        .values(contact_id=contact_id, channel=channel, status="open")
        .on_conflict_do_nothing(index_elements=["contact_id", "channel"],
                                index_where=text("status = 'open'"))
    )
    return _find_open(session, contact_id, channel)


def _find_open(session: Session, contact_id: int | None, channel: str) -> int | None:
    if contact_id is None:
        return None
    return session.scalar(
        select(Conversation.id).where(Conversation.contact_id == contact_id,
                                      Conversation.channel == channel,
                                      Conversation.status == "open")
    )


def message_exists(session: Session, provider: str, provider_message_id: str) -> int | None:
    """The id of the message a provider already delivered with this id, if any."""
    return session.scalar(
        select(Message.id).where(Message.provider == provider,
                                 Message.provider_message_id == provider_message_id)
    )


def insert_message(session: Session, conversation_id: int, provider: str, provider_message_id: str,
                   direction: str, kind: str, body: str | None, details: dict) -> int | None:
    """Store a message once per provider id; None when that id is already stored."""
    message_id = session.scalar(
        _insert(session, Message)
        .values(conversation_id=conversation_id, provider=provider,
                provider_message_id=provider_message_id, direction=direction, kind=kind,
                body=body, details=details)
        .on_conflict_do_nothing(index_elements=["provider", "provider_message_id"])
        .returning(Message.id)
    )
    if message_id is not None:
        session.execute(update(Conversation).where(Conversation.id == conversation_id)
                        .values(updated_at=utcnow()))
    return message_id


def merge_message_details(session: Session, provider: str, provider_message_id: str,
                          details: dict, body: str | None = None) -> bool:
    """Add details (a recording URL, a duration) to a stored message; False if it is unknown."""
    message = session.scalar(
        select(Message).where(Message.provider == provider,
                              Message.provider_message_id == provider_message_id)
        .with_for_update()
    )
    if message is None:
        return False
    message.details = {**(message.details or {}), **details}
    if body is not None:
        message.body = body
    return True
