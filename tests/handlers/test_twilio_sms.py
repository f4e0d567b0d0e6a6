"""POST /twilio/sms with signed, Twilio-shaped bodies on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot import directory
from bot.app import create_app
from storage.models import Contact, ContactEvent, Conversation, Identity, Message
from tests.conftest import _empty_tables, auth, make_config
from tests.handlers.twilio_helpers import (
    TwilioClient,
    sid,
    sign,
    sms_params,
    twiml,
    verbs,
)

DANA = "+14155550123"
ROW_MODELS = (Contact, Identity, Conversation, Message, ContactEvent)


@pytest.fixture
def twilio(app):
    return TwilioClient(app.test_client())


def _counts(app) -> dict[str, int]:
    with app.extensions["contacts_runtime"].sessions() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                for m in ROW_MODELS}


def _contact_by_phone(client, phone: str) -> dict:
    found = client.get("/api/contacts", query_string={"phone": phone}, headers=auth())
    assert found.json["total"] == 1, found.json
    contact_id = found.json["contacts"][0]["id"]
    return client.get(f"/api/contacts/{contact_id}", headers=auth()).json["contact"]


def _messages(app, provider_id: str | None = None) -> list[Message]:
    with app.extensions["contacts_runtime"].sessions() as session:
        query = select(Message).order_by(Message.id)
        if provider_id:
            query = query.where(Message.provider_message_id == provider_id)
        return list(session.scalars(query))


def test_sms_from_unknown_number_creates_tagged_contact_with_the_message(twilio, app):
    message_sid = sid("SM")
    response = twilio.post("/twilio/sms", sms_params(DANA, "Do you open on Sundays?", message_sid))
    assert response.status_code == 200
    assert verbs(twiml(response)) == []
    contact = _contact_by_phone(twilio.client, DANA)
    assert contact["tags"] == ["SMS"]
    assert contact["created_source"] == "sms"
    assert [i["kind"] for i in contact["identities"]] == ["phone"]
    [conversation] = contact["conversations"]
    assert conversation["channel"] == "sms" and conversation["status"] == "open"
    [message] = conversation["messages"]
    assert (message["body"], message["direction"], message["kind"]) == (
        "Do you open on Sundays?", "in", "text")
    assert message["details"]["from"] == DANA


def test_duplicate_delivery_of_one_message_sid_records_one_message(twilio, app):
    params = sms_params(DANA, "Running late", sid("SM"))
    for _ in range(3):
        assert twilio.post("/twilio/sms", params).status_code == 200
    counts = _counts(app)
    assert (counts["contacts"], counts["messages"], counts["conversations"]) == (1, 1, 1)
    assert counts["contact_events"] == 1


def test_returning_sender_keeps_its_tags_and_its_one_open_conversation(twilio, app):
    with app.extensions["contacts_runtime"].sessions() as session:
        directory.create_contact(session, {"name": "Dana Whitfield", "phones": [DANA],
                                           "tags": ["VIP"]}, "US")
    for text in ("first", "second"):
        assert twilio.post("/twilio/sms", sms_params(DANA, text)).status_code == 200
    contact = _contact_by_phone(twilio.client, DANA)
    assert contact["tags"] == ["VIP"]  # the channel tag is only for contacts SMS creates
    assert contact["name"] == "Dana Whitfield"
    [conversation] = contact["conversations"]
    assert [m["body"] for m in conversation["messages"]] == ["first", "second"]


def test_whatsapp_sender_becomes_a_whatsapp_identity_tagged_whatsapp(twilio, app):
    response = twilio.post("/twilio/sms", sms_params("whatsapp:+14155550123", "hola",
                                                     To="whatsapp:+14155550100"))
    assert response.status_code == 200
    with app.extensions["contacts_runtime"].sessions() as session:
        identities = session.execute(select(Identity.kind, Identity.value)).all()
        channel = session.scalar(select(Conversation.channel))
    assert identities == [("whatsapp", "+14155550123")]
    assert channel == "whatsapp"
    found = twilio.client.get("/api/contacts", query_string={"tag": "WhatsApp"}, headers=auth())
    assert found.json["total"] == 1


@pytest.mark.parametrize("sender", ["ACMEBANK", "72345", "Twilio-OTP"])
def test_sender_ids_and_short_codes_are_kept_without_making_a_contact(twilio, app, sender):
    response = twilio.post("/twilio/sms", sms_params(sender, "Your code is 123456"))
    assert response.status_code == 200
    assert verbs(twiml(response)) == []
    counts = _counts(app)
    assert (counts["contacts"], counts["identities"], counts["messages"]) == (0, 0, 1)
    [message] = _messages(app)
    assert message.details["sender_kind"] == "sender_id"
    assert message.details["from"] == sender
    with app.extensions["contacts_runtime"].sessions() as session:
        assert session.scalar(select(Conversation.contact_id)) is None


def test_media_urls_and_types_are_kept_in_the_message_details(twilio, app):
    params = sms_params(DANA, "", NumMedia="2",
                        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
                        MediaContentType0="image/jpeg",
                        MediaUrl1="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2",
                        MediaContentType1="application/pdf")
    assert twilio.post("/twilio/sms", params).status_code == 200
    [message] = _messages(app)
    assert message.body is None
    assert [(m["url"][-3:], m["content_type"]) for m in message.details["media"]] == [
        ("ME1", "image/jpeg"), ("ME2", "application/pdf")]


def test_self_introduction_names_a_contact_with_ai_capture(twilio, app):
    assert twilio.post("/twilio/sms", sms_params(DANA, "hi it's Dana Whitfield, is my "
                                                       "order ready?")).status_code == 200
    contact = _contact_by_phone(twilio.client, DANA)
    assert (contact["name"], contact["name_source"]) == ("Dana Whitfield", "ai_capture")


def test_self_introduction_never_replaces_a_name_staff_typed(twilio, app):
    with app.extensions["contacts_runtime"].sessions() as session:
        directory.create_contact(session, {"name": "Dana W. Whitfield", "phones": [DANA]}, "US")
    twilio.post("/twilio/sms", sms_params(DANA, "Hi, this is Dana Whitfield"))
    contact = _contact_by_phone(twilio.client, DANA)
    assert (contact["name"], contact["name_source"]) == ("Dana W. Whitfield", "manual")


def test_text_without_an_introduction_leaves_the_contact_unnamed(twilio, app):
    twilio.post("/twilio/sms", sms_params(DANA, "Thanks, Dana"))
    twilio.post("/twilio/sms", sms_params(DANA, "Is this the bakery?"))
    assert _contact_by_phone(twilio.client, DANA)["name"] is None


@pytest.fixture
def reply_app(database_url):
    application = create_app(make_config(database_url, first_contact_reply="Thanks! We'll text "
                                         "you back shortly."))
    _empty_tables(application)
    yield application
    application.extensions["contacts_runtime"].engine.dispose()


def test_first_contact_reply_is_sent_once_for_a_new_contact(reply_app):
    twilio = TwilioClient(reply_app.test_client())
    params = sms_params(DANA, "hello")
    first = twiml(twilio.post("/twilio/sms", params))
    assert verbs(first) == ["Message"]
    assert first.find("Message").text == "Thanks! We'll text you back shortly."
    assert verbs(twiml(twilio.post("/twilio/sms", params))) == []  # retried delivery
    assert verbs(twiml(twilio.post("/twilio/sms", sms_params(DANA, "again")))) == []


def test_signature_over_public_url_is_accepted_while_the_app_sees_an_internal_url(twilio, app):
    # Behind a tunnel: Twilio requests (and signs) https://contacts.example.test/twilio/sms,
    # the app is reached on http://10.0.0.7:8000.
    params = sms_params(DANA, "via the proxy")
    response = twilio.post("/twilio/sms", params, base_url="http://10.0.0.7:8000")
    assert response.status_code == 200
    internal = sign("http://10.0.0.7:8000/twilio/sms", params)
    refused = twilio.post("/twilio/sms", sms_params(DANA, "signed for the wrong URL"),
                          signature=internal, base_url="http://10.0.0.7:8000")
    assert refused.status_code == 403
    assert _counts(app)["messages"] == 1


def test_without_a_public_base_url_the_request_url_is_signed(tmp_path):
    application = create_app(make_config(f"sqlite:///{tmp_path / 'c.db'}", public_base_url=None))
    twilio = TwilioClient(application.test_client(), signed_base="http://10.0.0.7:8000")
    assert twilio.post("/twilio/sms", sms_params(DANA, "hi"),
                       base_url="http://10.0.0.7:8000").status_code == 200
    assert twilio.post("/twilio/sms", sms_params(DANA, "hi"),
                       base_url="http://other.test").status_code == 403


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "tampered"])
def test_missing_or_bad_signature_is_403_and_writes_nothing(twilio, app, signature):
    params = sms_params(DANA, "hello")
    if signature == "tampered":
        signature = sign("https://contacts.example.test/twilio/sms", {**params, "Body": "other"})
    response = twilio.post("/twilio/sms", params, signature=signature)
    assert response.status_code == 403
    assert response.data == b""
    assert set(_counts(app).values()) == {0}


def test_without_an_auth_token_the_endpoint_is_off_and_names_the_setting(tmp_path):
    application = create_app(make_config(f"sqlite:///{tmp_path / 'c.db'}",
                                         twilio_auth_token=None))
    response = TwilioClient(application.test_client()).post("/twilio/sms", sms_params(DANA, "x"))
    assert response.status_code == 503
    assert "TWILIO_AUTH_TOKEN" in response.json["error"]


def test_repeated_form_keys_are_signed_over_every_value(twilio, app):
    params = [*sms_params(DANA, "hello").items(), ("AddOns", "a"), ("AddOns", "b")]
    assert twilio.post("/twilio/sms", params).status_code == 200
    assert _counts(app)["messages"] == 1


def test_a_field_repeated_with_different_values_is_400_naming_it(twilio, app):
    params = [*sms_params(DANA, "hello").items(), ("From", "+14155550199")]
    response = twilio.post("/twilio/sms", params)
    assert response.status_code == 400
    assert "From" in response.json["error"]
    assert set(_counts(app).values()) == {0}


@pytest.mark.parametrize(("change", "field"), [
    ({"MessageSid": ""}, "MessageSid"),
    ({"MessageSid": "not-a-sid"}, "MessageSid"),
    ({"From": ""}, "From"),
    ({"NumMedia": "two"}, "NumMedia"),
    ({"NumMedia": "1"}, "MediaUrl0"),
    ({"NumMedia": "1", "MediaUrl0": "javascript:alert(1)"}, "MediaUrl0"),
    ({"Body": "x" * 5000}, "Body"),
])
def test_malformed_bodies_are_400_naming_the_field_and_write_nothing(twilio, app, change, field):
    params = {**sms_params(DANA, "hello"), **change}
    response = twilio.post("/twilio/sms", params)
    assert response.status_code == 400
    assert field in response.json["error"]
    assert set(_counts(app).values()) == {0}


def test_wrong_content_type_is_415_and_oversize_body_is_413(twilio, app):
    as_json = twilio.client.post("/twilio/sms", json=sms_params(DANA, "hello"),
                                 headers={"X-Twilio-Signature": "x"})
    assert as_json.status_code == 415
    huge = twilio.post("/twilio/sms", sms_params(DANA, "x" * 70_000))
    assert huge.status_code == 413
    assert "bytes" in huge.json["error"]
    assert set(_counts(app).values()) == {0}


@pytest.mark.integration
def test_fifty_concurrent_first_messages_from_one_new_number_make_one_contact(postgres_url):
    application = create_app(make_config(postgres_url))
    _empty_tables(application)
    writers = 50
    barrier = threading.Barrier(writers)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(n: int) -> None:
        client = TwilioClient(application.test_client())
        try:
            barrier.wait(timeout=30)
            statuses.append(client.post("/twilio/sms", sms_params(DANA, f"msg {n}")).status_code)
        except BaseException as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert statuses == [200] * writers
    counts = _counts(application)
    assert (counts["contacts"], counts["identities"], counts["conversations"]) == (1, 1, 1)
    assert counts["messages"] == writers
    with application.extensions["contacts_runtime"].sessions() as session:
        assert session.scalar(select(func.count()).select_from(ContactEvent)
                              .where(ContactEvent.kind == "created")) == 1
    application.extensions["contacts_runtime"].engine.dispose()


def test_a_signature_over_the_url_with_its_default_port_is_accepted(twilio, app):
    response = twilio.post("/twilio/sms", sms_params(DANA, "hi"),
                           signed_url="https://contacts.example.test:443/twilio/sms")
    assert response.status_code == 200


@pytest.mark.parametrize(("algorithm", "status"), [("HMAC_SHA256", 200), ("HMAC_MD5", 403)])
def test_the_signature_settings_header_names_the_algorithm(twilio, app, algorithm, status):
    params = sms_params(DANA, "hi")
    signature = RequestValidator("twilio-test-token").compute_signature(
        "https://contacts.example.test/twilio/sms", params,
        "HMAC_SHA256" if algorithm == "HMAC_MD5" else algorithm)
    response = twilio.post("/twilio/sms", params, signature=signature, headers={
        "X-Twilio-Webhooks-Signature-Settings": f"key=webhooks_sharedkey_1,algorithm={algorithm}"})
    assert response.status_code == status
    assert _counts(app)["messages"] == (1 if status == 200 else 0)
