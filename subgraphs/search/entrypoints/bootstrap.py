"""The search subgraph's composition root: its use cases, wired once per process.

resolvers and consumers    receive the `SearchServices` built here
a new read                 a method on Searches (service_layer/searching.py) and the index port
a new consumer             entrypoints/consumers.py, calling the Indexer
"""

from __future__ import annotations

import httpx
from opensearchpy import AsyncOpenSearch

from subgraphs.platform.subgraph import Infrastructure
from subgraphs.search.adapters.opensearch_index import OpenSearchIndex
from subgraphs.search.adapters.products_catalog import ProductsCatalog
from subgraphs.search.adapters.query_cache import RedisQueryCache
from subgraphs.search.adapters.unit_of_work import search_unit_of_work
from subgraphs.search.entrypoints.config import SearchConfig
from subgraphs.search.service_layer.indexing import Indexer
from subgraphs.search.service_layer.rebuild import Rebuild
from subgraphs.search.service_layer.searching import Searches
from subgraphs.search.service_layer.services import SearchServices


def opensearch_client(config: SearchConfig) -> AsyncOpenSearch:
    return AsyncOpenSearch(
        hosts=[config.opensearch_url],
        timeout=config.timeout_seconds,
        # Our own retries happen a level up (a consumer retries its event, a reader retries
        # the request): a hidden retry here only doubles the wait during an outage.
        max_retries=0,
        retry_on_timeout=False,
    )


def bootstrap(
    infra: Infrastructure,
    config: SearchConfig,
    *,
    products_http: httpx.AsyncClient | None = None,
    client: AsyncOpenSearch | None = None,
) -> SearchServices:
    http = products_http or httpx.AsyncClient(
        timeout=httpx.Timeout(10.0), limits=httpx.Limits(max_keepalive_connections=10)
    )
    catalog = ProductsCatalog(http, config.products_url)
    index = OpenSearchIndex(client or opensearch_client(config), alias=config.index_alias)
    cache = RedisQueryCache(infra.redis, prefix=f"search:{config.index_alias}")
    indexer = Indexer(uow=search_unit_of_work(infra.engine), catalog=catalog, index=index, cache=cache)
    return SearchServices(
        searches=Searches(index=index, cache=cache),
        indexer=indexer,
        rebuild=Rebuild(indexer=indexer, catalog=catalog, index=index),
    )
