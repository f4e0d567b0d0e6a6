"""The error file of an import: failed rows as uploaded, with line and reason, formulas neutralised."""

from __future__ import annotations

import csv
import io

# A spreadsheet runs a cell that starts with one of these; a leading apostrophe stops it.
_ACTIVE_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet shows but never evaluates."""
    return "'" + cell if cell.startswith(_ACTIVE_PREFIXES) else cell


def error_report_csv(headers: list[str], failures: list[tuple[int, list[str], str]]) -> str:
    """CSV text: the file's headers plus "line" and "reason", then each failed row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers] + ["line", "reason"])
    for line, values, reason in failures:
        writer.writerow([neutralise(v) for v in values] + [str(line), neutralise(reason)])
    return out.getvalue()
