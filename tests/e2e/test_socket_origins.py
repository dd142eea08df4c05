"""Only the clinic's configured web origins may open a chat socket."""

from __future__ import annotations

import requests


def _handshake(servers, origin: str) -> requests.Response:
    return requests.get(
        f"{servers.url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": origin},
        timeout=10,
    )


def test_the_demo_page_origin_may_connect(servers) -> None:
    response = _handshake(servers, servers.web_url)
    assert response.status_code == 200 and '"sid"' in response.text


def test_another_site_may_not(servers) -> None:
    response = _handshake(servers, "https://evil.example")
    assert response.status_code == 400
    assert '"sid"' not in response.text
