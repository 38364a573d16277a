"""The products subgraph ASGI app (`uvicorn --factory subgraphs.products.entrypoints.asgi:create`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from subgraphs.platform.app import Resources, SubgraphSpec, create_app
from subgraphs.platform.logs import configure_logging
from subgraphs.platform.response_cache import CachePolicy, ResponseCache
from subgraphs.platform.settings import Settings
from subgraphs.products.adapters.tables import SCHEMA
from subgraphs.products.entrypoints.workers import catalog_cache, workers
from subgraphs.products.graphql.schema import build_schema

MIGRATIONS = Path(__file__).resolve().parents[1] / "adapters" / "migrations"
# Fields whose values must be real time: an operation selecting any of them is never cached.
REAL_TIME_FIELDS = ("stock", "inventory", "inventoryItem")


def spec(settings: Settings) -> SubgraphSpec:
    def wrap(app: Any, resources: Resources) -> Any:
        if not settings.response_cache:
            return app
        return ResponseCache(app, catalog_cache(resources), CachePolicy(REAL_TIME_FIELDS))

    return SubgraphSpec(
        name="products",
        schema=build_schema(settings),
        db_schema=SCHEMA,
        migrations=MIGRATIONS,
        workers=workers,
        wrap_graphql=wrap,
    )


def create(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env("products")
    configure_logging("products", settings.log_level)
    return create_app(spec(settings), settings)
