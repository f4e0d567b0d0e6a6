"""The import steps as plain functions: upload, map, preview, start, status, report, list."""

from __future__ import annotations

from datetime import UTC, datetime

import phonenumbers
from sqlalchemy.orm import Session

from bot.errors import ImportStateError, NotFoundError, PermissionDeniedError, ValidationError
from bot.imports.mapping import parse_mapping_overrides, suggest_mapping, validate_mapping
from bot.imports.preview import preview_rows
from bot.imports.reader import check_size, read_csv
from bot.imports.report import error_report_csv
from storage import imports as store
from storage.models import ImportJob

IMPORTER_ROLES = ("admin", "importer")
MAX_IMPORT_NAME = 200
NEXT_ACTIONS = ("view_contacts", "import_another", "close")
WARNINGS_SHOWN = 20


def upload_import(session: Session, data: bytes, filename: str | None, region: str,
                  created_by: str | None = None, role: str = "admin") -> dict:
    """Read an uploaded file, suggest a mapping and keep both; return the import's description.

    `region` reads national phone forms. Raises PermissionDeniedError for a role that may
    not import, ValidationError for an unknown region, ImportFileError (with the line,
    column or value) when the file cannot be imported; nothing is stored then.
    """
    _check_role(role)
    region = region.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError({"region": [f"{region!r} is not a two-letter region such as US or GB"]})
    check_size(len(data))
    parsed = read_csv(data, filename)
    existing = store.property_keys(session)
    job = ImportJob(
        filename=filename, data=data, region=region, created_by=created_by,
        status="uploaded", total_rows=parsed.row_count,
        mapping=suggest_mapping(parsed.headers, parsed.rows, existing),
        file_info={"encoding": parsed.encoding, "bom": parsed.bom,
                   "delimiter": parsed.delimiter, "headers": parsed.headers,
                   "notes": parsed.notes, "samples": parsed.rows[:3]},
    )
    session.add(job)
    session.commit()
    return describe_import(session, job)


def set_mapping(session: Session, import_id: int, mapping: list[str]) -> dict:
    """Replace the column mapping (one target per column). Raises ValidationError naming
    each problem (a missing name or phone/email column, an unknown target)."""
    job = _load(session, import_id)
    _check_status(job, "uploaded")
    headers = job.file_info["headers"]
    if not isinstance(mapping, list) or len(mapping) != len(headers):
        raise ValidationError({"mapping": [f"give one target for each of the {len(headers)} "
                                           "columns, in order"]})
    errors = validate_mapping(headers, mapping)
    if errors:
        raise ValidationError({"mapping": errors})
    job.mapping = list(mapping)
    session.commit()
    return describe_import(session, job)


def override_mapping(session: Session, import_id: int, pairs: list[str]) -> dict:
    """Change some columns' targets with "Header=target" pairs (CLI --map, API overrides).
    Raises ValidationError naming unknown headers or targets, or what the mapping lacks."""
    job = _load(session, import_id)
    headers = job.file_info["headers"]
    overrides = parse_mapping_overrides(pairs, headers)
    mapping = [overrides.get(header, target) for header, target in zip(headers, job.mapping,
                                                                        strict=True)]
    return set_mapping(session, import_id, mapping)


def preview_import(session: Session, import_id: int, limit: int = 10) -> dict:
    """The first rows as they will be stored, each problem flagged on its cell."""
    job = _load(session, import_id)
    parsed = read_csv(job.data, job.filename)
    return preview_rows(parsed, job.mapping, job.region, limit)


