"""What the settlement use cases need: the ledger and its reads, and a payout provider."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from subgraphs.orders.domain.settlements import Balance, EntryKind, LedgerEntry
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.kernel.unit_of_work import UnitOfWork, UnitOfWorkFactory


class SettlementRepository(Protocol):
    async def append(self, entries: Sequence[LedgerEntry]) -> int:
        """Adds the entries not entered before (by reference); how many were new."""
        ...

    async def sale_of(self, seller_id: uuid.UUID, order_id: uuid.UUID) -> LedgerEntry | None: ...
    async def entry(self, seller_id: uuid.UUID, reference: str) -> LedgerEntry | None: ...
    async def rate_of(self, seller_id: uuid.UUID) -> int | None: ...
    async def set_rate(self, seller_id: uuid.UUID, rate_bp: int) -> None: ...
    async def release(self, seller_id: uuid.UUID, order_id: uuid.UUID, at: datetime) -> None:
        """The order's entries may be paid out from `at` (kept if already set)."""
        ...

    async def lock_account(self, seller_id: uuid.UUID) -> None:
        """Serializes payouts of one seller (until the transaction ends)."""
        ...

    async def balances(self, seller_id: uuid.UUID, now: datetime) -> list[Balance]: ...


SettlementUnitOfWork = UnitOfWork[SettlementRepository]
OpenSettlementUnitOfWork = UnitOfWorkFactory[SettlementRepository]


@dataclass(frozen=True, slots=True)
class EntryQuery:
    seller_id: uuid.UUID
    kinds: tuple[EntryKind, ...] = ()
    order_id: uuid.UUID | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


class SettlementReads(Protocol):
    async def balances(self, seller_id: uuid.UUID, now: datetime) -> list[Balance]: ...
    async def entries(self, query: EntryQuery, page: PageArgs) -> Page[LedgerEntry]: ...


class PayoutOutcome(enum.Enum):
    PAID = "PAID"
    FAILED = "FAILED"


class PayoutGateway(Protocol):
    """Money to a seller's bank account. A retry with the same key returns the first answer."""

    async def payout(
        self, *, key: str, seller_id: uuid.UUID, amount: int, currency: str
    ) -> PayoutOutcome: ...
