"""The REST shim for `make bench`: each REST route against the same persisted operation sent
to the router directly, so the ratio is the shim's own overhead (the goal: at most 15 %).

- Product list (`GET /api/products/?page_size=20` vs `RestProductsList {first: 20}`),
  anonymous: both answered from the router's public cache.
- Product detail over 2,000 ids (`GET /api/products/{id}/` vs `RestProductsIdGet`), anonymous.
- A buyer's orders (`GET /api/orders/` vs `RestOrdersList`), 64 buyers with orders, each with
  their own token: executed every time.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field

import asyncpg

from bench.measure import LoadResult, load
from deploy.local.profiles import repo_root
from deploy.local.supergraph import Running
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.settings import Settings

MANIFEST = repo_root() / "schema" / "trusted-documents.json"


@dataclass
class RestFigures:
    pairs: list[tuple[LoadResult, LoadResult]] = field(default_factory=list)


def _ids() -> dict[str, str]:
    return {op["name"]: op["id"] for op in json.loads(MANIFEST.read_text())["operations"]}


async def _buyers(settings: Settings, n: int) -> list[str]:
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        rows = await conn.fetch("SELECT DISTINCT buyer_id FROM orders.orders LIMIT $1", n)
    finally:
        await conn.close()
    return [str(r["buyer_id"]) for r in rows]


def measure_rest(
    sg: Running,
    settings: Settings,
    signer: TestSigner,
    product_ids: list[str],
    seconds: int,
    connections: int,
) -> RestFigures:
    ids, figures = _ids(), RestFigures()
    rest, routed = sg.urls["rest"].removesuffix("/api/"), sg.router_url

    def persisted(
        name: str, variables: dict[str, object], headers: dict[str, str] | None = None
    ) -> dict[str, object]:
        body: dict[str, object] = {"documentId": f"sha256:{ids[name]}", "variables": variables}
        return body | ({"$headers": headers} if headers else {})

    def get(path: str, headers: dict[str, str] | None = None) -> dict[str, object]:
        return {"$method": "GET", "$path": path} | ({"$headers": headers} if headers else {})

    buyers = asyncio.run(_buyers(settings, 64))
    tokens = [
        {"authorization": f"Bearer {signer.token(uuid.UUID(b), roles=['buyer'], ttl=3600)}"} for b in buyers
    ]
    scenarios = [
        (
            "product list (20)",
            [get("/api/products/?page_size=20")],
            [persisted("RestProductsList", {"first": 20})],
        ),
        (
            "product detail (2,000 ids)",
            [get(f"/api/products/{i}/") for i in product_ids],
            [persisted("RestProductsIdGet", {"id": i}) for i in product_ids],
        ),
        (
            f"a buyer's orders ({len(buyers)} buyers, executed)",
            [get("/api/orders/", t) for t in tokens],
            [persisted("RestOrdersList", {"first": 20}, t) for t in tokens],
        ),
    ]
    graphql_headers = {"graphql-preflight": "1"}
    for name, rest_bodies, graphql_bodies in scenarios:
        # Both paths warm (the router's JIT too) before either is measured; GraphQL first, so
        # the REST run does not pay for a colder router.
        load("warm-up", routed, graphql_bodies, seconds=4, connections=8, headers=graphql_headers)
        load("warm-up", rest, rest_bodies, seconds=4, connections=8)
        via_graphql = load(
            f"{name} — GraphQL, same operation",
            routed,
            graphql_bodies,
            seconds=seconds,
            connections=connections,
            headers=graphql_headers,
        )
        via_rest = load(f"{name} — REST shim", rest, rest_bodies, seconds=seconds, connections=connections)
        figures.pairs.append((via_rest, via_graphql))
    return figures


def render_rest(figures: RestFigures) -> str:
    lines = [
        "",
        "## REST shim vs GraphQL (the same persisted operation; goal: overhead ≤ 15 %)",
        "",
        "| scenario | rps | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
    ]
    for rest, graphql in figures.pairs:
        lines += [rest.row(), graphql.row()]
    lines.append("")
    for rest, graphql in figures.pairs:
        overhead = (graphql.rps / rest.rps - 1) * 100 if rest.rps else float("inf")
        lines.append(
            f"- {rest.name.split(' — ')[0]}: REST at {rest.rps / graphql.rps:.2f}x GraphQL's rps ({overhead:+.0f} % cost)"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    """`python -m bench.rest` inside the bench stack: this section alone."""
    from bench.orders import measure_orders
    from bench.run import one_section

    with one_section() as (sg, settings, signer, product_ids):
        if not asyncio.run(_buyers(settings, 64)):  # a fresh stack: orders first
            measure_orders(sg, settings, signer, 5, 8)
        figures = measure_rest(sg, settings, signer, product_ids, 10, 32)
    print(render_rest(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
