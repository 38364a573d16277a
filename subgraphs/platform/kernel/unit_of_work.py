"""The unit-of-work port every use case takes, and the claim that makes a consumer idempotent.

    async with uow_factory() as uow:      # one transaction
        ...uow.repo...                   # the subgraph's repository port
        uow.events.append(SomethingHappened(...))
        await uow.commit()               # events go to the outbox in the same transaction

Leaving the block without `commit()` rolls everything back, events included. A use case that
only reads opens it with `read_only=True` (no transaction, nothing to commit). A consumer
passes `claim=Claim(group, event_id)`: the unit of work records the claim in the same
transaction as the effect and raises `AlreadyProcessed` for an event it has applied before.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, TypeVar

from subgraphs.platform.kernel.messages import EventContract

RepoT_co = TypeVar("RepoT_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Claim:
    """An event a consumer group is applying; recorded once, in the effect's transaction."""

    consumer: str
    event_id: uuid.UUID


class AlreadyProcessed(Exception):
    """This consumer has applied this event already; acknowledge it and do nothing."""


class UnitOfWork(Protocol[RepoT_co]):
    events: list[EventContract]

    @property
    def repo(self) -> RepoT_co: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...

    async def claim_new(self, consumer: str, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """A batch consumer's claims: the events `consumer` had not applied, claimed in this
        transaction (so they count once, if it commits); the others are left out."""
        ...


class UnitOfWorkFactory(Protocol[RepoT_co]):
    """Opens a unit of work (with a consumer's claim when an event triggered the work).

    `read_only=True`: a use case that only reads through the repository (no lock, no write,
    no commit). Each statement then runs on its own, without the transaction's BEGIN and
    ROLLBACK round trips; one statement is one snapshot, as the repositories' reads are written."""

    def __call__(self, claim: Claim | None = None, *, read_only: bool = False) -> UnitOfWork[RepoT_co]: ...
