"""Assemble one CSV row into the write path's ContactInput, following a mapping."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from bot.imports.values import EMPTY_DATES
from bot.records import ContactInput

# Several values in one cell: Google joins them with " ::: "; people use ";" or ",".
_EMAIL_SPLIT = re.compile(r"\s*(?: ::: |[;,])\s*")
# A comma splits phones only before another number: "(415) 555-0168, ext 215" is one.
_PHONE_SPLIT = re.compile(r"\s*(?: ::: |;|,(?=\s*[+(\d]))\s*")
# Zendesk writes tags as lower-case words separated by spaces.
_SPACED_TAGS = re.compile(r"^[a-z0-9_\-]+(?:\s+[a-z0-9_\-]+)+$")
# Google's system groups, with "* " in Google CSV and without it in its Outlook CSV.
_SYSTEM_GROUPS = frozenset({"mycontacts", "starred"})
_GOOGLE_VALUE = re.compile(r"^(?P<group>.+?\d+)\s*-\s*Value$", re.IGNORECASE)
_ROW_LABELS = {"mobile": "mobile", "cell": "mobile", "work": "work", "business": "work",
               "home": "home", "main": "other", "other": "other"}


@dataclass(frozen=True)
class _Plan:
    """Which columns feed which field, worked out once per (headers, mapping)."""

    width: int
    full_name: int | None
    name_parts: tuple[int, ...]  # first, middle, last in that order
    phones: tuple[tuple[int, str, int | None], ...]  # (column, label, row-label column)
    emails: tuple[int, ...]
    company: int | None
    facebook: int | None
    instagram: int | None
    notes: tuple[int, ...]
    tags: tuple[int, ...]
    properties: tuple[tuple[int, str], ...]  # (column, property key)


def row_to_input(
    values: list[str], headers: list[str], mapping: list[str], line: int
) -> ContactInput:
    """Assemble one row (cells as read) into a ContactInput for the write path.

    - name: the full_name cell, else first, middle and last names joined by spaces;
    - phones: one (raw, label) per number, label from the target (phone:<label>); a
      Google "Phone N - Value" column takes each row's label from "Phone N - Label"
      (Mobile, Work, Home, Main/Other) and drops numbers labelled as fax or pager;
    - phones and emails: a cell may hold several, split at " ::: " and ";" (emails
      also at ","; phones at "," only when another number follows);
    - tags: split per cell by `split_tags`;
    - notes from several columns are joined by a blank line;
    - property:<key> and new_property:<key>:<type> cells go to `properties[key]`
      (Outlook's empty date "0/0/00" is no value).
    Values are stripped; empty cells add nothing. Nothing is validated here: the write
    path normalises and reports. ref is `line`, name_source "import".
    """
    plan = _plan_for(headers, mapping)
    cells = values if len(values) >= plan.width else values + [""] * (plan.width - len(values))
    emails = [cells[i].strip() for i in plan.emails]
    tags = [cells[i].strip() for i in plan.tags]
    return ContactInput(
        name=_name(cells, plan),
        name_source="import",
        phones=_phones(cells, plan),
        emails=[e for cell in emails if cell for e in _split(_EMAIL_SPLIT, cell)],
        facebook=_cell(cells, plan.facebook),
        instagram=_cell(cells, plan.instagram),
        company=_cell(cells, plan.company),
        notes="\n\n".join(n for i in plan.notes if (n := cells[i].strip())) or None,
        tags=[tag for cell in tags if cell for tag in split_tags(cell)],
        properties={
            key: value for i, key in plan.properties
            if (value := cells[i].strip()) and value not in EMPTY_DATES
        },
        ref=line,
    )


def split_tags(cell: str) -> list[str]:
    """Split one tags cell: the first rule that applies decides the separator.

    " ::: " (Google), a quoted list "A","B, C" (Mailchimp), ";" (Outlook, HubSpot,
    Salesforce), "," (Intercom and generic files), lower-case words separated by spaces
    (Zendesk), else the whole cell is one tag. Google's system groups ("* myContacts",
    "* starred", and "myContacts"/"starred" in its Outlook CSV) are dropped.
    """
    if " ::: " in cell:
        parts = cell.split(" ::: ")
    elif cell.startswith('"'):
        parts = next(csv.reader([cell]), [])
    elif ";" in cell:
        parts = cell.split(";")
    elif "," in cell:
        parts = cell.split(",")
    elif _SPACED_TAGS.match(cell):
        parts = cell.split()
    else:
        parts = [cell]
    tags = []
    for part in parts:
        tag = part.strip()
        if tag and not tag.startswith("* ") and tag.casefold() not in _SYSTEM_GROUPS:
            tags.append(tag)
    return tags


def _split(pattern: re.Pattern[str], cell: str) -> list[str]:
    # Most cells hold one value: skip the regex when no separator is present.
    if " ::: " in cell or ";" in cell or "," in cell:
        return [part for part in pattern.split(cell) if part]
    return [cell]


def _name(cells: list[str], plan: _Plan) -> str | None:
    if plan.full_name is not None and (full := cells[plan.full_name].strip()):
        return full
    return " ".join(part for i in plan.name_parts if (part := cells[i].strip())) or None


def _phones(cells: list[str], plan: _Plan) -> list[tuple[str, str | None]]:
    phones: list[tuple[str, str | None]] = []
    for index, label, label_index in plan.phones:
        cell = cells[index].strip()
        if not cell:
            continue
        if label_index is not None and (row_label := cells[label_index].strip().casefold()):
            if "fax" in row_label or "pager" in row_label:
                continue
            label = _ROW_LABELS.get(row_label, label)
        phones += [(number, label) for number in _split(_PHONE_SPLIT, cell)]
    return phones


def _cell(cells: list[str], index: int | None) -> str | None:
    return (cells[index].strip() or None) if index is not None else None


_last_plan: list = [None, None, None]  # headers, mapping, plan of the previous call


def _plan_for(headers: list[str], mapping: list[str]) -> _Plan:
    """The plan for this (headers, mapping); consecutive rows of one file reuse it."""
    if mapping == _last_plan[1] and headers == _last_plan[0]:
        return _last_plan[2]
    plan = _plan(tuple(headers), tuple(mapping))
    _last_plan[:] = [list(headers), list(mapping), plan]
    return plan


@lru_cache(maxsize=64)
def _plan(headers: tuple[str, ...], mapping: tuple[str, ...]) -> _Plan:
    def columns(*targets: str) -> tuple[int, ...]:
        return tuple(i for target in targets for i, t in enumerate(mapping) if t == target)

    def first(target: str) -> int | None:
        found = columns(target)
        return found[0] if found else None

    phones = tuple(
        (i, target.split(":")[1], _row_label_column(headers, i))
        for i, target in enumerate(mapping) if target.startswith("phone:")
    )
    properties = tuple(
        (i, target.split(":")[1]) for i, target in enumerate(mapping)
        if target.startswith(("property:", "new_property:"))
    )
    return _Plan(
        width=len(mapping), full_name=first("full_name"),
        name_parts=columns("first_name", "middle_name", "last_name"),
        phones=phones, emails=columns("email"), company=first("company"),
        facebook=first("facebook"), instagram=first("instagram"), notes=columns("notes"),
        tags=columns("tags"), properties=properties,
    )


def _row_label_column(headers: tuple[str, ...], index: int) -> int | None:
    """For Google's "Phone 2 - Value", the column of "Phone 2 - Label"."""
    match = _GOOGLE_VALUE.match(headers[index])
    if not match:
        return None
    wanted = f"{match.group('group')} - label".casefold()
    return next((i for i, h in enumerate(headers) if h.strip().casefold() == wanted), None)
