"""Messenger/Instagram use cases: webhook parsing, recording, and the profile name's precedence."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.contacts import upsert_contact
from bot.errors import ValidationError
from bot.records import ContactInput
from bot.social import parse_webhook, provider_message_id
from storage.models import Contact
from tests.handlers.meta_helpers import (
    PAGE_ID,
    delivery,
    delivery_receipt,
    echo_event,
    message_event,
    read_receipt,
)


@pytest.mark.parametrize("weaker", ["placeholder", "caller_id", "ai_capture"])
def test_profile_name_replaces_a_weaker_name(db_session, weaker):
    upsert_contact(db_session, ContactInput(name="WIRELESS CALLER", name_source=weaker,
                                            facebook="7104550011"), "facebook", "US")
    upsert_contact(db_session, ContactInput(name="Dana Whitfield", name_source="profile",
                                            facebook="7104550011"), "facebook", "US")
    contact = db_session.scalars(select(Contact)).one()
    assert (contact.name, contact.name_source) == ("Dana Whitfield", "profile")


@pytest.mark.parametrize("stronger", ["manual", "import"])
def test_profile_name_never_replaces_a_typed_or_imported_name(db_session, stronger):
    upsert_contact(db_session, ContactInput(name="Dana W. (VIP)", name_source=stronger,
                                            facebook="7104550011"), "api", "US")
    upsert_contact(db_session, ContactInput(name="Dana Whitfield", name_source="profile",
                                            facebook="7104550011"), "facebook", "US")
    contact = db_session.scalars(select(Contact)).one()
    assert (contact.name, contact.name_source) == ("Dana W. (VIP)", stronger)


def test_ai_capture_never_replaces_a_profile_name(db_session):
    upsert_contact(db_session, ContactInput(name="Dana Whitfield", name_source="profile",
                                            instagram="17841400000000001"), "instagram", "US")
    upsert_contact(db_session, ContactInput(name="Dan", name_source="ai_capture",
                                            instagram="17841400000000001"), "instagram", "US")
    contact = db_session.scalars(select(Contact)).one()
    assert (contact.name, contact.name_source) == ("Dana Whitfield", "profile")


def test_webhook_parse_keeps_people_messages_and_counts_the_rest():
    payload = delivery("page", [message_event("6912345678901234", "m_1", "Hi"),
                                echo_event("6912345678901234", "m_2"),
                                delivery_receipt("6912345678901234", ["m_2"]),
                                read_receipt("6912345678901234")])
    channel, messages, ignored = parse_webhook(payload)
    assert (channel, ignored) == ("facebook", 3)
    (message,) = messages
    assert (message.sender_id, message.mid, message.text) == ("6912345678901234", "m_1", "Hi")
    assert message.details["recipient_id"] == PAGE_ID


def test_webhook_parse_ignores_an_object_it_does_not_handle():
    assert parse_webhook({"object": "permissions", "entry": "anything"}) == (None, [], 0)


def test_webhook_parse_names_the_path_of_a_missing_sender():
    with pytest.raises(ValidationError) as caught:
        parse_webhook({"object": "instagram", "entry": [{"id": "1", "messaging": [
            {"sender": {}, "message": {"mid": "x"}}]}]})
    assert list(caught.value.errors) == ["entry[0].messaging[0].sender.id"]


def test_long_mids_are_stored_by_a_stable_digest_within_the_column():
    assert provider_message_id("m_short") == "m_short"
    long_mid = "a" * 180
    assert provider_message_id(long_mid) == provider_message_id(long_mid)
    assert len(provider_message_id(long_mid)) <= 100
    assert provider_message_id(long_mid) != provider_message_id("b" * 180)
