"""Each owner's active cart (with its lines) cached in Redis, as the spec asks ("per-user").

An entry carries the owner's generation; every committed change (and every product event
touching the cart) bumps the generation, so a reader that loaded the cart from PostgreSQL
just before a change can never store a stale entry over it: its generation is already old.
The generation key outlives every entry (its TTL is refreshed on each write and is longer),
so an expired generation cannot restart at a number an old entry still carries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import orjson
from redis.asyncio import Redis

from subgraphs.cart.domain.cart import Cart
from subgraphs.cart.domain.model import CartLine, CartStatus, OwnerKind
from subgraphs.platform.cache.soft import soft

ENTRY_TTL_SECONDS = 600
GENERATION_TTL_SECONDS = 2 * ENTRY_TTL_SECONDS


def _gen_key(owner_id: uuid.UUID) -> str:
    return f"cart:gen:{owner_id}"


def _entry_key(owner_id: uuid.UUID) -> str:
    return f"cart:view:v1:{owner_id}"


def _dump(cart: Cart) -> dict[str, Any]:
    return {
        "id": str(cart.id),
        "owner": str(cart.owner_id),
        "kind": cart.owner_kind.value,
        "status": cart.status.value,
        "version": cart.version,
        "currency": cart.currency,
        "created": cart.created_at.isoformat() if cart.created_at else None,
        "updated": cart.updated_at.isoformat() if cart.updated_at else None,
        "lines": [
            [
                str(x.id),
                str(x.variant_id),
                str(x.product_id),
                str(x.seller_id),
                x.quantity,
                x.unit_price,
                x.price_at_add,
                x.currency,
                x.available,
                x.unavailable,
                x.added_at.isoformat() if x.added_at else None,
                x.updated_at.isoformat() if x.updated_at else None,
            ]
            for x in cart.lines
        ],
    }


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _load(data: dict[str, Any]) -> Cart:
    return Cart(
        id=uuid.UUID(data["id"]),
        owner_id=uuid.UUID(data["owner"]),
        owner_kind=OwnerKind(data["kind"]),
        status=CartStatus(data["status"]),
        version=data["version"],
        currency=data["currency"],
        created_at=_time(data["created"]),
        updated_at=_time(data["updated"]),
        lines=[
            CartLine(
                id=uuid.UUID(x[0]),
                variant_id=uuid.UUID(x[1]),
                product_id=uuid.UUID(x[2]),
                seller_id=uuid.UUID(x[3]),
                quantity=x[4],
                unit_price=x[5],
                price_at_add=x[6],
                currency=x[7],
                available=x[8],
                unavailable=x[9],
                added_at=_time(x[10]),
                updated_at=_time(x[11]),
            )
            for x in data["lines"]
        ],
    )


class CartCache:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def get(self, owner_id: uuid.UUID) -> tuple[Cart | None, bytes]:
        """(cached cart or None, the generation to pass back to `put`)."""
        read = await soft(self._redis.mget(_gen_key(owner_id), _entry_key(owner_id)), None)
        if read is None:
            return None, b""  # the cache is down: read PostgreSQL, store nothing
        generation, entry = cast(list[bytes | None], read)
        current = generation or b"0"
        if entry is None:
            return None, current
        stored, _, payload = entry.partition(b"|")
        return (_load(orjson.loads(payload)) if stored == current else None), current

    async def put(self, cart: Cart, generation: bytes) -> None:
        if not generation:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.set(
                _entry_key(cart.owner_id), generation + b"|" + orjson.dumps(_dump(cart)), ex=ENTRY_TTL_SECONDS
            )
            pipe.expire(_gen_key(cart.owner_id), GENERATION_TTL_SECONDS)
            await soft(pipe.execute(), None)

    async def drop(self, owner_ids: Iterable[uuid.UUID]) -> None:
        """Strict: raises when Redis is away (a write is refused rather than left behind a stale view)."""
        owners = list(owner_ids)
        if not owners:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for owner in owners:
                pipe.incr(_gen_key(owner))
                pipe.expire(_gen_key(owner), GENERATION_TTL_SECONDS)
                pipe.delete(_entry_key(owner))
            await pipe.execute()
