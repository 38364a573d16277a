"""The accounts repository on one PostgreSQL transaction (SQLAlchemy Core)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.accounts.adapters import tables as t
from subgraphs.accounts.adapters.profile_cache import ProfileCache
from subgraphs.accounts.domain.model import Device, DeviceType, KycStatus, RefreshToken, User
from subgraphs.accounts.service_layer.ports import ActiveSession
from subgraphs.platform.kernel.ids import created_at, new_id
from subgraphs.platform.sql.rows import row_to

logger = logging.getLogger("notifications")


def _user(row: Any, roles: list[str]) -> User:
    return row_to(User, row, kyc_status=KycStatus(row.kyc_status), roles=frozenset(roles))


def _device(row: Any) -> Device:
    return row_to(Device, row, type=DeviceType(row.type))


def _token(row: Any) -> RefreshToken:
    return row_to(RefreshToken, row)


class SqlAccountsRepository:
    def __init__(self, conn: AsyncConnection, role_cache: ProfileCache | None = None) -> None:
        self.conn = conn
        self._role_cache = role_cache

    async def user_id_for_email(self, email: str) -> uuid.UUID | None:
        return await self.conn.scalar(select(t.user_emails.c.user_id).where(t.user_emails.c.email == email))

    async def get_user(self, user_id: uuid.UUID) -> User | None:
        row = (await self.conn.execute(select(t.users).where(t.users.c.id == user_id))).first()
        if row is None:
            return None
        cached = await self._role_cache.get_roles(user_id) if self._role_cache else None
        if cached is not None:
            return _user(row, list(cached))
        roles = frozenset(
            await self.conn.scalars(select(t.user_roles.c.role).where(t.user_roles.c.user_id == user_id))
        )
        if self._role_cache:
            await self._role_cache.put_roles(user_id, roles)
        return _user(row, list(roles))

    async def get_users(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, User]:
        """Many users with their roles in two statements (for DataLoaders)."""
        rows = (await self.conn.execute(select(t.users).where(t.users.c.id.in_(user_ids)))).all()
        roles: dict[uuid.UUID, list[str]] = {}
        role_rows = await self.conn.execute(
            select(t.user_roles.c.user_id, t.user_roles.c.role).where(t.user_roles.c.user_id.in_(user_ids))
        )
        for user_id, role in role_rows:
            roles.setdefault(user_id, []).append(role)
        return {r.id: _user(r, roles.get(r.id, [])) for r in rows}

    async def add_user(self, user: User) -> bool:
        """False when the email is taken (the lookup table's primary key decides races)."""
        claimed = await self.conn.scalar(
            insert(t.user_emails)
            .values(email=user.email, user_id=user.id)
            .on_conflict_do_nothing()
            .returning(t.user_emails.c.user_id)
        )
        if claimed is None:
            return False
        await self.conn.execute(
            insert(t.users).values(
                id=user.id,
                email=user.email,
                password_hash=user.password_hash,
                display_name=user.display_name,
                kyc_status=user.kyc_status.value,
                is_active=user.is_active,
            )
        )
        await self.conn.execute(
            insert(t.user_roles), [{"user_id": user.id, "role": r} for r in sorted(user.roles)]
        )
        return True

    async def update_user(self, user_id: uuid.UUID, changes: dict[str, object]) -> bool:
        """False when there is no such user."""
        u = t.users
        done = await self.conn.execute(
            update(u).where(u.c.id == user_id).values(**changes, updated_at=func.now()).returning(u.c.id)
        )
        return done.first() is not None

    async def record_login(self, user_id: uuid.UUID, at: datetime, ip: str) -> None:
        await self.conn.execute(
            update(t.users).where(t.users.c.id == user_id).values(last_login_at=at, last_login_ip=ip)
        )

    async def upsert_device(self, device: Device) -> Device:
        d = t.devices
        stmt = insert(d).values(
            id=device.id,
            user_id=device.user_id,
            client_device_id=device.client_device_id,
            type=device.type.value,
            name=device.name,
            user_agent=device.user_agent,
            ip=device.ip,
        )
        row = (
            await self.conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[d.c.user_id, d.c.client_device_id],
                    index_where=d.c.revoked_at.is_(None),
                    set_={
                        "type": stmt.excluded.type,
                        "name": stmt.excluded.name,
                        "user_agent": stmt.excluded.user_agent,
                        "ip": stmt.excluded.ip,
                        "last_seen_at": stmt.excluded.last_seen_at,
                    },
                ).returning(d)
            )
        ).one()
        return _device(row)

    async def get_device(self, user_id: uuid.UUID, device_id: uuid.UUID) -> Device | None:
        row = (
            await self.conn.execute(
                select(t.devices).where(t.devices.c.user_id == user_id, t.devices.c.id == device_id)
            )
        ).first()
        return _device(row) if row else None

    async def revoke_device(self, user_id: uuid.UUID, device_id: uuid.UUID, at: datetime) -> None:
        d = t.devices
        await self.conn.execute(
            update(d)
            .where(d.c.user_id == user_id, d.c.id == device_id, d.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def add_refresh_token(self, token: RefreshToken) -> None:
        await self.conn.execute(
            insert(t.refresh_tokens).values(
                id=token.id,
                user_id=token.user_id,
                device_id=token.device_id,
                family_id=token.family_id,
                secret_hash=token.secret_hash,
                expires_at=token.expires_at,
            )
        )

    async def get_refresh_token(self, user_id: uuid.UUID, token_id: uuid.UUID) -> RefreshToken | None:
        r = t.refresh_tokens
        # Locked: two concurrent refreshes with one token must not both rotate it.
        query = select(r).where(r.c.user_id == user_id, r.c.id == token_id).with_for_update()
        row = (await self.conn.execute(query)).first()
        return _token(row) if row else None

    async def mark_refresh_token_used(self, token: RefreshToken, at: datetime) -> None:
        r = t.refresh_tokens
        await self.conn.execute(
            update(r).where(r.c.user_id == token.user_id, r.c.id == token.id).values(used_at=at)
        )

    async def revoke_family(self, user_id: uuid.UUID, family_id: uuid.UUID, at: datetime) -> None:
        r = t.refresh_tokens
        await self.conn.execute(
            update(r)
            .where(r.c.user_id == user_id, r.c.family_id == family_id, r.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def revoke_device_tokens(self, user_id: uuid.UUID, device_id: uuid.UUID, at: datetime) -> None:
        r = t.refresh_tokens
        await self.conn.execute(
            update(r)
            .where(r.c.user_id == user_id, r.c.device_id == device_id, r.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def device_owner(self, device_id: uuid.UUID) -> uuid.UUID | None:
        # By id alone: a fan-out on a sharded cluster, acceptable for this rare action.
        return await self.conn.scalar(select(t.devices.c.user_id).where(t.devices.c.id == device_id))

    async def session_owner(self, session_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID] | None:
        r = t.refresh_tokens
        row = (
            await self.conn.execute(
                select(r.c.user_id, r.c.device_id).where(r.c.family_id == session_id).limit(1)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def active_sessions(self, user_id: uuid.UUID) -> list[ActiveSession]:
        """Each live family's current (unused, unrevoked, unexpired) token: the active sessions."""
        r, d = t.refresh_tokens, t.devices
        rows = await self.conn.execute(
            select(r.c.family_id, r.c.device_id, r.c.created_at, r.c.expires_at, d.c.ip)
            .join(d, (d.c.user_id == r.c.user_id) & (d.c.id == r.c.device_id))
            .where(
                r.c.user_id == user_id,
                r.c.used_at.is_(None),
                r.c.revoked_at.is_(None),
                r.c.expires_at > func.now(),
                d.c.revoked_at.is_(None),
            )
        )
        return [
            ActiveSession(
                id=row.family_id,
                user_id=user_id,
                device_id=row.device_id,
                ip=row.ip,
                started_at=created_at(row.family_id),
                last_refreshed_at=row.created_at,
                expires_at=row.expires_at,
            )
            for row in rows
        ]

    async def revoke_all_user_tokens(self, user_id: uuid.UUID, at: datetime) -> None:
        r, d = t.refresh_tokens, t.devices
        await self.conn.execute(
            update(r).where(r.c.user_id == user_id, r.c.revoked_at.is_(None)).values(revoked_at=at)
        )
        await self.conn.execute(
            update(d).where(d.c.user_id == user_id, d.c.revoked_at.is_(None)).values(revoked_at=at)
        )

    async def add_password_reset(
        self, reset_id: uuid.UUID, user_id: uuid.UUID, secret_hash: str, expires_at: datetime
    ) -> None:
        await self.conn.execute(
            insert(t.password_resets).values(
                id=reset_id, user_id=user_id, secret_hash=secret_hash, expires_at=expires_at
            )
        )

    async def get_password_reset(
        self, user_id: uuid.UUID, reset_id: uuid.UUID
    ) -> tuple[str, datetime, datetime | None] | None:
        p = t.password_resets
        query = select(p.c.secret_hash, p.c.expires_at, p.c.used_at).where(
            p.c.user_id == user_id, p.c.id == reset_id
        )
        row = (await self.conn.execute(query.with_for_update())).first()
        return (row[0], row[1], row[2]) if row else None

    async def use_password_reset(self, user_id: uuid.UUID, reset_id: uuid.UUID, at: datetime) -> None:
        p = t.password_resets
        await self.conn.execute(
            update(p).where(p.c.user_id == user_id, p.c.id == reset_id).values(used_at=at)
        )

    async def set_push_token(
        self, user_id: uuid.UUID, device_id: uuid.UUID, push_token: str
    ) -> Device | None:
        d = t.devices
        row = (
            await self.conn.execute(
                update(d)
                .where(d.c.user_id == user_id, d.c.id == device_id, d.c.revoked_at.is_(None))
                .values(push_token=push_token)
                .returning(d)
            )
        ).first()
        return _device(row) if row else None

    async def record_message(self, user_id: uuid.UUID, recipient: str, template: str, body: str) -> None:
        await self.conn.execute(
            insert(t.sent_messages).values(
                id=new_id(),
                user_id=user_id,
                channel="email",
                recipient=recipient,
                template=template,
                body=body,
            )
        )
        logger.info("message recorded", extra={"recipient": recipient, "template": template})
