"""Private traffic for `make bench` (issue 16): what executes every time, through the router,
each figure beside Saleor 3.23 measured on this kind of machine.

- The storefront listing (20 products with variants, images, brand, category) as 64 distinct
  sellers (sellers bypass the public cache; distinct tokens so nothing is shared), at 32
  connections, and its latency at one connection (where a stall shows in p99, not in a queue).
- Add to cart (an existing line +1) and view cart (10 lines with product data): 200 buyers.
- Checkout: 200 buyers, add a line then check out, until COMPLETED.
- RSS of the router and every subgraph after the load.

`python -m bench.private` runs this section alone inside the bench stack (seeding it if new).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from bench import scenarios
from bench.cart import BUYERS, cart_workload
from bench.measure import LoadResult, cpu_seconds, load, rss_mib
from bench.orders import run_checkouts, sellable_skus
from deploy.local.supergraph import Running
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.settings import Settings

SELLERS = 64
# Saleor 3.23.28 on this machine (2 workers, wrk, 32 connections, 10,000 products): its
# storefront listing, the only figure measured side by side. The same listing is the yardstick
# for every scenario here (Saleor's checkout and cart were not measured on this machine).
SALEOR_LISTING_RPS = 26.0
SALEOR_LISTING_P50_MS = 64.0
GOALS = {"listing": 400.0, "add": 500.0, "view": 1000.0, "checkout": 300.0, "rss": 800.0}
PROCESSES = ("router", "products", "accounts", "cart", "orders", "search")


@dataclass
class PrivateFigures:
    results: list[LoadResult] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    rss: dict[str, float] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)


def measure_private(
    sg: Running, settings: Settings, signer: TestSigner, seconds: int, connections: int
) -> PrivateFigures:
    figures = PrivateFigures()
    router = sg.router_url
    page = scenarios.storefront(20)
    sellers = [
        {**page, "$headers": {"authorization": f"Bearer {signer.token(roles=['seller'], ttl=3600)}"}}
        for _ in range(SELLERS)
    ]
    load("warm-up", router, sellers, seconds=3, connections=8)
    before = {n: cpu_seconds(sg.processes[n].pid) for n in ("router", "products")}
    listing = load(
        f"listing (20, nested), {SELLERS} sellers, executed — via router",
        router,
        sellers,
        seconds=seconds,
        connections=connections,
    )
    spent = {n: cpu_seconds(sg.processes[n].pid) - before[n] for n in before}
    served = max(listing.rps * seconds, 1)
    figures.cpu_ms = {n: 1000 * s / served for n, s in spent.items()}
    alone = load(
        "listing (20, nested), executed, one connection — via router",
        router,
        sellers,
        seconds=seconds,
        connections=1,
    )
    figures.results += [listing, alone]

    carts = cart_workload(router, settings, signer)
    if isinstance(carts, str):
        raise SystemExit(f"bench.private: {carts}")
    fill_errors, adds, views = carts.fill_errors, carts.adds, carts.views
    load("warm-up", router, views, seconds=2, connections=4)
    add = load(
        "add to cart (existing line +1) — via router", router, adds, seconds=seconds, connections=connections
    )
    view = load(
        "view cart (10 lines + product data) — via router",
        router,
        views,
        seconds=seconds,
        connections=connections,
    )
    figures.results += [add, view]

    skus = asyncio.run(sellable_skus(settings))
    buyers = [signer.token(roles=["buyer"], ttl=3600) for _ in range(BUYERS)]
    started = time.monotonic()
    run = asyncio.run(run_checkouts(router, buyers, skus, float(max(seconds, 10))))
    rate = run["completed"] / (time.monotonic() - started)
    figures.rss = {n: rss_mib(sg.processes[n].pid) for n in PROCESSES if n in sg.processes}
    total_rss = sum(figures.rss.values())

    def vs_saleor(rps: float) -> str:
        return f"{rps / SALEOR_LISTING_RPS:.1f}x Saleor's listing"

    figures.lines += [
        f"| listing of 20 products, executed (seller/admin) | {listing.rps:,.0f} rps | ≥ {GOALS['listing']:,.0f} | {vs_saleor(listing.rps)} |",
        f"| same, one connection: p50 / p99 | {alone.p50:.0f} / {alone.p99:.0f} ms | — | Saleor p50 {SALEOR_LISTING_P50_MS:.0f} ms ({SALEOR_LISTING_P50_MS / max(alone.p50, 0.1):.1f}x faster) |",
        f"| add to cart (existing line +1) | {add.rps:,.0f} rps, p99 {add.p99:.0f} ms | ≥ {GOALS['add']:,.0f}, p99 < 100 ms | {vs_saleor(add.rps)} |",
        f"| view cart, 10 lines with product data | {view.rps:,.0f} rps | ≥ {GOALS['view']:,.0f} | {vs_saleor(view.rps)} |",
        f"| checkout, {BUYERS} buyers (completed) | {rate:,.1f} /s, p99 {run['p99']:.0f} ms | ≥ {GOALS['checkout']:,.0f} | {vs_saleor(rate)} |",
        f"| router + all subgraphs RSS after the load | {total_rss:,.0f} MiB | < {GOALS['rss']:,.0f} | Saleor 869 MiB |",
        "",
        f"- CPU per executed listing: router {figures.cpu_ms['router']:.1f} ms, products subgraph "
        f"{figures.cpu_ms['products']:.1f} ms (the load driver shares the 2 cores)",
        f"- checkout outcomes: completed {run['completed']}, failed {run['failed']}, refused "
        f"{run['refused']}, errors {run['errors']}"
        + (f" ({', '.join(f'{k}: {v}' for k, v in run['why'].items())})" if run["why"] else ""),
        "- RSS by process (MiB): " + ", ".join(f"{n} {v:,.0f}" for n, v in figures.rss.items()),
        f"- carts filled with {fill_errors} errors; checkouts completed {run['completed']}, failed "
        f"{run['failed']}, refused {run['refused']}, errors {run['errors']}",
    ]
    return figures


def render_private(figures: PrivateFigures) -> str:
    lines = [
        "",
        "## Private traffic: executed through the router (issue 16), against Saleor 3.23",
        "",
        "| scenario | rps | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        *(r.row() for r in figures.results),
        "",
        "| goal table | measured | goal | against Saleor |",
        "|---|---:|---:|---|",
        *figures.lines,
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    """`python -m bench.private` inside the bench stack: this section alone."""
    from bench.run import one_section

    with one_section() as (sg, settings, signer, _):
        figures = measure_private(sg, settings, signer, 10, 32)
    print(render_private(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
