"""Roles, permissions and role assignments over GraphQL (admins; permissions: super-admins)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

import strawberry

from subgraphs.accounts.graphql.context import Info
from subgraphs.accounts.graphql.loaders import PermissionsByRoleIdLoader
from subgraphs.accounts.service_layer.access import PermissionSpec, RoleSpec
from subgraphs.accounts.service_layer.read_models import PermissionRecord, RoleRecord, UserRoleRecord
from subgraphs.contracts.access import ADMIN, SUPERADMIN
from subgraphs.platform.graphql.arguments import id_filter, page_args
from subgraphs.platform.graphql.authz import RECENT_LOGIN, requires_policy
from subgraphs.platform.graphql.cost import PAGINATED, expected_size
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, UserError
from subgraphs.platform.kernel.ids import parse_id


def assignment_id(user_id: uuid.UUID, role: str) -> str:
    """An assignment's id: its key, `<user id>:<role>` (as the orders' permission rows do), so
    `userRole(id)` is one single-key read on the user's shard."""
    return f"{user_id}:{role}"


def parse_assignment_id(raw: str) -> tuple[uuid.UUID, str] | None:
    head, _, role = raw.partition(":")
    user_id = parse_id(head)
    return (user_id, role) if user_id is not None and role else None


@strawberry.type
class Permission:
    id: strawberry.ID
    resource: str
    action: str
    description: str

    @classmethod
    def from_row(cls, r: PermissionRecord) -> Self:
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
    def from_row(cls, r: RoleRecord) -> Self:
        return cls(id=strawberry.ID(str(r.id)), name=r.name, description=r.description, built_in=r.built_in)

    @strawberry.field(directives=[expected_size(20)])
    async def permissions(self, info: Info) -> list[Permission]:
        rows = await PermissionsByRoleIdLoader.of(info.context).load(uuid.UUID(self.id))
        return [Permission.from_row(r) for r in rows]


@strawberry.type
class UserRole:
    id: strawberry.ID
    user_id: strawberry.ID
    role: str
    granted_by: strawberry.ID | None
    granted_at: datetime

    @classmethod
    def from_row(cls, r: UserRoleRecord) -> Self:
        return cls(
            id=strawberry.ID(assignment_id(r.user_id, r.role)),
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
    roles: list[Role] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]


@strawberry.type
class PermissionsPayload:
    permissions: list[Permission] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]


@strawberry.type
class RoleAssignmentsPayload:
    assignments: list[UserRole] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]


def _uuid(raw: strawberry.ID) -> uuid.UUID:
    return parse_id(raw) or uuid.UUID(int=0)  # malformed ids are reported as not found


@strawberry.type
class AccessQuery:
    @strawberry.federation.field(authenticated=True, description="Admins only.", directives=[PAGINATED])
    async def roles(
        self,
        info: Info,
        name: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Role]:
        info.context.require_role(ADMIN, SUPERADMIN)
        page = page_args(info.context, first, after, last, before)
        return Connection.from_page(await info.context.services.reads.role_page(name, page), Role.from_row)

    @strawberry.federation.field(authenticated=True, description="Admins only.")
    async def role(self, info: Info, id: strawberry.ID) -> Role | None:
        info.context.require_role(ADMIN, SUPERADMIN)
        key = parse_id(id)
        [row] = await info.context.services.reads.roles_by_id([key]) if key else [None]
        return Role.from_row(row) if row else None

    @strawberry.federation.field(authenticated=True, description="Admins only.", directives=[PAGINATED])
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
        info.context.require_role(ADMIN, SUPERADMIN)
        page = page_args(info.context, first, after, last, before)
        rows = await info.context.services.reads.permission_page(resource, action, page)
        return Connection.from_page(rows, Permission.from_row)

    @strawberry.federation.field(authenticated=True, description="Admins only.")
    async def permission(self, info: Info, id: strawberry.ID) -> Permission | None:
        info.context.require_role(ADMIN, SUPERADMIN)
        key = parse_id(id)
        [row] = await info.context.services.reads.permissions_by_id([key]) if key else [None]
        return Permission.from_row(row) if row else None

    @strawberry.federation.field(
        authenticated=True, description="Your own roles; admins see anyone's.", directives=[PAGINATED]
    )
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
        wanted = id_filter(user_id, "userId")
        if not (principal.is_admin or principal.is_superadmin):
            wanted = principal.user_id
        page = page_args(info.context, first, after, last, before)
        rows = await info.context.services.reads.user_role_page(wanted, role, page)
        return Connection.from_page(rows, UserRole.from_row)

    @strawberry.federation.field(authenticated=True, description="Your own; admins see anyone's.")
    async def user_role(self, info: Info, id: strawberry.ID) -> UserRole | None:
        principal = info.context.require_principal()
        key = parse_assignment_id(str(id))
        if key is None:
            return None
        if not (principal.is_admin or principal.is_superadmin) and key[0] != principal.user_id:
            return None  # someone else's assignment reads as missing
        rows = await info.context.services.reads.user_roles([key])
        return UserRole.from_row(rows[0]) if rows else None


