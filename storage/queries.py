"""Read queries: contact search with pagination and a contact's full record."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import (
    Contact,
    ContactTag,
    Conversation,
    Identity,
    ImportContact,
    Message,
    PropertyDefinition,
    PropertyValue,
    Tag,
)

# Identities are listed phone first, then email, then the channels.
_KIND_ORDER = {kind: n for n, kind in enumerate(
    ("phone", "email", "whatsapp", "facebook", "instagram", "chat"))}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_contacts(
    session: Session,
    *,
    text: str | None = None,
    identities: list[tuple[str, str]] = (),
    tag: str | None = None,
    import_id: int | None = None,
    limit: int = 25,
    offset: int = 0,
) -> tuple[list[int], int]:
    """Ids of contacts matching all given criteria, newest first, and the total count.

    text matches a name or company fragment (case-insensitive), or a tag named exactly so;
    identities match any of the (kind, value) pairs exactly.
    """
    query = select(Contact.id)
    if text:
        pattern = f"%{_escape_like(text.lower())}%"
        by_tag = (
            select(ContactTag.contact_id).join(Tag, Tag.id == ContactTag.tag_id)
            .where(Tag.key == text.casefold())
        )
        query = query.where(
            or_(func.lower(Contact.name).like(pattern, escape="\\"),
                func.lower(Contact.company).like(pattern, escape="\\"),
                Contact.id.in_(by_tag))
        )
    if identities:
        owners = select(Identity.contact_id).where(
            or_(*[(Identity.kind == k) & (Identity.value == v) for k, v in identities])
        )
        query = query.where(Contact.id.in_(owners))
    if tag:
        tagged = (
            select(ContactTag.contact_id).join(Tag, Tag.id == ContactTag.tag_id)
            .where(Tag.key == tag.casefold())
        )
        query = query.where(Contact.id.in_(tagged))
    if import_id is not None:
        query = query.where(
            Contact.id.in_(select(ImportContact.contact_id).where(ImportContact.import_id == import_id))
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ids = session.scalars(query.order_by(Contact.id.desc()).limit(limit).offset(offset)).all()
    return list(ids), total


def contact_exists(session: Session, contact_id: int) -> bool:
    """True if a contact with this id exists."""
    return session.get(Contact, contact_id) is not None


def contact_summaries(session: Session, ids: list[int]) -> list[dict]:
    """Name, identities and tags of each contact, in the order of `ids`."""
    if not ids:
        return []
    contacts = {c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(ids)))}
    identities: dict[int, list[dict]] = {i: [] for i in ids}
    for row in session.execute(
        select(Identity.contact_id, Identity.kind, Identity.value, Identity.label, Identity.display)
        .where(Identity.contact_id.in_(ids)).order_by(Identity.id)
    ):
        identities[row.contact_id].append(
            {"kind": row.kind, "value": row.display or row.value, "label": row.label}
        )
    tags: dict[int, list[str]] = {i: [] for i in ids}
    for cid, name in session.execute(
        select(ContactTag.contact_id, Tag.name).join(Tag, Tag.id == ContactTag.tag_id)
        .where(ContactTag.contact_id.in_(ids)).order_by(Tag.name)
    ):
        tags[cid].append(name)
    for listed in identities.values():
        listed.sort(key=lambda identity: _KIND_ORDER.get(identity["kind"], len(_KIND_ORDER)))
    return [
        {"id": i, "name": contacts[i].name, "name_source": contacts[i].name_source,
         "company": contacts[i].company, "identities": identities[i], "tags": tags[i]}
        for i in ids if i in contacts
    ]


def contact_record(session: Session, contact_id: int, messages: int = 50) -> dict | None:
    """Everything about one contact: fields, identities, tags, properties, conversations."""
    summaries = contact_summaries(session, [contact_id])
    if not summaries:
        return None
    record = summaries[0]
    contact = session.get(Contact, contact_id)
    record.update(notes=contact.notes, created_source=contact.created_source,
                  created_at=contact.created_at.isoformat(),
                  updated_at=contact.updated_at.isoformat())
    record["properties"] = dict(
        session.execute(
            select(PropertyDefinition.key, PropertyValue.value)
            .join(PropertyDefinition, PropertyDefinition.id == PropertyValue.property_id)
            .where(PropertyValue.contact_id == contact_id)
        ).all()
    )
    record["conversations"] = _conversations(session, contact_id, messages)
    return record


def _conversations(session: Session, contact_id: int, limit: int) -> list[dict]:
    conversations = session.scalars(
        select(Conversation).where(Conversation.contact_id == contact_id)
        .order_by(Conversation.id.desc())
    ).all()
    result = []
    for conv in conversations:
        msgs = session.scalars(
            select(Message).where(Message.conversation_id == conv.id)
            .order_by(Message.id.desc()).limit(limit)
        ).all()
        result.append({
            "id": conv.id, "channel": conv.channel, "status": conv.status,
            "messages": [
                {"id": m.id, "direction": m.direction, "kind": m.kind, "body": m.body,
                 "provider": m.provider, "details": m.details, "at": m.created_at.isoformat()}
                for m in reversed(msgs)
            ],
        })
    return result
