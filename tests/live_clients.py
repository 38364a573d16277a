"""Subscription clients as browsers and dashboards use them: graphql-transport-ws and GraphQL
over SSE (distinct connections), each an async iterator of the operation's results."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import websockets


async def over_websocket(
    url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> AsyncIterator[dict[str, Any]]:
    """graphql-transport-ws: connection_init (the token in its payload), subscribe, next… complete."""
    async with websockets.connect(
        url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")], open_timeout=30, max_queue=None
    ) as ws:
        init: dict[str, Any] = {"type": "connection_init"}
        if token:
            init["payload"] = {"authorization": f"Bearer {token}"}
        await ws.send(orjson.dumps(init).decode())
        ack = orjson.loads(await ws.recv())
        if ack.get("type") != "connection_ack":
            yield {"errors": [{"message": "no ack", "extensions": {"code": "NO_ACK", "frame": ack}}]}
            return
        await ws.send(
            orjson.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
            ).decode()
        )
        async for raw in ws:
            frame = orjson.loads(raw)
            kind = frame.get("type")
            if kind == "ping":
                await ws.send('{"type":"pong"}')
            elif kind == "next":
                yield frame["payload"]
            elif kind == "error":
                yield {"errors": frame["payload"]}
                return
            elif kind == "complete":
                return


async def over_sse(
    base_url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> AsyncIterator[dict[str, Any]]:
    """GraphQL over SSE, distinct connections mode: one POST, a text/event-stream answer."""
    headers = {"accept": "text/event-stream", "content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    async with (
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=None)) as client,
        client.stream(
            "POST", base_url, json={"query": query, "variables": variables or {}}, headers=headers
        ) as r,
    ):
        if r.status_code != 200 or not r.headers.get("content-type", "").startswith("text/event-stream"):
            body = await r.aread()
            yield orjson.loads(body) if body else {"errors": [{"message": f"HTTP {r.status_code}"}]}
            return
        event, data = "message", []
        async for line in r.aiter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
            elif line == "":
                if event == "complete":
                    return
                if data and event in ("next", "message"):
                    yield orjson.loads("".join(data))
                event, data = "message", []


@dataclass
class Listener:
    """A subscription read in the background, so a test can act and then look at what came."""

    stream: AsyncIterator[dict[str, Any]]
    received: list[dict[str, Any]] = field(default_factory=list)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    def start(self) -> Listener:
        self._task = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for result in self.stream:
                self.received.append(result)
        except (websockets.ConnectionClosed, httpx.HTTPError, OSError) as exc:
            self.received.append({"errors": [{"message": repr(exc), "extensions": {"code": "DISCONNECTED"}}]})
        finally:
            self.ended.set()

    async def until(self, count: int, within: float = 15.0) -> list[dict[str, Any]]:
        """Waits until `count` results came (or the stream ended), then returns them all."""
        deadline = asyncio.get_running_loop().time() + within
        while len(self.received) < count and not self.ended.is_set():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} results in {within}s: {self.received}")
            await asyncio.sleep(0.05)
        return list(self.received)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        aclose = getattr(self.stream, "aclose", None)
        if aclose is not None:
            with contextlib.suppress(BaseException):
                await aclose()
