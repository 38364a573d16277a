"""Demo shipping rates (the per-seller rate table checkout charges), for `make dev` and the bench.

Idempotent: a rate already there is replaced by the same values.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.dialects.postgresql import insert

from subgraphs.orders.adapters.tables import MIGRATIONS, SCHEMA, shipping_rates
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.sql.migrations import migrate

# (flat charge, free from this lines total), in minor units, for the demo sellers in turn.
DEMO_RATES: tuple[tuple[int, int | None], ...] = ((499, 5000), (299, None), (0, None))


async def seed_shipping_rates(
    settings: Settings, seller_ids: Sequence[uuid.UUID], currency: str = "USD"
) -> int:
    engine = create_engine(settings)
    try:
        await migrate(engine, MIGRATIONS, SCHEMA)
        rows = [
            {"seller_id": seller, "currency": currency, "amount": amount, "free_over": free_over}
            for seller, (amount, free_over) in zip(seller_ids, DEMO_RATES, strict=False)
        ]
        if rows:
            statement = insert(shipping_rates).values(rows)
            async with engine.begin() as conn:
                await conn.execute(
                    statement.on_conflict_do_update(
                        index_elements=["seller_id", "currency"],
                        set_={"amount": statement.excluded.amount, "free_over": statement.excluded.free_over},
                    )
                )
        return len(rows)
    finally:
        await engine.dispose()
