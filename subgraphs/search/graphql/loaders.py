"""The search subgraph's DataLoaders."""

from __future__ import annotations

import uuid

from subgraphs.platform.graphql.dataloaders import ContextLoader
from subgraphs.search.graphql.context import SearchContext
from subgraphs.search.service_layer.discovery_ports import RuleStats


class RuleStatsLoader(ContextLoader[SearchContext, uuid.UUID, RuleStats]):
    """Every listed rule's shown/clicked counts in one query."""

    async def fetch_many(self, keys: list[uuid.UUID]) -> list[RuleStats]:
        found = await self.ctx.services.discovery_reads.rule_stats(keys)
        return [found.get(k, RuleStats()) for k in keys]
