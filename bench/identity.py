"""Identity figures for `make bench`: login and refresh rps, and what authentication costs.

Login is dominated by argon2id by design; refresh is a token rotation (two writes); the
per-request cost of an access token is its ES256 verification plus one Redis MGET against
the revocation list, measured in-process and as an rps ratio through the router.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.measure import LoadResult, load
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.auth.jwt import JwtVerifier
from subgraphs.platform.auth.revocations import RedisRevocations
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.settings import Settings

PASSWORD = "bench passphrase 2026"
LOGIN = """mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken userErrors { code } } }"""
REFRESH = "mutation($t: String) { refreshToken(refreshToken: $t) { refreshToken userErrors { code } } }"
# Selects real-time stock, so it is never served from the response cache: both runs execute.
STOCK = "{ products(first: 20) { nodes { id title variants { sku stock { available } } } } }"


@dataclass
class IdentityFigures:
    results: list[LoadResult] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


async def _register(router: str, email: str) -> None:
    doc = "mutation($i: RegisterInput!) { register(input: $i) { userErrors { code } } }"
    async with httpx.AsyncClient(timeout=30) as client:
        await client.post(
            router,
            json={
                "query": doc,
                "variables": {"i": {"email": email, "password": PASSWORD, "displayName": "Bench"}},
            },
        )


async def _refresh_chains(router: str, email: str, chains: int, seconds: float) -> tuple[float, float]:
    """(rps, median ms) of refresh rotations; each chain spends the token it just got."""
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=chains)) as client:
        tokens = []
        for i in range(chains):
            variables = {
                "input": {
                    "email": email,
                    "password": PASSWORD,
                    "device": {"id": f"bench-{i}"},
                    "refreshTokenDelivery": "BODY",
                }
            }
            body = (await client.post(router, json={"query": LOGIN, "variables": variables})).json()
            tokens.append(body["data"]["login"]["refreshToken"])
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds

        async def chain(token: str) -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                body = (await client.post(router, json={"query": REFRESH, "variables": {"t": token}})).json()
                latencies.append((time.perf_counter() - started) * 1000)
                result = body["data"]["refreshToken"]
                if result["userErrors"]:
                    raise RuntimeError(f"refresh failed: {result['userErrors']}")
                token = result["refreshToken"]

        began = time.perf_counter()
        await asyncio.gather(*(chain(t) for t in tokens))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return len(latencies) / elapsed, latencies[len(latencies) // 2]


async def _verify_cost(
    settings: Settings, signer: TestSigner, rounds: int = 1000
) -> tuple[float, float, float]:
    """µs per access-token check: a token seen for the first time (ES256 signature), the
    revocation MGET on its own, and the steady state (cached signature, cached clean answer)."""
    from redis.asyncio import Redis

    redis = Redis.from_url(settings.redis_url)
    try:
        revocations = RedisRevocations(redis)
        verifier = JwtVerifier(settings, None)
        await verifier.load()
        fresh = [signer.token(roles=["buyer"], did=str(new_id())) for _ in range(rounds)]
        started = time.perf_counter()
        for token in fresh:
            await verifier.verify(token)
        first_time = (time.perf_counter() - started) / rounds * 1e6
        principal = await verifier.verify(fresh[0])
        started = time.perf_counter()
        for _ in range(rounds):
            await revocations._lookup(principal)
        mget = (time.perf_counter() - started) / rounds * 1e6
        steady_verifier = JwtVerifier(settings, revocations)
        await steady_verifier.load()
        started = time.perf_counter()
        for _ in range(rounds):
            await steady_verifier.verify(fresh[0])
        steady = (time.perf_counter() - started) / rounds * 1e6
    finally:
        await redis.aclose()
    return first_time, mget, steady


def measure_identity(
    router: str, settings: Settings, signer: TestSigner, seconds: int, connections: int
) -> IdentityFigures:
    figures = IdentityFigures()
    email = f"bench-{new_id().hex[-10:]}@example.com"
    asyncio.run(_register(router, email))
    login_body: dict[str, Any] = {
        "query": LOGIN,
        "variables": {
            "input": {
                "email": email,
                "password": PASSWORD,
                "device": {"id": "bench-login"},
                "refreshTokenDelivery": "BODY",
            }
        },
    }
    figures.results.append(load("login — via router", router, [login_body], seconds=seconds, connections=8))
    buyer = {"authorization": f"Bearer {signer.token(roles=['buyer'], ttl=3600, did=str(new_id()))}"}
    anon = load(
        "stock listing — via router, anonymous",
        router,
        [{"query": STOCK}],
        seconds=seconds,
        connections=connections,
    )
    authed = load(
        "stock listing — via router, with token",
        router,
        [{"query": STOCK}],
        seconds=seconds,
        connections=connections,
        headers=buyer,
    )
    figures.results += [anon, authed]
    refresh_rps, refresh_ms = asyncio.run(_refresh_chains(router, email, chains=8, seconds=float(seconds)))
    first_us, mget_us, steady_us = asyncio.run(_verify_cost(settings, signer))
    figures.lines += [
        f"- refresh (rotation) via router: {refresh_rps:,.0f} rps, median {refresh_ms:.1f} ms (8 concurrent chains)",
        f"- access-token check in-process: first sight (ES256 verify) {first_us:.0f} µs; revocation MGET "
        f"{mget_us:.0f} µs; steady state per request (cached signature, clean answer reused ≤ 0.5 s) {steady_us:.1f} µs",
        f"- authenticated ÷ anonymous rps, same executed query via router: {authed.rps / anon.rps:.2f} (target ≥ 0.9)",
    ]
    return figures
