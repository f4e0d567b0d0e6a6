"""Events: plain-words commands in a DM with the bot, and CSV files shared there."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot import runtime
from bot.slack_imports import first_delivery
from handlers.slack.commands import Asker, run_command
from handlers.slack.uploads import file_uploaded
from handlers.slack.web import telling
from nlp.commands import parse_command

# A message with files comes as subtype file_share; edits, joins and the like are ignored.
_HANDLED_SUBTYPES = (None, "file_share")


def register(bolt: App) -> None:
    bolt.event("message")(ack=acknowledge_event, lazy=[direct_message])
    bolt.event("file_shared")(ack=acknowledge_event, lazy=[file_shared])


def acknowledge_event(ack) -> None:
    # Slack retries an event that is not answered within 3 seconds; the work runs lazily.
    ack()


def direct_message(body: dict, event: dict, client: WebClient) -> None:
    """A DM to the bot: files start an import, text is a command in plain words."""
    if (event.get("channel_type") != "im" or event.get("bot_id") or not event.get("user")
            or event.get("subtype") not in _HANDLED_SUBTYPES or not _first(body)):
        return
    channel, user = event["channel"], event["user"]
    with telling(client, channel):
        if event.get("files"):
            for shared in event["files"]:
                file_uploaded(client, user, channel, shared["id"])
            return
        asker = Asker(user_id=user, channel=channel,
                      reply=lambda **kw: client.chat_postMessage(channel=channel, **kw))
        run_command(parse_command(event.get("text") or ""), asker, client)


def file_shared(body: dict, event: dict, client: WebClient) -> None:
    """A file shared in a DM with the bot (Slack also sends a message event; one of the two
    wins the file's claim)."""
    channel = event.get("channel_id") or ""
    if not channel.startswith("D") or not _first(body):
        return
    with telling(client, channel):
        file_uploaded(client, event["user_id"], channel, event["file_id"])


def _first(body: dict) -> bool:
    """False for a retried delivery (X-Slack-Retry-Num) of an event already acted on."""
    event_id = body.get("event_id")
    if not event_id:
        return True
    with runtime.new_session() as session:
        return first_delivery(session, f"slack-event:{event_id}")
