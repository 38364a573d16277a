"""Per-request DataLoaders of the accounts subgraph."""

from __future__ import annotations

import uuid

from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.domain.model import User
from subgraphs.platform.dataloaders import ContextLoader


class UserByIdLoader(ContextLoader[uuid.UUID, User | None]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[User | None]:
        async with self.ctx.engine.connect() as conn:
            found = await SqlAccountsRepository(conn).get_users(keys)
        return [found.get(k) for k in keys]
