"""Recognise files that are not CSV by their first bytes and say what they are."""

from __future__ import annotations

from bot.errors import ImportFileError

SAVE_AS_CSV = "save it as CSV (UTF-8) and upload again"

# (magic prefix, what it looks like, how to get a CSV out of it)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls) or another legacy "
     "Office file", "open it in Excel or Google Sheets, " + SAVE_AS_CSV),
    (b"%PDF-", "a PDF document", "export the contacts from the program that made it as CSV "
     "instead; a PDF cannot be imported"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "upload the contacts as a CSV file instead"),
    (b"\xff\xd8\xff", "a JPEG image", "upload the contacts as a CSV file instead"),
    (b"GIF87a", "a GIF image", "upload the contacts as a CSV file instead"),
    (b"GIF89a", "a GIF image", "upload the contacts as a CSV file instead"),
    (b"II*\x00", "a TIFF image", "upload the contacts as a CSV file instead"),
    (b"MM\x00*", "a TIFF image", "upload the contacts as a CSV file instead"),
    (b"\x1f\x8b", "a gzip-compressed file", "uncompress it first and upload the CSV inside"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "unpack it first and upload the CSV inside"),
    (b"Rar!\x1a\x07", "a RAR archive", "unpack it first and upload the CSV inside"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def refuse_binary(data: bytes) -> None:
    """Raise ImportFileError if `data` is a known non-CSV format or other binary data.

    Looks at magic numbers (zip/xlsx/ods/docx, xls, PDF, PNG, JPEG, GIF, WebP, BMP, TIFF,
    gzip, 7z, RAR) and then at NUL bytes, which text never holds outside UTF-16.
    """
    kind = _describe_magic(data)
    if kind is not None:
        what, advice = kind
        raise ImportFileError(f"this file looks like {what}, not a CSV file; {advice}")
    if data.startswith(_UTF16_BOMS) or _looks_like_bomless_utf16(data):
        return
    nul = data.find(b"\x00", 0, 65536)
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ImportFileError(
            "this file holds binary data (a NUL byte), so it is not a text CSV file; "
            + SAVE_AS_CSV,
            line=line,
        )


def _describe_magic(data: bytes) -> tuple[str, str] | None:
    if data.startswith(_ZIP_MAGIC):
        return _describe_zip(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "a WebP image", "upload the contacts as a CSV file instead"
    # "BM" alone could start a text header; a real BMP has four reserved zero bytes at 6.
    if data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00":
        return "a BMP image", "upload the contacts as a CSV file instead"
    for magic, what, advice in _SIGNATURES:
        if data.startswith(magic):
            return what, advice
    return None


def _describe_zip(data: bytes) -> tuple[str, str]:
    # An Office file is a zip whose member names appear in plain bytes in its headers.
    if b"[Content_Types].xml" in data or b"xl/" in data:
        if b"word/" in data and b"xl/" not in data:
            return "a Word document (.docx)", "export the contacts as CSV instead"
        return "an Excel workbook (.xlsx)", "open it in Excel and " + SAVE_AS_CSV
    if b"application/vnd.oasis.opendocument.spreadsheet" in data[:200]:
        return "an OpenDocument spreadsheet (.ods)", "open it and " + SAVE_AS_CSV
    return "a ZIP archive", "unpack it and upload the CSV file inside"


def _looks_like_bomless_utf16(data: bytes) -> bool:
    """ASCII-heavy UTF-16 without a BOM: every other byte of the start is NUL."""
    head = data[:4096]
    if len(head) < 8:
        return False
    half = len(head) // 2
    even_nul = head[0::2].count(0)
    odd_nul = head[1::2].count(0)
    return max(even_nul, odd_nul) >= 0.9 * half and min(even_nul, odd_nul) == 0


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for BOM-less UTF-16 text, else None."""
    if not _looks_like_bomless_utf16(data):
        return None
    return "utf-16-le" if data[1::2][:2048].count(0) > data[0::2][:2048].count(0) else "utf-16-be"


def describe_text_kind(text: str) -> str | None:
    """Name a text format that is not CSV (a vCard file, a web page), else None."""
    head = text.lstrip()[:200].lower()
    if head.startswith("begin:vcard"):
        return "a vCard file (.vcf); export the contacts as CSV instead, or convert the vCards"
    if head.startswith(("<!doctype html", "<html")):
        return "a web page (HTML), not a CSV file; " + SAVE_AS_CSV
    if head.startswith("<?xml"):
        return "an XML file, not a CSV file; " + SAVE_AS_CSV
    return None
