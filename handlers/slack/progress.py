"""The job that keeps the import's Slack message up to date, then posts results and errors."""

from __future__ import annotations

import time

from slack_sdk import WebClient

from bot import runtime
from bot.imports import service
from handlers.slack import import_blocks
from handlers.slack.web import make_client, telling

RUNNING = ("queued", "running")
POLL_SECONDS = 1.0
STALL_MINUTES = 30


def watch_import(import_id: int, channel: str, ts: str) -> None:
    """Poll the import about once a second and update message `ts` when its progress moves;
    when it is done or failed, show the results. Runs on RQ queue "default" (inline when
    embedded); gives up, saying so, after STALL_MINUTES without progress."""
    client = make_client(runtime.current().config)
    with telling(client, channel):
        last, moved_at = None, time.monotonic()
        while (description := _status(import_id))["status"] in RUNNING:
            seen = (description["status"], description["progress"]["done"])
            if seen != last:
                client.chat_update(channel=channel, ts=ts, text="Importing",
                                   blocks=import_blocks.progress_blocks(description))
                last, moved_at = seen, time.monotonic()
            elif time.monotonic() - moved_at > STALL_MINUTES * 60:
                client.chat_update(channel=channel, ts=ts, text="The import is stuck",
                                   blocks=import_blocks.stalled_blocks(description, STALL_MINUTES))
                return
            time.sleep(POLL_SECONDS)
        report_results(client, description, channel, ts)


def report_results(client: WebClient, description: dict, channel: str, ts: str) -> None:
    """Replace the message with the counts and buttons; put the error file in its thread."""
    client.chat_update(channel=channel, ts=ts, text=f"Import {description['status']}",
                       blocks=import_blocks.results_blocks(description))
    if description["status"] != "done" or not description["counts"]["failed"]:
        return
    with runtime.new_session() as session:
        errors_csv = service.import_error_file(session, description["id"])
    client.files_upload_v2(
        channel=channel, thread_ts=ts, content=errors_csv,
        filename=f"import-{description['id']}-errors.csv",
        title=f"Rows of import #{description['id']} that failed",
        initial_comment="Each failed row as uploaded, with its line number and the reason.",
    )


def _status(import_id: int) -> dict:
    with runtime.new_session() as session:
        return service.import_status(session, import_id)
