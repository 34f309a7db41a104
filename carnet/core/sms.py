"""Sending a text message: the transport only (what, to whom, through which gateway).

Whether to send, when, and within which budget is decided above (notifications, recovery). A
backend is chosen by the CARNET_SMS_BACKEND setting: `FileSmsBackend` (demo: appends to
var/outbox/sms.log), `ConsoleSmsBackend`, `MemorySmsBackend` (tests: `outbox`), and
`HttpSmsGatewayBackend`, a generic JSON-over-HTTP gateway (CARNET_SMS_GATEWAY_URL/TOKEN)."""

from __future__ import annotations

import json
import logging
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

# GSM 03.38 basic character set (plus the extension table, which costs two units each).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


def gsm7_units(text: str) -> int | None:
    """Length in GSM-7 units, or None if the text needs UCS-2 (then only 70 characters fit)."""
    units = 0
    for char in text:
        if char in GSM7_BASIC:
            units += 1
        elif char in GSM7_EXTENDED:
            units += 2
        else:
            return None
    return units


def fits_one_sms(text: str) -> bool:
    units = gsm7_units(text)
    return units <= 160 if units is not None else len(text) <= 70


def to_gsm7(text: str) -> str:
    """Replace the characters GSM-7 lacks by their nearest equivalent, so accents cost nothing:
    'Élève absente à 8 h, œuvre' -> 'Eleve absente à 8 h, oeuvre'."""
    import unicodedata

    replacements = {"«": "\"", "»": "\"", "œ": "oe", "Œ": "OE", "’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " ", "\u202f": " "}
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
        elif char in replacements:
            out.append(replacements[char])
        else:
            base = unicodedata.normalize("NFKD", char)
            ascii_char = "".join(c for c in base if not unicodedata.combining(c))
            out.append(ascii_char if ascii_char and all(c in GSM7_BASIC for c in ascii_char) else "?")
    return "".join(out)


def truncate_sms(text: str, limit: int = 160) -> str:
    """Convert to GSM-7 and cut to one SMS, ending with '…'-like '...' when cut."""
    text = to_gsm7(text)
    if (gsm7_units(text) or 0) <= limit:
        return text
    while text and (gsm7_units(text + "...") or 0) > limit:
        text = text[:-1]
    return text.rstrip() + "..."


@dataclass
class SmsResult:
    ok: bool
    provider_id: str = ""
    error: str = ""


class BaseSmsBackend:
    def send(self, *, to: str, text: str) -> SmsResult:  # pragma: no cover - interface
        raise NotImplementedError


outbox: list[dict] = []


class MemorySmsBackend(BaseSmsBackend):
    """Tests: messages land in `carnet.core.sms.outbox`."""

    def send(self, *, to: str, text: str) -> SmsResult:
        outbox.append({"to": to, "text": text, "at": timezone.now()})
        return SmsResult(ok=True, provider_id=f"mem-{len(outbox)}")


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, *, to: str, text: str) -> SmsResult:
        sys.stdout.write(f"[SMS to {to}] {text}\n")
        sys.stdout.flush()
        return SmsResult(ok=True, provider_id="console")


class FileSmsBackend(BaseSmsBackend):
    """Demo: one JSON line per message in var/outbox/sms.log."""

    def send(self, *, to: str, text: str) -> SmsResult:
        path = Path(getattr(settings, "CARNET_SMS_FILE_PATH", "var/outbox/sms.log"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"at": timezone.now().isoformat(), "to": to, "text": text}, ensure_ascii=False) + "\n")
        return SmsResult(ok=True, provider_id="file")


class HttpSmsGatewayBackend(BaseSmsBackend):
    """A generic gateway: POST {"to": ..., "text": ...} as JSON with a bearer token; expects a 2xx
    answer, optionally {"id": ...}. Most African and European aggregators offer such an endpoint
    or can be fronted by a tiny adapter."""

    timeout = 10

    def send(self, *, to: str, text: str) -> SmsResult:
        url = settings.CARNET_SMS_GATEWAY_URL
        if not url:
            return SmsResult(ok=False, error="CARNET_SMS_GATEWAY_URL is not set")
        body = json.dumps({"to": to, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is an operator setting
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.CARNET_SMS_GATEWAY_TOKEN}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read().decode() or "{}"
                try:
                    provider_id = str(json.loads(payload).get("id", ""))
                except (ValueError, AttributeError):
                    provider_id = ""
                return SmsResult(ok=200 <= response.status < 300, provider_id=provider_id)
        except Exception as exc:  # noqa: BLE001 - any transport failure is a failed delivery
            log.warning("SMS gateway failed: %s", exc)
            return SmsResult(ok=False, error=str(exc)[:300])


def get_backend() -> BaseSmsBackend:
    return import_string(settings.CARNET_SMS_BACKEND)()


def send_sms(*, to: str, text: str) -> SmsResult:
    return get_backend().send(to=to, text=text)
