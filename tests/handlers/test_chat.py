"""Live chat over HTTP on SQLite and PostgreSQL: widget, tokens, messages, replies, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot import chat
from bot.app import create_app
from bot.config import Config
from bot.conversations import record_message
from bot.errors import ChatTokenError
from bot.records import ContactInput
from storage.models import Contact, Identity, Message
from tests.conftest import _empty_tables, auth, make_config

SECRET = "chat-test-secret"


@pytest.fixture
def chat_app(database_url):
    application = create_app(make_config(database_url, chat_secret=SECRET))
    _empty_tables(application)
    yield application
    application.extensions["contacts_runtime"].engine.dispose()


@pytest.fixture
def web(chat_app):
    return chat_app.test_client()


def _count(app, model) -> int:
    with app.extensions["contacts_runtime"].sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def _contacts(app) -> list[Contact]:
    with app.extensions["contacts_runtime"].sessions() as session:
        return list(session.scalars(select(Contact).order_by(Contact.id)))


def _start(web, **fields) -> str:
    response = web.post("/chat/start", json=fields)
    assert response.status_code == 201, response.json
    return response.json["token"]


def _send(web, token: str, text: str, message_id: str | None = None):
    body = {"text": text} | ({"id": message_id} if message_id else {})
    return web.post("/chat/messages", json=body, headers={"X-Chat-Token": token})


def _fetch(web, token: str, after: int = 0) -> list[dict]:
    response = web.get("/chat/messages", query_string={"after": after},
                       headers={"X-Chat-Token": token})
    assert response.status_code == 200, response.json
    return response.json["messages"]


def test_widget_script_and_demo_page_are_served(web):
    script = web.get("/chat/widget.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript"
    assert b"X-Chat-Token" in script.data and b"/chat/start" in script.data
    page = web.get("/chat/demo")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b'<script src="/chat/widget.js"' in page.data


def test_widget_round_trip_start_send_fetch_and_staff_reply(web, chat_app):
    token = _start(web, name="Dana Whitfield", email="dana@example.com")
    sent = _send(web, token, "Do you ship to Canada?", "m1")
    assert sent.status_code == 201 and sent.json["message"]["duplicate"] is False
    assert [(m["from"], m["text"]) for m in _fetch(web, token)] == [
        ("visitor", "Do you ship to Canada?")]
    found = web.get("/api/contacts", query_string={"tag": "Live chat"}, headers=auth("agent"))
    contact = found.json["contacts"][0]
    assert (contact["name"], contact["name_source"]) == ("Dana Whitfield", "profile")
    record = web.get(f"/api/contacts/{contact['id']}", headers=auth("agent")).json["contact"]
    conversation = record["conversations"][0]
    assert conversation["channel"] == "chat"
    reply = web.post(f"/api/conversations/{conversation['id']}/messages",
                     json={"text": "Yes, in 5 days."}, headers=auth("agent"))
    assert reply.status_code == 201
    last_seen = sent.json["message"]["id"]
    assert [(m["from"], m["text"]) for m in _fetch(web, token, after=last_seen)] == [
        ("staff", "Yes, in 5 days.")]
    assert web.get("/chat/messages", headers={"X-Chat-Token": token}).headers[
        "Access-Control-Allow-Origin"] == "*"


def test_start_without_details_creates_no_contact_until_the_first_message(web, chat_app):
    token = _start(web)
    assert _count(chat_app, Contact) == 0
    assert _send(web, token, "hello?").status_code == 201
    (contact,) = _contacts(chat_app)
    assert contact.name is None and contact.created_source == "chat"


def test_returning_visitor_with_token_is_the_same_contact(web, chat_app):
    token = _start(web)
    _send(web, token, "first visit")
    later = chat_app.test_client()  # another page load, the token from localStorage
    assert _send(later, token, "back again").status_code == 201
    assert _count(chat_app, Contact) == 1
    assert [m["text"] for m in _fetch(later, token)] == ["first visit", "back again"]
    again = later.post("/chat/start", json={"email": "back@example.com"},
                       headers={"X-Chat-Token": token})
    assert again.status_code == 201
    assert _count(chat_app, Contact) == 1
    with chat_app.extensions["contacts_runtime"].sessions() as session:
        kinds = sorted(session.scalars(select(Identity.kind)))
    assert kinds == ["chat", "email"]


def test_prechat_email_of_an_existing_contact_links_the_visitor_to_it(web, chat_app):
    dana = {"name": "Dana Whitfield", "email": "dana@example.com"}
    created = web.post("/api/contacts", json=dana, headers=auth("agent")).json["contact"]
    token = _start(web, name="D", email="DANA@example.com")
    _send(web, token, "it's me again")
    (contact,) = _contacts(chat_app)
    assert contact.id == created["id"]
    assert (contact.name, contact.name_source) == ("Dana Whitfield", "manual")
    record = web.get(f"/api/contacts/{contact.id}", headers=auth()).json["contact"]
    assert {i["kind"] for i in record["identities"]} == {"email", "chat"}
    assert record["tags"] == []  # the channel tag is only for contacts the chat creates
    assert record["conversations"][0]["messages"][0]["body"] == "it's me again"


def test_two_visitors_linked_to_one_contact_each_see_only_their_own_messages(web, chat_app):
    first = _start(web, email="shared@example.com")
    second = _start(web, email="shared@example.com")
    _send(web, first, "from the laptop")
    _send(web, second, "from the phone")
    assert _count(chat_app, Contact) == 1
    assert [m["text"] for m in _fetch(web, first)] == ["from the laptop"]
    assert [m["text"] for m in _fetch(web, second)] == ["from the phone"]


def test_visitor_who_introduces_themself_names_an_unnamed_contact(web, chat_app):
    token = _start(web)
    _send(web, token, "hi, I'm Dana Whitfield, is my order ready?")
    (contact,) = _contacts(chat_app)
    assert (contact.name, contact.name_source) == ("Dana Whitfield", "ai_capture")


def test_introduction_never_replaces_the_prechat_name(web, chat_app):
    token = _start(web, name="Dana Whitfield")
    _send(web, token, "hi, I'm Dan")
    (contact,) = _contacts(chat_app)
    assert (contact.name, contact.name_source) == ("Dana Whitfield", "profile")


def test_same_message_id_sent_twice_is_stored_once(web, chat_app):
    token = _start(web)
    first = _send(web, token, "hello", "retry-1")
    second = _send(web, token, "hello", "retry-1")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json["message"] == {**first.json["message"], "duplicate": True}
    assert _count(chat_app, Message) == 1


def test_expired_token_is_refused_and_nothing_is_written(web, chat_app):
    token, _ = chat.issue_token(SECRET.encode(), "0" * 32, now=0)
    response = _send(web, token, "hello")
    assert response.status_code == 401 and "expired" in response.json["error"]
    assert web.get("/chat/messages", headers={"X-Chat-Token": token}).status_code == 401
    assert _count(chat_app, Contact) == 0 and _count(chat_app, Message) == 0


@pytest.mark.parametrize("token", [
    chat.issue_token(b"another install's secret", "a" * 32)[0],
    "v1." + "a" * 32 + ".9999999999.forged",
    "not-a-token",
    "",
])
def test_foreign_or_malformed_token_is_refused_and_nothing_is_written(web, chat_app, token):
    response = _send(web, token, "hello")
    assert response.status_code == 401 and "start a new chat" in response.json["error"]
    restart = web.post("/chat/start", json={}, headers={"X-Chat-Token": token} if token else {})
    assert restart.status_code == (401 if token else 201)
    assert _count(chat_app, Contact) == 0 and _count(chat_app, Message) == 0


def test_bad_chat_input_gets_a_4xx_naming_the_field_and_writes_nothing(web, chat_app):
    token = _start(web)
    headers = {"X-Chat-Token": token}
    bad_json = web.post("/chat/messages", data="{oops", content_type="application/json",
                        headers=headers)
    assert bad_json.status_code == 400 and "JSON" in bad_json.json["error"]
    assert "text" in _send(web, token, "   ").json["fields"]
    assert "text" in _send(web, token, "x" * 2001).json["fields"]
    assert "id" in _send(web, token, "hi", "has spaces").json["fields"]
    unknown = web.post("/chat/messages", json={"text": "hi", "to": "x"}, headers=headers)
    assert unknown.status_code == 400 and "to" in unknown.json["fields"]
    huge = web.post("/chat/messages", data="x" * 20000, content_type="application/json",
                    headers=headers)
    assert huge.status_code == 413
    email = web.post("/chat/start", json={"name": "Dana", "email": "dana@"})
    assert email.status_code == 400 and "email" in email.json["fields"]
    not_text = web.post("/chat/start", json={"name": ["Dana"]})
    assert not_text.status_code == 400 and "name" in not_text.json["fields"]
    after = web.get("/chat/messages", query_string={"after": "abc"}, headers=headers)
    assert after.status_code == 400 and "after" in after.json["fields"]
    assert _count(chat_app, Contact) == 0 and _count(chat_app, Message) == 0


def test_staff_reply_needs_a_chat_conversation_and_an_agent(web, chat_app):
    token = _start(web)
    _send(web, token, "hello")
    with chat_app.extensions["contacts_runtime"].sessions() as session:
        sms = record_message(session, sender=ContactInput(phones=[("+14155550134", None)]),
                             source="sms", channel="sms", provider="twilio",
                             provider_message_id="SM1", body="hi")
        sms_conversation = session.get(Message, sms.message_id).conversation_id
    chat_conversation = _fetch_conversation_id(chat_app, "chat")
    path = f"/api/conversations/{chat_conversation}/messages"
    assert web.post(path, json={"text": "hi"}, headers=auth("viewer")).status_code == 403
    assert web.post(path, json={"text": "hi"}).status_code == 401
    assert web.post(path, json={"text": ""}, headers=auth()).status_code == 400
    missing = web.post("/api/conversations/999999/messages", json={"text": "hi"}, headers=auth())
    assert missing.status_code == 404
    other = web.post(f"/api/conversations/{sms_conversation}/messages", json={"text": "hi"},
                     headers=auth())
    assert other.status_code == 400 and "sms conversation" in other.json["error"]
    assert _count(chat_app, Message) == 2


def test_staff_reply_with_the_same_id_is_stored_once(web, chat_app):
    token = _start(web)
    _send(web, token, "hello")
    path = f"/api/conversations/{_fetch_conversation_id(chat_app, 'chat')}/messages"
    first = web.post(path, json={"id": "r1", "text": "Hi!"}, headers=auth("agent"))
    second = web.post(path, json={"id": "r1", "text": "Hi!"}, headers=auth("agent"))
    assert (first.status_code, second.status_code) == (201, 200)
    assert [m["from"] for m in _fetch(web, token)] == ["visitor", "staff"]


def _fetch_conversation_id(app, channel: str) -> int:
    from storage.models import Conversation

    with app.extensions["contacts_runtime"].sessions() as session:
        return session.scalar(select(Conversation.id).where(Conversation.channel == channel))


def test_token_names_its_visitor_until_it_expires():
    token, expires = chat.issue_token(b"k", "b" * 32, now=1000)
    assert chat.read_token(b"k", token, now=expires - 1) == "b" * 32
    with pytest.raises(ChatTokenError, match="expired"):
        chat.read_token(b"k", token, now=expires)
    with pytest.raises(ChatTokenError, match="not issued by this service"):
        chat.read_token(b"other", token, now=1000)


def test_without_chat_secret_a_per_install_key_is_made_once_and_kept(tmp_path):
    first = chat.chat_secret(Config(), instance_dir=tmp_path)
    assert len(first) == 64 and (tmp_path / "chat_secret").read_bytes().strip() == first
    chat._install_secret.cache_clear()
    assert chat.chat_secret(Config(), instance_dir=tmp_path) == first
    assert chat.chat_secret(Config(chat_secret="set"), instance_dir=tmp_path) == b"set"
