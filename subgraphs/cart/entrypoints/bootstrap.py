"""The cart subgraph's composition root: its use cases and read models, wired once per process.

resolvers and consumers    receive the `CartServices` built here
a new use case             a method on Carts/Wishlists (service_layer/), or a new class: a field
                           in CartServices and a line here
a new read                 CartReads, or the WishlistReads port and adapters/wishlist_reads.py
"""

from __future__ import annotations

import httpx

from subgraphs.cart.adapters.cart_cache import CartCache
from subgraphs.cart.adapters.products_catalog import ProductsCatalog
from subgraphs.cart.adapters.unit_of_work import cart_unit_of_work
from subgraphs.cart.adapters.wishlist_reads import SqlWishlistReads
from subgraphs.cart.entrypoints.config import CartConfig
from subgraphs.cart.service_layer.carts import Carts
from subgraphs.cart.service_layer.reads import CartReads
from subgraphs.cart.service_layer.services import CartServices
from subgraphs.cart.service_layer.wishlists import Wishlists
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.subgraph import Infrastructure
from subgraphs.platform.web.peer_client import peer_client


def bootstrap(
    infra: Infrastructure, config: CartConfig, *, products_http: httpx.AsyncClient | None = None
) -> CartServices:
    """`products_http` lets tests route the catalogue calls to an in-process products subgraph."""
    # One pooled client for the process; its sessions close with the app (close_infrastructure).
    catalog = ProductsCatalog(peer_client(products_http), config.products_url)
    views = CartCache(infra.redis)
    uow = cart_unit_of_work(infra.engine, views)
    carts = Carts(uow=uow, catalog=catalog, views=views, clock=utcnow)
    return CartServices(
        carts=carts,
        wishlists=Wishlists(uow=uow, catalog=catalog, clock=utcnow),
        cart_reads=CartReads(uow=uow, views=views, carts=carts),
        wishlist_reads=SqlWishlistReads(infra.engine),
    )
