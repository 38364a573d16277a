"""Cart and wishlist events, published by the cart subgraph (for recommendations and analytics).

    cart.cart.v1      cart.item_added | cart.item_updated | cart.item_removed | cart.merged   key: cart id
    cart.wishlist.v1  wishlist.created | wishlist.deleted | wishlist.item_added | wishlist.item_removed
                                                                                   key: wishlist id

`ownerId` is the user id for signed-in carts, or an id derived from a guest's cart token.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from subgraphs.platform.kernel.messages import EventContract, Topic

CART_TOPIC = Topic("cart.cart.v1", "Cart changes, keyed by cart id.")
WISHLIST_TOPIC = Topic("cart.wishlist.v1", "Wishlist changes, keyed by wishlist id.")


@dataclass(frozen=True, kw_only=True)
class CartEvent(EventContract, topic=CART_TOPIC, aggregate="cart", key="cart_id"):
    cart_id: uuid.UUID
    owner_id: uuid.UUID
    owner_kind: str  # USER | GUEST
    version: int


@dataclass(frozen=True, kw_only=True)
class CartLineEvent(CartEvent):
    line_id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID
    seller_id: uuid.UUID
    quantity: int
    unit_price: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class CartItemAdded(CartLineEvent, event_type="cart.item_added"):
    pass


@dataclass(frozen=True, kw_only=True)
class CartItemUpdated(CartLineEvent, event_type="cart.item_updated"):
    pass


@dataclass(frozen=True, kw_only=True)
class CartItemRemoved(CartLineEvent, event_type="cart.item_removed"):
    pass


@dataclass(frozen=True, kw_only=True)
class MergeAdjustment:
    """A guest line that did not come over whole: how many were asked for and kept, and why."""

    variant_id: uuid.UUID
    requested: int
    kept: int
    reason: str  # LINE_LIMIT | STOCK | CART_FULL | CURRENCY | UNAVAILABLE


@dataclass(frozen=True, kw_only=True)
class CartMerged(CartEvent, event_type="cart.merged"):
    from_cart_id: uuid.UUID
    from_owner_id: uuid.UUID
    merged_lines: int
    adjustments: list[MergeAdjustment] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class CartCheckedOut(CartEvent, event_type="cart.checked_out"):
    """The buyer's checkout of this cart completed: it is closed (or, if it changed since, the
    bought lines left it)."""

    checkout_id: uuid.UUID
    closed: bool


@dataclass(frozen=True, kw_only=True)
class WishlistEvent(EventContract, topic=WISHLIST_TOPIC, aggregate="wishlist", key="wishlist_id"):
    wishlist_id: uuid.UUID
    owner_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class WishlistCreated(WishlistEvent, event_type="wishlist.created"):
    name: str


@dataclass(frozen=True, kw_only=True)
class WishlistDeleted(WishlistEvent, event_type="wishlist.deleted"):
    pass


@dataclass(frozen=True, kw_only=True)
class WishlistItemEvent(WishlistEvent):
    item_id: uuid.UUID
    product_id: uuid.UUID
    seller_id: uuid.UUID
    variant_id: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class WishlistItemAdded(WishlistItemEvent, event_type="wishlist.item_added"):
    pass


@dataclass(frozen=True, kw_only=True)
class WishlistItemRemoved(WishlistItemEvent, event_type="wishlist.item_removed"):
    pass
