"""POST /twilio/sms: Twilio's Messaging webhook (SMS, MMS, WhatsApp) into conversation history."""

from __future__ import annotations

from flask import Blueprint
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import BadRequest

from bot.database import get_session
from bot.runtime import current
from bot.telephony import InboundSms, inbound_sms
from handlers.twilio_common import (
    form_int,
    form_sid,
    form_text,
    register_twilio_errors,
    twilio_webhook,
    twiml,
)

blueprint = Blueprint("twilio_sms", __name__)
register_twilio_errors(blueprint)

MAX_MEDIA = 10  # Twilio delivers at most ten media items per message
MAX_BODY = 4096  # SMS bodies stop at 1,600 characters, WhatsApp's at 4,096


@blueprint.post("/twilio/sms")
@twilio_webhook
def sms_received():
    """Record the message with its sender; reply with TwiML (the first-contact reply or none)."""
    sms = InboundSms(
        message_sid=form_sid("MessageSid"),
        sender=form_text("From", required=True, max_length=100).strip(),
        to=form_text("To", max_length=100).strip(),
        body=form_text("Body", max_length=MAX_BODY),
        media=_media(),
        account_sid=form_text("AccountSid", max_length=40).strip(),
    )
    result = inbound_sms(get_session(), sms, current().config)
    reply = MessagingResponse()
    if result.reply:
        reply.message(result.reply)
    return twiml(reply)


def _media() -> list[dict]:
    count = form_int("NumMedia", 0, MAX_MEDIA) or 0
    media = []
    for index in range(count):
        url = form_text(f"MediaUrl{index}", required=True, max_length=2000).strip()
        if not url.startswith(("https://", "http://")):
            raise BadRequest(f"MediaUrl{index} {url[:40]!r} is not an http(s) URL")
        content_type = form_text(f"MediaContentType{index}", max_length=200).strip()
        media.append({"url": url, "content_type": content_type or None})
    return media
