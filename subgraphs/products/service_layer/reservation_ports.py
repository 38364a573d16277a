"""What the reservation use cases need from storage (the SQL adapter: adapters/reservation_repository.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from subgraphs.platform.kernel.unit_of_work import UnitOfWork, UnitOfWorkFactory
from subgraphs.products.domain.reservations import Reservation, StockMove


@dataclass(frozen=True, slots=True)
class StockRow:
    """One warehouse's stock of a variant."""

    inventory_id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    warehouse: str
    on_hand: int
    reserved: int
    low_stock_threshold: int = 5

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class ReservationRepository(Protocol):
    async def stock_of(self, variant_ids: Sequence[uuid.UUID]) -> list[StockRow]:
        """Every warehouse row of the variants (a snapshot: `take` decides)."""
        ...

    async def take(self, row: StockRow, quantity: int) -> StockRow | None:
        """Reserves `quantity` from the row if that much is free now — one conditional
        statement, so two buyers can never both take the last unit. None when it is not."""
        ...

    async def begin_attempt(self) -> None:
        """A savepoint: `undo_attempt` drops every take since (all lines or none)."""
        ...

    async def undo_attempt(self) -> None: ...
    async def add(self, reservations: Sequence[Reservation]) -> None: ...
    async def of_checkout(
        self, checkout_id: uuid.UUID, seller_id: uuid.UUID | None = None
    ) -> list[Reservation]:
        """The checkout's reservations (one seller's when given), locked for this transaction."""
        ...

    async def due(self, now: datetime, limit: int) -> list[Reservation]:
        """Held reservations past their expiry, locked; rows another job holds are skipped."""
        ...

    async def apply(self, reservation: Reservation, move: StockMove) -> StockRow:
        """Writes the reservation's status and moves its inventory row's stock."""
        ...


ReservationUnitOfWork = UnitOfWork[ReservationRepository]
OpenReservationUnitOfWork = UnitOfWorkFactory[ReservationRepository]
