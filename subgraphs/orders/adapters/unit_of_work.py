"""The orders unit of work: the platform's SQL unit of work bound to our repository and tables."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.orders.adapters import tables
from subgraphs.orders.adapters.repository import SqlOrdersRepository
from subgraphs.orders.service_layer.ports import OpenOrdersUnitOfWork
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.sql.unit_of_work import SqlUnitOfWork


def orders_unit_of_work(engine: AsyncEngine) -> OpenOrdersUnitOfWork:
    def open_unit_of_work(claim: Claim | None = None) -> SqlUnitOfWork[SqlOrdersRepository]:
        return SqlUnitOfWork(engine, SqlOrdersRepository, tables.outbox, tables.processed_events, claim)

    return open_unit_of_work
