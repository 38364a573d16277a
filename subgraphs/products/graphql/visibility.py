"""Who may see a product row: ACTIVE ones for everyone, others for their seller and admins.

Used by by-id lookups and `resolve_reference`, so a hidden product is simply not found.
"""

from __future__ import annotations

from typing import Any

from subgraphs.platform.context import Context


def product_visible(ctx: Context, row: Any) -> bool:
    if row.status == "ACTIVE":
        return True
    principal = ctx.principal
    return principal is not None and (principal.is_admin or principal.user_id == row.seller_id)
