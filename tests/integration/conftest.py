"""Fixtures shared by the service-backed integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.migrations import migrate
from subgraphs.search.adapters import tables as search_tables


@pytest.fixture(scope="module")
async def search_database(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The test database with the search subgraph's tables migrated."""
    created = create_async_engine(settings.database_url)
    await migrate(created, search_tables.STORAGE.migrations, search_tables.STORAGE.schema)
    yield created
    await created.dispose()
