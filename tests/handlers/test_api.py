"""The JSON API under /api on SQLite and PostgreSQL: auth, create, update, fetch, search, bad input."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Contact, Identity
from tests.conftest import auth

JANE = {"name": "Jane Doe", "phone": "(415) 555-0134", "email": "Jane@Example.com",
        "instagram": "@jane.doe", "tags": ["VIP"], "properties": {"city": "Paris"}}


def _count(app, model) -> int:
    with app.extensions["contacts_runtime"].sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_request_without_token_gets_401(client):
    response = client.get("/api/contacts")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_request_with_unknown_token_gets_401(client):
    response = client.get("/api/contacts", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_viewer_token_cannot_create_contact(client, app):
    response = client.post("/api/contacts", json=JANE, headers=auth("viewer"))
    assert response.status_code == 403
    assert "viewer" in response.json["error"]
    assert _count(app, Contact) == 0


def test_created_contact_is_found_by_e164_and_another_national_format(client):
    created = client.post("/api/contacts", json=JANE, headers=auth("agent"))
    assert created.status_code == 201
    contact = created.json["contact"]
    assert {i["kind"]: i["value"] for i in contact["identities"]} == {
        "phone": "+14155550134", "email": "Jane@example.com", "instagram": "jane.doe"}
    assert contact["tags"] == ["VIP"] and contact["properties"] == {"city": "Paris"}
    for query in ("+14155550134", "415.555.0134", "1 415 555 0134"):
        found = client.get("/api/contacts", query_string={"q": query}, headers=auth("viewer"))
        assert [c["id"] for c in found.json["contacts"]] == [contact["id"]], query
    by_phone = client.get("/api/contacts", query_string={"phone": "(415)5550134"}, headers=auth())
    assert by_phone.json["total"] == 1


def test_search_by_name_fragment_email_and_tag_with_pagination(client):
    for n in range(5):
        client.post("/api/contacts", json={"name": f"Person {n}", "email": f"p{n}@example.com",
                                           "tags": ["Lead"] if n % 2 else []}, headers=auth())
    page = client.get("/api/contacts", query_string={"q": "perSON", "per_page": 2, "page": 2},
                      headers=auth())
    assert page.json["total"] == 5 and len(page.json["contacts"]) == 2
    assert client.get("/api/contacts", query_string={"q": "P3@EXAMPLE.com"},
                      headers=auth()).json["contacts"][0]["name"] == "Person 3"
    assert client.get("/api/contacts", query_string={"tag": "lead"}, headers=auth()).json["total"] == 2


def test_bad_fields_are_all_named_and_nothing_is_written(client, app):
    response = client.post("/api/contacts", headers=auth(), json={
        "name": "X", "phone": "555-CALL-NOW", "email": "bad@", "shoe_size": 9, "notes": "x" * 3000})
    assert response.status_code == 400
    fields = response.json["fields"]
    assert "contains letters" in fields["phone"][0]
    assert "bad@" in fields["email"][0]
    assert "not a contact field" in fields["shoe_size"][0]
    assert "longer than" in fields["notes"][0]
    assert _count(app, Contact) == 0


def test_number_not_valid_for_its_region_is_rejected(client):
    response = client.post("/api/contacts", json={"name": "X", "phone": "020 7946 0958"},
                           headers=auth())
    assert response.status_code == 400
    assert "not a valid US number" in response.json["fields"]["phone"][0]


def test_phone_of_another_contact_gets_409_naming_it(client, app):
    first = client.post("/api/contacts", json=JANE, headers=auth()).json["contact"]
    response = client.post("/api/contacts", json={"name": "John", "phone": "+1 415 555 0134",
                                                  "email": "john@example.com"}, headers=auth())
    assert response.status_code == 409
    assert response.json["conflicts"][0]["contact_id"] == first["id"]
    assert "Jane Doe" in response.json["error"]
    assert _count(app, Contact) == 1 and _count(app, Identity) == 3


def test_update_adds_values_and_blanks_change_nothing(client):
    contact = client.post("/api/contacts", json=JANE, headers=auth()).json["contact"]
    response = client.patch(f"/api/contacts/{contact['id']}", headers=auth(),
                            json={"company": "Acme", "name": "", "tags": ["vip", "Partner"]})
    assert response.status_code == 200
    assert response.json["outcome"] == "updated"
    assert response.json["contact"]["name"] == "Jane Doe"
    assert response.json["contact"]["tags"] == ["Partner", "VIP"]


def test_update_with_identity_of_another_contact_gets_409(client):
    jane = client.post("/api/contacts", json=JANE, headers=auth()).json["contact"]
    john = client.post("/api/contacts", json={"name": "John", "email": "john@example.com"},
                       headers=auth()).json["contact"]
    response = client.patch(f"/api/contacts/{john['id']}", json={"email": "jane@example.com"},
                            headers=auth())
    assert response.status_code == 409
    assert response.json["conflicts"][0]["contact_id"] == jane["id"]


def test_fetch_returns_identities_tags_and_conversations(client):
    contact = client.post("/api/contacts", json=JANE, headers=auth()).json["contact"]
    shown = client.get(f"/api/contacts/{contact['id']}", headers=auth("viewer")).json["contact"]
    assert shown["name"] == "Jane Doe" and shown["conversations"] == []
    assert client.get("/api/contacts/999999", headers=auth()).status_code == 404


def test_wrong_content_type_and_malformed_json_get_4xx(client):
    assert client.post("/api/contacts", data="name=x", headers=auth()).status_code == 415
    response = client.post("/api/contacts", data="{oops", headers={**auth(),
                           "Content-Type": "application/json"})
    assert response.status_code == 400
    assert client.post("/api/contacts", json=["x"], headers=auth()).status_code == 400


def test_unknown_search_parameter_and_bad_page_are_named(client):
    response = client.get("/api/contacts", query_string={"colour": "red", "page": "0"},
                          headers=auth())
    assert response.status_code == 400
    assert "colour" in response.json["fields"]
    assert client.get("/api/contacts", query_string={"page": "0"},
                      headers=auth()).json["fields"]["page"]


def test_contact_needs_a_way_to_reach_it(client):
    response = client.post("/api/contacts", json={"name": "Nobody"}, headers=auth())
    assert response.status_code == 400
    assert "identity" in response.json["fields"]


def test_nul_characters_are_refused_naming_the_field_and_nothing_is_written(client, app):
    response = client.post("/api/contacts", headers=auth(), json={
        "name": "Nul\u0000Name", "email": "nul@example.com", "notes": "a\u0000b",
        "tags": ["ok\u0000"], "properties": {"city": "Par\u0000is"}})
    assert response.status_code == 400
    assert {"name", "notes", "tag", "city"} <= set(response.json["fields"])
    assert _count(app, Contact) == 0
    assert client.get("/api/contacts", query_string={"q": "a\u0000b"}, headers=auth()).status_code == 200


def test_id_beyond_64_bits_is_not_found(client):
    for path in ("/api/contacts/9223372036854775808", "/api/imports/99999999999999999999"):
        assert client.get(path, headers=auth()).status_code == 404


def test_update_moves_updated_at(client):
    contact = client.post("/api/contacts", json=JANE, headers=auth()).json["contact"]
    updated = client.patch(f"/api/contacts/{contact['id']}", json={"tags": ["New"]},
                           headers=auth()).json["contact"]
    assert updated["updated_at"] > contact["updated_at"]


def test_whatsapp_contact_is_found_by_its_number(client, app):
    from bot.contacts import upsert_contact
    from bot.records import ContactInput

    with app.extensions["contacts_runtime"].sessions() as session:
        upsert_contact(session, ContactInput(whatsapp="+447911123456"), "sms", "US")
    found = client.get("/api/contacts", query_string={"q": "+44 7911 123456"}, headers=auth())
    assert found.json["total"] == 1
