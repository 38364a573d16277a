"""The search subgraph's own settings (the platform's are in `platform.settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from subgraphs.platform.kernel import env

ENGINES = ("opensearch", "postgres")


@dataclass(frozen=True)
class SearchConfig:
    # Where the index lives: OpenSearch, or PostgreSQL full-text search where OpenSearch cannot
    # run (`make dev` switches when the node does not start).
    engine: str = "opensearch"
    opensearch_url: str = "http://127.0.0.1:29200"
    # The readers' alias (a rebuild's new index is `<alias>-building` until it takes over).
    index_alias: str = "products"
    # The products subgraph, asked about products as the router would (`_entities`).
    products_url: str = "http://127.0.0.1:4001/graphql"
    # A search the engine has not answered by then is SEARCH_UNAVAILABLE.
    timeout_seconds: float = 5.0
    # First pages cached in Valkey (off only to measure the engine itself).
    query_cache: bool = True

    @classmethod
    def from_env(cls, environment: Mapping[str, str]) -> SearchConfig:
        engine = env.text(environment, "SEARCH_ENGINE", cls.engine).strip().lower()
        if engine not in ENGINES:
            raise ValueError(f"SEARCH_ENGINE must be one of {', '.join(ENGINES)}, not {engine!r}")
        return cls(
            engine=engine,
            opensearch_url=env.text(environment, "OPENSEARCH_URL", cls.opensearch_url),
            index_alias=env.text(environment, "SEARCH_INDEX_ALIAS", cls.index_alias),
            products_url=env.text(environment, "SEARCH_PRODUCTS_URL", cls.products_url),
            query_cache=env.flag(environment, "SEARCH_QUERY_CACHE", cls.query_cache),
            timeout_seconds=env.integer(environment, "SEARCH_TIMEOUT_MS", int(cls.timeout_seconds * 1000))
            / 1000,
        )
