"""Modal submissions (create contact, mapping, naming the import) and the tags picker's options."""

from __future__ import annotations

import json

from slack_bolt import App
from slack_sdk import WebClient

from bot import directory, jobs, runtime
from bot.errors import ContactsError, IdentityConflictError, ValidationError
from bot.imports import service
from bot.pickers import suggest_tags
from bot.slack_imports import require_importer
from bot.staff import role_of
from handlers.slack import blocks, import_blocks
from handlers.slack.commands import contact_link
from handlers.slack.progress import watch_import
from handlers.slack.web import telling

# Where a bad field's reason is shown in the Create contact modal.
_CONTACT_BLOCKS = {"name": "name", "phone": "phone", "phones": "phone", "email": "email",
                   "emails": "email", "facebook": "facebook", "instagram": "instagram",
                   "tags": "tags", "identity": "phone"}
_NAME_BLOCKS = {"name": "import_name", "disclosure": "disclosure"}
MAX_ERROR = 300


def register(bolt: App) -> None:
    bolt.view(blocks.CONTACT_MODAL)(contact_submitted)
    bolt.view(import_blocks.MAPPING_MODAL)(mapping_submitted)
    bolt.view(import_blocks.NAME_MODAL)(import_named)
    bolt.options(blocks.TAGS_ACTION)(tag_options_loaded)


def contact_submitted(ack, body: dict, view: dict, client: WebClient) -> None:
    """Create the contact; a bad or taken value is shown on its own field in the modal."""
    fields = _contact_fields(view["state"]["values"])
    config = runtime.current().config
    try:
        with runtime.new_session() as session:
            result = directory.create_contact(session, fields, config.default_region,
                                              source="slack")
            contact = directory.get_contact(session, result.contact_id)
    except ValidationError as error:
        ack(response_action="errors", errors=_errors(
            (_CONTACT_BLOCKS.get(field, "name"), "; ".join(reasons))
            for field, reasons in error.errors.items()))
        return
    except IdentityConflictError as error:
        ack(response_action="errors", errors=_errors(
            (_CONTACT_BLOCKS.get(c["kind"], "phone"),
             f"already belongs to contact #{c['contact_id']}"
             + (f" ({c['contact_name']})" if c.get("contact_name") else ""))
            for c in error.conflicts))
        return
    ack()
    user = body["user"]["id"]
    with telling(client, user):
        client.chat_postMessage(channel=user, text="Contact created",
                                blocks=blocks.contact_created_blocks(
                                    contact, contact_link(result.contact_id), result.outcome))


def mapping_submitted(ack, view: dict, client: WebClient, body: dict) -> None:
    """Save the chosen targets; a mapping that cannot run is refused in the modal, with why."""
    meta = json.loads(view["private_metadata"])
    values = view["state"]["values"]
    headers: list[str] = []
    try:
        with runtime.new_session() as session:
            require_importer(session, body["user"]["id"], runtime.current().config.slack_admins)
            columns = service.import_status(session, meta["import_id"])["columns"]
            headers = [column["header"] for column in columns]
            mapping = [_selected(values, position) or column["target"]
                       for position, column in enumerate(columns)]
            description = service.set_mapping(session, meta["import_id"], mapping)
            preview = service.preview_import(session, meta["import_id"])
    except ValidationError as error:
        ack(response_action="errors", errors=_mapping_errors(error.errors, headers))
        return
    except ContactsError as error:
        ack(response_action="errors", errors={"column_0": str(error)[:MAX_ERROR]})
        return
    ack()
    with telling(client, meta["channel"]):
        client.chat_update(channel=meta["channel"], ts=meta["ts"], text="Preview of the import",
                           blocks=import_blocks.preview_blocks(description, preview))


def import_named(ack, view: dict, client: WebClient, body: dict) -> None:
    """Start the import; no name or no disclosure is refused inline. Then watch it run."""
    meta = json.loads(view["private_metadata"])
    values = view["state"]["values"]
    name = (values.get("import_name", {}).get("value") or {}).get("value")
    accepted = bool((values.get("disclosure", {}).get("accept") or {}).get("selected_options"))
    user = body["user"]["id"]
    try:
        with runtime.new_session() as session:
            role = role_of(session, user, runtime.current().config.slack_admins)
            description = service.start_import(session, meta["import_id"], name, accepted, role)
    except ValidationError as error:
        ack(response_action="errors", errors=_errors(
            (_NAME_BLOCKS.get(field, "import_name"), "; ".join(reasons))
            for field, reasons in error.errors.items()))
        return
    except ContactsError as error:
        ack(response_action="errors", errors={"import_name": str(error)[:MAX_ERROR]})
        return
    ack()
    with telling(client, meta["channel"]):
        client.chat_update(channel=meta["channel"], ts=meta["ts"], text="Importing",
                           blocks=import_blocks.progress_blocks(description))
        jobs.enqueue(watch_import, meta["import_id"], meta["channel"], meta["ts"],
                     queue="default", retries=1, timeout=24 * 3600)


def tag_options_loaded(ack, payload: dict) -> None:
    """Existing tags matching what was typed, and the typed text as a new tag."""
    with runtime.new_session() as session:
        suggestions = suggest_tags(session, payload.get("value") or "")
    ack(options=blocks.tag_options(suggestions))


def _contact_fields(values: dict) -> dict:
    fields: dict[str, object] = {}
    for key in blocks.CONTACT_FIELDS:
        value = (values.get(key, {}).get(blocks.VALUE) or {}).get("value")
        if value and value.strip():
            fields[key] = value.strip()
    chosen = (values.get("tags", {}).get(blocks.TAGS_ACTION) or {}).get("selected_options") or []
    if chosen:
        fields["tags"] = [option["value"] for option in chosen]
    return fields


def _selected(values: dict, position: int) -> str | None:
    option = (values.get(f"column_{position}", {}).get(import_blocks.TARGET) or {}).get(
        "selected_option")
    return option["value"] if option else None


def _mapping_errors(errors: dict[str, list[str]], headers: list[str]) -> dict[str, str]:
    """Each problem on the select of the column it names; problems of the whole mapping (no
    name, no phone or email) on the first select."""
    shown = headers[:import_blocks.MAX_MODAL_COLUMNS]
    placed = []
    for reason in (r for reasons in errors.values() for r in reasons):
        named = [i for i, header in enumerate(shown) if repr(header) in reason] or [0]
        placed += [(f"column_{i}", reason) for i in named]
    return _errors(placed)


def _errors(pairs) -> dict[str, str]:
    merged: dict[str, list[str]] = {}
    for block_id, reason in pairs:
        merged.setdefault(block_id, []).append(reason)
    return {block_id: "; ".join(reasons)[:MAX_ERROR] for block_id, reasons in merged.items()}
