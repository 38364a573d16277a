"""The search subgraph's typed request context: `info.context.services` is `SearchServices`."""

from __future__ import annotations

import strawberry

from subgraphs.platform.graphql.context import Context
from subgraphs.search.service_layer.services import SearchServices

SearchContext = Context[SearchServices]
Info = strawberry.Info[SearchContext, None]
