"""Port contracts: one suite per port, run against its in-memory fake and its real adapter alike.

A suite is a class named `...Contract` whose tests take an `open_uow` (or the port) fixture;
`TestFake...` and `TestSql...` subclasses provide it. When both pass, the fake the unit tests
use behaves like production where the use cases can tell.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.accounts.adapters import tables as accounts_tables
from subgraphs.cart.adapters import tables as cart_tables
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.sql.migrations import migrate
from subgraphs.products.adapters import tables as products_tables


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    for tables in (products_tables, accounts_tables, cart_tables):
        await migrate(engine, tables.MIGRATIONS, tables.SCHEMA)
    yield engine
    await engine.dispose()
