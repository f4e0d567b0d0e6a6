"""The rules a CSV row must meet beyond the write path's: a name and a phone or email."""

from __future__ import annotations

from bot.contacts import UpsertResult
from bot.errors import InvalidValueError
from bot.normalize import normalize_name
from bot.records import ContactInput, PreparedContact, Problem

_REACHABLE = ("phone", "email")


def meets_row_rules(record: PreparedContact | None, data: ContactInput,
                    result: UpsertResult) -> bool:
    """True if the row has a name and a valid phone or email; else mark `result` rejected
    with the missing parts named first. `record` is None when normalising rejected it."""
    result.problems = [p for p in result.problems if p.field != "identity"]
    missing, failed = [], False
    if not _has_name(record, data):
        failed = True
        if not any(p.field == "name" for p in result.problems):
            missing.append(Problem("name", "", "is missing; the row needs a name"))
    if record is None or not any(kind in _REACHABLE for kind, _ in record.identities):
        failed = True
        missing.append(Problem("phone/email", "", "missing: the row needs a valid phone or email"))
    if failed:
        result.outcome = "rejected"
        result.problems[:0] = missing
        return False
    return True


def _has_name(record: PreparedContact | None, data: ContactInput) -> bool:
    if record is not None:
        return record.name is not None
    try:
        return bool(data.name and normalize_name(data.name))
    except InvalidValueError:
        return False
