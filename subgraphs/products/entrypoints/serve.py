"""Run the products subgraph: `python -m subgraphs.products.entrypoints.serve`."""

from __future__ import annotations

import os

import uvicorn


def main() -> None:
    uvicorn.run(
        "subgraphs.products.entrypoints.asgi:create",
        factory=True,
        host=os.environ.get("PRODUCTS_HOST", "127.0.0.1"),
        port=int(os.environ.get("PRODUCTS_PORT", "4001")),
        workers=int(os.environ.get("WEB_CONCURRENCY", "1")),
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_config=None,
        lifespan="on",
    )


if __name__ == "__main__":
    main()
