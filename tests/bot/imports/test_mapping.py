"""Unit tests of the map step: every sample export maps itself, and mappings are checked."""

from pathlib import Path

import pytest

from bot.errors import ValidationError
from bot.imports.mapping import parse_mapping_overrides, suggest_mapping, validate_mapping
from bot.imports.reader import read_csv

SAMPLES = Path(__file__).parents[2] / "data" / "samples"

# Every column that maps to something other than skip, per sample.
EXPECTED = {
    "google_contacts.csv": {
        "First Name": "first_name", "Middle Name": "middle_name", "Last Name": "last_name",
        "Nickname": "new_property:nickname:text", "Organization Name": "company",
        "Organization Title": "new_property:job_title:text",
        "Organization Department": "new_property:department:text",
        "Birthday": "new_property:birthday:date", "Notes": "notes", "Labels": "tags",
        "E-mail 1 - Value": "email", "E-mail 2 - Value": "email",
        "Phone 1 - Value": "phone:other", "Phone 2 - Value": "phone:other",
        "Phone 3 - Value": "phone:other",
        "Address 1 - Formatted": "new_property:address:text",
        "Address 1 - Street": "new_property:street:text",
        "Address 1 - City": "new_property:city:text",
        "Address 1 - Region": "new_property:state:text",
        "Address 1 - Postal Code": "new_property:postal_code:text",
        "Address 1 - Country": "new_property:country:text",
        "Website 1 - Value": "facebook",
    },
    "google_outlook_format.csv": {
        "First Name": "first_name", "Middle Name": "middle_name", "Last Name": "last_name",
        "Web Page": "facebook", "Birthday": "new_property:birthday:date", "Notes": "notes",
        "E-mail Address": "email", "E-mail 2 Address": "email", "E-mail 3 Address": "email",
        "Primary Phone": "phone:other", "Home Phone": "phone:home",
        "Home Phone 2": "phone:home", "Mobile Phone": "phone:mobile",
        "Home Address": "new_property:home_address:text",
        "Home Street": "new_property:home_street:text",
        "Home City": "new_property:home_city:text",
        "Home State": "new_property:home_state:text",
        "Home Postal Code": "new_property:home_postal_code:text",
        "Home Country": "new_property:home_country:text",
        "Business Phone": "phone:work", "Business Phone 2": "phone:work",
        "Company": "company", "Job Title": "new_property:job_title:text",
        "Department": "new_property:department:text", "Other Phone": "phone:other",
        "Callback": "phone:other", "Car Phone": "phone:other", "Categories": "tags",
    },
    "outlook_desktop.csv": {
        "First Name": "first_name", "Middle Name": "middle_name", "Last Name": "last_name",
        "Company": "company", "Department": "new_property:department:text",
        "Job Title": "new_property:job_title:text",
        "Business Street": "new_property:business_street:text",
        "Business City": "new_property:business_city:text",
        "Business State": "new_property:business_state:text",
        "Business Postal Code": "new_property:business_postal_code:text",
        "Business Country/Region": "new_property:business_country:text",
        "Home Street": "new_property:home_street:text",
        "Home City": "new_property:home_city:text",
        "Home State": "new_property:home_state:text",
        "Home Postal Code": "new_property:home_postal_code:text",
        "Home Country/Region": "new_property:home_country:text",
        "Business Phone": "phone:work", "Business Phone 2": "phone:work",
        "Callback": "phone:other", "Car Phone": "phone:other", "Home Phone": "phone:home",
        "Home Phone 2": "phone:home", "Mobile Phone": "phone:mobile",
        "Other Phone": "phone:other", "Primary Phone": "phone:other",
        "Birthday": "new_property:birthday:date", "Categories": "tags",
        "E-mail Address": "email", "E-mail 2 Address": "email", "E-mail 3 Address": "email",
        "Notes": "notes", "Web Page": "facebook",
    },
    "outlook_com.csv": {
        "First Name": "first_name", "Middle Name": "middle_name", "Last Name": "last_name",
        "Nickname": "new_property:nickname:text", "E-mail Address": "email",
        "E-mail 2 Address": "email", "E-mail 3 Address": "email", "Home Phone": "phone:home",
        "Home Phone 2": "phone:home", "Business Phone": "phone:work",
        "Business Phone 2": "phone:work", "Mobile Phone": "phone:mobile",
        "Car Phone": "phone:other", "Other Phone": "phone:other",
        "Primary Phone": "phone:other", "Callback": "phone:other",
        "Job Title": "new_property:job_title:text",
        "Department": "new_property:department:text", "Company": "company",
        "Business Street": "new_property:business_street:text",
        "Business City": "new_property:business_city:text",
        "Business State": "new_property:business_state:text",
        "Business Postal Code": "new_property:business_postal_code:text",
        "Business Country/Region": "new_property:business_country:text",
        "Home Street": "new_property:home_street:text",
        "Home City": "new_property:home_city:text",
        "Home State": "new_property:home_state:text",
        "Home Postal Code": "new_property:home_postal_code:text",
        "Home Country/Region": "new_property:home_country:text",
        "Web Page": "facebook", "Birthday": "new_property:birthday:date", "Notes": "notes",
    },
    "hubspot_contacts.csv": {
        "First Name": "first_name", "Last Name": "last_name", "Email": "email",
        "Phone Number": "phone:other", "Mobile Phone Number": "phone:mobile",
        "Company Name": "company", "Job Title": "new_property:job_title:text",
        "Lifecycle Stage": "new_property:lifecycle_stage:text",
        "Lead Status": "new_property:lead_status:text", "City": "new_property:city:text",
        "State/Region": "new_property:state:text",
        "Postal Code": "new_property:postal_code:text",
        "Country/Region": "new_property:country:text",
        "Twitter Username": "new_property:twitter:text", "Instagram Handle": "instagram",
        "Interests": "new_property:interests:text",
    },
    "mailchimp_audience.csv": {
        "Email Address": "email", "First Name": "first_name", "Last Name": "last_name",
        "Address": "new_property:address:text", "Phone Number": "phone:other",
        "Birthday": "new_property:birthday:date", "Company": "company",
        "Instagram": "instagram", "NOTES": "notes", "TAGS": "tags",
    },
    "salesforce_contacts_report.csv": {
        "First Name": "first_name", "Last Name": "last_name",
        "Title": "new_property:job_title:text", "Account Name": "company", "Email": "email",
        "Phone": "phone:other", "Mobile": "phone:mobile",
        "Mailing Street": "new_property:street:text",
        "Mailing City": "new_property:city:text",
        "Mailing State/Province": "new_property:state:text",
        "Mailing Zip/Postal Code": "new_property:postal_code:text",
        "Mailing Country": "new_property:country:text",
        "Lead Source": "new_property:lead_source:text", "Instagram Handle": "instagram",
        "Interests": "new_property:interests:text",
    },
    "zendesk_users.csv": {
        "name": "full_name", "email": "email", "details": "new_property:details:text",
        "notes": "notes", "phone": "phone:other", "organization": "company", "tags": "tags",
    },
    "intercom_people.csv": {
        "Name": "full_name", "Email": "email", "Phone": "phone:other",
        "City": "new_property:city:text", "Country": "new_property:country:text",
        "Company name": "company", "Tags": "tags", "plan": "new_property:plan:text",
        "instagram_handle": "instagram",
    },
    "apple_icloud_vcfconvert.csv": {
        "First Name": "first_name", "Last Name": "last_name", "Display Name": "full_name",
        "Nickname": "new_property:nickname:text", "E-mail Address": "email",
        "E-mail 2 Address": "email", "E-mail 3 Address": "email", "Home Phone": "phone:home",
        "Business Phone": "phone:work", "Mobile Phone": "phone:mobile",
        "Home Street": "new_property:home_street:text",
        "Home City": "new_property:home_city:text",
        "Home State": "new_property:home_state:text",
        "Home Postal Code": "new_property:home_postal_code:text",
        "Home Country": "new_property:home_country:text",
        "Job Title": "new_property:job_title:text",
        "Department": "new_property:department:text", "Organization": "company",
        "Notes": "notes", "Birthday": "new_property:birthday:date", "Web Page": "facebook",
        "Categories": "tags",
    },
}


