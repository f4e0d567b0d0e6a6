"""Slack Web API access: the client, file downloads with the bot token, failures told in words."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from contextlib import contextmanager

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Config
from bot.errors import ContactsError

logger = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT = 60


class DownloadError(Exception):
    """Slack did not hand over an uploaded file; the message says why, fit for the user."""


def make_client(config: Config) -> WebClient:
    """A Web API client on config's base URL that waits out rate limits (Retry-After) twice."""
    return WebClient(
        token=config.slack_bot_token, base_url=config.slack_api_base_url,
        retry_handlers=[ConnectionErrorRetryHandler(),
                        RateLimitErrorRetryHandler(max_retry_count=2)],
    )


def download_file(url: str, token: str, limit: int) -> bytes:
    """The file at Slack's url_private_download, read with the bot token, at most `limit` + 1
    bytes (so a caller can tell an oversized file). Raises DownloadError."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:
            if response.headers.get_content_type() == "text/html":
                # Slack answers a token without files:read with its sign-in page, not the file.
                raise DownloadError("Slack sent a web page instead of the file; the bot token "
                                    "probably lacks the files:read scope")
            return response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise DownloadError(f"Slack refused the download (HTTP {error.code})") from error
    except (urllib.error.URLError, TimeoutError) as error:
        raise DownloadError(f"the download from Slack failed ({error})") from error


def explain(error: SlackApiError) -> str:
    """What went wrong with a Web API call, in words for the user."""
    response = error.response
    method = (response.api_url or "").rstrip("/").rsplit("/", 1)[-1] or "a Slack API call"
    if response.status_code == 429:
        wait = response.headers.get("Retry-After") or response.headers.get("retry-after") or "?"
        return (f"Slack is rate-limiting the bot: {method} still failed after waiting as asked "
                f"(Retry-After {wait} s). Try again in a minute.")
    code = response.get("error") if isinstance(response.data, dict) else None
    if code == "missing_scope":
        needed = response.get("needed") or "a scope"
        return (f"The bot lacks the Slack scope `{needed}` (needed for {method}). A workspace "
                "admin must add it under OAuth & Permissions and reinstall the app.")
    return f"Slack refused {method}: {code or f'HTTP {response.status_code}'}."


def tell(client: WebClient, channel: str, text: str, blocks: list[dict] | None = None,
         thread_ts: str | None = None) -> None:
    """Post `text` (and blocks) in `channel`."""
    client.chat_postMessage(channel=channel, text=text[:3000], blocks=blocks, thread_ts=thread_ts)


@contextmanager
def telling(client: WebClient, channel: str | None):
    """Run slow work after the ack (where Bolt's error handler does not reach): a domain error
    is told to the user; a Web API failure is told in words, anything else generically; both
    are logged with their traceback and re-raised (Bolt and RQ record them too)."""
    try:
        yield
    except ContactsError as error:
        if channel is None:
            raise
        tell(client, channel, f"⚠️ {error}")
    except Exception as error:
        logger.exception("Slack work failed")
        if channel is not None:
            tell(client, channel, _failure_text(error))
        raise


def _failure_text(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return explain(error)
    if isinstance(error, DownloadError):
        return f"⚠️ {error}"
    return "⚠️ Something went wrong on our side; it has been logged. Please try again."
