"""Telephony use cases shared by SMS and voice: who a sender is, and an inbound SMS recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.config import Config
from bot.conversations import record_message
from bot.errors import InvalidValueError
from bot.normalize import normalize_phone
from bot.records import ContactInput
from nlp.name_capture import capture_name
from storage.calls import insert_known_sender_message

PROVIDER = "twilio"
# Twilio's stand-ins for a withheld caller ID: ANONYMOUS, RESTRICTED, BLOCKED, UNKNOWN and
# UNAVAILABLE spelled on a keypad. None is a valid number, so the general rule below already
# refuses them; they are named here so no future numbering plan can turn them into contacts.
WITHHELD_NUMBERS = frozenset({"+266696687", "+7378742833", "+2562533", "+8656696",
                              "+86282425253"})
# An SMS names its sender only when it has a self-introduction cue; text without one never
# reaches name capture (which would cost a parse per message for nothing).
_INTRODUCTION_CUE = re.compile(
    r"\b(?:my\s+(?:full\s+|first\s+|last\s+)?name|(?:the\s+)?name['’]?s|name\s+is|surname"
    r"|this\s+is|it['’]?s|it\s+is|i['’]?m|i\s+am|call\s+me)\b",
    re.IGNORECASE,
)
SMS_NAME_MIN_CONFIDENCE = 0.7


@dataclass(frozen=True)
class Sender:
    """Who sent a message or placed a call.

    kind: "phone" (value is E.164), "whatsapp" (value is the E.164 of the WhatsApp number),
    "sender_id" (an alphanumeric sender id or a short code: value None) or "anonymous"
    (withheld, blocked or missing caller ID: value None). `raw` is what the provider sent.
    """

    kind: str
    value: str | None
    raw: str

    @property
    def is_contact(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class InboundSms:
    """An inbound SMS or WhatsApp message as plain values."""

    message_sid: str
    sender: str
    to: str = ""
    body: str = ""
    media: list[dict] = field(default_factory=list)  # [{"url", "content_type"}]
    account_sid: str = ""


@dataclass(frozen=True)
class SmsResult:
    """What recording an inbound message did, and the auto-reply to send (None: none)."""

    duplicate: bool
    sender_kind: str
    contact_id: int | None
    outcome: str | None
    reply: str | None


def classify_sender(raw: str | None, region: str, *, voice: bool = False) -> Sender:
    """Decide what a provider's From value is.

    A valid E.164 number is a phone; "whatsapp:+E164" a WhatsApp account. Anything else is
    never a contact: on voice it is an anonymous caller ("anonymous", "Restricted",
    "+266696687", empty), on SMS an alphanumeric sender id or short code ("ACMEBANK",
    "72345"). Never raises.
    """
    text = (raw or "").strip()
    channel_kind = "phone"
    number = text
    if text.lower().startswith("whatsapp:"):
        channel_kind, number = "whatsapp", text.split(":", 1)[1].strip()
    e164 = _e164(number, region)
    if e164 is not None:
        return Sender(channel_kind, e164, text)
    if voice or not text or text in WITHHELD_NUMBERS:
        return Sender("anonymous", None, text)
    return Sender("sender_id", None, text)


def _e164(number: str, region: str) -> str | None:
    # Twilio writes every real number in E.164; a bare digit string is a short code.
    if not number.startswith("+") or number in WITHHELD_NUMBERS:
        return None
    try:
        return normalize_phone(number, region).e164
    except InvalidValueError:
        return None


def sender_input(sender: Sender, channel_tag: str | None, name: str | None = None,
                 name_source: str = "ai_capture") -> ContactInput | None:
    """The write-path input for a sender (None when the sender is not a contact)."""
    if not sender.is_contact:
        return None
    data = ContactInput(name=name, name_source=name_source, ref=sender.raw,
                        create_tags=[channel_tag] if channel_tag else [])
    if sender.kind == "whatsapp":
        data.whatsapp = sender.value
    else:
        data.phones = [(sender.value, None)]
    return data


def inbound_sms(session: Session, sms: InboundSms, config: Config) -> SmsResult:
    """Record an inbound SMS or WhatsApp message once per MessageSid, with its sender.

    A phone or WhatsApp sender becomes or updates a contact (tagged with the channel it
    first came from; a self-introduction names it under the write path's precedence).
    Sender ids and short codes become no contact: the message is kept in a conversation
    without a contact. `reply` is config.first_contact_reply when this message created
    the contact, else None (also for a duplicate delivery). Commits once.

    A known sender whose message changes nothing about the contact (no name in it) and
    who has an open conversation is stored in one statement on PostgreSQL; everything
    else goes through bot.conversations.record_message and the contact write path.
    """
    sender = classify_sender(sms.sender, config.default_region)
    channel = "whatsapp" if sender.kind == "whatsapp" else "sms"
    name = introduced_name(sms.body) if sender.is_contact else None
    data = sender_input(sender, config.channel_tags.get(channel), name)
    details = _sms_details(sms, sender)
    if data is not None and name is None:
        known = insert_known_sender_message(session, (sender.kind, sender.value), channel,
                                            PROVIDER, sms.message_sid, sms.body or None, details)
        if known is not None:
            session.commit()
            if known.message_id is None:
                return SmsResult(True, sender.kind, None, None, None)
            return SmsResult(False, sender.kind, known.contact_id, "unchanged", None)
    recorded = record_message(
        session, sender=data, source=channel, channel=channel, provider=PROVIDER,
        provider_message_id=sms.message_sid, body=sms.body or None, details=details,
        region=config.default_region,
    )
    outcome = recorded.contact.outcome if recorded.contact else None
    contact_id = recorded.contact.contact_id if recorded.contact else None
    reply = config.first_contact_reply if outcome == "created" else None
    return SmsResult(recorded.duplicate, sender.kind, contact_id, outcome, reply or None)


def _sms_details(sms: InboundSms, sender: Sender) -> dict:
    details: dict = {"from": sms.sender, "to": sms.to}
    if sms.account_sid:
        details["account_sid"] = sms.account_sid
    if sms.media:
        details["media"] = sms.media
    if not sender.is_contact:
        details["sender_kind"] = sender.kind
    return details


def introduced_name(text: str) -> str | None:
    """The name the writer gives for themself ("hi it's Dana Whitfield"), or None.

    Only text with a self-introduction cue is read, and only a capture at least
    SMS_NAME_MIN_CONFIDENCE sure is used (sign-offs alone, "thanks, Dana", are not).
    """
    if not text or not _INTRODUCTION_CUE.search(text):
        return None
    captured = capture_name(text, "sms")
    if captured is None or captured.confidence < SMS_NAME_MIN_CONFIDENCE:
        return None
    return captured.name