def _suggested(name: str, existing=()) -> dict[str, str]:
    parsed = read_csv((SAMPLES / name).read_bytes())
    mapping = suggest_mapping(parsed.headers, parsed.rows, existing)
    assert validate_mapping(parsed.headers, mapping) == []
    return dict(zip(parsed.headers, mapping, strict=True))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_export_maps_without_manual_changes(name):
    suggested = _suggested(name)
    assert {h: t for h, t in suggested.items() if t != "skip"} == EXPECTED[name]


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("google_contacts.csv", "E-mail 1 - Label"),
        ("google_contacts.csv", "Phone 1 - Label"),
        ("google_contacts.csv", "Custom Field 1 - Value"),
        ("outlook_desktop.csv", "Title"),
        ("outlook_desktop.csv", "Business Fax"),
        ("outlook_desktop.csv", "Pager"),
        ("outlook_desktop.csv", "Company Main Phone"),
        ("outlook_desktop.csv", "Anniversary"),
        ("outlook_desktop.csv", "Gender"),
        ("hubspot_contacts.csv", "Record ID"),
        ("hubspot_contacts.csv", "Create Date"),
        ("mailchimp_audience.csv", "LEID"),
        ("mailchimp_audience.csv", "EUID"),
        ("mailchimp_audience.csv", "OPTIN_IP"),
        ("mailchimp_audience.csv", "MEMBER_RATING"),
        ("salesforce_contacts_report.csv", "Contact ID"),
        ("salesforce_contacts_report.csv", "Salutation"),
        ("intercom_people.csv", "User ID"),
        ("intercom_people.csv", "Last seen"),
        ("zendesk_users.csv", "external_id"),
    ],
)
def test_system_and_noise_columns_are_skipped(name, header):
    assert _suggested(name)[header] == "skip"


