"""Checks on a parsed CSV's shape: the header row, blank and ragged columns, footers."""

from __future__ import annotations

import re

from bot.errors import ImportFileError

MAX_FOOTER_LINES = 10
MAX_FOOTER_CHARS = 200
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
# Numbers, phone numbers, dates and times: what a data row holds and a header never does.
_NUMERIC = re.compile(r"^[+(]?[\d\s().,:/+\-]*\d[\d\s().,:/+\-]*$")


def column_name(index: int) -> str:
    """'column 3 (C)' for the 0-based index 2: the number and the spreadsheet letter."""
    n, letters = index + 1, ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return f"column {index + 1} ({letters})"


def is_blank(record: list[str]) -> bool:
    """True for a record with no cells or only empty cells."""
    return not any(cell.strip() for cell in record)


def check_header(header: list[str], line: int) -> list[str]:
    """Return the cleaned header; raise ImportFileError if it is data or has duplicate names."""
    names = [cell.strip().lstrip("\ufeff").strip() for cell in header]
    filled = [name for name in names if name]
    data_like = [name for name in filled if _EMAIL.match(name) or _NUMERIC.match(name)]
    if any(_EMAIL.match(name) for name in filled) or len(data_like) * 2 > len(filled):
        shown = ", ".join(repr(value) for value in data_like[:3])
        raise ImportFileError(
            f"the first row holds values ({shown}), not column names, so the header row is "
            "missing; add a first row with column names (for example Name, Email, Phone) "
            "and upload again",
            line=line,
        )
    seen: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if name:
            seen.setdefault(name.casefold(), []).append(index)
    duplicates = [places for places in seen.values() if len(places) > 1]
    if duplicates:
        parts = [
            f"{names[places[0]]!r} ({', '.join(column_name(i) for i in places)})"
            for places in duplicates
        ]
        raise ImportFileError(
            "duplicate column names: " + "; ".join(parts)
            + "; give each column its own name and upload again",
            line=line,
        )
    return names


def split_footer(records: list[list[str]], lines: list[int]) -> tuple[int, str | None]:
    """Find a report footer: a blank line then at most 10 short one-cell lines at the end.

    `records` are the data records (blank ones included, trailing blanks already removed).
    Returns (number of records to keep, a note or None).
    """
    for back in range(1, min(MAX_FOOTER_LINES, len(records) - 1) + 1):
        index = len(records) - back - 1
        if not is_blank(records[index]):
            continue
        tail = records[index + 1:]
        if index > 0 and all(_is_footer_line(record) for record in tail):
            first = tail[0][0].strip()
            note = (
                f"ignored {len(tail)} line(s) after the blank line {lines[index]} "
                f"(lines {lines[index + 1]}–{lines[-1]}, starting {first!r}): they look like "
                "a report footer, not contacts"
            )
            return index, note
        return len(records), None
    return len(records), None


def _is_footer_line(record: list[str]) -> bool:
    filled = [cell for cell in record if cell.strip()]
    return (
        len(filled) == 1
        and bool(record[0].strip())
        and len(record[0]) <= MAX_FOOTER_CHARS
        and "\n" not in record[0]
    )


def ragged_error(
    line: int, cells: int, width: int, extra: str, more: list[int], delimiter: str
) -> ImportFileError:
    """The error for a record with non-empty cells beyond the header's last column."""
    also = ""
    if more:
        shown = ", ".join(str(n) for n in more[:5])
        also = f" (also lines {shown}{' and more' if len(more) > 5 else ''})"
    return ImportFileError(
        f"this row has {cells} cells but the header has {width} columns; the extra cell holds "
        f"{extra!r}{also}. A value probably contains the delimiter ({delimiter}) without "
        "quotes: put quotes around it, or add a column name for the extra data, and upload "
        "again",
        line=line,
    )


def short_rows_note(short_lines: list[int]) -> str:
    """The note for rows with fewer cells than the header, which are padded with empty cells."""
    shown = ", ".join(str(n) for n in short_lines[:10])
    more = f" and {len(short_lines) - 10} more" if len(short_lines) > 10 else ""
    return (
        f"{len(short_lines)} row(s) had fewer cells than the header (lines {shown}{more}); "
        "the missing cells were read as empty"
    )
