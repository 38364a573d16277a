"""An in-memory unit of work for any repository fake: all or nothing, events and claims recorded.

It is its own factory (`uow()` returns it), as the use cases expect of `UnitOfWorkFactory`.
Work happens on a deep copy of the store that replaces it on commit, so a use case that
raises, or forgets to commit, leaves the store as it was — as a rolled-back transaction does.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Generic, Self, TypeVar

from subgraphs.platform.kernel.messages import EventContract
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim

RepoT = TypeVar("RepoT")
AfterCommit = Callable[[list[EventContract]], Awaitable[None]]


class FakeUnitOfWork(Generic[RepoT]):
    def __init__(self, store: RepoT, after_commit: AfterCommit | None = None) -> None:
        self.store = store
        self._after_commit = after_commit
        self.repo = store
        self.events: list[EventContract] = []
        self.published: list[EventContract] = []
        self.claims: set[tuple[str, uuid.UUID]] = set()
        self.commits = 0
        self._claim: Claim | None = None
        self._read_only = False
        self._pending: set[tuple[str, uuid.UUID]] = set()  # batch claims until the commit

    def __call__(self, claim: Claim | None = None, *, read_only: bool = False) -> Self:
        self._claim = claim
        self._read_only = read_only
        return self

    async def __aenter__(self) -> Self:
        if self._claim is not None and (self._claim.consumer, self._claim.event_id) in self.claims:
            raise AlreadyProcessed(str(self._claim))
        self.repo = copy.deepcopy(self.store)
        self.events = []
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.repo = self.store
        self._claim = None
        self._pending = set()

    async def claim_new(self, consumer: str, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        fresh = {
            i for i in event_ids if (consumer, i) not in self.claims and (consumer, i) not in self._pending
        }
        self._pending |= {(consumer, i) for i in fresh}
        return fresh

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work has nothing to commit")
        self.claims |= self._pending
        self._pending = set()
        self.store = self.repo
        self.published.extend(self.events)
        if self._claim is not None:
            self.claims.add((self._claim.consumer, self._claim.event_id))
        self.commits += 1
        if self._after_commit is not None:
            await self._after_commit(self.events)

    def published_types(self) -> list[str]:
        return [e.TYPE for e in self.published]
