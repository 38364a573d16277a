"""Reading a user's address book (one user's rows: a single-key query)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.accounts.adapters import tables
from subgraphs.accounts.adapters.address_repository import saved_address
from subgraphs.accounts.domain.address_book import SavedAddress
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import KeysetOrder, SortKey, fetch_page

a = tables.addresses
NEWEST = KeysetOrder(
    "addresses", "NEWEST", (SortKey(a.c.created_at, datetime), SortKey(a.c.id, uuid.UUID)), True
)


class SqlAddressReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading(engine)

    async def addresses(self, user_id: uuid.UUID, page: PageArgs) -> Page[SavedAddress]:
        found = await fetch_page(self._engine, select(a).where(a.c.user_id == user_id), NEWEST, page)
        return found.map(saved_address)

    async def address(self, user_id: uuid.UUID, address_id: uuid.UUID) -> SavedAddress | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(a).where(a.c.user_id == user_id, a.c.id == address_id))).first()
        return saved_address(row) if row else None
