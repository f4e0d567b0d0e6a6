"""Normalisation of phones, emails and names before anything reaches the database."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

from bot.errors import InvalidEmailError, InvalidPhoneNumberError, InvalidValueError

MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254
MAX_TEXT_LENGTH = 2000
MAX_SOCIAL_LENGTH = 100

_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
# Extensions the way people write them: " x204", " ext. 204", " poste 204", "#204".
_EXTENSION = re.compile(
    r"\s*[,;]?\s*(?:ext\.?|extension|x|poste|durchwahl|#)\s*(\d{1,6})\s*$", re.IGNORECASE
)
# German direct-dial suffix: "030 23125123-45".
_DIRECT_DIAL = re.compile(r"^(.*\d)\s*-\s*(\d{1,5})$")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_ALLOWED_PHONE = re.compile(r"^[\d\s().+\-/]+$")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Phone:
    """A phone number in E.164 with the extension, if one was written."""

    e164: str
    extension: str | None = None


def normalize_phone(raw: str, region: str = "US", field: str = "phone") -> Phone:
    """Parse `raw` into E.164 using `region` for national forms.

    Raises InvalidPhoneNumberError naming the value and what to do about it.
    """
    return _normalize_phone_cached(raw.strip(), region.upper(), field)


@lru_cache(maxsize=65536)
def _normalize_phone_cached(text: str, region: str, field: str) -> Phone:
    if not text:
        raise InvalidPhoneNumberError(text, "is empty", field)
    if _SCIENTIFIC.match(text):
        exact = _exact_scientific(text, region)
        if exact is not None:
            return exact
        raise InvalidPhoneNumberError(
            text,
            "looks like a number a spreadsheet turned into scientific notation and its "
            "digits are lost; format the column as text and export again",
            field,
        )
    body, extension = text, None
    match = _EXTENSION.search(body)
    if match and match.start() > 0:
        body, extension = body[: match.start()], match.group(1)
    if _LETTERS.search(body):
        raise InvalidPhoneNumberError(
            text, "contains letters; write the number with digits only", field
        )
    if not _ALLOWED_PHONE.match(body):
        raise InvalidPhoneNumberError(text, "contains characters a phone number cannot", field)
    parsed = _parse_valid(body, region)
    if parsed is None and extension is None:
        direct = _DIRECT_DIAL.match(body)
        if direct:
            parsed = _parse_valid(direct.group(1), region)
            extension = direct.group(2) if parsed is not None else None
    if parsed is None:
        digits = sum(ch.isdigit() for ch in body)
        if digits < 7:
            reason = "is too short to be a phone number"
        elif body.lstrip().startswith("+"):
            reason = "is not a valid phone number"
        else:
            reason = (
                f"is not a valid {region} number; if it is from another country, "
                "write it with + and its country code"
            )
        raise InvalidPhoneNumberError(text, reason, field)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164, extension or parsed.extension or None)


def _exact_scientific(text: str, region: str) -> Phone | None:
    """A number a spreadsheet wrote as 1.4155550117E+10 with every digit still there."""
    mantissa, _, exponent = text.upper().lstrip("+").partition("E")
    whole, _, fraction = mantissa.replace(",", ".").partition(".")
    digits = (whole + fraction).lstrip("0")
    if not digits or len(fraction) != int(exponent):
        return None  # digits were rounded away (4.47911E+11), or the shape is odd
    for candidate in (digits, "+" + digits):
        parsed = _parse_valid(candidate, region)
        if parsed is not None:
            return Phone(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return None


def _parse_valid(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    direct = _international(text)
    if direct is not None and phonenumbers.is_valid_number(direct):
        return direct
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None


# The plain ASCII addresses that make up nearly every import: a dot-atom local part and
# letter-digit-hyphen domain labels. email-validator accepts exactly these (when the lengths
# fit and the top-level domain is not special-use) and normalises them by lower-casing the
# domain, so they skip its much slower general path; anything else goes through it.
_PLAIN_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_SPECIAL_USE = frozenset(SPECIAL_USE_DOMAIN_NAMES)


def _plain_email(text: str) -> str | None:
    if len(text) > MAX_EMAIL_LENGTH or not _PLAIN_EMAIL.match(text):
        return None
    local, _, domain = text.rpartition("@")
    domain = domain.lower()
    if len(local) > 64 or len(domain) > 253 or "--" in domain:
        return None
    if domain.rpartition(".")[2] in _SPECIAL_USE:
        return None
    return f"{local}@{domain}"


_INTERNATIONAL = re.compile(r"^\+[\d\s().\-/]+$")
_SEPARATORS = str.maketrans("", "", " ()-./\t")


def _international(text: str) -> phonenumbers.PhoneNumber | None:
    """A "+<country code> <number>" string built straight into a PhoneNumber.

    phonenumbers.parse gives the same number for these whenever the digits after the country
    code neither start with 0 nor match the country's national-prefix rule (then it would
    strip or rewrite them); this skips most of its cost. Anything else returns None.
    """
    if not _INTERNATIONAL.match(text):
        return None
    digits = text[1:].translate(_SEPARATORS)
    for size in (1, 2, 3):
        code = int(digits[:size]) if digits[:size].isdigit() else 0
        if code in COUNTRY_CODE_TO_REGION_CODE:
            national = digits[size:]
            break
    else:
        return None
    if not national or national[0] == "0" or len(national) > 17:
        return None
    prefix = _national_prefix_rule(code)
    if prefix is not None and prefix.match(national):
        return None
    return phonenumbers.PhoneNumber(country_code=code, national_number=int(national))


@lru_cache(maxsize=512)
def _national_prefix_rule(code: int) -> re.Pattern | None:
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(
        code, phonenumbers.region_code_for_country_code(code))
    if metadata is None or metadata.national_prefix_for_parsing is None:
        return None
    return re.compile(metadata.national_prefix_for_parsing)


def normalize_email(raw: str, field: str = "email") -> str:
    """Return the normalised address (domain lower-cased, IDNA-checked), no network lookups.

    Raises InvalidEmailError with email-validator's reason.
    """
    text = raw.strip()
    if not text:
        raise InvalidEmailError(text, "is empty", field)
    if len(text) > MAX_EMAIL_LENGTH:
        raise InvalidEmailError(text, f"is longer than {MAX_EMAIL_LENGTH} characters", field)
    plain = _plain_email(text)
    if plain is not None:
        return plain
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmailError(text, str(error), field) from None
    return result.normalized


def email_identity(email: str) -> str:
    """The identity key of a normalised email: matching ignores case."""
    return email.casefold()


# NUL and the other C0 controls but tab and newlines: no database text column may hold NUL
# and none of them belongs in a name or a note.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_controls(text: str) -> bool:
    """True if `text` holds a NUL or another control character."""
    return _CONTROL.search(text) is not None


def reject_controls(text: str, field: str) -> None:
    """Raise InvalidValueError if `text` holds a NUL or another control character."""
    if has_controls(text):
        raise InvalidValueError(field, _CONTROL.sub("�", text)[:60],
                                "contains a control character (such as NUL); remove it")


def without_controls(text: str) -> str:
    """`text` with NUL and other control characters removed (for provider message bodies)."""
    return _CONTROL.sub("", text)


def normalize_name(raw: str, field: str = "name") -> str | None:
    """Collapse whitespace and apply NFC; None for a blank. Raises InvalidValueError if too
    long, without letters, or holding control characters."""
    reject_controls(raw, field)
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    if not text:
        return None
    if len(text) > MAX_NAME_LENGTH:
        raise InvalidValueError(field, text[:40] + "…", f"is longer than {MAX_NAME_LENGTH} characters")
    if not _LETTERS.search(text):
        reason = "has no letters"
        if "?" in text:
            reason += ("; the program that wrote the file replaced characters it could not "
                       "encode with '?': export again as CSV UTF-8")
        raise InvalidValueError(field, text, reason)
    return text


def normalize_text(raw: str, field: str, limit: int = MAX_TEXT_LENGTH) -> str | None:
    """Trim a free-text value; None for a blank. Raises InvalidValueError if over `limit` or
    holding control characters."""
    reject_controls(raw, field)
    text = raw.strip()
    if not text:
        return None
    if len(text) > limit:
        raise InvalidValueError(field, text[:40] + "…", f"is longer than {limit} characters")
    return text


_SOCIAL = re.compile(r"^@?([A-Za-z0-9._\-]{1,100})$")
_SOCIAL_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:instagram\.com|facebook\.com|fb\.com|m\.facebook\.com)/"
    r"(?:profile\.php\?id=)?@?([A-Za-z0-9._\-]+)/?(?:\?.*)?$",
    re.IGNORECASE,
)


def normalize_social(raw: str, field: str) -> str | None:
    """A Facebook/Instagram handle or id without '@' or URL, lower-cased; None for a blank.

    Raises InvalidValueError for anything that is not a handle, an id or a profile URL.
    """
    text = raw.strip()
    if not text:
        return None
    match = _SOCIAL_URL.match(text) or _SOCIAL.match(text)
    if not match:
        raise InvalidValueError(
            field, text, "is not a handle; use letters, digits, '.', '-' and '_' (or a profile URL)"
        )
    return match.group(1).lower()
