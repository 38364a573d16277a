"""Per-request DataLoaders of the accounts subgraph."""

from __future__ import annotations

import uuid

from subgraphs.accounts.adapters.profile_cache import ProfileCache
from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.domain.model import User
from subgraphs.accounts.graphql.wiring import PROFILES
from subgraphs.platform.dataloaders import ContextLoader


class UserByIdLoader(ContextLoader[uuid.UUID, User | None]):
    """Profiles from the Redis cache, the misses from PostgreSQL in two statements."""

    async def fetch_many(self, keys: list[uuid.UUID]) -> list[User | None]:
        cache: ProfileCache | None = self.ctx.services.get(PROFILES)
        found = await cache.get_many(keys) if cache else {}
        missing = [k for k in keys if k not in found]
        if missing:
            async with self.ctx.engine.connect() as conn:
                loaded = await SqlAccountsRepository(conn).get_users(missing)
            found.update(loaded)
            if cache:
                await cache.put_many(list(loaded.values()))
        return [found.get(k) for k in keys]
