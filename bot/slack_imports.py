"""Use cases of the Slack import conversation: deliveries acted on once, the upload gate."""

from __future__ import annotations

from collections.abc import Collection
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


def first_delivery(session: Session, key: str) -> bool:
    """True the first time `key` (an event id, a file id) is seen; False for a retry or a twin."""
    claimed = claim_delivery(session, key)
    session.commit()
    return claimed


def begin_upload(session: Session, file_id: str, user_id: str,
                 admins: Collection[str]) -> str | None:
    """Claim an uploaded file for one import and check its uploader may import.

    Returns the uploader's role, or None when the file was claimed before (a retried event,
    or the twin event Slack sends for the same upload). Raises PermissionDeniedError when
    the uploader is neither importer nor admin; the file is claimed all the same, so the
    refusal is said once.
    """
    if not first_delivery(session, f"slack-file:{file_id}"):
        return None
    return require_importer(session, user_id, admins)


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
