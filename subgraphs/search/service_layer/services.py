"""Everything the search subgraph's resolvers and consumers reach, built by `bootstrap`."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.search.service_layer.behaviour import Behaviour
from subgraphs.search.service_layer.discovery_ports import DiscoveryReads
from subgraphs.search.service_layer.indexing import Indexer
from subgraphs.search.service_layer.log_batches import LogBatches
from subgraphs.search.service_layer.rebuild import Rebuild
from subgraphs.search.service_layer.recommending import Recommendations
from subgraphs.search.service_layer.rules_admin import RuleAdmin
from subgraphs.search.service_layer.searching import Searches
from subgraphs.search.service_layer.tracking import Tracking


@dataclass(frozen=True)
class SearchServices:
    searches: Searches
    indexer: Indexer
    rebuild: Rebuild
    recommendations: Recommendations
    behaviour: Behaviour
    tracking: Tracking
    rule_admin: RuleAdmin
    log_batches: LogBatches
    discovery_reads: DiscoveryReads
