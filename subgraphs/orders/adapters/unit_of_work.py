"""The orders unit of work: the platform's SQL unit of work bound to our repository and tables.

Before and after the commit (see `SqlUnitOfWork`), a change of an order grant drops its cached
decision and an order event moves its buyer's recent-orders version; nothing else is cached.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.orders.adapters import tables
from subgraphs.orders.adapters.grant_decisions import RedisGrantDecisions
from subgraphs.orders.adapters.recent_orders import RedisRecentOrders
from subgraphs.orders.adapters.repository import SqlOrdersRepository
from subgraphs.orders.adapters.settlement_repository import SqlSettlementRepository
from subgraphs.orders.service_layer.ports import OpenOrdersUnitOfWork
from subgraphs.orders.service_layer.settlement_ports import OpenSettlementUnitOfWork
from subgraphs.platform.kernel.messages import EventContract
from subgraphs.platform.sql.unit_of_work import SqlUnitOfWorkFactory


def orders_unit_of_work(
    engine: AsyncEngine,
    decisions: RedisGrantDecisions,
    recent: RedisRecentOrders,
    repository: type[SqlOrdersRepository] = SqlOrdersRepository,
) -> OpenOrdersUnitOfWork:
    """`repository`: SqlFulfilmentRepository for the shipment use cases (same tables, same outbox)."""

    async def drop_cached(events: list[EventContract]) -> None:
        await decisions.drop_changed(events)
        await recent.drop_changed(events)

    return SqlUnitOfWorkFactory(
        engine, repository, tables.outbox, tables.processed_events, invalidate=drop_cached
    )


def settlement_unit_of_work(engine: AsyncEngine) -> OpenSettlementUnitOfWork:
    """The sellers' ledgers: same schema and outbox; no cache to drop."""

    return SqlUnitOfWorkFactory(engine, SqlSettlementRepository, tables.outbox, tables.processed_events)
