"""The cart subgraph as the platform builds it: schema, storage, services, consumers, retention."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.cart.adapters import tables
from subgraphs.cart.entrypoints.bootstrap import bootstrap
from subgraphs.cart.entrypoints.config import CartConfig
from subgraphs.cart.entrypoints.consumers import CONSUMERS
from subgraphs.cart.graphql.schema import build_schema
from subgraphs.cart.service_layer.services import CartServices
from subgraphs.platform.sql.retention import older_than
from subgraphs.platform.subgraph import RetentionJob, Subgraph

# A client retries within minutes; a day covers any offline queue without growing forever.
IDEMPOTENCY_KEYS_KEPT = timedelta(hours=24)

CART: Subgraph[CartServices, CartConfig] = Subgraph(
    name="cart",
    port=4003,
    schema=build_schema,
    storage=tables.STORAGE,
    config=CartConfig.from_env,
    bootstrap=bootstrap,
    consumers=CONSUMERS,
    retention=(
        RetentionJob(
            tables.cart_requests, older_than(tables.cart_requests.c.created_at, IDEMPOTENCY_KEYS_KEPT)
        ),
    ),
)
