"""Identity queries."""

from __future__ import annotations

import strawberry

from subgraphs.accounts.graphql.context import Info
from subgraphs.accounts.graphql.loaders import UserByIdLoader
from subgraphs.accounts.graphql.types import User


@strawberry.type
class IdentityQuery:
    @strawberry.federation.field(authenticated=True, description="The signed-in user.")
    async def me(self, info: Info) -> User | None:
        principal = info.context.require_principal()
        user = await UserByIdLoader.of(info.context).load(principal.user_id)
        return User.from_domain(user) if user else None
