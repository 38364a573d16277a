"""Cart figures for `make bench`: add-to-cart and view-cart through the router.

200 buyers (one token each, sent per request) add variants that are in stock; then each views
their cart, which the router completes with product data from the products subgraph. The
cross-subgraph cost is reported against a products-only query that asks the same product
data (the same ten variants by id, with product title and images) through the router.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx

from bench.measure import LoadResult, load
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.settings import Settings

BUYERS = 200
LINES_PER_CART = 10
ADD = (
    "mutation Add($v: ID!) { addToCart(variantId: $v, quantity: 1) { cart { version } userErrors { code } } }"
)
VIEW = """query ViewCart { cart { id version itemsCount subtotal { amount currency }
  sellers { sellerId subtotal { amount } }
  items { id quantity problems unitPrice { amount currency }
          variant { id sku title price { amount currency } }
          product { id title slug images { url alt } } } } }"""
VIEW_CART_ONLY = """query ViewCartOnly { cart { id version itemsCount subtotal { amount currency }
  sellers { sellerId subtotal { amount } }
  items { id quantity problems unitPrice { amount currency } variant { id } product { id } } } }"""
# One document for every buyer (ids in variables), as a client would send it: plans are reused.
SAME_PRODUCTS = (
    "query SameProducts("
    + ", ".join(f"$v{i}: ID!" for i in range(LINES_PER_CART))
    + ") { "
    + " ".join(
        f"v{i}: variant(id: $v{i}) {{ id sku title price {{ amount currency }} "
        "product { id title slug images { url alt } } }"
        for i in range(LINES_PER_CART)
    )
    + " }"
)


@dataclass
class CartFigures:
    results: list[LoadResult] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


async def _in_stock_variants(settings: Settings, count: int) -> list[str]:
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        rows = await conn.fetch(
            "SELECT v.id FROM products.variants v JOIN products.products p ON p.id = v.product_id "
            "JOIN products.inventory i ON i.variant_id = v.id AND i.product_id = v.product_id "
            "WHERE p.status = 'ACTIVE' AND p.currency = 'USD' GROUP BY v.id "
            "HAVING sum(i.on_hand - i.reserved) >= 20 ORDER BY v.id LIMIT $1",
            count,
        )
    finally:
        await conn.close()
    return [str(r["id"]) for r in rows]


async def _fill_carts(router: str, tokens: list[str], variants: list[list[str]]) -> int:
    """Every buyer's cart holds LINES_PER_CART lines before the view runs; returns errors."""
    errors = 0
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=16)) as client:
        sem = asyncio.Semaphore(16)

        async def one(token: str, variant: str) -> None:
            nonlocal errors
            async with sem:
                r = await client.post(
                    router,
                    json={"query": ADD, "variables": {"v": variant}},
                    headers={"authorization": f"Bearer {token}"},
                )
                if r.status_code != 200 or r.json()["data"]["addToCart"]["userErrors"]:
                    errors += 1

        await asyncio.gather(*(one(t, v) for t, vs in zip(tokens, variants, strict=True) for v in vs))
    return errors


def auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@dataclass
class CartWorkload:
    """BUYERS buyers with LINES_PER_CART lines each, and the requests a run sends."""

    tokens: list[str]
    per_buyer: list[list[str]]
    fill_errors: int
    adds: list[dict[str, Any]]  # existing line +1: the steady state of a shopping session
    views: list[dict[str, Any]]


def cart_workload(router: str, settings: Settings, signer: TestSigner) -> CartWorkload | str:
    """Carts filled through the router, or why they could not be."""
    pool = asyncio.run(_in_stock_variants(settings, BUYERS * LINES_PER_CART))
    if len(pool) < BUYERS * LINES_PER_CART:
        return f"not enough in-stock variants ({len(pool)})"
    tokens = [signer.token(roles=["buyer"], ttl=3600) for _ in range(BUYERS)]
    per_buyer = [pool[i * LINES_PER_CART : (i + 1) * LINES_PER_CART] for i in range(BUYERS)]
    fill_errors = asyncio.run(_fill_carts(router, tokens, per_buyer))
    adds: list[dict[str, Any]] = [
        {"query": ADD, "variables": {"v": per_buyer[b][k]}, "$headers": auth(tokens[b])}
        for k in range(LINES_PER_CART)
        for b in range(BUYERS)
    ]
    views: list[dict[str, Any]] = [{"query": VIEW, "$headers": auth(t)} for t in tokens]
    return CartWorkload(tokens, per_buyer, fill_errors, adds, views)


def measure_cart(
    router: str, cart_url: str, settings: Settings, signer: TestSigner, seconds: int, connections: int
) -> CartFigures:
    figures = CartFigures()
    carts = cart_workload(router, settings, signer)
    if isinstance(carts, str):
        figures.lines.append(f"- {carts}; cart figures skipped")
        return figures
    tokens, per_buyer, fill_errors, adds, views = (
        carts.tokens,
        carts.per_buyer,
        carts.fill_errors,
        carts.adds,
        carts.views,
    )
    cart_only = [{"query": VIEW_CART_ONLY, "$headers": auth(t)} for t in tokens]
    products_only = [
        {
            "query": SAME_PRODUCTS,
            "variables": {f"v{i}": v for i, v in enumerate(per_buyer[b])},
            "$headers": auth(tokens[b]),
        }
        for b in range(BUYERS)
    ]
    seller = auth(signer.token(roles=["seller"], ttl=3600))
    products_executed = [{**body, "$headers": seller} for body in products_only]
    # One pass over every body first: tokens verified, caches filled (steady state, not warm-up).
    for bodies in (views, products_only, cart_only):
        load("warm-up", router, bodies, seconds=2, connections=4)

    def run(name: str, url: str, bodies: list[dict[str, Any]]) -> LoadResult:
        result = load(name, url, bodies, seconds=seconds, connections=connections)
        figures.results.append(result)
        return result

    view = run("view cart (10 lines + product data) — via router", router, views)
    cached = run(
        "products-only, same 10 variants, shopper (router cache) — via router", router, products_only
    )
    executed = run(
        "products-only, same 10 variants, executed (seller) — via router", router, products_executed
    )
    cart_view = run("view cart, cart fields only — via router", router, cart_only)
    run("view cart, cart fields only — cart subgraph direct", cart_url, cart_only)
    add_routed = run("add to cart (existing line +1) — via router", router, adds)
    add_direct = run("add to cart (existing line +1) — cart subgraph direct", cart_url, adds)
    figures.lines += [
        f"- {BUYERS} buyers, {LINES_PER_CART} lines each (fill errors: {fill_errors}); {connections} connections",
        f"- view cart ÷ products-only executed (cross-subgraph cost): {view.rps / executed.rps:.2f}",
        f"- view cart ÷ products-only served from the router's memory: {view.rps / cached.rps:.2f} "
        "(a cart is private: it always executes)",
        f"- view cart with product data ÷ cart fields only, via router: {view.rps / cart_view.rps:.2f}",
        f"- add to cart via router ÷ direct: {add_routed.rps / add_direct.rps:.2f}",
    ]
    return figures
