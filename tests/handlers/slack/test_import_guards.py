"""Guards of the Slack import: roles, retried events, metadata checks, Web API failures told."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ImportJob
from tests.handlers.slack.slack_helpers import SlackSender
from tests.handlers.slack.test_import_conversation import SAMPLE, mapping_message, share_file


def _imports(sessions) -> list[ImportJob]:
    with sessions() as session:
        return session.scalars(select(ImportJob)).all()


def _told(fake_slack, words: str) -> str:
    return fake_slack.wait_for("chat.postMessage", where=lambda c: words in c.data["text"])[0] \
        .data["text"]


def test_upload_by_an_agent_is_refused_without_any_download(slack, fake_slack, sessions):
    share_file(slack, fake_slack, user="UAGENT")
    refusal = _told(fake_slack, "importer or admin role")
    assert "yours is agent" in refusal and "did not download" in refusal
    assert fake_slack.calls_to("files.info") == [] and fake_slack.calls_to("download") == []
    assert _imports(sessions) == []
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # the twin event said nothing


def test_import_command_is_refused_for_an_agent_and_allowed_once_granted(slack, fake_slack):
    slack.command("import", user="UBOB")
    assert "importer or admin role" in fake_slack.wait_for("respond")[0].data["text"]
    slack.command("grant <@UBOB> importer")
    fake_slack.wait_for("respond", 2)
    slack.command("import", user="UBOB")
    prompt = fake_slack.wait_for("chat.postMessage")[0]
    assert prompt.data["channel"] == "UBOB" and prompt.data["text"] == "Upload a CSV file"
    assert "sent you a DM" in fake_slack.wait_for("respond", 3)[2].data["text"]


def test_retried_event_does_not_start_a_second_import(slack: SlackSender, fake_slack, sessions):
    fake_slack.add_file("F9", "hubspot_contacts.csv", SAMPLE.read_bytes())
    assert slack.file_shared("F9", event_id="EvSAME").status_code == 200
    mapping_message(fake_slack)
    retried = slack.file_shared("F9", event_id="EvSAME", retry=1)
    assert retried.status_code == 200
    again = slack.file_shared("F9", event_id="EvSAME", retry=2)
    assert again.status_code == 200
    # The duplicate is refused before the ack, so no listener can still be running now.
    assert len(_imports(sessions)) == 1
    assert len(fake_slack.calls_to("files.info")) == 1
    assert len(fake_slack.calls_to("download")) == 1


def test_oversized_file_is_refused_from_its_metadata_without_download(slack, fake_slack, sessions):
    share_file(slack, fake_slack, size=10_485_761)
    refusal = _told(fake_slack, "can't import")
    assert "10,485,761 bytes" in refusal and "10,485,760" in refusal
    assert fake_slack.calls_to("download") == [] and _imports(sessions) == []


def test_spreadsheet_file_is_refused_from_its_metadata_without_download(slack, fake_slack):
    share_file(slack, fake_slack, name="contacts.xlsx", content=b"PK\x03\x04",
               filetype="xlsx", mimetype="application/vnd.openxmlformats-officedocument."
                                          "spreadsheetml.sheet")
    assert "contacts.xlsx is a xlsx file, not CSV" in _told(fake_slack, "can't import")
    assert fake_slack.calls_to("download") == []


def test_csv_whose_bytes_are_not_csv_is_refused_after_reading(slack, fake_slack, sessions):
    share_file(slack, fake_slack, name="contacts.csv", content=b"%PDF-1.7\n...")
    assert "PDF" in _told(fake_slack, "can't import")
    assert _imports(sessions) == []


def test_rate_limited_files_info_is_retried_after_retry_after(slack, fake_slack, sessions):
    fake_slack.script("files.info", 429, {"ok": False, "error": "ratelimited"},
                      {"Retry-After": "0"})
    share_file(slack, fake_slack)
    mapping_message(fake_slack)
    assert [c.method for c in fake_slack.calls if c.method == "files.info"] == ["files.info"] * 2
    assert len(_imports(sessions)) == 1


def test_rate_limit_that_persists_is_told_to_the_user(slack, fake_slack, sessions):
    fake_slack.script("files.info", 429, {"ok": False, "error": "ratelimited"},
                      {"Retry-After": "0"}, times=3)
    share_file(slack, fake_slack)
    told = _told(fake_slack, "rate-limiting")
    assert "files.info" in told and "Retry-After 0" in told
    assert len(fake_slack.calls_to("files.info")) == 3
    assert fake_slack.calls_to("download") == [] and _imports(sessions) == []


def test_missing_scope_names_the_scope_the_bot_needs(slack, fake_slack, sessions):
    fake_slack.script("files.info", 200, {"ok": False, "error": "missing_scope",
                                          "needed": "files:read", "provided": "chat:write"})
    share_file(slack, fake_slack)
    told = _told(fake_slack, "lacks the Slack scope")
    assert "`files:read`" in told and "reinstall" in told
    assert fake_slack.calls_to("download") == [] and _imports(sessions) == []


def test_rate_limited_message_update_is_retried(slack, fake_slack):
    fake_slack.script("chat.update", 429, {"ok": False, "error": "ratelimited"},
                      {"Retry-After": "0"})
    share_file(slack, fake_slack)
    import_id = mapping_message(fake_slack).data["blocks"][-1]["elements"][0]["value"]
    slack.click("import_confirm_mapping", import_id)
    first, second = fake_slack.wait_for("chat.update", 2)
    assert first.data == second.data
