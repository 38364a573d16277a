"""The products subgraph ASGI app (`uvicorn --factory subgraphs.products.entrypoints.asgi:create`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from subgraphs.platform.app import Resources, SubgraphSpec, create_app
from subgraphs.platform.identity import Principal
from subgraphs.platform.logs import configure_logging
from subgraphs.platform.response_cache import CachePolicy, ResponseCache
from subgraphs.platform.settings import Settings
from subgraphs.products.adapters.tables import SCHEMA
from subgraphs.products.entrypoints.workers import catalog_cache, workers
from subgraphs.products.graphql.schema import build_schema

MIGRATIONS = Path(__file__).resolve().parents[1] / "adapters" / "migrations"
# Fields whose values must be real time: an operation selecting any of them is never cached.
REAL_TIME_FIELDS = ("stock", "inventory", "inventoryItem")


def sees_public_catalogue(principal: Principal) -> bool:
    """Only sellers (their own unlisted products) and admins see more than anonymous visitors."""
    return not (principal.is_admin or principal.is_seller)


def spec(settings: Settings) -> SubgraphSpec:
    def wrap(app: Any, resources: Resources) -> Any:
        if not settings.response_cache:
            return app
        policy = CachePolicy(REAL_TIME_FIELDS, sees_public_view=sees_public_catalogue)
        return ResponseCache(app, catalog_cache(resources), policy, resources.verifier, resources.activity)

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
