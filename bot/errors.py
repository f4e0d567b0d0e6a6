"""Domain errors: each message is fit to show the person who caused it."""

from __future__ import annotations


class ContactsError(Exception):
    """Base of every domain error; `str(error)` is the message for the user."""


class InvalidValueError(ContactsError):
    """A single value (a phone, an email, a name) that cannot be stored."""

    def __init__(self, field: str, value: str, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field} {value!r}: {reason}")


class InvalidPhoneNumberError(InvalidValueError):
    """A phone number that is not a valid number for its region."""

    def __init__(self, value: str, reason: str, field: str = "phone") -> None:
        super().__init__(field, value, reason)


class InvalidEmailError(InvalidValueError):
    """An email address that is malformed."""

    def __init__(self, value: str, reason: str, field: str = "email") -> None:
        super().__init__(field, value, reason)


class ValidationError(ContactsError):
    """A request whose fields were rejected; `errors` maps each field to its reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        summary = "; ".join(f"{field}: {', '.join(reasons)}" for field, reasons in errors.items())
        super().__init__(f"invalid input — {summary}")


class IdentityConflictError(ContactsError):
    """An identity in the request already belongs to another contact."""

    def __init__(self, conflicts: list[dict]) -> None:
        self.conflicts = conflicts
        parts = [
            f"{c['kind']} {c['value']} belongs to contact {c['contact_id']}"
            + (f" ({c['contact_name']})" if c.get("contact_name") else "")
            for c in conflicts
        ]
        super().__init__("; ".join(parts))


class NotFoundError(ContactsError):
    """The thing asked for does not exist."""


class ConfigError(ContactsError):
    """A setting is malformed; start-up stops with this message."""


class PermissionDeniedError(ContactsError):
    """The caller's role does not allow this action."""


class ImportFileError(ContactsError):
    """An uploaded file that cannot be imported; names the line, column or value."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None) -> None:
        self.line = line
        self.column = column
        where = []
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = f"{', '.join(where)}: " if where else ""
        super().__init__(prefix + message)


class ImportStateError(ContactsError):
    """An import step asked for out of order (start without a mapping, twice, …)."""


class ChatTokenError(ContactsError):
    """A live-chat token that is missing, malformed, expired or not signed by this service."""


class ProfileUnavailableError(ContactsError):
    """Meta's Graph API did not give a sender's profile (down, refused, or an odd reply)."""
