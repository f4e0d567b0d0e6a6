"""The command line: create, find, show and import, through Flask's CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import create_app
from tests.conftest import make_config

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture
def runner(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'cli.db'}"))
    return app.test_cli_runner()


def test_create_then_find_by_another_phone_format_and_show(runner):
    created = runner.invoke(args=["contacts", "create", "--name", "Jane Doe", "--phone",
                                  "(415) 555-0134", "--email", "jane@example.com", "--tag", "VIP"])
    assert created.exit_code == 0, created.output
    assert "created: contact 1" in created.output
    found = runner.invoke(args=["contacts", "find", "+1 415 555 0134"])
    assert "#1  Jane Doe  +14155550134, jane@example.com  [VIP]" in found.output
    shown = runner.invoke(args=["contacts", "show", "1"])
    assert "phone     +14155550134" in shown.output


def test_create_with_bad_phone_names_it_and_exits_non_zero(runner):
    result = runner.invoke(args=["contacts", "create", "--name", "X", "--phone", "555-CALL-NOW"])
    assert result.exit_code == 1
    assert "555-CALL-NOW" in result.output and "letters" in result.output


@pytest.mark.parametrize("sample,counts", [
    ("hubspot_contacts.csv", "created 46, updated 0, unchanged 0, failed 4 = 50 of 50 rows"),
    ("zendesk_users.csv", "created 29, updated 0, unchanged 0, failed 1 = 30 of 30 rows"),
])
def test_import_shows_format_mapping_preview_progress_and_results(runner, tmp_path, sample, counts):
    errors = tmp_path / "errors.csv"
    result = runner.invoke(args=["contacts", "import", str(SAMPLES / sample), "--name", "Expo",
                                 "--accept-disclosure", "--yes", "--errors-to", str(errors)])
    assert result.exit_code == 0, result.output
    assert "Mapping:" in result.output and "Preview:" in result.output
    assert counts in result.output
    assert f"error file: {errors}" in result.output
    assert errors.read_text(encoding="utf-8-sig").splitlines()[0].endswith("line,reason")
    assert "contacts find --import-id 1" in result.output


def test_import_without_disclosure_is_refused(runner):
    result = runner.invoke(args=["contacts", "import", str(SAMPLES / "zendesk_users.csv"),
                                 "--name", "Expo", "--yes"], input="n\n")
    assert result.exit_code == 1
    assert "agreed to be contacted" in result.output


def test_import_of_a_pdf_says_what_it_is(runner, tmp_path):
    pdf = Path(__file__).resolve().parents[1] / "data" / "import_errors" / "report.pdf"
    result = runner.invoke(args=["contacts", "import", str(pdf), "--yes"])
    assert result.exit_code == 1 and "PDF" in result.output
