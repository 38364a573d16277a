"""The search subgraph's composition root: its use cases, wired once per process.

resolvers and consumers    receive the `SearchServices` built here
a new read                 a method on Searches / Recommendations and the port it needs
a new consumer             entrypoints/consumers.py, calling the Indexer or Behaviour
"""

from __future__ import annotations

import dataclasses

import httpx
from opensearchpy import AsyncOpenSearch

from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.subgraph import Infrastructure
from subgraphs.platform.web.peer_client import peer_client
from subgraphs.search.adapters.discovery_reads import SqlDiscoveryReads
from subgraphs.search.adapters.opensearch_index import OpenSearchIndex
from subgraphs.search.adapters.postgres_index import PostgresIndex
from subgraphs.search.adapters.products_catalog import ProductsCatalog
from subgraphs.search.adapters.query_cache import NoQueryCache, RedisQueryCache
from subgraphs.search.adapters.recommendation_cache import RedisRecommendationCache
from subgraphs.search.adapters.rule_book import CachedRuleBook
from subgraphs.search.adapters.unit_of_work import search_unit_of_work
from subgraphs.search.entrypoints.config import SearchConfig
from subgraphs.search.service_layer.behaviour import Behaviour
from subgraphs.search.service_layer.indexing import Indexer
from subgraphs.search.service_layer.log_batches import LogBatches
from subgraphs.search.service_layer.ports import QueryCache
from subgraphs.search.service_layer.rebuild import Rebuild
from subgraphs.search.service_layer.recommending import Recommendations
from subgraphs.search.service_layer.rules_admin import RuleAdmin
from subgraphs.search.service_layer.searching import Searches
from subgraphs.search.service_layer.services import SearchServices
from subgraphs.search.service_layer.tracking import Tracking


def opensearch_client(config: SearchConfig) -> AsyncOpenSearch:
    return AsyncOpenSearch(
        hosts=[config.opensearch_url],
        timeout=config.timeout_seconds,
        # Our own retries happen a level up (a consumer retries its event, a reader retries
        # the request): a hidden retry here only doubles the wait during an outage.
        max_retries=0,
        retry_on_timeout=False,
    )


def product_index(
    infra: Infrastructure, config: SearchConfig, client: AsyncOpenSearch | None = None
) -> OpenSearchIndex | PostgresIndex:
    if config.engine == "postgres":
        # Its own small pool: the indexer writes a document while its unit of work holds a
        # connection of the main pool (and the ledger row lock); sharing one pool, 15 writers
        # waiting on that lock would starve the one holding it.
        own = dataclasses.replace(
            infra.settings,
            db_pool_size=4,
            db_max_overflow=4,
            service_name=f"{infra.settings.service_name}-index",
        )
        return PostgresIndex(create_engine(own), alias=config.index_alias)
    return OpenSearchIndex(client or opensearch_client(config), alias=config.index_alias)


def bootstrap(
    infra: Infrastructure,
    config: SearchConfig,
    *,
    products_http: httpx.AsyncClient | None = None,
    client: AsyncOpenSearch | None = None,
) -> SearchServices:
    prefix = f"search:{config.index_alias}"
    catalog = ProductsCatalog(peer_client(products_http, timeout_seconds=10.0), config.products_url)
    index = product_index(infra, config, client)
    cache: QueryCache = RedisQueryCache(infra.redis, prefix=prefix) if config.query_cache else NoQueryCache()
    uow = search_unit_of_work(infra.engine)
    reads = SqlDiscoveryReads(infra.engine)
    book = CachedRuleBook(reads, infra.redis, prefix=prefix)
    lists = RedisRecommendationCache(infra.redis, prefix=prefix)
    indexer = Indexer(uow=uow, catalog=catalog, index=index, cache=cache)
    recommendations = Recommendations(reads=reads, similar=index, cache=lists, rules=book, clock=utcnow)
    return SearchServices(
        searches=Searches(index=index, cache=cache, rules=book, clock=utcnow),
        indexer=indexer,
        rebuild=Rebuild(indexer=indexer, catalog=catalog, index=index),
        recommendations=recommendations,
        behaviour=Behaviour(uow=uow, cache=lists, recommendations=recommendations),
        tracking=Tracking(uow=uow, clock=utcnow),
        rule_admin=RuleAdmin(uow=uow, book=book, search_cache=cache, clock=utcnow),
        log_batches=LogBatches(uow=uow),
        discovery_reads=reads,
    )
