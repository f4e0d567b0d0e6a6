"""Telephony use cases as plain functions: senders, SMS recording, the IVR's decisions."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from bot import calls, telephony
from bot.errors import ConfigError
from bot.telephony import InboundSms, Sender, classify_sender, inbound_sms, introduced_name
from nlp import name_capture
from storage.models import Message


@pytest.fixture(autouse=True)
def rules_only():
    """Unit tests: name capture on its rules, without loading the spaCy model."""
    previous = name_capture.model_status()["model"]
    name_capture.configure(None)
    yield
    name_capture.configure(previous)


def _config(app, **overrides):
    return replace(app.extensions["contacts_runtime"].config, **overrides)


@pytest.mark.parametrize(("raw", "expected"), [
    ("+14155550123", Sender("phone", "+14155550123", "+14155550123")),
    (" +1 415 555 0123 ", Sender("phone", "+14155550123", "+1 415 555 0123")),
    ("whatsapp:+14155550123", Sender("whatsapp", "+14155550123", "whatsapp:+14155550123")),
    ("WhatsApp:+1 415 555 0123", Sender("whatsapp", "+14155550123", "WhatsApp:+1 415 555 0123")),
    ("ACMEBANK", Sender("sender_id", None, "ACMEBANK")),
    ("72345", Sender("sender_id", None, "72345")),
    ("4155550123", Sender("sender_id", None, "4155550123")),  # not E.164: a long short code
    ("whatsapp:ACME", Sender("sender_id", None, "whatsapp:ACME")),
    ("+266696687", Sender("anonymous", None, "+266696687")),
    ("", Sender("anonymous", None, "")),
    (None, Sender("anonymous", None, "")),
])
def test_sms_senders_are_phones_whatsapp_accounts_or_never_contacts(raw, expected):
    assert classify_sender(raw, "US") == expected


@pytest.mark.parametrize("raw", ["anonymous", "Restricted", "+266696687", "+7378742833",
                                 "+2562533", "+8656696", "", "UNKNOWN", "12345"])
def test_every_withheld_caller_id_is_anonymous_on_voice(raw):
    sender = classify_sender(raw, "US", voice=True)
    assert (sender.kind, sender.value) == ("anonymous", None)
    assert telephony.sender_input(sender, "Phone call") is None


def test_sender_input_tags_the_channel_only_for_creation():
    data = telephony.sender_input(Sender("whatsapp", "+14155550123", "whatsapp:+14155550123"),
                                  "WhatsApp", "Dana Whitfield")
    assert (data.whatsapp, data.phones, data.create_tags, data.tags) == (
        "+14155550123", [], ["WhatsApp"], [])
    assert (data.name, data.name_source) == ("Dana Whitfield", "ai_capture")


@pytest.mark.parametrize(("text", "name"), [
    ("hi it's Dana Whitfield", "Dana Whitfield"),
    ("Hello, my name is Pat O'Brien and I need a quote", "Pat O'Brien"),
    ("This is Marcus here, running late", "Marcus"),
    ("I’m Ana Garcia", "Ana Garcia"),
    ("Is this the bakery?", None),
    ("Thanks, Dana", None),
    ("it's urgent, call me back", None),
    ("", None),
])
def test_only_a_self_introduction_names_an_sms_sender(text, name):
    assert introduced_name(text) == name


def test_inbound_sms_reports_first_contact_then_duplicate(app, db_session):
    config = _config(app, first_contact_reply="Welcome!")
    sms = InboundSms(message_sid="SM" + "1" * 32, sender="+14155550123", body="hi")
    first = inbound_sms(db_session, sms, config)
    assert (first.outcome, first.reply, first.duplicate, first.sender_kind) == (
        "created", "Welcome!", False, "phone")
    again = inbound_sms(db_session, sms, config)
    assert (again.duplicate, again.reply, again.contact_id) == (True, None, None)
    later = inbound_sms(db_session, InboundSms("SM" + "2" * 32, "+14155550123", body="x"), config)
    assert (later.outcome, later.reply, later.contact_id) == ("unchanged", None, first.contact_id)


@pytest.mark.parametrize(("speech", "digits", "answer"), [
    ("Yes.", "", True), ("yeah that's right", "", True), ("Correct!", "", True),
    ("No.", "", False), ("nope", "", False), ("", "1", True), ("", "2", False),
    ("yes", "2", False), ("maybe", "", None), ("", "", None), ("", "9", None),
    ("yesterday", "", None), ("know", "", None),
])
def test_yes_or_no_reads_speech_and_keys(speech, digits, answer):
    assert calls.yes_or_no(speech, digits) is answer


@pytest.mark.parametrize(("setting", "expected"), [
    ("voicemail", calls.NextStep("voicemail")),
    ("Voicemail ", calls.NextStep("voicemail")),
    ("dial:+14155550142", calls.NextStep("dial", "+14155550142")),
    ("dial:(415) 555-0142", calls.NextStep("dial", "+14155550142")),
])
def test_next_step_setting_is_parsed(setting, expected):
    assert calls.next_step(setting) == expected


@pytest.mark.parametrize("setting", ["", "hangup", "dial:", "dial:ACME", "dial:+1415"])
def test_a_malformed_next_step_is_a_config_error_naming_it(setting):
    with pytest.raises(ConfigError, match="VOICE_NEXT_STEP"):
        calls.next_step(setting)


def test_incoming_call_asks_for_a_name_only_while_the_name_is_weak(app, db_session):
    config = _config(app)
    first = calls.incoming_call(db_session, calls.IncomingCall(
        "CA" + "1" * 32, "+14155550123", caller_name="SMITH JOHN"), config)
    assert first == calls.CallStep("ask_name", attempt=1)
    step = calls.name_heard(db_session, "CA" + "1" * 32, "John Smith Junior", 0.7, 1)
    assert (step.action, step.name) == ("confirm_name", "John Smith Junior")
    done = calls.name_answered(db_session, "CA" + "1" * 32, step.name, "yes", "", 1, config)
    assert done == calls.CallStep("continue", name="John Smith Junior", reason="confirmed")
    second = calls.incoming_call(db_session, calls.IncomingCall("CA" + "2" * 32, "+14155550123"),
                                 config)
    assert second == calls.CallStep("continue", name="John Smith Junior", reason="known")
    stored = db_session.scalar(select(Message).where(
        Message.provider_message_id == "CA" + "1" * 32))
    assert stored.details["name_confirmed"] == "John Smith Junior"


def test_anonymous_call_is_recorded_without_a_contact_and_goes_on(app, db_session):
    step = calls.incoming_call(db_session, calls.IncomingCall("CA" + "3" * 32, "anonymous"),
                               _config(app))
    assert step == calls.CallStep("continue", reason="anonymous")
    assert calls.call_progressed(db_session, "CA" + "3" * 32, {"status": "completed",
                                                               "duration": 12, "empty": ""})
    stored = db_session.scalar(select(Message))
    assert (stored.details["duration"], "empty" in stored.details) == (12, False)
    assert calls.call_progressed(db_session, "CA" + "4" * 32, {"status": "completed"}) is False
