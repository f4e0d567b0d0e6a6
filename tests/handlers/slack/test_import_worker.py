"""End to end: a sample export imported through the Slack conversation by a real RQ worker."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot import directory
from bot.app import create_app
from storage.models import ImportJob
from tests import services
from tests.conftest import _empty_tables, make_config
from tests.handlers.slack.conftest import SECRET
from tests.handlers.slack.slack_helpers import Call, SlackSender, blocks_of, opened_view
from tests.handlers.slack.test_import_conversation import mapping_message, share_file

# Bounded wait for the worker to start, import and report, generous for a busy machine.
WORKER_SECONDS = 120


def _worker(database_url: str, slack_url: str):
    env = services.worker_environment(
        database_url, services.REDIS_URL, SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SECRET, SLACK_API_BASE_URL=slack_url)
    return services.start_rq_worker(env, "imports", "default", "--name", "slack-e2e")


def _converse(slack: SlackSender, fake_slack) -> Call:
    """Upload, confirm the mapping, name the import with consent; wait for the results."""
    share_file(slack, fake_slack)
    import_id = blocks_of(mapping_message(fake_slack))[-1]["elements"][0]["value"]
    slack.click("import_confirm_mapping", import_id)
    fake_slack.wait_for("chat.update")
    slack.click("import_name_open", import_id)
    view = opened_view(fake_slack.wait_for("views.open")[0])
    submitted = slack.submit(view, {
        "import_name": {"value": {"type": "plain_text_input", "value": "HubSpot export"}},
        "disclosure": {"accept": {"type": "checkboxes", "selected_options": [
            {"text": {"type": "mrkdwn", "text": "agreed"}, "value": "accepted"}]}}})
    assert submitted.status_code == 200 and submitted.data == b""
    results = fake_slack.wait_for("chat.update", where=lambda c: c.data["text"] ==
                                  "Import done", seconds=WORKER_SECONDS)[0]
    fake_slack.wait_for("files.completeUploadExternal", seconds=WORKER_SECONDS)
    return results


@pytest.mark.integration
def test_hubspot_export_imported_through_slack_by_an_rq_worker(postgres_url, redis_connection,
                                                               fake_slack):
    app = create_app(make_config(postgres_url, redis_url=services.REDIS_URL,
                                 slack_api_base_url=fake_slack.base_url))
    _empty_tables(app)
    sessions = app.extensions["contacts_runtime"].sessions
    slack = SlackSender(app.test_client(), SECRET, fake_slack)
    worker = _worker(postgres_url, fake_slack.base_url)
    try:
        results = _converse(slack, fake_slack)
    finally:
        services.stop_rq_worker(worker)
        app.extensions["contacts_runtime"].engine.dispose()

    with sessions() as session:
        job = session.scalars(select(ImportJob)).one()
        found = directory.find_contacts(session, "+33612012539", "US")
        listed = directory.find_contacts(session, "", "US", import_id=job.id, per_page=100)
    assert job.status == "done" and job.name == "HubSpot export"
    assert job.created_count + job.updated_count + job.unchanged_count + job.failed_count == 50
    assert job.failed_count == 4 and listed["total"] == job.created_count + job.updated_count
    [mathilde] = found["contacts"]
    assert mathilde["name"] == "Mathilde Klein"
    assert {i["value"] for i in mathilde["identities"]} >= {
        "+33612012539", "mathilde.klein79@bouygtel.fr"}
    text = json.dumps(blocks_of(results), ensure_ascii=False)
    assert f"{job.created_count} created" in text and "4 failed" in text
    assert len(fake_slack.calls_to("upload")[0].raw.decode().splitlines()) == 5
