"""Who may see a product row: ACTIVE ones for everyone, others for their seller and admins.

Used by by-id lookups and `resolve_reference`, so a hidden product is simply not found.
Seeing one's own unlisted products needs the seller role, so a caller without it sees exactly
what anonymous visitors see (which lets the response cache serve them).
"""

from __future__ import annotations

from typing import Any

from subgraphs.platform.authz import same_seller
from subgraphs.platform.context import Context


def product_visible(ctx: Context, row: Any) -> bool:
    if row.status == "ACTIVE":
        return True
    return same_seller(ctx.principal, row.seller_id)
