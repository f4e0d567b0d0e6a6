"""The /contacts slash command, and the one dispatcher it shares with DMs to the bot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot import directory, runtime, staff
from bot.errors import IdentityConflictError, PermissionDeniedError, ValidationError
from bot.imports import service
from bot.slack_imports import require_importer
from handlers.slack import blocks, import_blocks
from handlers.slack.web import telling
from nlp.commands import Command, parse_command

Reply = Callable[..., object]


@dataclass
class Asker:
    """Who typed a command and how to answer them."""

    user_id: str
    reply: Reply  # reply(text=..., blocks=...)
    trigger_id: str | None = None  # slash commands only: lets the bot open a modal
    channel: str | None = None  # the DM the command came from


def register(bolt: App) -> None:
    bolt.command("/contacts")(ack=acknowledge_command, lazy=[contacts_command])


def acknowledge_command(ack) -> None:
    # Slack wants an answer within 3 seconds; the work happens in contacts_command.
    ack()


def contacts_command(body: dict, client: WebClient, respond) -> None:
    """Run `/contacts <text>` and answer privately through the command's response_url."""
    asker = Asker(user_id=body["user_id"], trigger_id=body.get("trigger_id"),
                  reply=lambda **kw: respond(response_type="ephemeral", **kw))
    with telling(client, body["user_id"]):
        run_command(parse_command(body.get("text") or "help"), asker, client)


def run_command(command: Command, asker: Asker, client: WebClient) -> None:
    """Do what a parsed command asks and reply; domain errors are told to the asker."""
    handler = _HANDLERS.get(command.intent, _not_understood)
    try:
        handler(command, asker, client)
    except ValidationError as error:
        asker.reply(text="⚠️ That didn't work:\n" + blocks.problems_text(error.errors))
    except IdentityConflictError as error:
        asker.reply(text=f"⚠️ Not created: {error}. Use `find` to see that contact.")
    except PermissionDeniedError as error:
        asker.reply(text=f"⛔ {error}.")


def _help(_command: Command, asker: Asker, _client: WebClient) -> None:
    asker.reply(text="What I can do", blocks=blocks.help_blocks())


def _new(_command: Command, asker: Asker, client: WebClient) -> None:
    if asker.trigger_id:
        client.views_open(trigger_id=asker.trigger_id, view=blocks.contact_modal())
    else:
        asker.reply(text="Create a contact", blocks=blocks.new_contact_blocks())


def _add(command: Command, asker: Asker, _client: WebClient) -> None:
    fields = {key: value for key, value in command.fields.items() if value not in (None, [])}
    config = runtime.current().config
    with runtime.new_session() as session:
        result = directory.create_contact(session, fields, config.default_region, source="slack")
        contact = directory.get_contact(session, result.contact_id)
    asker.reply(text=f"Contact {result.outcome}",
                blocks=blocks.contact_created_blocks(contact, contact_link(result.contact_id),
                                                     result.outcome))


def _find(command: Command, asker: Asker, _client: WebClient) -> None:
    query = str(command.fields["query"])
    with runtime.new_session() as session:
        result = directory.find_contacts(session, query, runtime.current().config.default_region)
    asker.reply(text=f"Contacts matching {query}",
                blocks=blocks.contact_list_blocks(result, query))


def _import(_command: Command, asker: Asker, client: WebClient) -> None:
    with runtime.new_session() as session:
        require_importer(session, asker.user_id, runtime.current().config.slack_admins)
    prompt = import_blocks.upload_prompt_blocks()
    if asker.channel is None:
        # Uploads are read from the DM with the bot, so the conversation moves there.
        client.chat_postMessage(channel=asker.user_id, text="Upload a CSV file", blocks=prompt)
        asker.reply(text="I've sent you a DM: upload the CSV file there.")
    else:
        asker.reply(text="Upload a CSV file", blocks=prompt)


def _imports(_command: Command, asker: Asker, _client: WebClient) -> None:
    with runtime.new_session() as session:
        imports = service.list_imports(session, limit=10)
    asker.reply(text="Recent imports", blocks=blocks.imports_blocks(imports))


def _grant(command: Command, asker: Asker, _client: WebClient) -> None:
    user, admins = str(command.fields["user_id"]), runtime.current().config.slack_admins
    with runtime.new_session() as session:
        role = staff.grant_role(session, asker.user_id, user, str(command.fields["role"]), admins)
    asker.reply(text=f"✅ <@{user}> is now {role}.")


def _revoke(command: Command, asker: Asker, _client: WebClient) -> None:
    user, admins = str(command.fields["user_id"]), runtime.current().config.slack_admins
    with runtime.new_session() as session:
        previous = staff.revoke_role(session, asker.user_id, user, admins)
    asker.reply(text=f"✅ <@{user}> was {previous} and is now an agent (create and find only).")


def _not_understood(command: Command, asker: Asker, _client: WebClient) -> None:
    text = str(command.fields.get("text", ""))[:200]
    asker.reply(text=f"I didn't understand “{blocks.escape(text)}”. Type `help` to see what I "
                     "can do.")


def contact_link(contact_id: int) -> str | None:
    """Where a contact can be opened: the API under PUBLIC_BASE_URL, when it is set."""
    base = runtime.current().config.public_base_url
    return f"{base.rstrip('/')}/api/contacts/{contact_id}" if base else None


_HANDLERS = {"help": _help, "new": _new, "add": _add, "find": _find, "import": _import,
             "imports": _imports, "grant": _grant, "revoke": _revoke}
