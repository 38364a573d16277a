"""The catalogue's unit of work: the platform's SQL unit of work bound to our repository and tables."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.sql.unit_of_work import SqlUnitOfWorkFactory
from subgraphs.products.adapters import tables
from subgraphs.products.adapters.repository import SqlCatalogRepository
from subgraphs.products.adapters.reservation_repository import SqlReservationRepository
from subgraphs.products.service_layer.ports import OpenCatalogUnitOfWork
from subgraphs.products.service_layer.reservation_ports import OpenReservationUnitOfWork


def catalog_unit_of_work(engine: AsyncEngine) -> OpenCatalogUnitOfWork:
    return SqlUnitOfWorkFactory(engine, SqlCatalogRepository, tables.outbox, tables.processed_events)


def reservation_unit_of_work(engine: AsyncEngine) -> OpenReservationUnitOfWork:
    return SqlUnitOfWorkFactory(engine, SqlReservationRepository, tables.outbox, tables.processed_events)
