"""Explicit access to one order (the spec's OrderPermissionViewSet): admins grant and revoke it;
admins list every grant, anyone else the grants they hold."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.contracts.access import ADMIN_SCOPE
from subgraphs.orders.domain.grants import GrantRole, OrderGrant
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.service_layer.read_models import GrantQuery
from subgraphs.platform.graphql.arguments import id_filter, page_args, uuid_arg
from subgraphs.platform.graphql.authz import requires_scopes
from subgraphs.platform.graphql.cost import PAGINATED
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, UserError
from subgraphs.platform.kernel.ids import parse_id

strawberry.enum(
    GrantRole,
    name="OrderPermissionRole",
    description="VIEWER reads the order as an admin would; SUPPORT may also move it as an admin would.",
)


@strawberry.type(description="A user's explicit access to one order, until it expires.")
class OrderPermission:
    id: strawberry.ID
    order_id: strawberry.ID
    user_id: strawberry.ID
    role: GrantRole
    granted_by: strawberry.ID
    expires_at: datetime
    created_at: datetime

    @classmethod
    def of(cls, g: OrderGrant) -> OrderPermission:
        return cls(
            id=strawberry.ID(str(g.id)),
            order_id=strawberry.ID(str(g.order_id)),
            user_id=strawberry.ID(str(g.user_id)),
            role=g.role,
            granted_by=strawberry.ID(str(g.granted_by)),
            expires_at=g.expires_at,
            created_at=g.created_at,
        )


@strawberry.input
class OrderPermissionFilter:
    order_id: strawberry.ID | None = None
    user_id: strawberry.ID | None = None
    role: GrantRole | None = None


@strawberry.input
class OrderPermissionGrantInput:
    order_id: strawberry.ID
    user_id: strawberry.ID
    role: GrantRole = GrantRole.VIEWER
    expires_at: datetime = strawberry.field(description="Within 90 days.")


@strawberry.type
class OrderPermissionPayload:
    order_permission: OrderPermission | None
    user_errors: list[UserError]


@strawberry.type
class OrderPermissionRevokePayload:
    revoked_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class PermissionQuery:
    @strawberry.federation.field(authenticated=True, directives=[PAGINATED])
    async def order_permissions(
        self,
        info: Info,
        filter: OrderPermissionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[OrderPermission]:
        f = filter or OrderPermissionFilter()
        query = GrantQuery(
            order_id=id_filter(f.order_id, "filter.orderId"),
            user_id=id_filter(f.user_id, "filter.userId"),
            role=f.role,
        )
        page = await info.context.services.queries.permissions(
            info.context.require_principal(), query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, OrderPermission.of)

    @strawberry.federation.field(authenticated=True)
    async def order_permission(self, info: Info, id: strawberry.ID) -> OrderPermission | None:
        key = parse_id(id)
        found = (
            await info.context.services.queries.permission(info.context.require_principal(), key)
            if key
            else None
        )
        return OrderPermission.of(found) if found else None


@strawberry.type
class PermissionMutation:
    @strawberry.federation.mutation(
        **requires_scopes(ADMIN_SCOPE), description="Lets a user see (or act on) one order until it expires."
    )
    async def order_permission_grant(
        self, info: Info, input: OrderPermissionGrantInput
    ) -> OrderPermissionPayload:
        ctx = info.context
        admin = ctx.require_principal()
        grant, errors = await user_errors(
            lambda: ctx.services.grants.grant(
                admin,
                uuid_arg(input.order_id, "input.orderId"),
                uuid_arg(input.user_id, "input.userId"),
                input.role,
                input.expires_at,
            )
        )
        return OrderPermissionPayload(
            order_permission=OrderPermission.of(grant) if grant else None, user_errors=errors
        )

    @strawberry.federation.mutation(**requires_scopes(ADMIN_SCOPE), description="Takes a grant back at once.")
    async def order_permission_revoke(self, info: Info, id: strawberry.ID) -> OrderPermissionRevokePayload:
        ctx = info.context
        admin = ctx.require_principal()
        revoked, errors = await user_errors(lambda: ctx.services.grants.revoke(admin, uuid_arg(id, "id")))
        return OrderPermissionRevokePayload(
            revoked_id=strawberry.ID(str(revoked)) if revoked else None, user_errors=errors
        )
