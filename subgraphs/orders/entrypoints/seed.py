"""Demo shipping rates (the per-seller rate table checkout charges) and commission rates (what the
platform keeps of each sale), for `make dev` and the bench.

Idempotent: a rate already there is replaced by the same values.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.dialects.postgresql import insert

from subgraphs.orders.adapters.tables import MIGRATIONS, SCHEMA, commission_rates, shipping_rates
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.sql.migrations import migrate

# (flat charge, free from this lines total), in minor units, for the demo sellers in turn.
DEMO_RATES: tuple[tuple[int, int | None], ...] = ((499, 5000), (299, None), (0, None))
# Commission in basis points for the demo sellers in turn (others pay the default rate).
DEMO_COMMISSIONS: tuple[int, ...] = (1200, 800, 1500)


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
                rates = insert(commission_rates).values(
                    [
                        {"seller_id": s, "rate_bp": r}
                        for s, r in zip(seller_ids, DEMO_COMMISSIONS, strict=False)
                    ]
                )
                await conn.execute(
                    rates.on_conflict_do_update(
                        index_elements=["seller_id"], set_={"rate_bp": rates.excluded.rate_bp}
                    )
                )
        return len(rows)
    finally:
        await engine.dispose()
