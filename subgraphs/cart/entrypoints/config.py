"""The cart subgraph's own settings (the platform's are in `platform.settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from subgraphs.platform.kernel import env


@dataclass(frozen=True)
class CartConfig:
    # The products subgraph, asked about variants as the router would (`_entities`).
    products_url: str = "http://127.0.0.1:4001/graphql"

    @classmethod
    def from_env(cls, environment: Mapping[str, str]) -> CartConfig:
        return cls(products_url=env.text(environment, "CART_PRODUCTS_URL", cls.products_url))
