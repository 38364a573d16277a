"""Rebuild the search index from the products subgraph, then switch readers to it at once.

    python -m subgraphs.search.entrypoints.reindex [--products-url URL]

Needs the stack's environment (DATABASE_URL, REDIS_URL, OPENSEARCH_URL) and a running
products subgraph. Live indexing may go on meanwhile: nothing it writes is lost (see
service_layer/rebuild.py). Prints a progress bar on a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

import httpx
from tqdm import tqdm

from subgraphs.platform.app import close_infrastructure, open_infrastructure
from subgraphs.platform.settings import Settings
from subgraphs.search.entrypoints.bootstrap import bootstrap, opensearch_client
from subgraphs.search.entrypoints.config import SearchConfig
from subgraphs.search.service_layer.rebuild import RebuildReport


async def reindex(settings: Settings, config: SearchConfig, *, show_progress: bool = True) -> RebuildReport:
    infra = await open_infrastructure(settings)
    client = opensearch_client(config)
    http = httpx.AsyncClient(timeout=httpx.Timeout(30.0))
    try:
        services = bootstrap(infra, config, products_http=http, client=client)
        total = await services.rebuild.catalog.count_listed()
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
