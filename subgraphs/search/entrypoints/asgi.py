"""The search subgraph ASGI app (`uvicorn --factory subgraphs.search.entrypoints.asgi:create`)."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.platform.app import build_app
from subgraphs.platform.settings import Settings
from subgraphs.search.entrypoints.subgraph import SEARCH


def create(settings: Settings | None = None) -> Starlette:
    return build_app(SEARCH, settings)
