"""Messenger/Instagram use cases: webhook parsing, recording, and the profile name's precedence."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.contacts import upsert_contact
from bot.records import ContactInput
from storage.models import Contact


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
