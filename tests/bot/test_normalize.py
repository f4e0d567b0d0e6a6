"""Normalisation of phones, emails, names and handles: reasons that say what to do."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from email_validator import EmailNotValidError, validate_email

from bot.errors import InvalidValueError
from bot.normalize import normalize_email, normalize_name, normalize_phone, normalize_social

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
_ALPHABET = "abcXYZ09.-_+'@!#~"


def _reference(address: str) -> str | None:
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _ours(address: str) -> str | None:
    try:
        return normalize_email(address)
    except InvalidValueError:
        return None


def _sample_emails() -> list[str]:
    found = []
    for path in SAMPLES.glob("*.csv"):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for row in csv.reader(text.splitlines()):
            found += [cell.strip() for cell in row if "@" in cell and " " not in cell.strip()]
    return found


@pytest.mark.parametrize("address", [
    "John.Smith@Example.COM", "a@b.co", "x@foo.local", "x@mail.test", "x@-a.com", "x@a-.com",
    "x@a.123", "x@xn--bcher-kva.ch", "x@bücher.ch", "jörg@example.de", "a..b@example.com",
    ".a@example.com", "a.@example.com", "x@localhost", "x@example", "o'brien@example.ie",
    "x" * 65 + "@example.com", "a@" + "b" * 64 + ".com", "a@b.c", "a@b.c0", "a@1b.com",
    "A+tag@EXAMPLE.co.uk", "user@sub-domain.example.com", "x@ex--ample.com",
])
def test_email_fast_path_agrees_with_email_validator(address):
    assert _ours(address) == _reference(address)


def test_email_fast_path_agrees_on_every_sample_address_and_random_strings():
    rng = random.Random(20241203)
    generated = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(3, 14)))
                 for _ in range(5000)]
    generated += [f"{a}@{b}.{c}" for a, b, c in (
        ("".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 6))) for _ in range(3))
        for _ in range(5000))]
    for address in _sample_emails() + generated:
        assert _ours(address) == _reference(address), address


@pytest.mark.parametrize("raw,region,expected", [
    ("(415) 555-0134", "US", "+14155550134"), ("+44 20 7946 0958", "US", "+442079460958"),
    ("020 7946 0958", "GB", "+442079460958"), ("+1 212-555-0123 x204", "US", "+12125550123"),
    ("+16465550103, ext 371", "US", "+16465550103"), ("01 99 00 93 99 poste 204", "FR",
                                                      "+33199009399"),
])
def test_phone_in_any_common_form_becomes_e164(raw, region, expected):
    assert normalize_phone(raw, region).e164 == expected


@pytest.mark.parametrize("raw,region,reason", [
    ("555-CALL-NOW", "US", "letters"), ("4.47911E+11", "GB", "scientific notation"),
    ("12", "US", "too short"), ("020 7946 0958", "US", "not a valid US number"),
    ("+999 1234 5678", "US", "not a valid phone number"),
])
def test_bad_phone_gets_a_reason_that_says_what_to_do(raw, region, reason):
    with pytest.raises(InvalidValueError, match=reason):
        normalize_phone(raw, region)


def test_name_of_question_marks_says_the_exporter_lost_characters():
    with pytest.raises(InvalidValueError, match="CSV UTF-8"):
        normalize_name("??? ??")
    assert normalize_name("  Jean-Luc   O'Brien ") == "Jean-Luc O'Brien"


def test_social_handles_and_profile_urls_become_handles():
    assert normalize_social("https://www.instagram.com/Jane.Doe/", "instagram") == "jane.doe"
    assert normalize_social("@jane_doe", "instagram") == "jane_doe"
    with pytest.raises(InvalidValueError, match="not a handle"):
        normalize_social("jane doe!", "instagram")


@pytest.mark.parametrize("raw", [
    "+39 06 1234 5678", "+54 9 11 1234 5678", "+54 11 1234 5678", "+44 (0)20 7946 0958",
    "+1 1 212 555 0134", "+81 3 1234 5678", "+52 1 55 1234 5678", "+7 495 123 45 67",
    "+86 10 1234 5678", "+44 20 7946 0958", "+33 1 99 00 93 99", "+49 30 23125123",
])
def test_international_fast_path_gives_what_phonenumbers_parse_gives(raw):
    import phonenumbers

    parsed = phonenumbers.parse(raw, "US")
    expected = (phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
                if phonenumbers.is_valid_number(parsed) else None)
    try:
        ours = normalize_phone(raw, "US").e164
    except InvalidValueError:
        ours = None
    assert ours == expected


def test_scientific_notation_with_every_digit_kept_is_read_back():
    assert normalize_phone("1.4155550117E+10", "US").e164 == "+14155550117"
    assert normalize_phone("4.47911123456E+11", "GB").e164 == "+447911123456"
