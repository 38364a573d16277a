"""Which address a request is counted under: x-forwarded-for only from our own proxies."""

from __future__ import annotations

from starlette.requests import Request

from subgraphs.platform.settings import parse_networks
from subgraphs.platform.web.client_ip import client_ip


async def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    def request(peer: str, forwarded: str | None) -> Request:
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        return Request({"type": "http", "client": (peer, 5000), "headers": headers})

    proxies = parse_networks("127.0.0.0/8, 10.0.0.0/8")
    assert client_ip(request("127.0.0.1", "198.51.100.7"), proxies) == "198.51.100.7"
    # A client (not a proxy) cannot choose the address it is counted under.
    assert client_ip(request("198.51.100.9", "203.0.113.1"), proxies) == "198.51.100.9"
    # Through two of our proxies, the first untrusted hop from the right is the client.
    assert client_ip(request("127.0.0.1", "203.0.113.1, 198.51.100.7, 10.1.2.3"), proxies) == "198.51.100.7"
    assert client_ip(request("127.0.0.1", "garbage"), proxies) == "127.0.0.1"
    assert client_ip(request("::ffff:127.0.0.1", "198.51.100.7"), proxies) == "198.51.100.7"
