"""The client address behind trusted reverse proxies, and never from a forged header otherwise."""

from django.test import RequestFactory, override_settings

from carnet.identity.sessions import client_ip


def request(forwarded=None):
    extra = {"REMOTE_ADDR": "10.0.0.1"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_forwarded_header_is_ignored():
    assert client_ip(request("1.2.3.4")) == "10.0.0.1"


@override_settings(CARNET_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_address_it_saw_is_used_even_if_the_client_forges_one():
    assert client_ip(request("203.0.113.7")) == "203.0.113.7"
    assert client_ip(request("6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request()) == "10.0.0.1"


@override_settings(CARNET_TRUSTED_PROXIES=2)
def test_behind_two_proxies():
    assert client_ip(request("6.6.6.6, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"
