"""Per-request DataLoaders of the accounts subgraph (one read-model batch per loader per tick)."""

from __future__ import annotations

import uuid

from subgraphs.accounts.domain.model import User
from subgraphs.accounts.graphql.context import AccountsContext
from subgraphs.accounts.service_layer.read_models import KycDocumentRecord, PermissionRecord
from subgraphs.platform.graphql.dataloaders import ContextLoader, IdLoader


class UserByIdLoader(IdLoader[AccountsContext, User | None]):
    """Profiles from the Redis cache, the misses from PostgreSQL."""

    async def fetch_many(self, keys: list[uuid.UUID]) -> list[User | None]:
        return await self.ctx.services.reads.users_by_id(keys)


class DeviceLastActiveLoader(ContextLoader[AccountsContext, str, int | None]):
    """Last-active times of a page of devices in one Redis MGET."""

    async def fetch_many(self, keys: list[str]) -> list[int | None]:
        return await self.ctx.services.reads.last_seen(keys)


class PermissionsByRoleIdLoader(IdLoader[AccountsContext, list[PermissionRecord]]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[PermissionRecord]]:
        return await self.ctx.services.reads.permissions_of_roles(keys)


class KycDocumentsBySubmissionLoader(
    ContextLoader[AccountsContext, tuple[uuid.UUID, uuid.UUID], list[KycDocumentRecord]]
):
    """Keyed by (user id, submission id): the documents' distribution key comes first."""

    async def fetch_many(self, keys: list[tuple[uuid.UUID, uuid.UUID]]) -> list[list[KycDocumentRecord]]:
        return await self.ctx.services.reads.kyc_documents_of(keys)
