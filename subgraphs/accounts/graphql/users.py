"""Profiles: update your own (admins: anyone's), and the admin user directory with filters."""

from __future__ import annotations

import enum
import uuid

import strawberry
from sqlalchemy import exists, select

from subgraphs.accounts.adapters import tables as t
from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.graphql.loaders import UserByIdLoader
from subgraphs.accounts.graphql.types import KycStatus, User
from subgraphs.accounts.graphql.wiring import UOW
from subgraphs.accounts.service_layer import profiles
from subgraphs.platform.context import Info
from subgraphs.platform.errors import NotFound
from subgraphs.platform.graphql_pagination import escape_like, fetch_page
from subgraphs.platform.graphql_types import Connection, UserError, user_errors_from
from subgraphs.platform.ids import parse_id
from subgraphs.platform.pagination import KeysetOrder, PageArgs, SortKey
from subgraphs.platform.results import InputErrors


@strawberry.input
class UserFilter:
    role: str | None = None
    kyc_status: KycStatus | None = None
    active: bool | None = None
    email: str | None = strawberry.field(default=None, description="Substring of the email.")


@strawberry.enum
class UserSortField(enum.Enum):
    NEWEST = "NEWEST"
    EMAIL = "EMAIL"


@strawberry.input
class ProfileInput:
    display_name: str | None = None


@strawberry.type
class ProfilePayload:
    user: User | None
    user_errors: list[UserError]


_USER_ORDERS = {
    UserSortField.NEWEST: KeysetOrder("users", "NEWEST", (SortKey(t.users.c.id, uuid.UUID),), True),
    UserSortField.EMAIL: KeysetOrder(
        "users", "EMAIL", (SortKey(t.users.c.email, str), SortKey(t.users.c.id, uuid.UUID)), False
    ),
}


@strawberry.type
class UserQuery:
    @strawberry.federation.field(authenticated=True, description="Admins only: the user directory.")
    async def users(
        self,
        info: Info,
        filter: UserFilter | None = None,
        sort: UserSortField = UserSortField.NEWEST,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[User]:
        info.context.require_role("admin")
        u, r = t.users, t.user_roles
        query = select(u)
        f = filter or UserFilter()
        if f.role is not None:
            query = query.where(exists().where(r.c.user_id == u.c.id, r.c.role == f.role))
        if f.kyc_status is not None:
            query = query.where(u.c.kyc_status == f.kyc_status.value)
        if f.active is not None:
            query = query.where(u.c.is_active.is_(f.active))
        if f.email:
            query = query.where(u.c.email.like(f"%{escape_like(f.email.lower())}%"))
        page = await fetch_page(info, query, _USER_ORDERS[sort], PageArgs(first, after, last, before))
        # Roles come in one more statement for the whole page.
        async with info.context.engine.connect() as conn:
            users = await SqlAccountsRepository(conn).get_users([row.id for row in page.rows])
        return Connection.from_page(page, lambda row: User.from_domain(users[row.id]))

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
        uow = info.context.services[UOW](info.context.engine)
        try:
            if target is None:
                raise InputErrors([NotFound("User not found.", field="userId")])
            await profiles.update_profile(uow, principal, target, input.display_name)
        except InputErrors as exc:
            return ProfilePayload(user=None, user_errors=user_errors_from(exc.errors))
        user = await UserByIdLoader.of(info.context).fresh(target)
        return ProfilePayload(user=User.from_domain(user) if user else None, user_errors=[])
