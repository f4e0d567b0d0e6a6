"""Messenger and Instagram webhooks over HTTP on SQLite and PostgreSQL, with a local Graph API."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import time

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from storage.models import Contact, Identity, Message
from tests import services
from tests.conftest import _empty_tables, auth, make_config
from tests.handlers.meta_helpers import (
    APP_SECRET,
    IG_ACCOUNT_ID,
    PAGE_ID,
    PAGE_TOKEN,
    VERIFY_TOKEN,
    GraphServer,
    delivery,
    delivery_receipt,
    echo_event,
    message_event,
    post_webhook,
    read_receipt,
    sign,
)

PSID = "6912345678901234"
IGSID = "17841455512345678"


@pytest.fixture
def graph():
    with GraphServer() as server:
        yield server


@pytest.fixture
def meta_app(database_url, graph):
    application = create_app(make_config(database_url, meta_graph_base_url=graph.url,
                                         meta_page_token=PAGE_TOKEN, chat_secret="x"))
    _empty_tables(application)
    yield application
    application.extensions["contacts_runtime"].engine.dispose()


@pytest.fixture
def web(meta_app):
    return meta_app.test_client()


def _count(app, model) -> int:
    with app.extensions["contacts_runtime"].sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def _record(web, contact_id: int) -> dict:
    return web.get(f"/api/contacts/{contact_id}", headers=auth()).json["contact"]


def _only_contact(web, app) -> dict:
    with app.extensions["contacts_runtime"].sessions() as session:
        (contact_id,) = session.scalars(select(Contact.id)).all()
    return _record(web, contact_id)


def test_subscription_challenge_is_answered_only_with_the_verify_token(web):
    hub = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
           "hub.challenge": "1158201444"}
    answered = web.get("/meta/webhook", query_string=hub)
    assert (answered.status_code, answered.data, answered.mimetype) == (200, b"1158201444",
                                                                         "text/plain")
    for wrong in ({"hub.verify_token": "guess"}, {"hub.mode": "unsubscribe"},
                  {"hub.verify_token": ""}):
        assert web.get("/meta/webhook", query_string={**hub, **wrong}).status_code == 403
    no_challenge = web.get("/meta/webhook", query_string={**hub, "hub.challenge": ""})
    assert no_challenge.status_code == 400 and "hub.challenge" in no_challenge.json["fields"]


def test_without_meta_settings_the_webhook_answers_503_naming_them(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'c.db'}", meta_app_secret=None))
    web = app.test_client()
    check = web.get("/meta/webhook", query_string={"hub.mode": "subscribe"})
    assert check.status_code == 503 and "META_APP_SECRET" in check.json["error"]
    posted = post_webhook(web, delivery("page", [message_event(PSID, "m_1")]))
    assert posted.status_code == 503 and "META_APP_SECRET" in posted.json["error"]
    app.extensions["contacts_runtime"].engine.dispose()


def test_messenger_message_makes_a_tagged_contact_named_from_its_profile(web, meta_app, graph):
    graph.profiles[PSID] = {"first_name": "Dana", "last_name": "Whitfield",
                            "name": "Dana Whitfield"}
    response = post_webhook(web, delivery("page", [message_event(PSID, "m_AbC1", "Is it open?")]))
    assert response.status_code == 200
    assert response.json == {"recorded": 1, "duplicates": 0, "ignored": 0,
                                  "profile_fetches": 1, "note": None}
    (request,) = graph.requests
    assert request["path"] == f"/v21.0/{PSID}"
    assert request["query"]["fields"] == "first_name,last_name,name"
    assert request["query"]["access_token"] == PAGE_TOKEN
    assert request["query"]["appsecret_proof"] == hmac.new(
        APP_SECRET.encode(), PAGE_TOKEN.encode(), hashlib.sha256).hexdigest()
    contact = _only_contact(web, meta_app)
    assert (contact["name"], contact["name_source"]) == ("Dana Whitfield", "profile")
    assert contact["identities"] == [{"kind": "facebook", "value": PSID, "label": None}]
    assert contact["tags"] == ["Facebook"] and contact["created_source"] == "facebook"
    (message,) = contact["conversations"][0]["messages"]
    assert (message["body"], message["provider"], message["direction"]) == (
        "Is it open?", "meta", "in")
    assert contact["conversations"][0]["channel"] == "facebook"


def test_instagram_message_makes_a_contact_with_profile_name_and_username(web, meta_app, graph):
    graph.profiles[IGSID] = {"name": "Dana Whitfield", "username": "dana.whitfield"}
    photo = [{"type": "image", "payload": {"url": "https://lookaside.example/ig/1.jpg"}}]
    payload = delivery("instagram", [message_event(IGSID, "aWdfZAG1faXRlbToxOjE", None,
                                                   IG_ACCOUNT_ID, attachments=photo)])
    assert post_webhook(web, payload).status_code == 200
    assert graph.requests[0]["query"]["fields"] == "name,username"
    contact = _only_contact(web, meta_app)
    assert (contact["name"], contact["tags"]) == ("Dana Whitfield", ["Instagram"])
    assert contact["identities"][0]["kind"] == "instagram"
    assert contact["properties"] == {"instagram_username": "dana.whitfield"}
    (message,) = contact["conversations"][0]["messages"]
    assert message["kind"] == "media" and message["details"]["attachments"][0]["type"] == "image"


def test_same_mid_delivered_twice_records_one_message(web, meta_app, graph):
    graph.profiles[PSID] = {"name": "Dana Whitfield"}
    payload = delivery("page", [message_event(PSID, "m_retried")])
    first, second = post_webhook(web, payload), post_webhook(web, payload)
    assert (first.json["recorded"], second.json["recorded"], second.json["duplicates"]) == (1, 0, 1)
    assert _count(meta_app, Message) == 1 and _count(meta_app, Contact) == 1
    assert len(graph.requests) == 1


def test_echoes_and_receipts_make_no_contact_for_the_business(web, meta_app, graph):
    page = delivery("page", [echo_event(PSID, "m_echo"), delivery_receipt(PSID, ["m_echo"]),
                             read_receipt(PSID)])
    instagram = delivery("instagram", [echo_event(IGSID, "ig_echo", IG_ACCOUNT_ID),
                                       read_receipt(IGSID, IG_ACCOUNT_ID),
                                       message_event(IG_ACCOUNT_ID, "ig_self", "from us")])
    assert post_webhook(web, page).json["ignored"] == 3
    assert post_webhook(web, instagram).json["ignored"] == 3
    assert _count(meta_app, Contact) == 0 and _count(meta_app, Message) == 0
    assert graph.requests == []


def test_failed_profile_fetch_is_retried_on_the_next_message_leaving_no_placeholder(
        web, meta_app, graph):
    graph.profiles[PSID] = {"first_name": "Dana", "last_name": "Whitfield"}
    graph.fail_next()
    first = post_webhook(web, delivery("page", [message_event(PSID, "m_1")]))
    assert first.status_code == 200 and first.json["recorded"] == 1
    contact = _only_contact(web, meta_app)
    assert (contact["name"], contact["name_source"]) == (None, None)
    post_webhook(web, delivery("page", [message_event(PSID, "m_2")]))
    contact = _only_contact(web, meta_app)
    assert (contact["name"], contact["name_source"]) == ("Dana Whitfield", "profile")
    post_webhook(web, delivery("page", [message_event(PSID, "m_3")]))
    assert len(graph.requests) == 2  # named now: no more fetches


def test_staff_typed_name_is_kept_and_no_profile_is_fetched(web, meta_app, graph):
    created = web.post("/api/contacts", json={"name": "Dana W. (VIP)", "facebook": PSID},
                       headers=auth("agent")).json["contact"]
    post_webhook(web, delivery("page", [message_event(PSID, "m_1")]))
    assert graph.requests == []
    contact = _record(web, created["id"])
    assert contact["name"] == "Dana W. (VIP)" and len(contact["conversations"]) == 1


def test_without_page_token_the_contact_stays_unnamed_and_graph_is_not_called(
        database_url, graph):
    app = create_app(make_config(database_url, meta_graph_base_url=graph.url))
    _empty_tables(app)
    web = app.test_client()
    assert post_webhook(web, delivery("page", [message_event(PSID, "m_1")])).status_code == 200
    assert _only_contact(web, app)["name"] is None and graph.requests == []
    app.extensions["contacts_runtime"].engine.dispose()


@pytest.mark.parametrize("signature", [
    "sha256=" + "0" * 64, "sha1=abc", "", "sha256=",
])
def test_bad_signature_gets_403_and_writes_nothing(web, meta_app, graph, signature):
    payload = delivery("page", [message_event(PSID, "m_1")])
    response = post_webhook(web, payload, signature=signature or "none")
    assert response.status_code == 403
    assert post_webhook(web, payload, secret="another app's secret").status_code == 403
    assert _count(meta_app, Contact) == 0 and _count(meta_app, Message) == 0
    assert graph.requests == []


def test_body_changed_after_signing_gets_403(web, meta_app):
    body = json.dumps(delivery("page", [message_event(PSID, "m_1")])).encode()
    tampered = body.replace(b"Hello!", b"Hacked")
    assert post_webhook(web, tampered, signature=sign(body)).status_code == 403
    assert _count(meta_app, Message) == 0


@pytest.mark.parametrize(("payload", "field"), [
    (b"{not json", "body"),
    (b"[]", "body"),
    ({"entry": []}, "object"),
    ({"object": "page", "entry": {"id": "1"}}, "entry"),
    ({"object": "page", "entry": [{"id": PAGE_ID, "messaging": [
        message_event(PSID, "m_good"), {"recipient": {"id": PAGE_ID}, "message": {"mid": "m_x"}},
    ]}]}, "entry[0].messaging[1].sender.id"),
    (delivery("page", [{"sender": {"id": PSID}, "message": {"text": "no mid"}}]),
     "entry[0].messaging[0].message.mid"),
    (delivery("page", [{"sender": {"id": "<script>"}, "message": {"mid": "m_1"}}]),
     "entry[0].messaging[0].sender.id"),
])
def test_malformed_delivery_gets_400_naming_the_field_and_writes_nothing(
        web, meta_app, payload, field):
    response = post_webhook(web, payload)
    assert response.status_code == 400 and field in response.json["fields"]
    assert _count(meta_app, Contact) == 0 and _count(meta_app, Message) == 0


def test_unknown_object_is_acknowledged_with_200_and_ignored(web, meta_app):
    response = post_webhook(web, {"object": "whatsapp_business_account", "entry": [
        {"id": "1", "changes": [{"field": "messages", "value": {}}]}]})
    assert response.status_code == 200 and "not handled" in response.json["note"]
    assert _count(meta_app, Contact) == 0 and _count(meta_app, Message) == 0


def test_oversize_body_gets_413_before_anything_is_read(web, meta_app):
    body = json.dumps({"object": "page", "entry": [], "pad": "x" * (1024 * 1024)}).encode()
    assert post_webhook(web, body).status_code == 413
    assert _count(meta_app, Message) == 0


def test_instagram_mid_longer_than_the_column_is_stored_once(web, meta_app, graph):
    mid = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDA4NDYwMDU2" * 3
    payload = delivery("instagram", [message_event(IGSID, mid, "hi", IG_ACCOUNT_ID)])
    assert post_webhook(web, payload).json["recorded"] == 1
    assert post_webhook(web, payload).json["duplicates"] == 1
    with meta_app.extensions["contacts_runtime"].sessions() as session:
        (message,) = session.scalars(select(Message)).all()
        assert len(message.provider_message_id) <= 100 and message.details["mid"] == mid
        assert session.scalar(select(Identity.value)) == IGSID


# Bounded wait for the retried job, generous for a busy machine (RQ's first retry is after 1 s).
RQ_DEADLINE_SECONDS = 60


def _burst_worker(database_url: str, graph_url: str) -> None:
    env = services.worker_environment(
        database_url, services.REDIS_URL, META_GRAPH_BASE_URL=graph_url,
        META_PAGE_TOKEN=PAGE_TOKEN, META_APP_SECRET=APP_SECRET, META_VERIFY_TOKEN=VERIFY_TOKEN)
    # --with-scheduler: a burst worker first moves retries that are due back onto the queue.
    subprocess.run(services.rq_worker(env, "default", "--burst", "--with-scheduler"), env=env,
                   cwd=services.ROOT, check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.integration
def test_profile_fetch_is_an_rq_job_retried_by_a_real_worker_after_a_failure(
        postgres_url, redis_connection, graph):
    from rq import Queue

    app = create_app(make_config(postgres_url, redis_url=services.REDIS_URL,
                                 meta_graph_base_url=graph.url, meta_page_token=PAGE_TOKEN))
    _empty_tables(app)
    web = app.test_client()
    graph.profiles[PSID] = {"first_name": "Dana", "last_name": "Whitfield"}
    graph.fail_next()
    response = post_webhook(web, delivery("page", [message_event(PSID, "m_rq")]))
    assert response.status_code == 200 and response.json["profile_fetches"] == 1
    assert graph.requests == [] and Queue("default", connection=redis_connection).count == 1
    assert _only_contact(web, app)["name"] is None
    deadline = time.monotonic() + RQ_DEADLINE_SECONDS
    while _only_contact(web, app)["name"] is None and time.monotonic() < deadline:
        _burst_worker(postgres_url, graph.url)
        time.sleep(0.5)
    contact = _only_contact(web, app)
    assert (contact["name"], contact["name_source"]) == ("Dana Whitfield", "profile")
    assert [r["path"] for r in graph.requests] == [f"/v21.0/{PSID}"] * 2  # failed, then retried
    app.extensions["contacts_runtime"].engine.dispose()
