"""Messenger and Instagram: read Meta's webhook, record each message once, fetch sender profiles."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot import jobs, runtime
from bot.config import Config
from bot.contacts import upsert_contacts
from bot.conversations import record_message
from bot.errors import InvalidValueError, ProfileUnavailableError, ValidationError
from bot.normalize import normalize_social
from bot.records import NAME_RANK, ContactInput
from storage import queries

logger = logging.getLogger(__name__)

PROVIDER = "meta"
OBJECTS = {"page": "facebook", "instagram": "instagram"}  # webhook object -> channel
PROFILE_FIELDS = {"facebook": "first_name,last_name,name", "instagram": "name,username"}
GRAPH_TIMEOUT = 5
_MAX_PROVIDER_ID = 100  # messages.provider_message_id; longer mids are stored by digest
_MAX_PROFILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class SocialMessage:
    """One inbound Messenger or Instagram message, as plain values."""

    channel: str  # "facebook" or "instagram"
    sender_id: str  # PSID or IGSID, as Meta sent it
    mid: str
    text: str | None
    details: dict


@dataclass
class WebhookResult:
    """What one webhook delivery did."""

    recorded: int = 0
    duplicates: int = 0
    ignored: int = 0
    profile_fetches: int = 0
    note: str | None = None


def parse_webhook(payload: object) -> tuple[str | None, list[SocialMessage], int]:
    """Read a webhook body into (channel, messages, ignored events).

    The channel is None for an object this service does not handle. Echoes of the business's
    own messages, deliveries, reads, reactions and postbacks are ignored. Raises
    ValidationError naming the path of a missing or malformed field (nothing is recorded).
    """
    if not isinstance(payload, dict):
        raise ValidationError({"body": ["must be a JSON object"]})
    obj = payload.get("object")
    if not isinstance(obj, str) or not obj:
        raise ValidationError({"object": ["is required (page or instagram)"]})
    channel = OBJECTS.get(obj)
    if channel is None:
        return None, [], 0
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise ValidationError({"entry": ["must be a list"]})
    messages: list[SocialMessage] = []
    ignored = 0
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValidationError({f"entry[{i}]": ["must be an object"]})
        events = entry.get("messaging", [])
        if not isinstance(events, list):
            raise ValidationError({f"entry[{i}].messaging": ["must be a list"]})
        ignored += sum(len(entry[k]) for k in ("standby", "changes")
                       if isinstance(entry.get(k), list))
        for j, event in enumerate(events):
            message = _message(channel, entry, event, f"entry[{i}].messaging[{j}]")
            if message is None:
                ignored += 1
            else:
                messages.append(message)
    return channel, messages, ignored


def _message(channel: str, entry: dict, event: object, where: str) -> SocialMessage | None:
    if not isinstance(event, dict):
        raise ValidationError({where: ["must be an object"]})
    message = event.get("message")
    if message is None:
        return None  # a delivery or read receipt, a reaction, a postback…
    if not isinstance(message, dict):
        raise ValidationError({f"{where}.message": ["must be an object"]})
    if message.get("is_echo") or message.get("is_deleted"):
        return None  # our own outgoing message, or one the sender withdrew
    sender = _account_id(event.get("sender"), f"{where}.sender.id")
    if sender == str(entry.get("id", "")):
        return None  # the business itself never becomes a contact
    mid = message.get("mid")
    if not isinstance(mid, str) or not mid.strip():
        raise ValidationError({f"{where}.message.mid": ["is required"]})
    text = message.get("text")
    if text is not None and not isinstance(text, str):
        raise ValidationError({f"{where}.message.text": ["must be text"]})
    details = {"mid": mid, "entry_id": str(entry.get("id", "")),
               "timestamp": event.get("timestamp"), "attachments": _attachments(message)}
    recipient = event.get("recipient")
    if isinstance(recipient, dict) and recipient.get("id") is not None:
        details["recipient_id"] = str(recipient["id"])
    return SocialMessage(channel, sender, mid.strip(), text, details)


def _account_id(value: object, where: str) -> str:
    raw = value.get("id") if isinstance(value, dict) else None
    if isinstance(raw, bool) or not isinstance(raw, (str, int)) or not str(raw).strip():
        raise ValidationError({where: ["is required"]})
    try:
        normalize_social(str(raw), where)
    except InvalidValueError as error:
        raise ValidationError({where: [f"{error.value!r} {error.reason}"]}) from None
    return str(raw).strip()


def _attachments(message: dict) -> list[dict]:
    found = message.get("attachments")
    if not isinstance(found, list):
        return []
    result = []
    for item in found:
        if isinstance(item, dict):
            payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
            result.append({"type": str(item.get("type", "")), "url": payload.get("url")})
    return result


def receive_webhook(session: Session, payload: object, region: str,
                    channel_tags: Mapping[str, str]) -> WebhookResult:
    """Record each new message of a webhook delivery with its sender's contact (once per mid),
    then ask for the profile of each sender whose contact has no name as strong as a profile's.

    Raises ValidationError for a malformed body; nothing is recorded then.
    """
    channel, messages, ignored = parse_webhook(payload)
    if channel is None:
        obj = payload.get("object")  # parse_webhook checked it is a dict with an object
        return WebhookResult(ignored=ignored, note=f"object {obj!r} is not handled; ignored")
    result = WebhookResult(ignored=ignored)
    senders: dict[tuple[str, str], int] = {}
    for message in messages:
        tag = channel_tags.get(message.channel)
        sender = ContactInput(create_tags=[tag] if tag else [], ref=message.mid)
        setattr(sender, message.channel, message.sender_id)
        recorded = record_message(
            session, sender=sender, source=message.channel, channel=message.channel,
            provider=PROVIDER, provider_message_id=provider_message_id(message.mid),
            kind="text" if message.text else "media", body=message.text,
            details=message.details, region=region,
        )
        if recorded.duplicate:
            result.duplicates += 1
            continue
        result.recorded += 1
        if recorded.contact is not None and recorded.contact.contact_id is not None:
            senders[(message.channel, message.sender_id)] = recorded.contact.contact_id
    result.profile_fetches = _request_profiles(session, senders)
    return result


def provider_message_id(mid: str) -> str:
    """The stored id of a Meta message: the mid, or a digest of it when the mid is too long."""
    if len(mid) <= _MAX_PROVIDER_ID:
        return mid
    return "sha256:" + hashlib.sha256(mid.encode()).hexdigest()


def _request_profiles(session: Session, senders: dict[tuple[str, str], int]) -> int:
    if not senders:
        return 0
    if not runtime.current().config.meta_page_token:
        logger.info("META_PAGE_TOKEN is not set: Messenger/Instagram senders stay unnamed")
        return 0
    summaries = {s["id"]: s for s in queries.contact_summaries(session, list(senders.values()))}
    session.rollback()  # end the read before the job (in-process: now) writes
    asked = 0
    for (channel, sender_id), contact_id in senders.items():
        summary = summaries.get(contact_id, {})
        if summary.get("name") and NAME_RANK.get(summary.get("name_source") or "", -1) >= \
                NAME_RANK["profile"]:
            continue
        asked += 1
        try:
            jobs.enqueue(fetch_profile, channel, sender_id, contact_id, queue="default",
                         on_failure=profile_failed)
        except ProfileUnavailableError as error:
            # Embedded mode runs the job here: the webhook still gets its 200, and the
            # sender's next message asks again (the contact is still unnamed).
            logger.info("profile of %s sender %s will be asked for again with their next "
                        "message (%s)", channel, _masked(sender_id), error)
    return asked


def fetch_profile(channel: str, sender_id: str, contact_id: int) -> str:
    """Job: name a contact from the sender's Graph API profile (name source "profile").

    Messenger gives first_name/last_name/name; Instagram gives name (may be null) and
    username, kept as the property instagram_username. Returns the write's outcome. Raises
    ProfileUnavailableError when the Graph API fails, so RQ retries the job.
    """
    config = runtime.current().config
    profile = graph_profile(config, channel, sender_id)
    data = ContactInput(contact_id=contact_id, name=_profile_name(profile),
                        name_source="profile", ref=sender_id)
    setattr(data, channel, sender_id)
    username = profile.get("username")
    if channel == "instagram" and isinstance(username, str) and username.strip():
        data.properties["instagram_username"] = username.strip()
    if data.name is None and not data.properties:
        return "unchanged"
    session = runtime.new_session()
    try:
        result = upsert_contacts(session, [data], channel, config.default_region)[0]
    finally:
        session.close()
    if result.outcome == "rejected":
        logger.warning("profile of %s sender %s not stored: %s", channel, _masked(sender_id),
                       result.reason)
    return result.outcome


def graph_profile(config: Config, channel: str, sender_id: str) -> dict:
    """GET {graph base}/{sender id}?fields=… with the page token; the profile as a dict.

    Raises ProfileUnavailableError for an HTTP error, no answer or a reply that is not a
    JSON object. The access token never appears in the error.
    """
    query = {"fields": PROFILE_FIELDS[channel], "access_token": config.meta_page_token or ""}
    if config.meta_app_secret:
        query["appsecret_proof"] = hmac.new(config.meta_app_secret.encode(),
                                            query["access_token"].encode(),
                                            hashlib.sha256).hexdigest()
    url = (f"{config.meta_graph_base_url.rstrip('/')}/{urllib.parse.quote(sender_id, safe='')}"
           f"?{urllib.parse.urlencode(query)}")
    what = f"the Graph API profile of {channel} sender {_masked(sender_id)}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=GRAPH_TIMEOUT) as response:
            body = response.read(_MAX_PROFILE_BYTES)
    except urllib.error.HTTPError as error:
        raise ProfileUnavailableError(f"{what}: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise ProfileUnavailableError(f"{what}: {getattr(error, 'reason', error)}") from None
    try:
        profile = json.loads(body)
    except ValueError:
        raise ProfileUnavailableError(f"{what}: the reply is not JSON") from None
    if not isinstance(profile, dict):
        raise ProfileUnavailableError(f"{what}: the reply is not a JSON object")
    return profile


def _profile_name(profile: dict) -> str | None:
    name = profile.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    parts = [profile.get(k) for k in ("first_name", "last_name")]
    joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return joined or None


def profile_failed(job, _connection, _type, value, _traceback) -> None:
    """Failure callback: on RQ, a profile fetch that spent its retries; in-process, a failed one.
    The contact stays unnamed and the sender's next message asks again."""
    channel, sender_id = job.args[0], job.args[1]
    logger.warning("profile fetch of %s sender %s failed: %s", channel, _masked(sender_id), value)


def _masked(value: str) -> str:
    return "…" + value[-4:]
