"""SQL of a stored call or message read back with its contact: for IVR steps and callbacks."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select, text
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


@dataclass(frozen=True)
class KnownSenderMessage:
    """What the one-statement insert did: the sender's contact, its conversation, the message
    (None when the provider id was already stored)."""

    contact_id: int
    conversation_id: int
    message_id: int | None


# One round trip for the common case — a returning sender with an open conversation:
# find the contact by identity, its open conversation, insert the message once per
# provider id and touch the conversation. Data-modifying CTEs are PostgreSQL only.
_KNOWN_SENDER_MESSAGE = text("""
WITH owner AS (
    SELECT contact_id FROM identities WHERE kind = :kind AND value = :value
), conv AS (
    SELECT c.id FROM conversations c JOIN owner o ON c.contact_id = o.contact_id
    WHERE c.channel = :channel AND c.status = 'open'
), ins AS (
    INSERT INTO messages (conversation_id, provider, provider_message_id, direction, kind,
                          body, details, created_at)
    SELECT id, :provider, :provider_message_id, :direction, :message_kind, :body,
           CAST(:details AS JSON), now()
    FROM conv
    ON CONFLICT (provider, provider_message_id) DO NOTHING
    RETURNING id, conversation_id
), touched AS (
    UPDATE conversations SET updated_at = now() WHERE id IN (SELECT conversation_id FROM ins)
)
SELECT (SELECT contact_id FROM owner), (SELECT id FROM conv), (SELECT id FROM ins)
""")


def insert_known_sender_message(
    session: Session, identity: tuple[str, str], channel: str, provider: str,
    provider_message_id: str, body: str | None, details: dict,
    direction: str = "in", kind: str = "text",
) -> KnownSenderMessage | None:
    """Store a message from a sender whose identity is known and who has an open
    conversation on `channel`, in one statement; None when either is missing or the
    database is not PostgreSQL (the caller then takes the general path). Does not commit
    and writes no contact row."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    # A plain Core execution on the session's connection: no ORM entities are involved.
    row = session.connection().execute(_KNOWN_SENDER_MESSAGE, {
        "kind": identity[0], "value": identity[1], "channel": channel, "provider": provider,
        "provider_message_id": provider_message_id, "direction": direction,
        "message_kind": kind, "body": body, "details": json.dumps(details),
    }).one()
    if row[0] is None or row[1] is None:
        return None
    return KnownSenderMessage(row[0], row[1], row[2])
