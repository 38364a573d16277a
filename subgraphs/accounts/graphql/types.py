"""GraphQL types of identity: the User entity and the session payloads."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Self

import strawberry

from subgraphs.accounts.domain.model import User as DomainUser
from subgraphs.accounts.graphql.context import Info
from subgraphs.accounts.graphql.enums import KycStatus
from subgraphs.accounts.graphql.loaders import UserByIdLoader
from subgraphs.platform.graphql.types import UserError
from subgraphs.platform.kernel.ids import parse_id


@strawberry.enum(
    description="Where the refresh token goes: an HttpOnly cookie (web, SSR) or the body (mobile)."
)
class RefreshTokenDelivery(enum.Enum):
    COOKIE = "COOKIE"
    BODY = "BODY"


@strawberry.federation.type(keys=["id"], description="An account. Visible to itself and to admins only.")
class User:
    id: strawberry.ID
    email: str
    display_name: str
    kyc_status: KycStatus
    roles: list[str]
    created_at: datetime | None
    last_login_at: datetime | None

    @classmethod
    def from_domain(cls, user: DomainUser) -> Self:
        return cls(
            id=strawberry.ID(str(user.id)),
            email=user.email,
            display_name=user.display_name,
            kyc_status=user.kyc_status,
            roles=sorted(user.roles),
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> User | None:
        key = parse_id(id)
        principal = info.context.principal
        if key is None or principal is None or not (principal.is_admin or principal.user_id == key):
            return None  # someone else's account looks exactly like a missing one
        user = await UserByIdLoader.of(info.context).load(key)
        return cls.from_domain(user) if user else None


@strawberry.type
class RegisterPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type(description="A signed-in session. `refreshToken` is null when it was set as a cookie.")
class AuthPayload:
    access_token: str | None
    access_token_expires_at: datetime | None
    refresh_token: str | None
    csrf_token: str | None = strawberry.field(
        description="Echo it in `x-csrf-token` when refreshing by cookie."
    )
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class LogoutPayload:
    signed_out: bool
    user_errors: list[UserError]
