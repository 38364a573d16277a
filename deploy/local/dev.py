"""`make dev`: on top of the dev stack, load the demo catalogue, start the supergraph, wait.

Run inside `python -m deploy.local.stack run --profile dev -- python -m deploy.local.dev`,
which provides DATABASE_URL, REDIS_URL and KAFKA_BOOTSTRAP_SERVERS and stops the services
after Ctrl-C.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import httpx

from deploy.local.dev_keys import KID, demo_token, ensure_jwks, signing_key_path
from deploy.local.profiles import get_profile
from deploy.local.supergraph import Ports, running_supergraph
from subgraphs.accounts.adapters.tables import MIGRATIONS as ACCOUNTS_MIGRATIONS
from subgraphs.accounts.adapters.tables import SCHEMA as ACCOUNTS_SCHEMA
from subgraphs.accounts.entrypoints.seed_users import ADMIN_ID, DEMO_PASSWORD, seed_demo_users
from subgraphs.orders.entrypoints.seed import seed_shipping_rates
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.sql.migrations import migrate
from subgraphs.products.entrypoints.seed import demo_seller_ids, prepare_catalogue
from subgraphs.search.domain.errors import SearchUnavailable
from subgraphs.search.entrypoints.config import SearchConfig
from subgraphs.search.entrypoints.reindex import reindex

DEMO_SIZE = int(os.environ.get("DEMO_SIZE", "10000"))


async def prepare_accounts(settings: Settings) -> list[str]:
    engine = create_engine(settings)
    try:
        await migrate(engine, ACCOUNTS_MIGRATIONS, ACCOUNTS_SCHEMA)
        return await seed_demo_users(engine, demo_seller_ids()[:3])
    finally:
        await engine.dispose()


def opensearch_answers(url: str | None) -> bool:
    """Whether the dev stack's OpenSearch node started (it is optional in dev)."""
    if not url:
        return False
    try:
        return httpx.get(url, timeout=3.0).status_code == 200
    except httpx.HTTPError:
        return False


def main() -> int:
    profile = get_profile("dev")
    jwks_path, key = ensure_jwks(profile.data_dir / "jwt")
    env = {
        **os.environ,
        "JWT_JWKS_FILE": str(jwks_path),
        "ACCOUNTS_SIGNING_KEY_FILE": str(signing_key_path(profile.data_dir / "jwt")),
        "ACCOUNTS_SIGNING_KID": KID,
        "ACCOUNTS_KYC_STORAGE_DIR": str(profile.data_dir / "kyc"),
    }
    if not opensearch_answers(env.get("OPENSEARCH_URL")):
        # Search answers from PostgreSQL full-text search instead (same API, same port).
        env["SEARCH_ENGINE"] = "postgres"
    settings = Settings.from_env("products", env=env)
    asyncio.run(prepare_catalogue(settings, DEMO_SIZE))
    emails = asyncio.run(prepare_accounts(settings))
    asyncio.run(seed_shipping_rates(settings, demo_seller_ids()[:3]))
    started = time.monotonic()
    stop_requested = False

    def request_stop(*_: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with running_supergraph(env, profile.logs_dir, Ports()) as running:
        # The demo catalogue is written by SQL (no events): the search index is built from it.
        search_env = {**env, "SEARCH_PRODUCTS_URL": running.urls["products"]}
        try:
            report = asyncio.run(
                reindex(
                    Settings.from_env("search", env=search_env),
                    SearchConfig.from_env(search_env),
                    only_if_incomplete=True,
                )
            )
            done = f"indexed {report.products} products into" if report.products else "up to date:"
            engine = "OpenSearch" if env.get("SEARCH_ENGINE") != "postgres" else "PostgreSQL full-text search"
            print(f"search: {done} {report.index} ({engine})", flush=True)
            if env.get("SEARCH_ENGINE") == "postgres":
                print(
                    "search: OpenSearch could not start on this machine (see .data/dev/logs/opensearch.log); "
                    "search answers from the PostgreSQL fallback (no snapshot paging, simpler relevance)",
                    flush=True,
                )
        except SearchUnavailable:
            print(
                "search: the search index is unavailable; search and recommendations answer "
                "SEARCH_UNAVAILABLE until it is back, everything else works",
                flush=True,
            )
        except Exception as exc:
            print(
                f"search: the demo index could not be built ({type(exc).__name__}: {exc}); run "
                "`python -m subgraphs.search.entrypoints.reindex` later. Everything else works.",
                flush=True,
            )
        seller = demo_seller_ids()[0]
        print(
            "\n".join(
                [
                    "",
                    f"Supergraph ready in {time.monotonic() - started:.1f}s.",
                    f"  GraphiQL (router):   http://localhost:{Ports().router}/graphql",
                    f"  REST (DRF-style):    http://localhost:{Ports().rest}/api/   "
                    f"(docs: http://localhost:{Ports().rest}/api/docs/, OpenAPI: /api/schema/)",
                    *(
                        f"  {name + ' subgraph:':<20} {url}"
                        for name, url in running.urls.items()
                        if name not in {"router", "rest"}
                    ),
                    "  JWKS (accounts):     "
                    + running.urls["accounts"].removesuffix("/graphql")
                    + "/.well-known/jwks.json",
                    f"  logs:                {profile.logs_dir}",
                    "",
                    f"Try:  curl 'http://localhost:{Ports().rest}/api/products/?ordering=-price&page_size=5'",
                    "      { products(first: 5, sort: {field: PRICE}) "
                    "{ nodes { title priceRange { min { amount currency } } } } }",
                    '      { search(query: "wireles headphones", first: 5) { totalCount nodes { title } '
                    "facets { brands { brand { name } count } priceRanges { min max count } } } }",
                    '      mutation { addToCart(variantId: "<a variant id>", quantity: 1) { cartToken '
                    "cart { version subtotal { amount } items { variant { sku } product { title } } } } }",
                    '      mutation { checkout(input: {idempotencyKey: "first", '
                    "expectedCartVersion: <cart version>, "
                    'shippingAddress: {address: {name: "Ada", line1: "1 Main St", city: "Berlin", '
                    'postalCode: "10115", country: "DE"}}}) { checkout { status grandTotal { amount } '
                    "orders { sellerId status } } userErrors { code message } } }   (signed in)",
                    "",
                    f"Demo accounts (dev only), password `{DEMO_PASSWORD}`: "
                    f"{', '.join(emails[:2])}, …, {emails[-1]}",
                    '  mutation { login(input: {email: "seller1@example.com", password: "demo-password", '
                    'device: {id: "graphiql"}, refreshTokenDelivery: BODY}) { accessToken } }',
                    "",
                    "Ready-made tokens (24 h, dev only; send as `Authorization: Bearer <token>`):",
                    f"  seller {seller}: {demo_token(key, seller, ['seller'])}",
                    f"  admin:  {demo_token(key, ADMIN_ID, ['admin'])}",
                    "",
                    "Press Ctrl-C to stop everything.",
                ]
            ),
            flush=True,
        )
        while not stop_requested:
            for name, process in running.processes.items():
                if process.poll() is not None:
                    print(
                        f"{name} exited with {process.returncode}; see {profile.logs_dir}/{name}.log",
                        file=sys.stderr,
                    )
                    return 1
            time.sleep(0.5)
    print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
