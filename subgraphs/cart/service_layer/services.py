"""Everything the cart subgraph offers its resolvers and consumers, built by `entrypoints/bootstrap.py`.

a new use case    a method on `Carts` or `Wishlists` (or a new class, added here and in bootstrap)
a new read        a method on `CartReads`, or on the `WishlistReads` port and its SQL adapter
"""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.cart.service_layer.carts import Carts
from subgraphs.cart.service_layer.reads import CartReads, WishlistReads
from subgraphs.cart.service_layer.wishlists import Wishlists


@dataclass(frozen=True)
class CartServices:
    carts: Carts
    wishlists: Wishlists
    cart_reads: CartReads
    wishlist_reads: WishlistReads
