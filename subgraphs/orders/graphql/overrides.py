"""Admin overrides and the audit log (the spec's AdminOverridePermission rows). Admins only."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.contracts.access import ADMIN_SCOPE
from subgraphs.orders.domain import overrides as ov
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.service_layer.overrides import AuditEntry, AuditQuery, OverrideQuery
from subgraphs.platform.graphql.arguments import id_filter, page_args, uuid_arg
from subgraphs.platform.graphql.authz import requires_scopes
from subgraphs.platform.graphql.cost import PAGINATED
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, UserError
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import parse_id

strawberry.enum(ov.OverrideAction, description="The check an override lets one admin pass on one resource.")
strawberry.enum(ov.ResourceType, name="OverrideResourceType")


@strawberry.type(description="An admin's temporary leave to pass one check on one order or return.")
class AdminOverride:
    id: strawberry.ID
    admin_id: strawberry.ID
    resource_type: ov.ResourceType
    resource_id: strawberry.ID
    action: ov.OverrideAction
    reason: str
    expires_at: datetime
    revoked_at: datetime | None
    created_at: datetime
    active: bool

    @classmethod
    def of(cls, o: ov.AdminOverride) -> AdminOverride:
        return cls(
            id=strawberry.ID(str(o.id)),
            admin_id=strawberry.ID(str(o.admin_id)),
            resource_type=o.resource_type,
            resource_id=strawberry.ID(str(o.resource_id)),
            action=o.action,
            reason=o.reason,
            expires_at=o.expires_at,
            revoked_at=o.revoked_at,
            created_at=o.created_at,
            active=o.active(utcnow()),
        )


@strawberry.type(description="One use of an override, on record for good.")
class AuditLogEntry:
    id: strawberry.ID
    user_id: strawberry.ID
    override_id: strawberry.ID
    action: str
    resource_type: str
    resource_id: strawberry.ID
    detail: str
    reason: str
    request_id: str | None
    at: datetime

    @classmethod
    def of(cls, e: AuditEntry) -> AuditLogEntry:
        return cls(
            id=strawberry.ID(str(e.id)),
            user_id=strawberry.ID(str(e.user_id)),
            override_id=strawberry.ID(str(e.override_id)),
            action=e.action,
            resource_type=e.resource_type,
            resource_id=strawberry.ID(str(e.resource_id)),
            detail=e.detail,
            reason=e.reason,
            request_id=e.request_id,
            at=e.at,
        )


@strawberry.input
class AdminOverrideFilter:
    resource_id: strawberry.ID | None = None
    user_id: strawberry.ID | None = strawberry.field(default=None, description="The admin it lets through.")
    active: bool = strawberry.field(default=False, description="Only those active now.")


@strawberry.input
class AuditLogFilter:
    resource_id: strawberry.ID | None = None
    user_id: strawberry.ID | None = None
    after: datetime | None = None
    before: datetime | None = None


@strawberry.input
class AdminOverrideOpenInput:
    resource_type: ov.ResourceType
    resource_id: strawberry.ID
    action: ov.OverrideAction
    reason: str
    minutes: int = strawberry.field(default=15, description="1 to 60.")


@strawberry.type
class AdminOverridePayload:
    admin_override: AdminOverride | None
    user_errors: list[UserError]


@strawberry.type
class OverrideQueries:
    @strawberry.federation.field(
        **requires_scopes(ADMIN_SCOPE), directives=[PAGINATED], description="Newest first."
    )
    async def admin_overrides(
        self,
        info: Info,
        filter: AdminOverrideFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AdminOverride]:
        f = filter or AdminOverrideFilter()
        query = OverrideQuery(
            resource_id=id_filter(f.resource_id, "filter.resourceId"),
            admin_id=id_filter(f.user_id, "filter.userId"),
            active_at=utcnow() if f.active else None,
        )
        page = await info.context.services.overrides.overrides(
            info.context.principal, query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, AdminOverride.of)

    @strawberry.federation.field(**requires_scopes(ADMIN_SCOPE))
    async def admin_override(self, info: Info, id: strawberry.ID) -> AdminOverride | None:
        key = parse_id(id)
        found = await info.context.services.overrides.override(info.context.principal, key) if key else None
        return AdminOverride.of(found) if found else None

    @strawberry.federation.field(
        **requires_scopes(ADMIN_SCOPE),
        directives=[PAGINATED],
        description="Every override use, newest first.",
    )
    async def audit_log(
        self,
        info: Info,
        filter: AuditLogFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditLogEntry]:
        f = filter or AuditLogFilter()
        query = AuditQuery(
            resource_id=id_filter(f.resource_id, "filter.resourceId"),
            user_id=id_filter(f.user_id, "filter.userId"),
            after=f.after,
            before=f.before,
        )
        page = await info.context.services.overrides.audit(
            info.context.principal, query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, AuditLogEntry.of)


@strawberry.type
class OverrideMutations:
    @strawberry.federation.mutation(
        **requires_scopes(ADMIN_SCOPE),
        description="Lets you pass one check on one order or return for up to an hour; every use is audited.",
    )
    async def admin_override_open(self, info: Info, input: AdminOverrideOpenInput) -> AdminOverridePayload:
        ctx = info.context
        found, errors = await user_errors(
            lambda: ctx.services.overrides.open(
                ctx.principal,
                input.resource_type,
                uuid_arg(input.resource_id, "resourceId"),
                input.action,
                input.reason,
                input.minutes,
            )
        )
        return AdminOverridePayload(
            admin_override=AdminOverride.of(found) if found else None, user_errors=errors
        )

    @strawberry.federation.mutation(**requires_scopes(ADMIN_SCOPE), description="Ends an override at once.")
    async def admin_override_revoke(self, info: Info, id: strawberry.ID) -> AdminOverridePayload:
        ctx = info.context
        found, errors = await user_errors(
            lambda: ctx.services.overrides.revoke(ctx.principal, uuid_arg(id, "id"))
        )
        return AdminOverridePayload(
            admin_override=AdminOverride.of(found) if found else None, user_errors=errors
        )
