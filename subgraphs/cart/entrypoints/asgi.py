"""The cart subgraph ASGI app (`uvicorn --factory subgraphs.cart.entrypoints.asgi:create`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from subgraphs.cart.adapters import tables
from subgraphs.cart.adapters.cart_cache import CartCache
from subgraphs.cart.adapters.products_catalog import ProductsCatalog
from subgraphs.cart.adapters.unit_of_work import CartUnitOfWork
from subgraphs.cart.entrypoints.workers import CATALOG, workers
from subgraphs.cart.graphql.schema import build_schema
from subgraphs.cart.graphql.wiring import CART_CACHE, CARTS, UOW, WISHLISTS
from subgraphs.cart.service_layer.carts import Carts
from subgraphs.cart.service_layer.wishlists import Wishlists
from subgraphs.platform.app import Resources, SubgraphSpec, create_app
from subgraphs.platform.clock import utcnow
from subgraphs.platform.logs import configure_logging
from subgraphs.platform.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[1] / "adapters" / "migrations"
DEFAULT_PRODUCTS_URL = "http://127.0.0.1:4001/graphql"


def services(resources: Resources) -> dict[str, Any]:
    url = resources.settings.extra.get("PRODUCTS_URL", DEFAULT_PRODUCTS_URL)
    # One pooled client for the process; lives as long as the app (closed with the event loop).
    client = httpx.AsyncClient(timeout=httpx.Timeout(5.0), limits=httpx.Limits(max_keepalive_connections=20))
    catalog = ProductsCatalog(client, url)
    cache = CartCache(resources.redis)
    carts = Carts(catalog=catalog, clock=utcnow)
    return {
        CATALOG: catalog,
        CART_CACHE: cache,
        CARTS: carts,
        WISHLISTS: Wishlists(carts=carts, clock=utcnow),
        UOW: lambda: CartUnitOfWork(resources.engine, cache),
    }


def spec(settings: Settings) -> SubgraphSpec:
    return SubgraphSpec(
        name="cart",
        schema=build_schema(settings),
        db_schema=tables.SCHEMA,
        migrations=MIGRATIONS,
        workers=workers,
        services=services,
    )


def create(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env("cart")
    configure_logging("cart", settings.log_level)
    return create_app(spec(settings), settings)
