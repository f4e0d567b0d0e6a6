"""The import conversation in a DM, step by step, against the local Slack Web API."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from storage.models import Contact, ImportJob
from tests.handlers.slack.slack_helpers import blocks_of, opened_view

SAMPLE = Path(__file__).parents[2] / "data" / "samples" / "hubspot_contacts.csv"
MAPPING_TS = "1700000000.000001"


def share_file(slack, fake_slack, file_id="F1", name="hubspot_contacts.csv", user="UADMIN",
               content: bytes | None = None, **meta):
    """Upload a file in the DM: Slack sends the message with files and file_shared."""
    fake_slack.add_file(file_id, name, SAMPLE.read_bytes() if content is None else content, **meta)
    slack.event({"type": "message", "subtype": "file_share", "channel_type": "im",
                 "channel": "DADMIN", "user": user, "text": "", "ts": "1700000005.000100",
                 "files": [{"id": file_id, "name": name}]})
    slack.file_shared(file_id, user=user)


def mapping_message(fake_slack):
    return fake_slack.wait_for("chat.postMessage", where=lambda c: "Suggested mapping" in
                               c.data.get("text", ""))[0]


def import_id_of(message) -> str:
    return blocks_of(message)[-1]["elements"][0]["value"]


def imports(sessions) -> list[ImportJob]:
    with sessions() as session:
        return session.scalars(select(ImportJob)).all()


def test_upload_checks_metadata_then_downloads_with_the_bot_token(slack, fake_slack, sessions):
    share_file(slack, fake_slack)
    message = mapping_message(fake_slack)
    methods = [c.method for c in fake_slack.calls if c.method != "auth.test"]
    assert methods[:2] == ["files.info", "download"]
    assert fake_slack.calls_to("files.info")[0].data["file"] == "F1"
    download = fake_slack.calls_to("download")[0]
    assert download.headers["authorization"] == "Bearer xoxb-test"
    assert download.path == "/files/F1/download/hubspot_contacts.csv"
    text = json.dumps(blocks_of(message), ensure_ascii=False)
    assert "50 rows" in text and "utf-8" in text and "comma-separated" in text
    assert "`First Name` → *First name*" in text and "`Record ID` → *Don't import*" in text
    assert "`Mobile Phone Number` → *Phone (mobile)*" in text
    buttons = [e["action_id"] for e in blocks_of(message)[-1]["elements"]]
    assert buttons == ["import_confirm_mapping", "import_edit_mapping"]
    [job] = imports(sessions)
    assert job.filename == "hubspot_contacts.csv" and job.created_by == "slack:UADMIN"
    assert len(fake_slack.calls_to("download")) == 1  # the file_shared twin did nothing


def test_confirm_mapping_shows_the_preview_with_problems_flagged(slack, fake_slack):
    share_file(slack, fake_slack)
    import_id = import_id_of(mapping_message(fake_slack))
    slack.click("import_confirm_mapping", import_id, ts=MAPPING_TS)
    update = fake_slack.wait_for("chat.update")[0]
    assert update.data["channel"] == "DADMIN" and update.data["ts"] == MAPPING_TS
    text = json.dumps(blocks_of(update), ensure_ascii=False)
    assert "Preview of hubspot_contacts.csv" in text
    assert "line 2: *Mathilde Klein*" in text and "📞 +33612012539" in text
    assert "4 will fail" in text
    assert [e["action_id"] for e in blocks_of(update)[-1]["elements"]] == [
        "import_name_open", "import_edit_mapping"]


def test_edit_mapping_modal_refuses_a_mapping_without_name_on_the_select(slack, fake_slack,
                                                                         sessions):
    share_file(slack, fake_slack)
    import_id = import_id_of(mapping_message(fake_slack))
    slack.click("import_edit_mapping", import_id, ts=MAPPING_TS)
    view = opened_view(fake_slack.wait_for("views.open")[0])
    selects = [b for b in view["blocks"] if b["type"] == "input"]
    assert len(selects) == 21
    first = selects[1]
    assert first["label"]["text"] == "First Name"
    assert first["element"]["initial_option"]["value"] == "first_name"
    groups = [g["label"]["text"] for g in first["element"]["option_groups"]]
    assert groups == ["Contact fields", "New property", "Don't import"]
    json.loads(view["private_metadata"])  # carries the import, channel and message

    skip_names = _state(selects, {1: "skip", 2: "skip"})
    refused = slack.submit(view, skip_names)
    assert refused.json["response_action"] == "errors"
    assert "no column is mapped to a name" in refused.json["errors"]["column_0"]
    twice = slack.submit(view, _state(selects, {1: "company"}))
    assert set(twice.json["errors"]) == {"column_1", "column_6"}
    assert "company is mapped from more than one column" in twice.json["errors"]["column_1"]
    assert imports(sessions)[0].mapping[1] == "first_name"
    assert fake_slack.calls_to("chat.update") == []


def test_edited_mapping_is_saved_and_the_preview_replaces_the_message(slack, fake_slack,
                                                                      sessions):
    share_file(slack, fake_slack)
    import_id = import_id_of(mapping_message(fake_slack))
    slack.click("import_edit_mapping", import_id, ts=MAPPING_TS)
    view = opened_view(fake_slack.wait_for("views.open")[0])
    selects = [b for b in view["blocks"] if b["type"] == "input"]
    response = slack.submit(view, _state(selects, {18: "skip", 20: "tags"}))
    assert response.status_code == 200 and response.data == b""
    update = fake_slack.wait_for("chat.update")[0]
    assert update.data["ts"] == MAPPING_TS and "Preview" in update.data["text"]
    mapping = imports(sessions)[0].mapping
    assert mapping[18] == "skip" and mapping[20] == "tags"


def run_to_results(slack, fake_slack, sessions):
    """Upload, confirm, name with consent; return the import id and the results message."""
    share_file(slack, fake_slack)
    import_id = import_id_of(mapping_message(fake_slack))
    slack.click("import_confirm_mapping", import_id, ts=MAPPING_TS)
    fake_slack.wait_for("chat.update")
    slack.click("import_name_open", import_id, ts=MAPPING_TS)
    view = opened_view(fake_slack.wait_for("views.open")[0])
    assert view["blocks"][0]["element"]["initial_value"] == "hubspot_contacts"

    unticked = slack.submit(view, _name_state("Spring expo", accepted=False))
    assert list(unticked.json["errors"]) == ["disclosure"]
    assert "agreed to be contacted" in unticked.json["errors"]["disclosure"]
    unnamed = slack.submit(view, _name_state("   ", accepted=True))
    assert list(unnamed.json["errors"]) == ["import_name"]
    assert imports(sessions)[0].status == "uploaded"

    assert slack.submit(view, _name_state("Spring expo", accepted=True)).data == b""
    return import_id, fake_slack.wait_for("chat.update", where=lambda c: c.data["text"] ==
                                          "Import done")[0]


def test_named_import_runs_and_reports_counts_and_the_error_file(slack, fake_slack, sessions):
    import_id, results = run_to_results(slack, fake_slack, sessions)
    [job] = imports(sessions)
    assert job.status == "done" and job.name == "Spring expo" and job.failed_count == 4
    text = json.dumps(blocks_of(results), ensure_ascii=False)
    assert (f"50 rows — {job.created_count} created · {job.updated_count} updated · "
            f"{job.unchanged_count} unchanged · 4 failed") in text
    assert [e["action_id"] for e in blocks_of(results)[-1]["elements"]] == [
        "import_view_contacts", "import_another", "import_close"]
    progress = fake_slack.calls_to("chat.update")[1]
    assert "Importing *Spring expo*" in json.dumps(blocks_of(progress), ensure_ascii=False)

    complete = fake_slack.wait_for("files.completeUploadExternal")[0]
    assert complete.data["channel_id"] == "DADMIN" and complete.data["thread_ts"] == MAPPING_TS
    getting = fake_slack.calls_to("files.getUploadURLExternal")[0]
    assert getting.data["filename"] == f"import-{import_id}-errors.csv"
    uploaded = fake_slack.calls_to("upload")[0].raw.decode()
    assert uploaded.splitlines()[0].endswith(",line,reason")
    assert len(uploaded.splitlines()) == 5
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == job.created_count


def test_results_buttons_list_contacts_start_over_and_close(slack, fake_slack, sessions):
    import_id, _results = run_to_results(slack, fake_slack, sessions)
    [job] = imports(sessions)
    slack.click("import_view_contacts", import_id, ts=MAPPING_TS)
    listed = fake_slack.wait_for("chat.postMessage", where=lambda c: c.data.get("thread_ts"))[0]
    assert listed.data["thread_ts"] == MAPPING_TS
    assert f"{job.created_count} contacts match *import #{import_id}*" in json.dumps(
        blocks_of(listed), ensure_ascii=False)
    slack.click("import_another", import_id, ts=MAPPING_TS)
    fake_slack.wait_for("chat.postMessage", where=lambda c: c.data["text"] == "Upload a CSV file")
    slack.click("import_close", import_id, ts=MAPPING_TS)
    deleted = fake_slack.wait_for("chat.delete")[0]
    assert (deleted.data["channel"], deleted.data["ts"]) == ("DADMIN", MAPPING_TS)


def _state(selects: list[dict], changes: dict[int, str]) -> dict:
    """The modal's state: every select at its initial option, except `changes`."""
    state = {}
    for position, block in enumerate(selects):
        value = changes.get(position, block["element"]["initial_option"]["value"])
        state[block["block_id"]] = {"target": {"type": "static_select", "selected_option": {
            "text": {"type": "plain_text", "text": value}, "value": value}}}
    return state


def _name_state(name: str, accepted: bool) -> dict:
    chosen = [{"text": {"type": "mrkdwn", "text": "agreed"}, "value": "accepted"}]
    return {"import_name": {"value": {"type": "plain_text_input", "value": name}},
            "disclosure": {"accept": {"type": "checkboxes",
                                      "selected_options": chosen if accepted else []}}}
