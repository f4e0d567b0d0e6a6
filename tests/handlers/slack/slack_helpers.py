"""A local stand-in for Slack's Web API that records every call, and Slack-signed requests."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

WAIT_SECONDS = 20


@dataclass
class Call:
    """One request the bot made: the Web API method (or download/upload/respond) and its data."""

    method: str
    path: str
    headers: dict[str, str]
    data: dict
    raw: bytes


@dataclass
class _Answer:
    status: int
    body: dict | bytes
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """Answers Web API methods the way Slack does (ok, ts, view, file, upload URL), serves
    registered files at url_private_download, and records each request in order."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.files: dict[str, tuple[dict, bytes]] = {}
        self._scripted: dict[str, list[_Answer]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/api/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_file(self, file_id: str, name: str, content: bytes, filetype: str = "csv",
                 mimetype: str = "text/csv", size: int | None = None) -> None:
        """Make a file known to files.info and downloadable at its url_private_download."""
        meta = {"id": file_id, "name": name, "title": name, "filetype": filetype,
                "mimetype": mimetype, "size": len(content) if size is None else size,
                "url_private": f"{self.root}/files/{file_id}/{name}",
                "url_private_download": f"{self.root}/files/{file_id}/download/{name}"}
        self.files[file_id] = (meta, content)

    def script(self, method: str, status: int = 200, body: dict | None = None,
               headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next `times` calls of `method` so, instead of the default answer."""
        answers = self._scripted.setdefault(method, [])
        answers += [_Answer(status, body or {}, headers or {}) for _ in range(times)]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, where=None,
                 seconds: float = WAIT_SECONDS) -> list[Call]:
        """Wait until `count` calls of `method` (matching `where`) are recorded; the bot's
        listeners run in threads after the ack. Fails after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            found = [c for c in self.calls_to(method) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [c.method for c in self.calls]
                raise AssertionError(f"expected {count} call(s) of {method}; the bot made {seen}")
            time.sleep(0.02)

    def messages_text(self) -> str:
        """Everything posted or updated so far, as one string (text and blocks)."""
        return "\n".join(json.dumps(c.data, ensure_ascii=False) for c in self.calls
                         if c.method in ("chat.postMessage", "chat.update", "respond"))

    def answer(self, call: Call) -> _Answer:
        with self._lock:
            self.calls.append(call)
            scripted = self._scripted.get(call.method)
            if scripted:
                return scripted.pop(0)
        return self._default(call)

    def _default(self, call: Call) -> _Answer:
        if call.method == "download":
            file_id = call.path.split("/")[2]
            return _Answer(200, self.files[file_id][1], {"Content-Type": "text/csv"})
        if call.method in ("upload", "respond"):
            return _Answer(200, b"OK")
        return _Answer(200, self._api_body(call))

    def _api_body(self, call: Call) -> dict:
        data = call.data
        if call.method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1",
                    "user": "contacts", "team": "Test", "url": "https://test.slack.com/"}
        if call.method in ("chat.postMessage", "chat.update"):
            ts = data.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"ok": True, "channel": data.get("channel"), "ts": ts,
                    "message": {"text": data.get("text"), "ts": ts}}
        if call.method == "views.open":
            return {"ok": True, "view": {"id": "V1", **opened_view(call)}}
        if call.method == "files.info":
            known = self.files.get(data.get("file"))
            return {"ok": True, "file": known[0]} if known else {"ok": False,
                                                                 "error": "file_not_found"}
        if call.method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.root}/upload/FERR1", "file_id": "FERR1"}
        if call.method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "FERR1", "title": "errors"}]}
        return {"ok": True}


