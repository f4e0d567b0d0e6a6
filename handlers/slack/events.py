"""Events: plain-words commands in a DM with the bot, and CSV files shared there."""

from __future__ import annotations

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot import runtime
from bot.slack_imports import claim_event
from handlers.slack.commands import Asker, run_command
from handlers.slack.uploads import file_uploaded
from handlers.slack.web import telling
from nlp.commands import parse_command

# A message with files comes as subtype file_share; edits, joins and the like are ignored.
_HANDLED_SUBTYPES = (None, "file_share")


def register(bolt: App) -> None:
    bolt.middleware(deduplicate_deliveries)
    bolt.event("message")(ack=acknowledge_event, lazy=[direct_message])
    bolt.event("file_shared")(ack=acknowledge_event, lazy=[file_shared])


def deduplicate_deliveries(body: dict, context, next) -> BoltResponse | None:
    """Claim each event and its files before the ack, so a retried event (same event_id) or
    the twin event of one upload is answered 200 and runs no listener."""
    event = body.get("event") if body.get("type") == "event_callback" else None
    if event is None:
        return next()
    if not _for_the_bot(event):
        return BoltResponse(status=200, body="")
    files = _shared_files(event)
    with runtime.new_session() as session:
        claimed = claim_event(session, body.get("event_id"), files)
    if claimed is None or (files and not claimed):
        return BoltResponse(status=200, body="")  # acknowledged: Slack stops retrying
    context["claimed_files"] = claimed
    return next()


def acknowledge_event(ack) -> None:
    # Slack retries an event that is not answered within 3 seconds; the work runs lazily.
    ack()


def direct_message(event: dict, context, client: WebClient) -> None:
    """A DM to the bot: files start an import, text is a command in plain words."""
    channel, user = event["channel"], event["user"]
    with telling(client, channel):
        if event.get("files"):
            for file_id in context.get("claimed_files", []):
                file_uploaded(client, user, channel, file_id)
            return
        asker = Asker(user_id=user, channel=channel,
                      reply=lambda **kw: client.chat_postMessage(channel=channel, **kw))
        run_command(parse_command(event.get("text") or ""), asker, client)


def file_shared(event: dict, client: WebClient) -> None:
    """A file shared in a DM with the bot; the twin message event may have claimed it first."""
    channel = event["channel_id"]
    with telling(client, channel):
        file_uploaded(client, event["user_id"], channel, event["file_id"])


def _for_the_bot(event: dict) -> bool:
    """A person's message in a DM with the bot, or a file shared in a DM."""
    if event.get("type") == "message":
        return (event.get("channel_type") == "im" and bool(event.get("user"))
                and not event.get("bot_id") and event.get("subtype") in _HANDLED_SUBTYPES)
    if event.get("type") == "file_shared":
        return str(event.get("channel_id") or "").startswith("D") and bool(event.get("file_id"))
    return False


def _shared_files(event: dict) -> list[str]:
    if event.get("type") == "file_shared":
        return [event["file_id"]]
    return [shared["id"] for shared in event.get("files") or [] if shared.get("id")]
