"""Caller-name (CNAM) labels: real names normalised, every kind of label ignored."""

from __future__ import annotations

import pytest

from nlp.cnam import caller_name_from_cnam


@pytest.mark.parametrize(("label", "name"), [
    ("SMITH JOHN", "John Smith"),
    ("SMITH,JOHN", "John Smith"),
    ("SMITH, JOHN A", "John A Smith"),
    ("WHITFIELD DANA", "Dana Whitfield"),
    ("O'BRIEN PAT", "Pat O'Brien"),
    ("MCDONALD RONALD", "Ronald McDonald"),
    ("GARCIA-LOPEZ ANA", "Ana Garcia-Lopez"),
    ("DE LA CRUZ MARIA", "Maria de la Cruz"),
    ("VAN DYKE DICK", "Dick van Dyke"),
    ("  SMITH   JOHN ", "John Smith"),
    ("John Smith", "John Smith"),
    ("Smith, John", "John Smith"),
])
def test_a_real_name_is_returned_in_display_order(label, name):
    assert caller_name_from_cnam(label) == name


@pytest.mark.parametrize("label", [
    # telephony status labels
    "WIRELESS CALLER", "TOLL FREE", "UNAVAILABLE", "PRIVATE CALLER", "CELL PHONE",
    "ANONYMOUS", "UNKNOWN NAME", "BLOCKED", "OUT OF AREA", "NAME UNAVAILABLE",
    # places: a city and a state or province code
    "SAN FRANCISCO CA", "NEW YORK NY", "TORONTO ON", "ST LOUIS MO",
    # businesses, numbers, single words, blanks
    "ACME INC", "CITY OF BOSTON", "FIRST NATL BANK", "V123456789", "4155550123",
    "+14155550123", "VERIZON", "SMITH", "J K", "", "   ", None,
])
def test_labels_that_are_not_a_person_give_none(label):
    assert caller_name_from_cnam(label) is None
