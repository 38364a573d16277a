"""Rebuild the search index from the products subgraph, then switch readers to it at once.

    python -m subgraphs.search.entrypoints.reindex [--products-url URL]

Needs the stack's environment (DATABASE_URL, REDIS_URL, and OPENSEARCH_URL unless
SEARCH_ENGINE=postgres) and a running products subgraph. Live indexing may go on meanwhile:
nothing it writes is lost (see service_layer/rebuild.py). Prints a progress bar on a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys

import httpx
from tqdm import tqdm

from subgraphs.platform.app import close_infrastructure, open_infrastructure
from subgraphs.platform.settings import Settings
from subgraphs.search.entrypoints.bootstrap import bootstrap, opensearch_client
from subgraphs.search.entrypoints.config import SearchConfig
from subgraphs.search.service_layer.rebuild import RebuildReport


async def reindex(
    settings: Settings, config: SearchConfig, *, show_progress: bool = True, only_if_incomplete: bool = False
) -> RebuildReport:
    """`only_if_incomplete`: leave an index that already holds every listed product alone."""
    infra = await open_infrastructure(settings)
    # Bulk requests of a whole page: more time than a search gets.
    client = opensearch_client(dataclasses.replace(config, timeout_seconds=max(config.timeout_seconds, 30.0)))
    http = httpx.AsyncClient(timeout=httpx.Timeout(30.0))
    try:
        services = bootstrap(infra, config, products_http=http, client=client)
        total = await services.rebuild.catalog.count_listed()
        if only_if_incomplete and await services.rebuild.index.count() == total:
            return RebuildReport(index=config.index_alias, products=0)
        with tqdm(
            total=total, unit="product", desc="reindexing", disable=not show_progress, mininterval=0.5
        ) as bar:

            def advance(done: int) -> None:
                bar.update(done)

            return await services.rebuild.run(advance)
    finally:
        await client.close()
        await http.aclose()
        await close_infrastructure(infra)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products-url", help="the products subgraph's GraphQL URL")
    args = parser.parse_args()
    environment = dict(os.environ)
    if args.products_url:
        environment["SEARCH_PRODUCTS_URL"] = args.products_url
    settings = Settings.from_env("search", env=environment)
    config = SearchConfig.from_env(environment)
    report = asyncio.run(reindex(settings, config, show_progress=sys.stderr.isatty()))
    print(f"reindexed {report.products} products into {report.index}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
