"""Test doubles for web push: browsers with real keys, and a push service that stands in for the
network (only `requests.Session.post`, the call that would leave the machine, is replaced).

The fake service decrypts what it receives with the browser's private key and checks the VAPID
signature, so the tests see exactly what a real browser would show."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import http_ece
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from requests.structures import CaseInsensitiveDict

from carnet.notifications.vapid import b64url, b64url_decode, new_key_pair

VAPID_PRIVATE, VAPID_PUBLIC = new_key_pair()
SUBJECT = "mailto:admin@lycee-victor-hugo.example"
WEB_PUSH = "carnet.notifications.backends.push.WebPushBackend"



@pytest.fixture
def web_push(settings):
    """Real web push configured: the WebPushBackend and a VAPID key pair."""
    settings.CARNET_PUSH_BACKEND = WEB_PUSH
    settings.CARNET_VAPID_PRIVATE_KEY = VAPID_PRIVATE
    settings.CARNET_VAPID_PUBLIC_KEY = VAPID_PUBLIC
    settings.CARNET_VAPID_SUBJECT = SUBJECT
    return settings

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


@dataclass
class FakeBrowser:
    """A browser's push subscription with its private key, as `PushSubscription.toJSON()` gives it."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def subscription(self) -> dict:
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"))


def new_browser(name: str, service: str = "https://fcm.googleapis.com/fcm/send/") -> FakeBrowser:
    return FakeBrowser(endpoint=f"{service}{name}-{os.urandom(6).hex()}")


@dataclass
class Sent:
    endpoint: str
    headers: dict
    body: bytes
    timeout: float | None


class FakePushService:
    """Answers 201 unless told otherwise per endpoint: a status code, or an exception to raise."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.answers: dict[str, int | Exception] = {}

    def post(self, url, data=None, headers=None, timeout=None, **kwargs):
        self.sent.append(Sent(url, CaseInsensitiveDict(headers or {}), data or b"", timeout))
        answer = self.answers.get(url, 201)
        if isinstance(answer, Exception):
            raise answer
        response = requests.Response()
        response.status_code = answer
        response.reason = {201: "Created", 404: "Not Found", 410: "Gone", 413: "Payload Too Large", 429: "Too Many Requests"}.get(
            answer, "Error"
        )
        response._content = b"" if answer < 300 else b"push service says no"
        response.url = url
        return response

    def to(self, browser: FakeBrowser) -> list[Sent]:
        return [sent for sent in self.sent if sent.endpoint == browser.endpoint]


def vapid_claims(sent: Sent) -> dict:
    """Check the VAPID Authorization header against our public key; return its claims."""
    header = sent.headers["Authorization"]
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid"
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    assert values["k"] == VAPID_PUBLIC
    assert Vapid.verify(header)
    payload = values["t"].split(".")[1]
    return json.loads(b64url_decode(payload))


@pytest.fixture
def push_service(monkeypatch):
    service = FakePushService()
    # Bound to the fake, so every Session.post lands here, whatever session calls it.
    monkeypatch.setattr(requests.Session, "post", service.post)
    return service
