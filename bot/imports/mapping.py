"""The map step of a CSV import: which contact field each column fills."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot.errors import ValidationError
from bot.imports import headers as known
from bot.imports.values import (
    EMPTY_DATES,
    are_salutations,
    column_kind,
    guess_type,
    profile_kind,
    snake_key,
)

SKIP = "skip"
PROPERTY_TYPES = ("text", "number", "date", "boolean")
FIELD_TARGETS = (
    "full_name", "first_name", "last_name", "middle_name",
    "phone:mobile", "phone:work", "phone:home", "phone:other",
    "email", "company", "tags", "facebook", "instagram", "notes",
)
# Targets several columns may share; every other target takes one column at most.
MULTI_TARGETS = frozenset({"phone:mobile", "phone:work", "phone:home", "phone:other",
                           "email", "tags", "notes"})
NAME_TARGETS = frozenset({"full_name", "first_name", "last_name"})
CONTACT_TARGETS = frozenset({"phone:mobile", "phone:work", "phone:home", "phone:other",
                             "email"})
SAMPLE_ROWS = 2000
FUZZY_CUTOFF = 88
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_FUZZY_CHOICES = tuple(name for name, target in known.KNOWN.items() if len(name) > 4)


def suggest_mapping(
    headers: list[str], rows: list[list[str]], existing_properties: Sequence[str] = ()
) -> list[str]:
    """Suggest a target for every column, from its header first and its values second.

    Rules, first match wins (values are the non-empty cells of the first 2,000 rows):
    1. Known header names of Google, Outlook, HubSpot, Mailchimp, Salesforce, Zendesk,
       Intercom and vcfconvert exports and their common synonyms (`headers.KNOWN`),
       Google's numbered groups ("Phone 1 - Value" is a phone, every "- Label" skip) and
       address parts ("Home City" -> new_property:home_city:text). Value checks refine
       three of them: "Title" holding salutations is skip, else job_title; a web page
       column of Facebook/Instagram profile URLs is facebook/instagram; dates holding
       only Outlook's empty "0/0/00" are skip.
    2. A header equal to an existing property's key is that property.
    3. Ids, IP addresses and timestamps of the exporting system (a header word such as
       id, ip, created, date, time, seen) are skip.
    4. Values: 80% emails -> email, formatted phone numbers -> phone:other, Facebook or
       Instagram profile URLs -> facebook / instagram.
    5. A close spelling (rapidfuzz ratio >= 88) of a known header takes its target.
    6. Any other column with values -> new_property:<snake_key>:<type guessed from values>;
       an empty one -> skip.
    A new_property whose key is an existing property becomes property:<key>; a
    single-column target already taken by an earlier column falls back to rule 6.
    """
    existing = {snake_key(name): name for name in existing_properties}
    mapping: list[str] = []
    taken: set[str] = set()
    for index, header in enumerate(headers):
        values = _sample(rows, index)
        target = _suggest(header, values, existing)
        if _claim(target, taken) is None:
            target = _fallback(header, values, existing)
            if _claim(target, taken) is None:
                target = SKIP
        mapping.append(target)
    return mapping


def _suggest(header: str, values: list[str], existing: dict[str, str]) -> str:
    name = known.normalize_header(header)
    target = _known_target(name, values)
    if target is not None:
        return _as_property(target, values, existing)
    if snake_key(header) in existing:
        return f"property:{existing[snake_key(header)]}"
    if set(name.split()) & known.SYSTEM_WORDS:
        return SKIP
    kind = column_kind(values)
    if kind is not None:
        return "phone:other" if kind == "phone" else kind
    if name in known.WEAK:
        return known.WEAK[name]
    match = process.extractOne(name, _FUZZY_CHOICES, scorer=fuzz.ratio,
                               score_cutoff=FUZZY_CUTOFF)
    if match is not None:
        return _as_property(_resolve(known.KNOWN[match[0]], values), values, existing)
    return _fallback(header, values, existing)


def _known_target(name: str, values: list[str]) -> str | None:
    if name in known.KNOWN:
        return _resolve(known.KNOWN[name], values)
    group = known.GOOGLE_GROUP.match(name)
    if group and group.group("kind") in known.GOOGLE_KINDS:
        return _resolve(known.google_target(group.group("kind"), group.group("part")), values)
    address = known.ADDRESS.match(name)
    if address:
        return known.address_target(address)
    return None


def _resolve(target: str, values: list[str]) -> str:
    """Settle the value-dependent markers of the header table."""
    if target == known.TITLE:
        return SKIP if are_salutations(values) else "new_property:job_title:text"
    if target == known.WEBSITE:
        return profile_kind(values) or "new_property:website:text"
    return target


def _as_property(target: str, values: list[str], existing: dict[str, str]) -> str:
    if not target.startswith("new_property:"):
        return target
    real = [value for value in values if value not in EMPTY_DATES]
    if not real:
        return SKIP  # a property nobody would fill
    key = target.split(":")[1]
    return f"property:{existing[key]}" if key in existing else target


def _fallback(header: str, values: list[str], existing: dict[str, str]) -> str:
    key = snake_key(header)
    real = [value for value in values if value not in EMPTY_DATES]
    if not key or not real:
        return SKIP
    if key in existing:
        return f"property:{existing[key]}"
    return f"new_property:{key}:{guess_type(real)}"


def _claim(target: str, taken: set[str]) -> str | None:
    """Reserve a single-column target; None if an earlier column already holds it."""
    if target == SKIP or target in MULTI_TARGETS:
        return target
    slot = _slot(target)
    if slot in taken:
        return None
    taken.add(slot)
    return target


def _sample(rows: list[list[str]], index: int) -> list[str]:
    return [
        value for row in rows[:SAMPLE_ROWS] if index < len(row) and (value := row[index].strip())
    ]


def _slot(target: str) -> str:
    """What a single-column target occupies: property and new_property share the key."""
    if target.startswith(("property:", "new_property:")):
        return "property:" + target.split(":")[1]
    return target


def target_problem(target: str) -> str | None:
    """Why `target` is not a valid mapping target, or None if it is."""
    if target == SKIP or target in FIELD_TARGETS:
        return None
    parts = target.split(":")
    if parts[0] == "property" and len(parts) == 2 and parts[1].strip():
        return None
    if parts[0] == "new_property" and len(parts) == 3:
        if not _KEY.match(parts[1]):
            return (f"{parts[1]!r} is not a property key; use lower-case letters, digits "
                    "and '_', starting with a letter")
        if parts[2] not in PROPERTY_TYPES:
            return f"{parts[2]!r} is not a property type; use one of {', '.join(PROPERTY_TYPES)}"
        return None
    return (f"unknown target {target!r}; use skip, one of {', '.join(FIELD_TARGETS)}, "
            "property:<key> or new_property:<key>:<type>")


def validate_mapping(headers: list[str], mapping: list[str]) -> list[str]:
    """Return every problem of `mapping` (one target per header); empty when it can run.

    It needs a name (full_name, first_name or last_name) and at least one phone or email
    column; targets must be known; single-column targets (all but phones, email, tags
    and notes) and property keys may be used once.
    """
    if len(mapping) != len(headers):
        return [f"the mapping has {len(mapping)} targets but the file has {len(headers)} "
                "columns; give one target per column"]
    errors = [
        f"column {header!r}: {problem}"
        for header, target in zip(headers, mapping, strict=True)
        if (problem := target_problem(target))
    ]
    users: dict[str, list[str]] = {}
    for header, target in zip(headers, mapping, strict=True):
        if target != SKIP and target not in MULTI_TARGETS and not target_problem(target):
            users.setdefault(_slot(target), []).append(header)
    errors += [
        f"{slot} is mapped from more than one column ({', '.join(map(repr, names))}); "
        "keep one and set the others to skip"
        for slot, names in users.items() if len(names) > 1
    ]
    used = set(mapping)
    if not used & NAME_TARGETS:
        errors.append("no column is mapped to a name: map one column to full_name, or "
                      "columns to first_name and last_name")
    if not used & CONTACT_TARGETS:
        errors.append("no column is mapped to a phone or an email: map at least one column "
                      "to phone:mobile, phone:work, phone:home, phone:other or email")
    return errors


def parse_mapping_overrides(pairs: list[str], headers: list[str]) -> dict[str, str]:
    """Parse "Header=target" strings (CLI/API) into {header as in the file: target}.

    Headers match ignoring case and surrounding spaces; the split is at the last '='.
    Raises ValidationError listing every unknown header (with the file's headers),
    malformed pair and unknown target.
    """
    by_name = {header.strip().casefold(): header for header in headers}
    overrides: dict[str, str] = {}
    problems: list[str] = []
    for pair in pairs:
        name, sep, target = pair.rpartition("=")
        target = target.strip()
        header = by_name.get(name.strip().casefold())
        if not sep:
            problems.append(f"{pair!r} is not Header=target")
        elif header is None:
            listed = ", ".join(repr(h) for h in headers)
            problems.append(f"there is no column {name.strip()!r}; the columns are {listed}")
        elif problem := target_problem(target):
            problems.append(f"column {header!r}: {problem}")
        else:
            overrides[header] = target
    if problems:
        raise ValidationError({"mapping": problems})
    return overrides
