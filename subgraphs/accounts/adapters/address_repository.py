"""The address book on PostgreSQL (`accounts.addresses`, distributed by user_id with its user)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.accounts.adapters import tables
from subgraphs.accounts.domain.address_book import SavedAddress
from subgraphs.contracts.addresses import Address

a = tables.addresses
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")


def saved_address(row: Any) -> SavedAddress:
    m = row._mapping
    return SavedAddress(
        id=m["id"],
        user_id=m["user_id"],
        address=Address.from_dict({k: m[k] for k in ADDRESS_FIELDS}),
        label=m["label"],
        is_default=m["is_default"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def _values(saved: SavedAddress) -> dict[str, Any]:
    return {
        **saved.address.as_dict(),
        "label": saved.label,
        "is_default": saved.is_default,
        "updated_at": saved.updated_at,
    }


class SqlAddressRepository:
    conn: AsyncConnection

    async def lock_user(self, user_id: uuid.UUID) -> None:
        await self.conn.execute(
            select(tables.users.c.id).where(tables.users.c.id == user_id).with_for_update()
        )

    async def address_count(self, user_id: uuid.UUID) -> int:
        return int(await self.conn.scalar(select(func.count()).where(a.c.user_id == user_id)) or 0)

    async def address(self, user_id: uuid.UUID, address_id: uuid.UUID) -> SavedAddress | None:
        row = (await self.conn.execute(select(a).where(a.c.user_id == user_id, a.c.id == address_id))).first()
        return saved_address(row) if row else None

    async def add_address(self, saved: SavedAddress) -> None:
        await self.conn.execute(
            a.insert().values(
                user_id=saved.user_id, id=saved.id, created_at=saved.created_at, **_values(saved)
            )
        )

    async def save_address(self, saved: SavedAddress) -> None:
        await self.conn.execute(
            update(a).where(a.c.user_id == saved.user_id, a.c.id == saved.id).values(**_values(saved))
        )

    async def clear_default_address(self, user_id: uuid.UUID) -> None:
        await self.conn.execute(
            update(a).where(a.c.user_id == user_id, a.c.is_default.is_(True)).values(is_default=False)
        )

    async def delete_address(self, user_id: uuid.UUID, address_id: uuid.UUID) -> None:
        await self.conn.execute(delete(a).where(a.c.user_id == user_id, a.c.id == address_id))

    async def promote_newest_address(self, user_id: uuid.UUID) -> None:
        newest = (
            select(a.c.id)
            .where(a.c.user_id == user_id)
            .order_by(a.c.created_at.desc(), a.c.id.desc())
            .limit(1)
        )
        await self.conn.execute(
            update(a)
            .where(a.c.user_id == user_id, a.c.id == newest.scalar_subquery())
            .values(is_default=True)
        )
