"""The peer client on a real loopback HTTP server: answers decoded, every failure one
`PeerUnreachable`, and a pooled connection the peer dropped retried once on a fresh one."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from subgraphs.platform.web.peer_client import AiohttpPeerClient, PeerUnreachable, close_peer_sessions


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Peer:
    """A peer that echoes the request, and can be told to misbehave."""

    def __init__(self) -> None:
        self.seen: list[dict[str, object]] = []

    async def graphql(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.seen.append({"body": body, "authorization": request.headers.get("authorization")})
        if body.get("query") == "not json":
            return web.Response(text="<html>bad gateway</html>", status=502)
        if body.get("query") == "slow":
            await asyncio.sleep(2)
        return web.json_response({"data": {"echo": body["variables"]}})


@pytest.fixture
async def peer() -> AsyncIterator[tuple[Peer, str]]:
    state = Peer()
    app = web.Application()
    app.router.add_post("/graphql", state.graphql)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield state, f"http://127.0.0.1:{port}/graphql"
    await close_peer_sessions()
    await runner.cleanup()


async def test_an_answer_comes_back_decoded_with_the_headers_sent(peer: tuple[Peer, str]) -> None:
    state, url = peer
    client = AiohttpPeerClient()
    answer = await client.post_json(url, {"query": "q", "variables": {"n": 1}}, {"authorization": "Bearer t"})
    assert answer.status == 200
    assert answer.body == {"data": {"echo": {"n": 1}}}
    assert state.seen[0]["authorization"] == "Bearer t"


async def test_a_body_that_is_not_json_is_unreachable(peer: tuple[Peer, str]) -> None:
    _, url = peer
    with pytest.raises(PeerUnreachable, match="502"):
        await AiohttpPeerClient().post_json(url, {"query": "not json", "variables": {}})


async def test_a_refused_port_and_a_slow_peer_are_unreachable(peer: tuple[Peer, str]) -> None:
    _, url = peer
    with pytest.raises(PeerUnreachable):
        await AiohttpPeerClient().post_json(f"http://127.0.0.1:{_free_port()}/graphql", {"query": "q"})
    with pytest.raises(PeerUnreachable):
        await AiohttpPeerClient(timeout_seconds=0.3).post_json(url, {"query": "slow", "variables": {}})


async def _one_answer_per_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers a connection's first request with keep-alive, then drops the connection when
    the next request arrives on it: a peer that closed an idle connection just as it was reused."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    await reader.readexactly(length)
    body = b'{"data":{"ok":true}}'
    writer.write(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: keep-alive\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    await writer.drain()
    await reader.read(1)  # the next request on this connection: no answer, the socket closes
    writer.close()


async def test_a_pooled_connection_the_peer_dropped_is_retried_once_on_a_fresh_one() -> None:
    server = await asyncio.start_server(_one_answer_per_connection, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    client = AiohttpPeerClient()
    try:
        for _ in range(4):  # every call after the first meets a pooled connection that drops
            answer = await client.post_json(url, {"query": "q", "variables": {}})
            assert answer.body == {"data": {"ok": True}}
    finally:
        await close_peer_sessions()
        server.close()
        await server.wait_closed()
