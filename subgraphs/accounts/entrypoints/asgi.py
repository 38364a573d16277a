"""The accounts subgraph ASGI app (`uvicorn --factory subgraphs.accounts.entrypoints.asgi:create`)."""

from __future__ import annotations

from starlette.applications import Starlette

from subgraphs.accounts.entrypoints.subgraph import ACCOUNTS
from subgraphs.platform.app import build_app
from subgraphs.platform.settings import Settings


def create(settings: Settings | None = None) -> Starlette:
    return build_app(ACCOUNTS, settings)
