"""A tiny HTTP/1.1 browser for the bench: one keep-alive connection, a cookie jar, CSRF-aware
form posts. Standard library only (http.client), so the bench needs nothing extra."""

from __future__ import annotations

import http.client
import re
import time
import zlib
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

_CSRF_INPUT = re.compile(rb'name=["\']csrfmiddlewaretoken["\']\s+value=["\']([^"\']+)["\']')
_CSRF_INPUT_REVERSED = re.compile(rb'value=["\']([^"\']+)["\']\s+name=["\']csrfmiddlewaretoken["\']')


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    seconds: float

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    @property
    def location_path(self) -> str:
        return urlsplit(self.header("Location") or "").path


def csrf_token_in(body: bytes) -> str | None:
    match = _CSRF_INPUT.search(body) or _CSRF_INPUT_REVERSED.search(body)
    return match.group(1).decode() if match else None


@dataclass
class Browser:
    host: str
    port: int
    source_address: str | None = None
    user_agent: str = "carnet-bench/1"
    timeout: float = 30
    cookies: dict[str, str] = field(default_factory=dict)
    #: Inflate gzip bodies (to read forms); the load generator leaves them as they came.
    decode: bool = True

    def __post_init__(self) -> None:
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            source = (self.source_address, 0) if self.source_address else None
            self._connection = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout, source_address=source
            )
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        all_headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip", "Accept-Language": "fr"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        for attempt in (1, 2):
            connection = self._connect()
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=all_headers)
                raw = connection.getresponse()
                payload = raw.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection between two requests: retry once.
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            if raw.will_close:
                self.close()
            headers_list = raw.getheaders()
            if self.decode and (raw.getheader("Content-Encoding") or "").lower() == "gzip":
                payload = zlib.decompress(payload, 16 + zlib.MAX_WBITS)
            self._remember(raw.headers.get_all("Set-Cookie") or [])
            return Response(raw.status, headers_list, payload, seconds)
        raise AssertionError("unreachable")

    def _remember(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                expired = morsel["max-age"] in ("0", 0) or (morsel.value == "" and morsel["expires"])
                if expired:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict[str, str], *, csrf_token: str | None = None) -> Response:
        """POST `data` with Django's CSRF token (from `csrf_token` or the csrftoken cookie)."""
        token = csrf_token or self.cookies.get("csrftoken", "")
        body = urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        return self.request(
            "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
