"""The Create contact modal: created with a link, or each bad value shown on its own field."""

from __future__ import annotations

from sqlalchemy import func, select

from bot import directory
from storage.models import Contact
from tests.handlers.slack.slack_helpers import blocks_of, opened_view, text_state


def _modal(slack, fake_slack) -> dict:
    slack.command("new")
    return opened_view(fake_slack.wait_for("views.open")[0])


def _tags_state(*tags: str) -> dict:
    return {"tags": {"contact_tags": {"type": "multi_external_select", "selected_options": [
        {"text": {"type": "plain_text", "text": t}, "value": t} for t in tags]}}}


def _contacts(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Contact))


def test_submitted_modal_creates_the_contact_and_messages_the_user(slack, fake_slack, sessions):
    view = _modal(slack, fake_slack)
    state = {**text_state(name="Ana Lima", phone="+55 11 98765 4321", email="ana@example.com",
                          instagram="@ana.lima"), **_tags_state("vip", "Expo 2025")}
    response = slack.submit(view, state)
    assert response.status_code == 200 and response.data == b""
    message = fake_slack.wait_for("chat.postMessage")[0]
    assert message.data["channel"] == "UADMIN"
    text = str(blocks_of(message))
    with sessions() as session:
        contact = directory.get_contact(session, session.scalars(select(Contact.id)).one())
    assert contact["name"] == "Ana Lima" and sorted(contact["tags"]) == ["Expo 2025", "vip"]
    assert "Ana Lima" in text and "ana.lima" in text and "Expo 2025" in text
    assert f"/api/contacts/{contact['id']}" in text


def test_phone_with_letters_is_refused_on_the_phone_field(slack, fake_slack, sessions):
    view = _modal(slack, fake_slack)
    response = slack.submit(view, text_state(name="Ana", phone="555-CALL-ANA"))
    assert response.status_code == 200
    assert response.json["response_action"] == "errors"
    assert set(response.json["errors"]) == {"phone"}
    assert "555-CALL-ANA" in response.json["errors"]["phone"]
    assert _contacts(sessions) == 0


def test_malformed_email_is_refused_on_the_email_field(slack, fake_slack, sessions):
    view = _modal(slack, fake_slack)
    response = slack.submit(view, text_state(name="Ana", email="ana@@example"))
    assert response.json["response_action"] == "errors"
    assert list(response.json["errors"]) == ["email"]
    assert _contacts(sessions) == 0


def test_no_phone_email_or_account_is_refused_on_the_phone_field(slack, fake_slack):
    view = _modal(slack, fake_slack)
    response = slack.submit(view, text_state(name="Only A Name"))
    assert "at least one phone, email" in response.json["errors"]["phone"]


def test_email_of_another_contact_is_refused_naming_that_contact(slack, fake_slack, sessions):
    slack.dm("add Jane Doe jane@example.com")
    fake_slack.wait_for("chat.postMessage")
    view = _modal(slack, fake_slack)
    response = slack.submit(view, text_state(name="J. Doe", phone="+1 415 555 0199",
                                             email="Jane@Example.com"))
    errors = response.json["errors"]
    assert list(errors) == ["email"]
    assert "Jane Doe" in errors["email"] and "#1" in errors["email"]
    assert _contacts(sessions) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_tags_picker_offers_existing_tags_and_the_typed_one_as_new(slack, fake_slack):
    slack.dm("add Jane Doe jane@example.com tag VIP, Expo")
    fake_slack.wait_for("chat.postMessage")
    response = slack.suggest("contact_tags", "v")
    options = [(o["text"]["text"], o["value"]) for o in response.json["options"]]
    assert options == [("v (new tag)", "v"), ("VIP", "VIP")]
    exact = slack.suggest("contact_tags", "vip").json["options"]
    assert [o["value"] for o in exact] == ["VIP"]
