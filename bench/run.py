"""`make bench`: the catalogue benchmark on ≥ 100,000 products; prints and saves a report.

Runs inside the bench stack (`deploy.local.stack run --profile bench`), whose database keeps
the seeded catalogue between runs. Every load run is autocannon with keep-alive on loopback;
the router runs with in-flight de-duplication off. On a 2-core machine the load generator,
router and subgraph share the CPUs, so compare ratios from the same run, not absolute rps.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import platform
import random
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg

from bench import scenarios
from bench.cart import CartFigures, measure_cart
from bench.edge import EdgeFigures, measure_edge
from bench.identity import IdentityFigures, measure_identity
from bench.live import LiveFigures, measure_live
from bench.measure import (
    ROUTER_DIR,
    LoadResult,
    bench_environment,
    load,
    profile_execution,
    rss_mib,
    sequential_latency,
    statements_per_operation,
)
from bench.orders import OrdersFigures, measure_orders
from bench.private import measure_private, render_private
from bench.rest import measure_rest, render_rest
from bench.search import SearchFigures, measure_search
from deploy.local.profiles import get_profile, repo_root
from deploy.local.supergraph import Ports, Running, running_supergraph
from subgraphs.accounts.adapters.passwords import Argon2Hasher
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.accounts.entrypoints.revocation_keeper import restore_once
from subgraphs.platform.kernel.paging import encode_cursor
from subgraphs.platform.settings import Settings
from subgraphs.products.adapters.listing import product_order
from subgraphs.products.entrypoints.seed import prepare_catalogue
from subgraphs.products.service_layer.read_models import ProductSortField

SIZE = int(os.environ.get("BENCH_SIZE", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PORTS = Ports(router=24000, subgraph_offset=20000)
LIST_DIRECT = "(a) listing 20 — direct, cached"
LIST_ROUTER = "(a) listing 20 — via router, cached"
LIST_SHOPPER = "(a) listing 20 — via router, signed-in shopper (shares the cache)"
LIST_DIRECT_EXEC = "(a) listing 20 — direct, executed"
LIST_ROUTER_EXEC = "(a) listing 20 — via router, executed"
FIRST_PAGE = "(c) first page — direct, executed"
DEEP_PAGE = "(c) deep page — direct, executed"


async def prepare(settings: Settings) -> tuple[list[str], str]:
    await prepare_catalogue(settings, SIZE)
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        ids = [
            str(r["id"])
            for r in await conn.fetch(
                "SELECT id FROM products.products WHERE status = 'ACTIVE' ORDER BY id LIMIT 20000"
            )
        ]
        # The cursor 40 rows before the end of the PRICE order: the deepest useful page.
        deep = await conn.fetchrow(
            "SELECT min_price, id FROM products.products WHERE status = 'ACTIVE' "
            "ORDER BY min_price DESC, id DESC OFFSET 40 LIMIT 1"
        )
    finally:
        await conn.close()
    order = product_order(ProductSortField.PRICE, None)
    random.Random(7).shuffle(ids)
    return ids[:2000], encode_cursor(order.cursor, [deep["min_price"], deep["id"]])


@contextlib.contextmanager
def one_section() -> Iterator[tuple[Running, Settings, TestSigner, list[str]]]:
    """For a section run alone (`python -m bench.<section>`): the bench stack seeded as `make
    bench` seeds it and the supergraph in front; the running services, settings, the token
    signer and 2,000 product ids."""
    profile = get_profile("bench")
    signer = TestSigner()
    env = bench_environment(signer, profile.data_dir)
    settings = Settings.from_env("products", env=env)
    asyncio.run(restore_once(Settings.from_env("accounts", env=env)))
    product_ids, _ = asyncio.run(prepare(settings))
    router_env = {"ROUTER_DEDUPE": "0", "ROUTER_RATE_LIMIT": "0"}
    with running_supergraph(env, profile.logs_dir, PORTS, workers=WORKERS, router_env=router_env) as sg:
        yield sg, settings, signer, product_ids


def ceiling() -> LoadResult:
    out = subprocess.run(
        ["node", "bench/run.mjs", "--json", "--duration", str(SECONDS), "--connections", str(CONNECTIONS)],
        cwd=ROUTER_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    router = json.loads(out.stdout[out.stdout.index("{") :])["router"]
    latency = router["latencyMs"]
    errors = router["non2xx"] + router["errors"] + router["timeouts"]
    return LoadResult(
        "router → trivial subgraph (ceiling)", router["rps"], latency["p50"], latency["p99"], errors
    )


def main() -> int:
    profile = get_profile("bench")
    signer = TestSigner()
    env = bench_environment(signer, profile.data_dir)
    settings = Settings.from_env("products", env=env)
    started = time.monotonic()
    # The in-process measurements verify tokens before the accounts subgraph (and its keeper of
    # the revocation markers) runs: rebuild the markers once, as accounts does when it starts.
    asyncio.run(restore_once(Settings.from_env("accounts", env=env)))
    product_ids, deep_cursor = asyncio.run(prepare(settings))
    # Sellers and admins bypass the response cache (signed-in shoppers share it), so a seller's
    # token makes a run execute every request; the listing has no seller filter, so a seller
    # sees exactly the public catalogue and the work is the same as a shopper's.
    executes = {"authorization": f"Bearer {signer.token(roles=['seller'], ttl=3600)}"}
    shopper = {"authorization": f"Bearer {signer.token(roles=['buyer'], ttl=3600)}"}

    first_page = scenarios.storefront(20)
    deep_page = scenarios.storefront(20, deep_cursor)
    by_id = [scenarios.product_by_id(i) for i in product_ids]
    quiet = dataclasses.replace(settings, run_outbox_relay=False, run_consumers=False)
    statements = asyncio.run(
        statements_per_operation(
            quiet,
            {"listing (20, nested)": first_page, "product by id": by_id[0], "deep page": deep_page},
            executes,
        )
    )
    exec_ms, profile_text = asyncio.run(profile_execution(quiet, first_page, executes))
    alone = asyncio.run(
        sequential_latency(quiet, {"first page": first_page, "deep page": deep_page}, executes)
    )

    results: list[LoadResult] = []
    rss: dict[str, float] = {}
    with running_supergraph(
        env,
        profile.logs_dir,
        PORTS,
        workers=WORKERS,
        # Limits and cost estimation on (as in production); rate limits off: every request of a
        # load run comes from one address. The edge section measures the limiter on its own.
        router_env={"ROUTER_DEDUPE": "0", "ROUTER_RATE_LIMIT": "0"},
    ) as sg:
        direct, routed = sg.urls["products"], sg.router_url

        def run(
            name: str, url: str, bodies: list[dict[str, Any]], headers: dict[str, str] | None = None
        ) -> None:
            results.append(load(name, url, bodies, seconds=SECONDS, connections=CONNECTIONS, headers=headers))

        load("warm-up", direct, by_id, seconds=3, connections=8)
        load("warm-up", routed, [first_page], seconds=2, connections=8)
        run(LIST_DIRECT, direct, [first_page])
        run(LIST_ROUTER, routed, [first_page])
        run(LIST_SHOPPER, routed, [first_page], shopper)
        run(LIST_DIRECT_EXEC, direct, [first_page], executes)
        run(LIST_ROUTER_EXEC, routed, [first_page], executes)
        run("(b) product by id — direct, 2,000 ids", direct, by_id)
        run("(b) product by id — via router, 2,000 ids", routed, by_id)
        # Latency of one page, not of a queue: few connections so requests rarely wait.
        results.append(
            load(FIRST_PAGE, direct, [first_page], seconds=SECONDS, connections=4, headers=executes)
        )
        results.append(load(DEEP_PAGE, direct, [deep_page], seconds=SECONDS, connections=4, headers=executes))
        rss = {
            "router": rss_mib(sg.processes["router"].pid),
            "products subgraph": rss_mib(sg.processes["products"].pid),
        }
        private = measure_private(sg, settings, signer, SECONDS, CONNECTIONS)
        identity = measure_identity(routed, settings, signer, SECONDS, CONNECTIONS)
        cart = measure_cart(routed, sg.urls["cart"], settings, signer, SECONDS, CONNECTIONS)
        rss["cart subgraph"] = rss_mib(sg.processes["cart"].pid)
        orders = measure_orders(sg, settings, signer, SECONDS, CONNECTIONS)
        rss["orders subgraph"] = rss_mib(sg.processes["orders"].pid)
        rest = measure_rest(sg, settings, signer, product_ids, SECONDS, CONNECTIONS)
        rss["rest shim"] = rss_mib(sg.processes["rest"].pid)
        live = measure_live(sg, settings, signer, SECONDS, CONNECTIONS)
        search = measure_search(sg, settings, env, profile.logs_dir, SECONDS, CONNECTIONS)
        rss["search subgraph"] = rss_mib(sg.processes["search"].pid)
        edge = measure_edge(
            sg, env, profile.logs_dir, first_page, seconds=max(3, SECONDS // 2), connections=CONNECTIONS
        )
    results.append(ceiling())
    report = render(results, statements, rss, alone, exec_ms, profile_text, time.monotonic() - started)
    report += render_private(private)
    report += render_identity(identity)
    report += render_cart(cart)
    report += render_orders(orders)
    report += render_live(live)
    report += render_search(search)
    report += render_rest(rest)
    report += render_edge(edge)
    print(report)
    out = repo_root() / "bench" / "results" / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
    out.write_text(report)
    print(f"\nsaved {out.relative_to(repo_root())}")
    return 0


def render(
    results: list[LoadResult],
    statements: dict[str, int],
    rss: dict[str, float],
    alone: dict[str, tuple[float, float]],
    exec_ms: float,
    profile_text: str,
    took: float,
) -> str:
    by = {r.name: r for r in results}
    ceiling_rps = results[-1].rps
    cached_direct, cached_router = by[LIST_DIRECT], by[LIST_ROUTER]
    exec_direct, exec_router = by[LIST_DIRECT_EXEC], by[LIST_ROUTER_EXEC]
    first, deep = by[FIRST_PAGE], by[DEEP_PAGE]
    setup = (
        f"{SIZE:,} products · {os.cpu_count()} CPUs · Python {platform.python_version()} · "
        f"subgraph workers {WORKERS} · {CONNECTIONS} connections ((c): 4) · {SECONDS}s per run · "
        "router de-dup off"
    )
    lines = [
        f"# Catalogue benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        setup,
        "",
        "| scenario | rps | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(r.row() for r in results),
        "",
        "## Ratios (same run)",
        f"- via router ÷ router ceiling, cached listing: {cached_router.rps / ceiling_rps:.2f} (≥ 0.8)",
        f"- via router ÷ direct, cached listing: {cached_router.rps / cached_direct.rps:.2f}",
        f"- via router ÷ direct, executed listing: {exec_router.rps / exec_direct.rps:.2f}",
        f"- deep ÷ first page, executed alone (in-process, 100 each, interleaved): median "
        f"{alone['deep page'][0]:.1f} ÷ {alone['first page'][0]:.1f} ms = "
        f"{alone['deep page'][0] / alone['first page'][0]:.2f}, p95 "
        f"{alone['deep page'][1] / alone['first page'][1]:.2f} (target ≤ 1.5)",
        "- deep ÷ first page under load (4 connections, table above): "
        f"p50 {deep.p50 / max(first.p50, 0.01):.2f}, "
        f"p99 {deep.p99 / max(first.p99, 0.01):.2f}",
        "",
        "## SQL statements per executed operation",
        *(f"- {k}: {v}" for k, v in statements.items()),
        "",
        "## Memory (RSS after load)",
        *(f"- {k}: {v:.0f} MiB" for k, v in rss.items()),
        "",
        f"## Where the time goes: executed listing in-process, {exec_ms:.1f} ms per request",
        "cProfile, top functions by own time:",
        "```",
        profile_text,
        "```",
        "",
        f"Took {took:.0f}s.",
    ]
    return "\n".join(lines) + "\n"


def render_identity(figures: IdentityFigures) -> str:
    lines = [
        "",
        f"## Identity ({Argon2Hasher().parameters})",
        "| scenario | rps | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(r.row() for r in figures.results),
        "",
        *figures.lines,
    ]
    return "\n".join(lines) + "\n"


def render_cart(figures: CartFigures) -> str:
    lines = [
        "",
        "## Cart (through the router; product data from the products subgraph)",
        "| scenario | rps | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(r.row() for r in figures.results),
        "",
        *figures.lines,
    ]
    return "\n".join(lines) + "\n"


def render_orders(figures: OrdersFigures) -> str:
    lines = [
        "",
        "## Orders (checkout saga over Kafka; seller dashboards; one order)",
        *figures.lines,
        "",
        "| scenario | rps | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(r.row() for r in figures.results),
    ]
    return "\n".join(lines) + "\n"


def render_live(figures: LiveFigures) -> str:
    lines = [
        "",
        "## Live dashboards and fulfilment (subscriptions through the router; shipments, returns)",
        *figures.lines,
        "",
        "| scenario | rps | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(r.row() for r in figures.results),
    ]
    return "\n".join(lines) + "\n"


def render_search(figures: SearchFigures) -> str:
    lines = [
        "",
        "## Search (OpenSearch 2.19, one node, 1 GiB heap)",
        "",
        *figures.lines,
        "",
        "| scenario | rps | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(r.row() for r in figures.results),
        "",
    ]
    return "\n".join(lines)


def render_edge(figures: EdgeFigures) -> str:
    lines = [
        "",
        "## Edge: router limits, cost estimation, rate limits (router/edge.ts)",
        "| scenario | rps | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(r.row() for r in figures.results),
        "",
        *figures.lines,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
