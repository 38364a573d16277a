"""The search subgraph as the platform builds it: schema, storage, services, consumers, retention."""

from __future__ import annotations

from datetime import timedelta

from subgraphs.platform.sql.retention import older_than
from subgraphs.platform.subgraph import RetentionJob, Subgraph
from subgraphs.search.adapters import tables
from subgraphs.search.entrypoints.bootstrap import bootstrap
from subgraphs.search.entrypoints.config import SearchConfig
from subgraphs.search.entrypoints.consumers import BATCH_CONSUMERS
from subgraphs.search.graphql.schema import build_schema
from subgraphs.search.service_layer.services import SearchServices

# Trending reads the last day; a week of hours is plenty for any later look.
ACTIVITY_KEPT = timedelta(days=7)
# A checkout's orders are all paid within minutes.
BASKETS_KEPT = timedelta(days=2)
LOG_KEPT = timedelta(days=90)

SEARCH: Subgraph[SearchServices, SearchConfig] = Subgraph(
    name="search",
    port=4005,
    schema=build_schema,
    storage=tables.STORAGE,
    config=SearchConfig.from_env,
    bootstrap=bootstrap,
    batch_consumers=BATCH_CONSUMERS,
    retention=(
        RetentionJob(tables.product_activity, older_than(tables.product_activity.c.bucket, ACTIVITY_KEPT)),
        RetentionJob(tables.paid_baskets, older_than(tables.paid_baskets.c.at, BASKETS_KEPT)),
        RetentionJob(tables.recommendation_logs, older_than(tables.recommendation_logs.c.at, LOG_KEPT)),
    ),
)
