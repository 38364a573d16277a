"""The unit of work on one PostgreSQL transaction (the kernel's `UnitOfWork` port).

Its events go to the subgraph's outbox inside the transaction, and a consumer's claim goes to
its processed-events table there too, so an effect, its events and "this event is done" commit
together or not at all. Rolled back unless `commit()` is called, so a use case that raises
writes nothing. A cache the change makes stale is dropped twice (`invalidate`): before the
commit, so a cache that cannot be reached refuses the write instead of outliving it, and after,
so a reader that re-filled it meanwhile from the old rows is dropped too; that second drop is
best effort (the first already made the write safe).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Generic, Self, TypeVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.platform.kernel.messages import EventContract
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.inbox import claim_event, claim_events
from subgraphs.platform.sql.outbox import write_events

RepoT = TypeVar("RepoT")
logger = logging.getLogger("unit_of_work")
AfterCommit = Callable[[list[EventContract]], Awaitable[None]]


class SqlUnitOfWork(Generic[RepoT]):
    def __init__(
        self,
        engine: AsyncEngine,
        make_repo: Callable[[AsyncConnection], RepoT],
        outbox: Table,
        processed_events: Table,
        claim: Claim | None = None,
        invalidate: AfterCommit | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        assert not (read_only and claim), "a consumer's claim is a write"
        self._engine = reading(engine) if read_only else engine
        self._read_only = read_only
        self._make_repo = make_repo
        self._outbox = outbox
        self._processed = processed_events
        self._claim = claim
        self._invalidate = invalidate
        self._conn: AsyncConnection | None = None
        self._repo: RepoT | None = None
        self.events: list[EventContract] = []
        self.committed = False

    @property
    def repo(self) -> RepoT:
        assert self._repo is not None, "use the unit of work inside `async with`"
        return self._repo

    async def __aenter__(self) -> Self:
        conn = await self._engine.connect()
        if self._read_only:  # autocommit: each statement on its own, nothing to roll back
            self._conn, self._repo = conn, self._make_repo(conn)
            self.events, self.committed = [], False
            return self
        await conn.begin()
        if self._claim is not None and not await claim_event(
            conn, self._processed, self._claim.consumer, self._claim.event_id
        ):
            await conn.rollback()
            await conn.close()
            raise AlreadyProcessed(f"{self._claim.consumer} applied {self._claim.event_id} already")
        self._conn = conn
        self._repo = self._make_repo(conn)
        self.events = []
        self.committed = False
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._conn is not None
        try:
            if not self.committed and not self._read_only:
                await self._conn.rollback()
        finally:
            await self._conn.close()
            self._conn = None
            self._repo = None

    async def claim_new(self, consumer: str, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        assert self._conn is not None
        return await claim_events(self._conn, self._processed, consumer, event_ids)

    async def commit(self) -> None:
        assert self._conn is not None
        if self._read_only:
            raise RuntimeError("a read-only unit of work has nothing to commit")
        await write_events(self._conn, self._outbox, self.events)
        if self._invalidate is not None:
            await self._invalidate(self.events)  # raises (and rolls back) when the cache is away
        await self._conn.commit()
        self.committed = True
        if self._invalidate is not None:
            try:
                await self._invalidate(self.events)
            except Exception:  # committed already; the drop before the commit made it safe
                logger.warning("cache drop after commit failed", exc_info=True)


class SqlUnitOfWorkFactory(Generic[RepoT]):
    """A subgraph's `UnitOfWorkFactory`: its engine, repository, outbox and claims table, and
    the caches its events make stale, bound once; each call opens one unit of work."""

    def __init__(
        self,
        engine: AsyncEngine,
        make_repo: Callable[[AsyncConnection], RepoT],
        outbox: Table,
        processed_events: Table,
        invalidate: AfterCommit | None = None,
    ) -> None:
        self._engine, self._make_repo, self._invalidate = engine, make_repo, invalidate
        self._outbox, self._processed = outbox, processed_events

    def __call__(self, claim: Claim | None = None, *, read_only: bool = False) -> SqlUnitOfWork[RepoT]:
        return SqlUnitOfWork(
            self._engine,
            self._make_repo,
            self._outbox,
            self._processed,
            claim,
            invalidate=self._invalidate,
            read_only=read_only,
        )
