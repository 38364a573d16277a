"""The orders subgraph's typed request context: `info.context.services` is `OrdersServices`."""

from __future__ import annotations

import strawberry

from subgraphs.orders.service_layer.services import OrdersServices
from subgraphs.platform.graphql.context import Context

OrdersContext = Context[OrdersServices]
Info = strawberry.Info[OrdersContext, None]
