"""The cart subgraph's typed request context: `info.context.services` is `CartServices`."""

from __future__ import annotations

import strawberry

from subgraphs.cart.service_layer.services import CartServices
from subgraphs.platform.graphql.context import Context

CartContext = Context[CartServices]
Info = strawberry.Info[CartContext, None]
