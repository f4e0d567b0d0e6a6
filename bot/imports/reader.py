"""The read step of a CSV import: bytes in, a checked table of strings out."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from bot.errors import ImportFileError
from bot.imports.decoding import decode_bytes
from bot.imports.filetypes import SAVE_AS_CSV, describe_text_kind, refuse_binary
from bot.imports.layout import (
    check_header,
    column_name,
    is_blank,
    ragged_error,
    short_rows_note,
    split_footer,
)

MAX_IMPORT_BYTES = 10 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 200


@dataclass
class ParsedFile:
    """A CSV file read into a header and rows of equal length.

    `lines[i]` is the physical line (1-based) on which `rows[i]` starts; `notes` say what
    was ignored or repaired on the way (empty columns, short rows, a footer).
    """

    encoding: str
    bom: bool
    delimiter: str
    headers: list[str]
    rows: list[list[str]]
    lines: list[int]
    notes: list[str] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        """Number of data rows (blank lines and footers not counted)."""
        return len(self.rows)


def check_size(n: int) -> None:
    """Raise ImportFileError if a file of `n` bytes is over MAX_IMPORT_BYTES."""
    if n > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"the file is {n:,} bytes ({n / 1024 / 1024:.1f} MiB) and the limit is "
            f"{MAX_IMPORT_BYTES:,} bytes (10 MiB); split it into smaller files and upload "
            "each one"
        )


def read_csv(data: bytes, filename: str | None = None) -> ParsedFile:
    """Read an uploaded CSV file into a ParsedFile.

    Steps: size limit; refuse known non-CSV formats and binary data by their bytes;
    decode (see `decode_bytes`); detect the delimiter among comma, semicolon, tab, pipe;
    parse with the csv module; then check the shape:

    - leading blank lines are skipped (the header is the first non-blank line);
    - the header must not look like data, and names must be unique (case-insensitive);
    - a column with a blank header is an error if any row has a value in it, else it is
      dropped with a note (spreadsheets leave such columns at the end);
    - a row with more cells than the header: extra empty cells are dropped, an extra
      non-empty cell is an error naming the line (an unquoted delimiter split a value);
    - a row with fewer cells than the header is padded with empty cells, with a note;
    - blank lines between rows and at the end are skipped; a block of at most 10 one-cell
      lines after a final blank line (a report footer, as Salesforce writes) is skipped
      with a note;
    - a header with no data rows is an error.

    Raises ImportFileError with the line (and column) at fault. `filename` only adds
    context to messages.
    """
    check_size(len(data))
    refuse_binary(data)
    decoded = decode_bytes(data)
    text = decoded.text
    if not text.strip():
        raise ImportFileError(_named(filename, "is empty; export the contacts again"))
    delimiter = detect_delimiter(text)
    records, starts = _parse(text, delimiter)
    headers, rows, lines, notes = _shape(records, starts, delimiter)
    return ParsedFile(decoded.encoding, decoded.bom, delimiter, headers, rows, lines, notes)


def detect_delimiter(text: str) -> str:
    """Pick the delimiter whose split of the first records is most consistent.

    Each candidate parses (quote-aware) the first 64 KiB; it needs at least two header
    cells; the best has the largest share of records as wide as its header, then the
    widest header; ties go to the earlier of comma, semicolon, tab, pipe.
    Raises ImportFileError for text that no candidate splits into columns.
    """
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > len(sample)
    best: tuple[float, int] | None = None
    chosen = None
    for delimiter in DELIMITERS:
        score = _delimiter_score(sample, delimiter, truncated)
        if score is not None and (best is None or score > best):
            best, chosen = score, delimiter
    if chosen is None:
        kind = describe_text_kind(text)
        if kind:
            raise ImportFileError(f"this file looks like {kind}")
        raise ImportFileError(
            "this file has no columns: no line is split by commas, semicolons, tabs or "
            f"pipes, so it looks like plain text rather than a CSV export; {SAVE_AS_CSV}",
            line=1,
        )
    return chosen


def _delimiter_score(sample: str, delimiter: str, truncated: bool) -> tuple[float, int] | None:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        records = [r for r in reader if not is_blank(r)][: _SNIFF_RECORDS + 1]
    except csv.Error:
        return None
    if truncated and len(records) > 1:
        records = records[:-1]  # may be cut in the middle
    if not records or len(records[0]) < 2:
        return None
    width = len(records[0])
    body = records[1:] or records
    consistent = sum(1 for record in body if len(record) == width) / len(body)
    return round(consistent, 2), width


def _parse(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """Records and the physical line each starts on (lines split at \\n, \\r\\n or \\r)."""
    physical = text.count("\n") + text.count("\r") - text.count("\r\n")
    physical += not text.endswith(("\n", "\r"))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        records = None  # the tracked parse below names the line
    if records is not None and len(records) == physical:
        # No cell spans lines, so record i starts on line i + 1: skip the slower tracking.
        return records, list(range(1, physical + 1))
    return _parse_tracked(text, delimiter)


def _parse_tracked(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    starts: list[int] = []
    start = 1
    try:
        for record in reader:
            records.append(record)
            starts.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(
            f"this line cannot be read as CSV ({error}); a quote may be missing or "
            "misplaced",
            line=start,
        ) from None
    _check_last_quote(text, starts, reader.line_num)
    return records, starts


def _check_last_quote(text: str, starts: list[int], last_line: int) -> None:
    """An unclosed quote swallows the rest of the file into one cell; say where it opened."""
    if not starts or last_line == starts[-1]:
        return
    tail = io.StringIO(text, newline="").readlines()[starts[-1] - 1:]
    if sum(line.count('"') for line in tail) % 2:
        raise ImportFileError(
            "a quoted value starts here and is never closed, so the rest of the file "
            f"({last_line - starts[-1] + 1} lines) would be read as one cell; add the "
            "missing quote and upload again",
            line=starts[-1],
        )


def _shape(
    records: list[list[str]], starts: list[int], delimiter: str
) -> tuple[list[str], list[list[str]], list[int], list[str]]:
    first = next((i for i, record in enumerate(records) if not is_blank(record)), None)
    if first is None:
        raise ImportFileError("the file holds no rows; export the contacts again")
    notes: list[str] = []
    header = check_header(records[first], starts[first])
    body, lines = records[first + 1:], starts[first + 1:]
    while body and is_blank(body[-1]):
        body.pop()
        lines.pop()
    keep, footer_note = split_footer(body, lines)
    if footer_note:
        notes.append(footer_note)
        body, lines = body[:keep], lines[:keep]
    # `not any(record)` is the fast test; whitespace-only cells need is_blank.
    blank = [
        i for i, record in enumerate(body)
        if not any(record) or (not record[0].strip() and is_blank(record))
    ]
    if blank:
        notes.append(f"skipped {len(blank)} blank line(s) between rows (line {lines[blank[0]]}…)")
        skip = set(blank)
        body = [record for i, record in enumerate(body) if i not in skip]
        lines = [line for i, line in enumerate(lines) if i not in skip]
    if not body:
        raise ImportFileError("the file has a header row but no contacts below it",
                              line=starts[first])
    headers, rows = _fit_rows(header, body, lines, notes, delimiter)
    return headers, rows, lines, notes


def _fit_rows(
    header: list[str], body: list[list[str]], lines: list[int], notes: list[str],
    delimiter: str,
) -> tuple[list[str], list[list[str]]]:
    width = len(header)
    unnamed = [i for i, name in enumerate(header) if not name]
    if not unnamed and set(map(len, body)) == {width}:
        return header, body  # the common case: every row as wide as the header
    extra_lines, short_lines, first_extra = _scan_widths(body, lines, width, unnamed)
    if first_extra:
        line, cells, extra = first_extra
        raise ragged_error(
            line, cells, width, extra, extra_lines[1:], _DELIMITER_NAMES[delimiter]
        )
    if short_lines:
        notes.append(short_rows_note(short_lines))
    dropped = set(unnamed)
    keep = [i for i in range(width) if i not in dropped]
    if unnamed:
        notes.append(
            f"ignored {len(unnamed)} empty column(s) without a name: "
            + ", ".join(column_name(i) for i in unnamed)
        )
    return [header[i] for i in keep], _pad(body, width, keep if unnamed else None)


def _scan_widths(
    body: list[list[str]], lines: list[int], width: int, unnamed: list[int]
) -> tuple[list[int], list[int], tuple[int, int, str] | None]:
    """Lines with extra values, lines too short, and the first extra value found.

    Raises ImportFileError for a value under a column without a name.
    """
    extra_lines: list[int] = []
    short_lines: list[int] = []
    first_extra: tuple[int, int, str] | None = None
    for record, line in zip(body, lines, strict=True):
        cells = len(record)
        if cells > width:
            extra = next((c for c in record[width:] if c.strip()), None)
            if extra is not None:
                extra_lines.append(line)
                first_extra = first_extra or (line, cells, extra)
        elif cells < width:
            short_lines.append(line)
        for index in unnamed:
            if index < cells and record[index].strip():
                raise ImportFileError(
                    f"{column_name(index)} has no name in the header row but holds "
                    f"{record[index].strip()!r}; add a column name or delete the column, "
                    "and upload again",
                    line=line,
                )
    return extra_lines, short_lines, first_extra


def _pad(body: list[list[str]], width: int, keep: list[int] | None) -> list[list[str]]:
    rows = []
    for record in body:
        cells = len(record)
        if cells < width:
            record = record + [""] * (width - cells)
        elif cells > width:
            record = record[:width]
        rows.append(record if keep is None else [record[i] for i in keep])
    return rows


def _named(filename: str | None, message: str) -> str:
    return f"{filename!r} {message}" if filename else f"the file {message}"
