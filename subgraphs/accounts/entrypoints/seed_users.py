"""Demo accounts for `make dev` (dev data only): an admin, sellers that own demo products, buyers.

admin@example.com, seller1@example.com…, buyer1@example.com… — password `demo-password`
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.accounts.adapters import tables as t
from subgraphs.accounts.adapters.passwords import Argon2Hasher
from subgraphs.platform.kernel.ids import new_id

DEMO_PASSWORD = "demo-password"  # published dev-only credentials
ADMIN_ID = uuid.UUID("019b0000-0000-7000-8000-00000000ad01")


async def seed_demo_users(engine: AsyncEngine, seller_ids: Sequence[uuid.UUID], buyers: int = 3) -> list[str]:
    """Creates the accounts that are missing; returns the emails (idempotent)."""
    password_hash = await Argon2Hasher().hash(DEMO_PASSWORD)
    people: list[tuple[uuid.UUID, str, str, list[str], str]] = [
        (ADMIN_ID, "admin@example.com", "Demo Admin", ["admin"], "NONE")
    ]
    people += [
        (seller_id, f"seller{i}@example.com", f"Demo Seller {i}", ["buyer", "seller"], "APPROVED")
        for i, seller_id in enumerate(seller_ids, start=1)
    ]
    people += [
        (new_id(), f"buyer{i}@example.com", f"Demo Buyer {i}", ["buyer"], "NONE")
        for i in range(1, buyers + 1)
    ]
    async with engine.begin() as conn:
        for user_id, email, name, roles, kyc in people:
            claimed = await conn.scalar(
                insert(t.user_emails)
                .values(email=email, user_id=user_id)
                .on_conflict_do_nothing()
                .returning(t.user_emails.c.user_id)
            )
            if claimed is None:
                continue
            await conn.execute(
                insert(t.users).values(
                    id=user_id, email=email, password_hash=password_hash, display_name=name, kyc_status=kyc
                )
            )
            await conn.execute(insert(t.user_roles), [{"user_id": user_id, "role": r} for r in roles])
    return [email for _, email, *_ in people]