SUDO = "Needs a password sign-in from the last 15 minutes (`recent_login` policy)."


@strawberry.type
class AccessMutation:
    @strawberry.federation.mutation(
        **requires_policy(RECENT_LOGIN), description=f"Admins only; all-or-nothing. {SUDO}"
    )
    async def roles_bulk_create(self, info: Info, roles: list[RoleInput]) -> RolesPayload:
        actor = info.context.require_role(ADMIN, SUPERADMIN)
        specs = [
            RoleSpec(r.name, r.description, tuple(_uuid(p) for p in r.permission_ids or [])) for r in roles
        ]
        ids, errors = await user_errors(info.context.services.access.create_roles(actor, specs))
        if ids is None:
            return RolesPayload(roles=[], user_errors=errors)
        rows = [r for r in await info.context.services.reads.roles_by_id(ids) if r is not None]
        return RolesPayload(
            roles=[Role.from_row(r) for r in sorted(rows, key=lambda r: r.name)], user_errors=[]
        )

    @strawberry.federation.mutation(
        **requires_policy(RECENT_LOGIN), description=f"Super-admins only; all-or-nothing. {SUDO}"
    )
    async def permissions_bulk_create(
        self, info: Info, permissions: list[PermissionInput]
    ) -> PermissionsPayload:
        actor = info.context.require_principal()
        specs = [PermissionSpec(p.resource, p.action, p.description) for p in permissions]
        ids, errors = await user_errors(info.context.services.access.create_permissions(actor, specs))
        if ids is None:
            return PermissionsPayload(permissions=[], user_errors=errors)
        rows = [r for r in await info.context.services.reads.permissions_by_id(ids) if r is not None]
        return PermissionsPayload(permissions=[Permission.from_row(r) for r in rows], user_errors=[])

    @strawberry.federation.mutation(
        **requires_policy(RECENT_LOGIN), description=f"Admins only; admin roles need a super-admin. {SUDO}"
    )
    async def assign_roles(
        self, info: Info, assignments: list[RoleAssignmentInput]
    ) -> RoleAssignmentsPayload:
        actor = info.context.require_role(ADMIN, SUPERADMIN)
        grants = [(_uuid(a.user_id), a.role) for a in assignments]
        done, errors = await user_errors(info.context.services.access.assign(actor, grants))
        if done is None:
            return RoleAssignmentsPayload(assignments=[], user_errors=errors)
        rows = await info.context.services.reads.user_roles(grants)
        return RoleAssignmentsPayload(assignments=[UserRole.from_row(x) for x in rows], user_errors=[])

    @strawberry.federation.mutation(
        **requires_policy(RECENT_LOGIN),
        description=f"Admins only. The user's current tokens stop working. {SUDO}",
    )
    async def revoke_role(self, info: Info, user_id: strawberry.ID, role: str) -> RoleAssignmentsPayload:
        actor = info.context.require_role(ADMIN, SUPERADMIN)
        _, errors = await user_errors(info.context.services.access.revoke(actor, _uuid(user_id), role))
        return RoleAssignmentsPayload(assignments=[], user_errors=errors)
