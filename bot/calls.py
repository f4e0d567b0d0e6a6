"""Voice use cases: an incoming call, the IVR's name capture and confirmation, and call callbacks.

The IVR keeps no state in the process: the attempt number and the name to confirm travel in
the (signed) action URLs, and everything else is in the call's stored message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.config import Config
from bot.contacts import upsert_contacts
from bot.conversations import record_message, update_message
from bot.errors import ConfigError, InvalidValueError
from bot.normalize import normalize_phone
from bot.records import ContactInput
from bot.telephony import PROVIDER, classify_sender, sender_input
from nlp.cnam import caller_name_from_cnam
from nlp.name_capture import capture_name
from storage.calls import StoredMessage, find_message

MAX_NAME_ATTEMPTS = 2
# A contact with no name, a placeholder or only a carrier's label is asked who is calling.
WEAK_NAME_SOURCES = frozenset({"placeholder", "caller_id"})
_YES = re.compile(r"^(?:yes|yeah|yep|yup|correct|right|that'?s right|sure|affirmative|ok|okay)\b")
_NO = re.compile(r"^(?:no|nope|nah|wrong|incorrect|not)\b")


@dataclass(frozen=True)
class IncomingCall:
    """An incoming call's webhook as plain values (From, To, CallerName, CallStatus)."""

    call_sid: str
    caller: str = ""
    called: str = ""
    caller_name: str = ""
    status: str = ""
    account_sid: str = ""


@dataclass(frozen=True)
class CallStep:
    """What the IVR does next.

    action: "ask_name" (ask who is calling; `attempt` is the try number), "confirm_name"
    (read `name` back for a yes/no) or "continue" (go on to the configured next step;
    `reason` says why: known, anonymous, confirmed, no_name, declined, unclear, unknown_call).
    """

    action: str
    attempt: int = 1
    name: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class NextStep:
    """Where a call goes after the greeting: "voicemail", or "dial" to `number` (E.164)."""

    kind: str
    number: str | None = None


def next_step(setting: str, region: str = "US") -> NextStep:
    """Parse the voice_next_step setting: "voicemail" or "dial:+E164".

    Raises ConfigError naming VOICE_NEXT_STEP when it is neither.
    """
    text = (setting or "").strip()
    if text.lower() == "voicemail":
        return NextStep("voicemail")
    if text.lower().startswith("dial:"):
        try:
            return NextStep("dial", normalize_phone(text[5:], region).e164)
        except InvalidValueError as error:
            raise ConfigError(f"VOICE_NEXT_STEP={setting!r}: the number {error.reason}") from None
    raise ConfigError(f"VOICE_NEXT_STEP={setting!r} must be 'voicemail' or 'dial:+E164'")


def incoming_call(session: Session, call: IncomingCall, config: Config) -> CallStep:
    """Record an incoming call once per CallSid and decide whether to ask the caller's name.

    Caller ID makes or updates the caller's phone contact (tagged with the voice channel
    tag when created); a CNAM label that is a real name is stored with source caller_id.
    An anonymous caller makes no contact: the call is kept in a conversation without one
    and the IVR goes straight on. A contact with no strong name is asked for it.
    """
    sender = classify_sender(call.caller, config.default_region, voice=True)
    cnam = caller_name_from_cnam(call.caller_name)
    data = sender_input(sender, config.channel_tags.get("voice"), cnam, "caller_id")
    details = {"from": call.caller, "to": call.called, "status": call.status,
               "caller_name": call.caller_name or None, "transcript": []}
    if not sender.is_contact:
        details["caller"] = "anonymous"
    record_message(session, sender=data, source="voice", channel="voice", provider=PROVIDER,
                   provider_message_id=call.call_sid, kind="call", details=details,
                   region=config.default_region)
    stored = find_message(session, PROVIDER, call.call_sid)
    if stored is None or stored.contact_id is None:
        return CallStep("continue", reason="anonymous")
    if stored.contact_name and stored.name_source not in WEAK_NAME_SOURCES:
        return CallStep("continue", name=stored.contact_name, reason="known")
    return CallStep("ask_name", attempt=1)


