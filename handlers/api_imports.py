"""JSON API of CSV imports under /api/imports: upload, mapping, preview, start, status, errors."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from bot.database import get_session
from bot.errors import ImportFileError, ValidationError
from bot.imports import service
from bot.imports.reader import MAX_IMPORT_BYTES, check_size
from bot.runtime import current
from handlers.auth import require_role
from handlers.replies import json_body, register_error_replies

blueprint = Blueprint("api_imports", __name__, url_prefix="/api/imports")
register_error_replies(blueprint)

IMPORTERS = ("admin", "importer")
# Room for the multipart envelope around a file of the largest size allowed.
_ENVELOPE = 64 * 1024


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    return jsonify(error=f"the upload is larger than the service accepts; a CSV file may be at "
                         f"most {MAX_IMPORT_BYTES:,} bytes (10 MiB): split the file"), 413


@blueprint.post("")
@require_role(*IMPORTERS)
def import_uploaded():
    if request.content_length is not None and request.content_length > MAX_IMPORT_BYTES + _ENVELOPE:
        raise ImportFileError(
            f"the upload is {request.content_length:,} bytes, more than a file of the 10 MiB "
            f"limit ({MAX_IMPORT_BYTES:,} bytes) can take; split the file and upload each part")
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError({"file": ["send the CSV as multipart/form-data field 'file'"]})
    data = upload.stream.read(MAX_IMPORT_BYTES + 1)
    check_size(len(data))
    region = request.form.get("region") or current().config.default_region
    description = service.upload_import(
        get_session(), data, upload.filename, region,
        created_by=f"api:{g.api_role}", role=g.api_role,
    )
    return jsonify(description), 201


@blueprint.get("")
@require_role(*IMPORTERS)
def imports_listed():
    return jsonify(imports=service.list_imports(get_session()))


@blueprint.get("/<int:import_id>")
@require_role(*IMPORTERS)
def import_shown(import_id: int):
    return jsonify(service.import_status(get_session(), import_id))


@blueprint.put("/<int:import_id>/mapping")
@require_role(*IMPORTERS)
def mapping_set(import_id: int):
    body = json_body()
    unknown = set(body) - {"mapping", "overrides"}
    if unknown or len(body) != 1:
        raise ValidationError({"body": ["send either {\"mapping\": [target per column]} or "
                                        "{\"overrides\": [\"Header=target\", ...]}"]})
    if "overrides" in body:
        pairs = body["overrides"]
        if not isinstance(pairs, list) or not all(isinstance(p, str) for p in pairs):
            raise ValidationError({"overrides": ["must be a list of \"Header=target\" strings"]})
        return jsonify(service.override_mapping(get_session(), import_id, pairs))
    return jsonify(service.set_mapping(get_session(), import_id, body["mapping"]))


@blueprint.get("/<int:import_id>/preview")
@require_role(*IMPORTERS)
def import_previewed(import_id: int):
    return jsonify(service.preview_import(get_session(), import_id))


@blueprint.post("/<int:import_id>/start")
@require_role(*IMPORTERS)
def import_started(import_id: int):
    body = json_body()
    unknown = set(body) - {"name", "accept_disclosure", "tags"}
    if unknown:
        raise ValidationError({k: ["is not a start option (name, accept_disclosure, tags)"]
                               for k in sorted(unknown)})
    tags = body.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValidationError({"tags": ["must be a list of strings"]})
    name = body.get("name")
    description = service.start_import(
        get_session(), import_id, name if isinstance(name, str) else None,
        body.get("accept_disclosure") is True, g.api_role, tags,
    )
    return jsonify(description), 202


@blueprint.get("/<int:import_id>/errors.csv")
@require_role(*IMPORTERS)
def error_file_downloaded(import_id: int):
    text = service.import_error_file(get_session(), import_id)
    return Response(
        text, mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="import-{import_id}-errors.csv"'},
    )
