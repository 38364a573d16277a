"""The products subgraph as the platform builds it: schema, storage, services, consumers, cache."""

from __future__ import annotations

from starlette.types import ASGIApp

from subgraphs.platform.subgraph import Infrastructure, Subgraph
from subgraphs.platform.web.response_cache import CachePolicy, ResponseCache
from subgraphs.products.adapters import tables
from subgraphs.products.adapters.catalog_cache import catalog_cache
from subgraphs.products.domain.visibility import CatalogueView
from subgraphs.products.entrypoints.bootstrap import bootstrap
from subgraphs.products.entrypoints.config import ProductsConfig
from subgraphs.products.entrypoints.consumers import CONSUMERS
from subgraphs.products.entrypoints.live_feed import feed_subscribers
from subgraphs.products.entrypoints.reservation_expiry import expire_reservations
from subgraphs.products.graphql.schema import build_schema
from subgraphs.products.service_layer.services import ProductsServices

# Fields whose values must be real time: an operation selecting any of them is never cached.
REAL_TIME_FIELDS = ("stock", "inventory", "inventoryItem")


def cached_for_the_public(app: ASGIApp, infra: Infrastructure, _services: ProductsServices) -> ASGIApp:
    """Anonymous callers, and signed-in ones who see exactly the public catalogue, share answers."""
    if not infra.settings.response_cache:
        return app
    policy = CachePolicy(REAL_TIME_FIELDS, sees_public_view=lambda p: CatalogueView.of(p).is_public)
    cache = catalog_cache(infra.redis, infra.settings.response_cache_ttl_seconds)
    return ResponseCache(app, cache, policy, infra.verifier, infra.activity)


PRODUCTS: Subgraph[ProductsServices, ProductsConfig] = Subgraph(
    name="products",
    port=4001,
    schema=build_schema,
    storage=tables.STORAGE,
    config=ProductsConfig.from_env,
    bootstrap=bootstrap,
    consumers=CONSUMERS,
    workers=(expire_reservations, feed_subscribers),
    wrap_graphql=cached_for_the_public,
)
