"""Twilio Voice webhooks and the name-capture IVR over HTTP, every TwiML reply parsed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot import directory
from bot.app import create_app
from bot.errors import ConfigError
from storage.models import Contact, Conversation, Identity, Message
from tests.conftest import _empty_tables, make_config
from tests.handlers.twilio_helpers import TwilioClient, call_params, sid, twiml, verbs

CALLER = "+14155550123"


@pytest.fixture
def twilio(app):
    return TwilioClient(app.test_client())


def _call(app, call_sid: str) -> tuple[Message, int | None]:
    with app.extensions["contacts_runtime"].sessions() as session:
        message = session.scalar(select(Message).where(Message.provider_message_id == call_sid))
        contact_id = session.scalar(select(Conversation.contact_id)
                                    .where(Conversation.id == message.conversation_id))
        return message, contact_id


def _contact(app, contact_id: int) -> dict:
    with app.extensions["contacts_runtime"].sessions() as session:
        return directory.get_contact(session, contact_id)


def _count(app, model) -> int:
    with app.extensions["contacts_runtime"].sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def _gather(root):
    [gather] = root.findall("Gather")
    return gather


def test_whole_call_from_ring_to_confirmed_name_to_voicemail(twilio, app):
    call_sid = sid("CA")
    ring = twiml(twilio.post("/twilio/voice", call_params(CALLER, call_sid,
                                                          CallerName="WIRELESS CALLER")))
    assert verbs(ring) == ["Gather", "Redirect"]
    ask = _gather(ring)
    assert ask.get("input") == "speech"
    assert ask.get("action") == "https://contacts.example.test/twilio/voice/name?attempt=1"
    assert [v.tag for v in ask] == ["Say"] and "name" in ask.find("Say").text
    assert ring.find("Redirect").text == "https://contacts.example.test/twilio/voice/next"

    heard = twiml(twilio.post(ask.get("action"), {
        "CallSid": call_sid, "SpeechResult": "Hi, it's Dana Whitfield.", "Confidence": "0.91"}))
    assert verbs(heard) == ["Gather", "Redirect"]
    confirm = _gather(heard)
    assert confirm.get("input") == "speech dtmf" and confirm.get("numDigits") == "1"
    assert "Dana Whitfield" in confirm.find("Say").text

    confirmed = twiml(twilio.post(confirm.get("action"), {
        "CallSid": call_sid, "SpeechResult": "Yes.", "Confidence": "0.88"}))
    assert verbs(confirmed) == ["Say", "Say", "Record", "Say", "Hangup"]
    assert confirmed[0].text == "Thank you, Dana Whitfield."
    record = confirmed.find("Record")
    assert record.get("action") == "https://contacts.example.test/twilio/voice/recorded"
    assert record.get("recordingStatusCallback") == (
        "https://contacts.example.test/twilio/voice/recording")

    recording_url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    left = twiml(twilio.post(record.get("action"), {
        "CallSid": call_sid, "RecordingUrl": recording_url, "RecordingDuration": "14",
        "Digits": "hangup"}))
    assert verbs(left) == ["Say", "Hangup"]
    status = twilio.post(record.get("recordingStatusCallback"), {
        "CallSid": call_sid, "RecordingSid": sid("RE"), "RecordingUrl": recording_url,
        "RecordingStatus": "completed", "RecordingDuration": "14"})
    assert verbs(twiml(status)) == []
    ended = twilio.post("/twilio/voice/status", {
        "CallSid": call_sid, "CallStatus": "completed", "CallDuration": "47"})
    assert verbs(twiml(ended)) == []

    message, contact_id = _call(app, call_sid)
    assert message.kind == "call"
    assert message.details["recording_url"] == recording_url
    assert message.details["recording_duration"] == 14
    assert (message.details["status"], message.details["duration"]) == ("completed", 47)
    assert message.details["name_confirmed"] == "Dana Whitfield"
    assert [e["step"] for e in message.details["transcript"]] == ["name", "confirm"]
    assert message.body == "Hi, it's Dana Whitfield.\nYes."
    contact = _contact(app, contact_id)
    assert (contact["name"], contact["name_source"]) == ("Dana Whitfield", "ai_capture")
    assert contact["tags"] == ["Phone call"]
    assert contact["identities"][0]["value"] == CALLER
    assert [c["channel"] for c in contact["conversations"]] == ["voice"]


def test_a_real_cnam_name_is_stored_as_caller_id_and_the_caller_is_still_asked(twilio, app):
    call_sid = sid("CA")
    ring = twiml(twilio.post("/twilio/voice", call_params(CALLER, call_sid,
                                                          CallerName="WHITFIELD DANA")))
    assert verbs(ring) == ["Gather", "Redirect"]
    _, contact_id = _call(app, call_sid)
    contact = _contact(app, contact_id)
    assert (contact["name"], contact["name_source"]) == ("Dana Whitfield", "caller_id")


@pytest.mark.parametrize("label", ["WIRELESS CALLER", "SAN FRANCISCO CA", "TOLL FREE",
                                   "UNAVAILABLE"])
def test_cnam_labels_never_become_names(twilio, app, label):
    call_sid = sid("CA")
    twilio.post("/twilio/voice", call_params(CALLER, call_sid, CallerName=label))
    _, contact_id = _call(app, call_sid)
    assert _contact(app, contact_id)["name"] is None


def test_a_caller_with_a_strong_name_goes_straight_on_and_keeps_name_and_tags(twilio, app):
    with app.extensions["contacts_runtime"].sessions() as session:
        directory.create_contact(session, {"name": "Dana Whitfield", "phones": [CALLER],
                                           "tags": ["VIP"]}, "US")
    call_sid = sid("CA")
    ring = twiml(twilio.post("/twilio/voice", call_params(CALLER, call_sid,
                                                          CallerName="SMITH JOHN")))
    assert verbs(ring) == ["Say", "Say", "Record", "Say", "Hangup"]
    assert ring[0].text == "Thanks for calling, Dana Whitfield."
    _, contact_id = _call(app, call_sid)
    contact = _contact(app, contact_id)
    assert (contact["name"], contact["name_source"], contact["tags"]) == (
        "Dana Whitfield", "manual", ["VIP"])


@pytest.mark.parametrize("caller", ["anonymous", "Restricted", "+266696687", "", None])
def test_anonymous_callers_make_no_contact_and_the_flow_still_works(twilio, app, caller):
    call_sid = sid("CA")
    params = call_params(caller or "", call_sid)
    if caller is None:
        del params["From"], params["Caller"]
    ring = twiml(twilio.post("/twilio/voice", params))
    assert verbs(ring) == ["Say", "Say", "Record", "Say", "Hangup"]
    assert (_count(app, Contact), _count(app, Identity)) == (0, 0)
    message, contact_id = _call(app, call_sid)
    assert contact_id is None
    assert message.details["caller"] == "anonymous"
    done = twilio.post("/twilio/voice/status", {"CallSid": call_sid, "CallStatus": "completed",
                                                "CallDuration": "9"})
    assert done.status_code == 200
    assert _call(app, call_sid)[0].details["duration"] == 9


def test_no_asks_once_more_and_a_second_no_moves_on_without_a_name(twilio, app):
    call_sid = sid("CA")
    twilio.post("/twilio/voice", call_params(CALLER, call_sid))
    first = _gather(twiml(twilio.post("/twilio/voice/name?attempt=1", {
        "CallSid": call_sid, "SpeechResult": "this is Dan Whitfield", "Confidence": "0.5"})))
    again = twiml(twilio.post(first.get("action"), {"CallSid": call_sid, "SpeechResult": "No."}))
    assert _gather(again).get("action").endswith("/twilio/voice/name?attempt=2")
    second = _gather(twiml(twilio.post(_gather(again).get("action"), {
        "CallSid": call_sid, "SpeechResult": "Dana Whitfield", "Confidence": "0.8"})))
    assert "attempt=2" in second.get("action")
    moved_on = twiml(twilio.post(second.get("action"), {"CallSid": call_sid, "Digits": "2"}))
    assert verbs(moved_on) == ["Say", "Say", "Record", "Say", "Hangup"]
    assert moved_on[0].text == "No problem."
    _, contact_id = _call(app, call_sid)
    assert _contact(app, contact_id)["name"] is None


def test_pressing_1_confirms_the_name(twilio, app):
    call_sid = sid("CA")
    twilio.post("/twilio/voice", call_params(CALLER, call_sid))
    confirm = _gather(twiml(twilio.post("/twilio/voice/name?attempt=1", {
        "CallSid": call_sid, "SpeechResult": "my name is Dana Whitfield"})))
    twilio.post(confirm.get("action"), {"CallSid": call_sid, "Digits": "1"})
    _, contact_id = _call(app, call_sid)
    assert _contact(app, contact_id)["name_source"] == "ai_capture"


def test_a_confirmed_name_does_not_replace_a_stronger_one(twilio, app):
    with app.extensions["contacts_runtime"].sessions() as session:
        directory.create_contact(session, {"name": "Dana Whitfield", "phones": [CALLER]}, "US")
    call_sid = sid("CA")
    twilio.post("/twilio/voice", call_params(CALLER, call_sid))
    # A stale or replayed confirm URL still goes through the write path's precedence.
    url = "/twilio/voice/confirm?attempt=1&name=Someone+Else"
    twilio.post(url, {"CallSid": call_sid, "SpeechResult": "yes"})
    _, contact_id = _call(app, call_sid)
    assert _contact(app, contact_id)["name"] == "Dana Whitfield"


def test_silence_and_unheard_names_move_on_politely(twilio, app):
    call_sid = sid("CA")
    twilio.post("/twilio/voice", call_params(CALLER, call_sid))
    silent = twiml(twilio.post("/twilio/voice/next", {"CallSid": call_sid}))
    assert verbs(silent) == ["Say", "Say", "Record", "Say", "Hangup"]
    retry = twiml(twilio.post("/twilio/voice/name?attempt=1", {"CallSid": call_sid,
                                                               "SpeechResult": "uh"}))
    assert _gather(retry).get("action").endswith("attempt=2")
    gave_up = twiml(twilio.post("/twilio/voice/name?attempt=2", {"CallSid": call_sid,
                                                                 "SpeechResult": "what"}))
    assert verbs(gave_up) == ["Say", "Say", "Record", "Say", "Hangup"]
    assert "didn't catch" in gave_up[0].text
    unclear = twiml(twilio.post("/twilio/voice/confirm?attempt=1&name=Dana", {
        "CallSid": call_sid, "SpeechResult": "maybe later"}))
    assert verbs(unclear)[-3:] == ["Record", "Say", "Hangup"]


@pytest.fixture
def dial_app(database_url):
    application = create_app(make_config(database_url, voice_next_step="dial:+1 (415) 555-0142"))
    _empty_tables(application)
    yield application
    application.extensions["contacts_runtime"].engine.dispose()


def test_dial_next_step_connects_the_caller_and_records_the_outcome(dial_app):
    twilio = TwilioClient(dial_app.test_client())
    call_sid = sid("CA")
    with dial_app.extensions["contacts_runtime"].sessions() as session:
        directory.create_contact(session, {"name": "Dana Whitfield", "phones": [CALLER]}, "US")
    ring = twiml(twilio.post("/twilio/voice", call_params(CALLER, call_sid)))
    assert verbs(ring) == ["Say", "Dial"]
    dial = ring.find("Dial")
    assert dial.text == "+14155550142"
    assert dial.get("action") == "https://contacts.example.test/twilio/voice/dialled"
    after = twiml(twilio.post(dial.get("action"), {"CallSid": call_sid,
                                                   "DialCallStatus": "completed",
                                                   "DialCallDuration": "31"}))
    assert verbs(after) == ["Hangup"]
    message, _ = _call(dial_app, call_sid)
    assert (message.details["dial_status"], message.details["dial_duration"]) == ("completed", 31)


@pytest.mark.parametrize("setting", ["voice mail", "dial:", "dial:12", "forward:+14155550142"])
def test_a_malformed_next_step_stops_start_up_naming_the_setting(tmp_path, setting):
    with pytest.raises(ConfigError, match="VOICE_NEXT_STEP"):
        create_app(make_config(f"sqlite:///{tmp_path / 'c.db'}", voice_next_step=setting))


def test_a_retried_incoming_call_webhook_records_one_call(twilio, app):
    params = call_params(CALLER, sid("CA"))
    first = twiml(twilio.post("/twilio/voice", params))
    second = twiml(twilio.post("/twilio/voice", params))
    assert verbs(first) == verbs(second) == ["Gather", "Redirect"]
    assert (_count(app, Message), _count(app, Contact)) == (1, 1)


def test_callbacks_for_an_unknown_call_are_acknowledged_and_write_nothing(twilio, app):
    response = twilio.post("/twilio/voice/status", {"CallSid": sid("CA"),
                                                    "CallStatus": "completed"})
    assert response.status_code == 200 and verbs(twiml(response)) == []
    step = twiml(twilio.post("/twilio/voice/name?attempt=1", {"CallSid": sid("CA"),
                                                              "SpeechResult": "Dana"}))
    assert verbs(step)[-1] == "Hangup"
    assert (_count(app, Message), _count(app, Contact)) == (0, 0)


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/twilio/voice", {"From": CALLER}, "CallSid"),
    ("/twilio/voice/status", {"CallSid": "CA1", "CallStatus": "completed"}, "CallSid"),
    ("/twilio/voice/status", {"CallSid": "CA" + "a" * 32, "CallDuration": "-3"}, "CallDuration"),
    ("/twilio/voice/name?attempt=7", {"CallSid": "CA" + "a" * 32}, "attempt"),
    ("/twilio/voice/name?attempt=1", {"CallSid": "CA" + "a" * 32, "Confidence": "high"},
     "Confidence"),
    ("/twilio/voice/confirm?attempt=1", {"CallSid": "CA" + "a" * 32, "Digits": "1"}, "name"),
])
def test_malformed_voice_requests_are_400_naming_the_field(twilio, app, path, params, field):
    response = twilio.post(path, params)
    assert response.status_code == 400
    assert field in response.json["error"]
    assert _count(app, Message) == 0


def test_unsigned_or_badly_signed_voice_requests_are_403_and_write_nothing(twilio, app):
    params = call_params(CALLER, sid("CA"))
    assert twilio.post("/twilio/voice", params, signature="").status_code == 403
    assert twilio.post("/twilio/voice", params, signature="AAAA").status_code == 403
    tampered = twilio.post("/twilio/voice/confirm?attempt=1&name=Mallory", {
        "CallSid": params["CallSid"], "Digits": "1"},
        signed_url="https://contacts.example.test/twilio/voice/confirm?attempt=1&name=Dana")
    assert tampered.status_code == 403
    assert (_count(app, Message), _count(app, Contact)) == (0, 0)


@pytest.mark.parametrize("path", ["/twilio/voice", "/twilio/voice/name?attempt=1",
                                  "/twilio/voice/status"])
def test_without_an_auth_token_voice_endpoints_are_off_and_name_the_setting(tmp_path, path):
    application = create_app(make_config(f"sqlite:///{tmp_path / 'c.db'}",
                                         twilio_auth_token=None))
    response = TwilioClient(application.test_client()).post(path, call_params(CALLER, sid("CA")))
    assert response.status_code == 503
    assert "TWILIO_AUTH_TOKEN" in response.json["error"]
