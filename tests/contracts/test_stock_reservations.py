"""Stock reservations on the real PostgreSQL: the conditional take under concurrency, all lines
or none, and the expiry job (what no fake can show: row locks and re-checked conditions)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.contracts.orders import CheckoutLine, CheckoutStarted
from subgraphs.contracts.products import StockRejected, StockReserved
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim
from subgraphs.products.adapters import tables as t
from subgraphs.products.adapters.unit_of_work import reservation_unit_of_work
from subgraphs.products.service_layer.reservations import Reservations


async def a_stock_row(
    engine: AsyncEngine, on_hand: int, warehouse: str = "EU-1"
) -> tuple[uuid.UUID, uuid.UUID]:
    product_id, variant_id = new_id(), new_id()
    async with engine.begin() as conn:
        await conn.execute(
            insert(t.inventory).values(
                id=new_id(),
                product_id=product_id,
                variant_id=variant_id,
                warehouse=warehouse,
                on_hand=on_hand,
            )
        )
    return product_id, variant_id


async def levels(engine: AsyncEngine, variant_id: uuid.UUID) -> tuple[int, int]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                select(t.inventory.c.on_hand, t.inventory.c.reserved).where(
                    t.inventory.c.variant_id == variant_id
                )
            )
        ).one()
    return row.on_hand, row.reserved


def started(*lines: tuple[uuid.UUID, uuid.UUID, int], reserve_seconds: int = 900) -> CheckoutStarted:
    return CheckoutStarted(
        checkout_id=new_id(),
        buyer_id=new_id(),
        lines=[
            CheckoutLine(line_id=new_id(), variant_id=v, product_id=p, seller_id=new_id(), quantity=q)
            for p, v, q in lines
        ],
        reserve_seconds=reserve_seconds,
    )


def claim() -> Claim:
    return Claim("test-reservations", new_id())


async def test_fifty_checkouts_racing_for_the_last_unit_reserve_it_once(engine: AsyncEngine) -> None:
    product_id, variant_id = await a_stock_row(engine, on_hand=1)
    stock = Reservations(reservation_unit_of_work(engine), utcnow)
    results = await asyncio.gather(
        *(stock.reserve_checkout(started((product_id, variant_id, 1)), claim()) for _ in range(50))
    )
    assert results.count(True) == 1
    assert await levels(engine, variant_id) == (1, 1)


async def test_a_checkout_reserves_all_its_lines_or_none_and_says_which_were_short(
    engine: AsyncEngine,
) -> None:
    plenty = await a_stock_row(engine, on_hand=10)
    scarce = await a_stock_row(engine, on_hand=1)
    stock = Reservations(reservation_unit_of_work(engine), utcnow)
    event = started((*plenty, 4), (*scarce, 2))
    assert not await stock.reserve_checkout(event, claim())
    assert await levels(engine, plenty[1]) == (10, 0)  # the line that fit was not kept either
    assert await levels(engine, scarce[1]) == (1, 0)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(t.outbox.c.event_type, t.outbox.c.payload).where(
                    t.outbox.c.aggregate_id == event.checkout_id
                )
            )
        ).all()
    assert [r.event_type for r in rows] == [StockRejected.TYPE]
    [short] = Envelope.from_json(rows[0].payload).data["short"]
    assert (short["variantId"], short["requested"], short["available"]) == (str(scarce[1]), 2, 1)

    fits = started((*plenty, 4), (*scarce, 1))
    assert await stock.reserve_checkout(fits, claim())
    assert await levels(engine, plenty[1]) == (10, 4)
    assert await levels(engine, scarce[1]) == (1, 1)
    async with engine.connect() as conn:
        types = (
            (
                await conn.execute(
                    select(t.outbox.c.event_type).where(t.outbox.c.aggregate_id == fits.checkout_id)
                )
            )
            .scalars()
            .all()
        )
    assert list(types) == [StockReserved.TYPE]


async def test_selling_undoing_and_expiry_move_stock_once(engine: AsyncEngine) -> None:
    product_id, variant_id = await a_stock_row(engine, on_hand=5)
    stock = Reservations(reservation_unit_of_work(engine), utcnow)
    paid = started((product_id, variant_id, 2))
    assert await stock.reserve_checkout(paid, claim())
    seller = paid.lines[0].seller_id
    assert await stock.sell(paid.checkout_id, seller, claim()) == 1
    assert await stock.sell(paid.checkout_id, seller, claim()) == 0  # never twice
    assert await levels(engine, variant_id) == (3, 0)
    assert await stock.undo(paid.checkout_id, seller, claim()) == 1  # cancelled after payment: back on hand
    assert await levels(engine, variant_id) == (5, 0)

    abandoned = started((product_id, variant_id, 3), reserve_seconds=-1)
    assert await stock.reserve_checkout(abandoned, claim())
    assert await levels(engine, variant_id) == (5, 3)
    later = Reservations(reservation_unit_of_work(engine), lambda: utcnow() + timedelta(seconds=1))
    assert await later.expire_due() >= 1
    assert await levels(engine, variant_id) == (5, 0)
    assert (
        await stock.sell(abandoned.checkout_id, abandoned.lines[0].seller_id, claim()) == 0
    )  # expired: not sold


async def test_a_redelivered_saga_event_changes_nothing(engine: AsyncEngine) -> None:
    """A consumer killed after its effect committed but before its offset did: the event comes
    again with the same claim, and the claim recorded with the effect refuses it."""
    product_id, variant_id = await a_stock_row(engine, on_hand=4)
    stock = Reservations(reservation_unit_of_work(engine), utcnow)
    event, again = started((product_id, variant_id, 3)), claim()
    assert await stock.reserve_checkout(event, again)
    with pytest.raises(AlreadyProcessed):
        await stock.reserve_checkout(event, again)
    assert await levels(engine, variant_id) == (4, 3)