def test_email_values_under_an_unclear_header_map_to_email():
    headers = ["Who", "Contact", "Cell #", "Tel"]
    rows = [["Ann Lee", "ann@example.com", "555-0100", "(415) 555-0101"],
            ["Bo Chan", "bo@example.com", "555-0102", "+1 415 555 0103"]]
    assert suggest_mapping(headers, rows) == ["full_name", "email", "phone:mobile",
                                              "phone:other"]


def test_phone_values_under_an_unknown_header_map_to_phone():
    rows = [["Ann", "+44 20 7946 0000"], ["Bo", "020 7946 0001"]]
    assert suggest_mapping(["Name", "Reach me at"], rows)[1] == "phone:other"


def test_misspelt_header_is_matched_fuzzily():
    rows = [["Ann", "Lee", "ann@example.com"]]
    assert suggest_mapping(["Frist Name", "Lastname", "E-mial Adress"], rows) == [
        "first_name", "last_name", "email"]


def test_unknown_columns_become_typed_new_properties():
    headers = ["Name", "Email", "Loyalty points", "Member since", "Opted in", "Favourite Colour"]
    rows = [["Ann", "a@example.com", "120", "2021-03-04", "yes", "blue"],
            ["Bo", "b@example.com", "7", "2022-11-30", "no", "green"]]
    assert suggest_mapping(headers, rows)[2:] == [
        "new_property:loyalty_points:number", "new_property:member_since:date",
        "new_property:opted_in:boolean", "new_property:favourite_colour:text"]


def test_empty_unknown_column_is_skipped():
    assert suggest_mapping(["Name", "Email", "Extra"], [["Ann", "a@example.com", ""]])[2] == "skip"


def test_existing_property_is_reused_instead_of_a_new_one():
    suggested = _suggested("hubspot_contacts.csv", existing=["job_title", "Lead_Status"])
    assert suggested["Job Title"] == "property:job_title"
    assert suggested["Lead Status"] == "property:Lead_Status"


def test_second_column_for_a_single_field_falls_back_to_a_property():
    rows = [["Ann", "Acme", "Acme Holdings", "a@example.com"]]
    mapping = suggest_mapping(["Name", "Company", "Organization", "Email"], rows)
    assert mapping == ["full_name", "company", "new_property:organization:text", "email"]


def test_mapping_without_name_or_contact_says_what_is_missing():
    errors = validate_mapping(["Company", "Notes"], ["company", "notes"])
    assert any("no column is mapped to a name" in e and "full_name" in e for e in errors)
    assert any("no column is mapped to a phone or an email" in e for e in errors)


def test_first_and_last_name_with_a_phone_is_a_valid_mapping():
    assert validate_mapping(["F", "L", "P"], ["first_name", "last_name", "phone:home"]) == []


def test_unknown_target_and_bad_property_are_named():
    errors = validate_mapping(
        ["Name", "Email", "Shoe", "Size"],
        ["full_name", "email", "shoe_size", "new_property:Size!:integer"],
    )
    assert any("column 'Shoe': unknown target 'shoe_size'" in e for e in errors)
    assert any("column 'Size'" in e and "'Size!' is not a property key" in e for e in errors)


def test_single_column_target_used_twice_is_an_error():
    errors = validate_mapping(["A", "B", "E"], ["full_name", "full_name", "email"])
    assert errors == ["full_name is mapped from more than one column ('A', 'B'); keep one "
                      "and set the others to skip"]


def test_overrides_match_headers_ignoring_case():
    overrides = parse_mapping_overrides(["e-mail 1 - value=email", "Labels = skip"],
                                        ["E-mail 1 - Value", "Labels"])
    assert overrides == {"E-mail 1 - Value": "email", "Labels": "skip"}


def test_override_of_unknown_header_names_it_and_lists_the_headers():
    with pytest.raises(ValidationError) as caught:
        parse_mapping_overrides(["Mobile=phone:mobile", "Name=nickname"], ["Name", "Phone"])
    problems = caught.value.errors["mapping"]
    assert problems[0] == "there is no column 'Mobile'; the columns are 'Name', 'Phone'"
    assert "unknown target 'nickname'" in problems[1]
