"""Everything the search subgraph's resolvers and consumers reach, built by `bootstrap`."""

from __future__ import annotations

from dataclasses import dataclass

from subgraphs.search.service_layer.indexing import Indexer
from subgraphs.search.service_layer.rebuild import Rebuild
from subgraphs.search.service_layer.searching import Searches


@dataclass(frozen=True)
class SearchServices:
    searches: Searches
    indexer: Indexer
    rebuild: Rebuild
