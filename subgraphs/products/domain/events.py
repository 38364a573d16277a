"""Catalogue events (past tense) and the Kafka topic each goes to."""

from __future__ import annotations

from subgraphs.platform.events import Event

PRODUCT_TOPIC = "products.product.v1"
INVENTORY_TOPIC = "products.inventory.v1"
CATALOG_TOPIC = "products.catalog.v1"

PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
PRODUCT_DELETED = "product.deleted"
INVENTORY_CHANGED = "inventory.changed"
CATALOG_CHANGED = "catalog.changed"


def topic_for(event: Event) -> str:
    if event.type == INVENTORY_CHANGED:
        return INVENTORY_TOPIC
    if event.type.startswith("product."):
        return PRODUCT_TOPIC
    return CATALOG_TOPIC
