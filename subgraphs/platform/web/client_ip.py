"""The address a request came from, trusting `x-forwarded-for` only from our own proxies.

The router writes the client's address (resolved against its own trusted proxies) as the
only entry of `x-forwarded-for`. A subgraph believes that header only when the connection
comes from a configured proxy (`TRUSTED_PROXIES`: the router's addresses; loopback by
default, where the router runs in development); otherwise anyone could pick the address their
failed logins are counted against.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.requests import HTTPConnection

from subgraphs.platform.settings import Network


def _address(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: Sequence[Network]) -> bool:
    return any(address in network for network in proxies)


def client_ip(connection: HTTPConnection, trusted_proxies: Sequence[Network]) -> str:
    """The first address, walking back from the socket's peer, that is not a trusted proxy."""
    peer = connection.client.host if connection.client else ""
    current = _address(peer)
    if current is None:
        return peer[:64]
    forwarded = connection.headers.get("x-forwarded-for", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    while _trusted(current, trusted_proxies) and hops:
        previous = _address(hops.pop())
        if previous is None:
            break
        current = previous
    return str(current)
