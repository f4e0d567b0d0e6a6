"""The one write path, on SQLite and PostgreSQL: identity, precedence, no data loss, events."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.contacts import upsert_contact, upsert_contacts
from bot.records import ContactInput
from storage.models import Contact, ContactEvent, Identity, Tag


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_new_phone_creates_contact_with_e164_identity(db_session):
    result = upsert_contact(db_session, ContactInput(name="Jane Doe", phones=[("(415) 555-0134", "mobile")]),
                            "api", "US")
    assert result.outcome == "created"
    identity = db_session.scalars(select(Identity)).one()
    assert (identity.kind, identity.value, identity.label) == ("phone", "+14155550134", "mobile")


def test_same_phone_in_another_format_updates_the_same_contact(db_session):
    first = upsert_contact(db_session, ContactInput(name="Jane Doe", phones=[("415-555-0134", None)]),
                           "api", "US")
    second = upsert_contact(db_session, ContactInput(phones=[("+1 (415) 555 0134", None)],
                                                     emails=["jane@example.com"]), "api", "US")
    assert second.outcome == "updated"
    assert second.contact_id == first.contact_id
    assert second.changes == {"identities": {"added": ["email:jane@example.com"]}}
    assert _count(db_session, Contact) == 1


def test_blank_values_never_overwrite(db_session):
    upsert_contact(db_session, ContactInput(name="Jane Doe", company="Acme",
                                            emails=["jane@example.com"]), "import", "US")
    result = upsert_contact(db_session, ContactInput(name="  ", company="", emails=["JANE@example.com"]),
                            "import", "US")
    assert result.outcome == "unchanged"
    contact = db_session.scalars(select(Contact)).one()
    assert (contact.name, contact.company) == ("Jane Doe", "Acme")


def test_weaker_name_source_never_overwrites_a_stronger_one(db_session):
    phone = [("+442079460958", None)]
    upsert_contact(db_session, ContactInput(name="WIRELESS", name_source="caller_id", phones=phone),
                   "voice", "US")
    upsert_contact(db_session, ContactInput(name="Maria Lopez", name_source="ai_capture", phones=phone),
                   "voice", "US")
    upsert_contact(db_session, ContactInput(name="Maria Lopes", name_source="manual", phones=phone),
                   "api", "US")
    later = upsert_contact(db_session, ContactInput(name="Mario", name_source="ai_capture",
                                                    phones=phone), "voice", "US")
    contact = db_session.scalars(select(Contact)).one()
    assert later.outcome == "unchanged"
    assert (contact.name, contact.name_source) == ("Maria Lopes", "manual")


def test_identities_of_two_contacts_are_never_merged_the_stronger_one_decides(db_session):
    upsert_contact(db_session, ContactInput(name="A", phones=[("+14155550134", None)]), "api", "US")
    upsert_contact(db_session, ContactInput(name="B", emails=["b@example.com"]), "api", "US")
    row = ContactInput(name="B", phones=[("+14155550134", None)], emails=["b@example.com"],
                       tags=["Expo"])
    result = upsert_contacts(db_session, [row], "import", "US")[0]
    assert result.outcome == "updated"
    assert "belongs to contact" in result.reason and "(A)" in result.reason
    assert _count(db_session, Contact) == 2
    owner = db_session.scalars(select(Identity).where(Identity.kind == "phone")).one()
    assert owner.contact.name == "A"


def test_strict_write_with_identities_of_two_contacts_is_rejected(db_session):
    upsert_contact(db_session, ContactInput(name="A", phones=[("+14155550134", None)]), "api", "US")
    upsert_contact(db_session, ContactInput(name="B", emails=["b@example.com"]), "api", "US")
    result = upsert_contacts(db_session, [ContactInput(name="C", phones=[("+14155550134", None)],
                                                       emails=["b@example.com"])], "api", "US",
                             strict=True)[0]
    assert result.outcome == "rejected"
    assert {c["contact_name"] for c in result.conflicts} == {"A", "B"}
    assert _count(db_session, Identity) == 2


def test_two_emails_of_two_contacts_in_one_record_is_a_conflict(db_session):
    upsert_contact(db_session, ContactInput(name="A", emails=["a@example.com"]), "api", "US")
    upsert_contact(db_session, ContactInput(name="B", emails=["b@example.com"]), "api", "US")
    result = upsert_contacts(db_session, [ContactInput(name="C", emails=["a@example.com",
                                                                         "b@example.com"])],
                             "import", "US")[0]
    assert result.outcome == "rejected" and len(result.conflicts) == 2


def test_people_sharing_an_office_phone_stay_two_contacts(db_session):
    office = [("+1 212 555 0100", "work")]
    results = upsert_contacts(db_session, [
        ContactInput(name="Ann Lee", emails=["ann@acme.com"], phones=office, ref=2),
        ContactInput(name="Bob Roe", emails=["bob@acme.com"], phones=office, ref=3),
    ], "import", "US")
    assert [r.outcome for r in results] == ["created", "created"]
    assert "line 2" in results[1].reason
    later = upsert_contacts(db_session, [ContactInput(name="Cy Doe", emails=["cy@acme.com"],
                                                      phones=office)], "import", "US")[0]
    assert later.outcome == "created" and "belongs to contact" in later.reason
    assert _count(db_session, Contact) == 3 and _count(db_session, Identity) == 4


def test_phone_only_contact_is_completed_by_a_row_with_its_phone_and_an_email(db_session):
    texted = upsert_contact(db_session, ContactInput(phones=[("+14155550134", None)],
                                                     name_source="placeholder"), "sms", "US")
    row = ContactInput(name="Dana Whitfield", phones=[("(415) 555-0134", None)],
                       emails=["dana@example.com"], name_source="import")
    result = upsert_contacts(db_session, [row], "import", "US")[0]
    assert result.outcome == "updated" and result.contact_id == texted.contact_id
    assert _count(db_session, Contact) == 1


def test_batch_duplicates_collapse_into_one_contact_and_reimport_is_unchanged(db_session):
    batch = [
        ContactInput(name="Jane Doe", emails=["jane@example.com"], tags=["VIP"], ref=2),
        ContactInput(name="Jane D.", emails=["Jane@Example.com"], phones=[("415 555 0134", None)],
                     tags=["vip", "Lead"], ref=3),
    ]
    first = upsert_contacts(db_session, batch, "import", "US")
    assert [r.outcome for r in first] == ["created", "updated"]
    assert first[0].contact_id == first[1].contact_id
    contact = db_session.scalars(select(Contact)).one()
    assert contact.name == "Jane Doe"
    assert sorted(t.name for t in db_session.scalars(select(Tag))) == ["Lead", "VIP"]
    again = upsert_contacts(db_session, batch, "import", "US")
    assert [r.outcome for r in again] == ["unchanged", "unchanged"]


def test_invalid_secondary_value_is_dropped_with_a_warning_in_lenient_mode(db_session):
    result = upsert_contacts(db_session, [ContactInput(name="Jane", emails=["jane@example.com"],
                                                       phones=[("555-CALL-NOW", None)])], "import", "US")[0]
    assert result.outcome == "created"
    assert "contains letters" in result.reason
    assert _count(db_session, Identity) == 1


def test_record_with_only_invalid_identifier_is_rejected_and_nothing_written(db_session):
    result = upsert_contacts(db_session, [ContactInput(name="Jane", phones=[("4.47911E+11", None)])],
                             "import", "GB")[0]
    assert result.outcome == "rejected"
    assert "scientific notation" in result.reason
    assert _count(db_session, Contact) == 0


def test_each_change_emits_one_event_with_changed_fields(db_session):
    created = upsert_contact(db_session, ContactInput(name="Jane", emails=["jane@example.com"]),
                             "api", "US")
    upsert_contact(db_session, ContactInput(emails=["jane@example.com"], tags=["VIP"]), "api", "US")
    upsert_contact(db_session, ContactInput(emails=["jane@example.com"], tags=["vip"]), "api", "US")
    events = db_session.scalars(select(ContactEvent).order_by(ContactEvent.id)).all()
    assert [(e.contact_id, e.kind) for e in events] == [(created.contact_id, "created"),
                                                         (created.contact_id, "updated")]
    assert events[1].changes == {"tags": {"added": ["VIP"]}}


def test_tags_are_unique_case_insensitively_and_merge(db_session):
    upsert_contact(db_session, ContactInput(name="A", emails=["a@example.com"], tags=["VIP"]), "api", "US")
    upsert_contact(db_session, ContactInput(name="B", emails=["b@example.com"], tags=["vip", "New"]),
                   "api", "US")
    assert sorted(t.name for t in db_session.scalars(select(Tag))) == ["New", "VIP"]


def test_row_matched_only_by_a_shared_phone_does_not_rename_the_contact(db_session):
    office = [("+1 212 555 0100", "work")]
    first = [ContactInput(name="Ann Lee", emails=["ann@acme.com"], phones=office, ref=2)]
    second = [ContactInput(name="Reception", phones=office, ref=9)]
    upsert_contacts(db_session, first, "import", "US")
    result = upsert_contacts(db_session, second, "import", "US")[0]
    assert result.outcome == "unchanged" and "that name is kept" in result.reason
    again = upsert_contacts(db_session, first, "import", "US") + upsert_contacts(
        db_session, second, "import", "US")
    assert [r.outcome for r in again] == ["unchanged", "unchanged"]
    assert db_session.scalars(select(Contact)).one().name == "Ann Lee"
