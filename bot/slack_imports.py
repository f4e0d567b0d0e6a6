"""Use cases of the Slack conversations: events acted on once, the upload gate."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import PurePath

from sqlalchemy.orm import Session

from bot.errors import ImportFileError, PermissionDeniedError
from bot.imports.reader import check_size
from bot.imports.service import IMPORTER_ROLES
from bot.staff import role_of
from storage.deliveries import claim_delivery

CSV_FILETYPES = frozenset({"csv", "text", "tsv"})
CSV_MIMETYPES = frozenset({"text/csv", "text/plain", "application/csv", "text/tab-separated-values",
                           "text/comma-separated-values"})
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})


def claim_event(session: Session, event_id: str | None,
                file_ids: Sequence[str] = ()) -> list[str] | None:
    """Claim a Slack event, and the files it shares, before acting on it.

    Returns None when the event was delivered before (Slack's retry, X-Slack-Retry-Num);
    otherwise the ids of its files that no other event claimed first (Slack announces one
    upload twice: a message with files, and file_shared).
    """
    if event_id and not claim_delivery(session, f"slack-event:{event_id}"):
        session.commit()
        return None
    claimed = [file_id for file_id in file_ids if claim_delivery(session, f"slack-file:{file_id}")]
    session.commit()
    return claimed


def require_importer(session: Session, user_id: str, admins: Collection[str]) -> str:
    """The user's role when it may import; PermissionDeniedError otherwise."""
    role = role_of(session, user_id, admins)
    if role not in IMPORTER_ROLES:
        raise PermissionDeniedError(
            f"importing contacts needs the importer or admin role; yours is {role}. "
            "Ask an admin to grant you the importer role"
        )
    return role


def check_upload_metadata(size: int | None, name: str | None, filetype: str | None,
                          mimetype: str | None) -> None:
    """Refuse, before any download, a file that is too big or is not a CSV by its metadata.

    Raises ImportFileError naming the size or the file's type.
    """
    if size is not None:
        check_size(size)
    suffix = PurePath(name or "").suffix.lower()
    if ((filetype or "").lower() in CSV_FILETYPES or (mimetype or "").lower() in CSV_MIMETYPES
            or suffix in CSV_SUFFIXES):
        return
    kind = filetype or mimetype or (suffix.lstrip(".") if suffix else "unknown")
    raise ImportFileError(
        f"{name or 'the file'} is a {kind} file, not CSV; save it as CSV (comma-separated "
        "values, .csv) and upload that"
    )
