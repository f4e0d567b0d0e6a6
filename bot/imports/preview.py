"""The preview step: the first rows as they will be stored, each problem flagged on its cell."""

from __future__ import annotations

from bot.contacts import UpsertResult
from bot.imports.reader import ParsedFile
from bot.imports.rows import row_to_input
from bot.imports.rules import meets_row_rules
from bot.records import PreparedContact, Problem, prepare_contact

CHECKED_ROWS = 1000
# Which mapping targets a problem's field can come from, to flag the right cell.
_FIELD_TARGETS = {"name": ("full_name", "first_name", "last_name", "middle_name"),
                  "phone": ("phone:",), "email": ("email",), "tag": ("tags",),
                  "facebook": ("facebook",), "instagram": ("instagram",),
                  "company": ("company",), "notes": ("notes",)}


def preview_rows(parsed: ParsedFile, mapping: list[str], region: str, limit: int = 10) -> dict:
    """The first `limit` rows as stored, with problems per cell, and how many of the first
    CHECKED_ROWS rows will fail."""
    sample, failing = [], 0
    checked = min(CHECKED_ROWS, parsed.row_count)
    for position in range(checked):
        cells, line = parsed.rows[position], parsed.lines[position]
        data = row_to_input(cells, parsed.headers, mapping, line)
        record, problems = prepare_contact(data, region, strict=False)
        result = UpsertResult(line, "rejected" if record is None else "unchanged", problems=problems)
        meets_row_rules(record, data, result)
        failing += result.outcome == "rejected"
        if position < limit:
            sample.append(_row_view(line, cells, parsed.headers, mapping, record, result))
    return {"rows": sample, "checked_rows": checked, "failing_rows": failing,
            "total_rows": parsed.row_count}


def _row_view(line: int, cells: list[str], headers: list[str], mapping: list[str],
              record: PreparedContact | None, result: UpsertResult) -> dict:
    return {
        "line": line,
        "stored": _stored(record) if result.outcome != "rejected" else None,
        "will_fail": result.outcome == "rejected",
        "reason": result.reason or None,
        "problems": [_flag(p, cells, headers, mapping) for p in result.problems],
    }


def _stored(record: PreparedContact | None) -> dict | None:
    if record is None:
        return None
    return {
        "name": record.name, "company": record.company, "notes": record.notes,
        "phones": [{"number": v, "label": record.phone_labels.get(v)}
                   for k, v in record.identities if k == "phone"],
        "emails": [record.emails[v] for k, v in record.identities if k == "email"],
        "facebook": next((v for k, v in record.identities if k == "facebook"), None),
        "instagram": next((v for k, v in record.identities if k == "instagram"), None),
        "tags": record.tags, "properties": record.properties,
    }


def _flag(problem: Problem, cells: list[str], headers: list[str], mapping: list[str]) -> dict:
    """Find the column the problem's value came from."""
    family = problem.field.split(" ")[0]
    prefixes = _FIELD_TARGETS.get(family, (f"property:{family}", f"new_property:{family}:"))
    column = None
    for index, target in enumerate(mapping):
        if target.startswith(prefixes) and (not problem.value or problem.value in cells[index]):
            column = headers[index]
            break
    return {"column": column, "field": problem.field, "value": problem.value,
            "reason": problem.reason}
