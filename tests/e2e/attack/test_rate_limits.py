"""Rate limits through a router in front of the real subgraphs, with a small bucket.

The shared e2e router keeps production-sized buckets; this one is started for the test with
5 points restored at 1 per second, so a caller runs dry in a few requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.local.profiles import get_profile
from deploy.local.supergraph import Running, start_router, stop, subgraph_urls
from subgraphs.accounts.entrypoints.dev_signer import TestSigner

LIMITED_PORT = 14090
QUERY = "{ me { id } }"  # one object: estimated and actually 1 point


@pytest.fixture(scope="module")
def limited_router(supergraph: Running, jwks_file: Path) -> Iterator[str]:
    import os

    extra = Running()
    env = {**os.environ, "JWT_JWKS_FILE": str(jwks_file)}
    url = start_router(
        extra,
        env,
        get_profile("test").logs_dir,
        LIMITED_PORT,
        {
            **subgraph_urls(supergraph),
            "ROUTER_MAX_COST": "5",
            "ROUTER_RATE_LIMIT_SIGNED_IN": "5/1",
            "ROUTER_RATE_LIMIT_ANONYMOUS": "5/1",
            "ROUTER_PUBLIC_CACHE": "0",
        },
        name="router-rate-limited",
    )
    try:
        yield url
    finally:
        stop(extra)


async def drain(url: str, headers: dict[str, str]) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=10) as http:
        return [await http.post(url, json={"query": QUERY}, headers=headers) for _ in range(12)]


async def test_a_signed_in_caller_runs_dry_then_gets_429_with_retry_after(
    limited_router: str, signer: TestSigner
) -> None:
    responses = await drain(limited_router, {"authorization": f"Bearer {signer.token()}"})
    statuses = [r.status_code for r in responses]
    assert statuses[0] == 200, statuses
    assert 429 in statuses, statuses
    refused = responses[statuses.index(429)]
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["retry-after"]) >= 1
    throttle = responses[0].json()["extensions"]["cost"]["throttleStatus"]
    assert throttle["maximumAvailable"] == 5
    assert throttle["restoreRate"] == 1


async def test_each_signed_in_user_has_a_bucket_of_their_own(limited_router: str, signer: TestSigner) -> None:
    await drain(limited_router, {"authorization": f"Bearer {signer.token()}"})
    fresh = await drain(limited_router, {"authorization": f"Bearer {signer.token()}"})
    assert fresh[0].status_code == 200


async def test_forged_tokens_do_not_buy_fresh_buckets(limited_router: str) -> None:
    # Garbage tokens are counted against the caller's address, like anonymous calls.
    statuses = []
    async with httpx.AsyncClient(timeout=10) as http:
        for i in range(30):
            response = await http.post(
                limited_router, json={"query": QUERY}, headers={"authorization": f"Bearer forged.{i}.token"}
            )
            statuses.append(response.status_code)
    assert 429 in statuses, statuses
