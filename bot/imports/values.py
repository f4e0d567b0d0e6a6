"""What a column's values look like: emails, phones, profile URLs, dates, numbers, flags."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^\W\d_]{2,}$")
# A written phone number: digits with the usual separators and maybe an extension.
_PHONE = re.compile(
    r"^\+?[\d(][\d\s().\-/]{5,}(?:,?\s*(?:x|ext\.?|extension|poste|#)\s*\d{1,6})?$", re.IGNORECASE
)
_PHONE_SEPARATOR = re.compile(r"^\+|[\s().\-/]")
# Look like phones to the pattern above but are not: IP addresses and decimals.
_NOT_PHONE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){3}|[+-]?\d+[.,]\d+)$")
_FACEBOOK_URL = re.compile(r"^(?:https?://)?(?:www\.|m\.)?(?:facebook|fb)\.com/", re.IGNORECASE)
_INSTAGRAM_URL = re.compile(r"^(?:https?://)?(?:www\.)?instagram\.com/", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DATE = re.compile(
    r"^(?:\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"  # 2024-01-31 [10:15[:00]]
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"  # 1/31/2024, 31.01.24
    r"|\d{1,2}/\d{1,2}"  # Mailchimp's MM/DD birthday
    r"|--\d{2}-\d{2})$"  # Google's birthday without a year
)
_BOOLEANS = frozenset({"true", "false", "yes", "no", "y", "n"})
_SALUTATIONS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "lic", "ing", "herr",
    "frau", "m", "mme", "mlle", "sr", "sra", "srta", "rev", "hon",
})
# Outlook writes an empty date as 0/0/00; it is no value.
EMPTY_DATES = frozenset({"0/0/00", "0/0/0000", "00/00/0000"})
STRONG_SHARE = 0.8


def looks_like_phone(value: str) -> bool:
    """A formatted phone number: 7–18 digits with '+', spaces, dashes, dots or brackets.

    Bare digit strings are not counted: they are as often ids, postal codes or amounts;
    nor are dates, IP addresses and decimals.
    """
    if not _PHONE.match(value) or _NOT_PHONE.match(value) or _DATE.match(value):
        return False
    digits = sum(char.isdigit() for char in value)
    body = re.split(r"(?i),?\s*(?:x|ext|extension|poste|#)", value)[0]
    return 7 <= digits <= 18 and bool(_PHONE_SEPARATOR.search(body.strip()))


def share(values: Sequence[str], test) -> float:
    """The fraction of `values` for which `test` is true (0 for none)."""
    return sum(1 for value in values if test(value)) / len(values) if values else 0.0


def column_kind(values: Sequence[str]) -> str | None:
    """'email', 'phone', 'facebook' or 'instagram' when at least 80% of values are that."""
    tests = (
        ("email", EMAIL.match),
        ("phone", looks_like_phone),
        ("facebook", _FACEBOOK_URL.match),
        ("instagram", _INSTAGRAM_URL.match),
    )
    for kind, test in tests:
        if share(values, test) >= STRONG_SHARE:
            return kind
    return None


def profile_kind(values: Sequence[str]) -> str | None:
    """'facebook' or 'instagram' when every value is a profile URL of that site."""
    if values and all(_FACEBOOK_URL.match(value) for value in values):
        return "facebook"
    if values and all(_INSTAGRAM_URL.match(value) for value in values):
        return "instagram"
    return None


def are_salutations(values: Sequence[str]) -> bool:
    """True when most values are forms of address (Mr., Dr, Mme …), not job titles."""
    return share(values, lambda v: v.rstrip(".").casefold() in _SALUTATIONS) >= STRONG_SHARE


def guess_type(values: Sequence[str]) -> str:
    """A property type for `values`: boolean, number, date, else text (also for none).

    Numbers with a leading zero (postal codes, phone-like ids) stay text.
    """
    if not values:
        return "text"
    if all(value.casefold() in _BOOLEANS for value in values):
        return "boolean"
    if all(_NUMBER.match(value) and not _leading_zero(value) for value in values):
        return "number"
    if all(_DATE.match(value) for value in values):
        return "date"
    return "text"


def _leading_zero(value: str) -> bool:
    digits = value.lstrip("+-")
    return len(digits) > 1 and digits[0] == "0" and digits[1] != "."


def snake_key(text: str) -> str:
    """A property key from a header: ASCII, lower case, words joined by '_' (≤ 64 chars)."""
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    )
    key = re.sub(r"[^a-z0-9]+", "_", ascii_text.casefold()).strip("_")[:64].rstrip("_")
    if key and key[0].isdigit():
        key = f"field_{key}"[:64]
    return key