def start_import(session: Session, import_id: int, name: str | None, disclosure_accepted: bool,
                 role: str, tags: list[str] | None = None) -> dict:
    """Name the import, record the disclosure, and queue the job on queue `imports`.

    Raises PermissionDeniedError (role), ValidationError (no name, disclosure not accepted,
    mapping incomplete), ImportStateError (started already).
    """
    from bot.imports.jobs import enqueue_import

    _check_role(role)
    job = _load(session, import_id)
    _check_status(job, "uploaded")
    errors: dict[str, list[str]] = {}
    clean_name = " ".join((name or "").split())
    if not clean_name:
        errors["name"] = ["give the import a name, so you can find its contacts later"]
    elif len(clean_name) > MAX_IMPORT_NAME:
        errors["name"] = [f"is longer than {MAX_IMPORT_NAME} characters"]
    if disclosure_accepted is not True:
        errors["disclosure"] = ["confirm that these contacts agreed to be contacted"]
    mapping_errors = validate_mapping(job.file_info["headers"], job.mapping)
    if mapping_errors:
        errors["mapping"] = mapping_errors
    if errors:
        raise ValidationError(errors)
    # Only one of several simultaneous starts wins the uploaded -> queued step.
    claimed = store.claim_start(session, job.id, clean_name, [t for t in (tags or []) if t.strip()])
    session.commit()
    if not claimed:
        raise ImportStateError(f"import {job.id} has been started already")
    enqueue_import(job.id)
    session.expire_all()
    return describe_import(session, _load(session, import_id))


def import_status(session: Session, import_id: int) -> dict:
    """The import's state, progress (rows done / total) and counts."""
    return describe_import(session, _load(session, import_id))


def list_imports(session: Session, limit: int = 20) -> list[dict]:
    """Recent imports, newest first."""
    return [describe_import(session, job, columns=False)
            for job in store.recent_imports(session, limit)]


def import_error_file(session: Session, import_id: int) -> str:
    """The error CSV: each failed row as uploaded, its line number and the reason."""
    job = _load(session, import_id)
    rows = store.row_results(session, job.id, "failed")
    return error_report_csv(job.file_info["headers"], [(r.line, r.values, r.reason) for r in rows])


def describe_import(session: Session, job: ImportJob, columns: bool = True) -> dict:
    """Everything a front end shows about an import."""
    info = job.file_info
    description = {
        "id": job.id, "name": job.name, "filename": job.filename, "status": job.status,
        "encoding": info["encoding"], "delimiter": info["delimiter"], "rows": job.total_rows,
        "region": job.region,
        "notes": info["notes"], "created_by": job.created_by,
        "progress": {"done": job.done_rows, "total": job.total_rows},
        "counts": {"created": job.created_count, "updated": job.updated_count,
                   "unchanged": job.unchanged_count, "failed": job.failed_count},
        "error": job.error,
        "created_at": _iso(job.created_at),
        "finished_at": _iso(job.finished_at),
    }
    if columns:
        samples = info.get("samples", [])
        description["columns"] = [
            {"header": header, "target": target, "samples": [row[i] for row in samples]}
            for i, (header, target) in enumerate(zip(info["headers"], job.mapping, strict=True))
        ]
        description["mapping_errors"] = validate_mapping(info["headers"], job.mapping)
    if job.status in ("running", "done"):
        # Rows that imported but lost a value (a bad second phone, a name kept from a
        # duplicate row): counted and shown, so nothing is dropped without a word.
        description["warnings"] = store.count_row_results(session, job.id, "warning")
        description["warning_rows"] = [
            {"line": r.line, "reason": r.reason}
            for r in store.row_results(session, job.id, "warning", limit=WARNINGS_SHOWN)
        ]
    if job.status == "done":
        description["next"] = list(NEXT_ACTIONS)
    return description


def _iso(moment: datetime | None) -> str | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _load(session: Session, import_id: int) -> ImportJob:
    job = session.get(ImportJob, import_id)
    if job is None:
        raise NotFoundError(f"import {import_id} does not exist")
    return job


def _check_role(role: str) -> None:
    if role not in IMPORTER_ROLES:
        raise PermissionDeniedError(
            f"importing contacts needs the importer or admin role; yours is {role}"
        )


def _check_status(job: ImportJob, wanted: str) -> None:
    if job.status != wanted:
        raise ImportStateError(f"import {job.id} is {job.status}; this step needs it {wanted}")
