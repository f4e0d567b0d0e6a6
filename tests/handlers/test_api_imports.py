"""CSV imports over HTTP on SQLite and PostgreSQL: every sample export, the bad files, the row rules."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.conftest import auth

DATA = Path(__file__).resolve().parents[1] / "data"

# Counts each sample calls for (see tests/data/samples/manifest.json, records 1-based):
# failed rows have no name (or only '?' where the exporter lost the characters) or no phone and
# no email; a later record of the same person updates the earlier one, or leaves it unchanged.
SAMPLES = {
    # 4, 8 no name; 30 no phone/e-mail; 23 adds a home phone to 6
    "google_contacts.csv": ("US", 36, 1, 0, 3),
    "google_outlook_format.csv": ("GB", 23, 0, 0, 2),  # 7, 19 no name
    # 13 company only; 6, 10, 18 names written as '?'; 21 exact duplicate of 3
    "outlook_desktop.csv": ("GB", 25, 0, 1, 4),
    "outlook_com.csv": ("DE", 24, 0, 0, 1),  # 22 name and company only
    "hubspot_contacts.csv": ("US", 46, 0, 0, 4),  # 5, 18, 34 no name; 28 no phone/e-mail
    "mailchimp_audience.csv": ("US", 55, 0, 0, 5),  # 4, 15, 30, 42, 53 no name
    "salesforce_contacts_report.csv": ("US", 34, 0, 0, 1),  # 19 no phone/e-mail
    "zendesk_users.csv": ("GB", 30, 0, 0, 0),
    "intercom_people.csv": ("US", 42, 0, 0, 3),  # 10, 21, 41 no name
    "apple_icloud_vcfconvert.csv": ("FR", 20, 0, 0, 0),
}


def upload(client, path: Path, role: str = "importer", region: str = "US"):
    return client.post("/api/imports", headers=auth(role), content_type="multipart/form-data",
                       data={"file": (io.BytesIO(path.read_bytes()), path.name), "region": region})


def run_import(client, path: Path, name: str = "Test import", region: str = "US") -> dict:
    uploaded = upload(client, path, region=region)
    assert uploaded.status_code == 201, uploaded.json
    started = client.post(f"/api/imports/{uploaded.json['id']}/start", headers=auth("importer"),
                          json={"name": name, "accept_disclosure": True})
    assert started.status_code == 202, started.json
    return client.get(f"/api/imports/{uploaded.json['id']}", headers=auth("importer")).json


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_sample_export_imports_with_the_counts_its_contents_call_for(client, sample):
    region, created, updated, unchanged, failed = SAMPLES[sample]
    result = run_import(client, DATA / "samples" / sample, region=region)
    assert result["status"] == "done"
    assert result["counts"] == {"created": created, "updated": updated,
                                "unchanged": unchanged, "failed": failed}
    assert sum(result["counts"].values()) == result["rows"] == result["progress"]["done"]
    again = run_import(client, DATA / "samples" / sample, "Again", region=region)
    assert again["counts"] == {"created": 0, "updated": 0,
                               "unchanged": result["rows"] - failed, "failed": failed}


def test_upload_answers_format_rows_columns_and_suggested_mapping(client):
    response = upload(client, DATA / "samples" / "outlook_desktop.csv", region="GB")
    body = response.json
    assert body["region"] == "GB"
    assert (body["encoding"], body["delimiter"], body["rows"]) == ("cp1252", ",", 30)
    targets = {c["header"]: c["target"] for c in body["columns"]}
    assert targets["First Name"] == "first_name" and targets["Mobile Phone"] == "phone:mobile"
    assert body["mapping_errors"] == []


def test_error_file_holds_failed_rows_with_line_and_reason_and_no_live_formulas(client):
    result = run_import(client, DATA / "import_rows" / "row_problems.csv")
    assert result["counts"] == {"created": 2, "updated": 1, "unchanged": 0, "failed": 4}
    text = client.get(f"/api/imports/{result['id']}/errors.csv", headers=auth("importer")).text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Name", "Email", "Phone", "Notes", "Tags", "line", "reason"]
    by_line = {row[5]: row for row in rows[1:]}
    assert set(by_line) == {"3", "4", "5", "6"}
    assert by_line["3"][0].startswith("'=cmd")
    assert "spreadsheet formula" in by_line["3"][6]
    assert "scientific notation" in by_line["4"][6]
    assert "too short" in by_line["5"][6] and "alan@example" in by_line["5"][6]
    assert by_line["6"][0] == "'@SUM(1+1)"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_formula_cells_are_never_stored(client):
    result = run_import(client, DATA / "import_rows" / "row_problems.csv")
    found = client.get("/api/contacts", query_string={"import_id": result["id"]},
                       headers=auth()).json["contacts"]
    ada = client.get(f"/api/contacts/{[c for c in found if c['name'] == 'Ada Lovelace'][0]['id']}",
                     headers=auth()).json["contact"]
    assert ada["notes"] is None
    assert {c["name"] for c in found} == {"Ada Lovelace", "Katherine Johnson"}


def test_view_contacts_lists_what_the_import_created_or_updated(client):
    result = run_import(client, DATA / "samples" / "zendesk_users.csv", region="GB")
    assert result["next"] == ["view_contacts", "import_another", "close"]
    listed = client.get("/api/contacts", query_string={"import_id": result["id"], "per_page": 100},
                        headers=auth()).json
    assert listed["total"] == 30


@pytest.mark.parametrize("filename,expected", [
    ("report.pdf", "PDF"), ("screenshot.png", "PNG image"), ("xls_header.xls", "Excel"),
    ("plain_text.txt", "plain text"), ("missing_header.csv", "header"),
    ("duplicate_headers.csv", "duplicate"), ("ragged_extra_cells.csv", "line"),
    ("undecodable_utf8.csv", "line"),
])
def test_file_that_cannot_be_imported_gets_a_reason_and_nothing_is_stored(client, filename,
                                                                          expected):
    response = upload(client, DATA / "import_errors" / filename)
    assert response.status_code == 422
    assert expected.lower() in response.json["error"].lower()
    assert client.get("/api/imports", headers=auth("importer")).json["imports"] == []


def test_file_over_ten_mebibytes_is_refused_naming_the_limit(client):
    data = b"Name,Email\n" + b"x" * (10 * 1024 * 1024)
    response = client.post("/api/imports", headers=auth("importer"),
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "big.csv")})
    assert response.status_code in (413, 422)
    assert "10,485,760" in response.json["error"]
    assert client.get("/api/imports", headers=auth("importer")).json["imports"] == []


def test_start_needs_a_name_and_the_disclosure(client):
    uploaded = upload(client, DATA / "samples" / "zendesk_users.csv").json
    response = client.post(f"/api/imports/{uploaded['id']}/start", headers=auth("importer"),
                           json={"name": " ", "accept_disclosure": False})
    assert response.status_code == 400
    assert set(response.json["fields"]) == {"name", "disclosure"}
    status = client.get(f"/api/imports/{uploaded['id']}", headers=auth("importer")).json
    assert status["status"] == "uploaded" and status["counts"]["created"] == 0


def test_agent_may_not_import(client):
    response = upload(client, DATA / "samples" / "zendesk_users.csv", role="agent")
    assert response.status_code == 403
    assert client.get("/api/imports", headers=auth("importer")).json["imports"] == []


def test_mapping_without_phone_or_email_is_refused_with_what_is_missing(client):
    uploaded = upload(client, DATA / "samples" / "zendesk_users.csv").json
    response = client.put(f"/api/imports/{uploaded['id']}/mapping", headers=auth("importer"),
                          json={"overrides": ["email=skip", "phone=skip"]})
    assert response.status_code == 400
    assert "phone or an email" in " ".join(response.json["fields"]["mapping"])
    after = client.get(f"/api/imports/{uploaded['id']}", headers=auth("importer")).json
    assert after["columns"] == uploaded["columns"]


def test_mapping_override_names_unknown_headers(client):
    uploaded = upload(client, DATA / "samples" / "zendesk_users.csv").json
    response = client.put(f"/api/imports/{uploaded['id']}/mapping", headers=auth("importer"),
                          json={"overrides": ["Shoe size=notes"]})
    assert response.status_code == 400
    assert "Shoe size" in response.json["error"]


def test_preview_flags_problems_on_their_cells_and_counts_failing_rows(client):
    uploaded = upload(client, DATA / "import_rows" / "row_problems.csv").json
    preview = client.get(f"/api/imports/{uploaded['id']}/preview", headers=auth("importer")).json
    assert preview["failing_rows"] == 4 and preview["checked_rows"] == 7
    first = preview["rows"][0]
    assert first["stored"]["phones"] == [{"number": "+442079460958", "label": "other"}]
    assert first["problems"][0]["column"] == "Notes"
    grace = preview["rows"][2]
    assert grace["will_fail"] and grace["problems"][-1]["column"] == "Phone"


def test_unknown_region_is_refused(client):
    response = upload(client, DATA / "samples" / "zendesk_users.csv", region="XX")
    assert response.status_code == 400 and "region" in response.json["fields"]
    assert client.get("/api/imports", headers=auth("importer")).json["imports"] == []


def test_two_simultaneous_starts_run_the_import_once(client):
    uploaded = upload(client, DATA / "samples" / "zendesk_users.csv", region="GB").json
    body = {"name": "Once", "accept_disclosure": True}
    first = client.post(f"/api/imports/{uploaded['id']}/start", headers=auth("importer"), json=body)
    second = client.post(f"/api/imports/{uploaded['id']}/start", headers=auth("importer"), json=body)
    assert (first.status_code, second.status_code) == (202, 409)


def test_duplicate_rows_with_different_names_keep_the_first_and_say_so(client):
    from tests.conftest import auth as _auth

    path = DATA / "import_rows" / "same_email_two_names.csv"
    result = run_import(client, path)
    assert result["counts"] == {"created": 1, "updated": 0, "unchanged": 1, "failed": 0}
    assert result["warnings"] == 1
    listed = client.get("/api/contacts", query_string={"import_id": result["id"]},
                        headers=_auth()).json["contacts"]
    assert [c["name"] for c in listed] == ["Nina Novak"]


def test_two_rows_of_one_person_in_different_chunks_keep_the_first_and_reimport_is_unchanged(
        tmp_path):
    from bot.app import create_app
    from tests.conftest import make_config

    app = create_app(make_config(f"sqlite:///{tmp_path / 'c.db'}", import_chunk_size=2))
    client = app.test_client()
    path = tmp_path / "one_person_two_rows.csv"
    path.write_text("Name,Email,Phone,Company\n"
                    "Denis Hill,denis@example.com,+44 113 496 0811,Moore-Robinson\n"
                    "Ann Lee,ann@example.com,,Acme\n"
                    "Denis Hill,denis2@example.com,+44 113 496 0811,Watson and Moore\n")
    first = run_import(client, path)
    assert first["counts"] == {"created": 2, "updated": 1, "unchanged": 0, "failed": 0}
    again = run_import(client, path, "Again")
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 3, "failed": 0}
    found = client.get("/api/contacts", query_string={"q": "denis2@example.com"},
                       headers=auth()).json["contacts"]
    assert found[0]["company"] == "Moore-Robinson"
