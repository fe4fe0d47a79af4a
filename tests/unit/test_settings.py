"""The public address in certificates and links: configured, or where the server was started."""

from __future__ import annotations

import pytest

from clearinghouse.core.settings import Settings


@pytest.mark.parametrize(("host", "port", "url"), [
    ("127.0.0.1", 8101, "http://127.0.0.1:8101"),
    ("0.0.0.0", 9000, "http://127.0.0.1:9000"),  # a wildcard bind is not an address to link to
    ("::", 9000, "http://127.0.0.1:9000"),
    ("localhost", 8080, "http://localhost:8080"),
    ("::1", 8080, "http://[::1]:8080"),
])
def test_unset_base_url_is_derived_from_the_host_and_port_served(host, port, url):
    assert Settings(base_url=None).served_at(host, port).public_url == url


def test_a_configured_base_url_wins_over_the_port_served():
    settings = Settings(base_url="https://rights.example.com/")
    assert settings.served_at("0.0.0.0", 8101).public_url == "https://rights.example.com"


def test_without_a_server_the_default_port_is_named():
    assert Settings(base_url=None).public_url == "http://127.0.0.1:8000"
