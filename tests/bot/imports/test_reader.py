"""Unit tests of the read step: real exports, refused files and repaired shapes."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from bot.errors import ImportFileError
from bot.imports.reader import MAX_IMPORT_BYTES, check_size, read_csv

DATA = Path(__file__).parents[2] / "data"
SAMPLES = DATA / "samples"
ERRORS = DATA / "import_errors"
MANIFEST = json.loads((SAMPLES / "manifest.json").read_text())["files"]


def _error_file(name: str) -> bytes:
    return (ERRORS / name).read_bytes()


def _refusal(data: bytes) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read_csv(data)
    return caught.value


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["file"] for entry in MANIFEST])
def test_sample_export_is_read_as_the_manifest_describes(entry):
    parsed = read_csv((SAMPLES / entry["file"]).read_bytes(), entry["file"])
    delimiter = "\t" if entry["delimiter"] == "TAB" else entry["delimiter"]
    assert parsed.encoding == entry["encoding"]
    assert parsed.bom is entry["bom"]
    assert parsed.delimiter == delimiter
    assert parsed.row_count == entry["data_rows"]
    assert len(parsed.headers) == entry["columns"]
    assert parsed.lines == entry["record_start_lines"]
    assert all(len(row) == len(parsed.headers) for row in parsed.rows)


def test_salesforce_footer_is_skipped_with_a_note():
    parsed = read_csv((SAMPLES / "salesforce_contacts_report.csv").read_bytes())
    assert parsed.rows[-1][-1] == "003rla4QnGHLjDz"
    assert any("footer" in note and "Contacts for CSV import" in note for note in parsed.notes)


def test_salesforce_multi_line_street_stays_one_cell():
    parsed = read_csv((SAMPLES / "salesforce_contacts_report.csv").read_bytes())
    street = parsed.rows[0][parsed.headers.index("Mailing Street")]
    assert street == "65601 Ramirez Harbors Apt. 869\r\nSuite 277"
    assert parsed.lines[:2] == [2, 4]


def test_outlook_windows_1252_names_keep_their_accents():
    parsed = read_csv((SAMPLES / "outlook_desktop.csv").read_bytes())
    titles = {row[parsed.headers.index("Job Title")] for row in parsed.rows}
    assert "Bäcker" in titles


def test_file_one_byte_over_the_limit_is_refused_with_size_and_limit():
    data = b"Name,Email\n" + b"x" * (MAX_IMPORT_BYTES - 10)
    assert len(data) == MAX_IMPORT_BYTES + 1
    message = str(_refusal(data))
    assert "10,485,761 bytes" in message and "10,485,760 bytes" in message


def test_file_exactly_at_the_limit_passes_the_size_check():
    check_size(MAX_IMPORT_BYTES)
    with pytest.raises(ImportFileError, match="10,485,761"):
        check_size(MAX_IMPORT_BYTES + 1)


def test_xlsx_workbook_is_named_as_excel():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types/>")
        workbook.writestr("xl/workbook.xml", "<workbook/>")
    message = str(_refusal(buffer.getvalue()))
    assert "an Excel workbook (.xlsx)" in message
    assert "save it as CSV (UTF-8)" in message


def test_plain_zip_is_named_as_zip_archive():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("contacts.csv", "Name,Email\nA,a@example.com\n")
    assert "a ZIP archive" in str(_refusal(buffer.getvalue()))


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("xls_header.xls", "old Excel workbook (.xls)"),
        ("report.pdf", "a PDF document"),
        ("screenshot.png", "a PNG image"),
    ],
)
def test_non_csv_file_is_named_by_its_bytes(name, what):
    assert what in str(_refusal(_error_file(name)))


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00\x01\x00", "a GIF image"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "a WebP image"),
        (b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00", "a BMP image"),
        (b"II*\x00\x08\x00\x00\x00", "a TIFF image"),
    ],
)
def test_image_formats_are_named(head, what):
    assert what in str(_refusal(head + b"\x00" * 64))


def test_other_binary_data_is_refused_naming_the_line():
    error = _refusal(b"Name,Email\nAl\x00\x01\x02ce,a@example.com\n")
    assert "binary data" in str(error) and error.line == 2


def test_text_with_no_delimiter_structure_is_refused():
    message = str(_refusal(_error_file("plain_text.txt")))
    assert "no columns" in message and "save it as CSV (UTF-8)" in message


def test_vcard_file_is_named():
    message = str(_refusal(b"BEGIN:VCARD\nVERSION:3.0\nFN:Alice Martin\nEND:VCARD\n"))
    assert "vCard" in message


def test_missing_header_row_is_refused_showing_the_values():
    error = _refusal(_error_file("missing_header.csv"))
    assert error.line == 1
    assert "alice.martin@example.com" in str(error) and "header row is missing" in str(error)


def test_duplicate_headers_are_named_with_their_columns():
    message = str(_refusal(_error_file("duplicate_headers.csv")))
    assert "'Email' (column 2 (B), column 4 (D))" in message


def test_blank_header_over_data_names_column_line_and_value():
    error = _refusal(_error_file("blank_header_over_data.csv"))
    assert error.line == 3
    assert "column 3 (C)" in str(error) and "'VIP'" in str(error)


def test_trailing_empty_columns_are_ignored_with_a_note():
    parsed = read_csv(_error_file("trailing_empty_columns.csv"))
    assert parsed.headers == ["Name", "Email", "Phone"]
    assert parsed.rows[1] == ["Bob Stone", "bob@example.com", "+1 415 555 0101"]
    assert any("3 empty column(s)" in note and "column 6 (F)" in note for note in parsed.notes)


def test_row_with_extra_cells_is_refused_naming_line_and_value():
    error = _refusal(_error_file("ragged_extra_cells.csv"))
    assert error.line == 3
    assert "4 cells but the header has 3" in str(error) and "'+1 415 555 0101'" in str(error)


def test_short_row_is_padded_with_a_note_naming_the_line():
    parsed = read_csv(_error_file("short_rows.csv"))
    assert parsed.rows[1] == ["Bob Stone", "bob@example.com", "", ""]
    assert any("lines 3" in note for note in parsed.notes)


def test_utf16_with_bom_is_decoded():
    parsed = read_csv(_error_file("utf16_bom.csv"))
    assert (parsed.encoding, parsed.bom) == ("utf-16-le", True)
    assert parsed.rows[0][0] == "Renée Faßbender"


def test_windows_1252_keeps_accents():
    parsed = read_csv(_error_file("windows1252_accents.csv"))
    assert (parsed.encoding, parsed.bom, parsed.delimiter) == ("cp1252", False, ";")
    assert parsed.rows == [
        ["José Müller", "jose@example.com", "Zürich"],
        ["Renée Dübois", "renee@example.com", "Besançon"],
    ]


def test_utf8_bom_is_reported_and_not_part_of_the_first_header():
    parsed = read_csv(_error_file("utf8_bom.csv"))
    assert (parsed.encoding, parsed.bom) == ("utf-8", True)
    assert parsed.headers == ["Name", "Email"]
    assert parsed.rows[0][0] == "Zoë Ødegård"


def test_undecodable_bytes_in_a_utf8_file_name_the_line_and_byte():
    error = _refusal(_error_file("undecodable_utf8.csv"))
    assert error.line == 4
    assert "0xFF" in str(error) and "UTF-8" in str(error)


def test_semicolon_delimiter_with_quoted_semicolons_and_commas():
    parsed = read_csv(_error_file("semicolon.csv"))
    assert parsed.delimiter == ";"
    assert parsed.rows[0] == ["Martin, Alice", "alice@example.com", "+33 1 99 00 12 34",
                              "Likes; semicolons"]


def test_tab_delimiter_with_unquoted_commas_in_values():
    parsed = read_csv(_error_file("tab.tsv"))
    assert parsed.delimiter == "\t"
    assert parsed.rows[0][3] == "Fisher, Payne and Watson"


def test_salesforce_style_footer_is_not_counted_as_rows():
    parsed = read_csv(_error_file("salesforce_footer.csv"))
    assert parsed.row_count == 2
    assert parsed.lines == [2, 4]
    assert any("lines 6–8" in note for note in parsed.notes)


def test_unclosed_quote_names_the_line_where_it_opened():
    error = _refusal(_error_file("unclosed_quote.csv"))
    assert error.line == 2 and "never closed" in str(error)


def test_header_without_rows_is_refused():
    assert "no contacts" in str(_refusal(b"Name,Email,Phone\n\n"))


def test_leading_blank_lines_move_the_header_line():
    parsed = read_csv(b"\n\nName,Email\nAlice,alice@example.com\n")
    assert parsed.headers == ["Name", "Email"] and parsed.lines == [4]


def test_ten_megabyte_file_is_read_whole():
    row = "Alice Martin {n},alice.{n}@example.com,+1 415 555 {p:04d},\"VIP, Customer\",Acme\n"
    lines = ["Name,Email,Phone,Tags,Company\n"]
    lines += [row.format(n=n, p=n % 10000) for n in range(125_000)]
    data = "".join(lines).encode()
    assert 9_000_000 < len(data) <= MAX_IMPORT_BYTES
    parsed = read_csv(data)
    assert parsed.row_count == 125_000
    assert parsed.lines[-1] == 125_001


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        ("Name,Email,City\nFrançois Æbelø,f@example.com,Köln\n", "latin-1", "cp1252"),
        ("Name,Notes\nAnn Lee,Owes £20 – call\nBo Chan,“VIP”\n", "cp1252", "cp1252"),
        ("Nombre,Correo\nÁngel Núñez,an@example.es\nMaría Peña,mp@example.es\n", "cp1252",
         "cp1252"),
        ("Imię;Email\nŁukasz Wąsowski;lw@example.pl\nŻaneta Gołąb;zg@example.pl\n",
         "cp1250", "cp1250"),
        ("Имя,Email\nАлексей Смирнов,a@example.ru\nОльга Кузнецова,o@example.ru\n",
         "cp1251", "cp1251"),
    ],
)
def test_legacy_encodings_are_detected_and_names_survive(text, codec, expected):
    parsed = read_csv(text.encode(codec))
    assert parsed.encoding == expected
    assert parsed.rows[0][0] == text.splitlines()[1].split(parsed.delimiter)[0]


def test_utf16_without_bom_is_recognised_by_its_nul_pattern():
    parsed = read_csv("Name,Email\nZoë Lee,z@example.com\n".encode("utf-16-le"))
    assert (parsed.encoding, parsed.bom) == ("utf-16-le", False)
    assert parsed.rows == [["Zoë Lee", "z@example.com"]]


def test_blank_lines_between_rows_are_skipped_with_a_note():
    parsed = read_csv(b"Name,Email\nAnn,a@example.com\n\n,\nBo,b@example.com\n")
    assert parsed.rows == [["Ann", "a@example.com"], ["Bo", "b@example.com"]]
    assert parsed.lines == [2, 5]
    assert any("2 blank line(s)" in note for note in parsed.notes)
