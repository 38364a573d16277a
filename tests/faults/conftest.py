"""The supergraph (subgraph processes and the router) on the `faults` profile's servers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from deploy.local.supergraph import Ports, Running, running_supergraph
from tests.faults.harness import FaultStack

# Below the ephemeral port range, like the faults profile's servers (deploy/local/profiles.py).
FAULT_PORTS = Ports(router=31000, subgraph_offset=27000)
# The fault router's settings (a test that restarts the router starts it with these again).
ROUTER_ENV = {"ROUTER_RATE_LIMIT": "0", "ROUTER_PUBLIC_CACHE_TTL_MS": "3000"}


@pytest.fixture(scope="package")
async def fault_stack() -> AsyncIterator[FaultStack]:
    stack = FaultStack()
    try:
        await stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="package")
def fault_env(fault_stack: FaultStack, jwks_file: Path, accounts_env: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        **accounts_env,
        **fault_stack.env(),
        "JWT_JWKS_FILE": str(jwks_file),
        "LOG_LEVEL": "WARNING",
        # A checkout left mid-payment by a killed orders process is resumed within seconds.
        "ORDERS_SAGA_STALLED_AFTER_SECONDS": "3",
    }


@pytest.fixture(scope="package")
def fault_supergraph(fault_env: dict[str, str], fault_stack: FaultStack) -> Iterator[Running]:
    with running_supergraph(
        fault_env, fault_stack.profile.logs_dir, FAULT_PORTS, router_env=ROUTER_ENV
    ) as running:
        yield running


@pytest.fixture(scope="package")
async def fault_router(fault_supergraph: Running) -> AsyncIterator[httpx.AsyncClient]:
    base = fault_supergraph.router_url.removesuffix("/graphql")
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        yield client