def name_heard(session: Session, call_sid: str, speech: str, confidence: float | None,
               attempt: int) -> CallStep:
    """Read the caller's answer to "who is calling?" through name capture.

    The transcript is kept with the call. A captured name is to be confirmed; otherwise
    the caller is asked once more, then the IVR moves on.
    """
    stored = find_message(session, PROVIDER, call_sid)
    if stored is None or stored.contact_id is None:
        return CallStep("continue", reason="unknown_call")
    _add_transcript(session, call_sid, stored, "name", attempt, speech, confidence)
    name = _name_in_answer(speech)
    if name is not None:
        return CallStep("confirm_name", attempt=attempt, name=name)
    if attempt < MAX_NAME_ATTEMPTS:
        return CallStep("ask_name", attempt=attempt + 1)
    return CallStep("continue", reason="no_name")


def _name_in_answer(speech: str) -> str | None:
    text = (speech or "").strip()
    if not text:
        return None
    # The caller was just asked for their name, so a bare answer ("Dana Whitfield") is
    # read as the end of "my name is …"; capture still refuses words that are not names.
    captured = capture_name(text, "voice") or capture_name(f"my name is {text}", "voice")
    return captured.name if captured else None


def name_answered(session: Session, call_sid: str, name: str, speech: str, digits: str,
                  attempt: int, config: Config) -> CallStep:
    """Act on the caller's yes/no to the name read back (speech, or DTMF 1 yes / 2 no).

    Yes stores the name with source ai_capture through the write path (its precedence
    rules decide) in the same transaction as the call's transcript. No asks once more;
    anything else moves on without storing the name.
    """
    stored = find_message(session, PROVIDER, call_sid)
    if stored is None or stored.contact_id is None:
        return CallStep("continue", reason="unknown_call")
    answer = yes_or_no(speech, digits)
    said = speech or (f"pressed {digits}" if digits else "")
    extra: dict = {}
    if answer is True:
        upsert_contacts(session, [ContactInput(contact_id=stored.contact_id, name=name,
                                               name_source="ai_capture")],
                        "voice", config.default_region, commit=False)
        extra["name_confirmed"] = name
    _add_transcript(session, call_sid, stored, "confirm", attempt, said, None, extra)
    if answer is True:
        return CallStep("continue", name=name, reason="confirmed")
    if answer is False and attempt < MAX_NAME_ATTEMPTS:
        return CallStep("ask_name", attempt=attempt + 1)
    return CallStep("continue", reason="declined" if answer is False else "unclear")


def yes_or_no(speech: str, digits: str) -> bool | None:
    """True for yes ("yes", "yeah, that's right", key 1), False for no ("no", key 2), else None."""
    if digits:
        return {"1": True, "2": False}.get(digits.strip()[:1])
    text = re.sub(r"[^\w' ]", " ", (speech or "").lower()).strip()
    if _YES.match(text):
        return True
    if _NO.match(text):
        return False
    return None


def _add_transcript(session: Session, call_sid: str, stored: StoredMessage, step: str,
                    attempt: int, text: str, confidence: float | None,
                    extra: dict | None = None) -> None:
    entry = {"step": step, "attempt": attempt, "text": text or ""}
    if confidence is not None:
        entry["confidence"] = confidence
    transcript = [*stored.details.get("transcript", []), entry]
    body = "\n".join(e["text"] for e in transcript if e["text"]) or None
    update_message(session, PROVIDER, call_sid, {"transcript": transcript, **(extra or {})}, body)


def call_progressed(session: Session, call_sid: str, details: dict) -> bool:
    """Add what a status, recording or dial callback reports (CallStatus, CallDuration,
    RecordingUrl, …) to the call's history; False when the call was never recorded."""
    clean = {key: value for key, value in details.items() if value not in (None, "")}
    return update_message(session, PROVIDER, call_sid, clean)
