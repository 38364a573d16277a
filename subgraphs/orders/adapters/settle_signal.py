"""Wakes a waiting checkout request when the saga settles its checkout (PostgreSQL LISTEN).

The saga's settling transaction runs `pg_notify('orders_checkout_settled', id)`, which
PostgreSQL delivers to every listener when (and only if) it commits, whichever process ran it.
Each orders process keeps one listening connection, opened on first use and reopened after
it dies; while it is down, a wait simply lasts its full time (the caller reads the checkout
afterwards either way, so nothing is missed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable

import asyncpg

from subgraphs.orders.adapters.repository import SETTLED_CHANNEL

logger = logging.getLogger("orders.settle_signal")


class PgSettleSignal:
    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._conn: asyncpg.Connection | None = None
        self._connecting: asyncio.Lock | None = None
        self._waiters: dict[uuid.UUID, set[asyncio.Future[None]]] = {}

    async def wait(
        self, checkout_id: uuid.UUID, seconds: float, settled: Callable[[], Awaitable[bool]]
    ) -> None:
        await self._listening()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(checkout_id, set()).add(future)
        try:
            if await settled():  # settled before we listened: no notification will come
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(future, seconds)
        finally:
            waiting = self._waiters.get(checkout_id)
            if waiting is not None:
                waiting.discard(future)
                if not waiting:
                    del self._waiters[checkout_id]

    async def _listening(self) -> None:
        if self._conn is not None and not self._conn.is_closed():
            return
        self._connecting = self._connecting or asyncio.Lock()
        async with self._connecting:
            if self._conn is not None and not self._conn.is_closed():
                return
            try:
                conn = await asyncpg.connect(self._dsn, timeout=2)
                await conn.add_listener(SETTLED_CHANNEL, self._notified)
            except (OSError, asyncpg.PostgresError, TimeoutError):
                logger.warning("cannot listen for settled checkouts; requests wait their full time")
                return
            self._conn = conn

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        with contextlib.suppress(ValueError):
            for future in self._waiters.get(uuid.UUID(payload), ()):
                if not future.done():
                    future.set_result(None)

    async def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
