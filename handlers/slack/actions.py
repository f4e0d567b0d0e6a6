"""Button clicks: create-contact form, mapping confirm/edit, naming, and the results' buttons."""

from __future__ import annotations

import json

from slack_bolt import App
from slack_sdk import WebClient

from bot import directory, runtime
from bot.errors import ValidationError
from bot.imports import service
from bot.pickers import mapping_choices
from bot.slack_imports import require_importer
from handlers.slack import blocks, import_blocks
from handlers.slack.web import tell, telling

# Each listener acks first (Slack's 3 seconds) and works on in Bolt's thread afterwards.


def register(bolt: App) -> None:
    bolt.action(blocks.NEW_CONTACT_ACTION)(new_contact_clicked)
    bolt.action(import_blocks.CONFIRM_MAPPING)(mapping_confirmed)
    bolt.action(import_blocks.EDIT_MAPPING)(mapping_edit_clicked)
    bolt.action(import_blocks.NAME_IMPORT)(name_import_clicked)
    bolt.action(import_blocks.VIEW_CONTACTS)(view_contacts_clicked)
    bolt.action(import_blocks.IMPORT_ANOTHER)(import_another_clicked)
    bolt.action(import_blocks.CLOSE)(close_clicked)


def new_contact_clicked(ack, body: dict, client: WebClient) -> None:
    ack()
    with telling(client, body["user"]["id"]):
        client.views_open(trigger_id=body["trigger_id"], view=blocks.contact_modal())


def mapping_confirmed(ack, body: dict, client: WebClient) -> None:
    """Accept the mapping as it stands and show the preview in its place."""
    ack()
    user, channel, ts, import_id = _clicked(body)
    with telling(client, channel), runtime.new_session() as session:
        require_importer(session, user, runtime.current().config.slack_admins)
        targets = [c["target"] for c in service.import_status(session, import_id)["columns"]]
        try:
            description = service.set_mapping(session, import_id, targets)
        except ValidationError as error:
            tell(client, channel, "⚠️ This mapping can't be imported yet — use *Edit mapping*:\n"
                 + blocks.problems_text(error.errors), thread_ts=ts)
            return
        preview = service.preview_import(session, import_id)
        client.chat_update(channel=channel, ts=ts, text="Preview of the import",
                           blocks=import_blocks.preview_blocks(description, preview))


def mapping_edit_clicked(ack, body: dict, client: WebClient) -> None:
    """Open the mapping modal, one select per column pre-set to its current target."""
    ack()
    user, channel, ts, import_id = _clicked(body)
    with telling(client, channel), runtime.new_session() as session:
        require_importer(session, user, runtime.current().config.slack_admins)
        description = service.import_status(session, import_id)
        choices = mapping_choices(session, description["columns"])
        client.views_open(trigger_id=body["trigger_id"], view=import_blocks.mapping_modal(
            description, choices, _metadata(import_id, channel, ts)))


def name_import_clicked(ack, body: dict, client: WebClient) -> None:
    ack()
    user, channel, ts, import_id = _clicked(body)
    with telling(client, channel), runtime.new_session() as session:
        require_importer(session, user, runtime.current().config.slack_admins)
        description = service.import_status(session, import_id)
        client.views_open(trigger_id=body["trigger_id"], view=import_blocks.name_modal(
            description, _metadata(import_id, channel, ts)))


def view_contacts_clicked(ack, body: dict, client: WebClient) -> None:
    """List the contacts the import created or updated, in the results' thread."""
    ack()
    _user, channel, ts, import_id = _clicked(body)
    with telling(client, channel), runtime.new_session() as session:
        result = directory.find_contacts(session, "", runtime.current().config.default_region,
                                         import_id=import_id, per_page=blocks.SHOWN_CONTACTS)
        tell(client, channel, f"Contacts of import #{import_id}", thread_ts=ts,
             blocks=blocks.contact_list_blocks(result, f"import #{import_id}"))


def import_another_clicked(ack, body: dict, client: WebClient) -> None:
    ack()
    user, channel, _ts, _import_id = _clicked(body)
    with telling(client, channel), runtime.new_session() as session:
        require_importer(session, user, runtime.current().config.slack_admins)
        tell(client, channel, "Upload a CSV file", blocks=import_blocks.upload_prompt_blocks())


def close_clicked(ack, body: dict, client: WebClient) -> None:
    ack()
    _user, channel, ts, _import_id = _clicked(body)
    with telling(client, channel):
        client.chat_delete(channel=channel, ts=ts)


def _clicked(body: dict) -> tuple[str, str, str, int]:
    """Who clicked, the message's channel and ts, and the import id the button carries."""
    return (body["user"]["id"], body["channel"]["id"], body["message"]["ts"],
            int(body["actions"][0]["value"]))


def _metadata(import_id: int, channel: str, ts: str) -> str:
    """What a modal's submission needs to update the conversation's message."""
    return json.dumps({"import_id": import_id, "channel": channel, "ts": ts})
