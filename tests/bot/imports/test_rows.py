"""Unit tests of row assembly: names, multi-value cells, tags and properties."""

from pathlib import Path

import pytest

from bot.imports.mapping import suggest_mapping
from bot.imports.reader import read_csv
from bot.imports.rows import row_to_input, split_tags

SAMPLES = Path(__file__).parents[2] / "data" / "samples"


def _sample_inputs(name: str):
    parsed = read_csv((SAMPLES / name).read_bytes())
    mapping = suggest_mapping(parsed.headers, parsed.rows)
    return [
        row_to_input(row, parsed.headers, mapping, line)
        for row, line in zip(parsed.rows, parsed.lines, strict=True)
    ]


def test_first_middle_and_last_names_are_joined_when_there_is_no_full_name():
    contact = row_to_input(["Ann", "Marie", "Lee", "a@example.com"],
                           ["First", "Middle", "Last", "Email"],
                           ["first_name", "middle_name", "last_name", "email"], 7)
    assert (contact.name, contact.name_source, contact.ref) == ("Ann Marie Lee", "import", 7)


def test_full_name_wins_over_name_parts_and_empty_name_is_none():
    headers, mapping = ["Display", "First"], ["full_name", "first_name"]
    assert row_to_input(["Acme Ltd", "Ann"], headers, mapping, 2).name == "Acme Ltd"
    assert row_to_input([" ", "Ann"], headers, mapping, 3).name == "Ann"
    assert row_to_input(["", ""], headers, mapping, 4).name is None


def test_google_row_takes_phone_labels_and_splits_joined_numbers():
    contacts = _sample_inputs("google_contacts.csv")
    # Record 16: two mobile numbers in one cell joined by " ::: ".
    assert [label for _, label in contacts[15].phones].count("mobile") >= 2
    assert all(" ::: " not in number for c in contacts for number, _ in c.phones)
    assert contacts[0].phones == [("+1 206-555-0100", "mobile")]


def test_google_labels_drop_system_groups():
    contacts = _sample_inputs("google_contacts.csv")
    assert contacts[0].tags == ["Customer"]
    assert not any(t.startswith("*") or t == "myContacts" for c in contacts for t in c.tags)


def test_phone_extension_after_a_comma_stays_with_its_number():
    contact = row_to_input(["Ann", "(415) 555-0168, ext 215 ::: +1 415 555 0100; 555-0101"],
                           ["Name", "Phone"], ["full_name", "phone:work"], 2)
    assert contact.phones == [("(415) 555-0168, ext 215", "work"), ("+1 415 555 0100", "work"),
                              ("555-0101", "work")]


def test_several_emails_in_one_cell_are_split():
    contact = row_to_input(["Ann", "a@example.com; b@example.com, c@example.com ::: d@x.org"],
                           ["Name", "Email"], ["full_name", "email"], 2)
    assert contact.emails == ["a@example.com", "b@example.com", "c@example.com", "d@x.org"]


@pytest.mark.parametrize(
    ("cell", "tags"),
    [
        ("* myContacts ::: * starred ::: Customer ::: VIP", ["Customer", "VIP"]),
        ("Beta tester;myContacts;starred", ["Beta tester"]),
        ('"VIP","Wholesale, EU"', ["VIP", "Wholesale, EU"]),
        ("Client fidèle;Press;Do not call", ["Client fidèle", "Press", "Do not call"]),
        ("Wholesale, Do not call, Press", ["Wholesale", "Do not call", "Press"]),
        ("do_not_call customer messe_2024", ["do_not_call", "customer", "messe_2024"]),
        ("Trade show 2024", ["Trade show 2024"]),
    ],
)
def test_tags_are_split_by_the_separator_the_export_uses(cell, tags):
    assert split_tags(cell) == tags


def test_mailchimp_quoted_tag_list_keeps_commas_inside_tags():
    contacts = _sample_inputs("mailchimp_audience.csv")
    assert contacts[0].tags == ["Lead"]
    assert "Wholesale, EU" in contacts[10].tags  # record 11 per the manifest


def test_properties_are_keyed_and_outlook_empty_dates_dropped():
    contacts = _sample_inputs("outlook_desktop.csv")
    assert contacts[0].properties["birthday"] == "7/9/1964"
    assert "birthday" not in contacts[1].properties  # "0/0/00" in the file
    assert contacts[0].facebook == "https://www.facebook.com/chelsea.holt.27"


def test_existing_property_target_fills_the_property():
    contact = row_to_input(["Ann", "a@example.com", "Gold"], ["Name", "Email", "Tier"],
                           ["full_name", "email", "property:loyalty_tier"], 2)
    assert contact.properties == {"loyalty_tier": "Gold"}


def test_notes_from_two_columns_are_joined_and_skip_columns_ignored():
    contact = row_to_input(["Ann", "Call later", "x", "VIP"], ["Name", "Notes", "Id", "Memo"],
                           ["full_name", "notes", "skip", "notes"], 2)
    assert contact.notes == "Call later\n\nVIP"
    assert contact.properties == {} and contact.company is None


def test_zendesk_space_separated_tags_become_several_tags():
    contacts = _sample_inputs("zendesk_users.csv")
    assert any(len(c.tags) > 1 for c in contacts)
    assert all(" " not in tag for c in contacts for tag in c.tags)


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.csv")))
def test_every_sample_row_assembles_with_its_line_as_ref(name):
    parsed = read_csv((SAMPLES / name).read_bytes())
    contacts = _sample_inputs(name)
    assert [c.ref for c in contacts] == parsed.lines
    assert sum(bool(c.phones or c.emails) for c in contacts) >= len(contacts) * 0.8


def test_ten_megabyte_file_reads_maps_and_assembles_every_row():
    row = "Alice Martin {n},alice.{n}@example.com,+1 415 555 {p:04d},\"VIP, Customer\",Acme\n"
    data = ("Name,Email,Phone,Tags,Company\n"
            + "".join(row.format(n=n, p=n % 10000) for n in range(125_000))).encode()
    parsed = read_csv(data)
    mapping = suggest_mapping(parsed.headers, parsed.rows)
    contacts = [row_to_input(r, parsed.headers, mapping, n)
                for r, n in zip(parsed.rows, parsed.lines, strict=True)]
    assert mapping == ["full_name", "email", "phone:other", "tags", "company"]
    assert contacts[-1].tags == ["VIP", "Customer"] and contacts[-1].ref == 125_001
