"""Roles, permissions and role assignments over GraphQL (admins; permissions: super-admins)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Self

import strawberry
from sqlalchemy import select

from subgraphs.accounts.adapters import tables as t
from subgraphs.accounts.graphql.wiring import ACCESS, ACCESS_UOW
from subgraphs.accounts.service_layer.access import Access, PermissionSpec, RoleSpec
from subgraphs.platform.authz import RECENT_LOGIN, requires_policy
from subgraphs.platform.context import Context, Info
from subgraphs.platform.graphql_pagination import ascending, escape_like, id_filter, paginate
from subgraphs.platform.graphql_types import Connection, UserError, user_errors_from
from subgraphs.platform.ids import parse_id
from subgraphs.platform.pagination import PageArgs
from subgraphs.platform.results import InputErrors

_ASSIGNMENT_NAMESPACE = uuid.UUID("0a5e1c5e-0000-4000-8000-00000000a551")


def assignment_id(user_id: uuid.UUID, role: str) -> uuid.UUID:
    """A stable id for a (user, role) pair, so an assignment can be fetched by id."""
    return uuid.uuid5(_ASSIGNMENT_NAMESPACE, f"{user_id}:{role}")


@strawberry.type
class Permission:
    id: strawberry.ID
    resource: str
    action: str
    description: str

    @classmethod
    def from_row(cls, r: Any) -> Self:
        return cls(
            id=strawberry.ID(str(r.id)), resource=r.resource, action=r.action, description=r.description
        )


@strawberry.type
class Role:
    id: strawberry.ID
    name: str
    description: str
    built_in: bool

    @classmethod
    def from_row(cls, r: Any) -> Self:
        return cls(id=strawberry.ID(str(r.id)), name=r.name, description=r.description, built_in=r.built_in)

    @strawberry.field
    async def permissions(self, info: Info) -> list[Permission]:
        p, rp = t.permissions, t.role_permissions
        query = (
            select(p)
            .join(rp, rp.c.permission_id == p.c.id)
            .where(rp.c.role_id == uuid.UUID(self.id))
            .order_by(p.c.resource, p.c.action)
        )
        async with info.context.engine.connect() as conn:
            return [Permission.from_row(r) for r in await conn.execute(query)]


@strawberry.type
class UserRole:
    id: strawberry.ID
    user_id: strawberry.ID
    role: str
    granted_by: strawberry.ID | None
    granted_at: datetime

    @classmethod
    def from_row(cls, r: Any) -> Self:
        return cls(
            id=strawberry.ID(str(assignment_id(r.user_id, r.role))),
            user_id=strawberry.ID(str(r.user_id)),
            role=r.role,
            granted_by=strawberry.ID(str(r.granted_by)) if r.granted_by else None,
            granted_at=r.created_at,
        )


@strawberry.input
class RoleInput:
    name: str
    description: str = ""
    permission_ids: list[strawberry.ID] | None = None


@strawberry.input
class PermissionInput:
    resource: str
    action: str
    description: str = ""


@strawberry.input
class RoleAssignmentInput:
    user_id: strawberry.ID
    role: str


@strawberry.type
class RolesPayload:
    roles: list[Role]
    user_errors: list[UserError]


@strawberry.type
class PermissionsPayload:
    permissions: list[Permission]
    user_errors: list[UserError]


@strawberry.type
class RoleAssignmentsPayload:
    assignments: list[UserRole]
    user_errors: list[UserError]


def _access(ctx: Context) -> Access:
    access: Access = ctx.services[ACCESS]
    return access


def _uow(ctx: Context) -> Any:
    return ctx.services[ACCESS_UOW](ctx.engine)


def _uuid(raw: strawberry.ID) -> uuid.UUID:
    return parse_id(raw) or uuid.UUID(int=0)  # malformed ids are reported as not found


async def _rows(info: Info, query: Any) -> list[Any]:
    async with info.context.engine.connect() as conn:
        return list((await conn.execute(query)).all())


@strawberry.type
class AccessQuery:
    @strawberry.federation.field(authenticated=True, description="Admins only.")
    async def roles(
        self,
        info: Info,
        name: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Role]:
        info.context.require_role("admin", "superadmin")
        query = select(t.roles)
        if name:
            query = query.where(t.roles.c.name.like(f"%{escape_like(name.lower())}%"))
        order = ascending("roles", (t.roles.c.name, str), (t.roles.c.id, uuid.UUID))
        return await paginate(info, query, order, PageArgs(first, after, last, before), Role.from_row)

    @strawberry.federation.field(authenticated=True, description="Admins only.")
    async def role(self, info: Info, id: strawberry.ID) -> Role | None:
        info.context.require_role("admin", "superadmin")
        rows = await _rows(info, select(t.roles).where(t.roles.c.id == _uuid(id)))
        return Role.from_row(rows[0]) if rows else None

    @strawberry.federation.field(authenticated=True, description="Admins only.")
    async def permissions(
        self,
        info: Info,
        resource: str | None = None,
        action: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Permission]:
        info.context.require_role("admin", "superadmin")
        p = t.permissions
        query = select(p)
        if resource:
            query = query.where(p.c.resource == resource)
        if action:
            query = query.where(p.c.action == action)
        order = ascending("permissions", (p.c.resource, str), (p.c.action, str), (p.c.id, uuid.UUID))
        return await paginate(info, query, order, PageArgs(first, after, last, before), Permission.from_row)

    @strawberry.federation.field(authenticated=True, description="Admins only.")
    async def permission(self, info: Info, id: strawberry.ID) -> Permission | None:
        info.context.require_role("admin", "superadmin")
        rows = await _rows(info, select(t.permissions).where(t.permissions.c.id == _uuid(id)))
        return Permission.from_row(rows[0]) if rows else None

    @strawberry.federation.field(authenticated=True, description="Your own roles; admins see anyone's.")
    async def user_roles(
        self,
        info: Info,
        user_id: strawberry.ID | None = None,
        role: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[UserRole]:
        principal = info.context.require_principal()
        r = t.user_roles
        wanted = id_filter(user_id, "userId")
        if not (principal.is_admin or "superadmin" in principal.roles):
            wanted = principal.user_id
        query = select(r)
        if wanted is not None:
            query = query.where(r.c.user_id == wanted)
        if role:
            query = query.where(r.c.role == role)
        order = ascending("user_roles", (r.c.user_id, uuid.UUID), (r.c.role, str))
        return await paginate(info, query, order, PageArgs(first, after, last, before), UserRole.from_row)


SUDO = "Needs a password sign-in from the last 15 minutes (`recent_login` policy)."


@strawberry.type
class AccessMutation:
    @strawberry.federation.mutation(
        **requires_policy(RECENT_LOGIN), description=f"Admins only; all-or-nothing. {SUDO}"
    )
    async def roles_bulk_create(self, info: Info, roles: list[RoleInput]) -> RolesPayload:
        actor = info.context.require_role("admin", "superadmin")
        specs = [
            RoleSpec(r.name, r.description, tuple(_uuid(p) for p in r.permission_ids or [])) for r in roles
        ]
        try:
            ids = await _access(info.context).create_roles(_uow(info.context), actor, specs)
        except InputErrors as exc:
            return RolesPayload(roles=[], user_errors=user_errors_from(exc.errors))
        rows = await _rows(info, select(t.roles).where(t.roles.c.id.in_(ids)).order_by(t.roles.c.name))
        return RolesPayload(roles=[Role.from_row(r) for r in rows], user_errors=[])

    @strawberry.federation.mutation(
        **requires_policy(RECENT_LOGIN), description=f"Super-admins only; all-or-nothing. {SUDO}"
    )
    async def permissions_bulk_create(
        self, info: Info, permissions: list[PermissionInput]
    ) -> PermissionsPayload:
        actor = info.context.require_principal()
        specs = [PermissionSpec(p.resource, p.action, p.description) for p in permissions]
        try:
            ids = await _access(info.context).create_permissions(_uow(info.context), actor, specs)
        except InputErrors as exc:
            return PermissionsPayload(permissions=[], user_errors=user_errors_from(exc.errors))
        rows = await _rows(info, select(t.permissions).where(t.permissions.c.id.in_(ids)))
        return PermissionsPayload(permissions=[Permission.from_row(r) for r in rows], user_errors=[])

    @strawberry.federation.mutation(
        **requires_policy(RECENT_LOGIN), description=f"Admins only; admin roles need a super-admin. {SUDO}"
    )
    async def assign_roles(
        self, info: Info, assignments: list[RoleAssignmentInput]
    ) -> RoleAssignmentsPayload:
        actor = info.context.require_role("admin", "superadmin")
        grants = [(_uuid(a.user_id), a.role) for a in assignments]
        try:
            await _access(info.context).assign(_uow(info.context), actor, grants)
        except InputErrors as exc:
            return RoleAssignmentsPayload(assignments=[], user_errors=user_errors_from(exc.errors))
        r = t.user_roles
        rows = await _rows(
            info,
            select(r).where(r.c.user_id.in_({u for u, _ in grants}), r.c.role.in_({g for _, g in grants})),
        )
        wanted = set(grants)
        return RoleAssignmentsPayload(
            assignments=[UserRole.from_row(x) for x in rows if (x.user_id, x.role) in wanted], user_errors=[]
        )

    @strawberry.federation.mutation(
        **requires_policy(RECENT_LOGIN),
        description=f"Admins only. The user's current tokens stop working. {SUDO}",
    )
    async def revoke_role(self, info: Info, user_id: strawberry.ID, role: str) -> RoleAssignmentsPayload:
        actor = info.context.require_role("admin", "superadmin")
        try:
            await _access(info.context).revoke(_uow(info.context), actor, _uuid(user_id), role)
        except InputErrors as exc:
            return RoleAssignmentsPayload(assignments=[], user_errors=user_errors_from(exc.errors))
        return RoleAssignmentsPayload(assignments=[], user_errors=[])
