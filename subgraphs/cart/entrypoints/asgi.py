"""The cart subgraph ASGI app (`uvicorn --factory subgraphs.cart.entrypoints.asgi:create`)."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.cart.entrypoints.subgraph import CART
from subgraphs.platform.app import build_app
from subgraphs.platform.settings import Settings


def create(settings: Settings | None = None) -> Starlette:
    return build_app(CART, settings)
