"""Names under which the entrypoint puts long-lived services in the context (`ctx.services`)."""

from __future__ import annotations

CARTS = "carts"
WISHLISTS = "wishlists"
CART_CACHE = "cart_cache"
UOW = "cart_uow"
