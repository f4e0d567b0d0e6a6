"""Twilio Voice webhooks: the incoming call, the name-capture IVR, and call callbacks, in TwiML."""

from __future__ import annotations

from flask import Blueprint, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import BadRequest

from bot import calls
from bot.database import get_session
from bot.runtime import current
from handlers.twilio_common import (
    action_url,
    form_float,
    form_int,
    form_sid,
    form_text,
    register_twilio_errors,
    twilio_webhook,
    twiml,
)

blueprint = Blueprint("twilio_voice", __name__, url_prefix="/twilio/voice")
register_twilio_errors(blueprint)

_ASK = ("Thanks for calling. Who am I speaking with? Please say your name.",
        "Sorry, let's try once more. Please say your first and last name.")
_AFTER = {"confirmed": "Thank you, {name}.", "known": "Thanks for calling, {name}.",
          "declined": "No problem.", "unclear": "No problem.", "no_name": "Sorry, I didn't "
          "catch that. No problem.", "silence": "No problem.", "anonymous": "Thanks for calling."}


@blueprint.record_once
def _check_next_step(_state) -> None:
    # A malformed VOICE_NEXT_STEP stops start-up, not the first caller.
    config = current().config
    calls.next_step(config.voice_next_step, config.default_region)


@blueprint.post("")
@twilio_webhook
def call_answered():
    call = calls.IncomingCall(
        call_sid=form_sid("CallSid"), caller=form_text("From", max_length=100).strip(),
        called=form_text("To", max_length=100).strip(),
        caller_name=form_text("CallerName", max_length=100).strip(),
        status=form_text("CallStatus", max_length=20).strip(),
        account_sid=form_text("AccountSid", max_length=40).strip(),
    )
    return twiml(_render(calls.incoming_call(get_session(), call, current().config)))


@blueprint.post("/name")
@twilio_webhook
def name_given():
    step = calls.name_heard(get_session(), form_sid("CallSid"), form_text("SpeechResult"),
                            form_float("Confidence"), _attempt())
    return twiml(_render(step))


@blueprint.post("/confirm")
@twilio_webhook
def name_confirmed():
    name = request.args.get("name", "").strip()
    if not name:
        raise BadRequest("the confirm URL has no name to confirm")
    step = calls.name_answered(get_session(), form_sid("CallSid"), name,
                               form_text("SpeechResult"), form_text("Digits", max_length=20),
                               _attempt(), current().config)
    return twiml(_render(step))


@blueprint.post("/next")
@twilio_webhook
def gather_ended():
    """A <Gather> heard nothing: move on politely."""
    return twiml(_render(calls.CallStep("continue", reason="silence")))


@blueprint.post("/recorded")
@twilio_webhook
def voicemail_recorded():
    calls.call_progressed(get_session(), form_sid("CallSid"), {
        "recording_url": form_text("RecordingUrl", max_length=2000).strip(),
        "recording_duration": form_int("RecordingDuration"),
    })
    response = VoiceResponse()
    response.say("Thank you, we got your message. Goodbye.")
    response.hangup()
    return twiml(response)


@blueprint.post("/recording")
@twilio_webhook
def recording_available():
    calls.call_progressed(get_session(), form_sid("CallSid"), {
        "recording_url": form_text("RecordingUrl", max_length=2000).strip(),
        "recording_sid": form_text("RecordingSid", max_length=40).strip(),
        "recording_duration": form_int("RecordingDuration"),
        "recording_status": form_text("RecordingStatus", max_length=20).strip(),
    })
    return twiml(VoiceResponse())


@blueprint.post("/status")
@twilio_webhook
def call_status_changed():
    calls.call_progressed(get_session(), form_sid("CallSid"), {
        "status": form_text("CallStatus", max_length=20).strip(),
        "duration": form_int("CallDuration"),
    })
    return twiml(VoiceResponse())


@blueprint.post("/dialled")
@twilio_webhook
def dial_finished():
    calls.call_progressed(get_session(), form_sid("CallSid"), {
        "dial_status": form_text("DialCallStatus", max_length=20).strip(),
        "dial_duration": form_int("DialCallDuration"),
    })
    response = VoiceResponse()
    response.hangup()
    return twiml(response)


def _attempt() -> int:
    raw = request.args.get("attempt", "1")
    if raw not in {str(n) for n in range(1, calls.MAX_NAME_ATTEMPTS + 1)}:
        raise BadRequest(f"attempt {raw[:10]!r} must be 1 to {calls.MAX_NAME_ATTEMPTS}")
    return int(raw)


def _render(step: calls.CallStep) -> VoiceResponse:
    response = VoiceResponse()
    if step.action == "ask_name":
        gather = response.gather(input="speech", action=action_url(
            "/twilio/voice/name", attempt=step.attempt), method="POST", speech_timeout="auto",
            timeout=5)
        gather.say(_ASK[min(step.attempt, len(_ASK)) - 1])
        response.redirect(action_url("/twilio/voice/next"), method="POST")
    elif step.action == "confirm_name":
        gather = response.gather(input="speech dtmf", num_digits=1, action=action_url(
            "/twilio/voice/confirm", attempt=step.attempt, name=step.name), method="POST",
            speech_timeout="auto", timeout=5, hints="yes, no")
        gather.say(f"I heard {step.name}. Is that right? Say yes or press 1. "
                   "Say no or press 2.")
        response.redirect(action_url("/twilio/voice/next"), method="POST")
    else:
        response.say(_AFTER.get(step.reason or "", "Thanks for calling.").format(name=step.name))
        _next_step(response)
    return response


def _next_step(response: VoiceResponse) -> None:
    config = current().config
    target = calls.next_step(config.voice_next_step, config.default_region)
    if target.kind == "dial":
        response.dial(target.number, action=action_url("/twilio/voice/dialled"), method="POST")
        return
    response.say("Please leave a message after the tone, then hang up.")
    response.record(action=action_url("/twilio/voice/recorded"), method="POST", max_length=120,
                    play_beep=True, recording_status_callback=action_url(
                        "/twilio/voice/recording"),
                    recording_status_callback_method="POST",
                    recording_status_callback_event="completed")
    response.say("We did not get a message. Goodbye.")
    response.hangup()
