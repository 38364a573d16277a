"""Per-request DataLoaders: a list of 100 orders asks their history in one query, not 100."""

from __future__ import annotations

import uuid

from subgraphs.orders.domain.orders import StatusChange
from subgraphs.orders.domain.returns import ReturnChange
from subgraphs.orders.domain.shipments import Shipment
from subgraphs.orders.graphql.context import OrdersContext
from subgraphs.platform.graphql.dataloaders import ContextLoader


class HistoryByOrderLoader(ContextLoader[OrdersContext, tuple[uuid.UUID, uuid.UUID], list[StatusChange]]):
    """Keys: (seller id, order id) of orders the resolver already showed the caller."""

    async def fetch_many(self, keys: list[tuple[uuid.UUID, uuid.UUID]]) -> list[list[StatusChange]]:
        return await self.ctx.services.queries.histories(keys)


class ShipmentsByOrderLoader(ContextLoader[OrdersContext, tuple[uuid.UUID, uuid.UUID], list[Shipment]]):
    """Keys: (seller id, order id) of orders the resolver already showed the caller."""

    async def fetch_many(self, keys: list[tuple[uuid.UUID, uuid.UUID]]) -> list[list[Shipment]]:
        return await self.ctx.services.shipment_queries.of_orders(keys)


class ReturnHistoryLoader(ContextLoader[OrdersContext, tuple[uuid.UUID, uuid.UUID], list[ReturnChange]]):
    """Keys: (seller id, return id) of returns the resolver already showed the caller."""

    async def fetch_many(self, keys: list[tuple[uuid.UUID, uuid.UUID]]) -> list[list[ReturnChange]]:
        return await self.ctx.services.return_queries.histories(keys)
