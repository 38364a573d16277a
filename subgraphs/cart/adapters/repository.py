"""The cart repository on one PostgreSQL transaction (SQLAlchemy Core); every statement names the owner."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.cart.adapters import tables as t
from subgraphs.cart.domain.cart import Cart, LinesChange
from subgraphs.cart.domain.model import CartLine, CartStatus, Owner, OwnerKind, Wishlist, WishlistItem
from subgraphs.cart.service_layer.ports import StoredRequest
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.sql.rows import row_to


def line_from_row(row: Any) -> CartLine:
    return row_to(CartLine, row)


def cart_from_row(row: Any, lines: list[CartLine]) -> Cart:
    return row_to(Cart, row, owner_kind=OwnerKind(row.owner_kind), status=CartStatus(row.status), lines=lines)


_LINE_FIELDS = tuple(f.name for f in dataclasses.fields(CartLine))
_LINE_COLUMNS = tuple(t.cart_items.c[name].label(f"line_{name}") for name in _LINE_FIELDS)


def _line_from_joined(row: Any) -> CartLine:
    mapping = row._mapping
    return CartLine(**{name: mapping[f"line_{name}"] for name in _LINE_FIELDS})


def _line_values(line: CartLine) -> dict[str, Any]:
    return {
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "available": line.available,
        "unavailable": line.unavailable,
        "updated_at": line.updated_at,
    }


class SqlCartRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def active_cart(self, owner: Owner, *, create: bool, lock: bool) -> Cart | None:
        c = t.carts
        where = (c.c.owner_id == owner.id, c.c.status == CartStatus.ACTIVE.value)
        cart = await self._cart_with_lines(*where, lock=lock)
        if cart is None and create:
            # The partial unique index makes concurrent first uses agree on one cart.
            await self.conn.execute(
                insert(c)
                .values(owner_id=owner.id, id=new_id(), owner_kind=owner.kind.value)
                .on_conflict_do_nothing(index_elements=["owner_id"], index_where=text("status = 'ACTIVE'"))
            )
            cart = await self._cart_with_lines(*where, lock=lock)
        return cart

    async def cart_by_id(self, owner_id: uuid.UUID, cart_id: uuid.UUID) -> Cart | None:
        c = t.carts
        return await self._cart_with_lines(c.c.owner_id == owner_id, c.c.id == cart_id, lock=False)

    async def _cart_with_lines(self, *where: Any, lock: bool) -> Cart | None:
        """The cart and its lines in one statement, so one snapshot.

        Two statements could tear under READ COMMITTED: a re-pricing committed between them
        would show the new prices under the old version, and a checkout confirming that version
        would charge prices the buyer never saw.
        """
        c, i = t.carts, t.cart_items
        query = (
            select(c, *_LINE_COLUMNS)
            .select_from(c.outerjoin(i, and_(i.c.owner_id == c.c.owner_id, i.c.cart_id == c.c.id)))
            .where(*where)
            .order_by(i.c.id)
        )
        if lock:
            query = query.with_for_update(of=c)
        rows = (await self.conn.execute(query)).all()
        if not rows:
            return None
        lines = [_line_from_joined(r) for r in rows if r.line_id is not None]
        return cart_from_row(rows[0], lines)

    async def save(
        self, cart: Cart, change: LinesChange | None = None, merged_into: uuid.UUID | None = None
    ) -> None:
        if change is not None:
            for line in change.added:
                await self._add_line(cart, line)
            for line in change.changed:
                await self._save_line(cart.owner_id, line)
            if change.removed:
                i = t.cart_items
                await self.conn.execute(
                    delete(i).where(i.c.owner_id == cart.owner_id, i.c.id.in_([x.id for x in change.removed]))
                )
        c = t.carts
        values: dict[str, Any] = {
            "status": cart.status.value,
            "version": cart.version,
            "currency": cart.currency,
            "updated_at": cart.updated_at,
        }
        if merged_into is not None:
            values["merged_into"] = merged_into
        await self.conn.execute(
            update(c).where(c.c.owner_id == cart.owner_id, c.c.id == cart.id).values(**values)
        )

    async def _add_line(self, cart: Cart, line: CartLine) -> None:
        await self.conn.execute(
            insert(t.cart_items).values(
                owner_id=cart.owner_id,
                id=line.id,
                cart_id=cart.id,
                variant_id=line.variant_id,
                product_id=line.product_id,
                seller_id=line.seller_id,
                price_at_add=line.price_at_add,
                currency=line.currency,
                added_at=line.added_at,
                **_line_values(line),
            )
        )

    async def _save_line(self, owner_id: uuid.UUID, line: CartLine) -> None:
        i = t.cart_items
        await self.conn.execute(
            update(i).where(i.c.owner_id == owner_id, i.c.id == line.id).values(**_line_values(line))
        )

    async def lines_in_active_carts(
        self, *, product_id: uuid.UUID | None = None, variant_id: uuid.UUID | None = None
    ) -> list[tuple[uuid.UUID, CartLine]]:
        i, c = t.cart_items, t.carts
        condition = i.c.variant_id == variant_id if variant_id is not None else i.c.product_id == product_id
        # On Citus this is the one cross-shard read: asynchronous, off the request path.
        rows = await self.conn.execute(
            select(i)
            .join(c, and_(c.c.owner_id == i.c.owner_id, c.c.id == i.c.cart_id))
            .where(condition, c.c.status == CartStatus.ACTIVE.value)
        )
        return [(r.owner_id, line_from_row(r)) for r in rows]

    async def refresh_lines(self, lines: Sequence[tuple[uuid.UUID, CartLine]]) -> None:
        if not lines:
            return
        i = t.cart_items
        await self.conn.execute(
            update(i)
            .where(i.c.owner_id == bindparam("o"), i.c.id == bindparam("l"))
            .values(
                unit_price=bindparam("price"),
                available=bindparam("available"),
                unavailable=bindparam("unavailable"),
            ),
            [
                {
                    "o": owner,
                    "l": x.id,
                    "price": x.unit_price,
                    "available": x.available,
                    "unavailable": x.unavailable,
                }
                # One lock order for every writer: concurrent consumers cannot deadlock.
                for owner, x in sorted(lines, key=lambda ol: (ol[0], ol[1].id))
            ],
        )

    async def bump_versions(self, owner_ids: Iterable[uuid.UUID]) -> None:
        owners = sorted(set(owner_ids))  # one lock order: two consumers never deadlock
        if owners:
            c = t.carts
            await self.conn.execute(
                update(c)
                .where(c.c.owner_id.in_(owners), c.c.status == CartStatus.ACTIVE.value)
                .values(version=c.c.version + 1, updated_at=func.now())
            )

    async def stored_request(self, owner_id: uuid.UUID, key: str) -> StoredRequest | None:
        r = t.cart_requests
        row = (await self.conn.execute(select(r).where(r.c.owner_id == owner_id, r.c.key == key))).first()
        return StoredRequest(row.request_hash, row.cart_id, row.line_id) if row else None

    async def store_request(self, owner_id: uuid.UUID, key: str, request: StoredRequest) -> None:
        await self.conn.execute(
            insert(t.cart_requests).values(
                owner_id=owner_id,
                key=key,
                request_hash=request.request_hash,
                cart_id=request.cart_id,
                line_id=request.line_id,
            )
        )

    async def wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID | None) -> Wishlist | None:
        """A wishlist by id, or (None) the owner's default one."""
        w = t.wishlists
        query = select(w).where(w.c.owner_id == owner_id)
        query = query.where(w.c.id == wishlist_id) if wishlist_id else query.where(w.c.is_default)
        row = (await self.conn.execute(query)).first()
        return wishlist_from_row(row) if row else None

    async def wishlist_count(self, owner_id: uuid.UUID) -> int:
        w = t.wishlists
        return int(
            (await self.conn.execute(select(func.count()).where(w.c.owner_id == owner_id))).scalar_one()
        )

    async def add_wishlist(self, wishlist: Wishlist) -> bool:
        """False when the name (or a second default) is taken; else fills in its timestamps."""
        result = await self.conn.execute(
            insert(t.wishlists)
            .values(
                owner_id=wishlist.owner_id, id=wishlist.id, name=wishlist.name, is_default=wishlist.is_default
            )
            .on_conflict_do_nothing()
            .returning(t.wishlists.c.created_at)
        )
        row = result.first()
        if row is None:
            return False
        wishlist.created_at = wishlist.updated_at = row.created_at
        return True

    async def delete_wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID) -> None:
        w, i = t.wishlists, t.wishlist_items
        await self.conn.execute(delete(i).where(i.c.owner_id == owner_id, i.c.wishlist_id == wishlist_id))
        await self.conn.execute(delete(w).where(w.c.owner_id == owner_id, w.c.id == wishlist_id))

    async def add_wishlist_item(self, item: WishlistItem) -> WishlistItem:
        """Adds the item, or returns the one already there (adding twice is harmless)."""
        i = t.wishlist_items
        inserted = (
            await self.conn.execute(
                insert(i)
                .values(
                    owner_id=item.owner_id,
                    id=item.id,
                    wishlist_id=item.wishlist_id,
                    product_id=item.product_id,
                    variant_id=item.variant_id,
                    seller_id=item.seller_id,
                )
                .on_conflict_do_nothing()
                .returning(i)
            )
        ).first()
        if inserted is not None:
            return wishlist_item_from_row(inserted)
        existing = (
            await self.conn.execute(
                select(i).where(
                    i.c.owner_id == item.owner_id,
                    i.c.wishlist_id == item.wishlist_id,
                    i.c.product_id == item.product_id,
                    i.c.variant_id.is_not_distinct_from(item.variant_id),
                )
            )
        ).one()
        found = wishlist_item_from_row(existing)
        found.added_at = None  # marks "already there" for the caller (no event)
        return found

    async def wishlist_items(self, owner_id: uuid.UUID, item_ids: Sequence[uuid.UUID]) -> list[WishlistItem]:
        i = t.wishlist_items
        rows = await self.conn.execute(select(i).where(i.c.owner_id == owner_id, i.c.id.in_(list(item_ids))))
        return [wishlist_item_from_row(r) for r in rows]

    async def delete_wishlist_items(self, owner_id: uuid.UUID, item_ids: Sequence[uuid.UUID]) -> None:
        i = t.wishlist_items
        await self.conn.execute(delete(i).where(i.c.owner_id == owner_id, i.c.id.in_(list(item_ids))))


def wishlist_from_row(row: Any) -> Wishlist:
    return row_to(Wishlist, row)


def wishlist_item_from_row(row: Any) -> WishlistItem:
    return row_to(WishlistItem, row)
