"""The products subgraph ASGI app (`uvicorn --factory subgraphs.products.entrypoints.asgi:create`)."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.platform.app import build_app
from subgraphs.platform.settings import Settings
from subgraphs.products.entrypoints.subgraph import PRODUCTS


def create(settings: Settings | None = None) -> Starlette:
    return build_app(PRODUCTS, settings)
