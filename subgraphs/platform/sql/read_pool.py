"""The connections prepared reads run on: a small pool of plain asyncpg connections per process.

Not SQLAlchemy's pool (its checkout, events and reset cost ≈ 350 µs of CPU per read) and not
asyncpg's (≈ 150 µs: a task per release, a reset round trip): a read in autocommit leaves no
session state, so a connection goes back as it is. Acquire and release are a deque pop and
push; a caller waits only when all `size` connections are busy.

Faults: a connection that closed (PostgreSQL restarted, the socket reset) is dropped when it
comes back or when it is next picked; one that cannot be opened is `ReadPoolUnavailable`, an
outage (`platform.faults`), so the caller answers a coded 503 and the next read tries again.
"""

from __future__ import annotations

import asyncio
import collections
import weakref

import asyncpg
import orjson
from sqlalchemy.engine import URL, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

CONNECT_TIMEOUT_SECONDS = 5.0
ACQUIRE_TIMEOUT_SECONDS = 30.0  # as SQLAlchemy's pool_timeout


class ReadPoolUnavailable(Exception):
    """No connection could be had for a read (PostgreSQL refused, reset or timed out)."""


class ReadPool:
    def __init__(self, url: URL, size: int) -> None:
        self._url = url
        self._size = size
        self._open = 0
        self._idle: collections.deque[asyncpg.Connection] = collections.deque()
        self._waiters: collections.deque[asyncio.Future[asyncpg.Connection | None]] = collections.deque()

    async def _connect(self) -> asyncpg.Connection:
        url = self._url
        try:
            connection = await asyncpg.connect(
                host=url.host,
                port=url.port,
                user=url.username,
                password=url.password,
                database=url.database,
                timeout=CONNECT_TIMEOUT_SECONDS,
                server_settings={"timezone": "UTC", "application_name": f"{url.database}-reads"},
            )
            # Values arrive serialized by the statement's own bind processors (as SQLAlchemy
            # sends them); rows come back decoded by orjson.
            for kind in ("json", "jsonb"):
                await connection.set_type_codec(
                    kind, schema="pg_catalog", encoder=str, decoder=orjson.loads, format="text"
                )
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise ReadPoolUnavailable("PostgreSQL is not answering") from exc
        return connection

    async def acquire(self) -> asyncpg.Connection:
        while True:
            while self._idle:
                connection = self._idle.pop()
                if not connection.is_closed():
                    return connection
                self._open -= 1
            if self._open < self._size:
                self._open += 1
                try:
                    return await self._connect()
                except BaseException:
                    self._open -= 1
                    self._wake(None)
                    raise
            handed = await self._wait()
            if handed is not None:
                return handed

    async def _wait(self) -> asyncpg.Connection | None:
        waiter: asyncio.Future[asyncpg.Connection | None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, ACQUIRE_TIMEOUT_SECONDS)
        except TimeoutError as exc:
            raise ReadPoolUnavailable("no connection for a read within the pool timeout") from exc
        except asyncio.CancelledError:
            # Cancelled just after a connection was handed over: give it to the next caller.
            if waiter.done() and not waiter.cancelled() and (handed := waiter.result()) is not None:
                self.release(handed)
            raise

    def _wake(self, connection: asyncpg.Connection | None) -> bool:
        """Hands `connection` (or, with None, the right to open one) to the first live waiter."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return True
        return False

    def release(self, connection: asyncpg.Connection) -> None:
        if connection.is_closed():
            self._open -= 1
            self._wake(None)
        elif not self._wake(connection):
            self._idle.append(connection)

    def discard(self, connection: asyncpg.Connection) -> None:
        """A connection left in an unknown state (cancelled or broken mid-statement)."""
        connection.terminate()
        self.release(connection)

    async def close(self) -> None:
        while self._idle:
            await self._idle.pop().close()


# One pool per event loop and reading engine (tests run many loops; a process serves on one).
# Keyed by the engine itself: an identity lookup per read, no URL rendering.
_POOLS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Engine, ReadPool]] = (
    weakref.WeakKeyDictionary()
)


def read_pool(engine: AsyncEngine) -> ReadPool:
    """The pool for `engine`, sized like its own pool (2 to 10), made on first use."""
    pools = _POOLS.setdefault(asyncio.get_running_loop(), {})
    sync_engine = engine.sync_engine
    pool = pools.get(sync_engine)
    if pool is None:
        size = max(2, min(10, sync_engine.pool.size()))  # type: ignore[attr-defined]
        pool = pools[sync_engine] = ReadPool(engine.url, size)
    return pool


async def close_read_pools() -> None:
    """At shutdown: this loop's read pools close their idle connections."""
    for pool in (_POOLS.pop(asyncio.get_running_loop(), None) or {}).values():
        await pool.close()
