"""A unit of work on one PostgreSQL transaction; its events go to the outbox inside it.

Rolled back unless `commit()` is called, so a use case that raises writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Generic, Self, TypeVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.platform.events import Event
from subgraphs.platform.outbox import write_events

RepoT = TypeVar("RepoT")


class SqlUnitOfWork(Generic[RepoT]):
    repo: RepoT

    def __init__(
        self,
        engine: AsyncEngine,
        make_repo: Callable[[AsyncConnection], RepoT],
        outbox: Table,
        topic_for: Callable[[Event], str],
        after_commit: Callable[[list[Event]], Awaitable[None]] | None = None,
    ) -> None:
        self._engine = engine
        self._make_repo = make_repo
        self._outbox = outbox
        self._topic_for = topic_for
        self._after_commit = after_commit
        self._conn: AsyncConnection | None = None
        self.events: list[Event] = []
        self.committed = False

    async def __aenter__(self) -> Self:
        self._conn = await self._engine.connect()
        await self._conn.begin()
        self.repo = self._make_repo(self._conn)
        self.events = []
        self.committed = False
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
        await write_events(self._conn, self._outbox, self.events, self._topic_for)
        await self._conn.commit()
        self.committed = True
        if self._after_commit is not None:
            # Side effects that must not run for a rolled-back change (e.g. cache drops).
            await self._after_commit(self.events)
