"""Read a carrier caller-name (CNAM) label: a person's name in display order, or None."""

from __future__ import annotations

import re

from nlp.name_text import format_name
from nlp.name_words import PARTICLES

# CNAM is at most 15 characters, upper-case, and written "LAST FIRST" or "LAST,FIRST".
# When it is not a person it is one of a few kinds of label, each recognised by a rule:
#   * telephony status words ("WIRELESS CALLER", "TOLL FREE", "UNAVAILABLE", "PRIVATE");
#   * a place: "CITY ST", ending in a US state or Canadian province code;
#   * a business: a word that names an organisation ("ACME INC", "CITY DENTAL CLINIC");
#   * digits (a number in place of a name), or a single word ("VERIZON", "SMITH").
_TELEPHONY_WORDS = frozenset("""
    caller callers calling call calls wireless cell cellular mobile phone phones telephone tel
    toll free unavailable unknown private anonymous restricted blocked withheld unlisted
    nonpublished non-published nonpub name number num out area incoming payphone pay
    voip voice spam scam likely potential suspected telemarketer robocall fraud info
    information customer not available none null unnamed subscriber prepaid international
    intl line landline
""".split())
_ORGANISATION_WORDS = frozenset("""
    inc llc ltd llp corp co company corporation bank services service svc svcs center centre
    ctr hospital clinic medical med dental health care school schools university univ college
    church government govt dept department office offices pharmacy store stores market
    insurance ins group assoc association auto motors law legal travel hotel county city
    state federal national natl us usa america american the and of for at restaurant cafe
    pizza salon realty credit union utilities energy electric gas water police fire
""".split())
_REGION_CODES = frozenset("""
    al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh
    nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr vi gu as mp
    ab bc mb nb nl ns nt nu on pe qc sk yt
""".split())
_WORD = re.compile(r"^[^\W\d_]+(?:['\-.][^\W\d_]+)*\.?$")
_MAX_WORDS = 4


def caller_name_from_cnam(label: str | None) -> str | None:
    """Return the person's name a CNAM label carries, in display order ("SMITH JOHN" ->
    "John Smith"), or None when the label is not a person's name.

    Upper-case labels follow the CNAM convention, surname first ("SMITH,JOHN A" ->
    "John A Smith"; leading particles stay with the surname: "DE LA CRUZ MARIA" ->
    "Maria de la Cruz"). Mixed-case labels are taken as already in display order.
    Status labels, places ("SAN FRANCISCO CA"), businesses, numbers and single words
    give None. Never raises.
    """
    if not label:
        return None
    text = " ".join(label.replace("\u2019", "'").split())
    surname_part, comma, given_part = text.partition(",")
    words = (surname_part + " " + given_part).split() if comma else text.split()
    if not _looks_personal(words):
        return None
    if comma:
        return _reorder(surname_part.split(), given_part.split())
    if not text.isupper():
        return " ".join(words)
    surname_len = _surname_length(words)
    return _reorder(words[:surname_len], words[surname_len:])


def _looks_personal(words: list[str]) -> bool:
    if not 2 <= len(words) <= _MAX_WORDS:
        return False
    lowered = [w.lower().strip(".") for w in words]
    if any(not _WORD.match(w) for w in words):
        return False
    if any(w in _TELEPHONY_WORDS or w in _ORGANISATION_WORDS for w in lowered):
        return False
    # "CITY ST": a place label ends in a two-letter state or province code.
    if lowered[-1] in _REGION_CODES and len(words[-1].strip(".")) == 2:
        return False
    # A name needs at least one word longer than an initial.
    return any(len(w) > 1 and w not in PARTICLES for w in lowered)


def _surname_length(words: list[str]) -> int:
    length = 1
    while length < len(words) - 1 and words[length - 1].lower() in PARTICLES:
        length += 1
    return length


def _reorder(surname: list[str], given: list[str]) -> str | None:
    if not surname or not given:
        return None
    words = given + surname
    if not (words[0].isupper() or words[0].islower()):
        return " ".join(words)
    formatted = format_name([w.lower() for w in words])
    # format_name keeps a leading particle capitalised; CNAM surnames keep them lower-case.
    parts = formatted.split()
    first_surname = len(given)
    for i in range(first_surname, len(parts) - 1):
        if parts[i].lower() in PARTICLES:
            parts[i] = parts[i].lower()
    return " ".join(parts)
