"""The products subgraph's typed request context: `info.context.services` is `ProductsServices`."""

from __future__ import annotations

import strawberry

from subgraphs.platform.graphql.context import Context
from subgraphs.products.domain.visibility import CatalogueView
from subgraphs.products.service_layer.services import ProductsServices

ProductsContext = Context[ProductsServices]
Info = strawberry.Info[ProductsContext, None]


def view_of(info: Info) -> CatalogueView:
    """Which products the caller may see (the domain's one visibility rule)."""
    return CatalogueView.of(info.context.principal)
