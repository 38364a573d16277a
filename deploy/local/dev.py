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

from deploy.local.dev_keys import demo_token, ensure_jwks
from deploy.local.profiles import get_profile
from deploy.local.supergraph import Ports, running_supergraph
from subgraphs.platform.settings import Settings
from subgraphs.products.entrypoints.seed import demo_seller_ids, prepare_catalogue

DEMO_SIZE = int(os.environ.get("DEMO_SIZE", "10000"))
ADMIN_ID = "019b0000-0000-7000-8000-00000000ad01"


def main() -> int:
    profile = get_profile("dev")
    jwks_path, key = ensure_jwks(profile.data_dir / "jwt")
    env = {**os.environ, "JWT_JWKS_FILE": str(jwks_path)}
    settings = Settings.from_env("products", env=env)
    asyncio.run(prepare_catalogue(settings, DEMO_SIZE))
    started = time.monotonic()
    stop_requested = False

    def request_stop(*_: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with running_supergraph(env, profile.logs_dir, Ports()) as running:
        import uuid

        seller = demo_seller_ids()[0]
        print(
            "\n".join(
                [
                    "",
                    f"Supergraph ready in {time.monotonic() - started:.1f}s.",
                    f"  GraphiQL (router):   http://localhost:{Ports().router}/graphql",
                    f"  products subgraph:   {running.urls['products']}",
                    f"  logs:                {profile.logs_dir}",
                    "",
                    "Try:  { products(first: 5, sort: {field: PRICE}) "
                    "{ nodes { title priceRange { min { amount currency } } } } }",
                    "",
                    "Demo tokens (dev only; send as `Authorization: Bearer <token>`):",
                    f"  seller {seller}: {demo_token(key, seller, ['seller'])}",
                    f"  admin:  {demo_token(key, uuid.UUID(ADMIN_ID), ['admin'])}",
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
