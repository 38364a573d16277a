"""The real processes: uvicorn subgraphs and Hive Gateway, on the test ports.

Package-scoped: they stop when the e2e tests end, so their Kafka consumers do not race the
in-process subgraphs of the later test packages (which run with consumers off).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from deploy.local.profiles import get_profile
from deploy.local.supergraph import Ports, Running, running_supergraph
from tests.conftest import GraphQLClient

TEST_PORTS = Ports(router=14000, subgraph_offset=10000)


@pytest.fixture(scope="package")
def supergraph(jwks_file: Path, accounts_env: dict[str, str]) -> Iterator[Running]:
    env = {**os.environ, **accounts_env, "JWT_JWKS_FILE": str(jwks_file), "LOG_LEVEL": "WARNING"}
    with running_supergraph(env, get_profile("test").logs_dir, TEST_PORTS) as running:
        yield running


@pytest.fixture(scope="package")
async def router_http(supergraph: Running) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=supergraph.router_url.removesuffix("/graphql"), timeout=30
    ) as client:
        yield client


@pytest.fixture(scope="package")
def router(router_http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(router_http)
