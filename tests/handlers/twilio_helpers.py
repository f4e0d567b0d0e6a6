"""Post form bodies to the app signed as Twilio signs them, and build Twilio-shaped payloads."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import count
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

TOKEN = "twilio-test-token"  # tests.conftest.make_config's twilio_auth_token
PUBLIC_BASE = "https://contacts.example.test"  # and its public_base_url
ACCOUNT_SID = "AC" + "0" * 31 + "1"
OUR_NUMBER = "+14155550100"
_serial = count(1)


def sid(prefix: str) -> str:
    """A fresh invented Twilio SID: two letters and 32 hex digits."""
    return f"{prefix}{next(_serial):032x}"


def sign(url: str, params, token: str = TOKEN) -> str:
    """The X-Twilio-Signature Twilio would send for `params` posted to `url`."""
    return RequestValidator(token).compute_signature(url, params)


class TwilioClient:
    """A Flask test client that signs each post over the URL Twilio would have requested."""

    def __init__(self, client, signed_base: str = PUBLIC_BASE, token: str = TOKEN) -> None:
        self.client = client
        self.signed_base = signed_base.rstrip("/")
        self.token = token

    def post(self, path_or_url: str, params, *, signature: str | None = None,
             signed_url: str | None = None, base_url: str = "http://localhost", **kwargs):
        """Post `params` (a dict or a list of pairs, keys may repeat) as a form.

        `path_or_url` may be an absolute URL taken from TwiML: it is signed as given and
        requested by its path and query.
        """
        form = MultiDict(params)
        parts = urlsplit(path_or_url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if signature is None:
            url = signed_url or (path_or_url if parts.scheme else self.signed_base + path)
            signature = sign(url, form, self.token)
        headers = dict(kwargs.pop("headers", {}))
        if signature:
            headers["X-Twilio-Signature"] = signature
        return self.client.post(path, data=form, headers=headers, base_url=base_url, **kwargs)


def sms_params(sender: str, body: str = "", message_sid: str | None = None, **extra) -> dict:
    """A Messaging webhook body as Twilio sends it (invented values)."""
    message_sid = message_sid or sid("SM")
    params = {
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": message_sid, "NumMedia": "0",
        "ToCity": "SAN FRANCISCO", "FromZip": "", "SmsSid": message_sid, "FromState": "",
        "SmsStatus": "received", "FromCity": "", "Body": body, "FromCountry": "US",
        "To": OUR_NUMBER, "MessagingServiceSid": "", "ToZip": "94105", "NumSegments": "1",
        "MessageSid": message_sid, "AccountSid": ACCOUNT_SID, "From": sender, "ApiVersion":
        "2010-04-01",
    }
    params.update(extra)
    return params


def call_params(caller: str, call_sid: str, **extra) -> dict:
    """A Voice webhook body for an incoming call (invented values)."""
    params = {
        "AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", "CallSid": call_sid,
        "CallStatus": "ringing", "Called": OUR_NUMBER, "Caller": caller, "Direction": "inbound",
        "From": caller, "To": OUR_NUMBER, "CallerCountry": "US", "CalledCountry": "US",
    }
    params.update(extra)
    return params


def twiml(response) -> ET.Element:
    """Parse a TwiML reply (asserting it is XML with a <Response> root)."""
    assert response.mimetype in ("text/xml", "application/xml"), response.data[:200]
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def verbs(root: ET.Element) -> list[str]:
    """The top-level verbs of a TwiML document, in order."""
    return [child.tag for child in root]
