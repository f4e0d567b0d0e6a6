"""SQL of a stored call or message read back with its contact: for IVR steps and callbacks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Contact, Conversation, Message


@dataclass(frozen=True)
class StoredMessage:
    """A stored message, its conversation's contact (None without one) and that contact's name."""

    message_id: int
    body: str | None
    details: dict
    contact_id: int | None
    contact_name: str | None
    name_source: str | None


def find_message(session: Session, provider: str, provider_message_id: str) -> StoredMessage | None:
    """The message a provider delivered with this id, with its contact, or None (one query)."""
    row = session.execute(
        select(Message.id, Message.body, Message.details, Conversation.contact_id,
               Contact.name, Contact.name_source)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .outerjoin(Contact, Contact.id == Conversation.contact_id)
        .where(Message.provider == provider, Message.provider_message_id == provider_message_id)
    ).first()
    if row is None:
        return None
    return StoredMessage(row[0], row[1], dict(row[2] or {}), row[3], row[4], row[5])
