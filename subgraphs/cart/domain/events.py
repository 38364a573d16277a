"""Cart and wishlist events (past tense) and their Kafka topics."""

from __future__ import annotations

from subgraphs.platform.events import Event

CART_TOPIC = "cart.cart.v1"
WISHLIST_TOPIC = "cart.wishlist.v1"

CART_CREATED = "cart.created"
CART_ITEM_ADDED = "cart.item_added"
CART_ITEM_UPDATED = "cart.item_updated"
CART_ITEM_REMOVED = "cart.item_removed"
CART_MERGED = "cart.merged"
WISHLIST_CREATED = "wishlist.created"
WISHLIST_DELETED = "wishlist.deleted"
WISHLIST_ITEM_ADDED = "wishlist.item_added"
WISHLIST_ITEM_REMOVED = "wishlist.item_removed"


def topic_for(event: Event) -> str:
    return WISHLIST_TOPIC if event.type.startswith("wishlist.") else CART_TOPIC
