"""Staff commands by /contacts and in a DM: help, add, find, imports, grant and revoke."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import Contact, Identity, Staff
from tests.handlers.slack.slack_helpers import blocks_of


def _said(call) -> str:
    return json.dumps({"text": call.data.get("text"), "blocks": blocks_of(call)},
                      ensure_ascii=False)


def test_help_by_slash_command_answers_privately_with_examples(slack, fake_slack):
    response = slack.command("help")
    assert response.status_code == 200
    reply = fake_slack.wait_for("respond")[0]
    assert reply.data["response_type"] == "ephemeral"
    text = _said(reply)
    for example in ("new", "find jane", "add Jane Doe", "import", "imports", "grant"):
        assert example in text


def test_add_in_a_dm_creates_the_contact_and_replies_with_it(slack, fake_slack, sessions):
    assert slack.dm("add Jane Doe +44 20 7946 0958 jane@example.com tag vip").status_code == 200
    reply = fake_slack.wait_for("chat.postMessage")[0]
    assert reply.data["channel"] == "DADMIN"
    with sessions() as session:
        contact = session.scalars(select(Contact)).one()
        identities = {(i.kind, i.value) for i in session.scalars(select(Identity))}
    assert contact.name == "Jane Doe" and contact.created_source == "slack"
    assert identities == {("phone", "+442079460958"), ("email", "jane@example.com")}
    text = _said(reply)
    assert "Jane Doe" in text and "vip" in text
    assert f"https://contacts.example.test/api/contacts/{contact.id}" in text


def test_add_with_a_phone_of_another_contact_names_that_contact(slack, fake_slack, sessions):
    slack.dm("add Jane Doe +44 20 7946 0958")
    fake_slack.wait_for("chat.postMessage")
    slack.dm("add John Roe +442079460958")
    second = fake_slack.wait_for("chat.postMessage", 2)[1]
    assert "Jane Doe" in _said(second) and "Not created" in _said(second)
    with sessions() as session:
        assert len(session.scalars(select(Contact)).all()) == 1


def test_find_by_phone_in_another_format_email_name_and_tag(slack, fake_slack):
    slack.dm("add Jane Doe +1 415 555 0134 jane@example.com tag VIP")
    fake_slack.wait_for("chat.postMessage")
    for number, query in enumerate(("(415) 555-0134", "JANE@example.com", "jan", "vip"), 2):
        slack.dm(f"find {query}")
        reply = fake_slack.wait_for("chat.postMessage", number)[-1]
        text = _said(reply)
        assert "1 contact matches" in text, query
        assert "Jane Doe" in text and "+14155550134" in text and "VIP" in text, text


def test_find_with_no_match_says_so(slack, fake_slack):
    slack.command("find nobody-at-all")
    assert "No contact matches" in _said(fake_slack.wait_for("respond")[0])


def test_new_by_slash_command_opens_the_create_contact_modal(slack, fake_slack):
    slack.command("new")
    opened = fake_slack.wait_for("views.open")[0]
    assert opened.data["trigger_id"].startswith("trigger-")
    view = opened.data["view"]
    assert view["callback_id"] == "contact_create"
    block_ids = [b["block_id"] for b in view["blocks"]]
    assert block_ids == ["name", "phone", "email", "facebook", "instagram", "tags"]
    assert view["blocks"][-1]["element"]["type"] == "multi_external_select"


def test_new_in_a_dm_offers_a_button_that_opens_the_modal(slack, fake_slack):
    slack.dm("new")
    offer = fake_slack.wait_for("chat.postMessage")[0]
    button = blocks_of(offer)[-1]["elements"][0]
    slack.click(button["action_id"])
    assert fake_slack.wait_for("views.open")[0].data["view"]["callback_id"] == "contact_create"


def test_imports_lists_recent_imports(slack, fake_slack):
    slack.command("imports")
    assert "No imports yet" in _said(fake_slack.wait_for("respond")[0])


def test_admin_grants_and_revokes_the_importer_role(slack, fake_slack, sessions):
    slack.command("grant <@UJANE|jane> importer")
    assert "is now importer" in _said(fake_slack.wait_for("respond")[0])
    with sessions() as session:
        assert session.scalars(select(Staff.role).where(Staff.slack_user_id == "UJANE")).one() \
            == "importer"
    slack.command("revoke <@UJANE>")
    assert "was importer" in _said(fake_slack.wait_for("respond", 2)[1])
    with sessions() as session:
        assert session.scalars(select(Staff)).all() == []


def test_an_agent_cannot_grant_roles(slack, fake_slack, sessions):
    slack.command("grant <@UBOB> admin", user="UAGENT")
    reply = _said(fake_slack.wait_for("respond")[0])
    assert "only admins may grant roles" in reply and "agent" in reply
    with sessions() as session:
        assert session.scalars(select(Staff)).all() == []


def test_granting_an_unknown_role_names_the_roles(slack, fake_slack):
    slack.command("grant <@UBOB> boss")
    assert "'boss' is not a role" in _said(fake_slack.wait_for("respond")[0])


def test_unknown_words_get_a_pointer_to_help(slack, fake_slack):
    slack.dm("make me a sandwich")
    assert "Type `help`" in _said(fake_slack.wait_for("chat.postMessage")[0])


def test_messages_from_bots_and_channels_are_ignored(slack, fake_slack):
    slack.dm("help", bot_id="BOTHER")
    slack.event({"type": "message", "channel_type": "channel", "channel": "C1",
                 "user": "UADMIN", "text": "help"})
    slack.dm("help")
    fake_slack.wait_for("chat.postMessage")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_retried_dm_is_acted_on_once(slack, fake_slack, sessions):
    event = {"type": "message", "channel_type": "im", "channel": "DADMIN", "user": "UADMIN",
             "text": "add Jane Doe jane@example.com", "ts": "1700000001.000100"}
    assert slack.event(event, event_id="EvADD").status_code == 200
    fake_slack.wait_for("chat.postMessage")
    assert slack.event(event, event_id="EvADD", retry=1).status_code == 200
    # The retry is recognised before the ack, so no listener runs for it; a later DM's reply
    # is the next and only other message.
    slack.dm("help")
    replies = fake_slack.wait_for("chat.postMessage", 2)
    assert len(replies) == 2 and replies[1].data["text"] == "What I can do"
    with sessions() as session:
        assert len(session.scalars(select(Contact)).all()) == 1
