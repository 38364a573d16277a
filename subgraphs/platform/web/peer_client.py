"""How one subgraph asks another a GraphQL query: a JSON POST on a pooled HTTP/1.1 connection.

Two adapters of one port (`PeerClient`):
- `AiohttpPeerClient`, in every running process. aiohttp parses HTTP in C; measured on this
  machine against the products subgraph, a small `_entities` call costs the caller ≈ 0.6 ms of
  CPU, where httpx (httpcore, anyio streams) costs ≈ 1.7 to 2.0 ms. Add to cart makes one per call.
- `HttpxPeerClient`, where a test hands a peer's in-process app (httpx's ASGI transport).

Every failure to get an answer (refused, reset, timed out, a body that is not JSON) is
`PeerUnreachable`; the adapters above it turn that into their own coded "not answering".
Only queries travel here, so a request that met a pooled connection the peer had just closed is
sent once more on a fresh one.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import httpx
import orjson

TIMEOUT_SECONDS = 5.0
# Below the subgraphs' own keep-alive (30 s, deploy/local/supergraph.py): the caller, not the
# peer, closes an idle connection, so a request rarely lands on a socket being closed.
KEEPALIVE_SECONDS = 10.0
CONNECTIONS = 100


class PeerUnreachable(Exception):
    """The peer gave no usable answer: refused, reset, timed out, or a body that is not JSON."""


@dataclass(frozen=True, slots=True)
class PeerResponse:
    status: int
    body: Any  # the decoded JSON body


class PeerClient(Protocol):
    async def post_json(
        self, url: str, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> PeerResponse: ...


def _decoded(status: int, raw: bytes) -> PeerResponse:
    try:
        return PeerResponse(status, orjson.loads(raw))
    except orjson.JSONDecodeError as exc:
        raise PeerUnreachable(f"HTTP {status} with a body that is not JSON") from exc


class AiohttpPeerClient:
    """One session (connection pool) per event loop, opened on first use: a session belongs to
    the loop it was made on, and tests run many loops."""

    def __init__(self, timeout_seconds: float = TIMEOUT_SECONDS) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    def _session(self) -> aiohttp.ClientSession:
        sessions = _SESSIONS.setdefault(asyncio.get_running_loop(), {})
        session = sessions.get(id(self))
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(limit=CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS)
            session = sessions[id(self)] = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, skip_auto_headers=("User-Agent",)
            )
        return session

    async def post_json(
        self, url: str, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> PeerResponse:
        data = orjson.dumps(payload)
        sent = {"content-type": "application/json", **(headers or {})}
        for attempt in (1, 2):
            try:
                async with self._session().post(url, data=data, headers=sent) as response:
                    return _decoded(response.status, await response.read())
            except aiohttp.ServerDisconnectedError as exc:
                if attempt == 2:
                    raise PeerUnreachable("the peer closed the connection") from exc
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                raise PeerUnreachable(f"{type(exc).__name__}: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover — the loop returns or raises


class HttpxPeerClient:
    """A test's in-process peer (`httpx.AsyncClient(transport=ASGITransport(app))`)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def post_json(
        self, url: str, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> PeerResponse:
        try:
            response = await self._client.post(
                url,
                content=orjson.dumps(payload),
                headers={"content-type": "application/json", **(headers or {})},
            )
        except Exception as exc:
            # httpx errors, and the transport's own bugs on a socket reset mid-connect (an
            # AttributeError in anyio): not answering either way.
            raise PeerUnreachable(f"{type(exc).__name__}: {exc}") from exc
        return _decoded(response.status_code, response.content)


async def ask(
    client: PeerClient,
    url: str,
    query: str,
    variables: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A query's `data`. Anything else (no answer, a status other than 200, GraphQL errors, no
    data object) is `PeerUnreachable`: a peer answers a query it was built to answer."""
    response = await client.post_json(url, {"query": query, "variables": variables}, headers)
    body = response.body
    if response.status != 200 or not isinstance(body, dict) or body.get("errors"):
        raise PeerUnreachable(f"HTTP {response.status} without a clean answer")
    data = body.get("data")
    if not isinstance(data, dict):
        raise PeerUnreachable("an answer without data")
    return data


def peer_client(http: httpx.AsyncClient | None, timeout_seconds: float = TIMEOUT_SECONDS) -> PeerClient:
    """The process's client, or the httpx client a caller hands (a test's in-process peer)."""
    return HttpxPeerClient(http) if http is not None else AiohttpPeerClient(timeout_seconds)


_SESSIONS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, aiohttp.ClientSession]] = (
    weakref.WeakKeyDictionary()
)


async def close_peer_sessions() -> None:
    """At shutdown: this loop's sessions close their pooled connections."""
    for session in (_SESSIONS.pop(asyncio.get_running_loop(), None) or {}).values():
        await session.close()
