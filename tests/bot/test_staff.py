"""Staff roles and once-only Slack deliveries, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot import staff
from bot.errors import ImportFileError, PermissionDeniedError, ValidationError
from bot.pickers import mapping_choices, suggest_tags, target_label
from bot.slack_imports import check_upload_metadata, claim_event, require_importer

ADMINS = ("UADMIN",)


def test_unknown_users_are_agents_and_configured_admins_are_admins(db_session):
    assert staff.role_of(db_session, "USOMEONE", ADMINS) == "agent"
    assert staff.role_of(db_session, "UADMIN", ADMINS) == "admin"


def test_admin_grants_replaces_and_revokes_roles(db_session):
    assert staff.grant_role(db_session, "UADMIN", "UJANE", "Importer", ADMINS) == "importer"
    assert staff.role_of(db_session, "UJANE", ADMINS) == "importer"
    staff.grant_role(db_session, "UADMIN", "UJANE", "admin", ADMINS)
    assert staff.role_of(db_session, "UJANE", ADMINS) == "admin"
    # A granted admin may grant in turn.
    staff.grant_role(db_session, "UJANE", "UBOB", "importer", ADMINS)
    assert staff.revoke_role(db_session, "UJANE", "UBOB", ADMINS) == "importer"
    assert staff.role_of(db_session, "UBOB", ADMINS) == "agent"


def test_only_admins_change_roles_and_configured_admins_stay(db_session):
    staff.grant_role(db_session, "UADMIN", "UIMP", "importer", ADMINS)
    with pytest.raises(PermissionDeniedError, match="your role is importer"):
        staff.grant_role(db_session, "UIMP", "UBOB", "admin", ADMINS)
    with pytest.raises(ValidationError, match="SLACK_ADMINS"):
        staff.revoke_role(db_session, "UADMIN", "UADMIN", ADMINS)
    with pytest.raises(ValidationError, match="'owner' is not a role"):
        staff.grant_role(db_session, "UADMIN", "UBOB", "owner", ADMINS)


def test_importer_role_is_required_to_import(db_session):
    with pytest.raises(PermissionDeniedError, match="yours is agent"):
        require_importer(db_session, "UAGENT", ADMINS)
    staff.grant_role(db_session, "UADMIN", "UIMP", "importer", ADMINS)
    assert require_importer(db_session, "UIMP", ADMINS) == "importer"


def test_an_event_and_each_shared_file_are_claimed_once(db_session):
    assert claim_event(db_session, "Ev1", ["F1", "F2"]) == ["F1", "F2"]
    assert claim_event(db_session, "Ev1", ["F1", "F2"]) is None  # Slack's retry
    assert claim_event(db_session, "Ev2", ["F2", "F3"]) == ["F3"]  # the twin event
    assert claim_event(db_session, "Ev3") == []


def test_upload_metadata_refuses_big_and_non_csv_files():
    check_upload_metadata(10_485_760, "list.csv", "csv", "text/csv")
    check_upload_metadata(100, "export", "text", "text/plain")
    with pytest.raises(ImportFileError, match="10,485,761 bytes"):
        check_upload_metadata(10_485_761, "list.csv", "csv", "text/csv")
    with pytest.raises(ImportFileError, match="is a pdf file, not CSV"):
        check_upload_metadata(100, "list.pdf", "pdf", "application/pdf")


def test_tag_suggestions_and_mapping_choices(db_session):
    from bot.directory import create_contact

    create_contact(db_session, {"email": "a@example.com", "tags": ["VIP", "Vendor", "Expo"]}, "US")
    assert suggest_tags(db_session, "v") == [("v", True), ("Vendor", False), ("VIP", False)]
    assert suggest_tags(db_session, "expo") == [("Expo", False)]
    columns = [{"header": "Home City", "target": "new_property:home_city:text", "samples": []},
               {"header": "E-mail", "target": "email", "samples": []}]
    first, second = mapping_choices(db_session, columns)
    assert ("new_property:home_city:text", "New property: home_city (text)") in first
    assert ("new_property:e_mail:text", "New property: e_mail (text)") in second
    assert first[-1] == ("skip", "Don't import") and target_label("phone:work") == "Phone (work)"
