"""The search subgraph as the platform builds it: schema, storage, services, consumers."""

from __future__ import annotations

from subgraphs.platform.subgraph import Subgraph
from subgraphs.search.adapters import tables
from subgraphs.search.entrypoints.bootstrap import bootstrap
from subgraphs.search.entrypoints.config import SearchConfig
from subgraphs.search.entrypoints.consumers import CONSUMERS
from subgraphs.search.graphql.schema import build_schema
from subgraphs.search.service_layer.services import SearchServices

SEARCH: Subgraph[SearchServices, SearchConfig] = Subgraph(
    name="search",
    port=4005,
    schema=build_schema,
    storage=tables.STORAGE,
    config=SearchConfig.from_env,
    bootstrap=bootstrap,
    consumers=CONSUMERS,
)
