"""Meta webhook payloads (field names as Meta documents them, invented values), signing, and a
local stand-in for the Graph API that records every request."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

APP_SECRET = "meta-test-secret"
VERIFY_TOKEN = "meta-verify"
PAGE_TOKEN = "page-test-token"
PAGE_ID = "104550011223344"
IG_ACCOUNT_ID = "17841400008460056"


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    """The X-Hub-Signature-256 header Meta sends: sha256= HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(client, payload, secret: str = APP_SECRET, signature: str | None = None):
    """POST a payload (a dict, or raw bytes) to /meta/webhook, signed as Meta signs it."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post("/meta/webhook", data=body, content_type="application/json",
                       headers={"X-Hub-Signature-256": signature or sign(body, secret)})


def delivery(obj: str, events: list[dict], entry_id: str | None = None) -> dict:
    """A webhook body: one entry of messaging events for a Page or an Instagram account."""
    entry_id = entry_id or (PAGE_ID if obj == "page" else IG_ACCOUNT_ID)
    return {"object": obj, "entry": [{"id": entry_id, "time": 1733241600000,
                                      "messaging": events}]}


def message_event(sender: str, mid: str, text: str | None = "Hello!",
                  recipient: str = PAGE_ID, attachments: list | None = None) -> dict:
    """A person's message to the business."""
    message: dict = {"mid": mid}
    if text is not None:
        message["text"] = text
    if attachments is not None:
        message["attachments"] = attachments
    return {"sender": {"id": sender}, "recipient": {"id": recipient},
            "timestamp": 1733241601234, "message": message}


def echo_event(recipient: str, mid: str, page: str = PAGE_ID) -> dict:
    """The business's own message, echoed back (sender is the Page or Instagram account)."""
    return {"sender": {"id": page}, "recipient": {"id": recipient}, "timestamp": 1733241602000,
            "message": {"mid": mid, "is_echo": True, "app_id": 1517776481860111,
                        "text": "Thanks, we'll be in touch."}}


def delivery_receipt(sender: str, mids: list[str]) -> dict:
    return {"sender": {"id": sender}, "recipient": {"id": PAGE_ID},
            "delivery": {"mids": mids, "watermark": 1733241603000}}


def read_receipt(sender: str, recipient: str = PAGE_ID) -> dict:
    return {"sender": {"id": sender}, "recipient": {"id": recipient},
            "timestamp": 1733241604000, "read": {"watermark": 1733241603500}}


class GraphServer:
    """A Graph API stand-in on 127.0.0.1: answers GET /{id} from a queue of canned replies
    (status, JSON body), else from `profiles`, and records each request's path and query."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.replies: list[tuple[int, dict]] = []
        self.profiles: dict[str, dict] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.requests.append({"path": parts.path, "query": query})
                status, body = server._reply(parts.path.rsplit("/", 1)[-1])
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/v21.0"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def _reply(self, user_id: str) -> tuple[int, dict]:
        if self.replies:
            return self.replies.pop(0)
        if user_id in self.profiles:
            return 200, {**self.profiles[user_id], "id": user_id}
        return 400, {"error": {"message": "Unsupported get request.",
                               "type": "GraphMethodException", "code": 100}}

    def fail_next(self, times: int = 1) -> None:
        """The next `times` requests get the 500 Graph answers when it is having trouble."""
        self.replies += [(500, {"error": {"message": "An unexpected error has occurred.",
                                          "type": "OAuthException", "code": 2,
                                          "is_transient": True}})] * times

    def __enter__(self) -> GraphServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._http.shutdown()
        self._http.server_close()
