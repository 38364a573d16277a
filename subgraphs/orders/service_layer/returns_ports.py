"""What the returns use cases need: return storage and reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from subgraphs.orders.domain.returns import Return, ReturnChange, ReturnReason, ReturnStatus
from subgraphs.orders.service_layer.fulfilment_ports import FulfilmentRepository
from subgraphs.orders.service_layer.ports import Keys
from subgraphs.orders.service_layer.read_models import Scope
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.kernel.unit_of_work import UnitOfWork, UnitOfWorkFactory


class ReturnsRepository(FulfilmentRepository, Protocol):
    async def returns_of(self, seller_id: uuid.UUID, order_id: uuid.UUID) -> list[Return]: ...
    async def return_(
        self, seller_id: uuid.UUID, return_id: uuid.UUID, *, lock: bool = False
    ) -> Return | None: ...
    async def add_return(self, ret: Return) -> None: ...
    async def save_return(self, ret: Return) -> None:
        """Its status, notes and refund in both copies, and its new decisions."""
        ...


ReturnsUnitOfWork = UnitOfWork[ReturnsRepository]
OpenReturnsUnitOfWork = UnitOfWorkFactory[ReturnsRepository]


@dataclass(frozen=True, slots=True)
class ReturnQuery:
    scope: Scope
    buyer_id: uuid.UUID | None = None
    seller_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    statuses: tuple[ReturnStatus, ...] = ()
    reason: ReturnReason | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


class ReturnReads(Protocol):
    async def keys(self, id: uuid.UUID) -> Keys | None: ...
    async def return_(self, keys: Keys) -> Return | None: ...
    async def returns(self, query: ReturnQuery, page: PageArgs) -> Page[Return]:
        """Newest first, on the reader's copy (the seller's, the buyer's, or everyone's for admins)."""
        ...

    async def histories(self, returns: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[list[ReturnChange]]:
        """Each (seller id, return id)'s decisions, oldest first, aligned with `returns`."""
        ...


class PhotoStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...
    async def get(self, key: str) -> bytes | None: ...


class PhotoLinks(Protocol):
    def link(self, key: str) -> str:
        """A URL that serves the stored photo for a while (signed, like object storage's)."""
        ...
