"""The read side of accounts: what a read returns (records) and what it can be asked (a port).

Resolvers and DataLoaders read only through `AccountsReads`; the SQL and Redis lookups live
in `adapters/account_reads.py`. Whose rows a caller may see is decided by the resolver (its
own, or anyone's for admins) and passed in as `owner` (None: anyone's).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from subgraphs.accounts.domain.address_book import SavedAddress
from subgraphs.accounts.domain.model import User
from subgraphs.accounts.service_layer.ports import ActiveSession
from subgraphs.platform.kernel.paging import Page, PageArgs


class DeviceRecord(Protocol):
    id: uuid.UUID
    user_id: uuid.UUID
    type: str
    name: str
    user_agent: str
    ip: str
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None


class SessionRecord(Protocol):
    """One login: the family of refresh tokens rotated from it."""

    id: uuid.UUID
    user_id: uuid.UUID
    device_id: uuid.UUID
    ip: str
    started_at: datetime
    last_refreshed_at: datetime
    expires_at: datetime
    active: bool


class RoleRecord(Protocol):
    id: uuid.UUID
    name: str
    description: str
    built_in: bool


class PermissionRecord(Protocol):
    id: uuid.UUID
    resource: str
    action: str
    description: str


class UserRoleRecord(Protocol):
    user_id: uuid.UUID
    role: str
    granted_by: uuid.UUID | None
    created_at: datetime


class KycSubmissionRecord(Protocol):
    id: uuid.UUID
    user_id: uuid.UUID
    status: str
    reason: str | None
    submitted_at: datetime
    reviewed_at: datetime | None


class KycDocumentRecord(Protocol):
    id: uuid.UUID
    submission_id: uuid.UUID
    kind: str
    content_type: str
    size: int


@dataclass(frozen=True)
class DeviceQuery:
    owner: uuid.UUID | None
    type: str | None = None
    revoked: bool | None = None


@dataclass(frozen=True)
class SessionQuery:
    owner: uuid.UUID | None
    device_id: uuid.UUID | None = None
    ip: str | None = None
    active: bool | None = None


class UserSort(enum.Enum):
    NEWEST = "NEWEST"
    EMAIL = "EMAIL"


@dataclass(frozen=True)
class UserQuery:
    role: str | None = None
    kyc_status: str | None = None
    active: bool | None = None
    email: str | None = None  # a substring
    sort: UserSort = UserSort.NEWEST


@dataclass(frozen=True)
class KycQuery:
    status: str | None = None
    submitted_after: datetime | None = None
    submitted_before: datetime | None = None


class AccountsReads(Protocol):
    async def device_page(self, query: DeviceQuery, page: PageArgs) -> Page[DeviceRecord]: ...
    async def device(self, owner: uuid.UUID | None, device_id: uuid.UUID) -> DeviceRecord | None: ...
    async def session_page(self, query: SessionQuery, page: PageArgs) -> Page[SessionRecord]: ...
    async def session(self, owner: uuid.UUID | None, session_id: uuid.UUID) -> SessionRecord | None: ...
    async def active_sessions(self, user_id: uuid.UUID) -> list[ActiveSession]:
        """Signed-in sessions right now, from the Redis session index (oldest first)."""
        ...

    async def last_seen(self, device_ids: Sequence[str]) -> list[int | None]:
        """Epoch seconds each device's token was last seen by any subgraph (None: not recently)."""
        ...

    async def user_page(self, query: UserQuery, page: PageArgs) -> Page[User]: ...
    async def users_by_id(self, ids: Sequence[uuid.UUID]) -> list[User | None]: ...
    async def role_page(self, name: str | None, page: PageArgs) -> Page[RoleRecord]: ...
    async def roles_by_id(self, ids: Sequence[uuid.UUID]) -> list[RoleRecord | None]: ...
    async def permission_page(
        self, resource: str | None, action: str | None, page: PageArgs
    ) -> Page[PermissionRecord]: ...
    async def permissions_by_id(self, ids: Sequence[uuid.UUID]) -> list[PermissionRecord | None]: ...
    async def permissions_of_roles(self, role_ids: Sequence[uuid.UUID]) -> list[list[PermissionRecord]]: ...
    async def user_role_page(
        self, user_id: uuid.UUID | None, role: str | None, page: PageArgs
    ) -> Page[UserRoleRecord]: ...
    async def user_roles(self, grants: Sequence[tuple[uuid.UUID, str]]) -> list[UserRoleRecord]:
        """The assignments among `grants` that exist."""
        ...

    async def kyc_submission_page(self, query: KycQuery, page: PageArgs) -> Page[KycSubmissionRecord]: ...
    async def kyc_submission(self, submission_id: uuid.UUID) -> KycSubmissionRecord | None: ...
    async def latest_kyc_submission(self, user_id: uuid.UUID) -> KycSubmissionRecord | None: ...
    async def kyc_documents_of(
        self, submissions: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[list[KycDocumentRecord]]:
        """The documents of each (user id, submission id)."""
        ...


class AddressReads(Protocol):
    async def addresses(self, user_id: uuid.UUID, page: PageArgs) -> Page[SavedAddress]:
        """The user's saved addresses, newest first."""
        ...

    async def address(self, user_id: uuid.UUID, address_id: uuid.UUID) -> SavedAddress | None: ...
