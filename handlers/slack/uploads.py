"""Step 1 of the Slack import: a CSV shared in the DM is checked, downloaded and read."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot import runtime, slack_imports
from bot.errors import ImportFileError, PermissionDeniedError, ValidationError
from bot.imports import service
from bot.imports.reader import MAX_IMPORT_BYTES
from bot.pickers import target_label
from handlers.slack import import_blocks
from handlers.slack.blocks import escape
from handlers.slack.web import DownloadError, download_file, tell

logger = logging.getLogger(__name__)


def file_uploaded(client: WebClient, user_id: str, channel: str, file_id: str) -> None:
    """Import the file `file_id` that `user_id` shared in the DM `channel` (claimed once).

    The uploader's role and the file's size and type (from files.info) are checked before a
    byte is downloaded; the answer is the detected format and the suggested mapping.
    """
    config = runtime.current().config
    with runtime.new_session() as session:
        try:
            role = slack_imports.require_importer(session, user_id, config.slack_admins)
        except PermissionDeniedError as error:
            tell(client, channel, f"⛔ {error}. I did not download the file.")
            return
    info = client.files_info(file=file_id)["file"]
    name = info.get("name") or info.get("title") or file_id
    try:
        slack_imports.check_upload_metadata(info.get("size"), name, info.get("filetype"),
                                            info.get("mimetype"))
        url = info.get("url_private_download") or info.get("url_private")
        if not url:
            raise DownloadError("Slack gave no download address for the file")
        data = download_file(url, config.slack_bot_token, MAX_IMPORT_BYTES)
        with runtime.new_session() as session:
            description = service.upload_import(session, data, name, config.default_region,
                                                created_by=f"slack:{user_id}", role=role)
    except (ImportFileError, ValidationError) as error:
        tell(client, channel, f"⚠️ I can't import {escape(name)}: {escape(error)}")
        return
    except DownloadError as error:
        logger.warning("download of Slack file %s failed: %s", file_id, error)
        tell(client, channel, f"⚠️ I couldn't download {escape(name)}: {escape(error)}. "
                              "Try uploading it again.")
        return
    labels = [target_label(column["target"]) for column in description["columns"]]
    client.chat_postMessage(channel=channel, text=f"Suggested mapping for {name}",
                            blocks=import_blocks.mapping_blocks(description, labels))
