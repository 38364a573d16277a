"""Roles, permissions and who holds which role.

Admins manage roles and assignments; only super-admins manage permissions or hand out the
admin and superadmin roles. Every change is an audit event. A granted role reaches the
user's token at the next refresh; a removed one takes effect at once, because removing a
role revokes the user's current access tokens.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.accounts.domain.access import PRIVILEGED
from subgraphs.accounts.service_layer.ports import AccessRepository, OpenAccessUnitOfWork, Revocations
from subgraphs.accounts.service_layer.revoking import reaffirm, revoke
from subgraphs.contracts.access import Principal, Revocation
from subgraphs.contracts.accounts import PermissionCreated, RoleCreated, RoleGranted, RoleRevoked
from subgraphs.platform.kernel.errors import AppError, BadUserInput, Conflict, Forbidden, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.kernel.unit_of_work import UnitOfWork

NAME = re.compile(r"^[a-z][a-z0-9_-]{1,63}$")
MAX_BULK = 100


@dataclass(frozen=True)
class RoleSpec:
    name: str
    description: str = ""
    permission_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class PermissionSpec:
    resource: str
    action: str
    description: str = ""


def _is_superadmin(actor: Principal) -> bool:
    return actor.is_superadmin


def _bulk(items: Sequence[object], field: str) -> None:
    if not items or len(items) > MAX_BULK:
        raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} rows.", field=field)])


@dataclass(frozen=True)
class Access:
    uow: OpenAccessUnitOfWork
    revocations: Revocations
    clock: Callable[[], datetime]

    async def create_roles(self, actor: Principal, specs: Sequence[RoleSpec]) -> list[uuid.UUID]:
        if not actor.is_admin and not _is_superadmin(actor):
            raise Forbidden("Only admins manage roles.")
        _bulk(specs, "roles")
        errors: list[AppError] = [
            BadUserInput("Role names are 2 to 64 lowercase letters, digits, - or _.", field=f"roles.{i}.name")
            for i, s in enumerate(specs)
            if not NAME.match(s.name)
        ]
        async with self.uow() as uow:
            taken = await uow.repo.existing_role_names([s.name for s in specs])
            seen: set[str] = set()
            for i, spec in enumerate(specs):
                if spec.name in taken or spec.name in seen:
                    errors.append(Conflict(f"Role {spec.name!r} already exists.", field=f"roles.{i}.name"))
                seen.add(spec.name)
            missing = await uow.repo.missing_permissions([p for s in specs for p in s.permission_ids])
            errors += [
                NotFound("Permission not found.", field=f"roles.{i}.permissionIds")
                for i, s in enumerate(specs)
                if set(s.permission_ids) & missing
            ]
            if errors:
                raise InputErrors(errors)
            ids = [new_id() for _ in specs]
            await uow.repo.add_roles(
                [
                    {"id": i, "name": s.name, "description": s.description[:300]}
                    for i, s in zip(ids, specs, strict=True)
                ]
            )
            for role_id, spec in zip(ids, specs, strict=True):
                await uow.repo.link_permissions(role_id, list(spec.permission_ids))
                uow.events.append(RoleCreated(role_id=role_id, role=spec.name, by=actor.user_id))
            await uow.commit()
        return ids

    async def create_permissions(self, actor: Principal, specs: Sequence[PermissionSpec]) -> list[uuid.UUID]:
        if not _is_superadmin(actor):
            raise Forbidden("Only super-admins manage permissions.")
        _bulk(specs, "permissions")
        errors: list[AppError] = []
        for i, s in enumerate(specs):
            if not NAME.match(s.resource):
                errors.append(
                    BadUserInput("Resource must be a lowercase name.", field=f"permissions.{i}.resource")
                )
            if not NAME.match(s.action):
                errors.append(
                    BadUserInput("Action must be a lowercase name.", field=f"permissions.{i}.action")
                )
        async with self.uow() as uow:
            taken = await uow.repo.existing_permissions([(s.resource, s.action) for s in specs])
            seen: set[tuple[str, str]] = set()
            for i, s in enumerate(specs):
                if (s.resource, s.action) in taken or (s.resource, s.action) in seen:
                    errors.append(Conflict("This permission already exists.", field=f"permissions.{i}"))
                seen.add((s.resource, s.action))
            if errors:
                raise InputErrors(errors)
            ids = [new_id() for _ in specs]
            await uow.repo.add_permissions(
                [
                    {"id": i, "resource": s.resource, "action": s.action, "description": s.description[:300]}
                    for i, s in zip(ids, specs, strict=True)
                ]
            )
            uow.events += [
                PermissionCreated(permission_id=i, resource=s.resource, action=s.action, by=actor.user_id)
                for i, s in zip(ids, specs, strict=True)
            ]
            await uow.commit()
        return ids

    async def assign(
        self, actor: Principal, grants: Sequence[tuple[uuid.UUID, str]]
    ) -> list[tuple[uuid.UUID, str]]:
        if not actor.is_admin and not _is_superadmin(actor):
            raise Forbidden("Only admins assign roles.")
        _bulk(grants, "assignments")
        async with self.uow() as uow:
            errors = await self._check_grants(uow, actor, grants)
            if errors:
                raise InputErrors(errors)
            for user_id, role in grants:
                if await uow.repo.grant(user_id, role, actor.user_id):
                    uow.events.append(RoleGranted(user_id=user_id, role=role, by=actor.user_id))
            await uow.commit()
        return list(grants)

    async def revoke(self, actor: Principal, user_id: uuid.UUID, role: str) -> None:
        if not actor.is_admin and not _is_superadmin(actor):
            raise Forbidden("Only admins remove roles.")
        async with self.uow() as uow:
            errors = await self._check_grants(uow, actor, [(user_id, role)])
            if errors:
                raise InputErrors(errors)
            if not await uow.repo.revoke(user_id, role):
                raise InputErrors([NotFound("The user does not have this role.", field="role")])
            uow.events.append(RoleRevoked(user_id=user_id, role=role, by=actor.user_id))
            # Tokens carry roles: the user's current ones must not outlive the removal.
            revoked = await revoke(uow, self.revocations, user_id, Revocation.of_user(user_id, self.clock()))
            await uow.commit()
        await reaffirm(self.revocations, [revoked])

    async def _check_grants(
        self, uow: UnitOfWork[AccessRepository], actor: Principal, grants: Sequence[tuple[uuid.UUID, str]]
    ) -> list[AppError]:
        roles = await uow.repo.existing_role_names([r for _, r in grants])
        users = await uow.repo.existing_users([u for u, _ in grants])
        errors: list[AppError] = []
        for i, (user_id, role) in enumerate(grants):
            if role not in roles:
                errors.append(NotFound(f"Role {role!r} does not exist.", field=f"assignments.{i}.role"))
            elif role in PRIVILEGED and not _is_superadmin(actor):
                errors.append(
                    Forbidden("Only super-admins hand out admin roles.", field=f"assignments.{i}.role")
                )
            if user_id not in users:
                errors.append(NotFound("User not found.", field=f"assignments.{i}.userId"))
        return errors
