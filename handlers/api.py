"""JSON API under /api: create, update, fetch and search contacts (imports live in api_imports)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from bot import directory
from bot.database import get_session
from bot.errors import ValidationError
from bot.runtime import current
from handlers.auth import require_role
from handlers.replies import json_body, register_error_replies

blueprint = Blueprint("api", __name__, url_prefix="/api")
register_error_replies(blueprint)

READ = ("admin", "importer", "agent", "viewer")
WRITE = ("admin", "importer", "agent")


@blueprint.post("/contacts")
@require_role(*WRITE)
def contact_created():
    session = get_session()
    result = directory.create_contact(session, json_body(), current().config.default_region)
    record = directory.get_contact(session, result.contact_id)
    return jsonify(outcome=result.outcome, contact=record), 201


@blueprint.patch("/contacts/<int:contact_id>")
@require_role(*WRITE)
def contact_updated(contact_id: int):
    session = get_session()
    result = directory.update_contact(
        session, contact_id, json_body(), current().config.default_region
    )
    record = directory.get_contact(session, contact_id)
    return jsonify(outcome=result.outcome, changes=result.changes, contact=record)


@blueprint.get("/contacts/<int:contact_id>")
@require_role(*READ)
def contact_shown(contact_id: int):
    return jsonify(contact=directory.get_contact(get_session(), contact_id))


@blueprint.get("/contacts")
@require_role(*READ)
def contacts_listed():
    args = request.args
    unknown = set(args) - {"q", "phone", "email", "tag", "import_id", "page", "per_page"}
    if unknown:
        raise ValidationError({k: ["is not a search parameter"] for k in sorted(unknown)})
    page = _int_arg("page", 1, 1, 100000)
    per_page = _int_arg("per_page", 25, 1, 100)
    import_id = _int_arg("import_id", None, 1, 2**62)
    result = directory.find_contacts(
        get_session(), args.get("q", ""), current().config.default_region,
        tag=args.get("tag") or None, phone=args.get("phone") or None,
        email=args.get("email") or None, import_id=import_id, page=page, per_page=per_page,
    )
    return jsonify(result)


def _int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ValidationError({name: [f"{raw!r} must be a whole number from {low} to {high}"]})
    return int(raw)
