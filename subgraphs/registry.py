"""Every subgraph of the supergraph: its name, schema builder and default local port."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from subgraphs.accounts.graphql.schema import build_schema as build_accounts
from subgraphs.cart.graphql.schema import build_schema as build_cart
from subgraphs.platform.schema import SubgraphSchema
from subgraphs.platform.settings import Settings
from subgraphs.products.graphql.schema import build_schema as build_products


@dataclass(frozen=True)
class SubgraphEntry:
    name: str
    build_schema: Callable[[Settings], SubgraphSchema]
    port: int
    module: str  # the ASGI factory, for uvicorn


SUBGRAPHS = (
    SubgraphEntry("products", build_products, 4001, "subgraphs.products.entrypoints.asgi:create"),
    SubgraphEntry("accounts", build_accounts, 4002, "subgraphs.accounts.entrypoints.asgi:create"),
    # After products: the cart asks the products subgraph about variants.
    SubgraphEntry("cart", build_cart, 4003, "subgraphs.cart.entrypoints.asgi:create"),
)
