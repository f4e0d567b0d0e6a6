"""Turn an uploaded file's bytes into text and say which encoding it was in."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import charset_normalizer

from bot.errors import ImportFileError
from bot.imports.filetypes import SAVE_AS_CSV, utf16_without_bom

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# A well-formed multi-byte UTF-8 sequence; legacy 8-bit text rarely forms one by chance.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Non-letters that Windows-1252 text commonly holds (typographic quotes, dashes, €, £, °…).
# Superscripts, ¯, ¨ and the like are left out: they are what cp1250 letters become.
_CP1252_PUNCTUATION = frozenset("‚„…‘’“”•–—™€£§©«»®°±·¿¡\u00a0×")
_WESTERN = frozenset({"English", "French", "German", "Spanish", "Italian", "Portuguese",
                      "Dutch", "Danish", "Swedish", "Norwegian", "Finnish", "Unknown"})
_NEAR_CHAOS = 0.02
# Windows code pages in the order Excel and Outlook most often write them, with the
# languages (as charset-normalizer names them) each one serves.
_PREFERRED = {
    "cp1252": _WESTERN,
    "cp1250": frozenset({"Polish", "Czech", "Slovak", "Hungarian", "Slovene", "Croatian",
                         "Romanian"}),
    "cp1251": frozenset({"Russian", "Ukrainian", "Bulgarian", "Serbian", "Belarusian",
                         "Macedonian", "Kazakh"}),
    "cp1253": frozenset({"Greek"}),
    "cp1254": frozenset({"Turkish"}),
    "cp1257": frozenset({"Lithuanian", "Latvian", "Estonian"}),
}
_MAX_ACCENTED_SHARE = 0.25
# How much of a large file charset-normalizer looks at; the rest is decoded strictly.
_DETECTION_SAMPLE = 512 * 1024


@dataclass(frozen=True)
class Decoded:
    """Text of a file with the encoding used (a Python codec name) and whether a BOM was seen."""

    text: str
    encoding: str
    bom: bool


def decode_bytes(data: bytes) -> Decoded:
    """Decode `data`: a BOM decides; then UTF-8; then a legacy 8-bit encoding.

    Rules, in order:
    1. A UTF-8 or UTF-16 BOM fixes the encoding (the BOM is not part of the text).
    2. BOM-less UTF-16 (every other byte NUL) is read as UTF-16 LE/BE.
    3. Strict UTF-8.
    4. If UTF-8 fails but the file holds more well-formed UTF-8 sequences than bad bytes,
       it is a damaged UTF-8 file: ImportFileError naming the line of the first bad byte.
    5. A legacy encoding, preferring Windows-1252 (the usual Excel/Outlook export on
       Windows; see `_legacy_encoding`). If nothing fits: ImportFileError naming the
       line of the first bad byte.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data[len(bom):], encoding), encoding, True)
    utf16 = utf16_without_bom(data)
    if utf16 is not None:
        return Decoded(_strict(data, utf16), utf16, False)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError as error:
        utf8_error = error
    if len(_UTF8_MULTIBYTE.findall(data)) > _count_invalid_utf8(data):
        raise _undecodable(data, utf8_error, "UTF-8", " (the rest of the file is UTF-8)")
    encoding = _legacy_encoding(data)
    if encoding is None:
        raise _undecodable(data, utf8_error, "UTF-8 or any common legacy encoding", "")
    return Decoded(_strict(data, encoding), encoding, False)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _undecodable(data, error, _label(encoding), "") from None


def _count_invalid_utf8(data: bytes) -> int:
    return data.decode("utf-8", errors="replace").count("\ufffd")


def _legacy_encoding(data: bytes) -> str | None:
    """The legacy code page that reads `data` best, preferring the ones Excel writes.

    charset-normalizer often scores several code pages equally (cp1250, cp1252, cp1257
    and cp775 all decode é and ü alike) and may rank any of them first. So among its
    near-best matches cp1252 wins if it yields only Latin letters and common
    punctuation; then the first other code page of _PREFERRED matched in one of its own
    languages; else charset-normalizer's best match. Short Czech or Hungarian files
    whose letters also exist in cp1252 (ř -> ø) are read as cp1252: a known limit.
    """
    matches = charset_normalizer.from_bytes(data[:_DETECTION_SAMPLE])
    best = matches.best()
    if best is None:
        return _plausible_cp1252(data)
    languages: dict[str, set[str]] = {}
    for match in matches:
        if match.chaos <= best.chaos + _NEAR_CHAOS:
            for name in (match.encoding, *match.could_be_from_charset):
                languages.setdefault(codecs.lookup(name).name, set()).add(match.language)
    for encoding, fitting in _PREFERRED.items():
        if encoding not in languages:
            continue
        # On a few lines charset-normalizer's language is noise (Spanish as "Slovak"),
        # so cp1252 is judged by its own output; the others need a language of theirs.
        if _plausible_cp1252(data) if encoding == "cp1252" else languages[encoding] & fitting:
            break
    else:
        encoding = codecs.lookup(best.encoding).name
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding


def _plausible_cp1252(data: bytes) -> str | None:
    """'cp1252' if it decodes `data` into Latin letters (a minority) and punctuation."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    accented = 0
    for char, count in Counter(text).items():
        if char.isascii() or char in _CP1252_PUNCTUATION:
            continue
        if not ("\u00c0" <= char <= "\u017f" and unicodedata.category(char).startswith("L")):
            return None
        accented += count
    letters = sum(1 for char in text if char.isalpha()) or 1
    # Cyrillic or Greek read as cp1252 turns whole words into accented Latin letters.
    return "cp1252" if accented / letters < _MAX_ACCENTED_SHARE else None


def _undecodable(
    data: bytes, error: UnicodeDecodeError, tried: str, detail: str
) -> ImportFileError:
    line = data.count(b"\n", 0, error.start) + 1
    bad = data[error.start:error.start + 1].hex().upper()
    return ImportFileError(
        f"byte 0x{bad} cannot be read as {tried}{detail}; the file may be damaged or in an "
        f"unusual encoding — {SAVE_AS_CSV}",
        line=line,
    )


def _label(encoding: str) -> str:
    return encoding.upper().replace("UTF-16-", "UTF-16 ")
