"""Conversation history: record an inbound message or call once, with its contact, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.contacts import UpsertResult, upsert_contacts
from bot.normalize import without_controls
from bot.records import ContactInput
from storage import conversations as store


@dataclass
class Recorded:
    """What recording a message did: the contact's result, the message id, whether it was new."""

    contact: UpsertResult | None
    message_id: int | None
    duplicate: bool


def record_message(
    session: Session,
    *,
    sender: ContactInput | None,
    source: str,
    channel: str,
    provider: str,
    provider_message_id: str,
    direction: str = "in",
    kind: str = "text",
    body: str | None = None,
    details: dict | None = None,
    region: str = "US",
) -> Recorded:
    """Create or update the sender's contact and store the message in its open conversation.

    A provider id already stored (a retried webhook) changes nothing and returns
    duplicate=True. `sender` None stores the message in a conversation without a contact
    (an anonymous caller). Commits once.
    """
    # A provider may deliver text with NUL in it; no database text column can hold NUL.
    body = without_controls(body) if body is not None else None
    if store.message_exists(session, provider, provider_message_id):
        return Recorded(None, None, True)
    result = None
    contact_id = None
    if sender is not None:
        result = upsert_contacts(session, [sender], source, region, commit=False)[0]
        contact_id = result.contact_id
    conversation_id = store.open_conversation(session, contact_id, channel)
    message_id = store.insert_message(session, conversation_id, provider, provider_message_id,
                                      direction, kind, body, details or {})
    if message_id is None:
        # The same delivery raced us and won: undo our writes, report the duplicate.
        session.rollback()
        return Recorded(None, None, True)
    session.commit()
    return Recorded(result, message_id, False)


def update_message(session: Session, provider: str, provider_message_id: str, details: dict,
                   body: str | None = None) -> bool:
    """Add details to a stored message (a call's duration, recording, transcript); commits.
    Returns False when no such message is stored."""
    found = store.merge_message_details(session, provider, provider_message_id, details, body)
    session.commit()
    return found
