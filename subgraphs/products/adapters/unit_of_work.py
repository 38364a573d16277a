"""The SQL unit of work: one transaction; events go to the outbox inside it at commit."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.platform.events import Event
from subgraphs.platform.outbox import write_events
from subgraphs.products.adapters import tables
from subgraphs.products.adapters.repository import SqlCatalogRepository
from subgraphs.products.domain.events import topic_for


class SqlUnitOfWork:
    repo: SqlCatalogRepository

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self.events: list[Event] = []
        self.committed = False

    async def __aenter__(self) -> Self:
        self._conn = await self._engine.connect()
        await self._conn.begin()
        self.repo = SqlCatalogRepository(self._conn)
        self.events = []
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._conn is not None
        try:
            if not self.committed:
                await self._conn.rollback()
        finally:
            await self._conn.close()
            self._conn = None

    async def commit(self) -> None:
        assert self._conn is not None
        await write_events(self._conn, tables.outbox, self.events, topic_for)
        await self._conn.commit()
        self.committed = True