def _handler_for(fake: FakeSlack):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self._serve()

        def do_POST(self) -> None:  # noqa: N802
            self._serve()

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            call = Call(_method_of(parts.path), parts.path, headers,
                        _data_of(parts.query, headers.get("content-type", ""), raw), raw)
            answer = fake.answer(call)
            body = answer.body
            if not isinstance(body, bytes):
                body = json.dumps(body).encode()
            self.send_response(answer.status)
            content_type = "application/json" if isinstance(answer.body, dict) else "text/plain"
            for name, value in {"Content-Type": content_type, **answer.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass

    return Handler


def _method_of(path: str) -> str:
    if path.startswith("/api/"):
        return path[len("/api/"):]
    if path.startswith("/files/"):
        return "download"
    return path.strip("/").split("/")[0]


def _data_of(query: str, content_type: str, raw: bytes) -> dict:
    data = dict(parse_qsl(query))
    if "json" in content_type and raw:
        data.update(json.loads(raw))
    elif "x-www-form-urlencoded" in content_type:
        data.update(parse_qsl(raw.decode()))
    return data


def signature_headers(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """X-Slack-Request-Timestamp and X-Slack-Signature: v0= HMAC-SHA256 of v0:{ts}:{body}."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


class SlackSender:
    """Posts requests to /slack/events through the Flask test client, signed as Slack signs."""

    def __init__(self, client, secret: str, fake: FakeSlack) -> None:
        self.client = client
        self.secret = secret
        self.fake = fake
        self._ids = itertools.count(1)

    def post(self, body: str, content_type: str, headers: dict[str, str] | None = None,
             timestamp: int | None = None, secret: str | None = None):
        signed = signature_headers(secret or self.secret, body, timestamp)
        return self.client.post("/slack/events", data=body, content_type=content_type,
                                headers={**signed, **(headers or {})})

    def event(self, event: dict, event_id: str | None = None, retry: int | None = None):
        event_id = event_id or f"Ev{next(self._ids):04d}"
        body = json.dumps({"token": "legacy", "team_id": "T1", "api_app_id": "A1",
                           "type": "event_callback", "event_id": event_id,
                           "event_time": 1700000000, "event": event})
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} \
            if retry else None
        return self.post(body, "application/json", headers)

    def dm(self, text: str, user: str = "UADMIN", channel: str = "DADMIN", **extra):
        return self.event({"type": "message", "channel_type": "im", "channel": channel,
                           "user": user, "text": text, "ts": "1700000001.000100", **extra})

    def file_shared(self, file_id: str, user: str = "UADMIN", channel: str = "DADMIN",
                    event_id: str | None = None, retry: int | None = None):
        return self.event({"type": "file_shared", "file_id": file_id, "user_id": user,
                           "file": {"id": file_id}, "channel_id": channel,
                           "event_ts": "1700000002.000100"}, event_id, retry)

    def command(self, text: str, user: str = "UADMIN"):
        body = urlencode({"token": "legacy", "team_id": "T1", "channel_id": "C1",
                          "user_id": user, "command": "/contacts", "text": text,
                          "response_url": f"{self.fake.root}/respond/{next(self._ids)}",
                          "trigger_id": f"trigger-{next(self._ids)}"})
        return self.post(body, "application/x-www-form-urlencoded")

    def interaction(self, payload: dict):
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded")

    def click(self, action_id: str, value: str = "", user: str = "UADMIN",
              channel: str = "DADMIN", ts: str = "1700000000.000001"):
        return self.interaction({
            "type": "block_actions", "team": {"id": "T1"}, "user": {"id": user},
            "api_app_id": "A1", "trigger_id": f"trigger-{next(self._ids)}",
            "channel": {"id": channel}, "container": {"type": "message", "message_ts": ts},
            "message": {"ts": ts, "text": ""},
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b",
                         "value": value, "action_ts": "1700000003.1"}],
        })

    def submit(self, view: dict, values: dict, user: str = "UADMIN"):
        """Submit the modal `view` (as the bot opened it) with state `values`."""
        return self.interaction({
            "type": "view_submission", "team": {"id": "T1"}, "user": {"id": user},
            "api_app_id": "A1", "trigger_id": f"trigger-{next(self._ids)}",
            "view": {"id": "V1", "type": "modal", "callback_id": view["callback_id"],
                     "private_metadata": view.get("private_metadata", ""),
                     "blocks": view["blocks"], "state": {"values": values}},
        })

    def suggest(self, action_id: str, typed: str, block_id: str = "tags", user: str = "UADMIN"):
        return self.interaction({
            "type": "block_suggestion", "team": {"id": "T1"}, "user": {"id": user},
            "api_app_id": "A1", "action_id": action_id, "block_id": block_id, "value": typed,
            "view": {"id": "V1", "type": "modal", "callback_id": "contact_create"},
        })


def text_state(**fields: str) -> dict:
    """View state of plain-text inputs: block id -> {"value": {...}}."""
    return {key: {"value": {"type": "plain_text_input", "value": value}}
            for key, value in fields.items()}


def opened_view(call: Call) -> dict:
    view = call.data["view"]
    return json.loads(view) if isinstance(view, str) else view


def blocks_of(call: Call) -> list[dict]:
    blocks = call.data.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks
