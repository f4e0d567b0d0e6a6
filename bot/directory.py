"""Manual creation and lookup of contacts: the use cases behind the API, the CLI and Slack."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy.orm import Session

from bot.contact_fields import contact_input_from_fields
from bot.contacts import UpsertResult, upsert_contact
from bot.errors import IdentityConflictError, InvalidValueError, NotFoundError, ValidationError
from bot.normalize import email_identity, normalize_email, normalize_phone, without_controls
from bot.records import prepare_contact
from storage import queries, writes

_PHONE_QUERY = re.compile(r"^\+?[\d\s().\-/]{6,}$")


def create_contact(session: Session, fields: Mapping[str, object], region: str,
                   source: str = "api") -> UpsertResult:
    """Create a new contact from staff-typed fields.

    Raises ValidationError (every bad field and why) or IdentityConflictError (a phone,
    email or account already belongs to a contact, named); nothing is written then.
    """
    data = contact_input_from_fields(fields, region)
    if not (data.phones or data.emails or data.facebook or data.instagram):
        raise ValidationError({"identity": ["give at least one phone, email, facebook or instagram"]})
    prepared, _ = prepare_contact(data, region, strict=True)
    if prepared is not None:
        owners = writes.find_identity_owners(session, prepared.identities)
        if owners:
            names = writes.contact_names(session, owners.values())
            raise IdentityConflictError([
                {"kind": k, "value": v, "contact_id": cid, "contact_name": names.get(cid)}
                for (k, v), cid in owners.items()
            ])
    return upsert_contact(session, data, source, region)


def update_contact(session: Session, contact_id: int, fields: Mapping[str, object],
                   region: str, source: str = "api") -> UpsertResult:
    """Add to or change a contact; blanks change nothing. Raises NotFoundError, ValidationError,
    IdentityConflictError (an identity already belongs to another contact)."""
    if not queries.contact_exists(session, contact_id):
        raise NotFoundError(f"contact {contact_id} does not exist")
    data = contact_input_from_fields(fields, region, contact_id=contact_id)
    return upsert_contact(session, data, source, region)


def get_contact(session: Session, contact_id: int) -> dict:
    """A contact with identities, tags, properties and conversation history; NotFoundError if absent."""
    record = queries.contact_record(session, contact_id)
    if record is None:
        raise NotFoundError(f"contact {contact_id} does not exist")
    return record


def find_contacts(session: Session, query: str = "", region: str = "US", *, tag: str | None = None,
                  phone: str | None = None, email: str | None = None, import_id: int | None = None,
                  page: int = 1, per_page: int = 25) -> dict:
    """Search by free text (a phone in any format, an email, a name fragment or a tag), or by
    the explicit criteria; returns {"contacts", "total", "page", "per_page"}.

    Raises InvalidValueError when an explicit phone or email cannot be understood.
    """
    identities: list[tuple[str, str]] = []
    text = without_controls(query).strip() or None
    if phone:
        identities.append(("phone", normalize_phone(phone, region).e164))
    if email:
        identities.append(("email", email_identity(normalize_email(email))))
    if text:
        as_identity = _identity_of(text, region)
        if as_identity:
            identities.append(as_identity)
            text = None
    ids, total = queries.search_contacts(
        session, text=text, identities=_with_whatsapp(identities), tag=tag, import_id=import_id,
        limit=per_page, offset=(page - 1) * per_page,
    )
    return {"contacts": queries.contact_summaries(session, ids), "total": total,
            "page": page, "per_page": per_page}


def _identity_of(text: str, region: str) -> tuple[str, str] | None:
    if "@" in text and " " not in text:
        try:
            return ("email", email_identity(normalize_email(text)))
        except InvalidValueError:
            return None
    if _PHONE_QUERY.match(text):
        try:
            return ("phone", normalize_phone(text, region).e164)
        except InvalidValueError:
            return None
    return None


def _with_whatsapp(identities: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # A number searched for is found on a WhatsApp contact too.
    return identities + [("whatsapp", value) for kind, value in identities if kind == "phone"]
