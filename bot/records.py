"""The input of the one write path and its pure, database-free preparation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.errors import InvalidValueError
from bot.normalize import (
    MAX_SOCIAL_LENGTH,
    email_identity,
    has_controls,
    normalize_email,
    normalize_name,
    normalize_phone,
    normalize_social,
    normalize_text,
)

# Where a name came from, weakest first; a weaker source never overwrites a stronger one.
# "profile": the name a person gave for themself (a Messenger/Instagram profile, a chat form).
NAME_SOURCES = ("placeholder", "caller_id", "ai_capture", "profile", "import", "manual")
NAME_RANK = {"placeholder": 0, "caller_id": 1, "ai_capture": 2, "profile": 3, "import": 4,
             "manual": 4}

# Identity kinds in matching priority: the first that resolves names the contact.
IDENTITY_KINDS = ("phone", "email", "whatsapp", "facebook", "instagram", "chat")

PHONE_LABELS = ("mobile", "work", "home", "other")
MAX_TAG_LENGTH = 64
# A cell a spreadsheet would run: =SUM(…), @cmd, +cmd, -cmd (a phone number is not one).
_FORMULA = re.compile(r"^[=@+\-\t\r]")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")


@dataclass
class ContactInput:
    """Raw values for one contact from any source; the write path normalises them.

    phones are (raw, label) pairs; label is one of PHONE_LABELS or None.
    whatsapp and chat are identity values already in canonical form (a channel sets them).
    `ref` is the caller's own reference (an import line number, a webhook id), echoed back.
    """

    name: str | None = None
    name_source: str = "manual"
    phones: list[tuple[str, str | None]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    facebook: str | None = None
    instagram: str | None = None
    whatsapp: str | None = None
    chat: str | None = None
    company: str | None = None
    notes: str | None = None
    tags: list[str] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    ref: object = None
    contact_id: int | None = None  # update this contact (its identities must not clash)
    create_tags: list[str] = field(default_factory=list)  # only if this creates the contact


@dataclass
class PreparedContact:
    """A ContactInput after normalisation: only valid values remain."""

    ref: object
    name: str | None
    name_source: str
    identities: list[tuple[str, str]]  # (kind, value) in priority order, no duplicates
    phone_labels: dict[str, str | None]
    emails: dict[str, str]  # identity value -> address as written (normalised)
    company: str | None
    notes: str | None
    tags: list[str]
    properties: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    contact_id: int | None = None
    create_tags: list[str] = field(default_factory=list)


@dataclass
class Problem:
    """One rejected value: which field, which value, why."""

    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        if not self.value:
            return f"{self.field} {self.reason}"
        return f"{self.field} {self.value!r} {self.reason}"


def is_formula(value: str) -> bool:
    """True for a cell a spreadsheet would evaluate (and that is not a phone number)."""
    return bool(_FORMULA.match(value)) and not _PHONE_LIKE.match(value)


def prepare_contact(
    data: ContactInput, region: str, strict: bool
) -> tuple[PreparedContact | None, list[Problem]]:
    """Normalise every value of `data`.

    strict: any invalid value rejects the whole record (API, Slack form).
    lenient: invalid secondary values are dropped with a warning; the record is rejected
    only when no valid identity remains. Returns (prepared or None, problems).
    """
    problems: list[Problem] = []
    name = _clean(problems, "name", data.name, normalize_name)
    phones = [
        (p.e164, label)
        for raw, label in data.phones
        if (p := _clean(problems, f"phone ({label})" if label else "phone", raw,
                        lambda v, f: normalize_phone(v, region, f)))
    ]
    emails = [e for raw in data.emails if (e := _clean(problems, "email", raw, normalize_email))]
    identities: list[tuple[str, str]] = []
    phone_labels: dict[str, str | None] = {}
    for e164, label in phones:
        phone_labels.setdefault(e164, label)
    identities += [("phone", v) for v in phone_labels]
    email_map = {email_identity(e): e for e in reversed(emails)}
    identities += [("email", k) for k in dict.fromkeys(email_identity(e) for e in emails)]
    if data.whatsapp:
        identities.append(("whatsapp", data.whatsapp))
    for kind in ("facebook", "instagram"):
        value = _clean(problems, kind, getattr(data, kind),
                       lambda v, f: normalize_social(v, f))
        if value:
            identities.append((kind, value))
    if data.chat:
        identities.append(("chat", data.chat))
    company = _clean(problems, "company", data.company,
                     lambda v, f: normalize_text(v, f, MAX_SOCIAL_LENGTH * 2))
    notes = _clean(problems, "notes", data.notes, lambda v, f: normalize_text(v, f))
    tags = _tags(problems, data.tags)
    properties = {
        key: text
        for key, raw in data.properties.items()
        if (text := _clean(problems, key, raw, lambda v, f: normalize_text(v, f)))
    }
    prepared = PreparedContact(
        data.ref, name, data.name_source, identities, phone_labels, email_map,
        company, notes, tags, properties, contact_id=data.contact_id,
        create_tags=_tags(problems, data.create_tags),
    )
    return _verdict(prepared, problems, strict)


def _verdict(
    prepared: PreparedContact, problems: list[Problem], strict: bool
) -> tuple[PreparedContact | None, list[Problem]]:
    if problems and strict:
        return None, problems
    if not prepared.identities and prepared.contact_id is None:
        if not problems:
            problems.append(Problem("identity", "", "needs a phone, an email or a social account"))
        return None, problems
    prepared.warnings = [f"{p} — value dropped" for p in problems]
    return prepared, problems


# Fields whose own parser rejects anything that is not a plain value ('@handle', '+44 …').
_SELF_CHECKED = ("phone", "facebook", "instagram")


def _clean(problems: list[Problem], field_name: str, raw: str | None, fn) -> object | None:
    if raw is None:
        return None
    text = str(raw)
    if not text.strip():
        return None
    if not field_name.startswith(_SELF_CHECKED) and is_formula(text.strip()):
        problems.append(Problem(field_name, text, "looks like a spreadsheet formula and is not stored"))
        return None
    try:
        return fn(text, field_name)
    except InvalidValueError as error:
        problems.append(Problem(field_name, error.value, error.reason))
        return None


def _tags(problems: list[Problem], raw_tags: list[str]) -> list[str]:
    tags: dict[str, str] = {}
    for raw in raw_tags:
        tag = " ".join(str(raw).split())
        if not tag:
            continue
        if has_controls(tag):
            problems.append(Problem("tag", tag.replace("\x00", "�"),
                                    "contains a control character (such as NUL); remove it"))
        elif is_formula(tag):
            problems.append(Problem("tag", tag, "looks like a spreadsheet formula and is not stored"))
        elif len(tag) > MAX_TAG_LENGTH:
            problems.append(Problem("tag", tag, f"is longer than {MAX_TAG_LENGTH} characters"))
        else:
            tags.setdefault(tag.casefold(), tag)
    return list(tags.values())
