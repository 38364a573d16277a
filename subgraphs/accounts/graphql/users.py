"""Profiles: update your own (admins: anyone's), and the admin user directory with filters."""

from __future__ import annotations

import strawberry

from subgraphs.accounts.graphql.context import Info
from subgraphs.accounts.graphql.enums import KycStatus, UserSort
from subgraphs.accounts.graphql.loaders import UserByIdLoader
from subgraphs.accounts.graphql.types import User
from subgraphs.accounts.service_layer import read_models as rm
from subgraphs.contracts.access import ADMIN
from subgraphs.platform.graphql.arguments import page_args
from subgraphs.platform.graphql.cost import PAGINATED
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, UserError
from subgraphs.platform.kernel.ids import parse_id


@strawberry.input
class UserFilter:
    role: str | None = None
    kyc_status: KycStatus | None = None
    active: bool | None = None
    email: str | None = strawberry.field(default=None, description="Substring of the email.")


@strawberry.input
class ProfileInput:
    display_name: str | None = None


@strawberry.type
class ProfilePayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class UserQuery:
    @strawberry.federation.field(
        authenticated=True, description="Admins only: the user directory.", directives=[PAGINATED]
    )
    async def users(
        self,
        info: Info,
        filter: UserFilter | None = None,
        sort: UserSort = UserSort.NEWEST,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[User]:
        info.context.require_role(ADMIN)
        f = filter or UserFilter()
        query = rm.UserQuery(
            role=f.role,
            kyc_status=f.kyc_status.value if f.kyc_status else None,
            active=f.active,
            email=f.email or None,
            sort=sort,
        )
        page = await info.context.services.reads.user_page(
            query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, User.from_domain)

    @strawberry.federation.field(authenticated=True, description="Yourself, or anyone for admins.")
    async def user(self, info: Info, id: strawberry.ID) -> User | None:
        principal = info.context.require_principal()
        key = parse_id(id)
        if key is None or not (principal.is_admin or principal.user_id == key):
            return None
        found = await UserByIdLoader.of(info.context).load(key)
        return User.from_domain(found) if found else None


@strawberry.type
class ProfileMutation:
    @strawberry.federation.mutation(authenticated=True, description="Your own profile; admins pass `userId`.")
    async def update_profile(
        self, info: Info, input: ProfileInput, user_id: strawberry.ID | None = None
    ) -> ProfilePayload:
        principal = info.context.require_principal()
        target = parse_id(user_id) if user_id is not None else principal.user_id
        updated, errors = await user_errors(
            info.context.services.profiles.update_profile(principal, target, input.display_name)
        )
        if updated is None:
            return ProfilePayload(user=None, user_errors=errors)
        user = await UserByIdLoader.of(info.context).fresh(updated)
        return ProfilePayload(user=User.from_domain(user) if user else None, user_errors=[])
