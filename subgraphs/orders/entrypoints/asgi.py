"""The orders subgraph ASGI app (`uvicorn --factory subgraphs.orders.entrypoints.asgi:create`)."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.orders.entrypoints.subgraph import ORDERS
from subgraphs.platform.app import build_app
from subgraphs.platform.settings import Settings


def create(settings: Settings | None = None) -> Starlette:
    return build_app(ORDERS, settings)
